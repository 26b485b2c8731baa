// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/lane/attentionview.h"

#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <limits>

namespace taglane::widgets {

AttentionView::AttentionView(TimeAxis *axis, QWidget *parent)
    : QWidget(parent)
    , m_axis(axis)
{
    setToolTip(tr("Self-attention weights of the model over time, one curve per head: the moments that drove "
                  "the prediction are where a curve rises."));
    if (m_axis)
        connect(m_axis, &TimeAxis::visibleRangeChanged, this, qOverload<>(&QWidget::update));
}

void AttentionView::setWindows(std::vector<engine::AttentionWindow> windows)
{
    m_windows = std::move(windows);
    update();
}

void AttentionView::clear()
{
    m_windows.clear();
    update();
}

void AttentionView::setBranch(Branch branch)
{
    m_branch = branch;
    update();
}

QColor AttentionView::headColor(int head)
{
    static const QColor colors[] = {QColor(0xff, 0x8a, 0x3d), QColor(0x5c, 0xd6, 0x7a), QColor(0xc0, 0x7c, 0xff),
                                    QColor(0xff, 0xd1, 0x4a), QColor(0x4f, 0xc3, 0xd9), QColor(0xff, 0x5c, 0x8a),
                                    QColor(0xa0, 0xe0, 0x40), QColor(0xe0, 0xe0, 0xe0)};
    return colors[std::abs(head) % 8];
}

const std::vector<float> &AttentionView::weights(const engine::AttentionWindow &w) const
{
    return m_branch == Branch::Mel ? w.mel : w.wave;
}

const std::vector<double> &AttentionView::times(const engine::AttentionWindow &w) const
{
    return m_branch == Branch::Mel ? w.melTimes : w.waveTimes;
}

double AttentionView::peak() const
{
    double p = 0.0;
    for (const auto &w : m_windows) {
        for (float v : weights(w))
            p = std::max(p, double(v));
        if (!times(w).empty())
            p = std::max(p, 2.0 / double(times(w).size()));
    }
    return p > 0.0 ? p : 1.0;
}

void AttentionView::setGutterWidth(int pixels)
{
    m_gutter = std::max(0, pixels);
    update();
}

double AttentionView::xForTime(double seconds) const
{
    return m_axis ? m_gutter + m_axis->xForTime(seconds, std::max(1, width() - m_gutter)) : 0.0;
}

QRectF AttentionView::plotRect() const
{
    return QRectF(m_gutter, 4, std::max(1, width() - m_gutter), std::max(1, height() - 8));
}

double AttentionView::curveHeightAt(int head, double seconds) const
{
    const QRectF plot = plotRect();
    const double top = peak();
    for (const auto &w : m_windows) {
        const auto &ts = times(w);
        if (ts.empty() || head < 0 || head >= w.heads || seconds < w.start || seconds >= w.end)
            continue;
        size_t best = 0;
        for (size_t t = 1; t < ts.size(); ++t)
            if (std::abs(ts[t] - seconds) < std::abs(ts[best] - seconds))
                best = t;
        return weights(w)[size_t(head) * ts.size() + best] / top * plot.height();
    }
    return -1.0;
}

void AttentionView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), theme::background());
    if (!m_axis)
        return;
    const QRectF plot = plotRect();
    painter.setPen(theme::grid());
    painter.drawLine(QPointF(0, plot.bottom()), QPointF(width(), plot.bottom()));
    if (m_windows.empty()) {
        painter.setPen(theme::dimText());
        painter.drawText(rect(), Qt::AlignCenter, tr("No attention to show (select a segment; cnn-sam models only)"));
        return;
    }
    painter.setClipRect(plot.adjusted(0, -4, 0, 4));
    painter.setRenderHint(QPainter::Antialiasing);
    const double top = peak();
    for (const auto &w : m_windows) {
        const auto &ts = times(w);
        const auto &ws = weights(w);
        if (ts.empty())
            continue;
        // The window's span, faintly.
        const double x0 = xForTime(w.start), x1 = xForTime(w.end);
        painter.fillRect(QRectF(x0, plot.top(), x1 - x0, plot.height()), theme::laneEven());
        for (int h = 0; h < w.heads; ++h) {
            QPainterPath path;
            for (size_t t = 0; t < ts.size(); ++t) {
                const QPointF p(xForTime(ts[t]), plot.bottom() - ws[size_t(h) * ts.size() + t] / top * plot.height());
                if (t == 0)
                    path.moveTo(p);
                else
                    path.lineTo(p);
            }
            painter.setPen(QPen(headColor(h), 1.6));
            painter.drawPath(path);
        }
    }
    painter.setClipping(false);
    painter.fillRect(QRect(0, 0, m_gutter, height()), theme::gutter());
    painter.setPen(theme::gutterText());
    const QString label = m_branch == Branch::Mel ? tr("Attention\nlog-Mel branch") : tr("Attention\nwaveform branch");
    if (m_gutter > 0)
        painter.drawText(QRectF(8, 4, m_gutter - 12, height() - 8), Qt::AlignLeft | Qt::AlignTop, label);
    else
        painter.drawText(QRectF(4, 2, width() - 8, 30), Qt::AlignRight | Qt::AlignTop, label);
}

} // namespace taglane::widgets
