// test_hunt_io.cpp - input and output files, the download, signals: hostile cases that once
// went wrong.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "test_util.h"

using namespace wi_test;

namespace {

using Clock = std::chrono::steady_clock;

// Whether dir holds a hidden file (the download's temporary names start with a dot).
bool has_temp_file(const std::string& dir) {
    const std::string cmd = "ls -A '" + dir + "' 2>/dev/null | grep -q '^\\.'";
    return std::system(cmd.c_str()) == 0;
}

// Waits for pid for at most seconds; its exit status, -1 for a signal, or -2 if it is still running.
int wait_for(pid_t pid, int seconds) {
    const auto end = Clock::now() + std::chrono::seconds(seconds);
    while (Clock::now() < end) {
        int raw = 0;
        if (waitpid(pid, &raw, WNOHANG) == pid) return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -2;
}

// A version 1.0 .npy file: the header for descr and shape, then data.
std::string npy_file(const std::string& descr, const std::string& shape, const std::string& data) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header.push_back('\n');
    std::string out = "\x93NUMPY";
    out.push_back('\x01');
    out.push_back('\x00');
    out.push_back(static_cast<char>(header.size() & 0xff));
    out.push_back(static_cast<char>(header.size() >> 8));
    return out + header + data;
}

// wi's weights for --arch 784,10 saved into dir (a run of no epochs saves the initial ones).
void save_small_model(const std::string& dir) {
    const RunResult r = run_wi("--data '" + sample_dir() + "' --arch 784,10 --epochs 0 --save-weights '" + dir + "'");
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
}

// stderr of `wi plot sigmoid-grad --out out_dir` with WI_FONT=font, run as the user "nobody"
// when as_nobody (root reads any file); "setuid failed" when that cannot be done.
std::string font_warning(const std::string& font, const std::string& out_dir, bool as_nobody) {
    int fds[2];
    if (pipe(fds) != 0) return "pipe failed";
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (as_nobody && (setgid(65534) != 0 || setuid(65534) != 0)) {
            (void)!write(fds[1], "setuid failed", 13);
            _exit(0);
        }
        dup2(fds[1], 2);
        const int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        setenv("WI_FONT", font.c_str(), 1);
        const std::string bin = wi_binary();
        execl(bin.c_str(), bin.c_str(), "plot", "sigmoid-grad", "--out", out_dir.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    std::string msg;
    char buf[512];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) msg.append(buf, static_cast<std::size_t>(n));
    close(fds[0]);
    waitpid(pid, nullptr, 0);
    return msg;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hunt_io)

// A signal while the data set is being downloaded stops wi at once with 128 + the signal (it
// used to wait for the download, which can take minutes, here forever), and the download's
// temporary file is removed.
BOOST_AUTO_TEST_CASE(signal_during_download_stops_at_once) {
    TempDir t;
    const std::string root = t / "root";
    const std::string mirror = t / "mirror";
    const std::string copy = "mkdir -p '" + root + "/data_fetch' '" + mirror + "' && cp '" + wi_binary() + "' '" + root +
                             "/wi' && cp '" + repo_root() + "/data_fetch/fetch_mnist.sh' '" + root + "/data_fetch/'";
    BOOST_REQUIRE_EQUAL(std::system(copy.c_str()), 0);
    if (std::system("command -v curl >/dev/null 2>&1") != 0) {
        std::printf("skipped: hunt_io/signal_during_download_stops_at_once: no curl\n");
        return;
    }
    // The first file's download never ends: the mirror serves it from a FIFO nobody writes.
    const std::string fifo = mirror + "/train-images-idx3-ubyte.gz";
    BOOST_REQUIRE_EQUAL(mkfifo(fifo.c_str(), 0644), 0);
    const std::string err_path = t / "stderr";
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        if (chdir(root.c_str()) != 0) _exit(127);
        const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(err, 2);
        unsetenv("WI_NO_FETCH");
        setenv("WI_MNIST_MIRRORS", ("file://" + mirror).c_str(), 1);
        execl("./wi", "./wi", "--epochs", "1", static_cast<char*>(nullptr));
        _exit(127);
    }
    const std::string dest = root + "/data/mnist";
    const auto start = Clock::now();
    while (!has_temp_file(dest) && Clock::now() - start < std::chrono::seconds(30))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_REQUIRE_MESSAGE(has_temp_file(dest), "the download never started: " + read_file(err_path));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // curl is inside the download
    kill(pid, SIGTERM);
    const int status = wait_for(pid, 10);
    // Whatever happened, nothing of this test is left running.
    kill(-pid, SIGKILL);
    const int w = open(fifo.c_str(), O_WRONLY | O_NONBLOCK);  // releases a curl still waiting
    if (w >= 0) close(w);
    if (status == -2) waitpid(pid, nullptr, 0);
    BOOST_CHECK_MESSAGE(status == 128 + SIGTERM, "exit status " + std::to_string(status) + " (-2: still running after 10 s)");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    BOOST_CHECK_MESSAGE(!has_temp_file(dest), "a temporary download file was left in " + dest);
}

// A float64 array (what numpy saves by default) of the right shape is named as the wrong dtype,
// not as a file over the size limit: the size is only the symptom.
BOOST_AUTO_TEST_CASE(float64_weights_are_named_by_dtype) {
    TempDir t;
    const std::string dir = t / "w";
    save_small_model(dir);
    write_file(dir + "/fc1.weight.npy", npy_file("<f8", "(10, 784)", std::string(10 * 784 * 8, '\0')));
    const RunResult r = run_wi("--data '" + sample_dir() + "' --arch 784,10 --epochs 0 --load-weights '" + dir + "'");
    BOOST_CHECK_EQUAL(r.status, 2);
    BOOST_CHECK_MESSAGE(contains(r.err, "fc1.weight.npy: dtype '<f8', expected '<f4'"), r.err);
    // Too long for its own shape and dtype: still the size, when nothing else is wrong.
    write_file(dir + "/fc1.weight.npy", npy_file("<f4", "(10, 784)", std::string(10 * 784 * 8, '\0')));
    const RunResult longer = run_wi("--data '" + sample_dir() + "' --arch 784,10 --epochs 0 --load-weights '" + dir + "'");
    BOOST_CHECK_EQUAL(longer.status, 2);
    BOOST_CHECK_MESSAGE(contains(longer.err, "fc1.weight.npy: 62848 bytes, over the limit of"), longer.err);
    // Another shape in a file too long for the expected one: the shape is named.
    write_file(dir + "/fc1.weight.npy", npy_file("<f4", "(20, 784)", std::string(20 * 784 * 4, '\0')));
    const RunResult shape = run_wi("--data '" + sample_dir() + "' --arch 784,10 --epochs 0 --load-weights '" + dir + "'");
    BOOST_CHECK_EQUAL(shape.status, 2);
    BOOST_CHECK_MESSAGE(contains(shape.err, "fc1.weight.npy: shape (20, 784), expected (10, 784)"), shape.err);
}

// A bias file for a layer beyond --arch means the folder holds another model, as a weight file does.
BOOST_AUTO_TEST_CASE(extra_layer_bias_file_is_refused) {
    TempDir t;
    const std::string dir = t / "w";
    save_small_model(dir);
    write_file(dir + "/fc2.bias.npy", npy_file("<f4", "(10,)", std::string(40, '\0')));
    const RunResult r = run_wi("--data '" + sample_dir() + "' --arch 784,10 --epochs 0 --load-weights '" + dir + "'");
    BOOST_CHECK_EQUAL(r.status, 2);
    BOOST_CHECK_MESSAGE(contains(r.err, "fc2.bias.npy exists but --arch has only 1 layers"), r.err);
}

// An output directory that is a dangling symbolic link (or has one in its path) is named as
// such, not as "exists and is not a directory" or "no such file".
BOOST_AUTO_TEST_CASE(dangling_link_as_output_dir_says_so) {
    TempDir t;
    const std::string link = t / "link";
    BOOST_REQUIRE_EQUAL(symlink((t / "missing").c_str(), link.c_str()), 0);
    const std::string data = "--data '" + sample_dir() + "' --arch 784,10 --epochs 0";
    const RunResult out = run_wi(data + " --stats --out '" + link + "'");
    BOOST_CHECK_EQUAL(out.status, 2);
    BOOST_CHECK_MESSAGE(contains(out.err, "--out: " + link + ": a symbolic link to a missing directory"), out.err);
    const RunResult save = run_wi(data + " --save-weights '" + link + "/w'");
    BOOST_CHECK_EQUAL(save.status, 2);
    BOOST_CHECK_MESSAGE(contains(save.err, "--save-weights: " + link + ": a symbolic link to a missing directory"),
                        save.err);
    // A file in the middle of the path is named, not the whole path
    write_file(t / "file", "x");
    const RunResult mid = run_wi(data + " --stats --out '" + (t / "file") + "/sub'");
    BOOST_CHECK_EQUAL(mid.status, 2);
    BOOST_CHECK_MESSAGE(contains(mid.err, "--out: " + (t / "file") + ": exists and is not a directory"), mid.err);
    BOOST_CHECK_EQUAL(count_files(t.path()), 2);  // nothing was created
}

// WI_FONT naming something that is not a readable font file says what it is: a FIFO (never
// opened blocking), a device, a file the user may not read - not "no such file", nor "0 bytes".
BOOST_AUTO_TEST_CASE(unusable_font_file_names_the_problem) {
    TempDir t;
    chmod(t.path().c_str(), 0755);
    const std::string out = t / "out";
    BOOST_REQUIRE_EQUAL(mkdir(out.c_str(), 0777), 0);
    chmod(out.c_str(), 0777);
    const std::string fifo = t / "font.ttf";
    BOOST_REQUIRE_EQUAL(mkfifo(fifo.c_str(), 0644), 0);
    const std::string f = font_warning(fifo, out, false);
    BOOST_CHECK_MESSAGE(contains(f, "font " + fifo + ": not a regular file: it is a FIFO (named pipe); the figures use the built-in font"), f);
    const std::string z = font_warning("/dev/zero", out, false);
    BOOST_CHECK_MESSAGE(contains(z, "font /dev/zero: not a regular file: it is a character device;"), z);
    const std::string missing = font_warning(t / "missing.ttf", out, false);
    BOOST_CHECK_MESSAGE(contains(missing, "missing.ttf: no such file; the figures use the built-in font"), missing);
    const std::string locked = t / "locked.ttf";
    write_file(locked, read_file("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf") + "");
    chmod(locked.c_str(), 0);
    const std::string p = font_warning(locked, out, geteuid() == 0);
    if (p == "setuid failed") {
        std::printf("skipped: hunt_io/unusable_font_file_names_the_problem (permission part): cannot become nobody\n");
    } else {
        BOOST_CHECK_MESSAGE(contains(p, "font " + locked + ": permission denied; the figures use the built-in font"), p);
    }
    BOOST_CHECK_EQUAL(count_files(out), 1);  // the figure, in the built-in font each time
}

// The free-space check counts whole blocks: a model whose bytes fit but whose files do not
// (a tmpfs of 32 KiB: fc1.weight.npy takes 8 pages, fc1.bias.npy one more) is refused before
// training, instead of being half saved after it.
BOOST_AUTO_TEST_CASE(free_space_check_counts_whole_blocks) {
    TempDir t;
    const std::string fs = t / "fs";
    BOOST_REQUIRE_EQUAL(mkdir(fs.c_str(), 0755), 0);
    if (mount("tmpfs", fs.c_str(), "tmpfs", 0, "size=32k") != 0) {
        std::printf("skipped: hunt_io/free_space_check_counts_whole_blocks: cannot mount a tmpfs here (needs root)\n");
        return;
    }
    const RunResult r = run_wi("-q --epochs 1 --arch 784,10 --data '" + sample_dir() + "' --save-weights '" + fs + "/w'");
    const int in_folder = count_files(fs + "/w");
    umount(fs.c_str());
    BOOST_CHECK_EQUAL(r.status, 2);
    BOOST_CHECK_MESSAGE(contains(r.err, "--save-weights: " + fs + "/w: not enough free space"), r.err);
    BOOST_CHECK_MESSAGE(!contains(r.out, "Epoch"), r.out);
    BOOST_CHECK_EQUAL(in_folder, 0);
}

// A raw IDX file and its .gz side by side: the raw one is read, and a note says so, so that a
// stale copy of either is not a silent surprise.
BOOST_AUTO_TEST_CASE(raw_and_gz_side_by_side_says_which_is_read) {
    TempDir t;
    const std::string copy = "cp '" + sample_dir() + "'/* '" + t.path() + "/' && gzip -dk '" + t.path() +
                             "/train-labels-idx1-ubyte.gz'";
    BOOST_REQUIRE_EQUAL(std::system(copy.c_str()), 0);
    const RunResult r = run_wi("--epochs 0 --arch 784,10 --data '" + t.path() + "'");
    BOOST_CHECK_EQUAL(r.status, 0);
    const std::string raw = t / "train-labels-idx1-ubyte";
    BOOST_CHECK_MESSAGE(contains(r.err, "wi: note: " + raw + " and " + raw + ".gz are both there; reading " + raw), r.err);
    BOOST_CHECK_MESSAGE(!contains(r.err, "train-images"), r.err);  // only where both are there
}

// `nohup wi ...` starts wi with SIGHUP ignored: a closed terminal must not stop the run (it
// used to, with status 129). SIGTERM still stops it.
BOOST_AUTO_TEST_CASE(nohup_keeps_sighup_ignored) {
    TempDir t;
    const std::string out_path = t / "stdout";
    const pid_t pid = fork();
    if (pid == 0) {
        signal(SIGHUP, SIG_IGN);
        const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(out, 1);
        dup2(null, 2);
        const std::string bin = wi_binary(), data = sample_dir();
        execl(bin.c_str(), bin.c_str(), "--epochs", "1000", "--arch", "784,10", "-q", "--stats", "--out", t.path().c_str(),
              "--data", data.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    const auto start = Clock::now();
    while (!contains(read_file(out_path), "after epoch 1") && Clock::now() - start < std::chrono::seconds(60))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    kill(pid, SIGHUP);
    const int after_hup = wait_for(pid, 2);
    if (after_hup == -2) kill(pid, SIGTERM);
    const int status = after_hup == -2 ? wait_for(pid, 30) : after_hup;
    if (status == -2) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
    BOOST_CHECK_MESSAGE(after_hup == -2, "SIGHUP ended a run started with it ignored: status " + std::to_string(after_hup));
    BOOST_CHECK_EQUAL(status, 128 + SIGTERM);
}

BOOST_AUTO_TEST_SUITE_END()
