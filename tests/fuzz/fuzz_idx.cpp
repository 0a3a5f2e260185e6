// fuzz_idx.cpp - libFuzzer harness for the IDX reader (read_idx_images, read_idx_labels), raw
// and gzip paths. The readers take a path, so each input is written to a temporary file; its
// first byte picks the path and the reader (see idx_one in fuzz_targets.h).
// Built and run by `make fuzz` (tests/fuzz/run.sh).
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = wi_fuzz::make_scratch_file("fuzz-idx");
    wi_fuzz::idx_one(data, size, path);
    return 0;
}
