// SPDX-License-Identifier: GPL-3.0-or-later
// The cnn-sam and fusion-linear kinds of TrainableNet (Miao and Cheng): the
// stacked log-Mel + waveform front end, the bodies, the training objective
// with the attention penalty, and the linear weighted fusion.
#include <torch/torch.h>

#include "engine/dsp/featuresettings.h"
#include "engine/train/trainablenet_p.h"

#include <limits>
#include <stdexcept>
#include <vector>

namespace taglane::engine::detail {

void TrainableNetImpl::buildCnnSam(int64_t tags)
{
    using namespace torch::nn;
    const int64_t mel = m_spec.spectrumBands();
    if (m_spec.kind == TrainableKind::CnnSam) {
        sam = register_module("sam", CnnSamNet(mel, 0, true, true, 4, /*preEmphasise=*/false));
        drop = register_module("dropout", Dropout(0.5));
        out = register_module("output", Linear(sam->pooledDim(), tags));
        return;
    }
    // fusion-linear: each branch with its own head, trained alone; `out`
    // holds their fusion (see setFusionWeights).
    samMel = register_module("samMel", CnnSamNet(mel, 0, true, false, 4, false));
    samWave = register_module("samWave", CnnSamNet(mel, 0, false, true, 4, false));
    melHead = register_module("melHead", Linear(samMel->pooledDim(), tags));
    waveHead = register_module("waveHead", Linear(samWave->pooledDim(), tags));
    drop = register_module("dropout", Dropout(0.5));
    out = register_module("output", Linear(samMel->pooledDim() + samWave->pooledDim(), tags));
    m_fusion = register_buffer("fusion_weight", at::full({tags}, 0.5, at::kFloat));
    setFusionWeights(m_fusion.clone());
}

at::Tensor TrainableNetImpl::cnnSamFeatures(const at::Tensor &waveforms) const
{
    // Log-Mel of the plain waveform, [B, mel, T] with T = 1 + N / hop (centred).
    const at::Tensor spectrum = at::stft(waveforms, m_spec.nFft, m_spec.hop, m_spec.nFft, m_window, true, "reflect",
                                         false, true, true);
    const at::Tensor power = at::view_as_real(spectrum).pow(2).sum(-1);
    const at::Tensor mel = 10.0 * at::log10(at::matmul(m_filters, power).clamp_min(1e-10));
    const int64_t frames = mel.size(2);
    const int64_t n = waveforms.size(1);
    // Pre-emphasis y[n] = x[n] - c x[n-1] over the whole signal (y[0] = x[0]),
    // then frame t carries samples [t hop, (t + 1) hop), zeros past the end.
    const double c = FeatureSettings::preEmphasisCoefficient;
    at::Tensor y = n > 1 ? at::cat({waveforms.narrow(1, 0, 1),
                                    waveforms.narrow(1, 1, n - 1) - c * waveforms.narrow(1, 0, n - 1)}, 1)
                         : waveforms.clone();
    const int64_t need = frames * m_spec.hop;
    y = need > n ? at::constant_pad_nd(y, {0, need - n}, 0.0) : y.narrow(1, 0, need);
    const at::Tensor rows = y.reshape({waveforms.size(0), frames, m_spec.hop}).transpose(1, 2);  // [B, hop, T]
    return at::cat({mel, rows}, 1).contiguous();
}

std::pair<at::Tensor, at::Tensor> TrainableNetImpl::splitMelWave(const at::Tensor &x) const
{
    const int64_t mel = m_spec.spectrumBands();
    const at::Tensor m = x.narrow(1, 0, mel);
    // [N, hop, frames] -> [N, frames, hop] -> [N, frames * hop]: the samples in time order.
    const at::Tensor w = x.narrow(1, mel, m_spec.waveRows).transpose(1, 2).reshape({x.size(0), -1});
    return {m, w};
}

at::Tensor TrainableNetImpl::trainingLoss(const at::Tensor &features, const at::Tensor &targets, const at::Tensor &mask,
                                          double alpha, double penaltyWeight)
{
    if (isMia())
        return miaTrainingLoss(features, targets, mask, alpha);
    if (m_spec.kind == TrainableKind::FusionLinear) {
        const auto [zm, zw] = branchLogits(features);
        return 0.5 * (maskedWeightedBce(zm, targets, mask, alpha) + maskedWeightedBce(zw, targets, mask, alpha));
    }
    if (m_spec.kind != TrainableKind::CnnSam || penaltyWeight <= 0.0)
        return maskedWeightedBce(logits(features), targets, mask, alpha);
    const int64_t batch = features.size(0), seq = features.size(1);
    const at::Tensor x = (features - m_mean.view({1, 1, -1, 1})) / m_std.view({1, 1, -1, 1});
    const auto [mel, wave] = splitMelWave(x.reshape({batch * seq, features.size(2), features.size(3)}));
    const CnnSamOutput o = sam->forward(mel, wave);
    const at::Tensor z = out(drop(o.pooled)).view({batch, seq, -1});
    const at::Tensor penalty = 0.5 * (attentionPenalty(o.melAttention) + attentionPenalty(o.waveAttention));
    return maskedWeightedBce(z, targets, mask, alpha) + penaltyWeight * penalty;
}

std::pair<at::Tensor, at::Tensor> TrainableNetImpl::attention(const at::Tensor &features)
{
    if (m_spec.kind != TrainableKind::CnnSam)
        throw std::invalid_argument("only cnn-sam has attention weights");
    const at::Tensor x = (features.squeeze(1) - m_mean.view({1, -1, 1})) / m_std.view({1, -1, 1});
    const auto [mel, wave] = splitMelWave(x);
    const CnnSamOutput o = sam->forward(mel, wave);
    return {o.melAttention, o.waveAttention};
}

std::pair<at::Tensor, at::Tensor> TrainableNetImpl::branchLogits(const at::Tensor &features)
{
    if (m_spec.kind != TrainableKind::FusionLinear)
        throw std::invalid_argument("only fusion-linear has branch heads");
    const int64_t batch = features.size(0), seq = features.size(1);
    const at::Tensor x = (features - m_mean.view({1, 1, -1, 1})) / m_std.view({1, 1, -1, 1});
    const auto [mel, wave] = splitMelWave(x.reshape({batch * seq, features.size(2), features.size(3)}));
    const at::Tensor zm = melHead(drop(samMel->forward(mel, wave).pooled)).view({batch, seq, -1});
    const at::Tensor zw = waveHead(drop(samWave->forward(mel, wave).pooled)).view({batch, seq, -1});
    return {zm, zw};
}

void TrainableNetImpl::setFusionWeights(const at::Tensor &w)
{
    if (m_spec.kind != TrainableKind::FusionLinear)
        throw std::invalid_argument("only fusion-linear has fusion weights");
    torch::NoGradGuard guard;
    const at::Tensor v = w.to(at::kFloat).clamp(0.0, 1.0).reshape({-1, 1});
    m_fusion.copy_(v.reshape({-1}));
    // z = w (W_m e_m + b_m) + (1 - w)(W_w e_w + b_w): one linear layer over [e_m, e_w].
    out->weight.copy_(at::cat({v * melHead->weight, (1.0 - v) * waveHead->weight}, 1));
    out->bias.copy_(v.reshape({-1}) * melHead->bias + (1.0 - v.reshape({-1})) * waveHead->bias);
}

at::Tensor fitFusionWeights(const at::Tensor &melLogits, const at::Tensor &waveLogits, const at::Tensor &targets,
                            const at::Tensor &mask, double alpha)
{
    torch::NoGradGuard guard;
    const int64_t tags = melLogits.size(-1);
    const at::Tensor zm = melLogits.reshape({-1, tags}), zw = waveLogits.reshape({-1, tags});
    const at::Tensor y = targets.reshape({-1, tags}), m = mask.reshape({-1, tags});
    at::Tensor best = at::full({tags}, 0.5, at::kFloat);
    at::Tensor bestLoss = at::full({tags}, std::numeric_limits<float>::infinity(), at::kFloat);
    // Grid from the middle outwards so that a tie keeps the w nearest 0.5.
    std::vector<double> grid{0.5};
    for (int k = 1; k <= 10; ++k) {
        grid.push_back(0.5 + 0.05 * k);
        grid.push_back(0.5 - 0.05 * k);
    }
    for (double w : grid) {
        const at::Tensor z = w * zm + (1.0 - w) * zw;
        const at::Tensor cell = -(alpha * y * -at::softplus(-z) + (1.0 - y) * -at::softplus(z)) * m;
        const at::Tensor loss = cell.sum(0) / m.sum(0).clamp_min(1.0);  // [tags]
        const at::Tensor better = loss < bestLoss - 1e-7;
        best = at::where(better, at::full_like(best, float(w)), best);
        bestLoss = at::where(better, loss, bestLoss);
    }
    return best;
}

} // namespace taglane::engine::detail
