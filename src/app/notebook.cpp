// notebook.cpp - `wi notebook`: runs every training of the seed notebook side by side (one
// run_compare over all of them, so the runs share the cores), draws the figures, words each
// cell from the measurements (notebook_cells.cpp), then writes the page and prints the cells.
#include "notebook.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "../cli/cli.h"
#include "../data/idx.h"
#include "../core/error.h"
#include "../core/fsutil.h"
#include "../core/interrupt.h"
#include "../core/outputs.h"
#include "../train/plots.h"
#include "../core/strf.h"
#include "../report/experiment_figures.h"
#include "../experiment/experiments.h"
#include "html.h"
#include "notebook_parts.h"

namespace wi {

namespace {

constexpr int kConsoleWidth = 80;
constexpr unsigned long long kPageBytes = 2ULL << 20;  // the page with its figures embedded: under 2 MiB
const char* const kPage = "notebook.html";
const char* const kStage = ".notebook-figures";  // inside --out: figures are drawn here, then renamed into place
// The figures, by the name each is written under in --out.
const char* const kFigures[] = {"notebook_zeros.png", "notebook_constant.png", "notebook_unusual.png",
                                "notebook_sigmoid_grad.png", "notebook_sigmoid_inits.png", "notebook_sigmoid_runs.png"};
const char* const kSigmoidInits[] = {"xavier_normal", "kaiming_normal", "randn", "default"};

// A word of a shell command line, quoted when it needs to be.
std::string shell_word(const std::string& s) {
    const bool plain = !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                         "0123456789_-./=:,+@%") == std::string::npos;
    if (plain) return s;
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

RunSetup setup_of(const Config& cfg, const Backend& backend, const std::string& spec, const std::string& act,
                  int epochs, int eval_every) {
    RunSetup s;
    s.label = spec;
    s.spec = parse_init(spec);
    s.bias = parse_bias("init");
    s.arch = cfg.arch;
    s.act = parse_activation(act);
    s.seed = cfg.seed;
    s.opt.epochs = epochs;
    s.opt.batch = cfg.batch;
    s.opt.lr = static_cast<float>(cfg.lr);
    s.opt.shuffle = cfg.shuffle;
    s.opt.seed = cfg.seed;
    s.opt.backend = backend;
    s.opt.eval_every = eval_every;
    return s;
}

std::vector<LayerPair> weights_of(const Mlp& m) {
    std::vector<LayerPair> v;
    for (const Layer& L : m.layers) v.push_back({summarize(L.W), summarize(L.b)});
    return v;
}

std::vector<LayerPair> gradient_cell(const RunSetup& setup, const Probe& probe, std::uint64_t seed) {
    Mlp m = build_model(setup, probe, nullptr);
    gradient_probe(m, seed);  // the notebook's cell: one forward/backward of a N(0,1) input, target 1
    std::vector<LayerPair> v;
    for (const Layer& L : m.layers) v.push_back({summarize(L.dW), summarize(L.db)});
    return v;
}

// Figures are drawn by the functions `wi plot` and --plots use, into a directory of their own
// inside --out, then renamed to their notebook_* names: a figure is complete or absent.
class FigureStage {
public:
    explicit FigureStage(const std::string& out) : out_(out), dir_(join_path(out, kStage)) {
        make_dirs(dir_);
    }
    ~FigureStage() {
        for (const std::string& f : list_dir(dir_))
            if (f != "." && f != "..") remove_file(join_path(dir_, f));
        ::rmdir(dir_.c_str());
    }
    FigureStage(const FigureStage&) = delete;
    FigureStage& operator=(const FigureStage&) = delete;
    const std::string& dir() const { return dir_; }
    // Moves the staged file into --out as name; returns its path.
    std::string place(const std::string& staged, const std::string& name) const {
        const std::string path = join_path(out_, name);
        if (std::rename(staged.c_str(), path.c_str()) != 0) throw Error(path + ": cannot move the figure into place");
        return path;
    }

private:
    std::string out_, dir_;
};

// Loss (trailing mean) and test accuracy against the step, one series per sigmoid run.
std::vector<PlotPanel> sigmoid_panels(const std::vector<RunResult>& runs) {
    PlotPanel loss{"training loss (trailing mean)", "SGD step", "loss", false, 0, 0, {}, {}};
    PlotPanel acc{"test accuracy", "SGD step", "accuracy", false, 0, 1, {}, {}};
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const TrainReport& rep = runs[k].report;
        const std::size_t window = std::max<std::size_t>(1, std::min<std::size_t>(500, rep.step_loss.size() / 30));
        PlotSeries l{runs[k].label, {}, trailing_mean(rep.step_loss, window), {}, static_cast<int>(k), false, false, 2.0};
        for (std::size_t i = 0; i < l.y.size(); ++i) l.x.push_back(static_cast<double>(i + 1));
        PlotSeries a{runs[k].label, {}, {}, {}, static_cast<int>(k), true, false, 2.0};
        for (const TestPoint& p : rep.test_curve) {
            a.x.push_back(static_cast<double>(p.step));
            a.y.push_back(p.accuracy);
        }
        loss.series.push_back(l);
        acc.series.push_back(a);
    }
    return {loss, acc};
}

// Words into lines of at most `width` columns, the first after `first`, the rest after `indent`.
std::string wrap(const std::string& text, const std::string& first, const std::string& indent, int width) {
    std::string out = first;
    std::size_t col = first.size();
    bool words_on_line = false;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t j = std::min(text.find(' ', i), text.size());
        const std::string word = text.substr(i, j - i);
        i = j + 1;
        if (word.empty()) continue;
        if (words_on_line && col + 1 + word.size() > static_cast<std::size_t>(width)) {
            out += "\n" + indent;
            col = indent.size();
        } else if (words_on_line) {
            out += ' ';
            ++col;
        }
        out += word;
        col += word.size();
        words_on_line = true;
    }
    return out + "\n";
}

std::string text_table(const DocTable& t) {
    std::vector<std::size_t> w(t.header.size(), 0);
    for (std::size_t i = 0; i < t.header.size(); ++i) w[i] = t.header[i].size();
    for (const auto& row : t.rows)
        for (std::size_t i = 0; i < row.size() && i < w.size(); ++i) w[i] = std::max(w[i], row[i].size());
    auto line = [&](const std::vector<std::string>& cells) {
        std::string s = "  ";
        for (std::size_t i = 0; i < cells.size() && i < w.size(); ++i) {
            const std::string pad(w[i] - cells[i].size(), ' ');
            s += i == 0 ? cells[i] + pad : "  " + pad + cells[i];  // the first column left, numbers right
        }
        while (!s.empty() && s.back() == ' ') s.pop_back();
        return s + "\n";
    };
    std::string s = t.caption.empty() ? "" : wrap(t.caption + ":", "  ", "    ", kConsoleWidth);
    s += line(t.header);
    for (const auto& row : t.rows) s += line(row);
    return s;
}

std::string console_text(const Document& doc, bool quiet) {
    std::string s;
    for (const DocCell& c : doc.cells) {
        const std::string head = std::to_string(c.number) + ". " + c.title;
        if (quiet) {
            std::string all;
            for (const std::string& a : c.answer) all += (all.empty() ? "" : " ") + a;
            s += wrap(all, head + ": ", "   ", kConsoleWidth);
            continue;
        }
        s += "\n" + head + " " + std::string(std::max<int>(3, kConsoleWidth - 1 - static_cast<int>(head.size())), '-') + "\n";
        s += wrap(c.question, "question: ", "          ", kConsoleWidth);
        for (const std::string& cmd : c.commands) s += "  $ " + cmd + "\n";
        for (const DocTable& t : c.tables) s += text_table(t);
        for (std::size_t i = 0; i < c.answer.size(); ++i)
            s += wrap(c.answer[i], i == 0 ? "answer: " : "        ", "        ", kConsoleWidth);
        for (const std::string& d : c.diagnosis) s += wrap(d, "  diagnosis: ", "      ", kConsoleWidth);
        for (const DocFigure& f : c.figures) s += "  figure: " + f.path + "\n";
    }
    return s;
}

// Checked before any work: --out can be written, no name the notebook writes is taken by a
// directory or too long, and the file system has room for the page and its figures.
void check_notebook_outputs(const Config& cfg) {
    ensure_writable_dir(cfg.out, "--out");
    check_output_file(join_path(cfg.out, kPage), "--out");
    std::size_t files = 1;
    for (const char* f : kFigures) {
        check_output_file(join_path(cfg.out, f), "--out");
        ++files;
    }
    // the figures' own directory can be made, and is gone again until they are drawn
    const std::string stage = join_path(cfg.out, kStage);
    const bool was_there = is_dir(stage);
    ensure_writable_dir(stage, "--out");
    check_output_file(join_path(stage, "sigmoid_inits.png"), "--out");
    if (!was_there) ::rmdir(stage.c_str());
    check_free_space(cfg.out, 2 * kPageBytes, files, "--out");  // the figures, then the page that embeds them
}

}  // namespace

int run_notebook_command(const Config& cfg, std::FILE* out) {
    check_notebook_outputs(cfg);
    const Backend backend = Backend::choose(cfg.kernel);
    NotebookRuns n;
    n.cfg = &cfg;
    n.backend = backend;
    n.epochs = cfg.quick ? 1 : 3;
    n.unusual_epochs = cfg.quick ? 1 : 5;
    if (!cfg.data.empty()) n.flags += " --data " + shell_word(cfg.data);
    // --no-fetch given as a flag: the command alone must not download either (WI_NO_FETCH carries over by itself)
    const char* no_fetch_env = std::getenv("WI_NO_FETCH");
    const bool env_no_fetch = no_fetch_env != nullptr && *no_fetch_env != '\0' && std::string(no_fetch_env) != "0";
    if (!cfg.fetch && cfg.data.empty() && !env_no_fetch) n.flags += " --no-fetch";
    if (cfg.seed != 1) n.flags += " --seed " + std::to_string(cfg.seed);
    if (cfg.kernel != "simd") n.flags += " --kernel " + cfg.kernel;

    const MnistData data = find_and_load_mnist(cfg.data, cfg.fetch);
    throw_if_interrupted();
    n.data = &data;
    if (!cfg.quiet)
        std::fprintf(out, "data: %s (%s): %d train / %d test images\n", data.name.c_str(), data.dir.c_str(),
                     data.train.count, data.test.count);
    const Probe probe = make_probe(data.train);

    // Cell 1's numbers: the model, the pixels as the trainer normalizes them, the class prior.
    {
        const RunSetup plain = setup_of(cfg, backend, "default", "none", 0, 0);
        const Mlp m = build_model(plain, probe, nullptr);
        n.parameters = parameter_count(m);
        const EvalResult r = evaluate(m, data.test, backend);
        throw_if_interrupted();
        n.untrained_loss = r.loss;
        n.untrained_accuracy = r.accuracy;
        double sum = 0, sq = 0;
        n.pixel_min = 1e30;
        n.pixel_max = -1e30;
        constexpr int kChunk = 256;
        std::vector<float> x(static_cast<std::size_t>(kChunk) * kImagePixels);
        std::vector<int> idx(kChunk);
        for (int first = 0; first < data.train.count; first += kChunk) {
            const int B = std::min(kChunk, data.train.count - first);
            for (int i = 0; i < B; ++i) idx[i] = first + i;
            normalize_batch(x.data(), data.train, idx.data(), B);
            for (std::size_t i = 0; i < static_cast<std::size_t>(B) * kImagePixels; ++i) {
                sum += x[i];
                sq += static_cast<double>(x[i]) * x[i];
                n.pixel_min = std::min<double>(n.pixel_min, x[i]);
                n.pixel_max = std::max<double>(n.pixel_max, x[i]);
            }
        }
        const double count = static_cast<double>(data.train.count) * kImagePixels;
        n.pixel_mean = sum / count;
        n.pixel_std = std::sqrt(std::max(0.0, sq / count - n.pixel_mean * n.pixel_mean));
        std::vector<int> digits(10, 0);
        for (int i = 0; i < data.test.count; ++i) ++digits[data.test.labels[i]];
        n.prior_digit = static_cast<int>(std::max_element(digits.begin(), digits.end()) - digits.begin());
        n.prior_share = static_cast<double>(digits[n.prior_digit]) / data.test.count;
    }

    // Every training of the notebook in one side-by-side call: the catalog (as --compare all, which
    // holds the zeros and constant cells' runs too), the unusual cell's 5 epochs, the sigmoid runs.
    const int batches = (data.train.count + cfg.batch - 1) / cfg.batch;
    const int eval_every = std::max(1, batches / 10);  // as --compare: ten test points per epoch
    std::vector<RunSetup> setups;
    for (const Initializer& init : initializers())
        setups.push_back(setup_of(cfg, backend, init.name, "none", n.epochs, eval_every));
    const std::size_t catalog = setups.size();
    for (RunSetup& s : setups) {  // the weights after the last epoch, for the symmetry cells
        std::vector<LayerPair>* after = s.label == "zeros" ? &n.zeros_after : s.label == "constant" ? &n.constant_after : nullptr;
        const int last = n.epochs;
        if (after != nullptr)
            s.opt.after_epoch = [after, last](int epoch, Mlp& m) {
                if (epoch == last) *after = weights_of(m);
            };
    }
    setups.push_back(setup_of(cfg, backend, "unusual", "none", n.unusual_epochs, 0));
    for (const char* spec : kSigmoidInits) setups.push_back(setup_of(cfg, backend, spec, "sigmoid", n.epochs, eval_every));
    if (!cfg.quiet) {
        std::fprintf(out, "notebook%s: %zu runs side by side on %d thread%s; path: %s\n", cfg.quick ? " (quick)" : "",
                     setups.size(), thread_count(), thread_count() == 1 ? "" : "s", backend.name().c_str());
        if (!flush_output(out)) return kExitOutput;
    }
    const std::vector<RunResult> results =
        run_compare(setups, data, probe, "notebook", RunsProgress::mode_for(cfg.quiet));
    if (const int sig = interrupt_signal()) {
        std::fprintf(out, "notebook: interrupted by %s, no page written\n", signal_name(sig));
        return 128 + sig;
    }
    n.catalog.assign(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(catalog));
    n.unusual = results[catalog];
    n.sigmoid.assign(results.begin() + static_cast<std::ptrdiff_t>(catalog) + 1, results.end());
    n.grads_zeros = gradient_cell(setup_of(cfg, backend, "zeros", "none", 0, 0), probe, cfg.seed);
    n.grads_constant = gradient_cell(setup_of(cfg, backend, "constant", "none", 0, 0), probe, cfg.seed);
    n.grads_xavier = gradient_cell(setup_of(cfg, backend, "xavier_normal", "none", 0, 0), probe, cfg.seed);

    // The figures, each an attempt: one that cannot be drawn leaves its cell without it.
    OutputLog log;
    {
        FigureStage stage(cfg.out);
        FigureOptions fig = figure_options(cfg);
        fig.out_dir = stage.dir();
        const std::string caption = strf("784-32-32-10, activation none, batch %d, SGD lr %g, shuffled, seed %llu",
                                         cfg.batch, cfg.lr, static_cast<unsigned long long>(cfg.seed));
        auto training = [&](const RunResult& r, const char* name, std::string* path) {
            throw_if_interrupted();
            log.attempt([&] {
                TrainingCurves curves = curves_of(r.report);
                curves.caption = caption;
                *path = stage.place(plot_training(fig, r.label, r.label, curves).path, name);
            });
        };
        training(find_result(n.catalog, "zeros"), kFigures[0], &n.fig_zeros);
        training(find_result(n.catalog, "constant"), kFigures[1], &n.fig_constant);
        training(n.unusual, kFigures[2], &n.fig_unusual);
        throw_if_interrupted();
        log.attempt([&] { n.fig_sigmoid_grad = stage.place(plot_sigmoid_grad(fig).path, kFigures[3]); });
        throw_if_interrupted();
        log.attempt([&] {
            std::vector<InitChoice> inits;
            for (const char* name : {"kaiming_normal", "randn", "xavier_normal"}) inits.push_back({name, parse_init(name)});
            n.fig_sigmoid_inits = stage.place(plot_sigmoid_inits(fig, inits, 784, 32, cfg.seed).path, kFigures[4]);
        });
        throw_if_interrupted();
        log.attempt([&] {
            const std::string staged = join_path(stage.dir(), kFigures[5]);
            plot_panels(fig, kFigures[5], "Sigmoid: which init learns first?",
                        strf("784-32-32-10, sigmoid after fc1 and fc2, batch %d, SGD lr %g, seed %llu", cfg.batch,
                             cfg.lr, static_cast<unsigned long long>(cfg.seed)),
                        sigmoid_panels(n.sigmoid), 2);
            n.fig_sigmoid_runs = stage.place(staged, kFigures[5]);
        });
    }
    throw_if_interrupted();

    Document doc;
    doc.title = "The weight-initialization notebook, re-run and answered by measurement";
    doc.setting.push_back(strf("data: %s, %d train / %d test images; model 784-32-32-10; %d epoch%s per training "
                               "cell%s; seed %llu; path: %s.",
                               data.name.c_str(), data.train.count, data.test.count, n.epochs, n.epochs == 1 ? "" : "s",
                               cfg.quick ? " (--quick)" : "", static_cast<unsigned long long>(cfg.seed),
                               backend.name().c_str()));
    doc.setting.push_back("Every answer below is worded from the numbers measured in this run; each cell names the "
                          "wi command that gives the same numbers alone.");
    for (auto cell : {cell_model, cell_zeros, cell_constant, cell_unusual, cell_sigmoid_grad, cell_sigmoid_samples,
                      cell_sigmoid_best, cell_catalog})
        doc.cells.push_back(cell(n));

    const std::string page = join_path(cfg.out, kPage);
    bool page_written = false;
    throw_if_interrupted();
    log.attempt([&] {
        write_file_atomic(page, render_html(doc));
        page_written = true;
    });
    std::fputs(console_text(doc, cfg.quiet).c_str(), out);
    if (page_written && !cfg.quiet) std::fprintf(out, "\nwrote %s\n", page.c_str());
    return log.failures() ? kExitOutput : 0;
}

}  // namespace wi
