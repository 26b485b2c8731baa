// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/playback/segmentplayback.h"

#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/playback/playbackcontroller.h"
#include "widgets/timeline/timeaxis.h"

#include <QAction>

#include <algorithm>

namespace taglane::widgets {

SegmentPlayback::SegmentPlayback(PlaybackController *playback, TagLaneView *lane, TimeAxis *axis, QObject *parent)
    : QObject(parent)
    , m_playback(playback)
    , m_lane(lane)
    , m_axis(axis)
{
    m_playSelection = new QAction(tr("Play &Selection"), this);
    m_playSelection->setShortcut(QKeySequence(Qt::Key_P));
    m_playSelection->setToolTip(tr("Play exactly the selected segments, or the segment under the cursor (P)"));
    connect(m_playSelection, &QAction::triggered, this, &SegmentPlayback::playSelection);

    m_loop = new QAction(tr("&Loop Selection"), this);
    m_loop->setCheckable(true);
    m_loop->setShortcut(QKeySequence(Qt::Key_L));
    m_loop->setToolTip(tr("Play the selection over and over until stopped (L)"));
    connect(m_loop, &QAction::toggled, this, [this](bool on) {
        if (m_playback)
            m_playback->setLooping(on);
    });

    m_playNext = new QAction(tr("Play &Next Segment to Review"), this);
    m_playNext->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_P));
    m_playNext->setToolTip(tr("Select and play the next segment with a suggestion that has no verdict yet (Shift+P)"));
    connect(m_playNext, &QAction::triggered, this, &SegmentPlayback::playNextForReview);
}

QList<QAction *> SegmentPlayback::actions() const
{
    return {m_playSelection, m_loop, m_playNext};
}

int SegmentPlayback::nextUnderReview(const QAbstractItemModel &model, double threshold, int afterColumn, int *row)
{
    const int rows = model.rowCount();
    for (int c = std::max(0, afterColumn + 1); c < model.columnCount(); ++c) {
        for (int r = 0; r < rows; ++r) {
            const QModelIndex cell = model.index(r, c);
            const QVariant p = cell.data(TagLaneModel::ProbabilityRole);
            if (!p.isValid() || p.toDouble() < threshold)
                continue;
            if (cell.data(TagLaneModel::VerdictRole).toInt() != TagLaneModel::Unknown)
                continue;
            if (row)
                *row = r;
            return c;
        }
    }
    return -1;
}

QPair<double, double> SegmentPlayback::spanOf(const QAbstractItemModel &model, int first, int last)
{
    return {model.headerData(first, Qt::Horizontal, TagLaneModel::SegmentStartRole).toDouble(),
            model.headerData(last, Qt::Horizontal, TagLaneModel::SegmentEndRole).toDouble()};
}

int SegmentPlayback::columnAtCursor() const
{
    TagLaneModel *model = m_lane ? m_lane->model() : nullptr;
    if (!model || !m_axis)
        return -1;
    const double t = m_axis->cursor();
    for (int c = 0; c < model->columnCount(); ++c) {
        const auto [start, end] = spanOf(*model, c, c);
        if (t >= start && (t < end || c == model->columnCount() - 1))
            return c;
    }
    return -1;
}

bool SegmentPlayback::playSelection()
{
    TagLaneModel *model = m_lane ? m_lane->model() : nullptr;
    if (!model || !m_playback || model->columnCount() == 0)
        return false;
    int first = -1, last = -1;
    if (m_lane->hasSelection()) {
        const QVector<int> columns = m_lane->selectedColumns();
        if (!columns.isEmpty()) {
            first = *std::min_element(columns.begin(), columns.end());
            last = *std::max_element(columns.begin(), columns.end());
        }
    }
    if (first < 0)
        first = last = columnAtCursor();
    if (first < 0)
        return false;
    const auto [start, end] = spanOf(*model, first, last);
    m_playback->playRange(start, end, m_loop->isChecked());
    return true;
}

bool SegmentPlayback::playNextForReview()
{
    TagLaneModel *model = m_lane ? m_lane->model() : nullptr;
    if (!model || !m_playback)
        return false;
    int after = -1;
    if (m_lane->hasSelection() && m_lane->currentColumn() >= 0)
        after = m_lane->currentColumn();
    else if (const int c = columnAtCursor(); c >= 0 && m_axis && m_axis->cursor() > 0.0)
        after = c - 1;   // the segment under a placed cursor counts as next
    int row = -1;
    const int column = nextUnderReview(*model, model->threshold(), after, &row);
    if (column < 0) {
        Q_EMIT message(tr("No segment after this one has a suggestion without a verdict."));
        return false;
    }
    m_lane->selectCell(row, column);
    const auto [start, end] = spanOf(*model, column, column);
    if (m_axis && (start < m_axis->visibleStart() || end > m_axis->visibleEnd())) {
        const double margin = std::max(0.0, m_axis->visibleDuration() - (end - start)) / 2.0;
        m_axis->setVisibleStart(start - margin);
    }
    m_playback->playRange(start, end, m_loop->isChecked());
    return true;
}

} // namespace taglane::widgets
