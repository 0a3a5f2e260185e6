// font_target.h - what one fuzz input does to the font loader, shared by the libFuzzer harness
// (fuzz_font.cpp) and by tests/test_figure_faults.cpp, which replays every committed seed in
// corpus_font/ in the ordinary (and sanitized) test suite.
//
// The input is a font file. Font::load must either refuse it (it then draws with the built-in
// font) or accept it; either way every character figures use must render, at a figure's sizes
// and at a large one, and the text must land on a canvas. A crash, a sanitizer report, an
// exception or a hang is a finding.
#pragma once
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "report/canvas.h"
#include "report/text.h"

namespace wi_fuzz {

// Returns true when the font was accepted as TrueType.
inline bool font_one(const std::uint8_t* data, std::size_t size, const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot open " + path);
    const bool ok = (size == 0 || std::fwrite(data, 1, size, f) == size) && std::fclose(f) == 0;
    if (!ok) throw std::runtime_error("cannot write " + path);
    const wi::Font font = wi::Font::load(path);
    static const char* const kTexts[] = {
        "0.25 1e-08 \xE2\x88\x92" "3 AVWTo fc1.weight (4, 784)",
        "\xCF\x83(x) = 1 / (1 + e\xE2\x81\xBB\xCB\xA3)  10\xE2\x81\xBB\xC2\xB3 \xC2\xB1 \xE2\x80\xA6",
        "", " ", "\xFF\xFE bad utf-8 \xE2\x82",
    };
    wi::Canvas canvas(200, 60, wi::palette::kWhite);
    for (const char* text : kTexts)
        for (double size : {13.0, 40.0}) {
            const wi::TextMask m = font.render(text, size);
            if (m.width < 0 || m.height < 0 || m.alpha.size() != static_cast<std::size_t>(m.width) * m.height)
                throw std::logic_error("Font::render: mask size and pixels disagree");
            wi::TextStyle st;
            st.size = size;
            st.vertical = size > 20;
            wi::draw_text(canvas, font, text, {20, 40}, st);
        }
    return font.is_truetype();
}

}  // namespace wi_fuzz
