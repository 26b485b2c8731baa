// SPDX-License-Identifier: GPL-3.0-or-later
// FCN (Choi et al., 2016) as trained on MagnaTagATune by Won et al. (SMC 2020).
#include <ATen/ATen.h>

#include "engine/model/network_p.h"

namespace taglane::engine::detail {

namespace {

struct FcnLayer
{
    int64_t in, out, poolFreq, poolTime;
};
constexpr FcnLayer kLayers[5] = {{1, 64, 2, 4}, {64, 128, 2, 4}, {128, 128, 2, 4}, {128, 128, 3, 5}, {128, 64, 4, 4}};

class Fcn final : public TagNetwork
{
public:
    explicit Fcn(const TorchStateDict &w)
        : m_frontEnd(w)
    {
        for (int i = 0; i < 5; ++i)
            m_layers[i] = foldConvBn(w, "layer" + std::to_string(i + 1), {1, 1});
        m_denseWeight = w.at("dense.weight").contiguous();
        m_denseBias = w.at("dense.bias").contiguous();
    }

    at::Tensor forward(const at::Tensor &waveforms) const override
    {
        at::Tensor x = m_frontEnd.forward(waveforms);
        x = firstConvBnReluPool(x, m_layers[0], kLayers[0].poolFreq, kLayers[0].poolTime);
        for (int i = 1; i < 5; ++i)
            x = convBnReluPool2d(x, m_layers[i], {kLayers[i].poolFreq, kLayers[i].poolTime});
        x = x.reshape({x.size(0), -1});   // [B, 64]
        return at::linear(x, m_denseWeight, m_denseBias).sigmoid_();
    }

    void moveTo(const at::Device &device) override
    {
        m_frontEnd.moveTo(device);
        for (FoldedConv &c : m_layers)
            c.moveTo(device);
        m_denseWeight = m_denseWeight.to(device);
        m_denseBias = m_denseBias.to(device);
    }

private:
    MelFrontEnd m_frontEnd;
    FoldedConv m_layers[5];
    at::Tensor m_denseWeight, m_denseBias;
};

} // namespace

ShapeList fcnShapes(int64_t tagCount)
{
    ShapeList shapes;
    appendFrontEndShapes(shapes);
    for (int i = 0; i < 5; ++i)
        appendConvBnShapes(shapes, "layer" + std::to_string(i + 1), {kLayers[i].out, kLayers[i].in, 3, 3});
    shapes.emplace_back("dense.weight", std::vector<int64_t>{tagCount, 64});
    shapes.emplace_back("dense.bias", std::vector<int64_t>{tagCount});
    return shapes;
}

std::unique_ptr<TagNetwork> createFcn(const TorchStateDict &weights)
{
    return std::make_unique<Fcn>(weights);
}

} // namespace taglane::engine::detail
