#include "test_png.h"

#include <boost/test/unit_test.hpp>

#include "test_util.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

namespace wi_test {

bool decode_png_bytes(const std::string& bytes, Png* out) {
    int channels = 0;
    unsigned char* data = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(bytes.data()),
                                                static_cast<int>(bytes.size()), &out->width, &out->height, &channels, 3);
    if (data == nullptr) return false;
    out->rgb.assign(data, data + static_cast<std::size_t>(out->width) * out->height * 3);
    stbi_image_free(data);
    return true;
}

Png decode_png(const std::string& path) {
    Png png;
    BOOST_TEST_REQUIRE(decode_png_bytes(read_file(path), &png), "not a PNG stb_image can read: " << path);
    return png;
}

}  // namespace wi_test
