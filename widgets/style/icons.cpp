// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/style/icons.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include <functional>

namespace taglane::widgets::icons {

namespace {

QIcon draw(const std::function<void(QPainter &)> &paint)
{
    QIcon icon;
    for (int size : {16, 24, 32, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(size / 24.0, size / 24.0);
        p.setPen(QPen(QColor(0xdd, 0xe1, 0xe8), 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(QColor(0xdd, 0xe1, 0xe8));
        paint(p);
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

void magnifier(QPainter &p, bool plus)
{
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(QPointF(10, 10), 6.5, 6.5);
    p.drawLine(QPointF(15, 15), QPointF(21, 21));
    p.drawLine(QPointF(7, 10), QPointF(13, 10));
    if (plus)
        p.drawLine(QPointF(10, 7), QPointF(10, 13));
}

} // namespace

QIcon play()
{
    return draw([](QPainter &p) {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0x6f, 0xd8, 0x8a));
        QPainterPath path;
        path.moveTo(7, 4);
        path.lineTo(20, 12);
        path.lineTo(7, 20);
        path.closeSubpath();
        p.drawPath(path);
    });
}

QIcon pause()
{
    return draw([](QPainter &p) {
        p.setPen(Qt::NoPen);
        p.drawRoundedRect(QRectF(6, 4, 4, 16), 1, 1);
        p.drawRoundedRect(QRectF(14, 4, 4, 16), 1, 1);
    });
}

QIcon stop()
{
    return draw([](QPainter &p) {
        p.setPen(Qt::NoPen);
        p.drawRoundedRect(QRectF(6, 6, 12, 12), 1.5, 1.5);
    });
}

QIcon zoomIn()
{
    return draw([](QPainter &p) { magnifier(p, true); });
}

QIcon zoomOut()
{
    return draw([](QPainter &p) { magnifier(p, false); });
}

QIcon fit()
{
    return draw([](QPainter &p) {
        p.setBrush(Qt::NoBrush);
        p.drawLine(QPointF(3, 12), QPointF(21, 12));
        p.drawPolyline(QPolygonF({QPointF(7, 8), QPointF(3, 12), QPointF(7, 16)}));
        p.drawPolyline(QPolygonF({QPointF(17, 8), QPointF(21, 12), QPointF(17, 16)}));
        p.drawLine(QPointF(1, 5), QPointF(1, 19));
        p.drawLine(QPointF(23, 5), QPointF(23, 19));
    });
}

} // namespace taglane::widgets::icons
