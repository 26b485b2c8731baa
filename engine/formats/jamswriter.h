// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/tracklabels.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace taglane::engine {

/// JAMS (https://github.com/marl/jams), namespace `tag_open`, one annotation
/// per source: `model:<version>` (observations for cells whose probability
/// is >= threshold, confidence = probability) and `curator` (every cell
/// judged: confidence 1.0 present, 0.0 absent; JamsReader reads them back
/// so). Each observation is {time, duration, value: tag, confidence}. So
/// that an importer can restore every cell, each annotation's
/// sandbox.taglane keeps the segments, the tags and the whole matrix
/// (probabilities, or verdicts 1 / 0 / null); the reader uses it only
/// while it agrees with the observations (which a user may have edited).
/// Stateless; any thread.
class JamsWriter
{
public:
    struct Options
    {
        float threshold = 0.5f;
        QString curatorName;       ///< annotation_metadata.curator.name of the curator annotation
    };

    static QJsonObject toJson(const TrackLabels &labels, const Options &options);
    static QByteArray toBytes(const TrackLabels &labels, const Options &options);
    /// Writes atomically; fails with a sentence naming the file.
    static Status write(const QString &path, const TrackLabels &labels, const Options &options);
};

} // namespace taglane::engine
