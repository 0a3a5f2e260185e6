#include "plots.h"

#include <cstdlib>

#include "../core/fsutil.h"
#include "../core/interrupt.h"

namespace wi {

namespace {

// "xavier" -> "xavier_normal"; "kaiming:mode=fan_out" -> "kaiming_normal:mode=fan_out"
std::string spec_label(const std::string& text, const InitSpec& spec) {
    const std::size_t colon = text.find(':');
    return std::string(spec.init->name) + (colon == std::string::npos ? "" : text.substr(colon));
}

std::string arch_text(const std::vector<int>& sizes) {
    std::string s;
    for (std::size_t i = 0; i < sizes.size(); ++i) s += (i ? "-" : "") + std::to_string(sizes[i]);
    return s;
}

}  // namespace

TrainingCurves curves_of(const TrainReport& report) {
    TrainingCurves c;
    c.step_loss.assign(report.step_loss.begin(), report.step_loss.end());
    c.step_accuracy.assign(report.step_accuracy.begin(), report.step_accuracy.end());
    long step = 0;
    for (std::size_t e = 0; e < report.epochs.size(); ++e) {
        const EpochStats& st = report.epochs[e];
        step += st.steps;
        TrainingCurves::EpochEnd end;
        end.step = step;
        end.has_test = st.tested;  // not after a divergence or a stop
        end.test_loss = st.test.loss;
        end.test_accuracy = st.test.accuracy;
        c.epochs.push_back(end);
    }
    c.diverged_step = report.diverged ? report.diverged_step : 0;
    return c;
}

FigureOptions figure_options(const Config& cfg) {
    FigureOptions fig;
    fig.out_dir = cfg.out;
    if (const char* font = std::getenv("WI_FONT"); font != nullptr) fig.font = font;
    return fig;
}

int run_plot_command(const Config& cfg, std::FILE* out) {
    ensure_writable_dir(cfg.out, "--out");
    const FigureOptions fig = figure_options(cfg);
    FigureFile file;
    if (cfg.plot == "sigmoid") {
        std::vector<InitChoice> inits;
        for (const std::string& text : cfg.plot_inits) {
            InitSpec spec = parse_init(text, "--inits");
            inits.push_back({spec_label(text, spec), spec});
        }
        file = plot_sigmoid_inits(fig, inits, cfg.fan_in, cfg.fan_out, cfg.seed);
    } else {
        file = plot_sigmoid_grad(fig);
    }
    std::fprintf(out, "wrote %s\n", file.path.c_str());
    return 0;
}

std::vector<LayerWeights> capture_weights(const Mlp& m) {
    std::vector<LayerWeights> layers;
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        const Layer& L = m.layers[l];
        layers.push_back({"fc" + std::to_string(l + 1) + ".weight", L.in, L.out,
                          std::vector<float>(L.W.data(), L.W.data() + L.W.size())});
    }
    return layers;
}

void write_run_figures(const Config& cfg, const std::string& name, const std::string& file_label, const InitSpec* spec,
                       const std::vector<LayerWeights>& initial, const TrainReport& report, std::FILE* out,
                       OutputLog& log, int seen) {
    const FigureOptions fig = figure_options(cfg);
    TrainingCurves curves = curves_of(report);
    char caption[160];
    std::snprintf(caption, sizeof caption, "%s, activation %s, batch %d, SGD lr %g, %s, seed %llu",
                  arch_text(cfg.arch).c_str(), cfg.act.c_str(), cfg.batch, cfg.lr, cfg.shuffle ? "shuffled" : "file order",
                  static_cast<unsigned long long>(cfg.seed));
    curves.caption = caption;
    throw_if_interrupted(seen);
    log.attempt([&] { std::fprintf(out, "wrote %s\n", plot_training(fig, name, file_label, curves).path.c_str()); });
    std::fflush(out);
    throw_if_interrupted(seen);
    log.attempt([&] { std::fprintf(out, "wrote %s\n", plot_weights(fig, name, file_label, spec, initial).path.c_str()); });
}

}  // namespace wi
