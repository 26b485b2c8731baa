// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace taglane::engine {

/// Where a segmentation came from. Stored by name, so names must not change.
enum class SegmentSource {
    Fixed,        ///< fixed windows
    ModelChunks,  ///< one segment per model chunk
    Novelty,      ///< self-similarity novelty boundaries
    Import,       ///< read from a file
    Curator,      ///< edited by hand (split, merge, moved boundaries)
};

/// Stored name of a source ("fixed", "model-chunks", ...). Any thread.
inline QString segmentSourceName(SegmentSource s)
{
    switch (s) {
    case SegmentSource::Fixed: return QStringLiteral("fixed");
    case SegmentSource::ModelChunks: return QStringLiteral("model-chunks");
    case SegmentSource::Novelty: return QStringLiteral("novelty");
    case SegmentSource::Import: return QStringLiteral("import");
    case SegmentSource::Curator: break;
    }
    return QStringLiteral("curator");
}

/// Inverse of segmentSourceName; unknown names read as Import. Any thread.
inline SegmentSource segmentSourceFromName(const QString &name)
{
    if (name == QLatin1String("fixed")) return SegmentSource::Fixed;
    if (name == QLatin1String("model-chunks")) return SegmentSource::ModelChunks;
    if (name == QLatin1String("novelty")) return SegmentSource::Novelty;
    if (name == QLatin1String("curator")) return SegmentSource::Curator;
    return SegmentSource::Import;
}

} // namespace taglane::engine
