// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/timeline/timeaxis.h"

#include <QPointer>
#include <QWidget>

namespace taglane::widgets {

class TimeAxis;

/// Base of the views stacked on one TimeAxis: a left gutter for labels, a
/// plot area mapped to the axis's visible window, the play cursor, and the
/// shared interaction (Ctrl+wheel zooms around the mouse, the wheel scrolls,
/// a left click seeks). Subclasses paint their gutter and plot.
class TimelineView : public QWidget
{
    Q_OBJECT

public:
    explicit TimelineView(TimeAxis *axis, QWidget *parent = nullptr);

    TimeAxis *timeAxis() const { return m_axis; }
    int gutterWidth() const { return m_gutter; }
    void setGutterWidth(int pixels);
    /// The area that maps to the visible time window, in widget coordinates.
    QRect plotRect() const;
    double xForTime(double seconds) const;
    double timeForX(double x) const;

Q_SIGNALS:
    /// The user clicked at `seconds` in the plot.
    void seekRequested(double seconds);

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

    virtual void paintGutter(QPainter &painter, const QRect &gutter) = 0;
    virtual void paintPlot(QPainter &painter, const QRect &plot) = 0;
    /// Whether the play cursor is drawn over the plot.
    virtual bool showsCursor() const { return true; }
    /// Plain wheel turns not used for time scrolling (the tag lane scrolls its rows).
    virtual bool verticalWheel(QWheelEvent *event) { return false; }

private:
    void onCursorChanged(double seconds);
    QRect cursorStrip(double seconds) const;

    QPointer<TimeAxis> m_axis;
    int m_gutter = 190;
    double m_paintedCursor = -1.0;
};

} // namespace taglane::widgets
