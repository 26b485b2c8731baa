// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPointer>
#include <QTimer>
#include <QVector>
#include <QWidget>

namespace taglane::widgets {

class TagLaneModel;
class TrackView;

/// "Now playing": the tags with the highest probability in the lane column
/// under the playback cursor, as labelled bars - a live taggram that follows
/// the cursor and fills as inference rows arrive. GUI thread.
class NowPlayingPanel : public QWidget
{
    Q_OBJECT

public:
    struct TagScore
    {
        QString name;          ///< full tag name
        QString label;         ///< shown name (without category prefix)
        QString category;
        double probability = 0.0;
        int verdict = 0;       ///< TagLaneModel::Verdict
    };

    explicit NowPlayingPanel(TrackView *view, QWidget *parent = nullptr);

    void setTagCount(int count);
    int tagCount() const { return m_count; }
    /// The bars shown now, highest first.
    const QVector<TagScore> &scores() const { return m_scores; }
    /// Start and end (seconds) of the segment the bars come from; -1 when none.
    double segmentStart() const { return m_segmentStart; }
    double segmentEnd() const { return m_segmentEnd; }

    /// The `count` tags with the highest probability in the lane column
    /// covering `seconds` (cells without a probability are skipped).
    static QVector<TagScore> topTags(const TagLaneModel *model, double seconds, int count, double *segmentStart = nullptr,
                                     double *segmentEnd = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    /// Recomputes the bars for the cursor now.
    void update();

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void scheduleUpdate();

    QPointer<TrackView> m_view;
    QTimer m_throttle;
    int m_count = 8;
    QVector<TagScore> m_scores;
    double m_segmentStart = -1.0;
    double m_segmentEnd = -1.0;
    double m_cursor = 0.0;
};

} // namespace taglane::widgets
