// theory_command.cpp - `wi theory` (see theory_command.h).
#include "theory_command.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#include "../core/error.h"
#include "../core/strf.h"
#include "meanfield.h"

namespace wi {
namespace {

double number(const std::string& flag, const std::string& text) {
    if (text.empty()) throw Error(flag + ": empty value");
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0') throw Error(flag + ": '" + text + "' is not a number");
    if (!std::isfinite(v) || errno == ERANGE) throw Error(flag + ": '" + text + "' is not a finite number");
    return v;
}

std::string cell(double v, const char* fmt) {
    if (std::isnan(v)) return "";
    if (std::isinf(v)) return "inf";
    return strf(fmt, v);
}

std::string verdict(int depth, double xi_c) {
    if (std::isnan(xi_c)) return "no verdict: xi_c not known (c* did not converge)";
    if (std::isinf(xi_c)) return strf("trainable (L = %d ≤ 6ξ_c = inf)", depth);
    const double bound = 6.0 * xi_c;
    if (depth <= bound) return strf("trainable (L = %d ≤ 6ξ_c = %.4g)", depth, bound);
    return strf("predicted untrainable: L = %d > 6ξ_c = %.4g", depth, bound);
}

const char* const kUsage =
    "usage: wi theory [--act tanh|relu|sigmoid|none] --sigma-w2 V --sigma-b2 V [--depth L] [--csv]";

}  // namespace

std::vector<double> parse_theory_values(const std::string& flag, const std::string& text) {
    if (text.empty()) throw Error(flag + ": missing value");
    std::vector<double> out;
    const std::size_t dots = text.find("..");
    if (dots != std::string::npos) {
        const std::size_t colon = text.find(':', dots);
        if (colon == std::string::npos) throw Error(flag + ": '" + text + "': a range is A..B:N");
        const double a = number(flag, text.substr(0, dots));
        const double b = number(flag, text.substr(dots + 2, colon - dots - 2));
        const std::string ns = text.substr(colon + 1);
        char* end = nullptr;
        const long n = std::strtol(ns.c_str(), &end, 10);
        if (ns.empty() || *end != '\0' || n < 2 || n > 10000)
            throw Error(flag + ": '" + text + "': N in A..B:N must be an integer from 2 to 10000");
        for (long i = 0; i < n; ++i) out.push_back(i == n - 1 ? b : a + (b - a) * static_cast<double>(i) / (n - 1));
        return out;
    }
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) out.push_back(number(flag, item));
    if (text.back() == ',') throw Error(flag + ": trailing comma in '" + text + "'");
    return out;
}

int theory_command(const std::vector<std::string>& args, std::FILE* out) {
    Activation act = Activation::Tanh;
    std::vector<double> sw2s, sb2s;
    int depth = 0;
    bool csv = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string flag = args[i], value;
        const std::size_t eq = flag.find('=');
        const bool inline_value = flag.rfind("--", 0) == 0 && eq != std::string::npos;
        if (inline_value) {
            value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
        }
        if (flag == "--csv") {
            if (inline_value) throw Error("--csv: takes no value");
            csv = true;
            continue;
        }
        if (flag != "--act" && flag != "--sigma-w2" && flag != "--sigma-b2" && flag != "--depth")
            throw Error("theory: unknown flag '" + args[i] + "'\n" + kUsage);
        if (!inline_value) {
            if (i + 1 >= args.size()) throw Error(flag + ": missing value");
            value = args[++i];
        }
        if (flag == "--act") {
            try {
                act = parse_activation(value);
            } catch (const Error& e) {
                throw Error(std::string("--act: ") + e.what());
            }
        } else if (flag == "--depth") {
            char* end = nullptr;
            errno = 0;
            const long v = std::strtol(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0' || errno == ERANGE || v < 1 || v > 1000000)
                throw Error("--depth: '" + value + "' is not a depth (an integer from 1 to 1000000)");
            depth = static_cast<int>(v);
        } else {
            std::vector<double> v = parse_theory_values(flag, value);
            for (double x : v) {
                if (flag == "--sigma-w2" && !(x > 0 && x <= 1e4))
                    throw Error("--sigma-w2: " + shortest_double(x) + " is out of range (over 0, at most 1e4)");
                if (flag == "--sigma-b2" && !(x >= 0 && x <= 1e4))
                    throw Error("--sigma-b2: " + shortest_double(x) + " is out of range (0 to 1e4)");
            }
            (flag == "--sigma-w2" ? sw2s : sb2s) = v;
        }
    }
    if (sw2s.empty()) throw Error(std::string("--sigma-w2: missing (the weight variance times fan_in)\n") + kUsage);
    if (sb2s.empty()) throw Error(std::string("--sigma-b2: missing (the bias variance)\n") + kUsage);
    if (csv && depth > 0) throw Error("--depth: not with --csv (the CSV has xi_c: trainable when depth <= 6 xi_c)");

    std::string text;
    if (csv) {
        text = "sigma_w2,sigma_b2,q_star,chi1,c_star,xi_q,xi_c\n";
    } else {
        text = strf("mean-field signal propagation, %s, W ~ N(0, sigma_w2/fan_in), b ~ N(0, sigma_b2)\n",
                    activation_name(act));
        text += strf("%9s %9s %10s %10s %10s %10s %10s%s\n", "sigma_w2", "sigma_b2", "q_star", "chi1", "c_star",
                     "xi_q", "xi_c", depth > 0 ? "  verdict" : "");
    }
    bool missing = false, infinite = false;
    for (double sb2 : sb2s)
        for (double sw2 : sw2s) {
            const MeanFieldPoint p = mean_field_point(act, sw2, sb2);
            const double c = p.c.converged ? p.c.value : std::nan("");
            const double q = p.q.converged ? p.q.value : std::nan("");
            missing = missing || std::isnan(q) || std::isnan(c) || std::isnan(p.xi_q) || std::isnan(p.xi_c);
            infinite = infinite || std::isinf(p.xi_q) || std::isinf(p.xi_c);
            if (csv) {
                const auto csv_cell = [](double v) { return std::isfinite(v) ? strf("%.9g", v) : std::string(); };
                text += strf("%.10g,%.10g,", sw2, sb2) + csv_cell(q) + "," +
                        csv_cell(p.chi1) + "," + csv_cell(c) + "," + csv_cell(p.xi_q) + "," + csv_cell(p.xi_c) + "\n";
                continue;
            }
            const auto col = [](double v, const char* fmt) {
                const std::string s = cell(v, fmt);
                return s.empty() ? std::string("-") : s;
            };
            text += strf("%9.6g %9.6g %10s %10s %10s %10s %10s", sw2, sb2,
                         col(q, "%.6g").c_str(), col(p.chi1, "%.6g").c_str(), col(c, "%.4g").c_str(),
                         col(p.xi_q, "%.4g").c_str(), col(p.xi_c, "%.4g").c_str());
            if (depth > 0) text += "  " + verdict(depth, p.xi_c);
            text += "\n";
        }
    if (!csv) {
        if (missing) text += "-: not converged or not defined (near the critical line q* and c* settle slowly, "
                    "past it q* grows without bound; c* needs q* > 0)\n";
        if (infinite) text += "inf: the rate is 1 (chi = 1): no decay with depth\n";
        std::set<double> seen;
        for (double sb2 : sb2s) {
            if (!seen.insert(sb2).second) continue;
            const CriticalPoint cp = critical_sigma_w2(act, sb2);
            if (cp.found)
                text += strf("critical line (chi1 = 1) at sigma_b2 = %g: sigma_w2 = %.5g\n", sb2,
                             cp.sw2);
            else
                text += strf("critical line (chi1 = 1) at sigma_b2 = %g: none for %s\n", sb2,
                             activation_name(act));
        }
    }
    std::fputs(text.c_str(), out);
    return 0;
}

}  // namespace wi
