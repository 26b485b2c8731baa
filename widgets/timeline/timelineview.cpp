// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/timeline/timelineview.h"

#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

TimelineView::TimelineView(TimeAxis *axis, QWidget *parent)
    : QWidget(parent)
    , m_axis(axis)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::ClickFocus);
    connect(axis, &TimeAxis::visibleRangeChanged, this, qOverload<>(&QWidget::update));
    connect(axis, &TimeAxis::totalDurationChanged, this, qOverload<>(&QWidget::update));
    connect(axis, &TimeAxis::cursorChanged, this, &TimelineView::onCursorChanged);
}

void TimelineView::setGutterWidth(int pixels)
{
    m_gutter = std::max(0, pixels);
    update();
}

QRect TimelineView::plotRect() const
{
    return QRect(m_gutter, 0, std::max(1, width() - m_gutter), height());
}

double TimelineView::xForTime(double seconds) const
{
    const QRect plot = plotRect();
    return plot.left() + m_axis->xForTime(seconds, plot.width());
}

double TimelineView::timeForX(double x) const
{
    const QRect plot = plotRect();
    return m_axis->timeForX(x - plot.left(), plot.width());
}

QRect TimelineView::cursorStrip(double seconds) const
{
    const int x = int(std::floor(xForTime(seconds)));
    return QRect(x - 3, 0, 7, height());
}

void TimelineView::onCursorChanged(double seconds)
{
    if (!showsCursor())
        return;
    if (m_paintedCursor >= 0.0)
        update(cursorStrip(m_paintedCursor));
    update(cursorStrip(seconds));
}

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QRect plot = plotRect();
    const QRect gutter(0, 0, m_gutter, height());
    painter.save();
    painter.setClipRect(plot);
    paintPlot(painter, plot);
    painter.restore();
    if (showsCursor() && m_axis->totalDuration() > 0.0) {
        const double x = xForTime(m_axis->cursor());
        if (x >= plot.left() && x <= plot.right()) {
            painter.setPen(QPen(theme::cursor(), 1.5));
            painter.drawLine(QPointF(x, 0), QPointF(x, height()));
        }
        m_paintedCursor = m_axis->cursor();
    }
    if (m_gutter > 0) {
        painter.save();
        painter.setClipRect(gutter);
        paintGutter(painter, gutter);
        painter.restore();
        painter.setPen(theme::separator());
        painter.drawLine(gutter.right(), 0, gutter.right(), height());
    }
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const QPoint delta = event->angleDelta();
    if (event->modifiers() & Qt::ControlModifier) {
        if (delta.y() == 0)
            return;
        const double x = std::max<double>(plotRect().left(), event->position().x());
        const double anchor = timeForX(x);
        m_axis->zoomAround(std::pow(TimeAxis::zoomStep, delta.y() / 120.0), anchor);
        event->accept();
        return;
    }
    if (delta.x() == 0 && verticalWheel(event)) {
        event->accept();
        return;
    }
    const int turn = delta.x() != 0 ? delta.x() : delta.y();
    m_axis->scrollByPages(-0.1 * turn / 120.0);
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && plotRect().contains(event->position().toPoint())
        && m_axis->totalDuration() > 0.0) {
        Q_EMIT seekRequested(std::clamp(timeForX(event->position().x()), 0.0, m_axis->totalDuration()));
        event->accept();
        return;
    }
    QWidget::mousePressEvent(event);
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    if ((event->buttons() & Qt::LeftButton) && m_axis->totalDuration() > 0.0
        && event->position().x() >= plotRect().left()) {
        Q_EMIT seekRequested(std::clamp(timeForX(event->position().x()), 0.0, m_axis->totalDuration()));
        event->accept();
        return;
    }
    QWidget::mouseMoveEvent(event);
}

} // namespace taglane::widgets
