// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QVector>

namespace taglane::engine {

/// Model probabilities for some segments of one track: a row-major
/// segmentIds.size() x tagIds.size() matrix. Ids are store ids; the model
/// version must be registered (AnnotationStore::registerModelVersion).
/// Value type; any thread.
struct PredictionBatch
{
    qint64 trackId = 0;
    QString modelVersion;
    QVector<qint64> segmentIds;
    QVector<qint64> tagIds;
    QVector<float> probabilities;
};

} // namespace taglane::engine
