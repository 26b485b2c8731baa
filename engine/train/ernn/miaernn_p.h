// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: the MIA-ERNN body (attention fusion of audio and
// semantic features over ERNN-completed audio, equations 18-19) and its
// ablations. Include only from engine .cpp files, before any Qt header.
#pragma once

#include <torch/torch.h>

#include "engine/train/ernn/ernn_p.h"

namespace taglane::engine::detail {

/// Which parts are on: MIA-ERNN has all; /AF drops audio, /SE drops the
/// semantic attention, /AM concatenates instead of attending, /ET runs a
/// plain GRU on zero-filled audio instead of the ERNN.
struct MiaErnnVariant
{
    bool audio = true;
    bool semantic = true;
    bool attention = true;
    bool ernn = true;
};

/// Output of one pass: per-step tag logits [B, T, tags] and the ERNN pass
/// (empty tensors when the ERNN is off).
struct MiaErnnOutput
{
    at::Tensor logits;
    ErnnOutput ernn;
};

class MiaErnnImpl : public torch::nn::Module
{
public:
    /// tags = 0: no head of its own (forward() is then unusable; the
    /// caller applies its own output layer to hidden()'s h_t).
    MiaErnnImpl(int64_t audioDim, int64_t topics, int64_t tags, MiaErnnVariant variant, int64_t r = 4,
                int64_t hidden = 32);
    /// audio, mask [B, T, audioDim]; topics [B, K] (the semantic input).
    MiaErnnOutput forward(const at::Tensor &audio, const at::Tensor &mask, const at::Tensor &topics);
    /// The input of the output layer per step, h_t [B, T, hiddenDim()]
    /// (eq. 19), with the ERNN pass in `ernn` (empty when the ERNN is off).
    at::Tensor hidden(const at::Tensor &audio, const at::Tensor &mask, const at::Tensor &topics, ErnnOutput &ernn);
    int64_t hiddenDim() const { return m_hiddenDim; }
    /// Per-tag CRF transitions [tags, 2, 2] (from, to).
    at::Tensor &transitions() { return m_transitions; }
    const MiaErnnVariant &variant() const { return m_variant; }

private:
    MiaErnnVariant m_variant;
    int64_t m_r;
    int64_t m_hiddenDim = 0;
    Ernn m_ernn{nullptr};
    torch::nn::Linear m_attAudio{nullptr}, m_attAudioOut{nullptr};  // A: w_a^T tanh(U_a c_t), r rows
    torch::nn::Linear m_attSem{nullptr}, m_attSemAudio{nullptr}, m_attSemOut{nullptr};  // B
    torch::nn::GRU m_temporal{nullptr};  // e_t
    torch::nn::Linear m_head{nullptr};
    at::Tensor m_transitions;
};
TORCH_MODULE(MiaErnn);

/// The training loss: masked BCE of the per-step logits on known label
/// cells, plus the CRF negative log-likelihood of each fully labelled
/// (track, tag) chain (mean over chains), plus the ERNN prediction loss.
/// logits, targets, labelMask [B, T, tags]; audio, mask [B, T, D].
at::Tensor miaErnnLoss(MiaErnn &net, const MiaErnnOutput &out, const at::Tensor &targets,
                       const at::Tensor &labelMask, const at::Tensor &audio, const at::Tensor &mask);

} // namespace taglane::engine::detail
