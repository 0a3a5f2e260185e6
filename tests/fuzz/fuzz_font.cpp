// fuzz_font.cpp - libFuzzer harness for the font loader (Font::load, which checks a TrueType
// file before stb_truetype reads it, and the text renderer). Each input is written to a
// temporary file and loaded as WI_FONT would load it (see font_one in font_target.h). The seeds
// in corpus_font/ are small valid fonts made by make_font_seeds.py. Built and run by `make fuzz`.
#include "font_target.h"
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = wi_fuzz::make_scratch_file("fuzz-font");
    wi_fuzz::font_one(data, size, path);
    return 0;
}
