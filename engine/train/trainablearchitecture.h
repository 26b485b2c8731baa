// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace taglane::engine {

/// Facts about one trainable architecture ("taglane-cnn", "taglane-cnn2", "tvcnn",
/// "tvcnn-lstm"), and shape probes for tests and the model panel.
/// Value type; any thread.
struct TrainableArchitecture
{
    QString name;
    QString displayName;
    int sampleRate = 0;
    int nFft = 0;
    int hop = 0;
    int bands = 0;
    int frames = 0;           ///< spectrogram frames per long-term frame
    int sequence = 1;         ///< long-term frames per training example
    qint64 chunkSamples = 0;  ///< waveform samples of one long-term frame
    qint64 parameters = 0;    ///< trainable parameters for `tags` outputs

    /// Fails for an unknown name ("default" is an alias of "taglane-cnn").
    static Result<TrainableArchitecture> describe(const QString &name, int tags);
    static QStringList names();
    /// Runs the network on zero features [batch, sequence, bands, frames]
    /// and returns the shape of its logits ([batch, sequence, tags]). Blocks.
    static Result<std::vector<int64_t>> featureForwardShape(const QString &name, int tags, int batch, int sequence);
    /// Runs the network on `batch` zero waveforms of chunkSamples (the path
    /// the Tagger uses) and returns the shape of its probabilities. Blocks.
    static Result<std::vector<int64_t>> waveformForwardShape(const QString &name, int tags, int batch);
    /// taglane-cnn2 only: its tempo and key evidence for one window of
    /// features (dB, row-major [bands][frames], standardisation mean 0, std 1)
    /// from a fresh network seeded with `seed`: the onset autocorrelation at
    /// lags 1, 2, ... frames, and the key-template maxima. Blocks.
    /// The training path: loads `weights` (weights.pt bytes of a bundle of
    /// this architecture), runs it in eval mode on precomputed features (one
    /// long-term frame, row-major [bands][frames], not standardised) and
    /// returns sigmoid(logits), [tags]. For round-trip tests. Blocks.
    static Result<std::vector<float>> featureProbabilities(const QString &name, const QByteArray &weights,
                                                           const std::vector<float> &features);
    /// fusion-linear only: writes a copy of the bundle at outFolder whose
    /// fusion weight is melWeight for every tag (1: the Mel network alone,
    /// 0: the waveform network alone) instead of the weights fit on
    /// validation; a new version whose parent is the source. Blocks.
    static Status fixFusionWeights(const QString &bundleFolder, double melWeight, const QString &outFolder);
    struct RhythmPitchEvidence
    {
        std::vector<float> onsetAutocorrelation;
        std::vector<float> keyTemplates;
    };
    static Result<RhythmPitchEvidence> rhythmPitchEvidence(const QString &name, const std::vector<float> &features,
                                                           int frames, quint64 seed);
};

} // namespace taglane::engine
