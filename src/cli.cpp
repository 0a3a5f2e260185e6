#include "cli.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "error.h"
#include "init.h"
#include "nn/activation.h"

namespace wi {

namespace {

double parse_double(const std::string& flag, const std::string& text) {
    if (text.empty()) throw Error(flag + ": missing value");
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0') throw Error(flag + ": '" + text + "' is not a number");
    if (!std::isfinite(v) || errno == ERANGE) throw Error(flag + ": '" + text + "' is not a finite number");
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
    while (std::getline(ss, item, ',')) sizes.push_back(static_cast<int>(parse_int(flag, item, 1, 1 << 16)));
    if (!text.empty() && text.back() == ',') throw Error(flag + ": trailing comma in '" + text + "'");
    if (sizes.size() < 2) throw Error(flag + ": '" + text + "' needs at least the input and output sizes, e.g. 784,32,32,10");
    if (sizes.front() != 784) throw Error(flag + ": the first size must be 784 (28x28 pixels), got " + std::to_string(sizes.front()));
    if (sizes.back() != 10) throw Error(flag + ": the last size must be 10 (digit classes), got " + std::to_string(sizes.back()));
    return sizes;
}

}  // namespace

Config parse_args(const std::vector<std::string>& args) {
    Config c;
    for (std::size_t i = 0; i < args.size(); ++i) {
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
        else if (flag == "--init") { c.init = find_initializer(next()).name; }
        else if (flag == "--init-value") { c.init_value = parse_double(flag, next()); }
        else if (flag == "--epochs") { c.epochs = static_cast<int>(parse_int(flag, next(), 0, 100000)); }
        else if (flag == "--batch") { c.batch = static_cast<int>(parse_int(flag, next(), 1, 1 << 20)); }
        else if (flag == "--lr") {
            c.lr = parse_double(flag, next());
            if (c.lr <= 0) throw Error("--lr: must be > 0, got " + std::to_string(c.lr));
        }
        else if (flag == "--seed") { c.seed = static_cast<std::uint64_t>(parse_int(flag, next(), 0, INT64_MAX)); }
        else if (flag == "--act") { c.act = activation_name(parse_activation(next())); }
        else if (flag == "--arch") { c.arch = parse_arch(next()); }
        else if (flag == "--data") {
            c.data = next();
            if (c.data.empty()) throw Error("--data: missing value");
        }
        else if (flag == "--no-shuffle") { no_value(); c.shuffle = false; }
        else if (flag == "--no-fetch") { no_value(); c.fetch = false; }
        else if (flag == "--threads") { c.threads = static_cast<int>(parse_int(flag, next(), 1, 1024)); }
        else if (flag == "--quiet" || flag == "-q") { no_value(); c.quiet = true; }
        else if (flag == "--grads") {
            if (!has_inline) c.grads = GradsMode::Summary;
            else if (value == "full") c.grads = GradsMode::Full;
            else if (value == "summary") c.grads = GradsMode::Summary;
            else throw Error("--grads: unknown mode '" + value + "' (valid: --grads, --grads=full)");
        }
        else if (flag == "--save-weights" || flag == "--save-init" || flag == "--load-weights") {
            const std::string dir = next();
            if (dir.empty()) throw Error(flag + ": missing value");
            (flag == "--save-weights" ? c.save_weights : flag == "--save-init" ? c.save_init : c.load_weights) = dir;
        }
        else throw Error("unknown flag '" + args[i] + "' (see wi --help)");
    }
    if (const char* env = std::getenv("WI_NO_FETCH"); env != nullptr && *env != '\0' && std::string(env) != "0")
        c.fetch = false;
    return c;
}

std::string version_text() { return "wi 0.1.0"; }

std::string help_text() {
    std::ostringstream h;
    h << "wi - a weight-initialization lab: train a small MLP on MNIST digits\n"
         "\n"
         "usage: wi [flags]\n"
         "\n"
         "model and training (defaults are the notebook's):\n"
         "  --init NAME          weight initializer (default: default); see the list below\n"
         "  --init-value V       the constant of --init constant (default 0.5)\n"
         "  --arch 784,32,32,10  layer sizes: first 784, last 10, any hidden widths and depth\n"
         "  --act NAME           none | sigmoid | tanh | relu, between layers (default none)\n"
         "  --epochs N           passes over the training set (default 3; 0 = evaluate only)\n"
         "  --batch N            samples per SGD step (default 4)\n"
         "  --lr X               SGD learning rate, > 0 (default 0.001)\n"
         "  --seed N             seeds initialization and shuffling (default 1): same seed, same output\n"
         "  --no-shuffle         visit training samples in file order\n"
         "  --threads N          OpenMP threads for evaluation (default: all cores)\n"
         "\n"
         "data:\n"
         "  --data DIR           the four MNIST files (raw or .gz) in DIR; otherwise data/mnist/,\n"
         "                       then a download attempt, then the bundled sample\n"
         "  --no-fetch           never try to download (also: WI_NO_FETCH=1)\n"
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
         "initializers (fan_in = in, fan_out = out for a layer W of shape (out, in)):\n";
    for (const Initializer& init : initializers()) {
        h << "  " << init.name;
        if (*init.aliases) h << " (also " << init.aliases << ")";
        h << "\n      weights: " << init.weight_formula << "\n      bias:    "
          << (std::string(init.bias_formula) == "default" ? "U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (nn.Linear's)"
                                                          : init.bias_formula)
          << "\n";
    }
    h << "\nexit status: 0 success (a diverged run is a result, not an error), 2 bad flags, data or output\n";
    return h.str();
}

}  // namespace wi
