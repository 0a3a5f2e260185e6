// test_interrupt.cpp - Ctrl-C and SIGTERM during training: a clean stop with the figures so
// far, the CSV rows so far, no temp files, and exit status 128 + the signal.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "test_util.h"

using namespace wi_test;

namespace {

struct Stopped {
    int status = -1;
    std::string out;
};

// Starts wi with args, waits until it has printed `ready` on stdout (or a time limit), sends sig.
Stopped run_and_signal(const std::vector<std::string>& args, const std::string& ready, int sig, const TempDir& dir,
                       int settle_ms = 200) {
    const std::string out_path = dir / "stdout";
    const pid_t pid = fork();
    if (pid == 0) {
        const int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        std::vector<char*> argv;
        std::string bin = wi_binary();
        argv.push_back(bin.data());
        std::vector<std::string> copy = args;
        for (std::string& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(bin.c_str(), argv.data());
        _exit(127);
    }
    const auto start = std::chrono::steady_clock::now();
    while (read_file(out_path).find(ready) == std::string::npos &&
           std::chrono::steady_clock::now() - start < std::chrono::seconds(60))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(settle_ms));  // well inside the next steps
    kill(pid, sig);
    int raw = 0;
    waitpid(pid, &raw, 0);
    Stopped s;
    s.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    s.out = read_file(out_path);
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(interrupts)

BOOST_AUTO_TEST_CASE(sigint_and_sigterm_stop_cleanly) {
    for (int sig : {SIGINT, SIGTERM}) {
        TempDir dir, out;
        // the reference path on the sample: about a third of a second an epoch, so the signal lands mid-epoch
        const Stopped s = run_and_signal({"--epochs", "1000", "--kernel", "ref", "-q", "--stats", "--no-fetch", "--out",
                                          out.path(), "--data", sample_dir()},
                                         "layer statistics after epoch 1", sig, dir);
        const std::string name = sig == SIGINT ? "SIGINT" : "SIGTERM";
        BOOST_TEST(s.status == 128 + sig, name << ": exit " << s.status << "\n" << s.out);
        BOOST_TEST(s.out.find("interrupted by " + name + " after step") != std::string::npos, s.out);
        BOOST_TEST(s.out.find("the last complete epoch is epoch") != std::string::npos, s.out);
        // the statistics rows measured so far are on disk, and nothing temporary is left
        const std::string csv = read_file(out / "stats_default.csv");
        BOOST_TEST(csv.find(",epoch 1,") != std::string::npos, csv);
        BOOST_TEST(count_files(out.path()) == 1, "files in out/: " << count_files(out.path()));
    }
}

BOOST_AUTO_TEST_CASE(compare_marks_interrupted_runs) {
    TempDir dir, out;
    const Stopped s = run_and_signal({"--compare", "xavier,zeros", "--epochs", "1000", "--kernel", "ref", "--threads", "2",
                                      "--no-fetch", "--out", out.path(), "--data", sample_dir()},
                                     "compare:", SIGINT, dir, 1500);  // a second and a half: several epochs in
    BOOST_TEST(s.status == 130, s.out);
    BOOST_TEST(s.out.find("stopped ") != std::string::npos, s.out);
    BOOST_TEST(read_file(out / "compare.csv").find("\"xavier\",1,") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
