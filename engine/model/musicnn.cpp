// SPDX-License-Identifier: GPL-3.0-or-later
// musicnn (Pons et al.) as trained on MagnaTagATune by Won et al. (SMC 2020).
#include <ATen/ATen.h>

#include "engine/model/network_p.h"

namespace taglane::engine::detail {

namespace {

constexpr int64_t kVerticalFilters = 204;
constexpr int64_t kHorizontalFilters = 51;
constexpr int64_t kBackEnd = 64;
constexpr int64_t kDense = 200;
constexpr int64_t kVerticalHeights[2] = {67, 38};       // 0.7 and 0.4 of 96 mel bins
constexpr int64_t kHorizontalLengths[3] = {129, 65, 33};
constexpr int64_t kFrontChannels = 2 * kVerticalFilters + 3 * kHorizontalFilters;   // 561

class Musicnn final : public TagNetwork
{
public:
    explicit Musicnn(const TorchStateDict &w)
        : m_frontEnd(w)
    {
        for (int i = 0; i < 2; ++i)
            m_vertical[i] = foldConvBn(w, "layers." + std::to_string(i), {0, 3});
        for (int i = 0; i < 3; ++i) {
            const int64_t k = kHorizontalLengths[i];
            m_horizontal[i] = foldConvBn(w, "layers." + std::to_string(i + 2), {k / 2});
        }
        for (int i = 0; i < 3; ++i)
            m_backEnd[i] = foldConvBn(w, "layer" + std::to_string(i + 1), {3});
        const auto [scale, shift] = batchNormAffine(w, "bn");
        const at::Tensor w1 = w.at("dense1.weight").to(at::kDouble);
        const at::Tensor b1 = w.at("dense1.bias").to(at::kDouble);
        m_dense1Weight = (w1 * scale.unsqueeze(1)).to(at::kFloat).contiguous();
        m_dense1Bias = (b1 * scale + shift).to(at::kFloat).contiguous();
        m_dense2Weight = w.at("dense2.weight").contiguous();
        m_dense2Bias = w.at("dense2.bias").contiguous();
    }

    at::Tensor forward(const at::Tensor &waveforms) const override
    {
        const at::Tensor x = m_frontEnd.forward(waveforms);   // [B, 1, 96, T]
        std::vector<at::Tensor> front;
        front.reserve(5);
        // Vertical filters: conv -> BN -> ReLU -> max over frequency; the max
        // is taken first (ReLU is monotonic).
        // On the CPU one chunk at a time: the [204, F', T] activation of a
        // single chunk stays in cache for the max, a whole batch does not.
        for (const FoldedConv &conv : m_vertical) {
            if (x.is_cpu()) {
                std::vector<at::Tensor> parts;
                for (int64_t i = 0; i < x.size(0); ++i)
                    parts.push_back(conv2dFast(x.narrow(0, i, 1), conv.weight, conv.bias, conv.padding).amax(2));
                front.push_back(at::cat(parts, 0).relu_());
            } else {
                front.push_back(conv2dFast(x, conv.weight, conv.bias, conv.padding).amax(2).relu_());   // [B, 204, T]
            }
        }
        // Horizontal filters on the frequency mean.
        const at::Tensor mean = x.mean(2);   // [B, 1, T]
        for (const FoldedConv &conv : m_horizontal)
            front.push_back(conv1dFast(mean, conv.weight, conv.bias, conv.padding[0]).relu_());
        const at::Tensor out = at::cat(front, 1);   // [B, 561, T]

        const at::Tensor res1 = conv1dFast(out, m_backEnd[0].weight, m_backEnd[0].bias, 3).relu_();
        const at::Tensor res2 = conv1dFast(res1, m_backEnd[1].weight, m_backEnd[1].bias, 3).relu_() + res1;
        const at::Tensor res3 = conv1dFast(res2, m_backEnd[2].weight, m_backEnd[2].bias, 3).relu_() + res2;
        const at::Tensor all = at::cat({out, res1, res2, res3}, 1);   // [B, 753, T]
        const at::Tensor pooled = at::cat({std::get<0>(all.max(2)), all.mean(2)}, 1);   // [B, 1506]

        const at::Tensor hidden = at::linear(pooled, m_dense1Weight, m_dense1Bias).relu_();
        return at::linear(hidden, m_dense2Weight, m_dense2Bias).sigmoid_();
    }

    void moveTo(const at::Device &device) override
    {
        m_frontEnd.moveTo(device);
        for (FoldedConv &c : m_vertical)
            c.moveTo(device);
        for (FoldedConv &c : m_horizontal)
            c.moveTo(device);
        for (FoldedConv &c : m_backEnd)
            c.moveTo(device);
        m_dense1Weight = m_dense1Weight.to(device);
        m_dense1Bias = m_dense1Bias.to(device);
        m_dense2Weight = m_dense2Weight.to(device);
        m_dense2Bias = m_dense2Bias.to(device);
    }

private:
    MelFrontEnd m_frontEnd;
    FoldedConv m_vertical[2];
    FoldedConv m_horizontal[3];
    FoldedConv m_backEnd[3];
    at::Tensor m_dense1Weight, m_dense1Bias;   // with the dense BatchNorm folded in
    at::Tensor m_dense2Weight, m_dense2Bias;
};

} // namespace

ShapeList musicnnShapes(int64_t tagCount)
{
    ShapeList shapes;
    appendFrontEndShapes(shapes);
    for (int i = 0; i < 2; ++i)
        appendConvBnShapes(shapes, "layers." + std::to_string(i), {kVerticalFilters, 1, kVerticalHeights[i], 7});
    for (int i = 0; i < 3; ++i)
        appendConvBnShapes(shapes, "layers." + std::to_string(i + 2), {kHorizontalFilters, 1, kHorizontalLengths[i]});
    appendConvBnShapes(shapes, "layer1", {kBackEnd, kFrontChannels, 7});
    appendConvBnShapes(shapes, "layer2", {kBackEnd, kBackEnd, 7});
    appendConvBnShapes(shapes, "layer3", {kBackEnd, kBackEnd, 7});
    const int64_t pooled = 2 * (kFrontChannels + 3 * kBackEnd);   // 1506
    shapes.emplace_back("dense1.weight", std::vector<int64_t>{kDense, pooled});
    shapes.emplace_back("dense1.bias", std::vector<int64_t>{kDense});
    for (const char *part : {"bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"})
        shapes.emplace_back(part, std::vector<int64_t>{kDense});
    shapes.emplace_back("dense2.weight", std::vector<int64_t>{tagCount, kDense});
    shapes.emplace_back("dense2.bias", std::vector<int64_t>{tagCount});
    return shapes;
}

std::unique_ptr<TagNetwork> createMusicnn(const TorchStateDict &weights)
{
    return std::make_unique<Musicnn>(weights);
}

} // namespace taglane::engine::detail
