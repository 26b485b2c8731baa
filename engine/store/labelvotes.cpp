// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/labelvotes.h"

#include <algorithm>

namespace taglane::engine {

void applyVotes(LabelGrid &grid, const QHash<int, QVector<CuratorVerdict>> &votes, LabelView view, const QString &curator,
                const QHash<qint64, VerdictRule> &rules)
{
    const int cells = grid.rows() * grid.columns();
    grid.view = view;
    grid.curator = view == LabelView::Curator ? curator : QString();
    grid.verdicts.fill(Verdict::Unknown, cells);
    grid.verdictTimes.fill(0, cells);
    grid.conflicts.fill(false, cells);
    grid.unresolved.fill(false, cells);
    grid.others.fill(0, cells);
    for (auto it = votes.constBegin(); it != votes.constEnd(); ++it) {
        const int i = it.key();
        if (i < 0 || i >= cells || it->isEmpty())
            continue;
        grid.conflicts[i] = VerdictRule::disagree(*it);
        if (view == LabelView::Curator) {
            for (const CuratorVerdict &v : *it) {
                if (v.curator == curator) {
                    grid.verdicts[i] = v.verdict;
                    grid.verdictTimes[i] = v.changedAtMs;
                } else if (v.verdict != Verdict::Unknown) {
                    grid.others[i] |= v.verdict == Verdict::Present ? LabelGrid::kOtherPresent : LabelGrid::kOtherAbsent;
                }
            }
            continue;
        }
        const int column = grid.columns() > 0 ? i % grid.columns() : 0;
        const VerdictRule rule = rules.value(grid.tagIds.value(column), VerdictRule{});
        bool undecided = false;
        const Verdict resolved = rule.resolve(*it, &undecided);
        grid.verdicts[i] = resolved;
        grid.unresolved[i] = undecided;
        qint64 newest = 0;
        for (const CuratorVerdict &v : *it) {
            if (v.verdict == resolved)
                newest = std::max(newest, v.changedAtMs);
        }
        grid.verdictTimes[i] = resolved == Verdict::Unknown ? 0 : newest;
    }
}

} // namespace taglane::engine
