// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/timeline/timeruler.h"

#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"

#include <QPainter>

#include <cmath>

namespace taglane::widgets {

TimeRuler::TimeRuler(TimeAxis *axis, QWidget *parent)
    : TimelineView(axis, parent)
{
    setFixedHeight(sizeHint().height());
}

QSize TimeRuler::sizeHint() const
{
    return QSize(400, fontMetrics().height() + 14);
}

double TimeRuler::tickStep(double secondsPerPixel, double minPixels)
{
    static const double steps[] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5,
                                   10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200};
    for (double s : steps)
        if (s / secondsPerPixel >= minPixels)
            return s;
    return 7200.0 * std::ceil(secondsPerPixel * minPixels / 7200.0);
}

QString TimeRuler::formatTime(double seconds, double step)
{
    const int decimals = step >= 1.0 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
    const double scale = std::pow(10.0, decimals);
    const qint64 units = qint64(std::llround(seconds * scale));
    const qint64 whole = units / qint64(scale);
    const qint64 frac = units % qint64(scale);
    const qint64 h = whole / 3600, m = (whole / 60) % 60, s = whole % 60;
    QString text = h > 0 ? QStringLiteral("%1:%2:%3").arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'))
                         : QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QLatin1Char('0'));
    if (decimals > 0)
        text += QStringLiteral(".%1").arg(frac, decimals, 10, QLatin1Char('0'));
    return text;
}

void TimeRuler::paintGutter(QPainter &painter, const QRect &gutter)
{
    painter.fillRect(gutter, theme::gutter());
    painter.setPen(theme::dimText());
    painter.drawText(gutter.adjusted(8, 0, -8, 0), Qt::AlignVCenter | Qt::AlignLeft, tr("Time"));
}

void TimeRuler::paintPlot(QPainter &painter, const QRect &plot)
{
    painter.fillRect(plot, theme::gutter());
    TimeAxis *axis = timeAxis();
    if (axis->totalDuration() <= 0.0)
        return;
    const double secondsPerPixel = axis->visibleDuration() / plot.width();
    const double step = tickStep(secondsPerPixel, 90.0);
    const double minor = step / ((qRound(step / std::pow(10.0, std::floor(std::log10(step)))) == 2) ? 4.0 : 5.0);
    const double end = axis->visibleEnd();
    painter.setPen(theme::dimText());
    for (double t = std::floor(axis->visibleStart() / minor) * minor; t <= end; t += minor) {
        const double x = xForTime(t);
        painter.drawLine(QPointF(x, plot.bottom() - 4), QPointF(x, plot.bottom()));
    }
    const QFontMetrics fm = painter.fontMetrics();
    for (double t = std::floor(axis->visibleStart() / step) * step; t <= end; t += step) {
        const double x = xForTime(t);
        painter.setPen(theme::gutterText());
        painter.drawLine(QPointF(x, plot.bottom() - 9), QPointF(x, plot.bottom()));
        const QString label = formatTime(std::max(0.0, t), step);
        if (x + 4 + fm.horizontalAdvance(label) <= plot.right())
            painter.drawText(QPointF(x + 4, fm.ascent() + 3), label);
    }
    painter.setPen(theme::separator());
    painter.drawLine(plot.left(), plot.bottom(), plot.right(), plot.bottom());
}

} // namespace taglane::widgets
