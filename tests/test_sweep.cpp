// test_sweep.cpp - `wi sweep`: the grid's forms and refusals, run identities, the pool, the
// same CSV on 1 and 2 threads and from merged shards, resuming after kill -9, the refusal of
// another grid's folder, and the heatmap's colours.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "core/error.h"
#include "report/sweep_figures.h"
#include "sweep/grid.h"
#include "backend/pool.h"
#include "sweep/sweep_config.h"
#include "sweep/sweep_csv.h"
#include "test_png.h"
#include "test_util.h"

using namespace wi;
using namespace wi_test;

namespace {

// A CSV without its seconds column (the one column two sweeps of a grid may differ in).
std::string without_seconds(const std::string& csv) {
    std::string out;
    std::size_t pos = 0, seconds_col = std::string::npos;
    while (pos < csv.size()) {
        const std::size_t nl = csv.find('\n', pos);
        const std::string line = csv.substr(pos, nl - pos);
        pos = nl == std::string::npos ? csv.size() : nl + 1;
        if (line.rfind("#", 0) == 0) {
            out += line + "\n";
            continue;
        }
        const std::vector<std::string> f = csv_split(line);
        if (seconds_col == std::string::npos)
            for (std::size_t c = 0; c < f.size(); ++c)
                if (f[c] == "seconds") seconds_col = c;
        for (std::size_t c = 0; c < f.size(); ++c)
            if (c != seconds_col) out += f[c] + "|";
        out += "\n";
    }
    return out;
}

int data_lines(const std::string& csv) {
    int n = 0;
    std::size_t pos = 0;
    while ((pos = csv.find('\n', pos)) != std::string::npos) ++n, ++pos;
    return n - 3;  // the header's three lines
}

const std::string kFlags = " --epochs 1 --no-fetch -q ";

}  // namespace

BOOST_AUTO_TEST_SUITE(sweep)

BOOST_AUTO_TEST_CASE(grid_values_in_every_form) {
    const Grid g = parse_grid("init=xavier,kaiming_normal:mode=fan_out,nonlinearity=relu;lr=0.001..0.1:3:log;"
                              "init.gain=0.5..2:4; seed=1..3 ;batch=4..64:5:log;act=relu,tanh");
    BOOST_REQUIRE_EQUAL(g.axes.size(), 6u);
    BOOST_TEST(g.axes[0].values == (std::vector<std::string>{"xavier", "kaiming_normal:mode=fan_out,nonlinearity=relu"}),
               boost::test_tools::per_element());
    BOOST_TEST(g.axes[1].values == (std::vector<std::string>{"0.001", "0.01", "0.1"}), boost::test_tools::per_element());
    BOOST_TEST(g.axes[1].log);
    BOOST_TEST(g.axes[2].values == (std::vector<std::string>{"0.5", "1", "1.5", "2"}), boost::test_tools::per_element());
    BOOST_TEST(!g.axes[2].log);
    BOOST_TEST(g.axes[3].values == (std::vector<std::string>{"1", "2", "3"}), boost::test_tools::per_element());
    BOOST_TEST(g.axes[4].values == (std::vector<std::string>{"4", "8", "16", "32", "64"}), boost::test_tools::per_element());
    BOOST_TEST(g.runs() == 2u * 3 * 4 * 3 * 5 * 2);
    // grid order: the first axis slowest, the last fastest, and back
    BOOST_TEST(g.position(1) == (std::vector<std::size_t>{0, 0, 0, 0, 0, 1}), boost::test_tools::per_element());
    BOOST_TEST(g.position(2) == (std::vector<std::size_t>{0, 0, 0, 0, 1, 0}), boost::test_tools::per_element());
    for (std::size_t i : {0u, 7u, 500u, 719u}) BOOST_TEST(g.index(g.position(i)) == i);
    TempDir dir;
    write_file(dir / "grid", "# a grid file\ninit=xavier,zeros   # two inits\n\nlr=0.01,0.1\n");
    const Grid f = parse_grid_file(dir / "grid");
    BOOST_REQUIRE_EQUAL(f.axes.size(), 2u);
    BOOST_TEST(f.axes[0].values.size() == 2u);
    BOOST_TEST(f.axes[1].values[1] == "0.1");
}

BOOST_AUTO_TEST_CASE(bad_grids_are_usage_errors_naming_the_axis) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"foo=1,2", "axis 'foo': unknown key"},
        {"lr=", "axis 'lr': no values"},
        {"lr=0.1,,0.2", "axis 'lr': an empty value"},
        {"lr=0.1..1:1", "axis 'lr': '0.1..1:1': N must be at least 2"},
        {"lr=0..1:3:log", "axis 'lr': '0..1:3:log': a log range needs A > 0"},
        {"lr=a..1:3", "axis 'lr': 'a' is not a number"},
        {"lr=0.1..1:3:lin", "axis 'lr'"},
        {"seed=3..1", "axis 'seed': '3..1': A..B needs A <= B"},
        {"lr=0.1;lr=0.2", "axis 'lr': given twice"},
        {"lr=0.1,0.1", "axis 'lr': the value '0.1' is given twice"},
        {"lr=0,0.1", "axis 'lr': value '0': --lr: must be > 0"},
        {"batch=0,4", "axis 'batch': value '0': --batch"},
        {"batch=1..10:3", "axis 'batch': value '5.5': --batch: '5.5' is not an integer"},
        {"epochs=0,1", "axis 'epochs': value '0'"},
        {"act=relu,bogus", "axis 'act': value 'bogus'"},
        {"init=xavier,nope", "axis 'init': value 'nope': --init: unknown initializer"},
        {"init.gain=0.5,2", "axis 'init.gain': value '0.5': --init: default has no parameter 'gain'"},
        {"width=0,8", "axis 'width': value '0'"},
        {"depth=2,x", "axis 'depth': value 'x'"},
        {"arch=784-10,783-10", "axis 'arch': value '783-10': --arch"},
        {"arch=784-10;width=8", "axis 'width': cannot be combined with an arch axis"},
        {"lr", "'lr' is not KEY=VALUES"},
    };
    for (const auto& [grid, message] : cases) {
        const wi_test::RunResult r = run_wi("sweep --grid '" + grid + "'" + kFlags + "--out /nonexistent/never");
        BOOST_TEST(r.status == 2, grid << ": status " << r.status);
        BOOST_TEST(contains(r.err, message), grid << ": stderr " << r.err);
        BOOST_TEST(r.out.empty(), grid << ": stdout " << r.out);
    }
    // a combination one flag alone would take, refused as the run it makes
    const wi_test::RunResult combo = run_wi("sweep --grid 'init=xavier,zeros;init.gain=2' --init xavier" + kFlags);
    BOOST_TEST(combo.status == 2);
    BOOST_TEST(contains(combo.err, "--grid: run init=zeros init.gain=2: --init: zeros has no parameter 'gain'"), combo.err);
    for (const char* shard_c : {"2/2", "a/2", "1", "-1/2", "1/0", "1/2/3", "/2"}) {
        const std::string shard = shard_c;
        const wi_test::RunResult r = run_wi("sweep --grid 'lr=0.01' --shard '" + shard + "'" + kFlags);
        BOOST_TEST(r.status == 2, shard);
        BOOST_TEST(contains(r.err, "--shard: '" + shard + "' is not K/N"), shard << ": " << r.err);
    }
    for (const char* flag_c : {"--compare xavier", "--plots", "--stats", "--save-weights w", "--device cuda"}) {
        const std::string flag = flag_c;
        const wi_test::RunResult r = run_wi("sweep --grid 'lr=0.01' " + flag + kFlags);
        BOOST_TEST(r.status == 2, flag);
        BOOST_TEST(contains(r.err, flag.substr(0, flag.find(' '))), flag << ": " << r.err);
    }
    const wi_test::RunResult metric = run_wi("sweep --grid 'lr=0.01' --metric accuracy" + kFlags);
    BOOST_TEST(metric.status == 2);
    BOOST_TEST(contains(metric.err, "--metric: unknown metric 'accuracy'"), metric.err);
}

BOOST_AUTO_TEST_CASE(a_runs_hash_is_its_settings_not_its_grid) {
    auto hashes = [](const std::string& grid, const std::vector<std::string>& base) {
        std::vector<SweepRun> runs = resolve_runs(parse_grid(grid), base, "--grid");
        std::map<std::string, std::uint64_t> by_settings;  // "init=... lr=..." in a fixed order
        for (SweepRun& r : runs) {
            identify(r, "sample 8000/2000");
            by_settings[r.cfg.init + " " + std::to_string(r.cfg.lr) + " " + std::to_string(r.cfg.batch)] = r.hash;
            BOOST_TEST(r.seed == (splitmix64(r.hash) >> 1));
        }
        return by_settings;
    };
    const auto a = hashes("init=xavier,kaiming;lr=0.001,0.01", {"--epochs", "1"});
    const auto b = hashes("lr=0.001,0.01;init=kaiming,xavier", {"--epochs", "1"});
    BOOST_TEST(a.size() == 4u);
    BOOST_TEST((a == b));
    // a setting given as a flag or as a one-value axis is the same run
    const auto c = hashes("init=xavier,kaiming", {"--epochs", "1", "--lr", "0.01"});
    for (const auto& kv : c) BOOST_TEST(a.at(kv.first) == kv.second);
    // and any other setting makes another run
    const auto d = hashes("init=xavier,kaiming;lr=0.001,0.01", {"--epochs", "2"});
    for (const auto& kv : d) BOOST_TEST(a.at(kv.first) != kv.second);
    std::set<std::uint64_t> all;
    for (const auto& kv : a) all.insert(kv.second);
    BOOST_TEST(all.size() == 4u);
    BOOST_TEST(hex16(fnv1a64("")) == "cbf29ce484222325");  // FNV-1a's offset basis: the empty text
    BOOST_TEST(hex16(fnv1a64("a")) == "af63dc4c8601ec8c");  // the published test vector
}

BOOST_AUTO_TEST_CASE(the_pool_runs_each_index_once_and_done_one_at_a_time) {
    const std::vector<std::size_t> todo = {9, 2, 4, 7, 0, 11, 5, 3};
    std::vector<std::atomic<int>> ran(12);
    std::atomic<int> inside{0};
    bool overlapped = false;
    std::map<std::size_t, std::string> got;
    run_pool(
        todo, 4,
        [&](std::size_t i) -> std::optional<std::string> {
            ++ran[i];
            std::this_thread::sleep_for(std::chrono::milliseconds(i % 3));
            return "r" + std::to_string(i);
        },
        [&](std::size_t i, const std::string& r) {
            if (++inside != 1) overlapped = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            got[i] = r;
            --inside;
        });
    for (std::size_t i = 0; i < ran.size(); ++i) {
        const bool wanted = std::find(todo.begin(), todo.end(), i) != todo.end();
        BOOST_TEST(ran[i].load() == (wanted ? 1 : 0), "index " << i);
        if (wanted) BOOST_TEST(got[i] == "r" + std::to_string(i));
    }
    BOOST_TEST(got.size() == todo.size());
    BOOST_TEST(!overlapped);
    // nothing returned (a run a signal stopped): no done
    int dones = 0;
    run_pool({1, 2}, 2, [](std::size_t) { return std::optional<std::string>(); }, [&](std::size_t, const std::string&) { ++dones; });
    BOOST_TEST(dones == 0);
}

BOOST_AUTO_TEST_CASE(the_pool_rethrows_and_starts_no_run_after_a_failure) {
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < 50; ++i) todo.push_back(i);
    std::atomic<int> started{0};
    bool threw = false;
    try {
        run_pool(
            todo, 1,
            [&](std::size_t i) -> std::optional<std::string> {
                ++started;
                if (i == 3) throw std::runtime_error("run 3 failed");
                return std::string("x");
            },
            [](std::size_t, const std::string&) {});
    } catch (const std::runtime_error& e) {
        threw = std::string(e.what()) == "run 3 failed";
    }
    BOOST_TEST(threw);
    BOOST_TEST(started.load() == 4);  // 0, 1, 2 and the one that threw; none after it
    // an exception from done too
    bool done_threw = false;
    try {
        run_pool(todo, 2, [](std::size_t) { return std::optional<std::string>("x"); },
                 [](std::size_t, const std::string&) { throw Error("disk full"); });
    } catch (const Error& e) {
        done_threw = std::string(e.what()) == "disk full";
    }
    BOOST_TEST(done_threw);
}

BOOST_AUTO_TEST_CASE(one_and_two_threads_write_the_same_csv) {
    TempDir dir;
    const std::string grid = " --grid 'init=xavier,zeros,randn;lr=0.001,0.1;seed=1,2'";
    const wi_test::RunResult one = run_wi("sweep" + grid + kFlags + "--threads 1 --out " + (dir / "one"));
    const wi_test::RunResult two = run_wi("sweep" + grid + kFlags + "--threads 2 --out " + (dir / "two"));
    BOOST_REQUIRE(one.status == 0);
    BOOST_REQUIRE(two.status == 0);
    const std::string a = read_file(dir / "one/sweep.csv"), b = read_file(dir / "two/sweep.csv");
    BOOST_TEST(data_lines(a) == 12);
    BOOST_TEST(without_seconds(a) == without_seconds(b));
    BOOST_TEST(contains(a, "\nxavier,0.001,1,1,2000,"));  // grid order: the first axis slowest
    // a diverged run has no test numbers and its step; a run that never reached 80 % no steps_to_80
    BOOST_TEST(contains(without_seconds(a), "randn|0.1|1|1|"));
    const SweepCsv csv = read_sweep_csv(dir / "one/sweep.csv");
    for (const CsvRun& r : csv.runs) {
        const auto& last = r.fields.back();
        if (!last[3 + 6].empty()) BOOST_TEST(last[3 + 5].empty(), "a diverged run has no test accuracy");
        if (last[0] == "zeros") BOOST_TEST(last[3 + 7].empty(), "zeros never reaches 80 %");
        BOOST_TEST(last[3 + 5] != "0");
    }
    BOOST_TEST(contains(one.out, "rank  init    lr     seed  test_accuracy"), one.out);
    // ./wi with a run's settings and its run_seed retraces it
    const CsvRun& first = csv.runs.front();  // xavier, lr 0.001, seed 1
    const wi_test::RunResult alone = run_wi("--init xavier --lr 0.001 --epochs 1 --no-fetch -q --seed " + first.fields[0].back());
    char line[96];
    std::snprintf(line, sizeof line, "test set: loss %.3f and accuracy %.3f", std::stod(first.fields[0][3 + 4]),
                  std::stod(first.fields[0][3 + 5]));
    BOOST_TEST(contains(alone.out, line), line << " in " << alone.out);
}

BOOST_AUTO_TEST_CASE(two_shards_merged_equal_the_whole) {
    TempDir dir;
    const std::string grid = " --grid 'init=xavier,kaiming,zeros;lr=0.001,0.01'";
    BOOST_REQUIRE(run_wi("sweep" + grid + kFlags + "--out " + (dir / "whole")).status == 0);
    BOOST_REQUIRE(run_wi("sweep" + grid + kFlags + "--shard 0/2 --out " + (dir / "s0")).status == 0);
    const wi_test::RunResult s1 = run_wi("sweep" + grid + kFlags + "--out " + (dir / "s1"), "SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2");
    BOOST_REQUIRE(s1.status == 0);
    BOOST_TEST(data_lines(read_file(dir / "s0/sweep.csv")) == 3);
    BOOST_TEST(data_lines(read_file(dir / "s1/sweep.csv")) == 3);
    // one shard alone: merged with what it has, the missing runs named, exit 1
    const wi_test::RunResult half = run_wi("sweep merge " + (dir / "s0") + " --out " + (dir / "half"));
    BOOST_TEST(half.status == 1);
    BOOST_TEST(contains(half.err, "missing run 1: init=xavier lr=0.01"), half.err);
    BOOST_TEST(data_lines(read_file(dir / "half/sweep.csv")) == 3);
    const wi_test::RunResult merged = run_wi("sweep merge " + (dir / "s1") + " " + (dir / "s0") + " --out " + (dir / "merged"));
    BOOST_TEST(merged.status == 0, merged.err);
    BOOST_TEST(without_seconds(read_file(dir / "merged/sweep.csv")) == without_seconds(read_file(dir / "whole/sweep.csv")));
    BOOST_TEST(decode_png(dir / "merged/sweep_test_accuracy.png").width == 1000);
    // a folder of another grid is refused
    BOOST_REQUIRE(run_wi("sweep --grid 'lr=0.01'" + kFlags + "--out " + (dir / "other")).status == 0);
    const wi_test::RunResult mixed = run_wi("sweep merge " + (dir / "s0") + " " + (dir / "other") + " --out " + (dir / "m2"));
    BOOST_TEST(mixed.status == 2);
    BOOST_TEST(contains(mixed.err, "holds another grid"), mixed.err);
}

BOOST_AUTO_TEST_CASE(kill_9_then_resume_equals_uninterrupted) {
    TempDir dir;
    const std::string grid = "init=xavier,kaiming,orthogonal,randn;lr=0.001,0.003,0.01;seed=1,2";
    const std::vector<std::string> args = {"sweep", "--grid", grid, "--epochs", "2", "--no-fetch", "-q",
                                           "--threads", "1", "--out", dir / "killed"};
    const pid_t pid = wi_test::spawn_wi(args);
    const auto start = std::chrono::steady_clock::now();
    while (data_lines(read_file(dir / "killed/sweep.csv")) < 6 && std::chrono::steady_clock::now() - start < std::chrono::seconds(60))
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    kill(pid, SIGKILL);
    int raw = 0;
    waitpid(pid, &raw, 0);
    BOOST_TEST(WIFSIGNALED(raw));
    std::string csv = read_file(dir / "killed/sweep.csv");
    const int before = data_lines(csv);
    BOOST_TEST(before < 40, "the kill came before the end");
    // as a kill in the middle of a write leaves it: a run's first epoch without its second, and half a line
    write_file(dir / "killed/sweep.csv", csv + "randn,0.01,2,1,2000,0.5,0.8,0.5,0.8,,,0.1,0123456789abcdef,1\nrandn,0.01,2,2,20");
    const wi_test::RunResult resumed = run_wi("sweep --grid '" + grid + "' --epochs 2 --no-fetch --threads 2 --out " + (dir / "killed"));
    BOOST_TEST(resumed.status == 0, resumed.err);
    BOOST_TEST(!contains(resumed.out, " 0 done before"), resumed.out);
    const wi_test::RunResult whole = run_wi("sweep --grid '" + grid + "' --epochs 2 --no-fetch -q --out " + (dir / "whole"));
    BOOST_TEST(whole.status == 0);
    BOOST_TEST(without_seconds(read_file(dir / "killed/sweep.csv")) == without_seconds(read_file(dir / "whole/sweep.csv")));
    BOOST_TEST(read_sweep_csv(dir / "whole/sweep.csv").runs.size() == 24u);
    // run again: nothing to do, the same file
    const std::string done = read_file(dir / "whole/sweep.csv");
    const wi_test::RunResult again = run_wi("sweep --grid '" + grid + "' --epochs 2 --no-fetch --out " + (dir / "whole"));
    BOOST_TEST(contains(again.out, "0 to run, 24 done before"), again.out);
    BOOST_TEST(read_file(dir / "whole/sweep.csv") == done);
    // another grid, or other settings, in that folder: refused, the file untouched
    for (const std::string& other : {std::string("--grid 'lr=0.01' --epochs 2"), "--grid '" + grid + "' --epochs 1"}) {
        const wi_test::RunResult r = run_wi("sweep " + other + " --no-fetch -q --out " + (dir / "whole"));
        BOOST_TEST(r.status == 2, other);
        BOOST_TEST(contains(r.err, "holds a sweep of another grid or other settings"), r.err);
        BOOST_TEST(read_file(dir / "whole/sweep.csv") == done);
    }
}

BOOST_AUTO_TEST_CASE(a_signal_starts_no_new_run_and_the_sweep_resumes) {
    TempDir dir;
    const std::vector<std::string> args = {"sweep", "--grid", "lr=0.001..0.01:40", "--epochs", "1", "--no-fetch",
                                           "--threads", "1", "--out", dir / "s"};
    const auto start = std::chrono::steady_clock::now();
    const Stopped s = run_and_signal(args, "to run", SIGINT, dir, 250);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST(s.status == 130);
    BOOST_TEST(contains(s.out, "sweep: stopped by SIGINT"), s.out);
    const int rows = data_lines(read_file(dir / "s/sweep.csv"));
    BOOST_TEST(rows < 40);
    BOOST_TEST(seconds < 0.25 + 1.5, "it stopped at once, not after the other runs");
    BOOST_TEST(contains(s.out, std::to_string(rows) + " of 40 runs done"), s.out);
}

BOOST_AUTO_TEST_CASE(heatmap_cells_carry_the_colours_of_their_values) {
    TempDir dir;
    SweepFigure f;
    f.metric = "final test accuracy";
    f.heading = "test";
    f.axes = {{"init", {"a", "b"}, false}, {"lr", {"0.001", "0.01", "0.1"}, true}};
    const std::vector<double> v = {0.2, 0.5, 0.9, 0.3, 0.0, 0.7};  // the 0.0 cell is not measured
    for (std::size_t i = 0; i < v.size(); ++i) {
        SweepCell c;
        c.n = i == 4 ? 0 : 1;
        c.mean = c.lo = c.hi = v[i];
        f.cells.push_back(c);
    }
    FigureOptions fig;
    fig.out_dir = dir.path();
    const FigureFile file = plot_sweep(fig, "heat.png", f);
    const Png png = decode_png(file.path);
    BOOST_REQUIRE_EQUAL(file.table.size(), 6u);
    for (std::size_t i = 0; i < v.size(); ++i) {
        const Rect& box = file.table[i];
        const Color want = i == 4 ? Color{205, 205, 205} : heat_color((v[i] - 0.2) / (0.9 - 0.2));
        for (const auto& [dx, dy] : {std::pair<int, int>{4, 4}, {-5, 4}, {4, -5}, {-5, -5}}) {
            const int x = static_cast<int>(dx > 0 ? box.left + dx : box.right() + dx);
            const int y = static_cast<int>(dy > 0 ? box.top + dy : box.bottom() + dy);
            const Color got = png.at(x, y);
            BOOST_TEST((got == want), "cell " << i << " at (" << x << ", " << y << "): " << int(got.r) << "," << int(got.g)
                                              << "," << int(got.b) << " not " << int(want.r) << "," << int(want.g) << ","
                                              << int(want.b));
        }
        // its number is written in it: text pixels of another colour near its centre
        int other = 0;
        for (int y = static_cast<int>(box.top + box.height / 2 - 6); y < box.top + box.height / 2 + 6; ++y)
            for (int x = static_cast<int>(box.left + box.width / 2 - 20); x < box.left + box.width / 2 + 20; ++x)
                other += png.at(x, y) != want;
        BOOST_TEST(other > 10, "cell " << i << " has its value written in it");
    }
    // the ramp is ordered: darker to lighter
    auto luma = [](Color c) { return 0.3 * c.r + 0.59 * c.g + 0.11 * c.b; };
    for (int i = 0; i < 10; ++i) BOOST_TEST(luma(heat_color(i / 10.0)) < luma(heat_color((i + 1) / 10.0)));
}

BOOST_AUTO_TEST_SUITE_END()
