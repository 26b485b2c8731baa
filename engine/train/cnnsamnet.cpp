// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/train/cnnsamnet_p.h"

#include "engine/dsp/featuresettings.h"
#include "engine/train/cnnsamnet.h"

#include <QString>

namespace taglane::engine::detail {

namespace {

constexpr int64_t kChannels = 32;
constexpr int64_t kLstm = 32;     // per direction; D = 2 * kLstm
constexpr int64_t kAttention = 32; // d_a

void addConv2d(torch::nn::Sequential &s, int64_t in, int64_t out)
{
    s->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1)));
    s->push_back(torch::nn::ELU());
    s->push_back(torch::nn::BatchNorm2d(out));
    s->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions({2, 2})));
    s->push_back(torch::nn::Dropout(0.5));
}

void addConv1d(torch::nn::Sequential &s, int64_t in, int64_t out, int64_t kernel, int64_t stride)
{
    s->push_back(torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, kernel).stride(stride)));
    s->push_back(torch::nn::ELU());
    s->push_back(torch::nn::BatchNorm1d(out));
    s->push_back(torch::nn::Dropout(0.5));
}

} // namespace

CnnSamNetImpl::CnnSamNetImpl(int64_t bands, int64_t tags, bool useMel, bool useWave, int64_t heads,
                             bool preEmphasise)
    : m_useMel(useMel), m_useWave(useWave), m_preEmphasise(preEmphasise)
{
    if (!useMel && !useWave)
        throw std::invalid_argument("cnn-sam needs at least one branch");
    const int64_t d = 2 * kLstm;
    int64_t pooled = 0;
    if (useMel) {
        m_mel = torch::nn::Sequential();
        addConv2d(m_mel, 1, kChannels);
        addConv2d(m_mel, kChannels, kChannels);
        addConv2d(m_mel, kChannels, kChannels);
        register_module("mel", m_mel);
        const int64_t melFeatures = kChannels * (bands / 8);
        m_melLstm = register_module("melLstm", torch::nn::LSTM(torch::nn::LSTMOptions(melFeatures, kLstm)
                                                                   .batch_first(true).bidirectional(true)));
        m_melPool = register_module("melPool", SelfAttentionPooling(d, kAttention, heads));
        pooled += heads * d;
    }
    if (useWave) {
        m_wave = torch::nn::Sequential();
        addConv1d(m_wave, 1, kChannels, 64, 16);  // sample-level strided front
        addConv1d(m_wave, kChannels, kChannels, 8, 4);
        addConv1d(m_wave, kChannels, kChannels, 8, 4);
        register_module("wave", m_wave);
        m_waveLstm = register_module("waveLstm", torch::nn::LSTM(torch::nn::LSTMOptions(kChannels, kLstm)
                                                                     .batch_first(true).bidirectional(true)));
        m_wavePool = register_module("wavePool", SelfAttentionPooling(d, kAttention, heads));
        pooled += heads * d;
    }
    m_pooledDim = pooled;
    if (tags > 0) {
        m_dropout = register_module("dropout", torch::nn::Dropout(0.5));
        m_out = register_module("out", torch::nn::Linear(pooled, tags));
    }
}

at::Tensor CnnSamNetImpl::melSequence(const at::Tensor &mel)
{
    at::Tensor h = m_mel->forward(mel.unsqueeze(1)); // [B, C, bands/8, T/8]
    h = h.permute({0, 3, 1, 2}).flatten(2);          // [B, T/8, C * bands/8]
    return std::get<0>(m_melLstm->forward(h));
}

at::Tensor CnnSamNetImpl::waveSequence(const at::Tensor &wave)
{
    const double c = FeatureSettings::preEmphasisCoefficient;
    const at::Tensor y = !m_preEmphasise ? wave
                                         : torch::cat({wave.narrow(1, 0, 1), wave.narrow(1, 1, wave.size(1) - 1)
                                                                                 - c * wave.narrow(1, 0, wave.size(1) - 1)},
                                                      1);
    at::Tensor h = m_wave->forward(y.unsqueeze(1)); // [B, C, T']
    return std::get<0>(m_waveLstm->forward(h.transpose(1, 2)));
}

CnnSamOutput CnnSamNetImpl::forward(const at::Tensor &mel, const at::Tensor &wave)
{
    std::vector<at::Tensor> parts;
    CnnSamOutput o;
    if (m_useMel) {
        auto [m, a] = m_melPool->forward(melSequence(mel));
        parts.push_back(m.flatten(1));
        o.melAttention = a;
    }
    if (m_useWave) {
        auto [m, a] = m_wavePool->forward(waveSequence(wave));
        parts.push_back(m.flatten(1));
        o.waveAttention = a;
    }
    o.pooled = parts.size() == 1 ? parts.front() : torch::cat(parts, 1);
    if (m_out)
        o.logits = m_out->forward(m_dropout->forward(o.pooled));
    return o;
}

} // namespace taglane::engine::detail

namespace taglane::engine {

Result<CnnSamShapes> CnnSamShapes::probe(int bands, int frames, qint64 samples, int tags, int batch, bool useMel,
                                         bool useWave)
{
    try {
        if (bands < 8 || frames < 8 || samples < 2048 || tags < 1 || batch < 1)
            return Result<CnnSamShapes>::failure(QStringLiteral("cnn-sam: input too small (bands and frames >= 8, samples >= 2048)"));
        detail::CnnSamNet net(bands, tags, useMel, useWave);
        net->eval();
        torch::NoGradGuard noGrad;
        const auto o = net->forward(torch::randn({batch, bands, frames}), torch::randn({batch, int64_t(samples)}));
        CnnSamShapes s;
        s.logits = o.logits.sizes().vec();
        if (o.melAttention.defined())
            s.melAttention = o.melAttention.sizes().vec();
        if (o.waveAttention.defined())
            s.waveAttention = o.waveAttention.sizes().vec();
        for (const auto &p : net->parameters())
            s.parameters += p.numel();
        return s;
    } catch (const std::exception &e) {
        return Result<CnnSamShapes>::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

} // namespace taglane::engine

namespace taglane::engine {

namespace {

double evalLoss(detail::CnnSamNet &net, const at::Tensor &mel, const at::Tensor &wave, const at::Tensor &y,
                double alpha, double *penalty)
{
    net->eval();
    torch::NoGradGuard noGrad;
    const auto o = net->forward(mel, wave);
    const at::Tensor lp = torch::log_sigmoid(o.logits), ln = torch::log_sigmoid(-o.logits);
    if (penalty)
        *penalty = 0.5 * (detail::attentionPenalty(o.melAttention) + detail::attentionPenalty(o.waveAttention)).item<double>();
    return (-(alpha * y * lp + (1 - y) * ln)).mean().item<double>();
}

} // namespace

Result<CnnSamTrainingProbe> CnnSamTrainingProbe::run(int steps, double alpha, double penaltyWeight, quint64 seed)
{
    if (steps < 1 || alpha < 1.0 || penaltyWeight < 0.0)
        return Result<CnnSamTrainingProbe>::failure(QStringLiteral("cnn-sam probe: steps >= 1, alpha >= 1, penalty >= 0"));
    try {
        torch::manual_seed(seed);
        const int64_t batch = 8, bands = 16, frames = 32, samples = 4096, tags = 2;
        const at::Tensor y = torch::cat({torch::ones({batch / 2, 1}), torch::zeros({batch / 2, 1})}).repeat({1, tags});
        const at::Tensor loud = y.narrow(1, 0, 1);
        const at::Tensor mel = torch::randn({batch, bands, frames}) + 1.5 * loud.unsqueeze(2);
        const at::Tensor wave = torch::randn({batch, samples}) * (0.2 + loud);
        detail::CnnSamNet net(bands, tags);
        torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-3));
        CnnSamTrainingProbe p;
        p.lossBefore = evalLoss(net, mel, wave, y, alpha, nullptr);
        for (int i = 0; i < steps; ++i) {
            net->train();
            const auto o = net->forward(mel, wave);
            at::Tensor loss = (-(alpha * y * torch::log_sigmoid(o.logits) + (1 - y) * torch::log_sigmoid(-o.logits))).mean();
            if (penaltyWeight > 0.0)
                loss = loss + penaltyWeight * 0.5 * (detail::attentionPenalty(o.melAttention)
                                                     + detail::attentionPenalty(o.waveAttention));
            opt.zero_grad();
            loss.backward();
            opt.step();
        }
        p.lossAfter = evalLoss(net, mel, wave, y, alpha, &p.penaltyAfter);
        return p;
    } catch (const std::exception &e) {
        return Result<CnnSamTrainingProbe>::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

} // namespace taglane::engine
