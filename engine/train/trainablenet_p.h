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

#include <QString>
#include <QStringList>

#include <memory>
#include <string>

namespace taglane::engine::detail {

/// Compact: taglane-cnn. CompactRhythm: taglane-cnn2, the same body plus an
/// onset-autocorrelation (tempo) branch and a key-invariant chroma (mode)
/// branch. TvCnn, TvCnnLstm: the time-varying study.
/// ScatterGru, ScatterLstm, ScatterCnn: Song et al. on scattering frames (scatternets_p.h).
enum class TrainableKind { Compact, TvCnn, TvCnnLstm, CompactRhythm, ScatterGru, ScatterLstm, ScatterCnn };

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

    /// Samples of one chunk: centred framing gives 1 + N/hop frames.
    qint64 chunkSamples() const { return qint64(frames - 1) * hop; }
};

const TrainableSpec *findTrainableSpec(const QString &name);
inline bool isScatterKind(TrainableKind k)
{
    return k == TrainableKind::ScatterGru || k == TrainableKind::ScatterLstm || k == TrainableKind::ScatterCnn;
}
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
    void setStandardisation(const at::Tensor &mean, const at::Tensor &std);
    /// Name of the output layer's weight (rows = tags) and bias.
    std::string outputWeightKey() const;
    std::string outputBiasKey() const;

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

/// The masked weighted binary cross-entropy on logits: mean over known cells
/// (mask 1) of -[alpha y log p + (1 - y) log(1 - p)]; 0 when nothing is known.
at::Tensor maskedWeightedBce(const at::Tensor &logits, const at::Tensor &targets, const at::Tensor &mask,
                             double alpha);

} // namespace taglane::engine::detail
