// test_main.cpp - the Boost.Test module, plus the plain closing line "N passed, N failed".
#define BOOST_TEST_MODULE wi
#define BOOST_TEST_NO_MAIN
#include <boost/test/results_collector.hpp>
#include <boost/test/tree/observer.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>

namespace {

// After the whole run, print the counts as one plain line that any CI can read.
struct CountingObserver : boost::unit_test::test_observer {
    void test_finish() override {
        using namespace boost::unit_test;
        const test_results& r = results_collector.results(framework::master_test_suite().p_id);
        std::fflush(stdout);
        std::printf("\n%lu passed, %lu failed, %lu skipped\n", static_cast<unsigned long>(r.p_test_cases_passed),
                    static_cast<unsigned long>(r.p_test_cases_failed + r.p_test_cases_aborted),
                    static_cast<unsigned long>(r.p_test_cases_skipped));
        std::fflush(stdout);
    }
    // Run after the results collector has seen the end of every test unit.
    int priority() override { return 1000; }
};

CountingObserver observer;

bool init_suite() {
    boost::unit_test::framework::register_observer(observer);
    return true;
}

}  // namespace

int main(int argc, char* argv[]) {
    // Our closing line replaces Boost's own report (a flag or the variable still brings it back).
    setenv("BOOST_TEST_REPORT_LEVEL", "no", 0);
    return boost::unit_test::unit_test_main(&init_suite, argc, argv);
}
