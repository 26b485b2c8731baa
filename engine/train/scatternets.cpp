// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/dsp/scattering.h"
#include "engine/train/scatternets_p.h"

#include <stdexcept>
#include <string>

namespace taglane::engine::detail {

namespace {

const Scattering &transform()
{
    static const Scattering s{ScatteringSettings{}};
    return s;
}

} // namespace

int scatteringRows()
{
    return transform().rows();
}

int scatteringHop()
{
    return transform().hop();
}

at::Tensor scatteringFeatures(const at::Tensor &waveforms)
{
    const Scattering &s = transform();
    if (!s.isValid())
        throw std::runtime_error(s.error().toStdString());
    const at::Tensor w = waveforms.detach().to(at::kCPU, at::kFloat).contiguous();
    const int64_t batch = w.size(0);
    const int64_t n = w.size(1);
    const int64_t frames = s.frameCount(n);
    const int rows = s.rows();
    at::Tensor out = at::empty({batch, rows, frames}, at::kFloat);
    float *o = out.data_ptr<float>();
    for (int64_t b = 0; b < batch; ++b) {
        auto m = s.compute(w[b].data_ptr<float>(), n);
        if (!m)
            throw std::runtime_error(m.error().toStdString());
        // FeatureMatrix is frame-major; the tensor is row-major [rows, frames].
        float *ob = o + b * rows * frames;
        for (int64_t f = 0; f < m->frames && f < frames; ++f)
            for (int r = 0; r < rows; ++r)
                ob[r * frames + f] = m->values[size_t(f * rows + r)];
    }
    return out.to(waveforms.device());
}

ScatterBodyImpl::ScatterBodyImpl(ScatterBodyKind kind, int64_t rows)
    : m_kind(kind)
{
    using namespace torch::nn;
    switch (kind) {
    case ScatterBodyKind::Gru:
        gru = register_module("gru", GRU(GRUOptions(rows, kHidden).num_layers(kLayers).batch_first(true)));
        break;
    case ScatterBodyKind::Lstm:
        lstm = register_module("lstm", LSTM(LSTMOptions(rows, kHidden).num_layers(kLayers).batch_first(true)));
        break;
    case ScatterBodyKind::Cnn:
        c1 = register_module("conv1", Conv1d(Conv1dOptions(rows, kChannels, 3).padding(1)));
        b1 = register_module("bn1", BatchNorm1d(kChannels));
        c2 = register_module("conv2", Conv1d(Conv1dOptions(kChannels, kChannels, 3).padding(1)));
        b2 = register_module("bn2", BatchNorm1d(kChannels));
        c3 = register_module("conv3", Conv1d(Conv1dOptions(kChannels, kChannels, 3).padding(1)));
        b3 = register_module("bn3", BatchNorm1d(kChannels));
        break;
    }
}

int64_t ScatterBodyImpl::dim() const
{
    return m_kind == ScatterBodyKind::Cnn ? 2 * kChannels : kHidden;
}

at::Tensor ScatterBodyImpl::forward(const at::Tensor &x)
{
    if (m_kind == ScatterBodyKind::Cnn) {
        at::Tensor h = at::max_pool1d(at::relu(b1(c1(x))), 2);
        h = at::max_pool1d(at::relu(b2(c2(h))), 2);
        h = at::relu(b3(c3(h)));
        return at::cat({std::get<0>(h.max(2)), h.mean(2)}, 1);
    }
    const at::Tensor seq = x.transpose(1, 2);  // [N, frames, rows]
    const at::Tensor top = m_kind == ScatterBodyKind::Gru ? std::get<0>(gru(seq)) : std::get<0>(lstm(seq));
    return top.select(1, top.size(1) - 1);  // the last frame's output [N, hidden]
}

} // namespace taglane::engine::detail
