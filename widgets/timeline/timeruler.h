// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/timeline/timelineview.h"

namespace taglane::widgets {

/// Time ticks and labels (m:ss, with fractions when zoomed in) for the shared axis.
class TimeRuler : public TimelineView
{
    Q_OBJECT

public:
    explicit TimeRuler(TimeAxis *axis, QWidget *parent = nullptr);
    QSize sizeHint() const override;

    /// Tick spacing in seconds so that labels stay at least `minPixels` apart.
    static double tickStep(double secondsPerPixel, double minPixels);
    /// "1:05", "1:05.250", "1:02:03"... with as many decimals as the step needs.
    static QString formatTime(double seconds, double step);

protected:
    void paintGutter(QPainter &painter, const QRect &gutter) override;
    void paintPlot(QPainter &painter, const QRect &plot) override;
};

} // namespace taglane::widgets
