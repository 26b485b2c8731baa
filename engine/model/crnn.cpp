// SPDX-License-Identifier: GPL-3.0-or-later
// CRNN (Choi et al., 2017) as trained on MagnaTagATune by Won et al. (SMC 2020).
#include <ATen/ATen.h>

#include "engine/model/network_p.h"

namespace taglane::engine::detail {

namespace {

struct CrnnLayer
{
    int64_t in, out, pool;
};
constexpr CrnnLayer kLayers[4] = {{1, 64, 2}, {64, 128, 3}, {128, 128, 4}, {128, 128, 4}};
constexpr int64_t kHidden = 32;
constexpr int64_t kGruLayers = 2;

class Crnn final : public TagNetwork
{
public:
    explicit Crnn(const TorchStateDict &w)
        : m_frontEnd(w)
    {
        for (int i = 0; i < 4; ++i)
            m_layers[i] = foldConvBn(w, "layer" + std::to_string(i + 1), {1, 1});
        for (int l = 0; l < kGruLayers; ++l) {
            for (const char *part : {"weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l"})
                m_gru.push_back(w.at("layer5." + std::string(part) + std::to_string(l)).contiguous());
        }
        m_denseWeight = w.at("dense.weight").contiguous();
        m_denseBias = w.at("dense.bias").contiguous();
    }

    at::Tensor forward(const at::Tensor &waveforms) const override
    {
        at::Tensor x = m_frontEnd.forward(waveforms);
        x = firstConvBnReluPool(x, m_layers[0], kLayers[0].pool, kLayers[0].pool);
        for (int i = 1; i < 4; ++i)
            x = convBnReluPool2d(x, m_layers[i], {kLayers[i].pool, kLayers[i].pool});
        // [B, 128, 1, T'] -> [B, T', 128]
        x = x.squeeze(2).permute({0, 2, 1}).contiguous();
        const at::Tensor h0 = at::zeros({kGruLayers, x.size(0), kHidden}, x.options());
        const at::Tensor seq = std::get<0>(at::gru(x, h0, m_gru, /*has_biases*/ true, kGruLayers, /*dropout*/ 0.0,
                                                   /*train*/ false, /*bidirectional*/ false, /*batch_first*/ true));
        const at::Tensor last = seq.select(1, seq.size(1) - 1);   // [B, 32]
        return at::linear(last, m_denseWeight, m_denseBias).sigmoid_();
    }

    void moveTo(const at::Device &device) override
    {
        m_frontEnd.moveTo(device);
        for (FoldedConv &c : m_layers)
            c.moveTo(device);
        for (at::Tensor &t : m_gru)
            t = t.to(device);
        m_denseWeight = m_denseWeight.to(device);
        m_denseBias = m_denseBias.to(device);
    }

private:
    MelFrontEnd m_frontEnd;
    FoldedConv m_layers[4];
    std::vector<at::Tensor> m_gru;   // w_ih, w_hh, b_ih, b_hh per layer
    at::Tensor m_denseWeight, m_denseBias;
};

} // namespace

ShapeList crnnShapes(int64_t tagCount)
{
    ShapeList shapes;
    appendFrontEndShapes(shapes);
    for (int i = 0; i < 4; ++i)
        appendConvBnShapes(shapes, "layer" + std::to_string(i + 1), {kLayers[i].out, kLayers[i].in, 3, 3});
    const int64_t gates = 3 * kHidden;
    for (int l = 0; l < kGruLayers; ++l) {
        const std::string n = std::to_string(l);
        shapes.emplace_back("layer5.weight_ih_l" + n, std::vector<int64_t>{gates, l == 0 ? int64_t(128) : kHidden});
        shapes.emplace_back("layer5.weight_hh_l" + n, std::vector<int64_t>{gates, kHidden});
        shapes.emplace_back("layer5.bias_ih_l" + n, std::vector<int64_t>{gates});
        shapes.emplace_back("layer5.bias_hh_l" + n, std::vector<int64_t>{gates});
    }
    shapes.emplace_back("dense.weight", std::vector<int64_t>{tagCount, kHidden});
    shapes.emplace_back("dense.bias", std::vector<int64_t>{tagCount});
    return shapes;
}

std::unique_ptr<TagNetwork> createCrnn(const TorchStateDict &weights)
{
    return std::make_unique<Crnn>(weights);
}

} // namespace taglane::engine::detail
