// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/style/colorlegend.h"

#include "widgets/style/theme.h"

#include <QImage>
#include <QPainter>

#include <cmath>

namespace taglane::widgets {

ColorLegend::ColorLegend(QWidget *parent)
    : QWidget(parent)
{
    setFixedWidth(sizeHint().width());
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ColorLegend::setColorMap(const ColorMap &map)
{
    m_map = map;
    update();
}

void ColorLegend::setRange(double lowDb, double highDb)
{
    m_low = lowDb;
    m_high = highDb > lowDb ? highDb : lowDb + 1.0;
    update();
}

void ColorLegend::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), theme::gutter());
    const QFontMetrics fm = painter.fontMetrics();
    const QRect bar(8, fm.height() + 12, 14, std::max(10, height() - fm.height() - 20));

    QImage strip(1, 256, QImage::Format_RGB32);
    for (int i = 0; i < 256; ++i)
        strip.setPixel(0, 255 - i, m_map.entry(i));
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(bar, strip);
    painter.setPen(theme::grid());
    painter.drawRect(bar.adjusted(0, 0, -1, -1));

    painter.setPen(theme::dimText());
    painter.drawText(QRect(0, 2, width(), fm.height()), Qt::AlignHCenter, tr("dB"));

    const double span = m_high - m_low;
    const double step = span > 60 ? 20.0 : span > 30 ? 10.0 : 5.0;
    painter.setPen(theme::gutterText());
    for (double v = std::ceil(m_low / step) * step; v <= m_high + 1e-9; v += step) {
        const double f = (v - m_low) / span;
        const int y = bar.bottom() - int(std::lround(f * bar.height()));
        painter.drawLine(bar.right() + 1, y, bar.right() + 4, y);
        const int ty = std::clamp(y + fm.ascent() / 2 - 1, bar.top() + fm.ascent() / 2, bar.bottom() + fm.ascent() / 2);
        painter.drawText(bar.right() + 7, ty, QString::number(int(std::lround(v))));
    }
}

} // namespace taglane::widgets
