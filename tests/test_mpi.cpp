// test_mpi.cpp - the MPI build (make test MPI=1): its pool under mpirun on 3 ranks, by
// tests/mpi/pool_check.cpp (each index done once on the writer, done calls one at a time, a
// failure or a signal on one rank stopping every rank), and the build started without mpirun
// printing what the plain build prints. In the plain build, or without mpirun, each case is
// skipped with one line saying why.
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "test_util.h"

using wi_test::contains;

namespace {

std::string dir_of(const std::string& path) { return path.substr(0, path.rfind('/')); }

std::string pool_check() { return dir_of(wi_test::wi_binary()) + "/pool_check"; }

std::string plain_wi() { return wi_test::repo_root() + "/wi"; }

bool exists(const std::string& path) { return std::system(("test -x '" + path + "'").c_str()) == 0; }

boost::test_tools::assertion_result skip_unless(bool run, boost::unit_test::test_unit_id id, const std::string& why) {
    if (run) return true;
    const std::string name = boost::unit_test::framework::get(id, boost::unit_test::TUT_ANY).p_name;
    std::printf("mpi/%s: skipped: %s\n", name.c_str(), why.c_str());
    boost::test_tools::assertion_result r(false);
    r.message() << why;
    return r;
}

#ifdef WI_MPI
constexpr bool kMpiBuild = true;
#else
constexpr bool kMpiBuild = false;
#endif

boost::test_tools::assertion_result mpi_build(boost::unit_test::test_unit_id id) {
    return skip_unless(kMpiBuild, id, "not the MPI build (make test MPI=1)");
}
boost::test_tools::assertion_result mpirun_here(boost::unit_test::test_unit_id id) {
    if (!kMpiBuild) return mpi_build(id);
    if (std::system("command -v mpirun >/dev/null 2>&1") != 0)
        return skip_unless(false, id, "no mpirun (Debian: openmpi-bin; make deps MPI=1)");
    return skip_unless(exists(pool_check()), id, pool_check() + " is not built (make test MPI=1 builds it)");
}
boost::test_tools::assertion_result plain_wi_here(boost::unit_test::test_unit_id id) {
    if (!kMpiBuild) return mpi_build(id);
    return skip_unless(exists(plain_wi()), id, "no plain ./wi to compare with (make)");
}

// A command's status (-1: it did not exit) and its standard output and error together.
struct Ran {
    int status = -1;
    std::string out;
};
Ran run(const std::string& cmd) {
    wi_test::TempDir tmp;
    const int raw = std::system(("cd '" + wi_test::repo_root() + "' && " + cmd + " >'" + (tmp / "out") + "' 2>&1 </dev/null").c_str());
    Ran r;
    r.status = (raw != -1 && WIFEXITED(raw)) ? WEXITSTATUS(raw) : -1;
    r.out = wi_test::read_file(tmp / "out");
    return r;
}

// pool_check MODE on 3 ranks, at most 60 s (each mode takes about a second).
Ran on_three_ranks(const std::string& mode) {
    return run("timeout 60 mpirun --allow-run-as-root --oversubscribe -np 3 '" + pool_check() + "' " + mode);
}

void expect_ok(const Ran& r, const std::string& mode) {
    BOOST_TEST_MESSAGE("pool_check " << mode << ": " << r.out);
    BOOST_CHECK_MESSAGE(r.status == 0, "pool_check " << mode << " exited " << r.status << ":\n" << r.out);
    BOOST_CHECK_MESSAGE(contains(r.out, "pool_check: ok"), "pool_check " << mode << ":\n" << r.out);
    BOOST_CHECK_MESSAGE(!contains(r.out, "FAIL"), r.out);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mpi)

BOOST_AUTO_TEST_CASE(runs_spread_over_three_ranks_each_done_once_on_rank_0, *boost::unit_test::precondition(mpirun_here)) {
    const Ran r = on_three_ranks("check");
    expect_ok(r, "check");
    BOOST_CHECK_MESSAGE(contains(r.out, "by 3 ranks x 2 threads"), r.out);
    // only rank 0 printed: one line
    BOOST_CHECK_MESSAGE(r.out == "pool_check: ok (every index done once by 3 ranks x 2 threads)\n", r.out);
}

BOOST_AUTO_TEST_CASE(a_run_failing_on_rank_2_is_rethrown_on_rank_0, *boost::unit_test::precondition(mpirun_here)) {
    const Ran r = on_three_ranks("error");
    expect_ok(r, "error");
    BOOST_CHECK_MESSAGE(contains(r.out, "failed on rank 2"), r.out);
    const Ran d = on_three_ranks("done-error");
    expect_ok(d, "done-error");
    BOOST_CHECK_MESSAGE(contains(d.out, "done failed at its 5th call"), d.out);
}

BOOST_AUTO_TEST_CASE(a_signal_on_rank_1_stops_every_rank, *boost::unit_test::precondition(mpirun_here)) {
    expect_ok(on_three_ranks("signal"), "signal");
}

BOOST_AUTO_TEST_CASE(ranks_end_when_rank_0_never_starts_its_pool, *boost::unit_test::precondition(mpirun_here)) {
    const Ran r = on_three_ranks("writer-skips");
    expect_ok(r, "writer-skips");
    BOOST_CHECK_MESSAGE(r.status != 124, "the ranks other than 0 waited for rank 0 for ever");
}

BOOST_AUTO_TEST_CASE(without_mpirun_it_prints_what_the_plain_build_prints, *boost::unit_test::precondition(plain_wi_here)) {
    const std::string env = "env -u OMPI_COMM_WORLD_SIZE -u PMIX_RANK -u PMI_RANK -u PMI_SIZE WI_NO_FETCH=1 ";
    const Ran plain = run(env + "'" + plain_wi() + "' --epochs 1");
    const Ran mpi = run(env + "'" + wi_test::wi_binary() + "' --epochs 1");
    BOOST_CHECK_EQUAL(plain.status, 0);
    BOOST_CHECK_EQUAL(mpi.status, plain.status);
    BOOST_CHECK_MESSAGE(contains(plain.out, "Epoch 1 finished"), plain.out);
    BOOST_CHECK_MESSAGE(mpi.out == plain.out, "the MPI build printed:\n" << mpi.out << "the plain one:\n" << plain.out);
}

BOOST_AUTO_TEST_CASE(other_commands_run_under_mpirun_too, *boost::unit_test::precondition(mpirun_here)) {
    // No sweep, no pool: MPI is never initialized, and each rank is a wi of its own.
    const Ran r = run("WI_NO_FETCH=1 timeout 120 mpirun --allow-run-as-root --oversubscribe -np 2 '" +
                      wi_test::wi_binary() + "' --epochs 1 -q");
    BOOST_CHECK_MESSAGE(r.status == 0, "exited " << r.status << ":\n" << r.out);
    const Ran bad = run("timeout 120 mpirun --allow-run-as-root --oversubscribe -np 2 '" + wi_test::wi_binary() + "' --no-such-flag");
    BOOST_CHECK_MESSAGE(bad.status != 0, "a usage error under mpirun exited 0:\n" << bad.out);
}

BOOST_AUTO_TEST_SUITE_END()
