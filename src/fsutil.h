// fsutil.h - the few file-system helpers wi needs, all reporting problems as wi::Error.
#pragma once
#include <string>

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

}  // namespace wi
