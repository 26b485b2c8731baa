// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QString>

namespace taglane::engine {

/// A track known to the annotation store. `id` is the store's stable id
/// (0 for a record not yet added). Value type; any thread.
struct TrackRecord
{
    qint64 id = 0;
    QString path;           ///< absolute path when added
    QString contentHash;    ///< ContentHash::ofFile, lowercase hex
    qint64 sizeBytes = 0;
    double durationSeconds = 0.0;
    int sampleRate = 0;
    int channels = 0;
    QDateTime added;        ///< UTC
};

} // namespace taglane::engine
