// test_outputs.cpp - nothing lost: every output target checked before training, one failing
// output never takes the others with it, a weights folder always loads again, signals are
// answered in every phase, and standard output's write errors are reported.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <thread>

#include "test_util.h"

using namespace wi_test;

namespace {

using Clock = std::chrono::steady_clock;

// A wi started in the background, stdout and stderr to files in dir.
class Spawned {
public:
    Spawned(const std::vector<std::string>& args, const TempDir& dir) : out_(dir / "stdout"), err_(dir / "stderr") {
        pid_ = fork();
        if (pid_ == 0) {
            dup2(open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
            dup2(open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
            if (chdir(repo_root().c_str()) != 0) _exit(127);
            setenv("WI_NO_FETCH", "1", 1);
            std::vector<std::string> copy = args;
            std::string bin = wi_binary();
            std::vector<char*> argv{bin.data()};
            for (std::string& a : copy) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(bin.c_str(), argv.data());
            _exit(127);
        }
    }
    ~Spawned() {
        if (pid_ > 0 && !done_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    // Waits until stdout holds text (at most 120 s); false if wi ended or the time ran out first.
    bool wait_for(const std::string& text) {
        const auto start = Clock::now();
        while (Clock::now() - start < std::chrono::seconds(120)) {
            if (contains(read_file(out_), text)) return true;
            if (waitpid(pid_, &raw_, WNOHANG) == pid_) {
                done_ = true;
                return contains(read_file(out_), text);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }
    // Sends sig and waits for the end (SIGKILL after limit_s); returns the seconds it took.
    double signal_and_wait(int sig, int limit_s = 60) {
        const auto start = Clock::now();
        if (!done_) kill(pid_, sig);
        finish(limit_s);
        return std::chrono::duration<double>(Clock::now() - start).count();
    }
    void finish(int limit_s = 120) {
        const auto start = Clock::now();
        while (!done_ && Clock::now() - start < std::chrono::seconds(limit_s)) {
            if (waitpid(pid_, &raw_, WNOHANG) == pid_) done_ = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (!done_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &raw_, 0);
            done_ = true;
        }
    }
    int status() const { return WIFEXITED(raw_) ? WEXITSTATUS(raw_) : WIFSIGNALED(raw_) ? 128 + WTERMSIG(raw_) : -1; }
    std::string out() const { return read_file(out_); }
    std::string err() const { return read_file(err_); }

private:
    std::string out_, err_;
    pid_t pid_ = -1;
    int raw_ = 0;
    bool done_ = false;
};

// A shell command's exit status (128 + N when killed by signal N, as a shell reports it).
int shell(const std::string& cmd) {
    const int raw = std::system(("bash -c '" + cmd + "'").c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

std::string wi_cmd() { return "cd " + repo_root() + " && WI_NO_FETCH=1 " + wi_binary() + " --data " + sample_dir(); }

bool exists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

// Files whose name holds ".tmp-": what an interrupted atomic write would leave.
int temp_files(const std::string& dir) {
    const int raw = std::system(("ls -a '" + dir + "' | grep -q '\\.tmp-'").c_str());
    return WIFEXITED(raw) && WEXITSTATUS(raw) == 0 ? 1 : 0;
}

// A tmpfs of size bytes mounted on dir (root only); unmounted on destruction.
struct TinyFs {
    std::string dir;
    bool mounted = false;
    TinyFs(const std::string& d, const std::string& size) : dir(d) {
        mkdir(dir.c_str(), 0755);
        mounted = mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
        if (!mounted)
            std::printf("outputs/%s: skipped: cannot mount a tmpfs here (needs root)\n",
                        boost::unit_test::framework::current_test_case().p_name->c_str());
    }
    ~TinyFs() {
        if (mounted) umount(dir.c_str());
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(outputs)

BOOST_AUTO_TEST_CASE(targets_are_checked_before_training) {
    TempDir dir;
    // a figure's file name taken by a directory
    mkdir((dir / "out").c_str(), 0755);
    mkdir((dir / "out/training_default.png").c_str(), 0755);
    RunResult r = run_wi("-q --epochs 1 --plots --data " + sample_dir() + " --out " + (dir / "out"));
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "training_default.png is a directory"), r.err);
    BOOST_TEST(!contains(r.out, "Epoch"), r.out);
    // a weights file's name taken by a directory
    mkdir((dir / "w").c_str(), 0755);
    mkdir((dir / "w/fc2.bias.npy").c_str(), 0755);
    r = run_wi("-q --epochs 1 --data " + sample_dir() + " --save-weights " + (dir / "w"));
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "--save-weights: " + (dir / "w/fc2.bias.npy") + " is a directory"), r.err);
    BOOST_TEST(!contains(r.out, "Epoch"), r.out);
}

BOOST_AUTO_TEST_CASE(long_init_specs_get_short_distinct_file_names) {
    TempDir dir;
    const std::string zeros(300, '0');
    for (const std::string last : {"1", "2"}) {
        const RunResult r = run_wi("-q --epochs 1 --plots --stats --data " + sample_dir() + " --out " + dir.path() +
                                   " --init normal:std=0.5" + zeros + last);
        BOOST_TEST(r.status == 0, r.err);
    }
    // two figures and a CSV for each spec, every name within NAME_MAX, told apart by their hash
    BOOST_TEST(count_files(dir.path()) == 6);
    const int raw = std::system(("ls '" + dir.path() + "' | awk 'length > 100 { bad = 1 } END { exit bad }'").c_str());
    BOOST_TEST(WEXITSTATUS(raw) == 0, "a file name over 100 characters");
}

BOOST_AUTO_TEST_CASE(one_folder_for_initial_and_final_weights_is_refused) {
    TempDir dir;
    mkdir((dir / "d").c_str(), 0755);
    symlink((dir / "d").c_str(), (dir / "link").c_str());
    for (const std::string& other : {dir / "d", dir / "d/", dir / "d/.", dir / "link/", dir / "d/../d"}) {
        const RunResult r = run_wi("-q --epochs 1 --data " + sample_dir() + " --save-init " + (dir / "d") +
                                   " --save-weights " + other);
        BOOST_TEST(r.status == 2, other << ": " << r.err);
        BOOST_TEST(contains(r.err, "are the same directory"), r.err);
        BOOST_TEST(!contains(r.out, "Epoch"), r.out);
    }
    BOOST_TEST(count_files(dir / "d") == 0);
}

BOOST_AUTO_TEST_CASE(a_weights_folder_holds_exactly_the_model) {
    TempDir dir;
    const std::string d = dir / "w";
    mkdir(d.c_str(), 0755);
    write_file(d + "/notes.txt", "mine");
    write_file(d + "/fc04.weight.npy", "not wi's name");
    RunResult r = run_wi("-q --epochs 0 --arch 784,16,16,16,10 --data " + sample_dir() + " --save-weights " + d);
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(exists(d + "/fc4.weight.npy"));
    r = run_wi("-q --epochs 0 --arch 784,16,16,10 --data " + sample_dir() + " --save-weights " + d);
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(!exists(d + "/fc4.weight.npy"));
    BOOST_TEST(!exists(d + "/fc4.bias.npy"));
    BOOST_TEST(exists(d + "/notes.txt"));
    BOOST_TEST(exists(d + "/fc04.weight.npy"));
    r = run_wi("-q --epochs 0 --arch 784,16,16,10 --data " + sample_dir() + " --load-weights " + d);
    BOOST_TEST(r.status == 0, r.err);
}

BOOST_AUTO_TEST_CASE(a_failing_output_never_stops_the_others) {
    TempDir dir, logs;
    const std::string out = dir / "out", w = dir / "w";
    Spawned wi({"-q", "--epochs", "8", "--kernel", "ref", "--stats", "--plots", "--out", out, "--save-weights", w,
                "--data", sample_dir()},
               logs);
    BOOST_TEST_REQUIRE(wi.wait_for("Epoch 1 finished"), wi.out() << wi.err());
    // after the checks: the CSV's name is taken by a directory while wi trains
    mkdir((out + "/stats_default.csv").c_str(), 0755);
    wi.finish();
    BOOST_TEST(wi.status() == 1, wi.status() << "\n" << wi.err());
    BOOST_TEST(contains(wi.err(), out + "/stats_default.csv"), wi.err());
    BOOST_TEST(exists(w + "/fc3.bias.npy"));
    BOOST_TEST(exists(out + "/training_default.png"));
    BOOST_TEST(exists(out + "/weights_default.png"));
    BOOST_TEST(contains(wi.out(), "wrote " + out + "/weights_default.png"), wi.out());
}

BOOST_AUTO_TEST_CASE(an_experiment_keeps_its_verdict_when_its_figure_fails) {
    TempDir dir;
    mkdir((dir / "saxe2014.png").c_str(), 0755);
    const RunResult r = run_wi("experiment saxe2014 --quick --data " + sample_dir() + " --out " + dir.path());
    BOOST_TEST(r.status == 1, r.err);
    BOOST_TEST(contains(r.err, dir / "saxe2014.png"), r.err);
    BOOST_TEST((contains(r.out, "saxe2014: reproduced") || contains(r.out, "saxe2014: not reproduced")), r.out);
}

BOOST_AUTO_TEST_CASE(a_full_file_system_is_refused_before_training) {
    TempDir dir;
    TinyFs fs(dir / "fs", "64k");
    if (!fs.mounted) return;
    RunResult r = run_wi("-q --epochs 1 --data " + sample_dir() + " --save-weights " + (dir / "fs/w"));
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "not enough free space"), r.err);
    BOOST_TEST(!contains(r.out, "Epoch"), r.out);
    r = run_wi("-q --epochs 1 --plots --data " + sample_dir() + " --out " + (dir / "fs/out"));
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "--out: " + (dir / "fs/out") + ": not enough free space"), r.err);
}

BOOST_AUTO_TEST_CASE(a_disk_that_fills_during_training_costs_only_its_outputs) {
    TempDir dir, logs;
    TinyFs fs(dir / "fs", "512k");
    if (!fs.mounted) return;
    const std::string out = dir / "fs/out", w = dir / "w";
    Spawned wi({"-q", "--epochs", "8", "--kernel", "ref", "--stats", "--plots", "--out", out, "--save-weights", w,
                "--data", sample_dir()},
               logs);
    BOOST_TEST_REQUIRE(wi.wait_for("Epoch 1 finished"), wi.out() << wi.err());
    shell("dd if=/dev/zero of=" + dir / "fs/filler" + " bs=4k 2>/dev/null");  // until the disk is full
    wi.finish();
    BOOST_TEST(wi.status() == 1, wi.status() << "\n" << wi.err());
    BOOST_TEST(contains(wi.err(), "No space left on device"), wi.err());
    BOOST_TEST(exists(w + "/fc3.weight.npy"));  // the weights were elsewhere: written
    BOOST_TEST(temp_files(out) == 0);
}

BOOST_AUTO_TEST_CASE(standard_output_write_errors) {
    TempDir dir;
    const std::string err = dir / "err";
    const std::string run = wi_cmd() + " --epochs 1";
    // a full device
    BOOST_TEST(shell(run + " >/dev/full 2>" + err) == 1);
    BOOST_TEST(contains(read_file(err), "standard output: write error (No space left on device)"), read_file(err));
    // the last write fails: a command that succeeded otherwise ends with 1
    for (const std::string cmd : {" --help", " --list-inits"}) {
        BOOST_TEST(shell(wi_cmd() + cmd + " >/dev/full 2>" + err) == 1, cmd);
        BOOST_TEST(contains(read_file(err), "wi: standard output: write error"), read_file(err));
    }
    // a closed stdout, before any work
    BOOST_TEST(shell(run + " --save-weights " + (dir / "w") + " >&- 2>" + err) == 1);
    BOOST_TEST(contains(read_file(err), "standard output is closed"), read_file(err));
    BOOST_TEST(!exists(dir / "w"));
    // a reader that goes away, SIGPIPE ignored: EPIPE, a message, and training stops at the next epoch
    const auto start = Clock::now();
    // (the stats CSV, still written, says how many epochs ran: the reader leaves after the first)
    shell("trap \"\" PIPE; " + wi_cmd() + " --kernel ref --epochs 30 --stats --out " + (dir / "o") + " 2>" + err +
          " | sed -n /^Epoch/q; echo ${PIPESTATUS[0]} >" + (dir / "status"));  // gone after epoch 1's line
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    BOOST_TEST(read_file(dir / "status") == "1\n");
    BOOST_TEST(contains(read_file(err), "standard output: write error (Broken pipe)"), read_file(err));
    const std::string stats = read_file(dir / "o/stats_default.csv");
    BOOST_TEST(contains(stats, ",epoch 1,"), stats);
    BOOST_TEST(!contains(stats, ",epoch 5,"), "training went on after the pipe broke:\n" << stats);
    BOOST_TEST(seconds < 60, seconds << " s: training went on after the pipe broke");
    // `| head -1` as usual: killed by SIGPIPE, nothing said
    shell(wi_cmd() + " --epochs 2 2>" + err + " | head -1 >/dev/null; echo ${PIPESTATUS[0]} >" + (dir / "status"));
    BOOST_TEST(read_file(dir / "status") == "141\n");
    BOOST_TEST(read_file(err) == "");
}

BOOST_AUTO_TEST_CASE(sighup_stops_like_sigterm) {
    TempDir dir, logs;
    Spawned wi({"--epochs", "1000", "--kernel", "ref", "-q", "--stats", "--out", dir.path(), "--data", sample_dir()},
               logs);
    BOOST_TEST_REQUIRE(wi.wait_for("layer statistics after epoch 1"), wi.out());
    wi.signal_and_wait(SIGHUP);
    BOOST_TEST(wi.status() == 129, wi.status());
    BOOST_TEST(contains(wi.out(), "interrupted by SIGHUP after step"), wi.out());
    BOOST_TEST(contains(read_file(dir / "stats_default.csv"), ",epoch 1,"));
    BOOST_TEST(count_files(dir.path()) == 1);
}

// Ctrl-C in each long phase: wi ends with 130 within seconds and leaves nothing temporary.
BOOST_AUTO_TEST_CASE(sigint_is_answered_in_every_phase) {
    const std::string deep = "784,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,10";
    struct Phase {
        std::string name;
        std::vector<std::string> args;
        std::string ready;
        int settle_ms;
    };
    const std::vector<Phase> phases = {
        {"evaluation", {"--epochs", "0", "--stats", "--kernel", "ref", "--arch", "784,512,512,512,512,512,512,512,512,10"}, "statistics at init", 300},
        {"lsuv", {"--epochs", "1", "--init", "lsuv", "--act", "relu", "--arch", deep}, "data:", 300},
        {"experiment", {"experiment", "saxe2014"}, "runs:", 300},  // the full size: --quick can end before the signal
        {"compare", {"--compare", "all", "--epochs", "50"}, "compare:", 300},
        {"figures", {"--epochs", "1", "--plots", "--arch", "784,64,64,64,64,64,64,64,64,10"}, "wrote", 0},
    };
    for (const Phase& p : phases) {
        TempDir out, logs;
        std::vector<std::string> args = p.args;
        args.insert(args.end(), {"--out", out.path(), "--data", sample_dir()});
        Spawned wi(args, logs);
        BOOST_TEST_REQUIRE(wi.wait_for(p.ready), p.name << ": " << wi.out() << wi.err());
        std::this_thread::sleep_for(std::chrono::milliseconds(p.settle_ms));
        const double seconds = wi.signal_and_wait(SIGINT);
        BOOST_TEST(wi.status() == 130, p.name << ": status " << wi.status() << "\n" << wi.out() << wi.err());
        BOOST_TEST(seconds < 10, p.name << ": " << seconds << " s after the signal");
        BOOST_TEST(temp_files(out.path()) == 0, p.name);
    }
}

BOOST_AUTO_TEST_SUITE_END()
