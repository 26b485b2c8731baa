// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: the trainable architectures (Taglane's compact CNN
// and the two models of the time-varying tagging study) as torch::nn modules.
// Include only from engine .cpp files, before any Qt header.
#pragma once

#include <torch/torch.h>

#include "engine/model/network_p.h"
#include "engine/train/trainedarchitectures_p.h"
#include "engine/model/statedict_p.h"
#include "engine/train/scatternets_p.h"
#include "engine/train/cnnsamnet_p.h"
#include "engine/train/ernn/miaernn_p.h"
#include "engine/dsp/featuresettings.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <string>

namespace taglane::engine::detail {

/// Compact: taglane-cnn. CompactRhythm: taglane-cnn2, the same body plus an
/// onset-autocorrelation (tempo) branch and a key-invariant chroma (mode)
/// branch. TvCnn, TvCnnLstm: the time-varying study.
/// ScatterGru, ScatterLstm, ScatterCnn: Song et al. on scattering frames (scatternets_p.h).
/// CnnSam, FusionLinear: Miao and Cheng on log-Mel + waveform (cnnsamnet_p.h, cnnsamarch.cpp).
/// MiaErnn and its ablations Af/Se/Am/Et, MatGru: Gao and Wang on ERB
/// cepstra + deltas (engine/train/ernn/miaernnarch.cpp).
enum class TrainableKind { Compact, TvCnn, TvCnnLstm, CompactRhythm, ScatterGru, ScatterLstm, ScatterCnn, CnnSam,
                           FusionLinear, MiaErnn, MiaErnnAf, MiaErnnSe, MiaErnnAm, MiaErnnEt, MatGru };

/// Fixed facts of one trainable architecture: front end and input frames.
struct TrainableSpec
{
    TrainableKind kind = TrainableKind::Compact;
    QString name;            ///< manifest architecture name
    QString displayName;
    int sampleRate = 16000;
    int nFft = 2048;
    int hop = 512;
    int bands = 84;
    bool logFrequency = true; ///< semitone-spaced bands; false = HTK mel
    double fMin = 55.0;
    double fMax = 7040.0;
    int frames = 96;          ///< STFT frames per example (one long-term frame)
    int sequence = 1;         ///< long-term frames per training example (LSTM context)
    /// Waveform samples stacked under the spectrogram bands of each frame
    /// (cnn-sam, fusion-linear: one hop of pre-emphasised samples per frame,
    /// so a window of `frames` frames carries frames * hop samples); 0 =
    /// none. `bands` counts them: the spectrogram has bands - waveRows bands.
    int waveRows = 0;
    int spectrumBands() const { return bands - waveRows; }

    /// Samples of one chunk: centred framing gives 1 + N/hop frames. With
    /// waveform rows one hop more, so that the last frame's rows hold
    /// samples too (the extra spectrogram frame is cropped).
    qint64 chunkSamples() const { return qint64(waveRows > 0 ? frames : frames - 1) * hop; }
};

const TrainableSpec *findTrainableSpec(const QString &name);
inline bool isScatterKind(TrainableKind k)
{
    return k == TrainableKind::ScatterGru || k == TrainableKind::ScatterLstm || k == TrainableKind::ScatterCnn;
}
inline bool isCnnSamKind(TrainableKind k)
{
    return k == TrainableKind::CnnSam || k == TrainableKind::FusionLinear;
}
/// The ERB cepstrum kinds: mia-ernn, its ablations, and the mat-gru baseline.
inline bool isErbCepstrumKind(TrainableKind k)
{
    return k == TrainableKind::MiaErnn || k == TrainableKind::MiaErnnAf || k == TrainableKind::MiaErnnSe
           || k == TrainableKind::MiaErnnAm || k == TrainableKind::MiaErnnEt || k == TrainableKind::MatGru;
}
/// ERB bands under the cepstra, and LDA topics of the semantic input.
inline constexpr int kMiaErbBands = 64;
inline constexpr int64_t kMiaTopics = 8;
/// The engine/dsp settings of the ERB cepstrum front end of a spec.
FeatureSettings miaErnnFeatureSettings(const TrainableSpec &spec);
/// ERB cepstra + deltas of waveforms [B, N] -> [B, bands, 1 + N / hop]. Any thread.
at::Tensor miaFeatures(const TrainableSpec &spec, const at::Tensor &waveforms);
/// LDA E-step (fixed sweeps) of documents [N, V] against topics beta [K, V]:
/// the expected topic mixtures [N, K]; zero rows for empty documents.
at::Tensor ldaTopicMixtures(const at::Tensor &documents, const at::Tensor &beta, double alpha, int iterations = 50);
/// Log-likelihood [N, K] of binary state sequences states [N, T, K] under
/// unary [N, T, K] (state-1 emission) and transitions [K, 2, 2] (from, to).
at::Tensor crfChainLogLikelihood(const at::Tensor &unary, const at::Tensor &transitions, const at::Tensor &states);
/// The manifest's feature "type" of the cnn-sam kinds: log-Mel bands with the waveform stacked under them.
inline constexpr char kMelWaveformType[] = "mel+waveform";
/// The manifest's "scale" of the scattering architectures: engine/dsp/scattering at its defaults.
inline constexpr char kScatteringScale[] = "morlet q1=8 q2=1 t=8192";
QStringList trainableSpecNames();

/// Front end + body. forward() maps waveforms [B, N] to probabilities; the
/// training path works on precomputed features.
class TrainableNetImpl : public torch::nn::Module
{
public:
    TrainableNetImpl(const TrainableSpec &spec, int64_t tags);

    /// Log spectrogram in dB, [B, N] -> [B, bands, T] (not standardised);
    /// for the scatter-* kinds the log, normalised scattering frames.
    at::Tensor features(const at::Tensor &waveforms) const;
    /// Standardised features [B, S, bands, frames] -> logits [B, S, tags].
    at::Tensor logits(const at::Tensor &features);
    /// Standardised features [B, S, bands, frames] -> the input of the
    /// output layer [B, S, D] (D = outputLayer()->options.in_features()).
    at::Tensor embedding(const at::Tensor &features);
    /// The final linear layer (rows = tags).
    torch::nn::Linear &outputLayer() { return out; }
    /// Waveform chunks [B, N] -> probabilities [B, tags] (each chunk alone).
    at::Tensor forward(const at::Tensor &waveforms);

    const TrainableSpec &spec() const { return m_spec; }
    int64_t tagCount() const { return m_tags; }
    /// Sets the per-band standardisation (mean and standard deviation, [bands]).
    /// Waveform rows (spec().waveRows) get mean 0 and one common scale, the
    /// root mean square of their standard deviations, so the waveform keeps its shape.
    void setStandardisation(const at::Tensor &mean, const at::Tensor &std);
    /// The training objective on standardised-to-be features [B, S, bands,
    /// frames]: maskedWeightedBce of logits(); cnn-sam adds penaltyWeight *
    /// ||AA^T - I||_F^2 (mean over both branches); fusion-linear trains its
    /// two branches alone: the mean of their own heads' BCE. Any thread.
    at::Tensor trainingLoss(const at::Tensor &features, const at::Tensor &targets, const at::Tensor &mask,
                            double alpha, double penaltyWeight);
    /// cnn-sam kinds: the attention of each branch for features [N, 1, bands,
    /// frames]: {mel [N, r, T_mel], wave [N, r, T_wave]} (undefined for a
    /// branch the kind lacks). Throws for other kinds.
    std::pair<at::Tensor, at::Tensor> attention(const at::Tensor &features);
    /// fusion-linear: the single-branch logits {mel, wave} [B, S, tags].
    std::pair<at::Tensor, at::Tensor> branchLogits(const at::Tensor &features);
    /// fusion-linear: sets the per-tag weight w of the linear fusion
    /// z = w z_mel + (1 - w) z_wave ([tags], each in [0, 1]) and writes the
    /// output layer as that fusion of the two heads.
    void setFusionWeights(const at::Tensor &w);
    at::Tensor fusionWeights() const { return m_fusion; }
    /// Name of the output layer's weight (rows = tags) and bias.
    std::string outputWeightKey() const;
    std::string outputBiasKey() const;

    /// mia-ernn kinds: the LDA topic-word matrix [kMiaTopics, tags] and alpha
    /// of the semantic input (fit on the training tags by the Trainer).
    void setTopicModel(const at::Tensor &beta, double alpha);
    at::Tensor topicModel() const { return m_lda; }
    /// ERB cepstrum kinds: the fraction of feature frames removed (masked) in
    /// training and at inference (the study's missing data); 0 = none.
    void setFrameDrop(double fraction);

    /// Lags (STFT frames) of the onset autocorrelation of taglane-cnn2.
    static constexpr int kOnsetLags = 40;
    /// taglane-cnn2's rhythm and pitch-class evidence from standardised
    /// features [N, 1, F, T]: [N, kOnsetLags + 32 + 24] = onset
    /// autocorrelation at lags 1..kOnsetLags, the tempo code, the key-template
    /// maxima. Only for CompactRhythm.
    at::Tensor rhythmPitchEmbedding(const at::Tensor &x);

private:
    at::Tensor cnnEmbedding(const at::Tensor &x);  // [N, 1, F, T] -> [N, D]
    bool isCompact() const { return m_spec.kind == TrainableKind::Compact || m_spec.kind == TrainableKind::CompactRhythm; }
    bool isScatter() const { return isScatterKind(m_spec.kind); }
    bool isCnnSam() const { return isCnnSamKind(m_spec.kind); }
    void buildCnnSam(int64_t tags);  // cnnsamarch.cpp
    /// Standardised [N, bands, frames] -> {mel [N, mel bands, frames], wave [N, frames * hop]}.
    std::pair<at::Tensor, at::Tensor> splitMelWave(const at::Tensor &x) const;
    at::Tensor cnnSamFeatures(const at::Tensor &waveforms) const;
    bool isMia() const { return isErbCepstrumKind(m_spec.kind); }
    void buildMiaErnn(int64_t tags);  // ernn/miaernnarch.cpp
    at::Tensor frameMask(int64_t n, int64_t steps, const at::TensorOptions &options) const;
    at::Tensor miaHidden(const at::Tensor &audio, const at::Tensor &mask, const at::Tensor &topics, ErnnOutput &ernn);
    at::Tensor miaEmbedding(const at::Tensor &x);  // standardised [N, bands, frames] -> [N, D]
    at::Tensor miaTrainingLoss(const at::Tensor &features, const at::Tensor &targets, const at::Tensor &mask,
                               double alpha);

    TrainableSpec m_spec;
    int64_t m_tags;
    at::Tensor m_window, m_filters, m_mean, m_std;
    // compact
    torch::nn::Conv2d c1{nullptr}, c2{nullptr}, c3{nullptr}, c4{nullptr};
    torch::nn::BatchNorm2d b1{nullptr}, b2{nullptr}, b3{nullptr}, b4{nullptr};
    torch::nn::Dropout drop{nullptr};
    // taglane-cnn2's extra branches
    torch::nn::Linear tempo{nullptr};
    torch::nn::Conv1d chroma{nullptr};
    // study models
    torch::nn::Linear d1{nullptr}, d2{nullptr}, d3{nullptr};
    torch::nn::LSTM lstm{nullptr};
    ScatterBody scatter{nullptr};
    // cnn-sam: one two-branch body; fusion-linear: a Mel-only and a
    // waveform-only body with their own heads, fused into `out`
    CnnSamNet sam{nullptr}, samMel{nullptr}, samWave{nullptr};
    torch::nn::Linear melHead{nullptr}, waveHead{nullptr};
    at::Tensor m_fusion;
    // mia-ernn kinds and mat-gru
    MiaErnn mia{nullptr};
    torch::nn::GRU gru{nullptr};
    at::Tensor m_lda, m_ldaAlpha, m_frameDrop, m_crf;
    torch::nn::Linear out{nullptr};
};
TORCH_MODULE(TrainableNet);

/// Builds a network for spec with tags outputs. Any thread.
TrainableNet createTrainableNet(const TrainableSpec &spec, int64_t tags);
/// Every parameter and buffer by name, as float32 CPU tensors (detached clones).
TorchStateDict trainableStateDict(TrainableNet &net);
/// Copies weights into net; keys must match with equal shapes, except that
/// the output layer may differ in rows when rowMap is given (rowMap[i] = row
/// of `weights` for output i, or -1 to keep the fresh initialisation).
Status loadTrainableWeights(TrainableNet &net, const TorchStateDict &weights, const QString &sourceName,
                            const std::vector<int> *rowMap = nullptr);

/// Pads features [..., bands, T] in time to `frames` with silence: -100 dB
/// (log spectra), the scattering log floor, 0 for waveform rows. Any thread.
at::Tensor padFrames(const TrainableSpec &spec, const at::Tensor &features, int64_t frames);

/// fusion-linear: fits the per-tag weight w of z = w z_mel + (1 - w) z_wave
/// on examples (validation), minimising the masked weighted BCE of the fused
/// logits over the grid w = 0, 0.05, ..., 1 (ties: nearest 0.5). Blocks.
at::Tensor fitFusionWeights(const at::Tensor &melLogits, const at::Tensor &waveLogits, const at::Tensor &targets,
                            const at::Tensor &mask, double alpha);

/// The masked weighted binary cross-entropy on logits: mean over known cells
/// (mask 1) of -[alpha y log p + (1 - y) log(1 - p)]; 0 when nothing is known.
at::Tensor maskedWeightedBce(const at::Tensor &logits, const at::Tensor &targets, const at::Tensor &mask,
                             double alpha);

} // namespace taglane::engine::detail
