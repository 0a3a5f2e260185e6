// init_spec.cpp - reading initializer specs and bias policies from the command line, and the
// text wi prints about them.
#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#include "../core/error.h"
#include "init.h"

namespace wi {

namespace {

std::string param_names(const Initializer& init) {
    if (init.params.empty()) return "none";
    std::string s;
    for (const ParamSpec& p : init.params) s += (s.empty() ? "" : ", ") + std::string(p.name);
    return s;
}

double parse_number(const std::string& flag, const std::string& key, const std::string& text) {
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end == text.c_str() || *end != '\0')
        throw Error(flag + ": " + key + "='" + text + "' is not a number");
    const bool out_of_range = errno == ERANGE;  // strtod: too large for a double, or too small
    if (std::isnan(v) || (std::isinf(v) && !out_of_range))
        throw Error(flag + ": " + key + "='" + text + "' is not a finite number");
    // Weights are float32: a larger value would silently become infinite, a nonzero one under
    // float32's smallest normal number 0 (denormals are flushed to zero).
    if (std::isinf(v) || std::fabs(v) > FLT_MAX)
        throw Error(flag + ": " + key + "='" + text + "' is too large: beyond float32's range (magnitude at most 3.4e38)");
    if ((v != 0 && std::fabs(v) < FLT_MIN) || (out_of_range && std::fabs(v) < 1))
        throw Error(flag + ": " + key + "='" + text + "' is too small: it underflows float32 (nonzero magnitudes from 1.2e-38)");
    return v;
}

// Ranges the formulas need; anything else is a usage error.
void check_ranges(const InitSpec& s, const std::string& flag) {
    const std::string name = s.init->name;
    auto has = [&](const char* key) {
        for (const auto& kv : s.values)
            if (kv.first == key) return true;
        return false;
    };
    auto fail = [&](const std::string& why) { throw Error(flag + ": " + name + ": " + why); };
    if (has("std") && !(s.num("std") > 0)) fail("std must be > 0, got " + s.word("std"));
    if (has("a") && has("b") && !(s.num("a") < s.num("b"))) fail("needs a < b, got a=" + s.word("a") + ", b=" + s.word("b"));
    if (name == "trunc_normal") {
        const double lo = (s.num("a") - s.num("mean")) / s.num("std"), hi = (s.num("b") - s.num("mean")) / s.num("std");
        if (hi < -8 || lo > 8) fail("[a, b] lies more than 8 std from the mean: nothing to sample");
    }
    if (has("sparsity") && !(s.num("sparsity") >= 0 && s.num("sparsity") <= 1))
        fail("sparsity must be in [0, 1], got " + s.word("sparsity"));
    if (has("fraction") && !(s.num("fraction") >= 0 && s.num("fraction") <= 1))
        fail("fraction must be in [0, 1], got " + s.word("fraction"));
    if (has("scale") && !(s.num("scale") > 0)) fail("scale must be > 0, got " + s.word("scale"));
    if (has("tol") && !(s.num("tol") > 0 && s.num("tol") < 1)) fail("tol must be in (0, 1), got " + s.word("tol"));
    if (has("iters")) {
        const double it = s.num("iters");
        if (!(it >= 1 && it <= 1000 && it == std::floor(it))) fail("iters must be an integer in 1..1000, got " + s.word("iters"));
    }
    if (has("sigma_w2") && !(s.num("sigma_w2") > 0)) fail("sigma_w2 must be > 0, got " + s.word("sigma_w2"));
    if (has("sigma_b2") && !(s.num("sigma_b2") >= 0)) fail("sigma_b2 must be >= 0, got " + s.word("sigma_b2"));
    if (has("huge") && !(s.num("huge") >= 0)) fail("huge must be >= 0");
    if (has("tiny") && !(s.num("tiny") >= 0)) fail("tiny must be >= 0");
}

}  // namespace

InitSpec parse_init(const std::string& text, const std::string& flag) {
    const std::size_t colon = text.find(':');
    const std::string name = text.substr(0, colon);
    if (name.empty()) throw Error(flag + ": missing initializer name");
    InitSpec spec;
    try {
        spec = default_spec(find_initializer(name));
    } catch (const Error&) {
        throw Error(flag + ": unknown initializer '" + name + "' (valid: " + initializer_names() + ")");
    }
    const Initializer& init = *spec.init;
    if (colon == std::string::npos) {
        check_ranges(spec, flag);
        return spec;
    }
    const std::string rest = text.substr(colon + 1);
    if (rest.empty()) throw Error(flag + ": '" + text + "': nothing after ':' (parameters: " + param_names(init) + ")");
    std::stringstream ss(rest);
    std::string item;
    std::set<std::string> given;  // a key given twice is a typo, not "the last one wins"
    while (std::getline(ss, item, ',')) {
        const std::size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error(flag + ": '" + item + "' is not key=value (parameters of " + init.name + ": " + param_names(init) + ")");
        const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
        const ParamSpec* p = nullptr;
        for (const ParamSpec& q : init.params)
            if (key == q.name) p = &q;
        if (p == nullptr)
            throw Error(flag + ": " + init.name + " has no parameter '" + key + "' (parameters: " + param_names(init) + ")");
        if (*p->choices == '\0') {
            parse_number(flag, key, value);
        } else {
            const std::string choices = std::string("|") + p->choices + "|";
            if (value.empty() || value.find('|') != std::string::npos || choices.find("|" + value + "|") == std::string::npos)
                throw Error(flag + ": " + key + "='" + value + "' is not one of " + p->choices);
        }
        if (!given.insert(key).second) throw Error(flag + ": '" + text + "' sets " + key + " twice");
        for (auto& kv : spec.values)
            if (kv.first == key) kv.second = value;
    }
    if (!text.empty() && text.back() == ',') throw Error(flag + ": trailing comma in '" + text + "'");
    check_ranges(spec, flag);
    return spec;
}

BiasPolicy parse_bias(const std::string& text) {
    BiasPolicy b;
    if (text == "init") return b;
    if (text == "default") b.kind = BiasPolicy::Kind::Linear;
    else if (text == "zeros") b.kind = BiasPolicy::Kind::Zeros;
    else if (text.rfind("constant:", 0) == 0) {
        b.kind = BiasPolicy::Kind::Constant;
        b.value = parse_number("--bias", "constant", text.substr(9));
    } else {
        throw Error("--bias: unknown policy '" + text + "' (valid: init, default, zeros, constant:V)");
    }
    return b;
}

std::string bias_text(const InitSpec& spec, const BiasPolicy& bias) {
    switch (bias.kind) {
        case BiasPolicy::Kind::Linear: return "nn.Linear default U(-1/sqrt(fan_in), 1/sqrt(fan_in))";
        case BiasPolicy::Kind::Zeros: return "zeros";
        case BiasPolicy::Kind::Constant: {
            std::ostringstream v;
            v << "constant " << bias.value;
            return v.str();
        }
        case BiasPolicy::Kind::FromInit: break;
    }
    const std::string last = std::string(spec.init->name) == "zero_last" ? ", output layer 0" : "";
    switch (spec.init->bias) {
        case BiasRule::Linear: return "nn.Linear default U(-1/sqrt(fan_in), 1/sqrt(fan_in))" + last;
        case BiasRule::Zeros: return "zeros";
        case BiasRule::SameAsWeights: return "same rule as the weights";
        case BiasRule::Normal: return "N(0, sigma_b2)";
    }
    return "?";
}

std::string list_inits_text() {
    std::ostringstream out;
    out << "initializers (W is (out, in): fan_in = in, fan_out = out; spec: NAME or NAME:key=value,...)\n";
    for (const Initializer& init : initializers()) {
        out << "\n" << init.name;
        if (*init.aliases) out << "  (also " << init.aliases << ")";
        out << "  [" << init.family << "]\n";
        if (!init.params.empty()) {
            out << "    parameters:";
            for (const ParamSpec& p : init.params) {
                out << " " << p.name << "=" << p.default_value;
                if (*p.choices) out << " (" << p.choices << ")";
            }
            out << "\n";
        }
        out << "    weights:  " << init.formula << "\n";
        out << "    bias:     " << bias_text(default_spec(init), BiasPolicy{}) << "\n";
        out << "    use:      " << init.when << "\n";
    }
    out << "\ncalculate_gain: linear, conv*, sigmoid 1; tanh 5/3; relu sqrt(2); leaky_relu sqrt(2/(1+a^2)); selu 3/4\n";
    return out.str();
}

}  // namespace wi
