// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: the body of cnn-sam (Miao and Cheng): a log-Mel
// branch (2-D CNN) and a raw-waveform branch (pre-emphasis, strided 1-D CNN),
// ELU + batch norm + dropout 0.5 after each hidden layer, a BiLSTM over each
// branch's feature sequence, self-attention pooling (r = 4) per branch, the
// flattened pooled matrices concatenated into one output layer. A further
// input branch (lyrics) would add one more pooled matrix to the concatenation.
// Include only from engine .cpp files, before any Qt header.
#pragma once

#include "engine/train/selfattentionpooling_p.h"

#include <torch/torch.h>

namespace taglane::engine::detail {

struct CnnSamOutput
{
    at::Tensor pooled;         ///< [B, branches * r * D]: the flattened M of each branch, concatenated
    at::Tensor logits;         ///< [B, tags]; undefined without an output layer
    at::Tensor melAttention;   ///< [B, r, T_mel]
    at::Tensor waveAttention;  ///< [B, r, T_wave]
};

class CnnSamNetImpl : public torch::nn::Module
{
public:
    /// useMel / useWave select the branches (both: cnn-sam; one: the
    /// single-modality networks that fusion-linear fuses). tags 0: no output
    /// layer (the caller owns it; forward() then gives only pooled and the
    /// attention). preEmphasise false: the waveform comes pre-emphasised.
    CnnSamNetImpl(int64_t bands, int64_t tags, bool useMel = true, bool useWave = true, int64_t heads = 4,
                  bool preEmphasise = true);

    /// mel [B, bands, frames] (standardised log-Mel), wave [B, N] (raw samples).
    CnnSamOutput forward(const at::Tensor &mel, const at::Tensor &wave);
    /// Width of CnnSamOutput::pooled.
    int64_t pooledDim() const { return m_pooledDim; }

private:
    at::Tensor melSequence(const at::Tensor &mel);   // -> [B, T, D]
    at::Tensor waveSequence(const at::Tensor &wave); // -> [B, T, D]

    bool m_useMel, m_useWave, m_preEmphasise;
    int64_t m_pooledDim = 0;
    torch::nn::Sequential m_mel{nullptr}, m_wave{nullptr};
    torch::nn::LSTM m_melLstm{nullptr}, m_waveLstm{nullptr};
    SelfAttentionPooling m_melPool{nullptr}, m_wavePool{nullptr};
    torch::nn::Dropout m_dropout{nullptr};
    torch::nn::Linear m_out{nullptr};
};
TORCH_MODULE(CnnSamNet);

} // namespace taglane::engine::detail
