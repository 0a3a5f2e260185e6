// preflight.h - every file a training run will write, checked before the data is loaded, so
// a result is never lost for want of a place to put it.
#pragma once
#include <string>

#include "../cli/cli.h"

namespace wi {

// A file-name-safe form of an init spec: "kaiming_normal:mode=fan_out" -> "kaiming_normal_mode-fan_out".
// A form longer than 80 characters is cut to its first 63 and a 16-digit hash of the whole
// spec ("normal_std-0.0100000..._1f3a...") so that any spec gives a usable, distinct file name.
std::string file_label(const std::string& spec);

// For a training run (single or --compare): creates and probes the output directories, refuses
// --save-init and --save-weights naming one directory, a target file name that is too long or
// a directory, and a file system with less free space than the outputs need at least.
// Throws wi::Error naming the flag.
void check_run_outputs(const Config& cfg);

}  // namespace wi
