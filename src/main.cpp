// main.cpp - wi: parse flags, load data, build the model, initialize, run.
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "cli.h"
#include "data/mnist.h"
#include "error.h"
#include "fsutil.h"
#include "init.h"
#include "report/progress.h"
#include "rng.h"
#include "train/stats.h"
#include "train/trainer.h"
#include "train/weights_io.h"

namespace {

std::string arch_text(const std::vector<int>& sizes) {
    std::string s;
    for (std::size_t i = 0; i < sizes.size(); ++i) s += (i ? "-" : "") + std::to_string(sizes[i]);
    return s;
}

int thread_count() {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

int run(const wi::Config& cfg) {
    using namespace wi;
#ifdef _OPENMP
    if (cfg.threads > 0) omp_set_num_threads(cfg.threads);
#endif
    // Output directories are checked before any work, so a bad one costs nothing.
    if (!cfg.save_init.empty()) ensure_writable_dir(cfg.save_init, "--save-init");
    if (!cfg.save_weights.empty()) ensure_writable_dir(cfg.save_weights, "--save-weights");

    const MnistData data = find_and_load_mnist(cfg.data, cfg.fetch);
    std::printf("data: %s (%s): %d train / %d test images\n", data.name.c_str(), data.dir.c_str(), data.train.count,
                data.test.count);

    Mlp model = make_mlp(cfg.arch, parse_activation(cfg.act));
    const Initializer& init = find_initializer(cfg.init);
    std::string init_text;
    if (!cfg.load_weights.empty()) {
        load_weights(model, cfg.load_weights);
        init_text = "loaded from " + cfg.load_weights;
    } else {
        Rng rng(cfg.seed);
        initialize(model, init, rng, InitOptions{cfg.init_value});
        init_text = init.name;
        if (std::string(init.name) == "constant") {
            char value[32];
            std::snprintf(value, sizeof value, " %g", cfg.init_value);
            init_text += value;
        }
        init_text += std::string(" (bias: ") +
                     (std::string(init.bias_formula) == "default" ? "nn.Linear default" : init.bias_formula) + ")";
    }
    if (!cfg.quiet) {
        std::printf("model: %s, activation %s, %ld parameters, init %s\n", arch_text(cfg.arch).c_str(),
                    activation_name(model.act), parameter_count(model), init_text.c_str());
        std::printf("train: %d epoch%s, batch %d, SGD lr %g, %s, seed %llu; path: reference (plain loops), %d thread%s\n",
                    cfg.epochs, cfg.epochs == 1 ? "" : "s", cfg.batch, cfg.lr, cfg.shuffle ? "shuffled" : "file order",
                    static_cast<unsigned long long>(cfg.seed), thread_count(), thread_count() == 1 ? "" : "s");
    }
    std::fflush(stdout);

    if (!cfg.save_init.empty()) save_weights(model, cfg.save_init);
    if (cfg.grads != GradsMode::Off) {
        gradient_probe(model, cfg.seed);
        print_gradients(model, cfg.grads, stdout);
    }

    TrainOptions opt;
    opt.epochs = cfg.epochs;
    opt.batch = cfg.batch;
    opt.lr = static_cast<float>(cfg.lr);
    opt.shuffle = cfg.shuffle;
    opt.seed = cfg.seed;
    opt.progress = !cfg.quiet && stderr_is_terminal();
    if (cfg.epochs == 0) {
        const EvalResult r = evaluate(model, data.test);
        std::printf("no training (--epochs 0); test set: loss %.3f and accuracy %.3f\n", r.loss, r.accuracy);
    }
    const TrainReport report = train(model, data, opt, stdout);
    if (!cfg.save_weights.empty()) {
        save_weights(model, cfg.save_weights);
        if (report.diverged) std::printf("note: the saved weights are those of the diverged step (not finite)\n");
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const wi::Config cfg = wi::parse_args(std::vector<std::string>(argv + 1, argv + argc));
        if (cfg.help) {
            std::fputs(wi::help_text().c_str(), stdout);
            return 0;
        }
        if (cfg.version) {
            std::printf("%s\n", wi::version_text().c_str());
            return 0;
        }
        return run(cfg);
    } catch (const wi::Error& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "wi: %s\n", e.what());
        return wi::kExitUsage;
    } catch (const std::bad_alloc&) {
        std::fflush(stdout);
        std::fprintf(stderr, "wi: out of memory\n");
        return wi::kExitUsage;
    } catch (const std::exception& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "wi: internal error: %s\n", e.what());
        return 1;
    }
}
