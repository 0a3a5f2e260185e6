// test_offline.cpp - runs without the network: the first says in one line that full MNIST could
// not be downloaded and leaves a dated marker (and nothing else) in data/mnist; later runs of
// the day say nothing; --fetch, an old marker, a garbage one or one dated in the future try again.
//
// Each test runs a copy of wi in a root of its own (wi looks for data/ and data_fetch/ in the
// working directory and next to its binary, so the repository's own data/ is never touched),
// with the mirrors pointed at a port where nothing listens: the download fails at once.
#include <sys/wait.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>
#include <string>

#include "data/mnist.h"
#include "core/fsutil.h"
#include "test_util.h"

using namespace wi_test;

namespace {

const char* kNowhere = "http://127.0.0.1:9";  // the discard port: nothing listens, the connection is refused

bool have_curl() { return std::system("command -v curl >/dev/null 2>&1") == 0; }

// A root holding a copy of wi, the fetch script and (a link to) the bundled sample.
struct Root {
    TempDir dir;
    std::string root = dir / "root";
    Root() {
        const std::string cmd = "mkdir -p '" + root + "/data_fetch' && cp '" + wi_binary() + "' '" + root + "/wi' && cp '" +
                                repo_root() + "/data_fetch/fetch_mnist.sh' '" + root + "/data_fetch/' && ln -s '" +
                                sample_dir() + "' '" + root + "/data_fetch/mnist-sample'";
        BOOST_REQUIRE_EQUAL(std::system(cmd.c_str()), 0);
    }
    std::string marker() const { return root + "/data/mnist/.fetch-failed"; }
    RunResult run(const std::string& args, const std::string& mirrors = kNowhere) const {
        const std::string cmd = "cd '" + root + "' && env -u WI_NO_FETCH WI_MNIST_MIRRORS='" + mirrors + "' ./wi " + args +
                                " >'" + (dir / "out") + "' 2>'" + (dir / "err") + "' </dev/null";
        const int raw = std::system(cmd.c_str());
        RunResult r;
        r.status = (raw != -1 && WIFEXITED(raw)) ? WEXITSTATUS(raw) : -1;
        r.out = read_file(dir / "out");
        r.err = read_file(dir / "err");
        return r;
    }
    // The entries of data/mnist besides . and ..
    std::set<std::string> files() const {
        std::set<std::string> s;
        if (!wi::is_dir(root + "/data/mnist")) return s;
        for (const std::string& e : wi::list_dir(root + "/data/mnist"))
            if (e != "." && e != "..") s.insert(e);
        return s;
    }
};

int line_count(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

std::string utc(long long t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

const std::string kSampleLine = "data: bundled MNIST sample (./data_fetch/mnist-sample): 8000 train / 2000 test images\n";

// The one line of a failed download, with the reason the script saw.
void check_one_line(const RunResult& r, const std::string& reason) {
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(line_count(r.err) == 1, "stderr: " << r.err);
    BOOST_TEST(r.err == "wi: full MNIST could not be downloaded (" + reason +
                            "); using the bundled 10,000-digit sample \xE2\x80\x94 make data or --fetch retries\n");
    BOOST_TEST(r.out.rfind(kSampleLine, 0) == 0, r.out);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(offline)

BOOST_AUTO_TEST_CASE(the_marker_holds_for_a_day_from_a_time_in_the_past) {
    const long long now = 1800000000;  // 2027-01-15T08:00:00Z
    BOOST_TEST(wi::fetch_marker_holds(utc(now) + "\nno network\n", now));
    BOOST_TEST(wi::fetch_marker_holds(utc(now - 3600) + "\nno network\nlog\n", now));
    BOOST_TEST(wi::fetch_marker_holds(utc(now - 86399), now));
    BOOST_TEST(!wi::fetch_marker_holds(utc(now - 86400) + "\n", now));   // a day old: try again
    BOOST_TEST(!wi::fetch_marker_holds(utc(now + 60) + "\n", now));      // in the future: not believed
    BOOST_TEST(!wi::fetch_marker_holds("", now));
    BOOST_TEST(!wi::fetch_marker_holds("garbage\n", now));
    BOOST_TEST(!wi::fetch_marker_holds(utc(now - 10) + "junk\n", now));
    BOOST_TEST(!wi::fetch_marker_holds(std::string("\0\0\0", 3), now));
}

// The first run offline says it in one line and remembers it; the next says nothing and goes
// straight to the sample; --fetch tries again at once (and says so again).
BOOST_AUTO_TEST_CASE(one_line_then_silence_then_fetch_retries) {
    if (!have_curl()) {
        std::printf("skipped: offline/one_line_then_silence_then_fetch_retries: no curl\n");
        return;
    }
    Root r;
    const RunResult first = r.run("--epochs 0 -q");
    check_one_line(first, "no network?");
    BOOST_TEST(readme_says("`wi: full MNIST could not be downloaded (no network?); using the bundled 10,000-digit sample "
                           "\xE2\x80\x94 make data or --fetch retries`"));
    BOOST_TEST((r.files() == std::set<std::string>{".fetch-failed"}), "data/mnist holds more than the marker");
    const std::string marker = read_file(r.marker());
    BOOST_TEST(wi::fetch_marker_holds(marker, static_cast<long long>(std::time(nullptr))), marker);
    BOOST_TEST(contains(marker, "\nno network\n"), marker);
    BOOST_TEST(contains(marker, "fetch_mnist: http://127.0.0.1:9/train-images-idx3-ubyte.gz: download failed"), marker);

    const RunResult second = r.run("--epochs 0 -q");
    BOOST_TEST(second.status == 0);
    BOOST_TEST(second.err.empty(), second.err);
    BOOST_TEST(second.out == first.out);

    check_one_line(r.run("--epochs 0 -q --fetch"), "no network?");
    BOOST_TEST((r.files() == std::set<std::string>{".fetch-failed"}));
    // --no-fetch: as before, nothing tried, nothing said
    const RunResult none = r.run("--epochs 0 -q --no-fetch");
    BOOST_TEST(none.err.empty(), none.err);
}

// A marker a day old, one with a time in the future, garbage or an empty one: tried again.
BOOST_AUTO_TEST_CASE(an_old_or_unreadable_marker_is_tried_again) {
    if (!have_curl()) {
        std::printf("skipped: offline/an_old_or_unreadable_marker_is_tried_again: no curl\n");
        return;
    }
    Root r;
    BOOST_REQUIRE_EQUAL(std::system(("mkdir -p '" + r.root + "/data/mnist'").c_str()), 0);
    const long long now = static_cast<long long>(std::time(nullptr));
    for (const std::string& text : {utc(now - 25 * 3600) + "\nno network\n", utc(now + 3600) + "\nno network\n",
                                    std::string("garbage\n"), std::string()}) {
        write_file(r.marker(), text);
        check_one_line(r.run("--epochs 0 -q"), "no network?");
        BOOST_TEST(wi::fetch_marker_holds(read_file(r.marker()), static_cast<long long>(std::time(nullptr))),
                   "the marker was not renewed after '" << text << "'");
    }
}

// A mirror serving the wrong bytes: the reason is the checksum, and no file but the marker is left.
BOOST_AUTO_TEST_CASE(a_bad_mirror_is_a_checksum_mismatch_and_leaves_nothing) {
    if (!have_curl()) {
        std::printf("skipped: offline/a_bad_mirror_is_a_checksum_mismatch_and_leaves_nothing: no curl\n");
        return;
    }
    Root r;
    const std::string mirror = r.dir / "mirror";
    BOOST_REQUIRE_EQUAL(std::system(("mkdir -p '" + mirror + "'").c_str()), 0);
    write_file(mirror + "/train-images-idx3-ubyte.gz", "not the real file");
    check_one_line(r.run("--epochs 0 -q", "file://" + mirror + " " + kNowhere), "checksum mismatch");
    BOOST_TEST((r.files() == std::set<std::string>{".fetch-failed"}), "data/mnist holds more than the marker");
    BOOST_TEST(contains(read_file(r.marker()), "\nchecksum mismatch\n"));
}

BOOST_AUTO_TEST_SUITE_END()
