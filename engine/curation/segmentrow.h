// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/segment/segment.h"
#include "engine/store/verdict.h"

#include <QHash>
#include <QString>
#include <QVector>

#include <cmath>
#include <cstring>

namespace taglane::engine {

/// A curator verdict on one (segment, tag) cell and who set it when.
/// `actor` is "curator" (or a user name) for hand edits, a model version
/// for verdicts accepted from a model; empty with Unknown. Value type; any thread.
struct CellLabel
{
    Verdict verdict = Verdict::Unknown;
    QString actor;
    qint64 atMs = 0;   ///< ms since epoch (UTC); 0 when unknown

    bool operator==(const CellLabel &o) const { return verdict == o.verdict && actor == o.actor && atMs == o.atMs; }
    bool operator!=(const CellLabel &o) const { return !(*this == o); }
};

/// One segment of a TrackDocument with all its cells: a label per tag (in
/// the document's tag order) and, per model version, a probability per tag
/// (NaN where the model gave none). Value type; any thread.
struct SegmentRow
{
    Segment segment;
    QVector<CellLabel> labels;
    QHash<QString, QVector<float>> probabilities;

    bool operator==(const SegmentRow &o) const
    {
        if (!(segment == o.segment) || labels != o.labels || probabilities.size() != o.probabilities.size())
            return false;
        for (auto it = probabilities.cbegin(); it != probabilities.cend(); ++it) {
            const auto other = o.probabilities.constFind(it.key());
            if (other == o.probabilities.cend() || other->size() != it->size())
                return false;
            // Bitwise, so that NaN (no prediction) equals NaN.
            if (!it->isEmpty() && std::memcmp(it->constData(), other->constData(), sizeof(float) * size_t(it->size())) != 0)
                return false;
        }
        return true;
    }
    bool operator!=(const SegmentRow &o) const { return !(*this == o); }
};

/// A structural edit of a TrackDocument: the consecutive rows `before`
/// become the consecutive rows `after` (split: 1 -> 2, merge: 2 -> 1, moved
/// boundary: 2 -> 2, re-segmentation: all -> all). New segments carry id 0
/// until TrackDocument::apply() gives them ids. Value type; any thread.
struct RowChange
{
    QVector<SegmentRow> before;
    QVector<SegmentRow> after;
};

} // namespace taglane::engine
