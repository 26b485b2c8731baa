// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/corpus/labelledtrack.h"
#include "engine/eval/evalinput.h"
#include "engine/eval/metricsreport.h"
#include "engine/model/modelbundle.h"
#include "engine/model/vocabulary.h"
#include "engine/train/trainer.h"

#include <QPair>
#include <QString>
#include <QVector>

#include <atomic>
#include <functional>
#include <vector>

namespace taglane::engine {

class AnnotationStore;

/// Fine settings of the output-layer refit (see Retrainer). Defaults are
/// the measured ones (tests/bench/bench_retrain.cpp). Value type.
struct RetrainTuning
{
    int windowsPerFrame = 4;         ///< training windows per long-term frame length (hop = frames / this)
    double learningRate = 0.05;      ///< full-batch Adam
    int stepsPerEpoch = 10;
    double newTagRidge = 1e-2;       ///< L2 on new rows (standardised embedding)
    double oldTagPull = 0.1;         ///< L2 pull of base rows towards the base weights
    double distill = 5.0;            ///< weight of the base model's outputs as soft targets on base rows
    /// A base tag's curated labels weigh k / (k + this), k = its curated
    /// training segments: a few verdicts nudge a tag the model knows, many
    /// verdicts retrain it. New tags always weigh 1.
    double evidenceSegments = 50.0;
    /// Second stage: the output layer and the backbone's last block are
    /// fine-tuned on the windows (mini-batch Adam, batch norm frozen) with
    /// distillation on the base rows. -1: automatic (about 8000 window
    /// passes, 2 to 8 epochs); 0: frozen backbone only.
    int adaptEpochs = -1;
    double adaptLearningRate = 3e-3;
    double adaptDistill = 3.0;
    int adaptModules = 2;            ///< parameter modules before the output layer that are trained (conv + batch norm)
};

/// What a curator's retrain asks for. Value type; any thread.
struct RetrainRequest
{
    QString baseBundle;              ///< bundle folder of the model being refined (the current model)
    QVector<LabelledTrack> curated;  ///< curated verdicts per track: 1 present, 0 absent, NaN unknown
    Vocabulary tags;                 ///< output tags of the new model: the base model's tags (same order),
                                     ///< then new ones; empty = base tags plus any curated tag it lacks
    QString outputFolder;            ///< where the new bundle is written (must not exist yet)
    QString modelName;               ///< manifest name; empty: "<base name> (retrained)"
    double holdOutFraction = 0.25;   ///< share of the curated segments kept out of training, per tag
                                     ///< (stratified by class, drawn from seed)
    quint64 seed = 1;
    int threads = 0;                 ///< LibTorch intra-op threads (0 = leave as is)
    int epochs = 0;                  ///< 0 = the retrainer's default
    /// Explicit hold-out, (index into curated, segment index): when not
    /// empty it replaces the drawn one (holdOutFraction is then ignored),
    /// e.g. to compare two retrains on the same segments.
    QVector<QPair<int, int>> heldOutSegments;
    RetrainTuning tuning;
};

/// Which curated segments a retrain holds out (see Retrainer::splitHoldOut). Value type.
struct RetrainSplit
{
    QVector<LabelledTrack> training;   ///< curated tracks with the held-out segments' cells set to NaN
    QVector<LabelledTrack> heldOut;    ///< curated tracks with only the held-out segments' cells kept
    QVector<QPair<int, int>> heldOutSegments; ///< (index into curated, segment index), in track order
    int curatedSegments = 0;           ///< segments with at least one known cell
};

/// The result: the new bundle and the held-out comparison. Value type.
struct RetrainOutcome
{
    QString bundleFolder;            ///< the written bundle (empty when cancelled before anything was kept)
    ModelManifest manifest;          ///< new version id, parentVersion = the base's version
    Vocabulary tags;                 ///< evaluated tags (the new model's order)
    EvalInput heldOut;               ///< held-out segments: truth and the NEW model's scores
    EvalInput heldOutBefore;         ///< same segments and tags, the BASE model's scores
                                     ///< (NaN columns for tags the base model lacks)
    MetricsReport before;            ///< metrics of the base model on the held-out segments
    MetricsReport after;             ///< metrics of the new model on the same segments
    std::vector<TrainingProgress> history;
    QStringList newTags;             ///< tags the base model did not have (output layer grown)
    int trainSegments = 0;
    int heldOutSegments = 0;
    double seconds = 0.0;
    bool cancelled = false;
    QStringList warnings;
    QVector<QPair<int, int>> heldOutIndex; ///< row i of heldOut: (index into request.curated, segment index)
    int trainWindows = 0;            ///< long-term frames trained on
};

/// Fine-tunes a model bundle on curated segment labels and writes a new
/// version next to it. Stateless; call from a worker thread (it blocks):
/// progress is reported on that thread; cancel is checked between batches.
///
/// Method: every long-term frame (window) of the curated tracks is embedded
/// once by the frozen base backbone at a quarter-frame hop, and the output
/// layer is refitted on those embeddings: new tags get fresh rows
/// (class-balanced logistic regression, L2), the base tags' rows are pulled
/// towards the base weights and distilled on the base model's own outputs,
/// so old tags change only where the curated verdicts ask for it. Then the
/// output layer and the backbone's last block are fine-tuned on the same
/// windows (RetrainTuning::adaptEpochs), again with distillation.
/// Progress: first epoch-0 reports while the tracks are embedded (batch =
/// tracks done, batches = tracks, trainLoss NaN), then per step and per epoch
/// (valLoss = loss on the held-out windows, shown only, never used to choose).
/// Cancel: before the first epoch ends nothing is written (outcome.cancelled,
/// empty bundleFolder); later the best weights so far are written and evaluated.
class Retrainer
{
public:
    using ProgressCallback = std::function<void(const TrainingProgress &)>;
    static Result<RetrainOutcome> run(const RetrainRequest &request, const ProgressCallback &onProgress = {},
                                      const std::atomic_bool *cancel = nullptr);

    /// The hold-out: whole segments are held out, chosen per tag and class
    /// (rarest tags first; for each tag and class, round(fraction x count)
    /// segments, at least 1 when the class has 2 or more, never the last
    /// training segment of a class; segments already held for another tag
    /// count), until round(fraction x curated segments) are held (at least
    /// 1 of 2 or more). Deterministic in seed.
    /// Tags are matched by name. Any thread.
    static RetrainSplit splitHoldOut(const QVector<LabelledTrack> &curated, const Vocabulary &tags, double fraction,
                                     quint64 seed);
    /// The same with the held-out segments given (references to segments
    /// without a known cell, or out of range, are ignored). Any thread.
    static RetrainSplit splitHoldOut(const QVector<LabelledTrack> &curated, const Vocabulary &tags,
                                     const QVector<QPair<int, int>> &heldOut);

    /// Whether the bundle can be the base of a retrain (readable, and of one
    /// of Taglane's trainable architectures); the failure says why in a
    /// sentence naming the bundle. Any thread (reads the manifest only).
    static Status canRetrain(const QString &bundleFolder);

    /// The curated verdicts of tracks in the store (all tracks when trackIds
    /// is empty) as LabelledTracks over the store's active vocabulary:
    /// Present 1, Absent 0, Unknown NaN. Tracks without any verdict are left
    /// out. Owner thread of the store (it reads).
    static Result<QVector<LabelledTrack>> curatedFromStore(const AnnotationStore &store,
                                                           const QVector<qint64> &trackIds = {});
};

} // namespace taglane::engine
