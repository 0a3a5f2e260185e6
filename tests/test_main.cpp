// test_main.cpp - the Boost.Test module, plus the plain closing line "N passed, N failed".
#define BOOST_TEST_MODULE wi
#define BOOST_TEST_NO_MAIN
#include <boost/test/results_collector.hpp>
#include <boost/test/tree/observer.hpp>
#include <boost/test/tree/traverse.hpp>
#include <boost/test/tree/visitor.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace {

// Cases that were to run and did not (a precondition said no): Boost's p_test_cases_skipped
// also counts every case a --run_test filter left out.
struct SkipCounter : boost::unit_test::test_tree_visitor {
    unsigned long n = 0;
    void visit(const boost::unit_test::test_case& tc) override {
        if (tc.is_enabled() && boost::unit_test::results_collector.results(tc.p_id).p_skipped) ++n;
    }
};
unsigned long skipped_cases() {
    SkipCounter c;
    boost::unit_test::traverse_test_tree(boost::unit_test::framework::master_test_suite(), c, true);
    return c.n;
}

// After the whole run, print the counts as one plain line that any CI can read.
struct CountingObserver : boost::unit_test::test_observer {
    void test_finish() override {
        using namespace boost::unit_test;
        const test_results& r = results_collector.results(framework::master_test_suite().p_id);
        std::fflush(stdout);
        // Boost counts an aborted case among the failed ones already (p_test_cases_aborted is a
        // subset), a case that passed with warnings apart from the passed, a timed-out one apart
        // from the failed.
        std::printf("\n%lu passed, %lu failed, %lu skipped\n",
                    static_cast<unsigned long>(r.p_test_cases_passed + r.p_test_cases_warned),
                    static_cast<unsigned long>(r.p_test_cases_failed + r.p_test_cases_timed_out),
                    skipped_cases());
        std::fflush(stdout);
    }
    // Run after the results collector has seen the end of every test unit.
    int priority() override { return 1000; }
};

CountingObserver observer;

// With WI_TEST_SELF_CHECK set, a suite "self_check" of one case of each outcome, for the test
// of the closing line (guards_run/closing_line_counts_each_case_once): 2 passed, 3 failed,
// 1 skipped. Never registered otherwise.
void passes() { BOOST_TEST(true); }
void warns() { BOOST_WARN(false); }
void fails() { BOOST_TEST(false); }
void aborts() { BOOST_TEST_REQUIRE(false); }
void throws() { throw std::runtime_error("self_check: an exception"); }
void never_runs() { BOOST_TEST(true); }

void add_self_check() {
    using namespace boost::unit_test;
    test_suite* s = BOOST_TEST_SUITE("self_check");
    s->add(BOOST_TEST_CASE(&passes));
    s->add(BOOST_TEST_CASE(&warns));
    s->add(BOOST_TEST_CASE(&fails));
    s->add(BOOST_TEST_CASE(&aborts));
    s->add(BOOST_TEST_CASE(&throws));
    test_case* skip = BOOST_TEST_CASE(&never_runs);
    skip->add_precondition([](test_unit_id) { return assertion_result(false); });
    s->add(skip);
    framework::master_test_suite().add(s);
}

bool init_suite() {
    boost::unit_test::framework::register_observer(observer);
    if (std::getenv("WI_TEST_SELF_CHECK") != nullptr) add_self_check();
    return true;
}

}  // namespace

int main(int argc, char* argv[]) {
    // Our closing line replaces Boost's own report (a flag or the variable still brings it back).
    setenv("BOOST_TEST_REPORT_LEVEL", "no", 0);
    return boost::unit_test::unit_test_main(&init_suite, argc, argv);
}
