#include "sweep_config.h"

#include <cerrno>
#include <cstdlib>
#include <set>
#include <sstream>
#include <utility>

#include "../core/error.h"
#include "../core/strf.h"

namespace wi {

namespace {

std::string arch_text(const std::vector<int>& sizes, char sep) {
    std::string s;
    for (std::size_t i = 0; i < sizes.size(); ++i) s += (i ? std::string(1, sep) : "") + std::to_string(sizes[i]);
    return s;
}

// width and depth: positive integers (the --arch they make is checked by --arch's own rules).
long long positive(const std::string& key, const std::string& v, long long hi) {
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || end == v.c_str() || *end != '\0' || errno == ERANGE || n < 1 || n > hi)
        throw Error(key + ": '" + v + "' is not an integer from 1 to " + std::to_string(hi));
    return n;
}

// The flags that give a run its values; chosen[k] is the value on axis k, or nullptr to leave
// that axis at the base's setting.
std::vector<std::string> run_args(const Grid& grid, const std::vector<const std::string*>& chosen,
                                  const std::vector<std::string>& base, const Config& base_cfg) {
    std::vector<std::string> args = base;
    std::string init = base_cfg.init, params;
    bool init_set = false;
    long long width = -1, depth = -1;
    for (std::size_t k = 0; k < grid.axes.size(); ++k) {
        if (chosen[k] == nullptr) continue;
        const std::string& key = grid.axes[k].key;
        const std::string& v = *chosen[k];
        if (key == "init") init = v, init_set = true;
        else if (key.rfind("init.", 0) == 0) params += (params.empty() ? "" : ",") + key.substr(5) + "=" + v, init_set = true;
        else if (key == "width") width = positive("width", v, 65536);
        else if (key == "depth") depth = positive("depth", v, 4096);
        else if (key == "arch") {
            std::string a = v;
            for (char& c : a)
                if (c == '-') c = ',';
            args.insert(args.end(), {"--arch", a});
        } else
            args.insert(args.end(), {"--" + key, v});
    }
    if (!params.empty()) {
        // an init.PARAM axis overrides that parameter of the base's --init (meanfield:sigma_w2=1
        // swept over init.sigma_w2), so the base's own key=value of it is dropped
        std::set<std::string> swept;
        std::stringstream ps(params);
        for (std::string item; std::getline(ps, item, ',');) swept.insert(item.substr(0, item.find('=')));
        const std::size_t colon = init.find(':');
        std::string kept = init.substr(0, colon);
        if (colon != std::string::npos) {
            std::stringstream is(init.substr(colon + 1));
            std::string sep = ":";
            for (std::string item; std::getline(is, item, ',');)
                if (!swept.count(item.substr(0, item.find('=')))) kept += sep + item, sep = ",";
        }
        init = kept + (kept.find(':') == std::string::npos ? ":" : ",") + params;
    }
    if (init_set) args.insert(args.end(), {"--init", init});
    if (width > 0 || depth > 0) {
        const std::vector<int>& a = base_cfg.arch;  // the base's depth and first hidden width
        const int w = width > 0 ? static_cast<int>(width) : a.size() > 2 ? a[1] : 32;
        const int d = depth > 0 ? static_cast<int>(depth) : static_cast<int>(a.size()) - 1;
        std::vector<int> sizes = {784};
        for (int l = 1; l < d; ++l) sizes.push_back(w);
        sizes.push_back(10);
        args.insert(args.end(), {"--arch", arch_text(sizes, ',')});
    }
    return args;
}

std::vector<std::pair<std::string, std::string>> settings(const Config& cfg, const std::string& data_text) {
    const RunSetup s = run_setup(cfg);
    return {{"init", s.spec.text()},
            {"bias", cfg.bias},
            {"arch", arch_text(cfg.arch, '-')},
            {"act", cfg.act},
            {"epochs", std::to_string(cfg.epochs)},
            {"batch", std::to_string(cfg.batch)},
            {"lr", shortest_float(static_cast<float>(cfg.lr))},
            {"seed", std::to_string(cfg.seed)},
            {"shuffle", cfg.shuffle ? "on" : "off"},
            {"kernel", cfg.kernel},
            {"data", data_text}};
}

// What ./wi takes but a sweep's run cannot do.
void check_run(const Config& cfg) {
    if (cfg.epochs < 1) throw Error("--epochs: a sweep trains: at least 1 epoch, got " + std::to_string(cfg.epochs));
}

}  // namespace

RunSetup run_setup(const Config& cfg) {
    RunSetup s;
    s.label = cfg.init;
    s.spec = parse_init(cfg.init);
    if (cfg.init_value_set && std::string(s.spec.init->name) == "constant" && cfg.init.find(':') == std::string::npos)
        s.spec = default_spec(*s.spec.init, InitOptions{cfg.init_value});
    s.bias = parse_bias(cfg.bias);
    s.arch = cfg.arch;
    s.act = parse_activation(cfg.act);
    s.seed = cfg.seed;
    s.opt.epochs = cfg.epochs;
    s.opt.batch = cfg.batch;
    s.opt.lr = static_cast<float>(cfg.lr);
    s.opt.shuffle = cfg.shuffle;
    s.opt.seed = cfg.seed;
    s.opt.print = false;
    s.opt.progress = false;
    return s;
}

std::vector<SweepRun> resolve_runs(const Grid& grid, const std::vector<std::string>& base, const std::string& flag) {
    const Config base_cfg = parse_args(base);
    const std::size_t n_axes = grid.axes.size();
    // Each value alone first, so a refusal names its axis and value.
    for (std::size_t k = 0; k < n_axes; ++k)
        for (const std::string& v : grid.axes[k].values) {
            std::vector<const std::string*> chosen(n_axes, nullptr);
            chosen[k] = &v;
            try {
                check_run(parse_args(run_args(grid, chosen, base, base_cfg)));
            } catch (const Error& e) {
                throw Error(flag + ": axis '" + grid.axes[k].key + "': value '" + v + "': " + e.what());
            }
        }
    std::vector<SweepRun> runs(grid.runs());
    for (std::size_t i = 0; i < runs.size(); ++i) {
        SweepRun& r = runs[i];
        r.index = i;
        const std::vector<std::size_t> pos = grid.position(i);
        std::vector<const std::string*> chosen(n_axes);
        for (std::size_t k = 0; k < n_axes; ++k) {
            r.values.push_back(grid.axes[k].values[pos[k]]);
            chosen[k] = &grid.axes[k].values[pos[k]];
            r.label += (k ? " " : "") + grid.axes[k].key + "=" + r.values.back();
        }
        try {
            r.cfg = parse_args(run_args(grid, chosen, base, base_cfg));
            check_run(r.cfg);
        } catch (const Error& e) {
            throw Error(flag + ": run " + r.label + ": " + e.what());
        }
    }
    return runs;
}

void identify(SweepRun& run, const std::string& data_text) {
    run.identity.clear();
    for (const auto& kv : settings(run.cfg, data_text))
        run.identity += (run.identity.empty() ? "" : "; ") + kv.first + "=" + kv.second;
    run.hash = fnv1a64(run.identity);
    run.seed = splitmix64(run.hash) >> 1;  // 63 bits: what --seed takes
}

std::string fixed_settings(const Grid& grid, const Config& base, const std::string& data_text) {
    auto varied = [&](const std::string& key) {
        for (const Axis& a : grid.axes) {
            const std::string& k = a.key;
            if (k == key || (key == "init" && k.rfind("init.", 0) == 0) ||
                (key == "arch" && (k == "width" || k == "depth")))
                return true;
        }
        return false;
    };
    std::string s;
    for (const auto& kv : settings(base, data_text))
        if (!varied(kv.first)) s += (s.empty() ? "" : "; ") + kv.first + "=" + kv.second;
    return s;
}

std::uint64_t grid_hash(const std::vector<SweepRun>& runs) {
    std::string all;
    for (const SweepRun& r : runs) all += hex16(r.hash);
    return fnv1a64(all);
}

}  // namespace wi
