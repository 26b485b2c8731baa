// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/model/modelbundle.h"
#include "engine/train/trainingexamples.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <functional>
#include <vector>

namespace taglane::engine {

/// What to train and how. Value type; any thread.
struct TrainingConfig
{
    QString architecture = QStringLiteral("taglane-cnn"); ///< or "default", "tvcnn", "tvcnn-lstm"
    int epochs = 20;
    int batchSize = 32;
    double learningRate = 1e-3;   ///< Adam
    double alpha = 1.0;           ///< positive-penalty weight (>= 1)
    /// cnn-sam only: weight W of the attention penalty W ||AA^T - I||_F^2
    /// (Lin et al. 2017, mean over both branches) added to the loss; 0 = none.
    double attentionPenalty = 0.0;
    quint64 seed = 1;             ///< torch::manual_seed and the data order
    int patience = 3;             ///< epochs without a better validation loss before stopping; 0 = never stop early
    double validationFraction = 0.15; ///< tracks held out when no validation set is given
    int threads = 0;              ///< LibTorch intra-op threads (0 = leave as is)
    QString initBundle;           ///< fine-tune from this bundle (tags matched by name; new tags start fresh)
    QString checkpointPath;       ///< written after every epoch when set
    QString resumeFrom;           ///< checkpoint to continue from
    QString modelName;            ///< manifest name; empty: derived from the architecture
    int maxBatchesPerEpoch = 0;   ///< 0 = all (for quick runs)
    /// Learning rate per batch: a half cosine from learningRate down to 0 over
    /// all `epochs` (step = batches done since epoch 1); false = constant.
    bool cosineDecay = false;
    /// Where the validation examples come from, recorded in the manifest's
    /// training summary as "validation_source" (e.g. "held-out tracks of the
    /// training folder"); empty: not recorded.
    QString validationSource;
    /// Cheap augmentation of the training batches in the feature domain (dB,
    /// before standardisation), drawn per example from (seed, epoch, batch):
    /// a gain in [-augmentGainDb, augmentGainDb], an EQ (a tilt and one
    /// bell of up to augmentEqDb across the bands), and with probability
    /// augmentNoise a flat noise floor 20-45 dB under the example's peak
    /// band. All 0: no augmentation (validation is never augmented).
    double augmentGainDb = 0.0;
    double augmentEqDb = 0.0;
    double augmentNoise = 0.0;
    /// How the labels were made, recorded as training.label_aggregation;
    /// empty: "mean of frame labels > 0.5" (ExampleBuilder's).
    QString labelSource;
    /// mia-ernn kinds and mat-gru: the fraction of feature frames removed
    /// (masked as missing) in training; stored in the bundle, so evaluation
    /// and the Tagger remove the same fraction (a fixed draw). In [0, 1).
    double dropFrames = 0.0;
    /// Label noise: each known training label is flipped with this
    /// probability (drawn once from seed; validation untouched). In [0, 0.5].
    double flipLabels = 0.0;
};

/// One progress report: after each batch (valLoss NaN) and after each epoch.
struct TrainingProgress
{
    int epoch = 0;          ///< 1-based
    int epochs = 0;
    int batch = 0;          ///< batches done in this epoch
    int batches = 0;
    double trainLoss = 0.0; ///< running mean over the epoch so far
    double valLoss = 0.0;   ///< NaN until the epoch is evaluated
    bool epochDone = false;
    double seconds = 0.0;   ///< since the start of training
};

/// The outcome: the trained model (best validation epoch) and its history.
struct TrainingResult
{
    ModelManifest manifest;   ///< architecture, tags, features, training summary
    QByteArray weights;       ///< weights.pt bytes (torch.save zip of the state dict)
    std::vector<TrainingProgress> history; ///< one entry per finished epoch
    int epochsRun = 0;
    int bestEpoch = 0;
    double bestValLoss = 0.0;
    double seconds = 0.0;
    bool cancelled = false;   ///< stopped by the flag (the best weights so far are kept)
    bool stoppedEarly = false;
    int trainExamples = 0;
    int valExamples = 0;
    /// Writes manifest and weights as a bundle folder.
    Status writeBundle(const QString &folder) const;
};

/// Trains one model. Stateless; call from a worker thread (it blocks).
/// onProgress is called on that thread; cancel is checked between batches.
class Trainer
{
public:
    using ProgressCallback = std::function<void(const TrainingProgress &)>;
    static Result<TrainingResult> train(const TrainingConfig &config, const TrainingExamples &train,
                                        const TrainingExamples &validation, const ProgressCallback &onProgress = {},
                                        const std::atomic_bool *cancel = nullptr);
    /// Splits examples by track (deterministically from seed) into
    /// training and validation parts; fraction of the tracks go to validation
    /// (at least one when fraction > 0 and there are two tracks or more). The
    /// parts share no track.
    static void splitByTrack(const TrainingExamples &all, double fraction, quint64 seed, TrainingExamples &train,
                             TrainingExamples &validation);
    /// The training loss on plain numbers, for checks: mean over known cells
    /// (labels not NaN) of -[alpha y log p + (1 - y) log(1 - p)], with p the
    /// sigmoid of logits. Any thread.
    /// The number of distinct tracks the examples come from (a subset keeps
    /// the full trackNames list, so its size is not the answer). Any thread.
    static int trackCount(const TrainingExamples &examples);
    /// What a checkpoint records about the data it was made on: a one-line
    /// summary and a fingerprint (SHA-256 of architecture, tags, and the
    /// example counts, track names and labels of both parts; not of the
    /// features, whose last bits may depend on the thread count). Any thread.
    static QString dataSummary(const TrainingExamples &train, const TrainingExamples &validation);
    static QByteArray dataFingerprint(const TrainingExamples &train, const TrainingExamples &validation);
    static double maskedLoss(const std::vector<float> &logits, const std::vector<float> &labels, double alpha);
    /// Weights of a bundle folder as a flat vector (for reproducibility
    /// checks) in key order. Any thread.
    static Result<std::vector<float>> flatWeights(const QByteArray &weightsBytes);
};

} // namespace taglane::engine
