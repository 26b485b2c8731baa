// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: the ERNN of the optimised-RNN study (Gao and Wang,
// 2025, section 3) and its per-tag binary CRF chain (equations 24-27) as
// torch::nn modules. Include only from engine .cpp files, before any Qt header.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace taglane::engine::detail {

/// Elapsed steps since the last observation, per stream (eq. 10's delta):
/// delta_0 = 0, delta_t = 1 + (1 - m_{t-1}) delta_{t-1}. masks [B, T, D].
at::Tensor ernnElapsed(const at::Tensor &masks);
/// V_t = exp(-max(0, gamma delta_t + a)), gamma and a [D], delta [B, T, D].
at::Tensor ernnDynamicWeights(const at::Tensor &delta, const at::Tensor &gamma, const at::Tensor &a);

/// Outputs of one ERNN pass over values x and masks m ([B, T, D] each).
struct ErnnOutput
{
    at::Tensor phi;       ///< interpolation estimate (neighbours in time only)
    at::Tensor psi;       ///< cross-stream estimate (other streams only)
    at::Tensor weights;   ///< V_t
    at::Tensor estimate;  ///< I_t = V_t phi + (1 - V_t) psi
    at::Tensor completed; ///< c_t = m x + (1 - m) I_t
};

/// Phi: a bidirectional GRU per stream (weights shared over streams, input =
/// [m x, m] of that stream), its forward state taken at t - 1 and its
/// backward state at t + 1, so x_t never enters its own estimate. Psi: a
/// fully connected layer over streams whose diagonal is held at zero (the
/// mask multiplies the weight, so the diagonal gets no gradient either).
class ErnnImpl : public torch::nn::Module
{
public:
    ErnnImpl(int64_t streams, int64_t hidden);
    ErnnOutput forward(const at::Tensor &x, const at::Tensor &m);
    /// Psi's effective weight [D, D] (diagonal zero).
    at::Tensor psiWeight() const { return m_psiWeight * m_offDiagonal; }
    at::Tensor &psiRawWeight() { return m_psiWeight; }

private:
    at::Tensor phiEstimate(const at::Tensor &x, const at::Tensor &m);

    int64_t m_streams;
    int64_t m_hidden;
    torch::nn::GRU m_forwardRnn{nullptr}, m_backwardRnn{nullptr};
    torch::nn::Linear m_phiOut{nullptr};
    at::Tensor m_psiWeight, m_psiBias, m_offDiagonal, m_gamma, m_a;
};
TORCH_MODULE(Ernn);

/// The prediction loss of eqs. 20-23: mean squared error of phi, psi and
/// I_t against x over observed cells (mask 1); 0 when nothing is observed.
at::Tensor ernnPredictionLoss(const ErnnOutput &out, const at::Tensor &x, const at::Tensor &m);

/// One binary chain per tag: the emission of state 1 at step t is the tag's
/// logit u_t, of state 0 zero; transitions [2, 2] (from, to). Unary [T].
/// log p(states) = score(states) - log Z (forward algorithm). Differentiable.
at::Tensor crfLogLikelihood(const at::Tensor &unary, const at::Tensor &transitions, const std::vector<int> &states);
at::Tensor crfLogPartition(const at::Tensor &unary, const at::Tensor &transitions);
/// Most probable state sequence (Viterbi).
std::vector<int> crfViterbi(const at::Tensor &unary, const at::Tensor &transitions);

} // namespace taglane::engine::detail
