// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/style/colormap.h"

#include <QWidget>

namespace taglane::widgets {

/// Vertical colour bar with its dB scale, placed beside the spectrogram.
class ColorLegend : public QWidget
{
    Q_OBJECT

public:
    explicit ColorLegend(QWidget *parent = nullptr);

    void setColorMap(const ColorMap &map);
    void setRange(double lowDb, double highDb);
    double lowDb() const { return m_low; }
    double highDb() const { return m_high; }
    QSize sizeHint() const override { return QSize(72, 200); }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    ColorMap m_map;
    double m_low = -80.0;
    double m_high = 0.0;
};

} // namespace taglane::widgets
