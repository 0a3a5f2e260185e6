// test_png.h - reading PNG files back for the figure and page tests (stb_image from libstb-dev).
#pragma once
#include <string>
#include <vector>

#include "report/canvas.h"

namespace wi_test {

// An image as RGB bytes, row by row.
struct Png {
    int width = 0, height = 0;
    std::vector<unsigned char> rgb;
    wi::Color at(int x, int y) const {
        const std::size_t i = (static_cast<std::size_t>(y) * width + x) * 3;
        return {rgb[i], rgb[i + 1], rgb[i + 2]};
    }
};

// Decodes PNG bytes into *out; false when stb_image cannot read them.
bool decode_png_bytes(const std::string& bytes, Png* out);

// The PNG file at path, decoded; a test failure (that stops the case) when it is not one.
Png decode_png(const std::string& path);

}  // namespace wi_test
