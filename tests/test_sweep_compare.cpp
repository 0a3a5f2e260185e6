// test_sweep_compare.cpp - `wi --compare` through the sweep's pool: a run's result survives the
// trip through text exactly, so the table, compare.csv and the diagnosis are run_compare's.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "data/mnist.h"
#include "sweep/compare_pool.h"
#include "test_util.h"

using namespace wi;
using wi_test::sample_dir;

BOOST_AUTO_TEST_SUITE(sweep_compare)

BOOST_AUTO_TEST_CASE(a_result_survives_its_text_exactly) {
    RunResult r;
    r.label = "kaiming_normal:mode=fan_out,nonlinearity=relu";
    r.trained = true;
    r.seconds = 0.1 + 1e-17;
    r.report.diverged = true;
    r.report.diverged_step = 4123;
    r.report.interrupted_by = 0;
    EpochStats e1;
    e1.epoch = 1, e1.steps = 2000, e1.loss = 1.0 / 3, e1.accuracy = 0.7123456789, e1.tested = true;
    e1.test.loss = 0.58137412345678, e1.test.accuracy = 0.8265;
    EpochStats e2;
    e2.epoch = 2, e2.steps = 123, e2.loss = std::numeric_limits<double>::quiet_NaN(), e2.accuracy = 1e-300;
    e2.tested = false;
    r.report.epochs = {e1, e2};
    r.report.test_curve = {{200, 2.25, 0.1}, {400, 0.9, 0.805}};
    r.diagnosis = {"divergence: loss became NaN at step 4123 (epoch 2)", "symmetry: layer 1: 1 distinct row of 32"};
    RunResult stopped;  // a run a signal kept from beginning
    stopped.label = "zeros";
    stopped.report.interrupted_by = 2;
    stopped.diagnosis = {"not run (stopped by a signal before it began)"};
    for (const RunResult& before : {r, stopped}) {
        const RunResult after = result_from_text(result_text(before));
        BOOST_TEST(after.label == before.label);
        BOOST_TEST(compare_table({after}) == compare_table({before}));
        BOOST_TEST(compare_csv({after}) == compare_csv({before}));
        BOOST_TEST(after.diagnosis == before.diagnosis, boost::test_tools::per_element());
        BOOST_TEST(after.report.first_step_reaching(0.8) == before.report.first_step_reaching(0.8));
        BOOST_TEST(after.trained == before.trained);
        BOOST_TEST(after.report.interrupted_by == before.report.interrupted_by);
        BOOST_REQUIRE(after.report.epochs.size() == before.report.epochs.size());
        for (std::size_t i = 0; i < before.report.epochs.size(); ++i) {
            const EpochStats &a = after.report.epochs[i], &b = before.report.epochs[i];
            BOOST_TEST((a.loss == b.loss || (std::isnan(a.loss) && std::isnan(b.loss))));
            BOOST_TEST(a.accuracy == b.accuracy);
            BOOST_TEST(a.test.loss == b.test.loss);
            BOOST_TEST(a.tested == b.tested);
        }
        BOOST_TEST(after.seconds == before.seconds);
        BOOST_REQUIRE(after.report.test_curve.size() == before.report.test_curve.size());
        for (std::size_t i = 0; i < before.report.test_curve.size(); ++i) {
            BOOST_TEST(after.report.test_curve[i].step == before.report.test_curve[i].step);
            BOOST_TEST(after.report.test_curve[i].loss == before.report.test_curve[i].loss);
            BOOST_TEST(after.report.test_curve[i].accuracy == before.report.test_curve[i].accuracy);
        }
    }
    BOOST_CHECK_THROW(result_from_text("label x\nepoch 1 2 zz\n"), Error);
}

BOOST_AUTO_TEST_CASE(compare_through_the_pool_equals_run_compare) {
    const MnistData data = load_mnist_dir(sample_dir(), "sample");
    const Probe probe = make_probe(data.train);
    std::vector<RunSetup> setups;
    for (const char* init : {"xavier", "zeros", "unusual"}) {
        RunSetup s;
        s.label = init;
        s.spec = parse_init(init);
        s.arch = {784, 16, 10};
        s.act = Activation::None;
        s.opt.epochs = 1;
        s.opt.eval_every = 200;
        setups.push_back(s);
    }
    const std::vector<RunResult> a = run_compare(setups, data, probe);
    const std::vector<RunResult> b = compare_through_pool(setups, data, probe, "compare", RunsProgress::Mode::Off, 2);
    BOOST_TEST(compare_csv(a) == compare_csv(b));
    for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST(a[i].diagnosis == b[i].diagnosis, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
