// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internal to the store: turns every curator's verdicts on a label grid's
// cells into the grid's view (AnnotationStore::labelGrid).

#include "engine/store/labelgrid.h"
#include "engine/store/verdictrule.h"

#include <QHash>

namespace taglane::engine {

/// Fills grid.verdicts, verdictTimes, conflicts and unresolved from `votes`
/// (cell index -> the verdicts curators gave it). Curator view: the votes
/// of `curator`; Resolved view: each column's rule from `rules` (by tag id;
/// Majority where none). Any thread.
void applyVotes(LabelGrid &grid, const QHash<int, QVector<CuratorVerdict>> &votes, LabelView view, const QString &curator,
                const QHash<qint64, VerdictRule> &rules);

} // namespace taglane::engine
