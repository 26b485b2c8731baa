// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: structured self-attention pooling (Lin et al. 2017)
// as used by the multimodal CNN of Miao and Cheng: A = softmax(W2 tanh(W1 X^T))
// along time, M = A X. Include only from engine .cpp files, before any Qt header.
#pragma once

#include <torch/torch.h>

namespace taglane::engine::detail {

/// X [B, T, D] -> M [B, r, D]; the last attention [B, r, T] is kept for callers.
class SelfAttentionPoolingImpl : public torch::nn::Module
{
public:
    SelfAttentionPoolingImpl(int64_t dim, int64_t hidden, int64_t heads);

    /// Returns {M [B, r, D], A [B, r, T]}.
    std::pair<at::Tensor, at::Tensor> forward(const at::Tensor &x);

    torch::nn::Linear w1{nullptr}; ///< D -> d_a, no bias
    torch::nn::Linear w2{nullptr}; ///< d_a -> r, no bias
};
TORCH_MODULE(SelfAttentionPooling);

/// ||A A^T - I||_F^2 averaged over the batch; A [B, r, T]. Zero when the r
/// attention rows are orthonormal.
at::Tensor attentionPenalty(const at::Tensor &attention);

} // namespace taglane::engine::detail
