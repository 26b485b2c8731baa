// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/train/ernn/ernn_p.h"

#include <algorithm>
#include <limits>

namespace taglane::engine::detail {

at::Tensor ernnElapsed(const at::Tensor &masks)
{
    const int64_t steps = masks.size(1);
    std::vector<at::Tensor> out;
    out.reserve(size_t(steps));
    at::Tensor delta = at::zeros_like(masks.select(1, 0));
    out.push_back(delta);
    for (int64_t t = 1; t < steps; ++t) {
        delta = 1.0 + (1.0 - masks.select(1, t - 1)) * delta;
        out.push_back(delta);
    }
    return at::stack(out, 1);
}

at::Tensor ernnDynamicWeights(const at::Tensor &delta, const at::Tensor &gamma, const at::Tensor &a)
{
    return at::exp(-at::relu(delta * gamma.view({1, 1, -1}) + a.view({1, 1, -1})));
}

ErnnImpl::ErnnImpl(int64_t streams, int64_t hidden)
    : m_streams(streams)
    , m_hidden(hidden)
{
    using namespace torch::nn;
    m_forwardRnn = register_module("phi_forward", GRU(GRUOptions(2, hidden).batch_first(true)));
    m_backwardRnn = register_module("phi_backward", GRU(GRUOptions(2, hidden).batch_first(true)));
    m_phiOut = register_module("phi_out", Linear(2 * hidden, 1));
    at::Tensor w = at::randn({streams, streams}) * (1.0 / std::sqrt(double(std::max<int64_t>(1, streams))));
    m_offDiagonal = register_buffer("psi_off_diagonal", at::ones({streams, streams}) - at::eye(streams));
    m_psiWeight = register_parameter("psi_weight", w * m_offDiagonal);
    m_psiBias = register_parameter("psi_bias", at::zeros({streams}));
    m_gamma = register_parameter("gamma", at::full({streams}, 0.5));
    m_a = register_parameter("a", at::full({streams}, -0.5));
}

at::Tensor ErnnImpl::phiEstimate(const at::Tensor &x, const at::Tensor &m)
{
    const int64_t b = x.size(0), steps = x.size(1), d = x.size(2);
    // [B, T, D] -> [B*D, T, 2]: one sequence per stream.
    const at::Tensor in = at::stack({x * m, m}, 3).permute({0, 2, 1, 3}).reshape({b * d, steps, 2});
    const at::Tensor fwd = std::get<0>(m_forwardRnn(in));                     // state after 0..t
    const at::Tensor bwd = std::get<0>(m_backwardRnn(in.flip({1}))).flip({1}); // state after T-1..t
    const at::Tensor zero = at::zeros({b * d, 1, m_hidden}, x.options());
    // Forward state from t - 1, backward state from t + 1.
    const at::Tensor before = at::cat({zero, fwd.narrow(1, 0, steps - 1)}, 1);
    const at::Tensor after = at::cat({bwd.narrow(1, 1, steps - 1), zero}, 1);
    const at::Tensor est = m_phiOut(at::cat({before, after}, 2)).squeeze(2);  // [B*D, T]
    return est.view({b, d, steps}).permute({0, 2, 1});
}

ErnnOutput ErnnImpl::forward(const at::Tensor &x, const at::Tensor &m)
{
    ErnnOutput o;
    o.phi = phiEstimate(x, m);
    // Psi sees every other stream at t, its missing values filled by phi.
    const at::Tensor filled = m * x + (1.0 - m) * o.phi;
    o.psi = at::matmul(filled, psiWeight().t()) + m_psiBias;
    o.weights = ernnDynamicWeights(ernnElapsed(m), m_gamma, m_a);
    o.estimate = o.weights * o.phi + (1.0 - o.weights) * o.psi;
    o.completed = m * x + (1.0 - m) * o.estimate;
    return o;
}

at::Tensor ernnPredictionLoss(const ErnnOutput &out, const at::Tensor &x, const at::Tensor &m)
{
    const at::Tensor known = m.sum().clamp_min(1.0);
    auto err = [&](const at::Tensor &e) { return ((e - x).pow(2) * m).sum() / known; };
    return err(out.phi) + err(out.psi) + err(out.estimate);
}

namespace {

at::Tensor emission(const at::Tensor &unary, int64_t t)
{
    return at::stack({at::zeros_like(unary[t]), unary[t]});  // [2]: state 0, state 1
}

} // namespace

at::Tensor crfLogPartition(const at::Tensor &unary, const at::Tensor &transitions)
{
    at::Tensor alpha = emission(unary, 0);
    for (int64_t t = 1; t < unary.size(0); ++t)
        alpha = at::logsumexp(alpha.unsqueeze(1) + transitions, 0) + emission(unary, t);
    return at::logsumexp(alpha, 0);
}

at::Tensor crfLogLikelihood(const at::Tensor &unary, const at::Tensor &transitions, const std::vector<int> &states)
{
    at::Tensor score = states[0] ? unary[0] : at::zeros_like(unary[0]);
    for (size_t t = 1; t < states.size(); ++t) {
        score = score + transitions[states[t - 1]][states[t]];
        if (states[t])
            score = score + unary[int64_t(t)];
    }
    return score - crfLogPartition(unary, transitions);
}

std::vector<int> crfViterbi(const at::Tensor &unary, const at::Tensor &transitions)
{
    const at::Tensor u = unary.detach().to(at::kCPU, at::kDouble).contiguous();
    const at::Tensor tr = transitions.detach().to(at::kCPU, at::kDouble).contiguous();
    const int64_t steps = u.size(0);
    if (steps == 0)
        return {};
    const double *pu = u.data_ptr<double>();
    const double *pt = tr.data_ptr<double>();
    std::vector<double> score{0.0, pu[0]};
    std::vector<int> back(size_t(2 * steps), 0);
    for (int64_t t = 1; t < steps; ++t) {
        std::vector<double> next(2);
        for (int to = 0; to < 2; ++to) {
            const double s0 = score[0] + pt[0 * 2 + to];
            const double s1 = score[1] + pt[1 * 2 + to];
            back[size_t(2 * t + to)] = s1 > s0 ? 1 : 0;
            next[size_t(to)] = std::max(s0, s1) + (to ? pu[t] : 0.0);
        }
        score = next;
    }
    std::vector<int> path(static_cast<size_t>(steps));
    path[size_t(steps - 1)] = score[1] > score[0] ? 1 : 0;
    for (int64_t t = steps - 1; t > 0; --t)
        path[size_t(t - 1)] = back[size_t(2 * t + path[size_t(t)])];
    return path;
}

} // namespace taglane::engine::detail
