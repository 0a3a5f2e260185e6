// main.cpp - wi: parse flags, load data, build the model, initialize, run the chosen job.
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "notebook.h"
#include "../cli/cli.h"
#include "../data/mnist.h"
#include "../core/error.h"
#include "../experiment/experiments.h"
#include "../core/fsutil.h"
#include "../init/init.h"
#include "../core/interrupt.h"
#include "../core/outputs.h"
#include "../train/plots.h"
#include "preflight.h"
#include "../core/strf.h"
#include "../report/progress.h"
#include "../train/compare.h"
#include "../train/explain.h"
#include "../train/stats.h"
#include "../train/weights_io.h"
#include "../sweep/compare_pool.h"
#include "../backend/pool.h"
#include "../sweep/sweep.h"
#include "../sweep/sweep_config.h"
#include "../theory/theory_command.h"

namespace {

using namespace wi;

std::string arch_text(const std::vector<int>& sizes) {
    std::string s;
    for (std::size_t i = 0; i < sizes.size(); ++i) s += (i ? "-" : "") + std::to_string(sizes[i]);
    return s;
}


RunSetup make_setup(const Config& cfg, const std::string& init_text) {
    Config c = cfg;
    c.init = init_text;
    RunSetup s = run_setup(c);  // the settings as a sweep's run reads them (src/sweep/sweep_config.h)
    s.opt.print = true;
    s.opt.progress = !cfg.quiet && stderr_is_terminal();
    s.opt.backend = Backend::choose(cfg.kernel, cfg.device);
    return s;
}

void print_diagnosis(const std::vector<std::string>& lines, const std::string& prefix) {
    if (lines.empty()) std::printf("%sdiagnosis: nothing unusual measured\n", prefix.c_str());
    for (const std::string& line : lines) std::printf("%sdiagnosis: %s\n", prefix.c_str(), line.c_str());
}

int run_compare_job(const Config& cfg, const MnistData& data, const Probe& probe) {
    std::vector<RunSetup> setups;
    const int batches = (data.train.count + cfg.batch - 1) / cfg.batch;
    for (const std::string& spec : cfg.compare) {
        setups.push_back(make_setup(cfg, spec));
        setups.back().opt.eval_every = std::max(1, batches / 10);  // ten test points per epoch for the 80 % column
    }
    std::printf("compare: %zu inits, %s, activation %s, %d epoch%s, batch %d, lr %s, seed %llu; path: %s, %s\n",
                setups.size(), arch_text(cfg.arch).c_str(), cfg.act.c_str(), cfg.epochs, cfg.epochs == 1 ? "" : "s",
                cfg.batch,
                shortest_float(static_cast<float>(cfg.lr)).c_str(),
                static_cast<unsigned long long>(cfg.seed),
                setups.front().opt.backend.name(cfg.arch, setups.front().act, cfg.batch).c_str(),
                pool_description(thread_count()).c_str());
    if (!flush_output(stdout)) return kExitOutput;  // nobody would see the results
    // a sweep of one init axis: the runs through the sweep's pool (src/sweep/compare_pool.h)
    const std::vector<RunResult> results =
        compare_through_pool(setups, data, probe, "compare", RunsProgress::mode_for(cfg.quiet), thread_count());
    if (results.empty()) return 0;  // an MPI rank that does not write
    OutputLog log;
    const std::string csv = join_path(cfg.out, "compare.csv");  // the file first: it outlives the terminal
    log.attempt([&] { write_file_atomic(csv, compare_csv(results)); });
    std::fputs(compare_table(results).c_str(), stdout);
    for (const RunResult& r : results) print_diagnosis(r.diagnosis, r.label + ": ");
    if (log.failures() == 0) std::printf("wrote %s\n", csv.c_str());
    for (const RunResult& r : results)
        if (r.report.interrupted_by) return 128 + r.report.interrupted_by;
    return log.failures() ? kExitOutput : 0;
}

int run_single(const Config& cfg, const MnistData& data, const Probe& probe) {
    const RunSetup setup = make_setup(cfg, cfg.init);
    std::vector<LsuvLayer> lsuv;
    Mlp model = make_mlp(cfg.arch, setup.act);
    std::string init_text;
    if (!cfg.load_weights.empty()) {
        load_weights(model, cfg.load_weights);
        init_text = "loaded from " + cfg.load_weights;
    } else {
        model = build_model(setup, probe, &lsuv);
        throw_if_interrupted();  // LSUV cuts its work short on a signal
        init_text = setup.spec.text() + ", bias " + bias_text(setup.spec, setup.bias);
    }
    if (!cfg.quiet) {
        std::printf("model: %s, activation %s, %ld parameters, init %s\n", arch_text(cfg.arch).c_str(),
                    activation_name(model.act), parameter_count(model), init_text.c_str());
        std::printf("train: %d epoch%s, batch %d, SGD lr %s, %s, seed %llu; path: %s, %d thread%s\n", cfg.epochs,
                    cfg.epochs == 1 ? "" : "s", cfg.batch, shortest_float(static_cast<float>(cfg.lr)).c_str(), cfg.shuffle ? "shuffled" : "file order",
                    static_cast<unsigned long long>(cfg.seed), setup.opt.backend.name(cfg.arch, setup.act, cfg.batch).c_str(),
                    thread_count(), thread_count() == 1 ? "" : "s");
    }
    for (std::size_t l = 0; l < lsuv.size(); ++l)
        std::printf("lsuv: fc%zu output variance %.4f after %d rescaling%s\n", l + 1, lsuv[l].variance,
                    lsuv[l].iterations, lsuv[l].iterations == 1 ? "" : "s");
    if (!flush_output(stdout)) return kExitOutput;  // nobody would see the results

    OutputLog log;
    if (!cfg.save_init.empty()) log.attempt([&] { save_weights(model, cfg.save_init); });
    if (cfg.grads != GradsMode::Off) {
        gradient_probe(model, cfg.seed);
        print_gradients(model, cfg.grads, stdout);
    }
    const std::vector<LayerStats> at_init = measure_layers(model, probe);
    const bool loaded = !cfg.load_weights.empty();  // then --init names nothing that ran
    const std::string stats_label = loaded ? "loaded from " + cfg.load_weights : cfg.init;
    std::string stats_csv = stats_csv_header() + stats_csv_rows(at_init, stats_label, "init");
    if (cfg.stats) std::fputs(stats_table(at_init, "at init", model.act).c_str(), stdout);
    std::fflush(stdout);  // what is known before a long evaluation or training is seen

    TrainOptions opt = setup.opt;
    if (cfg.stats)
        opt.after_epoch = [&](int epoch, Mlp& m) {
            const std::vector<LayerStats> s = measure_layers(m, probe);
            std::fputs(stats_table(s, "after epoch " + std::to_string(epoch), m.act).c_str(), stdout);
            stats_csv += stats_csv_rows(s, stats_label, "epoch " + std::to_string(epoch));
        };
    if (cfg.epochs == 0) {
        const EvalResult r = evaluate(model, data.test, setup.opt.backend);
        throw_if_interrupted();  // the evaluation stops early on a signal
        if (std::isfinite(r.loss))
            std::printf("no training (--epochs 0); test set: loss %.3f and accuracy %.3f\n", r.loss, r.accuracy);
        else  // an argmax of non-finite logits is no prediction: the accuracy is not a measurement
            std::printf("no training (--epochs 0); test set: loss %s, accuracy not measured (the logits are not finite)\n",
                        std::isnan(r.loss) ? "NaN" : "infinite");
    }
    const std::vector<LayerWeights> initial = cfg.plots ? capture_weights(model) : std::vector<LayerWeights>();
    const TrainReport report = train(model, data, opt, stdout);
    print_diagnosis(diagnose(at_init, report, model.act), "");
    // Weights first, then CSV files, then figures (the slowest and most fragile): each is an
    // attempt of its own. A signal stops only the figures; training's own signal is past.
    const int seen = interrupt_count();
    if (!cfg.save_weights.empty())
        log.attempt([&] {
            save_weights(model, cfg.save_weights);
            if (report.diverged) std::printf("note: the saved weights are those of the diverged step (not finite)\n");
        });
    if (cfg.stats)
        log.attempt([&] {
            const std::string path = join_path(cfg.out, "stats_" + (loaded ? "loaded" : file_label(cfg.init)) + ".csv");
            write_file_atomic(path, stats_csv);
            std::printf("wrote %s\n", path.c_str());
        });
    if (cfg.plots) {
        write_run_figures(cfg, loaded ? "loaded from " + cfg.load_weights : cfg.init, loaded ? "loaded" : file_label(cfg.init),
                          loaded ? nullptr : &setup.spec, initial, report, stdout, log, seen);
    }
    if (report.interrupted_by) return 128 + report.interrupted_by;
    return log.failures() ? kExitOutput : 0;
}

int run(const Config& cfg) {
    install_interrupt_handlers();
#ifdef _OPENMP
    if (cfg.threads > 0) omp_set_num_threads(cfg.threads);
#endif
    if (cfg.list_inits) {
        std::fputs(list_inits_text().c_str(), stdout);
        return 0;
    }
    if (!cfg.plot.empty()) return run_plot_command(cfg, stdout);  // needs no data
    if (!cfg.experiment.empty()) return run_experiment_command(cfg, stdout);  // loads its own data
    if (cfg.notebook) return run_notebook_command(cfg, stdout);  // loads its own data
    // Output targets are checked before any work, so a bad one costs nothing.
    check_run_outputs(cfg);
    Backend::choose(cfg.kernel, cfg.device);  // and so is a --kernel or --device this machine lacks
    // So are the weights to load (read here once more than needed): a missing or malformed file
    // stops wi before the data is loaded and anything is printed.
    if (!cfg.load_weights.empty()) {
        Mlp check = make_mlp(cfg.arch, Activation::None);
        try {
            load_weights(check, cfg.load_weights);
        } catch (const Error& e) {
            const std::string what = e.what();
            throw Error(what.rfind("--load-weights", 0) == 0 ? what : "--load-weights: " + what);
        }
    }

    const MnistData data = find_and_load_mnist(cfg.data, cfg.fetch, cfg.fetch_now);
    throw_if_interrupted();
    std::printf("data: %s (%s): %d train / %d test images\n", data.name.c_str(), data.dir.c_str(), data.train.count,
                data.test.count);
    if (!flush_output(stdout)) return kExitOutput;  // seen before LSUV or a long evaluation starts
    const Probe probe = make_probe(data.train);
    if (!cfg.explain_init.empty()) {
        const std::string text = explain_init(make_setup(cfg, cfg.explain_init), probe);
        throw_if_interrupted();  // the initializer stopped early: its numbers are not the law's
        std::fputs(text.c_str(), stdout);
        return 0;
    }
    if (!cfg.compare.empty()) return run_compare_job(cfg, data, probe);
    return run_single(cfg, data, probe);
}

}  // namespace

int main(int argc, char** argv) {
    if (!wi::guard_standard_streams()) {
        std::fprintf(stderr, "wi: standard output is closed\n");
        return wi::kExitOutput;
    }
    int status = 0;
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        const bool own_flags = !args.empty() && (args[0] == "sweep" || args[0] == "theory");
        const wi::Config cfg = own_flags ? wi::Config{} : wi::parse_args(args);
        // the runs of a sweep or a compare are spread over MPI ranks: rank 0 alone speaks
        if ((!args.empty() && args[0] == "sweep") || !cfg.compare.empty()) wi::pool_quiet_other_ranks();
        if (!args.empty() && args[0] == "theory")  // its own flags (src/theory/)
            status = wi::theory_command(std::vector<std::string>(args.begin() + 1, args.end()), stdout);
        else if (!args.empty() && args[0] == "sweep")  // its own flags, then cli's for the runs (src/sweep/)
            status = wi::sweep_command(std::vector<std::string>(args.begin() + 1, args.end()));
        else if (cfg.help)
            std::fputs(wi::help_text().c_str(), stdout);
        else if (cfg.version)
            std::printf("%s\n", wi::version_text().c_str());
        else
            status = run(cfg);
        // a signal that came while nothing looked (writing the last outputs) still says so
        if (wi::interrupt_signal() && status < 128) status = 128 + wi::interrupt_signal();
    } catch (const wi::Interrupted& i) {
        wi::pool_speak_again();  // an MPI rank that stopped says why
        std::fflush(stdout);
        std::fprintf(stderr, "wi: interrupted by %s\n", wi::signal_name(i.sig));
        status = 128 + i.sig;
    } catch (const wi::Error& e) {
        wi::pool_speak_again();  // an MPI rank that stopped says why
        std::fflush(stdout);
        std::fprintf(stderr, "wi: %s\n", e.what());
        status = wi::kExitUsage;
    } catch (const std::bad_alloc&) {
        wi::pool_speak_again();  // an MPI rank that stopped says why
        std::fflush(stdout);
        std::fprintf(stderr, "wi: out of memory\n");
        status = wi::kExitUsage;
    } catch (const std::exception& e) {
        wi::pool_speak_again();  // an MPI rank that stopped says why
        std::fflush(stdout);
        std::fprintf(stderr, "wi: internal error: %s\n", e.what());
        status = 1;
    }
    return wi::finish_stdout(status);
}
