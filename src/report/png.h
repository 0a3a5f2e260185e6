// png.h - a canvas as a PNG file, written atomically.
#pragma once
#include <string>

#include "canvas.h"

namespace wi {

// The canvas as PNG bytes (8-bit RGB, through stb_image_write).
std::string encode_png(const Canvas& canvas);

// Writes the canvas to path as PNG: to a temporary file in the same directory, then renamed
// into place, so an interrupted run leaves the old image or the new one, never a broken one.
// Throws wi::Error naming the path if it cannot be written.
void write_png(const std::string& path, const Canvas& canvas);

}  // namespace wi
