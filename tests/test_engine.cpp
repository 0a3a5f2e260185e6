// test_engine.cpp - one engine for a compare, an experiment and a sweep: an experiment's runs
// are its grid (depth x arm x lr) in the table's order, (the compare, sweep and interrupt
// tests hold run_compare's runs through the pool's loop).
#include <boost/test/unit_test.hpp>

#include "experiment/experiments.h"
#include "sweep/grid.h"
#include "test_util.h"

using namespace wi;

BOOST_AUTO_TEST_SUITE(engine)

BOOST_AUTO_TEST_CASE(an_experiments_runs_are_its_grid) {
    for (const char* name : {"glorot2010", "he2015", "saxe2014", "lsuv"}) {
        const Experiment& e = find_experiment(name);
        for (const ExperimentSizes* s : {&e.quick, &e.full}) {
            const Grid g = experiment_grid(e, *s);
            BOOST_REQUIRE_EQUAL(g.axes.size(), 3u);
            BOOST_TEST(g.axes[0].key == "depth");
            BOOST_TEST(g.axes[1].key == "arm");
            BOOST_TEST(g.axes[2].key == "lr");
            BOOST_TEST(g.runs() == s->depths.size() * e.arms.size() * s->lrs.size());
            // the first axis slowest: run 1 is the first depth's first arm at the second lr (if any)
            const std::vector<std::size_t> at = g.position(g.axes[2].values.size() > 1 ? 1 : 0);
            BOOST_TEST(at[0] == 0u);
            BOOST_TEST(at[1] == 0u);
            BOOST_TEST(g.axes[0].values.front() == std::to_string(s->depths.front()));
            BOOST_TEST(g.axes[1].values.back() == e.arms.back().label);
            const std::vector<std::size_t> last = g.position(g.runs() - 1);
            BOOST_TEST(last[0] == s->depths.size() - 1);
            BOOST_TEST(last[2] == s->lrs.size() - 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_arm_measured_at_init_runs_at_one_learning_rate) {
    Experiment e = find_experiment("glorot2010");  // two trained arms, two measured at init
    ExperimentSizes s = e.quick;
    s.depths = {3, 4};
    s.lrs = {0.1, 0.2, 0.3};
    const std::vector<ExperimentRun> runs = experiment_runs(e, s);
    // per depth: 2 trained arms x 3 lrs + 2 arms at init x 1
    BOOST_REQUIRE_EQUAL(runs.size(), 2u * (2 * 3 + 2));
    std::string order;
    for (const ExperimentRun& r : runs)
        order += std::to_string(r.depth) + "/" + r.arm.label.substr(0, 4) + "/" + strf("%g", r.lr) + " ";
    BOOST_TEST(order ==
               "3/sigm/0.1 3/sigm/0.2 3/sigm/0.3 3/sigm/0.1 3/sigm/0.2 3/sigm/0.3 3/tanh/0.1 3/tanh/0.1 "
               "4/sigm/0.1 4/sigm/0.2 4/sigm/0.3 4/sigm/0.1 4/sigm/0.2 4/sigm/0.3 4/tanh/0.1 4/tanh/0.1 ");
}

BOOST_AUTO_TEST_CASE(an_experiment_prints_as_many_runs_as_its_grid_keeps) {
    // he2015 --quick: every trained arm at every lr, an arm measured at init once per depth
    const Experiment& e = find_experiment("he2015");
    std::size_t kept = 0;
    for (const Arm& a : e.arms) kept += a.train ? e.quick.lrs.size() : 1;
    kept *= e.quick.depths.size();
    const wi_test::TempDir dir;
    const wi_test::RunResult r = wi_test::run_wi("experiment he2015 --quick -q --out '" + dir.path() + "'");
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(r.out.find("runs: " + std::to_string(kept) + ",") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_SUITE_END()
