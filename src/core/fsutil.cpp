#include "fsutil.h"

#include <fcntl.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "error.h"

namespace wi {

bool is_file(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_dir(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string join_path(const std::string& dir, const std::string& name) {
    if (dir.empty()) return name;
    return dir.back() == '/' ? dir + name : dir + "/" + name;
}

void make_dirs(const std::string& dir) {
    if (dir.empty() || is_dir(dir)) return;
    std::string partial;
    std::size_t pos = 0;
    while (pos != std::string::npos) {
        pos = dir.find('/', pos + 1);
        partial = dir.substr(0, pos);
        if (partial.empty() || is_dir(partial)) continue;
        if (::mkdir(partial.c_str(), 0777) == 0) continue;
        if (errno != EEXIST) throw Error(dir + ": cannot create directory (" + std::strerror(errno) + ")");
        if (is_dir(partial)) continue;  // made by someone else meanwhile
        // The name is taken by something else: say what, naming that part of the path.
        struct stat st;
        if (::lstat(partial.c_str(), &st) == 0 && S_ISLNK(st.st_mode) && ::stat(partial.c_str(), &st) != 0)
            throw Error(partial + ": a symbolic link to a missing directory");
        throw Error(partial + ": exists and is not a directory");
    }
    if (!is_dir(dir)) throw Error(dir + ": exists and is not a directory");
}

void ensure_writable_dir(const std::string& dir, const std::string& what) {
    try {
        make_dirs(dir);
    } catch (const Error& e) {
        throw Error(what + ": " + e.what());
    }
    std::string probe = join_path(dir, ".wi-write-test-XXXXXX");
    std::vector<char> name(probe.begin(), probe.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0) throw Error(what + ": " + dir + ": directory is not writable (" + std::strerror(errno) + ")");
    ::close(fd);
    ::unlink(name.data());
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
    const std::size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string tmpl = join_path(dir, "." + base + ".tmp-XXXXXX");
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0) throw Error(path + ": cannot create a temporary file (" + std::strerror(errno) + ")");
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string reason = std::strerror(errno);
            ::close(fd);
            ::unlink(name.data());
            throw Error(path + ": write failed (" + reason + ")");
        }
        done += static_cast<std::size_t>(n);
    }
    ::fchmod(fd, 0644);
    if (::close(fd) != 0 || ::rename(name.data(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(name.data());
        throw Error(path + ": cannot write (" + reason + ")");
    }
}

std::string executable_dir() {
    std::vector<char> buf(4096);
    const ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
    if (n <= 0) return "";
    std::string path(buf.data(), static_cast<std::size_t>(n));
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? "" : path.substr(0, slash);
}

// ---- Output targets: checks made before any work, so a result is never lost for want of a
// place to put it.

void check_output_file(const std::string& path, const std::string& what) {
    const std::size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    const long name_max = ::pathconf(dir.c_str(), _PC_NAME_MAX);
    // write_file_atomic's temporary name is "." + base + ".tmp-XXXXXX": it must fit as well
    const std::size_t limit = (name_max > 0 ? static_cast<std::size_t>(name_max) : 255) - 12;
    if (base.size() > limit)
        throw Error(what + ": " + path + ": file name too long (" + std::to_string(base.size()) + " characters, at most " +
                    std::to_string(limit) + ")");
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw Error(what + ": " + path + " is a directory, not a file");
}

void check_free_space(const std::string& dir, unsigned long long bytes, std::size_t files, const std::string& what) {
    struct statvfs fs;
    if (::statvfs(dir.c_str(), &fs) != 0) return;  // cannot tell: the writes themselves will say
    const unsigned long long avail = static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize;
    bytes += files * static_cast<unsigned long long>(fs.f_frsize);  // each file's last block is whole
    if (avail < bytes)
        throw Error(what + ": " + dir + ": not enough free space (at least " + std::to_string((bytes + 1023) / 1024) +
                    " KiB to write, " + std::to_string(avail / 1024) + " KiB free)");
}

bool same_directory(const std::string& a, const std::string& b) {
    struct stat sa, sb;
    if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

std::vector<std::string> list_dir(const std::string& dir) {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) throw Error(dir + ": cannot list directory (" + std::strerror(errno) + ")");
    while (const dirent* e = ::readdir(d)) names.push_back(e->d_name);
    ::closedir(d);
    return names;
}

void remove_file(const std::string& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        throw Error(path + ": cannot remove (" + std::strerror(errno) + ")");
}

}  // namespace wi

// ---- Opening input files ----

namespace wi {

namespace {

// "path: problem" for a failed stat or open of an input file.
[[noreturn]] void throw_open_error(const std::string& path, int err, const char* missing) {
    std::string problem;
    if (err == ENOENT) {
        struct stat st;
        problem = ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode) ? "a symbolic link to a missing file" : missing;
    } else if (err == EACCES || err == EPERM) {
        problem = "permission denied";
    } else if (err == ENOTDIR) {
        problem = std::string(missing) + " (a part of the path is not a directory)";
    } else if (err == ELOOP) {
        problem = "too many levels of symbolic links";
    } else {
        problem = std::string("cannot open (") + std::strerror(err) + ")";
    }
    throw Error(path + ": " + problem);
}

// "not a regular file: it is a FIFO", naming the target when path is a symbolic link.
[[noreturn]] void throw_not_regular(const std::string& path, unsigned mode) {
    std::string via;
    struct stat lst;
    if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
        std::vector<char> target(4096);
        const ssize_t n = ::readlink(path.c_str(), target.data(), target.size() - 1);
        if (n > 0) via = ", via a symbolic link to " + std::string(target.data(), static_cast<std::size_t>(n));
    }
    throw Error(path + ": not a regular file: it is " + file_kind_text(mode) + via);
}

}  // namespace

std::string file_kind_text(unsigned mode) {
    if (S_ISREG(mode)) return "a regular file";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISLNK(mode)) return "a symbolic link";
    return "not a file";
}

InputFile::InputFile(const std::string& path) {
    // stat first, so a device is never opened (opening one can have effects), then fstat what
    // was opened, in case the name was replaced in between.
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) throw_open_error(path, errno, "no such file");
    if (!S_ISREG(st.st_mode)) throw_not_regular(path, st.st_mode);
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd_ < 0) throw_open_error(path, errno, "no such file");
    if (::fstat(fd_, &st) != 0) {
        const int err = errno;
        ::close(fd_);
        throw Error(path + ": cannot read its status (" + std::strerror(err) + ")");
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd_);
        throw_not_regular(path, st.st_mode);
    }
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
    size_ = static_cast<unsigned long long>(st.st_size);
}

InputFile::~InputFile() {
    if (fd_ >= 0) ::close(fd_);
}

void require_dir(const std::string& path, const std::string& what) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
        try {
            throw_open_error(path, errno, "no such directory");
        } catch (const Error& e) {
            throw Error(what + ": " + e.what());
        }
    }
    if (S_ISREG(st.st_mode)) throw Error(what + ": " + path + ": is a file, not a directory");
    if (!S_ISDIR(st.st_mode)) throw Error(what + ": " + path + ": not a directory: it is " + file_kind_text(st.st_mode));
}

bool path_exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace wi
