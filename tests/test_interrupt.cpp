// test_interrupt.cpp - Ctrl-C and SIGTERM during training: a clean stop with the figures so
// far, the CSV rows so far, no temp files, and exit status 128 + the signal.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <regex>
#include <thread>

#include "test_util.h"

using namespace wi_test;

namespace {


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

// After a signal no further run starts (each used to build and measure its model first: a deep
// experiment took many seconds to answer Ctrl-C): the runs not yet begun say so, with nothing measured.
BOOST_AUTO_TEST_CASE(compare_starts_no_run_after_a_signal) {
    TempDir dir, out;
    const Stopped s = run_and_signal({"--compare", "all", "--epochs", "50", "--kernel", "ref", "--threads", "1",
                                      "--no-fetch", "--out", out.path(), "--data", sample_dir()},
                                     "compare:", SIGINT, dir, 300);
    BOOST_TEST(s.status == 130, s.out);
    BOOST_TEST(std::regex_search(s.out, std::regex(R"(\nzero_last +- +- +- +- +not started +-\n)")), s.out);
    BOOST_TEST(s.out.find("zero_last: diagnosis: not run (stopped by a signal before it began)") != std::string::npos, s.out);
}

BOOST_AUTO_TEST_SUITE_END()
