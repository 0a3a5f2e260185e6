// test_progress.cpp - the progress line: its layout at 40/60/80/120 columns (never wider than the
// terminal less one column, fields dropped in order, "?" before anything is measured); the
// per-run lines of --compare on a stderr that is not a terminal, and -q silencing them; and a
// whole run under a pseudo-terminal 60 columns wide, its screen read back by a small terminal
// emulator: only the stdout lines are left.
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "report/progress.h"
#include "test_util.h"

using namespace wi_test;

namespace {

wi::ProgressState epoch_state(long done, double elapsed) {
    wi::ProgressState s;
    s.label = "Training iteration 2";
    s.done = done;
    s.total = 8000;
    s.elapsed = elapsed;
    s.run_done = 8000 + done;
    s.run_total = 24000;
    s.run_elapsed = 0.4 + elapsed;
    return s;
}

struct Fields {
    bool bar, counts, rate, eta;
};

Fields fields_of(const std::string& line) {
    return {contains(line, "|"), contains(line, "/8000 images"), contains(line, "img/s"), contains(line, "ETA")};
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> v;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        v.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return v;
}

// What a terminal shows after `stream`: lines of text, with \r (to column 0), \n (next line) and
// ESC[K (erase to the end of the line) applied; no wrapping (the widths are checked apart).
std::string screen_text(const std::string& stream) {
    std::vector<std::string> lines;
    std::string cur;
    std::size_t col = 0;
    for (std::size_t i = 0; i < stream.size(); ++i) {
        const char c = stream[i];
        if (c == '\r') {
            col = 0;
        } else if (c == '\n') {
            lines.push_back(cur);
            cur.clear();
            col = 0;
        } else if (c == '\033') {
            std::size_t j = i + 1;  // CSI: ESC [ parameters final-byte
            if (j < stream.size() && stream[j] == '[') {
                ++j;
                while (j < stream.size() && (std::isdigit(static_cast<unsigned char>(stream[j])) || stream[j] == ';')) ++j;
                if (j < stream.size() && stream[j] == 'K' && col < cur.size()) cur.resize(col);
            }
            i = j;
        } else {
            if (col < cur.size())
                cur[col] = c;
            else
                cur += c;
            ++col;
        }
    }
    if (!cur.empty()) lines.push_back(cur);
    std::string s;
    for (const std::string& l : lines) s += l + "\n";
    return s;
}

// The text of every draw of a bar: what follows a \r up to the next control character.
std::vector<std::string> bar_draws(const std::string& stream) {
    std::vector<std::string> v;
    for (std::size_t i = stream.find('\r'); i != std::string::npos; i = stream.find('\r', i + 1)) {
        const std::size_t end = stream.find_first_of("\r\n\033", i + 1);
        const std::string s = stream.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
        if (!s.empty()) v.push_back(s);
    }
    return v;
}

// Runs wi with args under a pseudo-terminal of `columns` columns; everything it wrote there.
std::string run_in_terminal(const std::vector<std::string>& args, int columns) {
    struct winsize ws {};
    ws.ws_col = static_cast<unsigned short>(columns);
    ws.ws_row = 30;
    int master = -1;
    const std::string bin = wi_binary(), root = repo_root();
    const pid_t pid = forkpty(&master, nullptr, nullptr, &ws);
    if (pid == 0) {
        if (chdir(root.c_str()) != 0) _exit(127);
        setenv("WI_NO_FETCH", "1", 1);
        unsetenv("COLUMNS");
        std::vector<char*> argv{const_cast<char*>(bin.c_str())};
        for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(bin.c_str(), argv.data());
        _exit(127);
    }
    BOOST_REQUIRE(pid > 0);
    std::string out;
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < std::chrono::seconds(120)) {
        pollfd p{master, POLLIN, 0};
        if (poll(&p, 1, 200) <= 0) continue;
        char buf[4096];
        const ssize_t n = read(master, buf, sizeof buf);
        if (n <= 0) break;  // EIO: the other side is closed
        out.append(buf, static_cast<std::size_t>(n));
    }
    close(master);
    int status = 0;
    pid_t done = 0;
    for (int i = 0; i < 500 && (done = waitpid(pid, &status, WNOHANG)) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (done == 0) {  // still running long after two minutes: stopped here
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0), "wi under a terminal: status " << status);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(progress)

// At each width the line fits in width - 1 columns; the wider the terminal the more it shows,
// and what it leaves out goes in order: the rate, then the ETA, then the counts, the bar last.
BOOST_AUTO_TEST_CASE(the_line_fits_and_drops_fields_in_order) {
    for (const auto& s : {epoch_state(0, 0.0), epoch_state(3600, 0.087), epoch_state(8000, 0.2)}) {
        for (int columns = 1; columns <= 200; ++columns) {
            const std::string line = wi::progress_line(s, columns);
            BOOST_TEST(static_cast<int>(line.size()) <= columns - 1, columns << " columns: '" << line << "'");
            const Fields f = fields_of(line);
            BOOST_TEST((!f.rate || f.eta), columns << ": the ETA went before the rate: " << line);
            BOOST_TEST((!f.eta || f.counts), columns << ": the counts went before the ETA: " << line);
            BOOST_TEST((!f.counts || f.bar), columns << ": the bar went before the counts: " << line);
            if (f.bar) {  // at least kMinBar wide
                const std::size_t open = line.find('|'), close = line.find('|', open + 1);
                BOOST_TEST((close != std::string::npos && close - open - 1 >= static_cast<std::size_t>(wi::kMinBar)), line);
            }
        }
        const std::string l120 = wi::progress_line(s, 120), l80 = wi::progress_line(s, 80),
                          l60 = wi::progress_line(s, 60), l40 = wi::progress_line(s, 40);
        const Fields f120 = fields_of(l120), f80 = fields_of(l80), f60 = fields_of(l60), f40 = fields_of(l40);
        BOOST_TEST((f120.bar && f120.counts && f120.rate && f120.eta), l120);  // all of it
        BOOST_TEST((f80.bar && f80.counts && f80.eta), l80);
        BOOST_TEST((f60.bar && f60.counts && !f60.rate && !f60.eta), l60);
        BOOST_TEST((f40.bar && !f40.counts), l40);
        BOOST_TEST(l120.rfind("Training iteration 2: ", 0) == 0, l120);
        BOOST_TEST(l40.rfind("Training iteration 2: ", 0) == 0, l40);
    }
    BOOST_TEST(wi::progress_line(epoch_state(3600, 0.087), 20) == "Training iteration ");  // no room for a bar
}

// Before anything is measured the rate and the ETA are "?", never 0; then they are numbers,
// and the whole run's ETA stands beside the epoch's.
BOOST_AUTO_TEST_CASE(unknown_is_a_question_mark_not_zero) {
    const std::string before = wi::progress_line(epoch_state(0, 0.0), 200);
    BOOST_TEST(contains(before, "0/8000 images, ? img/s, ETA ? (run "), before);
    BOOST_TEST(!contains(before, " 0 img/s"), before);
    BOOST_TEST(!contains(before, "ETA 0"), before);
    wi::ProgressState fresh = epoch_state(0, 0.0);
    fresh.run_done = 0;
    fresh.run_elapsed = 0;
    BOOST_TEST(contains(wi::progress_line(fresh, 200), "ETA ? (run ?)"));
    const std::string mid = wi::progress_line(epoch_state(4000, 0.1), 200);
    BOOST_TEST(contains(mid, " 50% |"), mid);
    BOOST_TEST(contains(mid, "4000/8000 images, 40000 img/s, ETA 0.1s (run 0.5s)"), mid);
    BOOST_TEST(wi::duration_text(-1) == "?");
    BOOST_TEST(wi::duration_text(12.34) == "12.3s");
    BOOST_TEST(wi::duration_text(725) == "12m05s");
    BOOST_TEST(wi::duration_text(11220) == "3h07m");
}

// Without a terminal, --compare says each run as it finishes, one line each, on stderr (in the
// order they finish); -q says nothing; stdout is the same either way.
BOOST_AUTO_TEST_CASE(compare_says_each_run_on_stderr) {
    TempDir out;
    const std::string args =
        "--compare xavier,zeros --epochs 1 --threads 2 --out '" + out.path() + "' --data '" + sample_dir() + "'";
    const RunResult r = run_wi(args);
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    const std::vector<std::string> lines = lines_of(r.err);
    BOOST_TEST_REQUIRE(lines.size() == 2u, r.err);
    const std::regex line(R"(compare: ([12])/2 runs done \((xavier|zeros): test accuracy 0\.\d{3}, \d+\.\d s\))");
    std::set<std::string> labels;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::smatch m;
        BOOST_TEST_REQUIRE(std::regex_match(lines[i], m, line), lines[i]);
        BOOST_TEST(m[1].str() == std::to_string(i + 1));
        labels.insert(m[2].str());
    }
    BOOST_TEST(labels.size() == 2u);
    // On one thread the runs finish in the order given (stdout against the thread count: initializer_lab)
    const RunResult one = run_wi(args + " --threads 1");
    BOOST_TEST_REQUIRE(one.status == 0, one.err);
    BOOST_TEST(std::regex_search(one.err, std::regex(R"(^compare: 1/2 runs done \(xavier: .*\ncompare: 2/2 runs done \(zeros: )")),
               one.err);
    const RunResult q = run_wi(args + " -q");
    BOOST_TEST(q.status == 0);
    BOOST_TEST(q.err.empty(), q.err);
    BOOST_TEST(contains(q.out, "wrote "));
}

// An experiment's runs the same way, through the same engine, each run told apart by its depth
// and learning rate.
BOOST_AUTO_TEST_CASE(an_experiment_says_each_run_on_stderr) {
    TempDir out;
    const std::string args = "experiment glorot2010 --quick --no-fetch --out '" + out.path() + "' --data '" + sample_dir() + "'";
    const RunResult r = run_wi(args);
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    std::smatch m;
    BOOST_TEST_REQUIRE(std::regex_search(r.out, m, std::regex(R"(\nruns: (\d+), side by side)")), r.out);
    const int runs = std::stoi(m[1].str());
    const std::vector<std::string> lines = lines_of(r.err);
    BOOST_TEST_REQUIRE(static_cast<int>(lines.size()) == runs, r.err);
    for (int i = 0; i < runs; ++i)
        BOOST_TEST(std::regex_match(lines[i], std::regex("experiment glorot2010: " + std::to_string(i + 1) + "/" +
                                                         std::to_string(runs) + R"( runs done \(.+ \(depth \d+(, lr [0-9.]+)?\): .+, \d+\.\d s\))")),
                   lines[i]);
    const RunResult q = run_wi(args + " -q");
    BOOST_TEST(q.status == 0);
    BOOST_TEST(q.err.empty(), q.err);
}

// A whole run under a terminal 60 columns wide: every bar drawn fits in 59 columns, and once it
// is over the screen holds exactly the lines of standard output, no piece of a bar among them.
BOOST_AUTO_TEST_CASE(a_run_in_a_60_column_terminal_leaves_only_its_lines) {
    const std::vector<std::string> args = {"--init", "xavier", "--epochs", "2"};
    const std::string stream = run_in_terminal(args, 60);
    const std::vector<std::string> draws = bar_draws(stream);
    int bars = 0;
    for (const std::string& d : draws) {
        if (d.rfind("Training iteration", 0) != 0) continue;
        ++bars;
        BOOST_TEST(d.size() <= 59u, "a bar " << d.size() << " columns wide: '" << d << "'");
    }
    BOOST_TEST(bars >= 4, "bars drawn: " << bars);  // at least the first and the last of each epoch
    const RunResult plain = run_wi("--init xavier --epochs 2");
    BOOST_TEST_REQUIRE(plain.status == 0, plain.err);
    BOOST_TEST(screen_text(stream) == plain.out);
    // -q: no bar at all
    const std::string quiet = run_in_terminal({"--init", "xavier", "--epochs", "1", "-q"}, 60);
    BOOST_TEST(!contains(quiet, "Training iteration"), quiet);
}

BOOST_AUTO_TEST_SUITE_END()
