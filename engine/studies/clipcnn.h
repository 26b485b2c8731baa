// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/train/trainingexamples.h"

#include <QtGlobal>

#include <atomic>
#include <memory>
#include <vector>

namespace taglane::engine {

/// How the clip CNN is trained. Value type; any thread.
struct ClipCnnConfig
{
    int epochs = 12;
    int batchSize = 32;
    double learningRate = 1e-3;  ///< Adam
    double alpha = 1.0;          ///< positive-penalty weight of the masked BCE
    quint64 seed = 1;
    int patience = 4;            ///< epochs without a better validation loss; 0 = never stop early
    int threads = 0;             ///< LibTorch intra-op threads (0 = leave as is)
};

/// What training did.
struct ClipCnnTraining
{
    int epochsRun = 0;
    int bestEpoch = 0;
    double bestValLoss = 0.0;
    double seconds = 0.0;
    std::vector<double> trainLoss;  ///< per epoch
    std::vector<double> valLoss;    ///< per epoch (NaN without validation examples)
};

/// The clip CNN of the clip-tagging study: each fixed-length clip's
/// spectrogram (one long-term frame of TrainingExamples: bands x frames, dB)
/// goes through four 3x3 convolution blocks (16-32-64-64 channels, batch
/// norm, ReLU, 2x2 max-pool), a flattening dense layer of 128 units and a
/// sigmoid output per tag. Clip probabilities are joined into track or
/// segment scores by ClipJoin. Features are standardised per band with the
/// training set's statistics. Torch stays in the .cpp file.
/// One thread at a time; train() and predict() block (worker thread).
class ClipCnn
{
public:
    ClipCnn();
    ~ClipCnn();
    ClipCnn(const ClipCnn &) = delete;
    ClipCnn &operator=(const ClipCnn &) = delete;

    /// Trains a fresh network on train (sequence 1) and keeps the weights of
    /// the epoch with the lowest validation loss (the last epoch when
    /// validation is empty). Fails on empty or inconsistent examples.
    Result<ClipCnnTraining> train(const TrainingExamples &train, const TrainingExamples &validation,
                                  const ClipCnnConfig &config, const std::atomic_bool *cancel = nullptr);
    /// Clip probabilities [count][tags] for examples of the trained shape.
    Result<std::vector<float>> predict(const TrainingExamples &examples) const;
    /// Trainable parameters of the network (0 before train()).
    qint64 parameterCount() const;

    /// Parameters of a network for bands x frames inputs and `tags` outputs.
    static qint64 parameterCount(int bands, int frames, int tags);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace taglane::engine
