#include "cli.h"

#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "../core/error.h"
#include "../init/init.h"
#include "../nn/activation.h"

namespace wi {

namespace {

// Limits on what one run may ask for, so an absurd value is refused at once, before any data is
// loaded, instead of exhausting memory later. Each message states its limit.
constexpr int kMaxEpochs = 1000;      // the run keeps every step's loss: epochs x steps values
constexpr int kMaxBatch = 65536;      // more than any MNIST training set (60,000 images)
constexpr int kMaxLayerSize = 65536;  // one --arch size
constexpr long long kMaxActivations = 1LL << 26;  // a step's batch x the --arch sizes summed

double parse_double(const std::string& flag, const std::string& text) {
    if (text.empty()) throw Error(flag + ": missing value");
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0') throw Error(flag + ": '" + text + "' is not a number");
    const bool out_of_range = errno == ERANGE;  // strtod: too large for a double, or too small
    if (std::isnan(v) || (std::isinf(v) && !out_of_range)) throw Error(flag + ": '" + text + "' is not a finite number");
    // Values are used as float32: anything larger would silently become infinite, and a nonzero
    // value under float32's smallest normal number would become 0 (the trainer flushes
    // denormals to zero), so neither is taken.
    if (std::isinf(v) || std::fabs(v) > FLT_MAX)
        throw Error(flag + ": " + text + " is too large: beyond float32's range (magnitude at most 3.4e38)");
    if ((v != 0 && std::fabs(v) < FLT_MIN) || (out_of_range && std::fabs(v) < 1))
        throw Error(flag + ": " + text + " is too small: it underflows float32 (nonzero magnitudes from 1.2e-38)");
    return v;
}

long long parse_int(const std::string& flag, const std::string& text, long long lo, long long hi) {
    if (text.empty()) throw Error(flag + ": missing value");
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0') throw Error(flag + ": '" + text + "' is not an integer");
    if (errno == ERANGE || v < lo || v > hi)
        throw Error(flag + ": " + text + " is out of range (" + std::to_string(lo) + " to " + std::to_string(hi) + ")");
    return v;
}

std::vector<int> parse_arch(const std::string& text) {
    const std::string flag = "--arch";
    std::vector<int> sizes;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) sizes.push_back(static_cast<int>(parse_int(flag, item, 1, kMaxLayerSize)));
    if (!text.empty() && text.back() == ',') throw Error(flag + ": trailing comma in '" + text + "'");
    if (sizes.size() < 2) throw Error(flag + ": '" + text + "' needs at least the input and output sizes, e.g. 784,32,32,10");
    if (sizes.front() != 784) throw Error(flag + ": the first size must be 784 (28x28 pixels), got " + std::to_string(sizes.front()));
    if (sizes.back() != 10) throw Error(flag + ": the last size must be 10 (digit classes), got " + std::to_string(sizes.back()));
    long long parameters = 0;
    for (std::size_t l = 1; l < sizes.size(); ++l) parameters += (static_cast<long long>(sizes[l - 1]) + 1) * sizes[l];
    if (parameters > kMaxParameters)
        throw Error(flag + ": " + text + " has " + std::to_string(parameters) + " parameters, over the limit of " +
                    std::to_string(kMaxParameters));
    return sizes;
}

}  // namespace

std::vector<std::string> split_specs(const std::string& list) {
    std::vector<std::string> specs;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const bool parameter = item.find('=') != std::string::npos && item.find(':') == std::string::npos;
        if (parameter && !specs.empty())
            specs.back() += "," + item;  // key=value of the spec before it
        else
            specs.push_back(item);
    }
    if (!list.empty() && list.back() == ',') specs.push_back("");
    return specs;
}

Config parse_args(const std::vector<std::string>& args) {
    Config c;
    std::size_t first = 0;
    // `wi plot NAME [flags]`: a figure that needs no data.
    if (!args.empty() && args[0] == "plot") {
        if (args.size() < 2 || args[1].rfind("-", 0) == 0) throw Error("plot: which figure? (sigmoid or sigmoid-grad)");
        if (args[1] != "sigmoid" && args[1] != "sigmoid-grad")
            throw Error("plot: unknown figure '" + args[1] + "' (valid: sigmoid, sigmoid-grad)");
        c.plot = args[1];
        first = 2;
    }
    // `wi experiment NAME [flags]`: a paper's result re-run (src/experiment/). The name is checked
    // when it runs; the runs, sizes and inits are the experiment's own, so flags that set them are refused.
    if (!args.empty() && args[0] == "experiment") {
        if (args.size() < 2 || args[1].rfind("-", 0) == 0)
            throw Error("experiment: which one? (glorot2010, he2015, saxe2014 or lsuv)");
        c.experiment = args[1];
        first = 2;
        const char* const own[] = {"--init", "--init-value", "--bias", "--arch", "--act", "--epochs", "--batch",
                                   "--lr", "--no-shuffle", "--compare", "--explain-init", "--list-inits", "--stats",
                                   "--plots", "--grads", "--save-init", "--save-weights", "--load-weights",
                                   "--device"};  // the experiments run on the CPU paths (--kernel)
        for (std::size_t i = first; i < args.size(); ++i)
            for (const char* f : own)
                if (args[i] == f || args[i].rfind(std::string(f) + "=", 0) == 0)
                    throw Error(std::string(f) + ": not for `wi experiment` (it sets its own runs; --quick picks small sizes)");
    }
    // `wi notebook [flags]`: the notebook's own runs (src/app/), so flags that would change them are refused.
    if (!args.empty() && args[0] == "notebook") {
        c.notebook = true;
        first = 1;
        const char* const own[] = {"--init", "--init-value", "--bias", "--arch", "--act", "--epochs", "--batch",
                                   "--lr", "--no-shuffle", "--compare", "--explain-init", "--list-inits", "--stats",
                                   "--plots", "--grads", "--save-init", "--save-weights", "--load-weights",
                                   "--device", "--width", "--inits", "--fan-in", "--fan-out"};
        for (std::size_t i = first; i < args.size(); ++i)
            for (const char* f : own)
                if (args[i] == f || args[i].rfind(std::string(f) + "=", 0) == 0)
                    throw Error(std::string(f) + ": not for `wi notebook` (it re-runs the notebook's own cells; "
                                "--quick trains 1 epoch)");
    }
    std::string sampling_flag;  // the first of --inits, --fan-in, --fan-out given, for messages
    std::string init_flag;      // the first of --init, --init-value, --bias given (for --load-weights)
    for (std::size_t i = first; i < args.size(); ++i) {
        std::string flag = args[i], value;
        bool has_inline = false;
        if (flag.rfind("--", 0) == 0) {
            const std::size_t eq = flag.find('=');
            if (eq != std::string::npos) {
                value = flag.substr(eq + 1);
                flag = flag.substr(0, eq);
                has_inline = true;
            }
        }
        // next(): the flag's value, inline (--lr=0.1) or the next argument (--lr 0.1)
        auto next = [&]() -> std::string {
            if (has_inline) return value;
            if (i + 1 >= args.size()) throw Error(flag + ": missing value");
            return args[++i];
        };
        auto no_value = [&]() {
            if (has_inline) throw Error(flag + ": takes no value");
        };
        if (flag == "--help" || flag == "-h") { no_value(); c.help = true; }
        else if (flag == "--version") { no_value(); c.version = true; }
        else if (flag == "--init") {
            c.init = next();
            parse_init(c.init);  // validates now, so a typo costs nothing
            if (init_flag.empty()) init_flag = flag;
        }
        else if (flag == "--init-value") {
            c.init_value = parse_double(flag, next());
            c.init_value_set = true;
            if (init_flag.empty()) init_flag = flag;
        }
        else if (flag == "--bias") {
            c.bias = next();
            parse_bias(c.bias);
            if (init_flag.empty()) init_flag = flag;
        }
        else if (flag == "--compare") {
            const std::string list = next();
            c.compare = list == "all" ? std::vector<std::string>() : split_specs(list);
            if (list == "all")
                for (const Initializer& init : initializers()) c.compare.push_back(init.name);
            if (c.compare.empty()) throw Error("--compare: missing value");
            for (const std::string& spec : c.compare) parse_init(spec, "--compare");
        }
        else if (flag == "--explain-init") {
            c.explain_init = next();
            parse_init(c.explain_init, "--explain-init");
        }
        else if (flag == "--list-inits") { no_value(); c.list_inits = true; }
        else if (flag == "--stats") { no_value(); c.stats = true; }
        else if (flag == "--out") {
            c.out = next();
            if (c.out.empty()) throw Error("--out: missing value");
        }
        else if (flag == "--plots") { no_value(); c.plots = true; }
        else if (flag == "--inits") {
            c.plot_inits = split_specs(next());
            for (const std::string& spec : c.plot_inits)
                if (parse_init(spec, "--inits").init->needs_data)  // the figure would show the fill before its fit
                    throw Error("--inits: " + spec + " is fitted on training data, which `wi plot sigmoid` does not load "
                                "(see it with --init " + spec + " --plots)");
            if (c.plot_inits.empty()) throw Error("--inits: missing value");
            if (sampling_flag.empty()) sampling_flag = flag;
        }
        else if (flag == "--fan-in" || flag == "--fan-out") {
            (flag == "--fan-in" ? c.fan_in : c.fan_out) = static_cast<int>(parse_int(flag, next(), 1, 1 << 16));
            if (sampling_flag.empty()) sampling_flag = flag;
        }
        else if (flag == "--epochs") { c.epochs = static_cast<int>(parse_int(flag, next(), 0, kMaxEpochs)); }
        else if (flag == "--batch") { c.batch = static_cast<int>(parse_int(flag, next(), 1, kMaxBatch)); }
        else if (flag == "--lr") {
            const std::string text = next();
            c.lr = parse_double(flag, text);
            if (c.lr <= 0) throw Error("--lr: must be > 0, got " + text);
        }
        else if (flag == "--seed") { c.seed = static_cast<std::uint64_t>(parse_int(flag, next(), 0, INT64_MAX)); }
        else if (flag == "--act") { c.act = activation_name(parse_activation(next())); }
        else if (flag == "--arch") { c.arch = parse_arch(next()); }
        else if (flag == "--data") {
            c.data = next();
            if (c.data.empty()) throw Error("--data: missing value");
        }
        else if (flag == "--no-shuffle") { no_value(); c.shuffle = false; }
        else if (flag == "--no-fetch") { no_value(); c.fetch = c.fetch_now = false; }
        else if (flag == "--fetch") { no_value(); c.fetch = c.fetch_now = true; }
        else if (flag == "--threads") { c.threads = static_cast<int>(parse_int(flag, next(), 1, 1024)); }
        else if (flag == "--kernel") {
            c.kernel = next();
            if (c.kernel != "simd" && c.kernel != "ref" && c.kernel != "avx2" && c.kernel != "avx512")
                throw Error("--kernel: unknown path '" + c.kernel + "' (valid: simd, ref, avx2, avx512)");
        }
        else if (flag == "--device") {
            c.device = next();
            if (c.device != "cpu" && c.device != "auto" && c.device != "cuda")
                throw Error("--device: unknown device '" + c.device + "' (valid: cpu, auto, cuda)");
        }
        else if (flag == "--quiet" || flag == "-q") { no_value(); c.quiet = true; }
        else if (flag == "--quick") { no_value(); c.quick = true; }
        else if (flag == "--width") { c.width = static_cast<int>(parse_int(flag, next(), 1, 2048)); }
        else if (flag == "--grads") {
            if (!has_inline) c.grads = GradsMode::Summary;
            else if (value == "full") c.grads = GradsMode::Full;
            else throw Error("--grads: unknown mode '" + value + "' (valid: --grads, --grads=full)");
        }
        else if (flag == "--save-weights" || flag == "--save-init" || flag == "--load-weights") {
            const std::string dir = next();
            if (dir.empty()) throw Error(flag + ": missing value");
            (flag == "--save-weights" ? c.save_weights : flag == "--save-init" ? c.save_init : c.load_weights) = dir;
        }
        else if (args[i] == "notebook")
            throw Error("'notebook' must come first: wi notebook [flags]");
        else if (args[i] == "sweep")
            throw Error("'sweep' must come first: wi sweep --grid 'KEY=VALUES;...' [flags]");
        else if (args[i] == "plot" || args[i] == "experiment")
            throw Error("'" + args[i] + "' must come first: wi " + args[i] + " NAME [flags]");
        else if (args[i] == "full" && i > 0 && args[i - 1] == "--grads")
            throw Error("--grads: the matrices are --grads=full (one word)");
        else throw Error("unknown flag '" + args[i] + "' (see wi --help)");
    }
    if (!c.compare.empty() && (!c.load_weights.empty() || c.grads != GradsMode::Off))
        throw Error("--compare: cannot be combined with --load-weights or --grads (they belong to a single run)");
    if (!c.compare.empty() && (!c.save_weights.empty() || !c.save_init.empty()))
        throw Error("--compare: cannot be combined with --save-weights or --save-init (which run's weights?)");
    if (!sampling_flag.empty() && c.plot != "sigmoid")
        throw Error(sampling_flag + ": only for `wi plot sigmoid` (it sets the initializers and layer shape sampled there)");
    if ((c.quick || c.width > 0) && c.experiment.empty() && !(c.quick && c.notebook))
        throw Error(std::string(c.quick ? "--quick" : "--width") + ": only for `wi experiment NAME` and `wi notebook`");
    // The sampled layer is allocated whole: (fan_out, fan_in) floats, twice (weights and gradient).
    if (static_cast<long long>(c.fan_in) * c.fan_out > (1LL << 24))
        throw Error("--fan-in/--fan-out: a " + std::to_string(c.fan_out) + " x " + std::to_string(c.fan_in) +
                    " layer is too large to sample (at most 16777216 weights)");
    if (c.plots && !c.plot.empty()) throw Error("--plots: belongs to a training run, not to `wi plot`");
    if (c.plots && !c.compare.empty()) throw Error("--plots: cannot be combined with --compare (it draws one run)");
    if (!c.explain_init.empty() && !c.compare.empty())
        throw Error("--explain-init: cannot be combined with --compare (it explains one initializer, then stops)");
    if (c.stats && !c.compare.empty()) throw Error("--stats: cannot be combined with --compare (it measures one run)");
    // --explain-init stops before any training: a flag about the run would silently do nothing
    if (!c.explain_init.empty()) {
        const char* run_flag = c.stats ? "--stats" : c.plots ? "--plots" : c.grads != GradsMode::Off ? "--grads"
                               : !c.save_init.empty() ? "--save-init" : !c.save_weights.empty() ? "--save-weights"
                               : !c.load_weights.empty() ? "--load-weights" : nullptr;
        if (run_flag != nullptr)
            throw Error(std::string("--explain-init: cannot be combined with ") + run_flag +
                        " (it explains one initializer, then stops)");
    }
    if (!c.load_weights.empty() && !init_flag.empty())
        throw Error(init_flag + ": cannot be combined with --load-weights (the weights come from its files)");
    if (c.init_value_set) {
        // --init-value sets the constant of a plain `constant` spec (main.cpp); elsewhere it would do nothing.
        std::vector<std::string> specs = c.compare.empty() ? std::vector<std::string>{c.init} : c.compare;
        if (!c.explain_init.empty()) specs.push_back(c.explain_init);
        bool used = false;
        for (const std::string& spec : specs)
            used = used || (std::string(parse_init(spec).init->name) == "constant" && spec.find(':') == std::string::npos);
        if (!used || !c.plot.empty())
            throw Error("--init-value: only sets the value of --init constant (without :val=), and no run here uses it");
    }
    // A training step holds batch x (every layer's size) activations, several times over.
    long long units = 0;
    for (int size : c.arch) units += size;
    if (c.batch * units > kMaxActivations)
        throw Error("--batch: " + std::to_string(c.batch) + " samples through --arch " + std::to_string(units) +
                    " units make " + std::to_string(c.batch * units) + " activations per step, over the limit of " +
                    std::to_string(kMaxActivations) + " (lower --batch or the layer sizes)");
    if (const char* env = std::getenv("WI_NO_FETCH"); env != nullptr && *env != '\0' && std::string(env) != "0" &&
        !c.fetch_now)  // --fetch on the command line outweighs the environment
        c.fetch = false;
    return c;
}

std::string version_text() { return "wi 0.1.0"; }

std::string help_text() {
    std::ostringstream h;
    h << "wi - a weight-initialization lab: train a small MLP on MNIST digits\n"
         "\n"
         "usage: wi [flags]                      train (and test) one model\n"
         "       wi plot sigmoid|sigmoid-grad    draw a figure into --out (no data needed)\n"
         "       wi notebook [--quick]           re-run the seed notebook cell by cell, each question\n"
         "                                       answered from its measurements; out/notebook.html\n"
         "                                       (--quick: 1 epoch per training cell)\n"
         "       wi experiment NAME [--quick]    re-run a paper's result: glorot2010, he2015, saxe2014,\n"
         "                                       lsuv; a table, figures in --out, a verdict line\n"
         "                                       (--quick: small sizes; --width N: the hidden width)\n"
         "       wi sweep --grid 'K=V,V;K=A..B:N' [flags]   every run of a grid (keys: init, bias, act,\n"
         "                                       lr, batch, epochs, seed, width, depth, arch, init.PARAM;\n"
         "                                       values: V,V | A..B:N | A..B:N:log | A..B), one a core;\n"
         "                                       --out DIR (out/sweep): sweep.csv, resumed when run again,\n"
         "                                       a table and sweep_<metric>.png; --grid-file F, --shard K/N,\n"
         "                                       --metric NAME (test_accuracy)\n"
         "       wi sweep merge DIR... --out DIR  join the shards' folders of one grid\n"
         "       wi theory --act tanh --sigma-w2 V --sigma-b2 V [--depth L] [--csv]   mean-field\n"
         "                                       signal propagation: q*, chi1, c*, xi_q, xi_c per point\n"
         "                                       (values: V,V | A..B:N), the critical line; --depth L:\n"
         "                                       trainable when L <= 6 xi_c (Schoenholz et al. 2017)\n"
         "\n"
         "model and training (defaults are the notebook's):\n"
         "  --init SPEC          weight initializer, NAME or NAME:key=value,... (default: default);\n"
         "                       e.g. kaiming_normal:mode=fan_out,nonlinearity=relu (see --list-inits)\n"
         "  --init-value V       the constant of --init constant (default 0.5)\n"
         "  --bias POLICY        init (the initializer's own rule, default) | default (nn.Linear's)\n"
         "                       | zeros | constant:V\n"
         "  --arch 784,32,32,10  layer sizes: first 784, last 10, any hidden widths and depth\n"
         "  --act NAME           none | sigmoid | tanh | relu, between layers (default none)\n"
         "  --epochs N           passes over the training set (default 3; 0 = evaluate only)\n"
         "  --batch N            samples per SGD step (default 4)\n"
         "  --lr X               SGD learning rate, > 0 (default 0.001)\n"
         "  --seed N             seeds initialization and shuffling (default 1): same seed, same output\n"
         "  --no-shuffle         visit training samples in file order\n"
         "  --threads N          OpenMP threads: evaluation, runs of --compare and wi sweep (default: all)\n"
         "  --kernel PATH        simd (default: AVX-512 or AVX2 when the CPU has it) | ref (the plain\n"
         "                       reference loops) | avx2 | avx512\n"
         "  --device WHERE       cpu (default) | cuda (the training steps on the GPU; exit 2 without one)\n"
         "                       | auto (the GPU when there is one, else the CPU; the train: line says)\n"
         "\n"
         "the initializer lab:\n"
         "  --list-inits         every initializer: parameters, formula, when to use it\n"
         "  --explain-init SPEC  per layer of --arch: fans, gain, std/bound, expected and measured\n"
         "                       pre-activation std on real data\n"
         "  --compare A,B,...    train several inits side by side (same data order, same probe batch),\n"
         "                       one table, out/compare.csv; 'all' for every initializer\n"
         "  --stats              per-layer statistics at init and after each epoch (out/stats_<init>.csv)\n"
         "  --out DIR            where CSV files and figures go (default out)\n"
         "\n"
         "figures (PNG in --out; WI_FONT=builtin or a .ttf path picks the font):\n"
         "  --plots              after training: training_<init>.png (loss, accuracy) and\n"
         "                       weights_<init>.png (histograms of the initial weights)\n"
         "  wi plot sigmoid      sigmoid_inits.png: sigmoid(w) for 1,000 initial weights w per init\n"
         "    --inits A,B,...    the initializers (default kaiming_normal,randn,xavier_normal)\n"
         "    --fan-in N, --fan-out N   the layer shape they are sampled for (default 784, 32)\n"
         "  wi plot sigmoid-grad sigmoid_grad.png: sigmoid and its derivative, peak 0.25 at x = 0\n"
         "\n"
         "data:\n"
         "  --data DIR           the four MNIST files (raw or .gz) in DIR; otherwise data/mnist/,\n"
         "                       then a download attempt, then the bundled sample\n"
         "  --no-fetch           never try to download (also: WI_NO_FETCH=1)\n"
         "  --fetch              try the download now, even if one failed in the last day\n"
         "\n"
         "inspection and interop:\n"
         "  --grads              before training: one forward/backward of a N(0,1) input, target 1,\n"
         "                       and per-layer gradient summaries (--grads=full prints the matrices)\n"
         "  --save-init DIR      write the initial weights as fc1.weight.npy, fc1.bias.npy, ...\n"
         "  --save-weights DIR   write the final weights the same way\n"
         "  --load-weights DIR   start from such files instead of an initializer\n"
         "\n"
         "  --quiet, -q          no progress bar, no header lines\n"
         "  --help, -h           this text\n"
         "  --version            the version\n"
         "\n"
         "initializers: " << initializer_names() << "\n";
    h << "\nexit status: 0 success (a diverged run is a result, not an error), 2 bad flags, data or output\n";
    return h.str();
}

}  // namespace wi
