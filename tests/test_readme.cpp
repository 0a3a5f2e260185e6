// test_readme.cpp - the README cannot drift: tests/readme_check.sh re-runs every output README.md
// and docs/*.md quote (its quick form here; `make readme-check` adds the experiments), and it
// catches a doctored copy: a digit changed in a block, a block's last line dropped, a table cell
// changed, an elided line that is not there, a wrong figure size.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <string>
#include <sys/wait.h>

#include "test_util.h"

using wi_test::contains;
using wi_test::read_file;
using wi_test::repo_root;
using wi_test::TempDir;
using wi_test::write_file;

namespace {

bool has_avx512() { return __builtin_cpu_supports("avx512f"); }

// A sanitizer build (-O1) rounds the simd path differently from the -O3 build the README quotes:
// the checker is told, and skips what needs the default build.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

struct Checked {
    int status = -1;
    std::string out;
};

// Runs the checker on the given files (none: README.md and docs/*.md) with its output captured.
Checked run_check(const std::string& args, const std::string& env = "") {
    TempDir tmp;
    const std::string build = kSanitized ? " README_CHECK_BUILD=san" : "";
    const std::string cmd = "cd '" + repo_root() + "' && " + env + build + " WI_BIN='" + wi_test::wi_binary() +
                            "' bash tests/readme_check.sh " + args + " >'" + (tmp / "out") + "' 2>&1 </dev/null";
    const int raw = std::system(cmd.c_str());
    Checked c;
    c.status = (raw != -1 && WIFEXITED(raw)) ? WEXITSTATUS(raw) : -1;
    c.out = read_file(tmp / "out");
    return c;
}

// Replaces the one occurrence of `from` in text; fails the test when there is not exactly one.
void replace_once(std::string& text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos && text.find(from, at + 1) == std::string::npos,
                          "README.md should hold exactly one \"" << from << "\"");
    text.replace(at, from.size(), to);
}

// The checker's last line (its verdict).
std::string last_line(const std::string& out) {
    std::string s = out;
    while (!s.empty() && s.back() == '\n') s.pop_back();
    const auto nl = s.rfind('\n');
    return nl == std::string::npos ? s : s.substr(nl + 1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(readme_check)

// Every output the README and docs/*.md quote that takes seconds to make, re-run and compared.
BOOST_AUTO_TEST_CASE(quick_form_passes_on_the_readme) {
    const Checked c = run_check("--quick");
    std::printf("%s\n", last_line(c.out).c_str());  // the verdict, with what was checked and skipped
    BOOST_CHECK_MESSAGE(c.status == 0, "tests/readme_check.sh --quick found the README wrong:\n" << c.out);
    BOOST_CHECK(contains(last_line(c.out), "readme-check (quick, "));
    BOOST_CHECK(contains(last_line(c.out), "OK - "));
    // every table of the benchmark record is excluded as one, not checked (its header rule counted here)
    int tables = 0;
    const std::string bench = read_file(repo_root() + "/docs/BENCHMARKS.md");
    for (std::size_t at = 0; (at = bench.find("\n|---", at)) != std::string::npos; ++at) ++tables;
    BOOST_CHECK(contains(c.out, "docs/BENCHMARKS.md: " + std::to_string(tables) + " tables - measured record"));
}

BOOST_AUTO_TEST_CASE(a_doctored_readme_is_caught) {
    std::string readme = read_file(repo_root() + "/README.md");
    // one digit changed in a block (path-dependent: the simd (avx512) path's output)
    replace_once(readme, "Epoch 2 finished with loss: 0.486 and accuracy 0.860\n",
                 "Epoch 2 finished with loss: 0.487 and accuracy 0.860\n");
    // the last line of a block dropped (what wi prints after it must still be shown)
    replace_once(readme,
                 "  fc3        32      10       1  normal                   0    0.2182         -          0.6621 "
                 "        0.8781\n```",
                 "```");
    // a table cell changed
    replace_once(readme, "| 2.301, 0.119 |", "| 2.301, 0.118 |");
    // a figure size changed
    replace_once(readme, "png-size out/sigmoid_grad.png 1000x700", "png-size out/sigmoid_grad.png 1000x701");
    TempDir dir;
    write_file(dir / "README.md", readme);
    const Checked c = run_check("--quick '" + (dir / "README.md") + "'");
    BOOST_TEST_MESSAGE(c.out);
    BOOST_CHECK_EQUAL(c.status, 1);
    BOOST_CHECK(contains(last_line(c.out), "FAILED - "));

    BOOST_CHECK(contains(c.out, "MISMATCH  " + (dir / "README.md") + ":"));
    BOOST_CHECK(contains(c.out, " block, $ ./wi --explain-init xavier --act tanh\n"));
    BOOST_CHECK(contains(c.out, "  -(end of block)\n  +  fc3        32      10       1  normal"));
    BOOST_CHECK(contains(c.out, "files: out/sigmoid_grad.png\n"));
    BOOST_CHECK(contains(c.out, ": -out/sigmoid_grad.png 1000x701\n"));
    BOOST_CHECK(contains(c.out, ": +out/sigmoid_grad.png 1000x700\n"));
    if (!has_avx512() || kSanitized) {
        BOOST_TEST_MESSAGE("a_doctored_readme_is_caught: no AVX-512 or a sanitizer build, so the simd (avx512) "
                           "blocks of the -O3 build are skipped, not compared");
        BOOST_CHECK(contains(last_line(c.out), ", 2 mismatched, "));
        BOOST_CHECK(contains(c.out, "block, $ ./wi --init xavier - needs "));
        return;
    }
    BOOST_CHECK(contains(last_line(c.out), ", 4 mismatched, "));
    BOOST_CHECK(contains(c.out, "MISMATCH  " + (dir / "README.md") + ":"));
    BOOST_CHECK(contains(c.out, " block, $ ./wi --init xavier\n"));
    BOOST_CHECK(contains(c.out, "  -Epoch 2 finished with loss: 0.487 and accuracy 0.860\n"
                                "  +Epoch 2 finished with loss: 0.486 and accuracy 0.860\n"));
    BOOST_CHECK(contains(c.out, "row `./wi --init zeros`; column \"epoch-3 loss, test accuracy\": 0.118 not in the "
                                "output from its line with \"Epoch 3\""));
}

// The mechanisms one at a time, on a small file of quick commands.
BOOST_AUTO_TEST_CASE(each_directive_on_a_small_file) {
    const std::string md =
        "# t\n"                                                     // 1
        "\n"                                                        // 2
        "```text\n"                                                 // 3
        "$ ./wi --explain-init xavier\n"                            // 4
        "...\n"                                                     // 5
        "  inputs: E[x^2] = 0.9263 over 256 training images (normalized pixels)\n"  // 6
        "...\n"                                                     // 7
        "```\n"                                                     // 8
        "\n"                                                        // 9
        "```text\n"                                                 // 10
        "$ ./wi --explain-init xavier\n"                            // 11
        "...\n"                                                     // 12
        "  inputs: E[x^2] = 0.9264 over 256 training images (normalized pixels)\n"  // 13
        "...\n"                                                     // 14
        "```\n"                                                     // 15
        "\n"                                                        // 16
        "<!-- readme-check: needs avx512 -->\n"                     // 17
        "```text\n"                                                 // 18
        "$ ./wi --init xavier\n"                                    // 19
        "nothing like it\n"                                         // 20
        "```\n"                                                     // 21
        "\n"                                                        // 22
        "<!-- readme-check: prose ./wi --explain-init xavier; from Measured:; except 12 -->\n"  // 23
        "Not 7 checked. Measured: the std is 0.04951 in fc1, 0.1768 in fc2\n"  // 24
        "(12 is excepted).\n"                                       // 25
        "\n"                                                        // 26
        "<!-- readme-check: prose ./wi --explain-init xavier -->\n"  // 27
        "The std is 0.0495 in fc1.\n"                               // 28
        "\n"                                                        // 29
        "<!-- readme-check: png-size docs/img/sigmoid_grad.png 1000x700 -->\n"  // 30
        "The figure is 1000×700 pixels, not 1200×700.\n"            // 31
        "\n"                                                        // 32
        "<!-- readme-check: skip no reason to run it -->\n"         // 33
        "```text\n"                                                 // 34
        "$ ./wi --explain-init xavier\n"                            // 35
        "```\n"                                                     // 36
        "```text\n"                                                 // 37
        "$ ./wi --explain-init xavier\n"                            // 38
        "data: bundled MNIST sample (./data_fetch/mnist-sample): 8001 train / 2000 test images\n"  // 39
        "...\n"                                                     // 40
        "```\n"                                                     // 41
        "\n"                                                        // 42
        "<!-- readme-check: drop-column bound; drop-column measured z std -->\n"  // 43
        "```text\n"                                                 // 44
        "$ ./wi --explain-init xavier\n"                            // 45
        "...\n"                                                     // 46
        "  layer  fan_in fan_out    gain  law                   mean       std  expected z std\n"  // 47
        "  fc1       784      32       1  normal                   0   0.04951           1.334\n"  // 48
        "...\n"                                                     // 49
        "```\n";                                                    // 50
    TempDir dir;
    write_file(dir / "t.md", md);
    const std::string f = dir / "t.md";
    const Checked c = run_check("'" + f + "'", "README_CHECK_CPU_FLAGS='fpu sse2'");
    BOOST_TEST_MESSAGE(c.out);
    BOOST_CHECK_EQUAL(c.status, 1);
    // `...` before and after a line: found anywhere
    BOOST_CHECK(contains(c.out, "ok    " + f + ":3 block, $ ./wi --explain-init xavier\n"));
    // the same with a digit changed: named, with the line and what wi printed
    BOOST_CHECK(contains(c.out, "MISMATCH  " + f + ":10 block, $ ./wi --explain-init xavier\n"));
    BOOST_CHECK(contains(c.out, "  " + f + ":13: no output line from line 1 on reads so\n"));
    // needs: one line, not a mismatch
    BOOST_CHECK(contains(c.out, "SKIP  " + f + ":18 block, $ ./wi --init xavier - needs avx512"));
    BOOST_CHECK(contains(c.out, "ok    " + f + ":24 paragraph, numbers from `./wi --explain-init xavier` (2 numbers)"));
    BOOST_CHECK(contains(c.out, "MISMATCH  " + f + ":28 paragraph"));
    BOOST_CHECK(contains(c.out, "  " + f + ":28: 0.0495 not in the output of `./wi --explain-init xavier`"));
    BOOST_CHECK(contains(c.out, "ok    " + f + ":30 files: docs/img/sigmoid_grad.png is 1000x700"));
    BOOST_CHECK(contains(c.out, "ok    " + f + ":31 states 1000×700 pixels"));
    BOOST_CHECK(contains(c.out, "MISMATCH  " + f + ":31 states 1200×700 pixels: no figure checked has that size"));
    BOOST_CHECK(contains(c.out, "SKIP  " + f + ":34 block, $ ./wi --explain-init xavier - skipped: no reason to run it"));
    // a digit changed in a line the block starts with
    BOOST_CHECK(contains(c.out, "MISMATCH  " + f + ":37 block, $ ./wi --explain-init xavier\n"));
    BOOST_CHECK(contains(c.out, "  first difference: " + f + ":39 (output line 1)\n"));
    BOOST_CHECK(contains(c.out, "  -data: bundled MNIST sample (./data_fetch/mnist-sample): 8001 train / 2000 test images\n"
                                "  +data: bundled MNIST sample (./data_fetch/mnist-sample): 8000 train / 2000 test images\n"));
    // two columns cut out, one in the middle and the last one
    BOOST_CHECK(contains(c.out, "ok    " + f + ":44 block, $ ./wi --explain-init xavier\n"));
    BOOST_CHECK(contains(last_line(c.out), "readme-check (full, "));
    BOOST_CHECK(contains(last_line(c.out), "FAILED - 9 checked, 4 mismatched, 2 skipped"));
}

BOOST_AUTO_TEST_CASE(bad_usage_is_status_2) {
    BOOST_CHECK_EQUAL(run_check("--frobnicate").status, 2);
    BOOST_CHECK_EQUAL(run_check("/nonexistent/README.md").status, 2);
}

BOOST_AUTO_TEST_SUITE_END()
