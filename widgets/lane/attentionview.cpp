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
    for (const auto &w : m_windows)
        for (float v : weights(w))
            p = std::max(p, double(v));
    return p > 0.0 ? p : 1.0;
}

QRectF AttentionView::plotRect() const
{
    return QRectF(0, 4, width(), std::max(1, height() - 8));
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
    painter.setRenderHint(QPainter::Antialiasing);
    const double top = peak();
    for (const auto &w : m_windows) {
        const auto &ts = times(w);
        const auto &ws = weights(w);
        if (ts.empty())
            continue;
        // The window's span, faintly.
        const double x0 = m_axis->xForTime(w.start, width()), x1 = m_axis->xForTime(w.end, width());
        painter.fillRect(QRectF(x0, plot.top(), x1 - x0, plot.height()), theme::laneEven());
        for (int h = 0; h < w.heads; ++h) {
            QPainterPath path;
            for (size_t t = 0; t < ts.size(); ++t) {
                const QPointF p(m_axis->xForTime(ts[t], width()), plot.bottom() - ws[size_t(h) * ts.size() + t] / top * plot.height());
                if (t == 0)
                    path.moveTo(p);
                else
                    path.lineTo(p);
            }
            painter.setPen(QPen(headColor(h), 1.6));
            painter.drawPath(path);
        }
    }
    painter.setPen(theme::gutterText());
    painter.drawText(QRectF(4, 2, width() - 8, 14), Qt::AlignRight | Qt::AlignTop,
                     m_branch == Branch::Mel ? tr("attention (log-Mel branch)") : tr("attention (waveform branch)"));
}

} // namespace taglane::widgets
