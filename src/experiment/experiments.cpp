// experiments.cpp - the table of experiments: what each runs, at which sizes, and the claim.
//
// Sizes are chosen to finish in minutes on two cores (the default) or seconds (--quick, for
// the tests), on the first 8,000 training digits: all of the bundled sample. Depth counts
// weight layers, so depth 5 is 4 hidden layers.
#include "experiments.h"


#include "../core/error.h"

namespace wi {

namespace {

std::vector<Experiment> make_table() {
    std::vector<Experiment> t;

    // Glorot & Bengio's sigmoid network: 1000-unit layers, minibatch 10, biases 0, the
    // "standard" init U(+-1/sqrt(fan_in)) (nn.Linear's) against their normalized one; the tanh
    // arms are only measured at init (Figs. 6-7: activations and back-propagated gradients).
    Experiment glorot{"glorot2010",
                      "Glorot & Bengio 2010, Understanding the difficulty of training deep feedforward neural "
                      "networks, sec. 3.1 Fig. 2 and sec. 4.2 Figs. 6-7",
                      "with sigmoid, the top hidden layer saturates towards 0 early in training while the lower layers "
                      "stay near 0.5, and with 5 hidden layers it does not escape (also shown, not judged: with tanh, "
                      "back-propagated gradients shrink towards the input under the standard init, not the normalized one)",
                      {{"sigmoid, default", "default", "zeros", "sigmoid", true},
                       {"sigmoid, xavier", "xavier_uniform", "zeros", "sigmoid", true},
                       {"tanh, default", "default", "zeros", "tanh", false},
                       {"tanh, xavier", "xavier_uniform", "zeros", "tanh", false}},
                      {},
                      {},
                      judge_glorot2010};
    glorot.full = {1000, {5, 6}, {0.1}, 3, 10, 8000, 2000, 40, 256, 0};
    glorot.quick = {128, {5, 6}, {0.5}, 1, 10, 2000, 500, 10, 256, 0};  // lr 0.5: saturates within 200 steps
    t.push_back(glorot);

    // He et al.'s 22- and 30-layer comparison, as ReLU MLPs with biases 0 (theirs are conv nets).
    Experiment he{"he2015",
                  "He, Zhang, Ren & Sun 2015, Delving deep into rectifiers, sec. 2.2 Figs. 2-3",
                  "with ReLU, Xavier's init halves the variance at every layer: the top hidden layer's std is about "
                  "2^(-(L-2)/2) of the first one's in L layers (2^-14 at 30): "
                  "at 30 layers it stalls near ln 10 while Kaiming's trains; at 22 layers Kaiming's converges sooner",
                  {{"xavier", "xavier_normal", "zeros", "relu", true},
                   {"kaiming", "kaiming_normal", "zeros", "relu", true}},
                  {},
                  {},
                  judge_he2015};
    he.full = {256, {22, 30}, {0.01}, 6, 32, 8000, 2000, 0, 256, 0};
    he.quick = {64, {22, 30}, {0.01}, 2, 32, 8000, 500, 0, 256, 0};
    t.push_back(he);

    // Saxe et al.'s deep linear networks (the notebook's no-activation model, made deep), biases
    // 0. Every learning rate of the grid is run; the judge keeps each depth's fastest.
    Experiment saxe{"saxe2014",
                    "Saxe, McClelland & Ganguli 2014, Exact solutions to the nonlinear dynamics of learning in deep "
                    "linear neural networks, sec. 3 Fig. 6",
                    "in deep linear networks the learning time of scaled Gaussian inits grows with depth while random "
                    "orthogonal inits learn in a depth-independent time; orthogonal keeps every singular value of the "
                    "end-to-end product at 1",
                    {{"gaussian", "kaiming_normal:nonlinearity=linear", "zeros", "none", true},
                     {"orthogonal", "orthogonal", "zeros", "none", true}},
                    {},
                    {},
                    judge_saxe2014};
    saxe.full = {128, {2, 4, 8, 16, 32, 64}, {0.001, 0.003, 0.01, 0.03, 0.1}, 8, 32, 8000, 2000, 10, 1000, 0.5};
    saxe.quick = {32, {2, 16}, {0.01, 0.03}, 4, 32, 2000, 500, 10, 500, 0.6};
    t.push_back(saxe);

    // Mishkin & Matas's LSUV against orthonormal and Xavier's init, on a 10-layer MLP.
    Experiment lsuv{"lsuv",
                    "Mishkin & Matas 2016, All you need is a good init (LSUV), Algorithm 1 and its comparison "
                    "with orthonormal and Xavier inits",
                    "LSUV gives every layer an output variance of 1 and trains a deep net at least as well as "
                    "orthonormal or Xavier's init",
                    {{"relu, lsuv", "lsuv", "zeros", "relu", true},
                     {"relu, orthogonal", "orthogonal", "zeros", "relu", true},
                     {"relu, xavier", "xavier_normal", "zeros", "relu", true},
                     {"tanh, lsuv", "lsuv", "zeros", "tanh", true},
                     {"tanh, orthogonal", "orthogonal", "zeros", "tanh", true},
                     {"tanh, xavier", "xavier_normal", "zeros", "tanh", true}},
                    {},
                    {},
                    judge_lsuv};
    lsuv.full = {256, {10}, {0.01}, 4, 32, 8000, 2000, 0, 256, 0};
    lsuv.quick = {64, {10}, {0.01}, 2, 32, 2000, 500, 0, 256, 0};
    t.push_back(lsuv);
    return t;
}

}  // namespace

const std::vector<Experiment>& experiments() {
    static const std::vector<Experiment> table = make_table();
    return table;
}

std::string experiment_names() {
    std::string s;
    for (const Experiment& e : experiments()) s += (s.empty() ? "" : ", ") + std::string(e.name);
    return s;
}

const Experiment& find_experiment(const std::string& name) {
    for (const Experiment& e : experiments())
        if (name == e.name) return e;
    throw Error("experiment: unknown experiment '" + name + "' (valid: " + experiment_names() + ")");
}

std::vector<int> experiment_arch(int depth, int width) {
    std::vector<int> arch{784};
    for (int l = 1; l < depth; ++l) arch.push_back(width);
    arch.push_back(10);
    return arch;
}

const ExperimentRun* find_run(const std::vector<ExperimentRun>& runs, const std::string& label, int depth, double lr) {
    for (const ExperimentRun& r : runs)
        if (r.arm.label == label && r.depth == depth && (lr == 0 || r.lr == lr)) return &r;
    return nullptr;
}

std::vector<double> trailing_mean(const std::vector<float>& v, std::size_t window) {
    std::vector<double> out(v.size());
    double sum = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        sum += v[i];
        if (i >= window) sum -= v[i - window];
        out[i] = sum / static_cast<double>(std::min(i + 1, window));
    }
    return out;
}

}  // namespace wi
