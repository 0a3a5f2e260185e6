#include "preflight.h"

#include <sys/stat.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <map>
#include <vector>

#include "../core/error.h"
#include "../core/fsutil.h"

namespace wi {

namespace {

constexpr std::size_t kMaxLabel = 80;
constexpr unsigned long long kFigureBytes = 64 * 1024;  // a figure's PNG is at least this (about 80 KiB)
constexpr unsigned long long kNpyHeader = 128;

std::uint64_t fnv1a(const std::string& s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

// The files one directory will receive: their paths and at least how many bytes in all.
struct Target {
    std::string dir, what;
    std::vector<std::string> files;
    unsigned long long bytes = 0;
};

}  // namespace

std::string file_label(const std::string& spec) {
    std::string s;
    for (char c : spec) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.') ? c : c == '=' ? '-' : '_';
    if (s.size() <= kMaxLabel) return s;
    char hash[20];
    std::snprintf(hash, sizeof hash, "_%016llx", static_cast<unsigned long long>(fnv1a(spec)));
    return s.substr(0, kMaxLabel - 17) + hash;
}

void check_run_outputs(const Config& cfg) {
    if (!cfg.save_init.empty()) ensure_writable_dir(cfg.save_init, "--save-init");
    if (!cfg.save_weights.empty()) ensure_writable_dir(cfg.save_weights, "--save-weights");
    const bool to_out = cfg.stats || cfg.plots || !cfg.compare.empty();
    if (to_out) ensure_writable_dir(cfg.out, "--out");
    if (!cfg.save_init.empty() && !cfg.save_weights.empty() && same_directory(cfg.save_init, cfg.save_weights))
        throw Error("--save-init " + cfg.save_init + " and --save-weights " + cfg.save_weights +
                    " are the same directory: the final weights would replace the initial ones");

    std::vector<Target> targets;
    long params = 0;
    for (std::size_t l = 0; l + 1 < cfg.arch.size(); ++l) params += static_cast<long>(cfg.arch[l] + 1) * cfg.arch[l + 1];
    const std::size_t layers = cfg.arch.size() - 1;
    const std::pair<std::string, const char*> weight_dirs[] = {{cfg.save_init, "--save-init"},
                                                               {cfg.save_weights, "--save-weights"}};
    for (const auto& [dir, what] : weight_dirs) {
        if (dir.empty() || !cfg.compare.empty()) continue;
        Target t{dir, what, {}, static_cast<unsigned long long>(params) * 4 + 2 * layers * kNpyHeader};
        for (std::size_t l = 1; l <= layers; ++l)
            for (const char* kind : {"weight", "bias"})
                t.files.push_back("fc" + std::to_string(l) + "." + kind + ".npy");
        targets.push_back(t);
    }
    if (to_out) {
        Target t{cfg.out, "--out", {}, 0};
        const std::string label = cfg.load_weights.empty() ? file_label(cfg.init) : "loaded";
        if (!cfg.compare.empty()) {
            t.files.push_back("compare.csv");
            t.bytes += 100 * (1 + cfg.compare.size() * static_cast<unsigned long long>(cfg.epochs));
        } else {
            if (cfg.stats) {
                t.files.push_back("stats_" + label + ".csv");
                t.bytes += 100 * (1 + layers * (1 + static_cast<unsigned long long>(cfg.epochs)));
            }
            if (cfg.plots) {
                t.files.push_back("training_" + label + ".png");
                t.files.push_back("weights_" + label + ".png");
                t.bytes += 2 * kFigureBytes;
            }
        }
        targets.push_back(t);
    }

    // Free space per file system: directories on one share it.
    std::map<unsigned long long, Target> need;  // by device: the first directory, its flag, the bytes of all
    for (const Target& t : targets) {
        for (const std::string& f : t.files) check_output_file(join_path(t.dir, f), t.what);
        struct stat st;
        if (::stat(t.dir.c_str(), &st) != 0) continue;
        Target& fs = need[static_cast<unsigned long long>(st.st_dev)];
        if (fs.dir.empty()) {
            fs.dir = t.dir;
            fs.what = t.what;
        }
        fs.bytes += t.bytes;
        fs.files.insert(fs.files.end(), t.files.begin(), t.files.end());
    }
    for (const auto& entry : need)
        check_free_space(entry.second.dir, entry.second.bytes, entry.second.files.size(), entry.second.what);
}

}  // namespace wi
