// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/model/vocabulary.h"
#include "engine/segment/segmentation.h"
#include "engine/store/segmentsource.h"
#include "engine/store/verdict.h"

#include <QVector>

#include <cmath>

namespace taglane::engine {

/// Which verdicts a label grid holds when several curators judged a track.
enum class LabelView {
    Curator,    ///< the store's curator's own verdicts (what the curator edits and undoes)
    Resolved,   ///< each tag's VerdictRule applied to every curator's verdicts (training, export)
};

/// Every label of one track's current segmentation: rows are segments (in
/// order), columns are the store's active vocabulary (in order). Cells are
/// row-major. Value type; any thread.
struct LabelGrid
{
    LabelView view = LabelView::Curator;
    QString curator;                    ///< Curator view: whose verdicts `verdicts` holds
    qint64 trackId = 0;
    qint64 segmentationId = 0;          ///< 0 when the track has no segmentation yet
    Segmentation segmentation;          ///< segment ids are store ids
    SegmentSource source = SegmentSource::Import;   ///< where the current segmentation came from
    QVector<Tag> tags;
    QVector<qint64> tagIds;             ///< store ids, parallel to tags
    QString modelVersion;               ///< version the probabilities come from; empty if none
    QVector<float> probabilities;       ///< NaN where the model gave none
    QVector<Verdict> verdicts;
    QVector<qint64> verdictTimes;       ///< ms since epoch (UTC) of the last verdict edit, 0 if none
    /// Cells where curators disagree (one said present, another absent), in either view.
    QVector<bool> conflicts;
    /// Resolved view: cells curators judged that the tag's rule leaves
    /// undecided (their verdict is Unknown here). All false in the Curator view.
    QVector<bool> unresolved;
    /// Curator view: the verdicts other curators gave each cell, as bits
    /// (kOtherPresent, kOtherAbsent); 0 where no other curator judged it.
    QVector<quint8> others;
    static constexpr quint8 kOtherPresent = 1;
    static constexpr quint8 kOtherAbsent = 2;

    int rows() const { return segmentation.size(); }
    int columns() const { return tags.size(); }
    int cell(int row, int column) const { return row * tags.size() + column; }
    Verdict verdict(int row, int column) const { return verdicts.at(cell(row, column)); }
    float probability(int row, int column) const { return probabilities.at(cell(row, column)); }
    bool hasProbability(int row, int column) const { return !std::isnan(probability(row, column)); }
    bool conflict(int row, int column) const
    {
        const int i = cell(row, column);
        return i < conflicts.size() && conflicts.at(i);
    }
    bool isUnresolved(int row, int column) const
    {
        const int i = cell(row, column);
        return i < unresolved.size() && unresolved.at(i);
    }
};

} // namespace taglane::engine
