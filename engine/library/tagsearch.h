// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/library/tagquery.h"

#include <QString>
#include <QVector>

namespace taglane::engine {

/// A segment or a track a search found. Value type; any thread.
struct SearchHit
{
    qint64 trackId = 0;
    QString trackPath;
    qint64 segmentId = 0;      ///< 0 for a whole track
    double start = 0.0;        ///< the segment's; a track: 0
    double end = 0.0;          ///< the segment's; a track: its duration
};

/// Runs a TagQuery over the store's library: on the segments of each
/// track's current segmentation, or on whole tracks.
///  - Segments: `TAG op x` compares the segment's probability (no
///    prediction: false); `curated` and `curator` look at the segment's
///    verdicts.
///  - Tracks: `TAG op x` compares the mean probability over the track's
///    segments; `curated` and `curator` hold when some segment's verdict does.
/// Probabilities come from the chosen model version, else per track from the
/// version that tagged it last; a verdict's curator is the actor of the edit
/// that set it. The query becomes one SQL statement: on segments, a query
/// that needs `TAG >= x` (or `>`, `=`; x >= 0.5) reads the matching cells
/// from the index of likely cells and checks the rest on them; on tracks,
/// the means come from the ranked tags the store keeps (both schema 5; a
/// store without them is searched by probing every segment). Runs on the
/// calling thread with a read connection of its own (StoreQuery):
/// committed data only.
class TagSearch
{
public:
    enum class Scope { Segments, Tracks };

    struct Options
    {
        Scope scope = Scope::Segments;
        QString modelVersion;          ///< empty: the newest run per track
        int limit = 0;                 ///< 0: every hit
    };

    /// Hits by track path, then time. Fails for a tag the store does not
    /// know (naming it and its position, *errorPosition set as by
    /// TagQuery::parse) or when the store cannot be read.
    static Result<QVector<SearchHit>> run(const QString &storePath, const TagQuery &query, const Options &options,
                                          int *errorPosition = nullptr);
};

} // namespace taglane::engine
