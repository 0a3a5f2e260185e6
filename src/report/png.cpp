#include "png.h"

#include "../core/error.h"
#include "../core/fsutil.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace wi {

namespace {

// stb_image_write hands the encoded file over in pieces; they are appended to a std::string.
void append_bytes(void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

}  // namespace

std::string encode_png(const Canvas& canvas) {
    check_canvas_size(canvas.width(), canvas.height(), 3);  // stb_image_write's sizes are int
    std::string bytes;
    const int stride = canvas.width() * 3;
    if (stbi_write_png_to_func(append_bytes, &bytes, canvas.width(), canvas.height(), 3, canvas.rgb().data(), stride) == 0)
        throw Error("PNG encoding failed (" + std::to_string(canvas.width()) + "x" + std::to_string(canvas.height()) + ")");
    return bytes;
}

void write_png(const std::string& path, const Canvas& canvas) { write_file_atomic(path, encode_png(canvas)); }

}  // namespace wi
