// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/corpus/labelledtrack.h"
#include "engine/eval/evalinput.h"
#include "engine/eval/metricsreport.h"
#include "engine/model/modelbundle.h"
#include "engine/model/vocabulary.h"
#include "engine/train/trainer.h"

#include <QString>
#include <QVector>

#include <atomic>
#include <functional>
#include <vector>

namespace taglane::engine {

class AnnotationStore;

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
};

/// Fine-tunes a model bundle on curated segment labels and writes a new
/// version next to it. Stateless; call from a worker thread (it blocks):
/// progress is reported on that thread; cancel is checked between batches.
class Retrainer
{
public:
    using ProgressCallback = std::function<void(const TrainingProgress &)>;
    static Result<RetrainOutcome> run(const RetrainRequest &request, const ProgressCallback &onProgress = {},
                                      const std::atomic_bool *cancel = nullptr);

    /// The curated verdicts of tracks in the store (all tracks when trackIds
    /// is empty) as LabelledTracks over the store's active vocabulary:
    /// Present 1, Absent 0, Unknown NaN. Tracks without any verdict are left
    /// out. Owner thread of the store (it reads).
    static Result<QVector<LabelledTrack>> curatedFromStore(const AnnotationStore &store,
                                                           const QVector<qint64> &trackIds = {});
};

} // namespace taglane::engine
