// test_e2e.cpp - wi as a user runs it: training on the bundled sample, determinism, the
// gradient cell, weights in and out, and usage errors (exit 2, a message naming the flag).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include <sys/wait.h>

#include "data/mnist.h"
#include "init/init.h"
#include "test_util.h"
#include "train/trainer.h"

using namespace wi;
using namespace wi_test;

namespace {

// The seed configuration trained for 3 epochs on the bundled sample, through the library.
TrainReport train_seed_config(const std::string& init, std::uint64_t seed = 1) {
    static const MnistData data = load_mnist_dir(sample_dir(), "sample");
    Mlp m = make_mlp({784, 32, 32, 10}, Activation::None);
    Rng rng(seed);
    initialize(m, find_initializer(init), rng, InitOptions{});
    TrainOptions opt;  // the notebook's: 3 epochs, batch 4, lr 0.001, shuffled
    std::FILE* sink = std::fopen("/dev/null", "w");
    TrainReport r = train(m, data, opt, sink);
    std::fclose(sink);
    return r;
}

bool torch_available() {
    return std::system("/usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1") == 0;
}

// The precondition of the PyTorch comparisons: where torch is missing, one line says which
// case is skipped and why.
boost::test_tools::assertion_result torch_here(boost::unit_test::test_unit_id id) {
    if (torch_available()) return true;
    const std::string why = "/usr/bin/python3 cannot import torch and numpy (Debian: python3-torch)";
    const std::string name = boost::unit_test::framework::get(id, boost::unit_test::TUT_ANY).p_name;
    std::printf("end_to_end/%s: skipped: %s\n", name.c_str(), why.c_str());
    boost::test_tools::assertion_result r(false);
    r.message() << why;
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(end_to_end)

// PyTorch on a 10,000-digit sample: xavier_normal epoch-3 loss 0.40-0.42, test accuracy 0.886-0.888.
BOOST_AUTO_TEST_CASE(xavier_learns) {
    const TrainReport r = train_seed_config("xavier");
    BOOST_TEST_REQUIRE(r.epochs.size() == 3u);
    BOOST_TEST(!r.diverged);
    BOOST_TEST(r.epochs[2].test.accuracy >= 0.85);
    BOOST_TEST(r.epochs[2].loss > 0.30);
    BOOST_TEST(r.epochs[2].loss < 0.50);
    BOOST_TEST(r.epochs[2].loss < r.epochs[0].loss);
}

// PyTorch: zeros stays at loss 2.301, accuracy ~0.11 (only the last bias learns the class prior).
BOOST_AUTO_TEST_CASE(zeros_does_not_learn) {
    const TrainReport r = train_seed_config("zeros");
    BOOST_TEST_REQUIRE(r.epochs.size() == 3u);
    BOOST_TEST(r.epochs[2].test.accuracy <= 0.2);
    BOOST_TEST(std::abs(r.epochs[2].loss - 2.30) < 0.01);
}

BOOST_AUTO_TEST_CASE(cli_prints_the_notebooks_lines_and_repeats_itself) {
    const std::string args = "--init xavier --epochs 2 --data '" + sample_dir() + "'";
    const RunResult a = run_wi(args), b = run_wi(args), c = run_wi(args + " --seed 2");
    BOOST_TEST_REQUIRE(a.status == 0, a.err);
    BOOST_TEST(a.out == b.out);  // same seed, same build, same threads: byte-identical
    BOOST_TEST(a.out != c.out);
    BOOST_TEST(contains(a.out.substr(0, a.out.find('\n')), "8000 train / 2000 test"));  // first line: the data
    const std::regex epoch_line(R"(Epoch [12] finished with loss: \d+\.\d{3} and accuracy 0\.\d{3}\n)");
    BOOST_TEST(std::distance(std::sregex_iterator(a.out.begin(), a.out.end(), epoch_line), std::sregex_iterator()) == 2);
    BOOST_TEST(a.err.empty(), "stderr not a terminal: no progress bar expected, got " << a.err);
}

BOOST_AUTO_TEST_CASE(divergence_is_a_result_not_a_crash) {
    const RunResult r = run_wi("--init unusual --epochs 1 -q --data '" + sample_dir() + "'");
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(contains(r.out, "diverged at step "));
    BOOST_TEST(contains(r.out, "last finite figures"));
    // a huge learning rate: reported with the step and the layer where non-finite numbers start
    const RunResult h = run_wi("--init xavier --lr 1e6 --epochs 1 -q --data '" + sample_dir() + "'");
    BOOST_TEST(h.status == 0, h.err);
    BOOST_TEST(std::regex_search(h.out, std::regex(R"(diverged at step \d+ \(epoch 1, batch \d+ of 2000\): loss is (nan|inf); first non-finite: (fc\d outputs|the loss alone))")), h.out);
}

BOOST_AUTO_TEST_CASE(gradient_cell_shows_the_symmetry_problem) {
    const RunResult r = run_wi("--init constant --grads --epochs 0 -q --data '" + sample_dir() + "'");
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    const std::regex fc1(R"(fc1\.weight\.grad +\(32, 784\).*distinct rows 1 of 32)");
    const std::regex fc2(R"(fc2\.weight\.grad +\(32, 32\).*distinct rows 1 of 32)");
    BOOST_TEST(std::regex_search(r.out, fc1), r.out);
    BOOST_TEST(std::regex_search(r.out, fc2), r.out);
    // a random init breaks the symmetry
    const RunResult x = run_wi("--init xavier --grads --epochs 0 -q --data '" + sample_dir() + "'");
    BOOST_TEST(std::regex_search(x.out, std::regex(R"(fc1\.weight\.grad +\(32, 784\).*distinct rows 32 of 32)")), x.out);
    const RunResult full = run_wi("--init constant --grads=full --epochs 0 -q --data '" + sample_dir() + "'");
    BOOST_TEST(contains(full.out, "Layer fc1 weight gradients:\ntensor([["));
    BOOST_TEST(contains(full.out, "Layer fc3 bias gradients:\ntensor(["));
}

BOOST_AUTO_TEST_CASE(weights_round_trip_through_npy) {
    TempDir dir;
    const std::string data = " -q --data '" + sample_dir() + "'";
    const RunResult a = run_wi("--init kaiming --epochs 1 --save-init '" + (dir / "a") + "' --save-weights '" +
                               (dir / "a_final") + "'" + data);
    BOOST_TEST_REQUIRE(a.status == 0, a.err);
    BOOST_TEST(count_files(dir / "a") == 6);  // fc1..fc3, weight and bias
    // Loading the saved start and training the same way must end at the same weights.
    const RunResult b = run_wi("--load-weights '" + (dir / "a") + "' --epochs 1 --save-init '" + (dir / "b") +
                               "' --save-weights '" + (dir / "b_final") + "'" + data);
    BOOST_TEST_REQUIRE(b.status == 0, b.err);
    for (const char* f : {"fc1.weight.npy", "fc1.bias.npy", "fc3.weight.npy", "fc3.bias.npy"}) {
        BOOST_TEST(read_file(dir / "a/" + f) == read_file(dir / "b/" + f), f);
        BOOST_TEST(read_file(dir / "a_final/" + f) == read_file(dir / "b_final/" + f), f);
    }
    // A different architecture does not load.
    const RunResult c = run_wi("--load-weights '" + (dir / "a") + "' --arch 784,64,10 --epochs 0" + data);
    BOOST_TEST(c.status == 2);
    BOOST_TEST(contains(c.err, "fc1.weight.npy: shape (32, 784), expected (64, 784)"), c.err);
}

BOOST_AUTO_TEST_CASE(bad_flags_are_usage_errors) {
    struct Case {
        const char* args;
        const char* message;  // must appear in the one-line error
    };
    const Case cases[] = {
        {"--frobnicate", "unknown flag '--frobnicate'"},
        {"--init magic", "unknown initializer 'magic' (valid: default, zeros"},
        {"--init", "--init: missing value"},
        {"--lr 0", "--lr: must be > 0"},
        {"--lr -1", "--lr: must be > 0"},
        {"--lr nan", "--lr: 'nan' is not a finite number"},
        {"--lr inf", "--lr: 'inf' is not a finite number"},
        {"--lr fast", "--lr: 'fast' is not a number"},
        {"--lr=", "--lr: missing value"},
        {"--batch 0", "--batch: 0 is out of range"},
        {"--batch 2.5", "--batch: '2.5' is not an integer"},
        {"--epochs -1", "--epochs: -1 is out of range"},
        {"--epochs 99999999999999999999", "--epochs: 99999999999999999999 is out of range"},
        {"--threads 0", "--threads: 0 is out of range"},
        {"--act swish", "unknown activation 'swish'"},
        {"--arch 783,32,10", "--arch: the first size must be 784"},
        {"--arch 784,32,9", "--arch: the last size must be 10"},
        {"--arch 784,0,10", "--arch: 0 is out of range"},
        {"--arch 784", "--arch: '784' needs at least"},
        {"--arch 784,32,,10", "--arch: missing value"},
        {"--init-value x", "--init-value: 'x' is not a number"},
        {"--grads=some", "--grads: unknown mode 'some'"},
        {"--no-shuffle=yes", "--no-shuffle: takes no value"},
        {"--data /nonexistent/wi-data", "--data: /nonexistent/wi-data: no such directory"},
    };
    for (const Case& c : cases) {
        const RunResult r = run_wi(c.args);
        BOOST_TEST(r.status == 2, c.args << ": exit " << r.status);
        BOOST_TEST(r.out.empty(), c.args << ": printed on stdout: " << r.out);
        BOOST_TEST(contains(r.err, c.message), c.args << ": stderr '" << r.err << "' lacks '" << c.message << "'");
        BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, c.args << ": not one line: " << r.err);
    }
}

BOOST_AUTO_TEST_CASE(bad_data_and_outputs_exit_2) {
    TempDir dir;
    write_file(dir / "train-images-idx3-ubyte", "garbage");
    for (const char* name : {"train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"})
        write_file(dir / name, read_file(sample_dir() + "/" + name));
    const RunResult r = run_wi("--data '" + dir.path() + "'");
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, dir / "train-images-idx3-ubyte"), r.err);
    write_file(dir / "blocker", "a file where a directory should be");
    const RunResult w = run_wi("--save-weights '" + (dir / "blocker/sub") + "' --data '" + sample_dir() + "'");
    BOOST_TEST(w.status == 2);
    BOOST_TEST(contains(w.err, "--save-weights"), w.err);
    BOOST_TEST(w.out.empty(), "training started before the output check: " << w.out);
}

BOOST_AUTO_TEST_CASE(help_and_version) {
    const RunResult h = run_wi("--help");
    BOOST_TEST(h.status == 0);
    for (const char* name : {"kaiming_uniform", "xavier_normal", "unusual", "--save-weights", "--grads"})
        BOOST_TEST(contains(h.out, name), name);
    BOOST_TEST(run_wi("--version").out.rfind("wi ", 0) == 0u);
}

// One epoch from the same start must end where torch.optim.SGD ends (tests/torch_parity.sh).
BOOST_AUTO_TEST_CASE(matches_pytorch, *boost::unit_test::precondition(torch_here)) {
    TempDir dir;
    const std::string cmd = "cd '" + repo_root() + "' && WI_BIN='" + wi_binary() + "' bash tests/torch_parity.sh > '" +
                            (dir / "log") + "' 2>&1";
    const int status = std::system(cmd.c_str());
    BOOST_TEST(status == 0, read_file(dir / "log"));
}

// Every initializer's samples against PyTorch's own, two-sample KS (tests/init_vs_torch.sh).
BOOST_AUTO_TEST_CASE(initializers_match_pytorch_samples, *boost::unit_test::precondition(torch_here)) {
    TempDir dir;
    const std::string cmd = "cd '" + repo_root() + "' && WI_BIN='" + wi_binary() + "' bash tests/init_vs_torch.sh > '" +
                            (dir / "log") + "' 2>&1";
    const int status = std::system(cmd.c_str());
    BOOST_TEST(status == 0, read_file(dir / "log"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(fetch_script)

// Every file is checked against its MD5 before it is renamed into place: a mirror serving the
// wrong bytes leaves nothing behind, and a cached file with the wrong MD5 is not trusted.
BOOST_AUTO_TEST_CASE(unverified_downloads_never_land) {
    TempDir dir;
    const std::string mirror = dir / "mirror", dest = dir / "dest";
    std::system(("mkdir -p '" + mirror + "' '" + dest + "'").c_str());
    for (const char* f : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                          "t10k-labels-idx1-ubyte.gz"})
        write_file(mirror + "/" + f, "not the real file");
    write_file(dest + "/train-images-idx3-ubyte.gz", "a corrupt cached copy");
    const std::string cmd = "WI_MNIST_MIRRORS='file://" + mirror + "' bash '" + repo_root() +
                            "/data_fetch/fetch_mnist.sh' '" + dest + "' >'" + (dir / "log") + "' 2>&1";
    const int raw = std::system(cmd.c_str());
    BOOST_TEST(WIFEXITED(raw));
    BOOST_TEST(WEXITSTATUS(raw) == 1);
    const std::string log = read_file(dir / "log");
    BOOST_TEST(contains(log, "wrong MD5, fetching it again"), log);
    BOOST_TEST(contains(log, "MD5 mismatch"), log);
    BOOST_TEST(count_files(dest) <= 0, "files left in " << dest);  // removed, or the folder itself gone
}

BOOST_AUTO_TEST_SUITE_END()
