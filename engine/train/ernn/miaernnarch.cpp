// SPDX-License-Identifier: GPL-3.0-or-later
// The mia-ernn kinds of TrainableNet (Gao and Wang, 2025): the ERB cepstrum
// + delta front end (engine/dsp), the MIA-ERNN body and its ablations over
// the frames of a window, the LDA semantic input (teacher-forced from the
// labels in training, from a first pass at inference), the CRF chain loss,
// and the plain GRU baseline mat-gru.
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include "engine/dsp/featureextractor.h"
#include "engine/train/trainablenet_p.h"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace taglane::engine::detail {

namespace {

/// The study's front end at Taglane's 16 kHz: pre-emphasis 0.97, periodic
/// Hann window 1024 (64 ms), hop 512, 64 gammatone ERB bands 50 Hz..8 kHz,
/// ln energy, orthonormal DCT-II keeping 20 cepstra, deltas over +-2 frames.
FeatureSettings erbSettings(const TrainableSpec &spec)
{
    FeatureSettings s;
    s.type = FeatureType::ErbCepstrum;
    s.sampleRate = spec.sampleRate;
    s.nFft = spec.nFft;
    s.hop = spec.hop;
    s.bands = kMiaErbBands;
    s.fMin = spec.fMin;
    s.fMax = spec.fMax;
    s.preEmphasis = true;
    s.cepstra = spec.bands / 2;
    s.deltaWidth = 2;
    return s;
}

const FeatureExtractor &extractorFor(const TrainableSpec &spec)
{
    // One extractor per spec name, built once (FFTW plans); compute() is const and thread-safe.
    static std::mutex lock;
    static std::map<QString, std::unique_ptr<FeatureExtractor>> extractors;
    std::lock_guard<std::mutex> guard(lock);
    auto &e = extractors[spec.name];
    if (!e)
        e = std::make_unique<FeatureExtractor>(erbSettings(spec));
    return *e;
}

MiaErnnVariant variantOf(TrainableKind k)
{
    MiaErnnVariant v;
    v.audio = k != TrainableKind::MiaErnnAf;
    v.semantic = k != TrainableKind::MiaErnnSe;
    v.attention = k != TrainableKind::MiaErnnAm;
    v.ernn = k != TrainableKind::MiaErnnEt && k != TrainableKind::MiaErnnAf;
    return v;
}

} // namespace

FeatureSettings miaErnnFeatureSettings(const TrainableSpec &spec)
{
    return erbSettings(spec);
}

void addMiaErnnSpecs(std::vector<TrainableSpec> &l)
{
    const std::pair<TrainableKind, const char *> kinds[] = {
        {TrainableKind::MiaErnn, "mia-ernn"},       {TrainableKind::MiaErnnAf, "mia-ernn-af"},
        {TrainableKind::MiaErnnSe, "mia-ernn-se"}, {TrainableKind::MiaErnnAm, "mia-ernn-am"},
        {TrainableKind::MiaErnnEt, "mia-ernn-et"}, {TrainableKind::MatGru, "mat-gru"}};
    const char *display[] = {"MIA-ERNN (ERB cepstra, LDA topics, attention fusion, ERNN, CRF)",
                             "MIA-ERNN/AF (no audio features)",
                             "MIA-ERNN/SE (no semantic features)",
                             "MIA-ERNN/AM (concatenation instead of attention fusion)",
                             "MIA-ERNN/ET (plain RNN instead of ERNN)",
                             "Plain GRU on ERB cepstra (MAT-GRU baseline)"};
    for (int i = 0; i < 6; ++i) {
        TrainableSpec s;
        s.kind = kinds[i].first;
        s.name = QString::fromLatin1(kinds[i].second);
        s.displayName = QString::fromLatin1(display[i]);
        s.sampleRate = 16000;
        s.nFft = 1024;
        s.hop = 512;
        s.bands = 40;  // 20 ERB cepstra, then their 20 deltas
        s.logFrequency = false;
        s.fMin = 50.0;
        s.fMax = 8000.0;
        s.frames = 96;  // 3.07 s, as taglane-cnn
        l.push_back(s);
    }
}

at::Tensor miaFeatures(const TrainableSpec &spec, const at::Tensor &waveforms)
{
    const FeatureExtractor &fx = extractorFor(spec);
    if (!fx.isValid())
        throw std::runtime_error(fx.error().toStdString());
    const at::Tensor w = waveforms.detach().to(at::kCPU, at::kFloat).contiguous();
    const int64_t batch = w.size(0), n = w.size(1);
    const int64_t frames = fx.frameCount(n);
    const int rows = fx.rows();
    at::Tensor out = at::zeros({batch, rows, frames}, at::kFloat);
    float *o = out.data_ptr<float>();
    for (int64_t b = 0; b < batch; ++b) {
        const FeatureMatrix m = fx.compute(w[b].data_ptr<float>(), n);
        float *ob = o + b * rows * frames;
        for (int64_t f = 0; f < m.frames && f < frames; ++f)
            for (int r = 0; r < rows; ++r)
                ob[r * frames + f] = m.values[size_t(f * rows + r)];
    }
    return out.to(waveforms.device());
}

at::Tensor ldaTopicMixtures(const at::Tensor &documents, const at::Tensor &beta, double alpha, int iterations)
{
    // Variational E-step of Blei et al. per document, vectorised:
    // phi_wk ~ beta_kw exp(digamma(gamma_k)), gamma_k = alpha + sum_w n_w phi_wk.
    const int64_t k = beta.size(0);
    const at::Tensor n = documents.clamp_min(0.0);
    const at::Tensor total = n.sum(1, true);  // [N, 1]
    at::Tensor gamma = alpha + total / double(k) + at::zeros({n.size(0), k}, n.options());
    for (int i = 0; i < iterations; ++i) {
        const at::Tensor e = at::exp(at::digamma(gamma));  // [N, K]
        const at::Tensor norm = at::matmul(e, beta).clamp_min(1e-30);  // [N, V]
        gamma = alpha + e * at::matmul(n / norm, beta.t());
    }
    const at::Tensor mixture = gamma / gamma.sum(1, true);
    return at::where(total > 0, mixture, at::zeros_like(mixture));  // empty document: no semantic input
}

void TrainableNetImpl::buildMiaErnn(int64_t tags)
{
    using namespace torch::nn;
    m_lda = register_buffer("lda_beta", at::full({kMiaTopics, tags}, 1.0 / double(std::max<int64_t>(1, tags))));
    m_ldaAlpha = register_buffer("lda_alpha", at::full({1}, 0.1));
    m_frameDrop = register_buffer("frame_drop", at::zeros({1}));
    if (m_spec.kind == TrainableKind::MatGru) {
        gru = register_module("gru", GRU(GRUOptions(m_spec.bands, 64).batch_first(true)));
        out = register_module("output", Linear(64, tags));
        return;
    }
    mia = register_module("mia", MiaErnn(m_spec.bands, kMiaTopics, 0, variantOf(m_spec.kind)));
    out = register_module("output", Linear(mia->hiddenDim(), tags));
    m_crf = register_parameter("crf_transitions", at::zeros({tags, 2, 2}));
}

void TrainableNetImpl::setTopicModel(const at::Tensor &beta, double alpha)
{
    torch::NoGradGuard guard;
    m_lda.copy_(beta.to(at::kFloat));
    m_ldaAlpha.fill_(alpha);
}

void TrainableNetImpl::setFrameDrop(double fraction)
{
    torch::NoGradGuard guard;
    m_frameDrop.fill_(fraction);
}

at::Tensor TrainableNetImpl::frameMask(int64_t n, int64_t steps, const at::TensorOptions &options) const
{
    const double p = m_frameDrop.item<double>();
    if (p <= 0.0)
        return at::ones({n, steps, m_spec.bands}, options);
    // Training: the global generator (the Trainer seeds it per epoch);
    // evaluation: a fixed one, so every evaluation removes the same frames.
    at::Tensor u;
    if (is_training()) {
        u = at::rand({n, steps, 1}, at::TensorOptions().dtype(at::kFloat));
    } else {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(2028);
        u = at::rand({n, steps, 1}, g, at::TensorOptions().dtype(at::kFloat));
    }
    return (u >= p).to(options).expand({n, steps, m_spec.bands}).contiguous();
}

at::Tensor TrainableNetImpl::miaHidden(const at::Tensor &audio, const at::Tensor &mask, const at::Tensor &topics,
                                       ErnnOutput &ernn)
{
    if (m_spec.kind == TrainableKind::MatGru)
        return std::get<0>(gru(audio * mask));
    return mia->hidden(audio * mask, mask, topics, ernn);
}

at::Tensor TrainableNetImpl::miaEmbedding(const at::Tensor &x)
{
    // x standardised [N, bands, frames] -> steps [N, T, D].
    const at::Tensor audio = x.transpose(1, 2).contiguous();
    const at::Tensor mask = frameMask(audio.size(0), audio.size(1), audio.options());
    const at::Tensor none = at::zeros({audio.size(0), kMiaTopics}, audio.options());
    ErnnOutput ernn;
    if (m_spec.kind == TrainableKind::MatGru)
        return miaHidden(audio, mask, none, ernn).mean(1);
    // Inference: the tags are unknown. Pass 1 without semantic input; its
    // tags (p >= 0.5) are the document whose LDA mixture feeds pass 2.
    const at::Tensor first = at::sigmoid(out(miaHidden(audio, mask, none, ernn).mean(1)));
    const at::Tensor topics = ldaTopicMixtures((first >= 0.5).to(audio.dtype()), m_lda, m_ldaAlpha.item<double>());
    return miaHidden(audio, mask, topics, ernn).mean(1);
}

at::Tensor TrainableNetImpl::miaTrainingLoss(const at::Tensor &features, const at::Tensor &targets,
                                             const at::Tensor &labelMask, double alpha)
{
    if (!is_training() || m_spec.kind == TrainableKind::MatGru)
        return maskedWeightedBce(logits(features), targets, labelMask, alpha);
    const int64_t batch = features.size(0), seq = features.size(1);
    const at::Tensor x = ((features - m_mean.view({1, 1, -1, 1})) / m_std.view({1, 1, -1, 1}))
                             .reshape({batch * seq, features.size(2), features.size(3)});
    const at::Tensor audio = x.transpose(1, 2).contiguous();  // [N, T, D]
    const int64_t n = audio.size(0), steps = audio.size(1);
    const at::Tensor mask = frameMask(n, steps, audio.options());
    // Semantic input from the (known) training tags, teacher-forced; for half
    // of the examples none, so that pass 1 of inference is trained too.
    const at::Tensor y = targets.reshape({n, -1});
    const at::Tensor known = labelMask.reshape({n, -1});
    at::Tensor topics = ldaTopicMixtures((y * known > 0.5).to(audio.dtype()), m_lda, m_ldaAlpha.item<double>());
    topics = topics * (at::rand({n, 1}, audio.options()) >= 0.5).to(audio.dtype());
    ErnnOutput ernn;
    const at::Tensor stepLogits = out(miaHidden(audio, mask, topics, ernn));  // [N, T, tags]
    at::Tensor loss = maskedWeightedBce(stepLogits.mean(1).view({batch, seq, -1}), targets, labelMask, alpha);
    // One binary CRF chain per (window, tag), states per frame: the window's
    // label at every frame (the frames of a window share its label); mean
    // negative log-likelihood per step over the chains whose label is known.
    const at::Tensor states = (y > 0.5).to(audio.dtype()).unsqueeze(1).expand({n, steps, -1});
    const at::Tensor nll = -crfChainLogLikelihood(stepLogits, m_crf, states) / double(steps);  // [N, tags]
    loss = loss + (nll * known).sum() / known.sum().clamp_min(1.0);
    if (ernn.estimate.defined())
        loss = loss + ernnPredictionLoss(ernn, audio * mask, mask);
    return loss;
}

at::Tensor crfChainLogLikelihood(const at::Tensor &unary, const at::Tensor &transitions, const at::Tensor &states)
{
    // unary, states [N, T, K]; transitions [K, 2, 2] (from, to). State 1 emits u, state 0 zero.
    const int64_t steps = unary.size(1);
    const at::Tensor zero = at::zeros_like(unary.select(1, 0));
    // log alpha [N, K, 2]
    at::Tensor logAlpha = at::stack({zero, unary.select(1, 0)}, 2);
    at::Tensor score = states.select(1, 0) * unary.select(1, 0);
    const at::Tensor tr = transitions.unsqueeze(0);  // [1, K, 2, 2]
    for (int64_t t = 1; t < steps; ++t) {
        const at::Tensor u = unary.select(1, t);
        const at::Tensor emit = at::stack({zero, u}, 2);  // [N, K, 2]
        logAlpha = at::logsumexp(logAlpha.unsqueeze(3) + tr, 2) + emit;
        const at::Tensor prev = states.select(1, t - 1), cur = states.select(1, t);
        const at::Tensor move = (1 - prev) * (1 - cur) * transitions.select(1, 0).select(1, 0)
                                + (1 - prev) * cur * transitions.select(1, 0).select(1, 1)
                                + prev * (1 - cur) * transitions.select(1, 1).select(1, 0)
                                + prev * cur * transitions.select(1, 1).select(1, 1);
        score = score + cur * u + move;
    }
    return score - at::logsumexp(logAlpha, 2);
}

} // namespace taglane::engine::detail
