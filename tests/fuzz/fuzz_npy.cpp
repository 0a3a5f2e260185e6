// fuzz_npy.cpp - libFuzzer harness for the .npy reader (read_npy). Each input is written to a
// temporary file; its first byte picks the shape the reader is told to expect (see npy_one in
// fuzz_targets.h). Built and run by `make fuzz` (tests/fuzz/run.sh).
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = wi_fuzz::make_scratch_file("fuzz-npy");
    wi_fuzz::npy_one(data, size, path);
    return 0;
}
