#include "weights_io.h"

#include "../data/npy.h"
#include "../error.h"
#include "../fsutil.h"

namespace wi {

namespace {
std::string file_name(std::size_t layer, const char* what) {
    return "fc" + std::to_string(layer + 1) + "." + what + ".npy";
}
}  // namespace

void save_weights(const Mlp& m, const std::string& dir) {
    make_dirs(dir);
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        const Layer& L = m.layers[l];
        write_npy(join_path(dir, file_name(l, "weight")), L.W, {L.out, L.in});
        write_npy(join_path(dir, file_name(l, "bias")), L.b, {L.out});
    }
}

void load_weights(Mlp& m, const std::string& dir) {
    require_dir(dir, "--load-weights");
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        Layer& L = m.layers[l];
        read_npy(join_path(dir, file_name(l, "weight")), L.W, {L.out, L.in});
        read_npy(join_path(dir, file_name(l, "bias")), L.b, {L.out});
    }
    // A file for a layer the architecture does not have means the --arch is not the one saved.
    const std::string extra = join_path(dir, file_name(m.layers.size(), "weight"));
    if (path_exists(extra))
        throw Error("--load-weights: " + extra + " exists but --arch has only " + std::to_string(m.layers.size()) +
                    " layers");
}

}  // namespace wi
