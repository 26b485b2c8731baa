// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/model/vocabulary.h"
#include "engine/segment/chunkgrid.h"
#include "engine/segment/segmentation.h"

#include <QMetaType>
#include <QString>

namespace taglane::engine {

/// What a job is about to compute, known once the model is loaded and the
/// audio decoded: enough for a tag lane to lay out empty cells that the
/// partial results then fill. Value type; any thread.
struct InferencePlan
{
    QString trackPath;
    double durationSeconds = 0.0;
    Vocabulary tags;              ///< columns of every row, in model output order
    ChunkGrid grid;               ///< chunk rows come in this order
    Segmentation segments;        ///< segment rows come in this order
    QString device;               ///< Tagger::deviceDescription(), e.g. "CPU (2 threads)"
    bool onCuda = false;
    QString modelName;
    QString modelVersion;
    QString architecture;
    /// The track is shorter than one model chunk: the model saw zeros after its end.
    bool padded = false;
};

} // namespace taglane::engine

Q_DECLARE_METATYPE(taglane::engine::InferencePlan)
