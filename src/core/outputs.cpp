#include "outputs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <new>
#include <string>

namespace wi {

namespace {
int g_stdout_errno = 0;  // why the first failed write to standard output failed
}  // namespace

void OutputLog::attempt(const std::function<void()>& write) {
    try {
        write();
    } catch (const std::bad_alloc&) {
        ++failures_;
        std::fflush(stdout);
        std::fprintf(stderr, "wi: out of memory writing an output\n");
    } catch (const std::exception& e) {
        ++failures_;
        std::fflush(stdout);
        std::fprintf(stderr, "wi: %s\n", e.what());
    }
}

bool guard_standard_streams() {
    bool stdout_open = true;
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        if (fd == 1) stdout_open = false;
        const int null = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (null >= 0 && null != fd) {
            ::dup2(null, fd);
            ::close(null);
        }
    }
    if (!stdout_open) g_stdout_errno = EBADF;
    return stdout_open;
}

bool flush_output(std::FILE* f) {
    errno = 0;
    if (std::fflush(f) == 0 && !std::ferror(f)) return true;
    // errno is the reason when this flush failed; after an earlier failed write it is lost (-1)
    if (f == stdout && g_stdout_errno == 0) g_stdout_errno = errno != 0 ? errno : -1;
    return false;
}

int finish_stdout(int status) {
    if (flush_output(stdout) && g_stdout_errno == 0) return status;
    if (g_stdout_errno > 0)
        std::fprintf(stderr, "wi: standard output: write error (%s)\n", std::strerror(g_stdout_errno));
    else
        std::fprintf(stderr, "wi: standard output: write error\n");
    return status == 0 ? kExitOutput : status;
}

}  // namespace wi
