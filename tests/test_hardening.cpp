// test_hardening.cpp - bad values everywhere, the readers' limits, and the fuzz seeds.
//
// - bad_values_everywhere: the wi binary with every kind of bad flag value (negative, zero, NaN,
//   inf, huge, non-numeric, empty, unknown names, conflicting flags, an --arch that does not
//   start at 784 or end at 10) must exit 2 with exactly one line on stderr naming the flag,
//   print nothing on stdout, and write no file.
// - the .npy and IDX limits: absurd headers are refused, with the limit in the message, before
//   anything is allocated for them.
// - every seed in tests/fuzz/corpus_idx/ and corpus_npy/ is read or refused with wi::Error, as
//   the fuzz harnesses demand; a file the fuzzer finds goes there and is a regression test.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "data/idx.h"
#include "data/npy.h"
#include "core/error.h"
#include "fuzz/fuzz_targets.h"
#include "core/tensor.h"
#include "test_util.h"

using namespace wi_test;

namespace {

struct BadCase {
    std::string args;   // a shell fragment; @DIR is a fresh empty directory
    std::string names;  // the one line on stderr must contain this (the flag, usually "--flag:")
};

std::vector<BadCase> bad_cases() {
    std::vector<BadCase> v;
    auto add = [&](const std::string& args, const std::string& names) { v.push_back({args, names}); };

    // Integer flags: every kind of bad number, missing values (inline and at the end).
    const char* not_integers[] = {"nan", "inf", "-inf", "1e999", "2.5", "-0.5", "1e3", "0x10", "abc", "5abc", "''"};
    const char* huge[] = {"99999999999999999999", "18446744073709551616", "-99999999999999999999"};
    for (const char* flag : {"--epochs", "--batch", "--seed", "--threads"}) {
        const std::string f = flag;
        for (const char* value : not_integers) add(f + " " + value, f + ":");
        for (const char* value : huge) add(f + " " + value, f + ":");
        add(f + " -1", f + ":");
        add(f + "=", f + ": missing value");
        add(f, f + ": missing value");
    }
    add("--batch 0", "--batch:");
    add("--threads 0", "--threads:");
    add("--epochs 1001", "--epochs:");     // over kMaxEpochs
    add("--batch 65537", "--batch:");      // over kMaxBatch
    add("--batch 1048576", "--batch:");
    add("--threads 1025", "--threads:");
    add("--batch 65536 --arch 784,2048,10", "--batch:");  // a step's activations over the limit

    // The sampled layer of `wi plot sigmoid`.
    for (const char* flag : {"--fan-in", "--fan-out"}) {
        const std::string f = flag;
        for (const char* value : {"0", "-1", "65537", "nan", "inf", "2.5", "abc", "''", "99999999999999999999"})
            add("plot sigmoid " + f + " " + value, f + ":");
        add("plot sigmoid " + f + "=", f + ": missing value");
        add("plot sigmoid " + f, f + ": missing value");
        add(f + " 100", f + ": only for `wi plot sigmoid`");
        add("plot sigmoid-grad " + f + " 100", f + ": only for `wi plot sigmoid`");
    }
    add("plot sigmoid --fan-in 65536 --fan-out 65536", "--fan-in/--fan-out:");

    // Real-valued flags.
    for (const char* flag : {"--lr", "--init-value"}) {
        const std::string f = flag;
        for (const char* value : {"nan", "NaN", "inf", "-inf", "infinity", "1e999", "-1e999", "1e-999", "1e300",
                                  "-1e300", "3.5e38", "abc", "0x", "1,5", "''"})
            add(f + " " + value, f + ":");
        add(f + "=", f + ": missing value");
        add(f, f + ": missing value");
    }
    for (const char* value : {"0", "-0", "-1", "-1e-3", "-1e30"}) add(std::string("--lr ") + value, "--lr: must be > 0");

    // Initializer specs: every parameter kind, NaN/inf/huge/negative/zero/empty/unknown.
    const char* bad_specs[] = {
        "normal:std=nan", "normal:std=inf", "normal:std=-1", "normal:std=0", "normal:std=abc", "normal:std=",
        "normal:std=1e300", "normal:mean=nan", "normal:mean=-inf", "normal:mean=1e300", "normal:bogus=1",
        "normal:", "normal:std", "normal:=1", ":std=1", "normal:std=1,", "uniform:a=1,b=0", "uniform:a=1,b=1",
        "uniform:a=nan", "uniform:b=inf", "trunc_normal:a=10,b=20", "trunc_normal:std=0", "unusual:fraction=2",
        "unusual:fraction=-0.1", "unusual:fraction=nan", "unusual:huge=-1", "unusual:huge=1e300", "unusual:tiny=-1",
        "unusual:tiny=inf", "constant:val=nan", "constant:val=inf", "constant:val=-1e300", "constant:val=",
        "kaiming_normal:mode=sideways", "kaiming_normal:mode=", "'kaiming_normal:mode=fan_in|fan_out'",
        "kaiming_normal:nonlinearity=swish", "kaiming_normal:a=nan", "kaiming_normal:a=1e300",
        "kaiming_uniform:nonlinearity=", "xavier:gain=inf", "xavier:gain=nan", "xavier:gain=1e300",
        "xavier_uniform:gain=abc", "orthogonal:gain=nan", "identity:gain=-inf", "sparse:sparsity=1.5",
        "sparse:sparsity=-1", "sparse:std=0", "lsuv:tol=0", "lsuv:tol=1", "lsuv:tol=nan", "lsuv:iters=0",
        "lsuv:iters=2.5", "lsuv:iters=1e9", "lsuv:iters=-1", "variance_scaling:scale=0",
        "variance_scaling:scale=-1", "variance_scaling:mode=fan_mid", "variance_scaling:distribution=cauchy",
        "magic", "XAVIER", "''", "xavier:gain=1:2", "xavier,kaiming", "zeros:val=1"};
    for (const char* spec : bad_specs) add(std::string("--init ") + spec, "--init:");
    add("--init", "--init: missing value");
    add("--init=", "--init:");
    for (const char* spec : {"constant:inf", "constant:nan", "constant:-inf", "constant:1e300", "constant:",
                             "constant:abc", "constant", "bogus", "''", "ZEROS", "zeros:1"})
        add(std::string("--bias ") + spec, "--bias:");

    // --arch: not starting at 784, not ending at 10, bad sizes, too big.
    for (const char* arch : {"783,32,10", "10,784", "0,784,10", "784,32,9", "784,32,32,11", "784,784", "784,0,10",
                             "784,-1,10", "784,nan,10", "784,inf,10", "784,1e9,10", "784,2.5,10", "784,65537,10",
                             "784,99999999999999999999,10", "784,65536,65536,10", "784,8192,8192,8192,10", "''",
                             "','", "784,,10", "784,32,10,", ",784,10", "784", "abc", "'784 10'", "'784;10'"})
        add(std::string("--arch ") + arch, "--arch:");

    // Names.
    for (const char* act : {"swish", "''", "NONE", "none,relu", "'relu '"}) add(std::string("--act ") + act, "--act:");
    for (const char* kernel : {"gpu", "''", "avx1024", "SIMD"}) add(std::string("--kernel ") + kernel, "--kernel:");
    for (const char* device : {"gpu", "''", "CUDA", "cuda:1"}) add(std::string("--device ") + device, "--device:");
    add("--device", "--device: missing value");
    for (const char* grads : {"--grads=some", "--grads=", "--grads=FULL", "--grads=full=1"}) add(grads, "--grads:");
    for (const char* list : {"''", "','", "xavier,,kaiming", "xavier,bogus", "all,xavier", "xavier:gain=nan", "xavier,"})
        add(std::string("--compare ") + list, "--compare:");
    for (const char* list : {"''", "bogus", "xavier,", "xavier,normal:std=nan"})
        add(std::string("plot sigmoid --inits ") + list, "--inits:");
    for (const char* spec : {"''", "bogus", "normal:std=-1"}) add(std::string("--explain-init ") + spec, "--explain-init:");
    for (const char* flag : {"--frobnicate", "-x", "--", "-", "foo", "--EPOCHS 1", "--epoch 1", "---epochs 1", "-epochs 1"})
        add(flag, "unknown flag");
    add("plot", "plot:");
    add("plot bogus", "plot:");
    add("experiment", "experiment:");
    add("experiment bogus", "experiment:");
    for (const char* width : {"0", "-1", "2049", "nan", "abc", "''"}) add(std::string("experiment lsuv --width ") + width, "--width:");
    add("experiment lsuv --width", "--width: missing value");
    for (const char* flag : {"--init xavier", "--arch 784,10", "--epochs 1", "--lr 0.1", "--compare xavier,zeros", "--plots"})
        add(std::string("experiment lsuv ") + flag, std::string(flag).substr(0, std::string(flag).find(' ')) + ": not for");
    add("--quick", "--quick: only for");
    add("--width 64", "--width: only for");
    for (const char* flag : {"--plots", "--stats", "--quiet", "--no-shuffle", "--no-fetch", "--list-inits", "--help",
                             "--version", "--quick"})
        add(std::string(flag) + "=1", std::string(flag) + ": takes no value");

    // Paths.
    for (const char* flag : {"--data", "--save-weights", "--save-init", "--load-weights"}) {
        add(std::string(flag) + " ''", std::string(flag) + ": missing value");
        add(flag, std::string(flag) + ": missing value");
    }
    add("--data /nonexistent/wi-data", "--data:");
    add("--load-weights /nonexistent/wi-weights", "--load-weights:");
    add("--load-weights @DIR", "--load-weights:");  // no fc1.weight.npy there

    // Conflicting flags.
    add("--compare xavier,kaiming --grads", "--compare:");
    add("--compare xavier,kaiming --load-weights @DIR", "--compare:");
    add("--compare xavier,kaiming --save-weights @DIR/w", "--compare:");
    add("--compare xavier,kaiming --save-init @DIR/w", "--compare:");
    add("--compare xavier,kaiming --plots", "--plots:");
    add("--explain-init xavier --compare xavier,kaiming", "--explain-init:");
    add("--load-weights @DIR --init xavier", "--init:");
    add("--load-weights @DIR --bias zeros", "--bias:");
    add("--init-value 2 --load-weights @DIR", "--init-value:");
    add("--init-value 2", "--init-value:");  // the default init has no constant to set
    add("--init xavier --init-value 2", "--init-value:");
    add("--init constant:val=1 --init-value 2", "--init-value:");
    add("--compare xavier,kaiming --init-value 2", "--init-value:");
    add("plot sigmoid --inits constant --init-value 2", "--init-value:");
    add("plot sigmoid --plots", "--plots:");
    add("plot sigmoid-grad --plots", "--plots:");
    add("plot sigmoid-grad --inits xavier", "--inits:");
    add("--inits xavier", "--inits:");
    return v;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
    return s;
}

std::string npy_header(const std::string& dict, int major) {
    std::string h = dict + "\n";
    std::string out = std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0';
    const std::size_t n = h.size();
    out += static_cast<char>(n & 0xff);
    out += static_cast<char>((n >> 8) & 0xff);
    if (major >= 2) out += std::string(2, '\0');
    return out + h;
}

template <class F>
void expect_error(F f, const std::string& part) {
    try {
        f();
        BOOST_ERROR("no wi::Error; expected one containing '" << part << "'");
    } catch (const wi::Error& e) {
        BOOST_TEST(contains(e.what(), part), "'" << e.what() << "' lacks '" << part << "'");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hardening)

BOOST_AUTO_TEST_CASE(bad_values_everywhere) {
    const std::vector<BadCase> cases = bad_cases();
    for (const BadCase& c : cases) {
        TempDir tmp;
        const std::string out = tmp / "out", dir = tmp / "dir";
        ::mkdir(out.c_str(), 0755);
        ::mkdir(dir.c_str(), 0755);
        const std::string args = replace_all(c.args, "@DIR", "'" + dir + "'");
        // --out goes first (after `plot NAME` or `experiment NAME`, which must lead), so a flag at
        // the end still lacks its value.
        std::string line = "--out '" + out + "' " + args;
        if (args.rfind("plot", 0) == 0 || args.rfind("experiment", 0) == 0) {
            const std::size_t name_end = args.find(' ', args.find(' ') + 1);
            line = name_end == std::string::npos ? args + " --out '" + out + "'"
                                                 : args.substr(0, name_end) + " --out '" + out + "'" + args.substr(name_end);
        }
        const RunResult r = run_wi(line);
        BOOST_TEST(r.status == 2, c.args << ": exit " << r.status << ", stderr: " << r.err);
        BOOST_TEST(r.out.empty(), c.args << ": printed on stdout: " << r.out);
        BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, c.args << ": not one line on stderr: " << r.err);
        BOOST_TEST(r.err.rfind("wi: ", 0) == 0u, c.args << ": " << r.err);
        BOOST_TEST(contains(r.err, c.names), c.args << ": stderr '" << r.err << "' lacks '" << c.names << "'");
        BOOST_TEST(count_files(out) == 0, c.args << ": wrote into --out");
        BOOST_TEST(count_files(dir) == 0, c.args << ": wrote into " << dir);
        BOOST_TEST(count_files(tmp.path()) == 2, c.args << ": created a file next to --out");
    }
    BOOST_TEST_MESSAGE(cases.size() << " bad-value cases");
    BOOST_TEST(cases.size() >= 300u);
    BOOST_TEST(readme_says("runs " + std::to_string(cases.size()) + " such cases"), "README.md: the count of bad-value cases");
}

// The conflict rules refuse only what would be ignored: these still run.
BOOST_AUTO_TEST_CASE(conflict_rules_keep_what_is_used) {
    const std::string data = " --data '" + sample_dir() + "' --epochs 0 -q";
    const RunResult c = run_wi("--init constant --init-value 0.25" + data);
    BOOST_TEST(c.status == 0, c.err);
    const RunResult e = run_wi("--explain-init constant --init-value 0.25 --arch 784,16,10" + data);
    BOOST_TEST(e.status == 0, e.err);
    const RunResult big = run_wi("--batch 65536 --arch 784,16,10" + data);
    BOOST_TEST(big.status == 0, big.err);
}

BOOST_AUTO_TEST_CASE(npy_limits_are_stated) {
    TempDir dir;
    wi::Tensor t(3, 4);
    auto read = [&](const std::string& name, const std::string& bytes) {
        write_file(dir / name, bytes);
        return [&, name] { wi::read_npy(dir / name, t, {3, 4}); };
    };
    const std::string f4 = "{'descr': '<f4', 'fortran_order': False, 'shape': ";
    // a shape whose product is absurd, or would overflow 64 bits, is refused as the header is read
    expect_error(read("huge.npy", npy_header(f4 + "(999999999999, 999999999999), }", 1)),
                 "holds more than 2147483648 elements, the limit");
    expect_error(read("overflow.npy", npy_header(f4 + "(999999999999, 999999999999, 999999999999, 999999999999), }", 3)),
                 "holds more than 2147483648 elements, the limit");
    expect_error(read("zero.npy", npy_header(f4 + "(0, 999999999999, 999999999999), }", 1)), "shape (0, 999999999999");
    // a header length of 4 GiB (format 2.0) is refused without reading it
    expect_error(read("header.npy", std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff{'descr'", 20)),
                 "a .npy header of 4294967295 bytes, over the limit of 10000");
    // a file longer than any valid one for the shape is refused before it is read
    std::string good = wi::npy_bytes(t, {3, 4});
    expect_error(read("long.npy", good + std::string(70000, '\0')), "bytes for a float32 array of shape (3, 4)");
    expect_error(read("long.npy", good + std::string(70000, '\0')), "over the limit of");
    // and a valid file is still read
    write_file(dir / "good.npy", good);
    BOOST_CHECK_NO_THROW(wi::read_npy(dir / "good.npy", t, {3, 4}));
}

BOOST_AUTO_TEST_CASE(idx_limits_are_stated) {
    TempDir dir;
    auto be32 = [](std::uint32_t v) {
        std::string s;
        for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
        return s;
    };
    const std::string images = be32(wi::kIdxImagesMagic) + be32(0xFFFFFFFFu) + be32(28) + be32(28);
    write_file(dir / "images", images);
    expect_error([&] { wi::read_idx_images(dir / "images"); }, "the limit is 4294967296 bytes of pixels");
    write_gzip(dir / "images.gz", images);
    expect_error([&] { wi::read_idx_images(dir / "images.gz"); }, "the limit is 4294967296 bytes of pixels");
    // 5,000,000 images (3.9 GB) is under the limit: refused as truncated, without allocating for the claim
    write_gzip(dir / "lying.gz", be32(wi::kIdxImagesMagic) + be32(5000000) + be32(28) + be32(28) + std::string(784, 'x'));
    expect_error([&] { wi::read_idx_images(dir / "lying.gz"); }, "truncated: the header promises 3920000000 bytes");
    write_file(dir / "labels", be32(wi::kIdxLabelsMagic) + be32(0xFFFFFFFFu) + "\x01\x02");
    expect_error([&] { wi::read_idx_labels(dir / "labels"); }, "truncated: the header promises 4294967295 bytes");
}

// Every committed fuzz seed goes through the same code as the harnesses: read, or refused with
// wi::Error. Some of each kind must be read, so the corpus keeps reaching the success paths.
BOOST_AUTO_TEST_CASE(fuzz_seeds_are_read_or_refused) {
    namespace fs = std::filesystem;
    TempDir tmp;
    const std::string scratch = tmp / "input";
    for (const char* name : {"idx", "npy"}) {
        const fs::path corpus = fs::path(repo_root()) / "tests/fuzz" / (std::string("corpus_") + name);
        int read = 0, refused = 0;
        for (const fs::directory_entry& e : fs::directory_iterator(corpus)) {
            const std::string bytes = read_file(e.path().string());
            const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
            bool ok = false;
            BOOST_CHECK_NO_THROW(ok = std::string(name) == "idx" ? wi_fuzz::idx_one(data, bytes.size(), scratch)
                                                                 : wi_fuzz::npy_one(data, bytes.size(), scratch));
            ++(ok ? read : refused);
        }
        BOOST_TEST(read >= 3, name << ": " << read << " seeds read");
        BOOST_TEST(refused >= 3, name << ": " << refused << " seeds refused");
    }
}

BOOST_AUTO_TEST_SUITE_END()
