// test_init_catalog.cpp - the whole initializer catalog: moments, Kolmogorov-Smirnov against each
// formula's law, exact structures (orthogonal, sparse, eye), gains, specs and their errors, LSUV.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "init/init.h"
#include "init/init_samplers.h"
#include "train/layer_stats.h"
#include "train/lsuv.h"
#include "test_util.h"

using namespace wi;

namespace {

// Moments within 4 standard errors of the formula: the mean's SE is sigma/sqrt(n); the sample
// std's relative SE is sqrt((kurtosis-1)/(4n)) <= 1/sqrt(2n) for the normal (kurtosis 3) and for
// the lighter-tailed uniform and truncated laws. 4 SE: a false alarm below 1e-4 per check.
constexpr double kSE = 4.0;
// Kolmogorov-Smirnov at alpha = 0.001: D > c / sqrt(n), c = sqrt(-ln(alpha/2) / 2) = 1.9495.
constexpr double kKsCritical = 1.9495;
// Orthogonality is computed in double and rounded to float once: 1e-5 relative leaves room for
// the float rounding (~6e-8 per entry) summed over up to 784 terms.
constexpr double kOrthoTol = 1e-5;

const std::vector<std::pair<int, int>> kShapes = {{32, 784}, {32, 32}, {10, 32}, {784, 32}};  // (out, in)

Tensor sample(const InitSpec& spec, int out, int in, std::uint64_t seed = 5) {
    Tensor W(out, in);
    Rng rng(seed);
    spec.init->fill_weights(W, rng, spec);
    return W;
}

double law_cdf(const WeightLaw& law, double x) {
    switch (law.kind) {
        case WeightLaw::Kind::Normal: return normal_cdf((x - law.mean) / law.std);
        case WeightLaw::Kind::Uniform: return std::clamp((x - law.lo) / (law.hi - law.lo), 0.0, 1.0);
        case WeightLaw::Kind::TruncatedNormal: {
            const double lo = normal_cdf((law.lo - law.mean) / law.scale), hi = normal_cdf((law.hi - law.mean) / law.scale);
            return std::clamp((normal_cdf((x - law.mean) / law.scale) - lo) / (hi - lo), 0.0, 1.0);
        }
        default: return 0;
    }
}

// sup |F_n(x) - F(x)|
double ks_statistic(const Tensor& W, const WeightLaw& law) {
    std::vector<double> v(W.data(), W.data() + W.size());
    std::sort(v.begin(), v.end());
    const double n = static_cast<double>(v.size());
    double d = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double F = law_cdf(law, v[i]);
        d = std::max({d, (i + 1) / n - F, F - i / n});
    }
    return d;
}

void expect_spec_error(const std::string& text, const std::string& part) {
    try {
        parse_init(text);
        BOOST_ERROR(text << ": accepted");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find(part) != std::string::npos, text << ": '" << e.what() << "' lacks '" << part << "'");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(initializer_catalog)

BOOST_AUTO_TEST_CASE(continuous_laws_moments_and_ks) {
    const char* specs[] = {"default", "randn", "uniform:a=-0.3,b=0.7", "normal:mean=0.1,std=0.02",
                           "trunc_normal", "trunc_normal:std=0.02,a=-0.04,b=0.04", "xavier_normal", "xavier_uniform:gain=2",
                           "kaiming_normal", "kaiming_normal:mode=fan_out,nonlinearity=relu",
                           "kaiming_uniform:a=0.2,nonlinearity=leaky_relu", "kaiming_uniform:mode=fan_out,nonlinearity=tanh",
                           "lecun_normal", "lecun_uniform", "variance_scaling:scale=2,mode=fan_avg",
                           "variance_scaling:distribution=untruncated_normal", "variance_scaling:mode=fan_out,distribution=uniform",
                           "meanfield:sigma_w2=1.76,sigma_b2=0.05"};
    for (const char* text : specs) {
        const InitSpec spec = parse_init(text);
        for (auto [out, in] : kShapes) {
            const Tensor W = sample(spec, out, in);
            const WeightLaw law = weight_law(spec, in, out);
            const double n = static_cast<double>(W.size());
            double mean = 0, sq = 0, lo = INFINITY, hi = -INFINITY;
            for (std::size_t i = 0; i < W.size(); ++i) {
                mean += W.data()[i];
                lo = std::min(lo, static_cast<double>(W.data()[i]));
                hi = std::max(hi, static_cast<double>(W.data()[i]));
            }
            mean /= n;
            for (std::size_t i = 0; i < W.size(); ++i) sq += (W.data()[i] - mean) * (W.data()[i] - mean);
            const double std = std::sqrt(sq / n);
            const std::string what = std::string(text) + " (" + std::to_string(out) + "," + std::to_string(in) + ")";
            // the law's mean: uniform and normal say it; a symmetric truncation keeps it
            BOOST_TEST(std::abs(mean - law.mean) < kSE * law.std / std::sqrt(n), what << ": mean " << mean);
            BOOST_TEST(std::abs(std / law.std - 1) < kSE / std::sqrt(2 * n), what << ": std " << std << " vs " << law.std);
            BOOST_TEST(ks_statistic(W, law) < kKsCritical / std::sqrt(n), what << ": KS " << ks_statistic(W, law));
            if (law.kind != WeightLaw::Kind::Normal) BOOST_TEST((lo >= law.lo && hi <= law.hi), what << ": outside bounds");
        }
    }
}

// The laws written out again, independently of src/init/init.cpp, from torch's and Keras's docs:
// the sampling tests above check samples against the law, this checks the law against the docs.
BOOST_AUTO_TEST_CASE(laws_match_the_documented_formulas) {
    struct Case {
        const char* spec;
        double (*std)(double in, double out);
    };
    const double k = 0.87962566103423978;
    const Case cases[] = {
        {"default", [](double in, double) { return 1 / std::sqrt(in) / std::sqrt(3.0); }},
        {"uniform:a=-0.3,b=0.7", [](double, double) { return 1.0 / std::sqrt(12.0); }},
        {"normal:mean=0.1,std=0.02", [](double, double) { return 0.02; }},
        {"xavier_normal:gain=2", [](double in, double out) { return 2 * std::sqrt(2 / (in + out)); }},
        {"xavier_uniform", [](double in, double out) { return std::sqrt(6 / (in + out)) / std::sqrt(3.0); }},
        {"kaiming_normal", [](double in, double) { return std::sqrt(2 / in); }},
        {"kaiming_normal:mode=fan_out,nonlinearity=tanh", [](double, double out) { return 5.0 / 3 / std::sqrt(out); }},
        {"kaiming_normal:a=1,nonlinearity=leaky_relu", [](double in, double) { return 1 / std::sqrt(in); }},
        {"kaiming_uniform:mode=fan_out,nonlinearity=relu", [](double, double out) { return std::sqrt(2 / out); }},
        {"kaiming_uniform:nonlinearity=selu", [](double in, double) { return 0.75 / std::sqrt(in); }},
        {"lecun_uniform", [](double in, double) { return std::sqrt(1 / in); }},
        {"variance_scaling:scale=2,mode=fan_avg,distribution=untruncated_normal",
         [](double in, double out) { return std::sqrt(2 / ((in + out) / 2)); }},
        {"variance_scaling:mode=fan_out,distribution=uniform", [](double, double out) { return std::sqrt(1 / out); }},
        // Keras divides by 0.8796 so that the truncated law keeps std sqrt(scale/fan)
        {"variance_scaling", [](double in, double) { return std::sqrt(1 / in); }},
        {"lecun_normal", [](double in, double) { return std::sqrt(1 / in); }},
        {"orthogonal:gain=2", [](double in, double out) { return 2 / std::sqrt(std::max(in, out)); }},
        // mean-field: Var = sigma_w2 / fan_in, for either law
        {"meanfield:sigma_w2=1.76", [](double in, double) { return std::sqrt(1.76 / in); }},
        {"meanfield:sigma_w2=3,law=orthogonal", [](double in, double) { return std::sqrt(3 / in); }},
    };
    for (const Case& c : cases)
        for (auto [out, in] : kShapes) {
            const WeightLaw law = weight_law(parse_init(c.spec), in, out);
            BOOST_TEST(std::abs(law.std / c.std(in, out) - 1) < 1e-6, c.spec << " (" << out << "," << in << "): " << law.std);
        }
    // the truncated normal's scale before truncation: sd / 0.8796, cut at +-2 sd
    const WeightLaw vs = weight_law(parse_init("variance_scaling"), 784, 32);
    BOOST_TEST(std::abs(vs.scale - std::sqrt(1 / 784.0) / k) < 1e-12);
    BOOST_TEST(std::abs(vs.hi - 2 * vs.scale) < 1e-12);
}

// An interval far in a tail: the mean of N(0,1) cut to [a, inf) is phi(a) / (1 - Phi(a)), about
// a + 1/a; sampling must keep its resolution there, on both sides.
BOOST_AUTO_TEST_CASE(trunc_normal_far_in_the_tails) {
    for (double side : {1.0, -1.0}) {
        const std::string spec = side > 0 ? "trunc_normal:a=7.9,b=100" : "trunc_normal:a=-100,b=-7.9";
        const Tensor W = sample(parse_init(spec), 32, 784);
        double mean = 0;
        std::vector<float> v(W.data(), W.data() + W.size());
        for (float x : v) mean += x;
        mean /= v.size();
        const double expect = side * std::exp(-7.9 * 7.9 / 2) / std::sqrt(2 * M_PI) / normal_cdf(-7.9);
        BOOST_TEST(std::abs(mean - expect) < 0.01, spec << ": mean " << mean << " vs " << expect);
        std::sort(v.begin(), v.end());
        const long distinct = std::unique(v.begin(), v.end()) - v.begin();
        BOOST_TEST(distinct > 10000, spec << ": only " << distinct << " distinct values");
    }
}

BOOST_AUTO_TEST_CASE(documented_stds) {
    // torch for the seed model; Keras's lecun_normal corrects its truncation to keep std sqrt(1/fan_in)
    BOOST_TEST(std::abs(weight_law(parse_init("xavier_normal"), 784, 32).std - 0.0495) < 1e-4);
    BOOST_TEST(std::abs(weight_law(parse_init("kaiming_normal"), 32, 32).std - 0.25) < 1e-12);
    BOOST_TEST(std::abs(weight_law(parse_init("default"), 32, 10).std - 0.102) < 1e-3);
    BOOST_TEST(std::abs(weight_law(parse_init("lecun_normal"), 784, 32).std - std::sqrt(1.0 / 784)) < 1e-6);
    BOOST_TEST(std::abs(weight_law(parse_init("kaiming_normal:mode=fan_out"), 784, 32).std - std::sqrt(2.0 / 32)) < 1e-12);
}

BOOST_AUTO_TEST_CASE(gains_are_calculate_gains) {
    BOOST_TEST(calculate_gain("linear", 0) == 1.0);
    BOOST_TEST(calculate_gain("conv2d", 0) == 1.0);
    BOOST_TEST(calculate_gain("sigmoid", 0) == 1.0);
    BOOST_TEST(calculate_gain("tanh", 0) == 5.0 / 3);
    BOOST_TEST(calculate_gain("relu", 0) == std::sqrt(2.0));
    BOOST_TEST(std::abs(calculate_gain("leaky_relu", 0.01) - std::sqrt(2 / 1.0001)) < 1e-15);
    BOOST_TEST(calculate_gain("selu", 0) == 0.75);
    BOOST_TEST(spec_gain(parse_init("kaiming_normal")) == std::sqrt(2.0));  // leaky_relu with a = 0
    BOOST_TEST(spec_gain(parse_init("kaiming_uniform:nonlinearity=tanh")) == 5.0 / 3);
    BOOST_TEST(spec_gain(parse_init("orthogonal:gain=1.41")) == 1.41);
}

BOOST_AUTO_TEST_CASE(orthogonal_rows_or_columns) {
    for (double gain : {1.0, 1.41}) {
        const InitSpec spec = parse_init("orthogonal:gain=" + std::to_string(gain));
        for (auto [out, in] : kShapes) {
            const Tensor W = sample(spec, out, in, 9);
            // W W^T = gain^2 I when out <= in (orthonormal rows), W^T W = gain^2 I otherwise
            const bool rows = out <= in;
            const int k = rows ? out : in, len = rows ? in : out;
            double worst = 0;
            for (int i = 0; i < k; ++i)
                for (int j = 0; j < k; ++j) {
                    double dot = 0;
                    for (int t = 0; t < len; ++t)
                        dot += rows ? static_cast<double>(W.at(i, t)) * W.at(j, t) : static_cast<double>(W.at(t, i)) * W.at(t, j);
                    worst = std::max(worst, std::abs(dot - (i == j ? gain * gain : 0.0)));
                }
            BOOST_TEST(worst < kOrthoTol * gain * gain, "orthogonal (" << out << "," << in << "): off by " << worst);
        }
    }
}

BOOST_AUTO_TEST_CASE(sparse_zeros_per_column) {
    for (double sparsity : {0.0, 0.1, 0.5, 1.0}) {
        const InitSpec spec = parse_init("sparse:sparsity=" + std::to_string(sparsity) + ",std=0.01");
        for (auto [out, in] : kShapes) {
            const Tensor W = sample(spec, out, in);
            const int expect = static_cast<int>(std::ceil(sparsity * out));
            for (int c = 0; c < in; ++c) {
                int zeros = 0;
                for (int r = 0; r < out; ++r) zeros += W.at(r, c) == 0.0f;
                BOOST_TEST_REQUIRE(zeros == expect, "sparsity " << sparsity << " column " << c);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(eye_and_identity_are_exact) {
    for (auto [out, in] : kShapes) {
        const Tensor E = sample(parse_init("eye"), out, in), I = sample(parse_init("identity:gain=3"), out, in);
        for (int r = 0; r < out; ++r)
            for (int c = 0; c < in; ++c) {
                BOOST_TEST_REQUIRE(E.at(r, c) == (r == c ? 1.0f : 0.0f));
                BOOST_TEST_REQUIRE(I.at(r, c) == (r == c ? 3.0f : 0.0f));
            }
    }
}

BOOST_AUTO_TEST_CASE(ones_zero_last_and_bias_policies) {
    Mlp m = make_mlp({784, 32, 32, 10}, Activation::None);
    Rng rng(1);
    initialize(m, parse_init("ones"), parse_bias("constant:0.1"), rng);
    for (const Layer& L : m.layers) {
        BOOST_TEST(std::all_of(L.W.data(), L.W.data() + L.W.size(), [](float v) { return v == 1.0f; }));
        BOOST_TEST(std::all_of(L.b.data(), L.b.data() + L.b.size(), [](float v) { return v == 0.1f; }));
    }
    initialize(m, parse_init("zero_last"), BiasPolicy{}, rng);
    const Layer& last = m.layers.back();
    BOOST_TEST(std::all_of(last.W.data(), last.W.data() + last.W.size(), [](float v) { return v == 0.0f; }));
    BOOST_TEST(std::all_of(last.b.data(), last.b.data() + last.b.size(), [](float v) { return v == 0.0f; }));
    BOOST_TEST(std::any_of(m.layers[0].W.data(), m.layers[0].W.data() + 100, [](float v) { return v != 0.0f; }));
    initialize(m, parse_init("xavier"), parse_bias("zeros"), rng);
    BOOST_TEST(std::all_of(m.layers[1].b.data(), m.layers[1].b.data() + 32, [](float v) { return v == 0.0f; }));
}

BOOST_AUTO_TEST_CASE(spec_syntax_and_errors) {
    const InitSpec s = parse_init("kaiming_normal:mode=fan_out,nonlinearity=relu");
    BOOST_TEST(s.word("mode") == "fan_out");
    BOOST_TEST(s.num("a") == 0.0);
    BOOST_TEST(s.text() == "kaiming_normal(a=0, mode=fan_out, nonlinearity=relu)");
    BOOST_TEST(parse_init("he").init->name == std::string("kaiming_normal"));
    expect_spec_error("nosuch", "unknown initializer 'nosuch' (valid: default,");
    expect_spec_error("normal:std=-1", "std must be > 0");
    expect_spec_error("normal:std=0", "std must be > 0");
    expect_spec_error("uniform:a=1,b=0", "needs a < b");
    expect_spec_error("trunc_normal:a=2,b=-2", "needs a < b");
    expect_spec_error("sparse:sparsity=1.5", "sparsity must be in [0, 1]");
    expect_spec_error("kaiming_normal:mode=fan_sideways", "is not one of fan_in|fan_out");
    expect_spec_error("kaiming_normal:nonlinearity=swish", "is not one of linear|");
    expect_spec_error("xavier_normal:gian=2", "has no parameter 'gian' (parameters: gain)");
    expect_spec_error("xavier_normal:gain=", "is not a number");
    expect_spec_error("xavier_normal:gain=nan", "not a finite number");
    expect_spec_error("xavier_normal:", "nothing after ':'");
    expect_spec_error("xavier_normal:gain", "is not key=value");
    expect_spec_error("variance_scaling:scale=0", "scale must be > 0");
    expect_spec_error("lsuv:iters=2.5", "iters must be an integer");
    expect_spec_error("zeros:val=1", "has no parameter 'val' (parameters: none)");
    BOOST_CHECK_THROW(parse_bias("sometimes"), Error);
    BOOST_CHECK_THROW(parse_bias("constant:x"), Error);
}

BOOST_AUTO_TEST_CASE(lsuv_reaches_unit_variance) {
    const MnistData data = load_mnist_dir(wi_test::sample_dir(), "sample");
    const Probe probe = make_probe(data.train);
    for (Activation act : {Activation::None, Activation::Tanh, Activation::Relu}) {
        for (const char* bias : {"init", "default"}) {
            Mlp m = make_mlp({784, 64, 64, 64, 10}, act);
            Rng rng(2);
            const InitSpec spec = parse_init("lsuv");
            initialize(m, spec, parse_bias(bias), rng);
            const auto report = lsuv_rescale(m, probe, spec.num("tol"), 10);
            const auto stats = measure_layers(m, probe);
            for (std::size_t l = 0; l < stats.size(); ++l) {
                BOOST_TEST(std::abs(report[l].variance - 1) < 0.1, activation_name(act) << " fc" << l + 1);
                BOOST_TEST(std::abs(stats[l].z_std * stats[l].z_std - 1) < 0.1, activation_name(act) << " fc" << l + 1);
                BOOST_TEST(report[l].iterations <= 10);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
