// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: the bodies of the scattering architectures of Song
// et al. (Neurocomputing 2018), scatter-gru, scatter-lstm and scatter-cnn, and
// their front end (engine/dsp/scattering at its defaults). Include only from
// engine .cpp files, before any Qt header.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace taglane::engine::detail {

enum class ScatterBodyKind { Gru, Lstm, Cnn };

/// Rows (first-order bands + second-order paths) and frame hop in samples of
/// the default scattering (22.05 kHz, T = 8192, Q1 = 8, Q2 = 1). Any thread.
int scatteringRows();
int scatteringHop();
/// Log, normalised scattering of waveforms [B, N] at 22.05 kHz ->
/// [B, rows, 1 + N / hop] on the waveforms' device. Throws on a too short
/// or non-finite signal. Any thread (the transform is shared and const).
at::Tensor scatteringFeatures(const at::Tensor &waveforms);

/// Standardised scattering frames [N, rows, frames] -> embedding [N, dim()].
/// Gru / Lstm: five stacked recurrent layers over the frames (batch first),
/// the top layer's last output. Cnn: three 1-D convolutions over time with
/// the coefficients as channels, batch norm, global max and mean pooling.
class ScatterBodyImpl : public torch::nn::Module
{
public:
    static constexpr int64_t kHidden = 96;
    static constexpr int64_t kLayers = 5;
    static constexpr int64_t kChannels = 128;

    ScatterBodyImpl(ScatterBodyKind kind, int64_t rows);
    at::Tensor forward(const at::Tensor &x);
    int64_t dim() const;

private:
    ScatterBodyKind m_kind;
    torch::nn::GRU gru{nullptr};
    torch::nn::LSTM lstm{nullptr};
    torch::nn::Conv1d c1{nullptr}, c2{nullptr}, c3{nullptr};
    torch::nn::BatchNorm1d b1{nullptr}, b2{nullptr}, b3{nullptr};
};
TORCH_MODULE(ScatterBody);

} // namespace taglane::engine::detail
