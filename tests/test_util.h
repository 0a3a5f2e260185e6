// test_util.h - small helpers shared by the test files: temp dirs, files, running ./wi.
#pragma once
#include <string>

namespace wi_test {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

void write_file(const std::string& path, const std::string& bytes);
void write_gzip(const std::string& path, const std::string& bytes);
std::string read_file(const std::string& path);
int count_files(const std::string& dir);

// The repository root (where ./wi and data_fetch/ live).
std::string repo_root();
std::string sample_dir();  // the bundled sample
std::string wi_binary();   // the wi under test (make's BIN)

struct RunResult {
    int status = -1;  // exit status, or -1 if it did not exit normally
    std::string out, err;
};

// Runs the wi under test from the repository root with the given arguments (a shell fragment,
// already quoted), with WI_NO_FETCH=1 and any extra environment assignments in env.
RunResult run_wi(const std::string& args, const std::string& env = "");

bool contains(const std::string& text, const std::string& part);

}  // namespace wi_test
