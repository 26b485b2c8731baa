// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>

class QAction;
class QAbstractItemModel;

namespace taglane::widgets {

class PlaybackController;
class TagLaneView;
class TimeAxis;

/// Playback by segment for reviewing: play exactly the selected segments
/// (P), loop that (L), and jump to and play the next segment under review
/// (Shift+P). A segment is under review while it has a suggestion awaiting a
/// verdict: a cell whose probability is at or above the lane's threshold and
/// whose verdict is still unknown (what "accept suggestions" would mark).
/// GUI thread only.
class SegmentPlayback : public QObject
{
    Q_OBJECT

public:
    SegmentPlayback(PlaybackController *playback, TagLaneView *lane, TimeAxis *axis, QObject *parent = nullptr);

    QAction *playSelectionAction() const { return m_playSelection; }
    QAction *loopAction() const { return m_loop; }
    QAction *playNextForReviewAction() const { return m_playNext; }
    QList<QAction *> actions() const;

    /// Column of the first segment after `afterColumn` (-1: from the first)
    /// with a suggestion awaiting a verdict, or -1; `row` gets that cell's
    /// row (the first such row in the lane's order). Reads only the lane
    /// model's public roles. Any QAbstractItemModel laid out as the tag lane.
    static int nextUnderReview(const QAbstractItemModel &model, double threshold, int afterColumn, int *row = nullptr);
    /// The segment span [start, end) of columns first..last (header roles).
    static QPair<double, double> spanOf(const QAbstractItemModel &model, int first, int last);

public Q_SLOTS:
    /// Plays the selected segments' span (no selection: the segment under
    /// the cursor) once, or looping when loopAction() is checked. Returns
    /// whether there was a segment.
    bool playSelection();
    /// Selects and plays the next segment under review after the selected one
    /// (or after the cursor); says so in message() when none is left.
    bool playNextForReview();

Q_SIGNALS:
    void message(const QString &text);

private:
    int columnAtCursor() const;

    QPointer<PlaybackController> m_playback;
    QPointer<TagLaneView> m_lane;
    QPointer<TimeAxis> m_axis;
    QAction *m_playSelection = nullptr;
    QAction *m_loop = nullptr;
    QAction *m_playNext = nullptr;
};

} // namespace taglane::widgets
