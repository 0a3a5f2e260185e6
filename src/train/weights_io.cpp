#include "weights_io.h"

#include <cmath>
#include <vector>

#include "../data/npy.h"
#include "../core/error.h"
#include "../core/fsutil.h"

namespace wi {

namespace {
std::string file_name(std::size_t layer, const char* what) {
    return "fc" + std::to_string(layer + 1) + "." + what + ".npy";
}

// The layer index (0-based) of one of wi's own weight files, fc<N>.weight.npy or
// fc<N>.bias.npy spelt exactly as file_name spells it, or -1 for any other name.
long layer_of(const std::string& name) {
    if (name.compare(0, 2, "fc") != 0) return -1;
    std::size_t end = 2;
    while (end < name.size() && end < 12 && name[end] >= '0' && name[end] <= '9') ++end;
    if (end == 2 || end == 12) return -1;
    const long layer = std::stol(name.substr(2, end - 2)) - 1;
    return layer >= 0 && (name == file_name(layer, "weight") || name == file_name(layer, "bias")) ? layer : -1;
}
}  // namespace

void save_weights(const Mlp& m, const std::string& dir) {
    // Weights that are not finite are no model (and --load-weights refuses them): none is written.
    if (const std::string bad = first_non_finite(m); !bad.empty())
        throw Error(dir + ": weights not written: parameter " + bad + " is not finite");
    make_dirs(dir);
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        const Layer& L = m.layers[l];
        write_npy(join_path(dir, file_name(l, "weight")), L.W, {L.out, L.in});
        write_npy(join_path(dir, file_name(l, "bias")), L.b, {L.out});
    }
    // The folder holds exactly this model: a deeper one's files from an earlier run would make
    // it unloadable, so wi's own names beyond the last layer go (nothing else is touched).
    for (const std::string& name : list_dir(dir))
        if (layer_of(name) >= static_cast<long>(m.layers.size())) remove_file(join_path(dir, name));
}

void load_weights(Mlp& m, const std::string& dir) {
    require_dir(dir, "--load-weights");
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        Layer& L = m.layers[l];
        for (const char* what : {"weight", "bias"}) {
            const std::string path = join_path(dir, file_name(l, what));
            Tensor& t = what[0] == 'w' ? L.W : L.b;
            read_npy(path, t, what[0] == 'w' ? std::vector<int>{L.out, L.in} : std::vector<int>{L.out});
            if (const long i = first_non_finite(t.data(), t.size()); i >= 0)
                throw Error("--load-weights: " + path + ": element " + std::to_string(i) + " (flat index) is " +
                            (std::isnan(t.data()[i]) ? "nan" : "infinite") + ": the weights must be finite");
        }
    }
    // A file for a layer the architecture does not have means the --arch is not the one saved.
    for (const char* what : {"weight", "bias"}) {
        const std::string extra = join_path(dir, file_name(m.layers.size(), what));
        if (path_exists(extra))
            throw Error("--load-weights: " + extra + " exists but --arch has only " + std::to_string(m.layers.size()) +
                        " layers");
    }
}

}  // namespace wi
