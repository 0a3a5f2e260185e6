// fsutil.h - the few file-system helpers wi needs, all reporting problems as wi::Error.
#pragma once
#include <string>
#include <vector>

namespace wi {

bool is_file(const std::string& path);
bool is_dir(const std::string& path);

// mkdir -p; throws wi::Error naming the directory if it cannot be created.
void make_dirs(const std::string& dir);

// Creates dir if needed and proves it writable by creating and removing a probe file.
// what names the flag or purpose for the message, e.g. "--save-weights".
void ensure_writable_dir(const std::string& dir, const std::string& what);

// Writes bytes to a temporary file in path's directory, then renames it into place, so path
// is either its old self or complete - never partial.
void write_file_atomic(const std::string& path, const std::string& bytes);

// The directory holding the running executable ("" if it cannot be told).
std::string executable_dir();

std::string join_path(const std::string& dir, const std::string& name);

// ---- Output targets (checked before any work).

// Refuses (wi::Error naming what) a file wi is to write at path: a name too long for its
// directory (the temporary name included) or a directory in the way.
void check_output_file(const std::string& path, const std::string& what);

// Refuses a directory whose file system cannot hold bytes in that many files, each of which
// may take up to a block more than its bytes (silent when it cannot tell).
void check_free_space(const std::string& dir, unsigned long long bytes, std::size_t files, const std::string& what);

// Whether a and b name the same existing directory, however spelt ("d", "d/", "./d", a link).
bool same_directory(const std::string& a, const std::string& b);

std::vector<std::string> list_dir(const std::string& dir);  // every entry's name, "." and ".." too
void remove_file(const std::string& path);                   // unlink; a missing file is fine

}  // namespace wi

// ---- Opening input files ----

namespace wi {

// What a file-system entry is, in words: "a directory", "a FIFO", "a character device", ...
std::string file_kind_text(unsigned mode);

// An input file opened for reading: only a regular file (a symbolic link is followed and its
// target judged). A FIFO, a device, a socket or a directory is refused as "not a regular file"
// with what it is; a missing file, a denied permission and other failures each say so. A FIFO
// never blocks: the open is non-blocking and the opened descriptor is judged by fstat, so the
// file judged is the file read. Closes the descriptor on destruction.
class InputFile {
public:
    explicit InputFile(const std::string& path);
    ~InputFile();
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;
    int fd() const { return fd_; }
    unsigned long long size() const { return size_; }  // bytes on disk when opened

private:
    int fd_ = -1;
    unsigned long long size_ = 0;
};

// Throws wi::Error unless path is a directory (following symbolic links): "no such directory",
// "is a file, not a directory", "permission denied", ...; what names the flag, e.g. "--data".
void require_dir(const std::string& path, const std::string& what);

// True if something (of any kind, even a dangling symbolic link) has this name.
bool path_exists(const std::string& path);

}  // namespace wi
