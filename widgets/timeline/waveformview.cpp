// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/timeline/waveformview.h"

#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/timeline/timeruler.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

WaveformView::WaveformView(TimeAxis *axis, QWidget *parent)
    : TimelineView(axis, parent)
{
    setMinimumHeight(60);
}

void WaveformView::setPeaks(engine::PeakPyramid peaks, int sampleRate)
{
    m_peaks = std::move(peaks);
    m_rate = sampleRate;
    update();
    Q_EMIT peaksChanged();
}

void WaveformView::paintGutter(QPainter &painter, const QRect &gutter)
{
    painter.fillRect(gutter, theme::gutter());
    painter.setPen(theme::gutterText());
    painter.drawText(gutter.adjusted(8, 6, -8, 0), Qt::AlignTop | Qt::AlignLeft, tr("Waveform"));
    {
        // Key of the two envelopes.
        const QFontMetrics fm = painter.fontMetrics();
        int x = gutter.left() + 8;
        const int y = gutter.top() + 10 + fm.height();
        const struct { QColor colour; QString label; } keys[] = {{theme::waveform(), tr("peak")},
                                                                 {theme::waveformRms(), tr("RMS")}};
        for (const auto &k : keys) {
            painter.fillRect(QRect(x, y + 2, 8, fm.ascent() - 3), k.colour);
            x += 11;
            painter.setPen(theme::dimText());
            painter.drawText(x, y + fm.ascent(), k.label);
            x += fm.horizontalAdvance(k.label) + 10;
        }
    }
    const int mid = gutter.center().y();
    const int half = gutter.height() / 2 - 4;
    painter.setPen(theme::dimText());
    const QFontMetrics fm = painter.fontMetrics();
    const int right = gutter.right() - 6;
    const struct { double value; const char *label; } marks[] = {{1.0, "+1"}, {0.0, "0"}, {-1.0, "-1"}};
    for (const auto &m : marks) {
        const int y = mid - int(m.value * half);
        painter.drawLine(right - 4, y, right, y);
        const QString text = QString::fromLatin1(m.label);
        const int ty = std::clamp(y + fm.ascent() / 2 - 1, fm.ascent(), gutter.bottom() - 2);
        painter.drawText(right - 8 - fm.horizontalAdvance(text), ty, text);
    }
}

void WaveformView::paintPlot(QPainter &painter, const QRect &plot)
{
    painter.fillRect(plot, theme::background());
    const int mid = plot.center().y();
    const double half = plot.height() / 2.0 - 4.0;
    TimeAxis *axis = timeAxis();
    painter.setPen(theme::grid());
    if (axis->totalDuration() > 0.0) {
        const double step = TimeRuler::tickStep(axis->visibleDuration() / plot.width(), 90.0);
        for (double t = std::ceil(axis->visibleStart() / step) * step; t <= axis->visibleEnd(); t += step)
            painter.drawLine(QPointF(xForTime(t), plot.top()), QPointF(xForTime(t), plot.bottom()));
    }
    painter.drawLine(plot.left(), mid, plot.right(), mid);
    if (m_peaks.isEmpty() || m_rate <= 0)
        return;

    const int columns = plot.width();
    const double start = axis->visibleStart() * m_rate;
    const double end = axis->visibleEnd() * m_rate;
    const std::vector<engine::PeakPyramid::MinMax> env = m_peaks.query(start, end, columns);
    const double lastSample = double(m_peaks.sampleCount());
    const double samplesPerColumn = (end - start) / columns;

    // Peak envelope first, then the RMS envelope inside it (as Sonic
    // Visualiser and Audacity draw them), so a loud passage shows its level
    // instead of a solid slab. The RMS band is symmetric around zero and
    // never leaves the peak band.
    auto yFor = [mid, half](float v) { return mid - int(std::lround(std::clamp(v, -1.0f, 1.0f) * half)); };
    const QColor peak = theme::waveform();
    const QColor rms = theme::waveformRms();
    for (int c = 0; c < columns; ++c) {
        const double s0 = start + c * samplesPerColumn;
        if (s0 >= lastSample || s0 + samplesPerColumn <= 0.0)
            continue;
        const auto &m = env[size_t(c)];
        const int x = plot.left() + c;
        const int yTop = yFor(m.max);
        const int yBottom = std::max(yTop, yFor(m.min));
        painter.setPen(peak);
        painter.drawLine(x, yTop, x, yBottom);
        const int rTop = std::max(yTop, yFor(std::min(m.rms, m.max)));
        const int rBottom = std::min(yBottom, yFor(std::max(-m.rms, m.min)));
        if (m.rms > 0.0f && rTop <= rBottom) {
            painter.setPen(rms);
            painter.drawLine(x, rTop, x, rBottom);
        }
    }
}

} // namespace taglane::widgets
