// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/model/vocabulary.h"
#include "engine/segment/segmentation.h"
#include "engine/store/verdict.h"

#include <QDateTime>
#include <QString>

#include <cmath>
#include <limits>
#include <vector>

namespace taglane::engine {

struct LabelGrid;

/// One (segment, tag) cell: the model's probability (NaN when there is
/// none) and the curator's verdict with its provenance.
struct LabelCell
{
    float probability = std::numeric_limits<float>::quiet_NaN();
    Verdict verdict = Verdict::Unknown;
    QString curator;        ///< who gave the verdict
    QDateTime modified;     ///< when the verdict was given

    bool hasProbability() const { return !std::isnan(probability); }
};

/// Everything the exporters (and later importers) exchange about one track:
/// file, duration, segments, tags and a segments x tags grid of cells.
/// Torch-free value type; any thread.
struct TrackLabels
{
    QString file;                 ///< audio file as written to exports
    QString title;                ///< optional; exporters fall back to the file's stem
    QString artist;
    double durationSeconds = 0.0;
    Segmentation segments;
    Vocabulary tags;
    std::vector<LabelCell> cells; ///< row-major: cells[segment * tags.size() + tag]
    QString modelVersion;         ///< provenance of the probabilities ("" when none)
    QDateTime modelTime;          ///< when the model produced them

    LabelCell &cell(int segment, int tag) { return cells[size_t(segment) * size_t(tags.size()) + size_t(tag)]; }
    const LabelCell &cell(int segment, int tag) const
    {
        return cells[size_t(segment) * size_t(tags.size()) + size_t(tag)];
    }
    /// True when cells holds exactly one cell per (segment, tag).
    bool isConsistent() const { return cells.size() == size_t(segments.size()) * size_t(tags.size()); }
    QString displayTitle() const;

    /// Labels holding model probabilities only: rows[segment][tag].
    static TrackLabels fromProbabilities(const QString &file, double durationSeconds, const Segmentation &segments,
                                         const Vocabulary &tags, const std::vector<std::vector<float>> &rows,
                                         const QString &modelVersion, const QDateTime &modelTime = {});
    /// The labels the annotation store holds for a track (verdict times
    /// become `modified`; the store keeps no curator name per cell).
    static TrackLabels fromLabelGrid(const LabelGrid &grid, const QString &file, double durationSeconds);
};

} // namespace taglane::engine
