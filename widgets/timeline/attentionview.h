// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/timeline/timelineview.h"

#include "engine/model/attentiontrace.h"

#include <QVector>

namespace taglane::widgets {

/// The attention weights of a model with attention pooling, under the tag
/// lane on the same time axis: one curve per weight vector (head), so a
/// researcher sees which moments drove each prediction. A weight is drawn as
/// weight x frames, so 1 is attention spread evenly over the window and a
/// peak of 4 means four times the even share. With a focus (the selected
/// segment) the curves outside it are dimmed.
class AttentionView : public TimelineView
{
    Q_OBJECT

public:
    explicit AttentionView(TimeAxis *axis, QWidget *parent = nullptr);

    /// Replaces the curves; traces that are not valid are left out (the
    /// count of those kept is returned). GUI thread.
    int setTraces(const QVector<engine::AttentionTrace> &traces);
    void clear();
    const QVector<engine::AttentionTrace> &traces() const { return m_traces; }
    int heads() const { return m_heads; }
    /// Draw [start, end) in full colour and the rest dimmed; an empty range
    /// (end <= start) draws everything in full colour.
    void setFocusRange(double start, double end);
    /// The colour of head `head` (full colour). Any thread.
    static QColor headColour(int head);
    /// The value the curves' top edge stands for (weight x frames), at least 2.
    double scaleTop() const { return m_top; }

    QSize sizeHint() const override { return QSize(400, 90); }

protected:
    void paintGutter(QPainter &painter, const QRect &gutter) override;
    void paintPlot(QPainter &painter, const QRect &plot) override;

private:
    QVector<engine::AttentionTrace> m_traces;
    int m_heads = 0;
    double m_top = 2.0;
    double m_focusStart = 0.0;
    double m_focusEnd = 0.0;
};

} // namespace taglane::widgets
