// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/segment/segmentmapper.h"

#include <QMetaType>
#include <QtGlobal>

namespace taglane::engine {

/// The one throttled progress report of a job: how far it is, and the rows
/// that became available since the previous report. Chunk rows and segment
/// rows arrive in order and without gaps, so a receiver appends them.
/// Value type; any thread.
struct InferenceProgress
{
    qint64 jobId = 0;
    double fraction = 0.0;          ///< of the whole job, in [0, 1]
    int firstChunk = 0;             ///< index of chunkRows[0] in the plan's grid
    ProbabilityRows chunkRows;
    int firstSegment = 0;           ///< index of segmentRows[0] in the plan's segmentation
    ProbabilityRows segmentRows;
};

} // namespace taglane::engine

Q_DECLARE_METATYPE(taglane::engine::InferenceProgress)
