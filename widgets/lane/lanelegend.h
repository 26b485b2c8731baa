// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QWidget>

namespace taglane::widgets {

/// The tag lane's key, placed beside it: the probability colour ramp from 0
/// to 1 with the threshold marked, and swatches for the curator verdicts.
/// Also the one place that says which colour a probability gets. GUI thread.
class LaneLegend : public QWidget
{
    Q_OBJECT

public:
    explicit LaneLegend(QWidget *parent = nullptr);

    /// Colour of a probability in [0, 1] (dark slate to bright sky blue).
    static QColor probabilityColor(double p);
    static QColor presentColor() { return QColor(0x2f, 0xa8, 0x5a); }
    static QColor absentColor() { return QColor(0xb8, 0x3b, 0x3b); }
    /// The corner mark of a cell curators disagree on.
    static QColor conflictColor() { return QColor(0xff, 0x8c, 0x42); }

    double threshold() const { return m_threshold; }
    QSize sizeHint() const override { return QSize(72, 180); }
    QSize minimumSizeHint() const override { return QSize(60, 120); }

public Q_SLOTS:
    void setThreshold(double threshold);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    double m_threshold = 0.5;
};

} // namespace taglane::widgets
