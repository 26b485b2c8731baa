// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/lane/lanelegend.h"

#include "widgets/style/theme.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

LaneLegend::LaneLegend(QWidget *parent)
    : QWidget(parent)
{
    setToolTip(tr("Tag probability colours; the white mark is the threshold (cells at or above it get a white frame). "
                  "Green with a check: present; red with a cross: absent (curator verdicts)."));
}

QColor LaneLegend::probabilityColor(double p)
{
    if (!(p > 0.0))
        p = 0.0;
    p = std::min(1.0, p);
    // Three anchors: near the lane background, a saturated mid blue, a bright sky blue.
    static const QColor anchors[] = {QColor(0x22, 0x2b, 0x3a), QColor(0x2a, 0x6c, 0xb8), QColor(0x9c, 0xe0, 0xff)};
    const double pos = p * 2.0;
    const int i = std::min(1, int(pos));
    const double f = pos - i;
    const QColor &a = anchors[i];
    const QColor &b = anchors[i + 1];
    return QColor(int(std::lround(a.red() + (b.red() - a.red()) * f)), int(std::lround(a.green() + (b.green() - a.green()) * f)),
                  int(std::lround(a.blue() + (b.blue() - a.blue()) * f)));
}

void LaneLegend::setThreshold(double threshold)
{
    m_threshold = std::clamp(threshold, 0.0, 1.0);
    update();
}

void LaneLegend::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), theme::gutter());
    painter.setRenderHint(QPainter::Antialiasing);
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.78));
    painter.setFont(small);
    const QFontMetrics fm(small);

    const int swatchBlock = 2 * (fm.height() + 4) + 8;
    const QRect bar(8, 10 + fm.height(), 14, std::max(30, height() - 20 - fm.height() - swatchBlock));
    painter.setPen(theme::gutterText());
    painter.drawText(QRect(2, 2, width() - 4, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, tr("p(tag)"));
    for (int y = 0; y < bar.height(); ++y) {
        const double p = 1.0 - double(y) / std::max(1, bar.height() - 1);
        painter.setPen(probabilityColor(p));
        painter.drawLine(bar.left(), bar.top() + y, bar.right(), bar.top() + y);
    }
    painter.setPen(theme::grid());
    painter.drawRect(QRectF(bar).adjusted(-0.5, -0.5, 0.5, 0.5));
    painter.setPen(theme::dimText());
    for (double v : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        const int y = bar.bottom() - int(std::lround(v * (bar.height() - 1)));
        painter.drawLine(bar.right() + 1, y, bar.right() + 4, y);
        painter.drawText(QRect(bar.right() + 6, y - fm.height() / 2, width() - bar.right() - 6, fm.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, QString::number(v, 'g', 2));
    }
    // Threshold: a yellow triangle pointing at the bar.
    const double ty = bar.bottom() - m_threshold * (bar.height() - 1);
    QPainterPath tri;
    tri.moveTo(bar.left() - 1, ty);
    tri.lineTo(bar.left() - 7, ty - 4);
    tri.lineTo(bar.left() - 7, ty + 4);
    tri.closeSubpath();
    painter.fillPath(tri, Qt::white);
    painter.setPen(QPen(Qt::white, 1.5));
    painter.drawLine(QPointF(bar.left(), ty), QPointF(bar.right(), ty));

    // Verdict swatches.
    int y = bar.bottom() + 10;
    auto swatch = [&](const QColor &fill, bool check, const QString &label) {
        const QRectF box(3, y, 13, fm.height());
        painter.fillRect(box, fill);
        painter.setPen(QPen(Qt::white, 1.6));
        if (check) {
            painter.drawLine(QPointF(box.left() + 3, box.center().y()), QPointF(box.left() + 6, box.bottom() - 3));
            painter.drawLine(QPointF(box.left() + 6, box.bottom() - 3), QPointF(box.right() - 2, box.top() + 3));
        } else {
            painter.drawLine(box.topLeft() + QPointF(3.5, 3.5), box.bottomRight() - QPointF(3.5, 3.5));
            painter.drawLine(QPointF(box.right() - 3.5, box.top() + 3.5), QPointF(box.left() + 3.5, box.bottom() - 3.5));
        }
        painter.setPen(theme::gutterText());
        painter.drawText(QRect(19, y, width() - 19, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, label);
        y += fm.height() + 4;
    };
    swatch(presentColor(), true, tr("present"));
    swatch(absentColor(), false, tr("absent"));
}

} // namespace taglane::widgets
