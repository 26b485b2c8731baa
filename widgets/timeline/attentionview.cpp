// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/timeline/attentionview.h"

#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

AttentionView::AttentionView(TimeAxis *axis, QWidget *parent)
    : TimelineView(axis, parent)
{
    setMinimumHeight(50);
}

QColor AttentionView::headColour(int head)
{
    // Four well-separated hues first (the study's r = 4), then more around the wheel.
    static const QColor first[] = {QColor(0xf2, 0x8e, 0x2b), QColor(0x6f, 0xa8, 0xff), QColor(0xc7, 0x7d, 0xff),
                                   QColor(0x4c, 0xd1, 0x9b)};
    if (head >= 0 && head < 4)
        return first[head];
    return QColor::fromHsv((head * 67 + 20) % 360, 170, 240);
}

int AttentionView::setTraces(const QVector<engine::AttentionTrace> &traces)
{
    m_traces.clear();
    m_heads = 0;
    m_top = 2.0;
    for (const engine::AttentionTrace &t : traces) {
        if (!t.isValid())
            continue;
        m_traces << t;
        m_heads = std::max(m_heads, t.heads);
        for (float w : t.weights)
            if (std::isfinite(w))
                m_top = std::max(m_top, double(w) * t.frames);
    }
    update();
    return int(m_traces.size());
}

void AttentionView::clear()
{
    setTraces({});
}

void AttentionView::setFocusRange(double start, double end)
{
    m_focusStart = start;
    m_focusEnd = end;
    update();
}

void AttentionView::paintGutter(QPainter &painter, const QRect &gutter)
{
    painter.fillRect(gutter, theme::gutter());
    painter.setPen(theme::gutterText());
    painter.drawText(gutter.adjusted(8, 6, -8, 0), Qt::AlignTop | Qt::AlignLeft, tr("Attention"));
    const QFontMetrics fm = painter.fontMetrics();
    int x = gutter.left() + 8;
    const int y = gutter.top() + 10 + fm.height();
    for (int h = 0; h < m_heads; ++h) {
        const QString label = QString::number(h + 1);
        painter.fillRect(QRect(x, y + 2, 8, fm.ascent() - 3), headColour(h));
        x += 11;
        painter.setPen(theme::dimText());
        painter.drawText(x, y + fm.ascent(), label);
        x += fm.horizontalAdvance(label) + 8;
    }
    painter.setPen(theme::dimText());
    const int right = gutter.right() - 6;
    const QString top = QStringLiteral("%1x").arg(m_top, 0, 'f', 1);
    painter.drawText(right - fm.horizontalAdvance(top), gutter.top() + fm.ascent() + 2, top);
    painter.drawText(right - fm.horizontalAdvance(QStringLiteral("0")), gutter.bottom() - 3, QStringLiteral("0"));
}

void AttentionView::paintPlot(QPainter &painter, const QRect &plot)
{
    painter.fillRect(plot, theme::background());
    if (m_traces.isEmpty()) {
        painter.setPen(theme::dimText());
        painter.drawText(plot, Qt::AlignCenter, tr("No attention weights: the model has no attention pooling."));
        return;
    }
    const double bottom = plot.bottom() - 2.0;
    const double height = plot.height() - 6.0;
    // The even share (1x) as a guide line.
    painter.setPen(theme::grid());
    const double even = bottom - height / m_top;
    painter.drawLine(QPointF(plot.left(), even), QPointF(plot.right(), even));

    const bool focused = m_focusEnd > m_focusStart;
    const double visibleStart = timeAxis()->visibleStart();
    const double visibleEnd = timeAxis()->visibleEnd();
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setClipRect(plot);
    for (const engine::AttentionTrace &t : m_traces) {
        if (t.end() < visibleStart || t.start > visibleEnd)
            continue;
        const bool inFocus = !focused || (t.start < m_focusEnd && t.end() > m_focusStart);
        for (int h = 0; h < t.heads; ++h) {
            QColor colour = headColour(h);
            if (!inFocus)
                colour.setAlpha(70);
            painter.setPen(QPen(colour, 2.0));
            QPainterPath path;
            for (int f = 0; f < t.frames; ++f) {
                const double value = std::isfinite(t.weight(h, f)) ? double(t.weight(h, f)) * t.frames : 0.0;
                const QPointF p(xForTime(t.start + (f + 0.5) * t.frameSeconds),
                                bottom - height * std::clamp(value / m_top, 0.0, 1.0));
                if (f == 0)
                    path.moveTo(p);
                else
                    path.lineTo(p);
            }
            painter.drawPath(path);
        }
    }
    painter.setClipping(false);
}

} // namespace taglane::widgets
