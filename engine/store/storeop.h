// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One queued change to the annotation store, made by AnnotationStore on the
// calling thread and applied by StoreWriter on its own thread. Internal to
// the store; value types.

#include "engine/model/modelbundle.h"
#include "engine/model/vocabulary.h"
#include "engine/segment/segmentation.h"
#include "engine/store/predictionbatch.h"
#include "engine/store/segmentsource.h"
#include "engine/store/trackrecord.h"
#include "engine/store/verdictedit.h"
#include "engine/store/verdictrule.h"

#include <QVector>

#include <variant>

namespace taglane::engine {

struct AddTrackOp
{
    TrackRecord track;
};

struct SaveSegmentationOp
{
    qint64 trackId = 0;
    qint64 segmentationId = 0;
    SegmentSource source = SegmentSource::Fixed;
    QString origin;
    Segmentation segmentation;   ///< ids are store ids
};

struct StoredTag
{
    qint64 id = 0;
    Tag tag;
    int position = -1;           ///< -1: kept for old labels but not in the active vocabulary
};

struct SetVocabularyOp
{
    QVector<StoredTag> tags;     ///< every tag whose row changes
};

struct RegisterModelOp
{
    qint64 id = 0;
    ModelManifest manifest;
};

struct SetVerdictsOp
{
    qint64 trackId = 0;
    QVector<VerdictEdit> edits;
    QString curator;             ///< whose verdicts these are (schema 6)
};

struct SetVerdictRuleOp
{
    qint64 tagId = 0;
    VerdictRule rule;
};

struct StorePredictionsOp
{
    qint64 modelVersionId = 0;
    PredictionBatch batch;
};

struct RelinkTrackOp
{
    qint64 trackId = 0;
    QString path;                ///< the file's new absolute path
};

struct StoreOp
{
    qint64 seq = 0;              ///< edit sequence number, set by WriteQueue::push
    qint64 atMs = 0;             ///< when the edit was made, ms since epoch UTC
    QString actor;               ///< "curator" or a model version
    std::variant<AddTrackOp, SaveSegmentationOp, SetVocabularyOp, RegisterModelOp, SetVerdictsOp,
                 StorePredictionsOp, RelinkTrackOp, SetVerdictRuleOp> payload;
    qint64 group = 0;            ///< ops with the same non-zero group commit in one transaction or not at all
    bool cancelled = false;      ///< dropped before it was written (its group was abandoned)

    /// Rough number of rows the op writes, to keep transactions small.
    int weight() const
    {
        if (const auto *v = std::get_if<SetVerdictsOp>(&payload))
            return 1 + v->edits.size();
        if (const auto *p = std::get_if<StorePredictionsOp>(&payload))
            return 1 + p->batch.probabilities.size();
        if (const auto *s = std::get_if<SaveSegmentationOp>(&payload))
            return 1 + s->segmentation.size();
        if (const auto *t = std::get_if<SetVocabularyOp>(&payload))
            return 1 + t->tags.size();
        return 1;
    }
};

} // namespace taglane::engine
