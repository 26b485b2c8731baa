// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/taglaneview.h"

#include "widgets/taglanemodel.h"
#include "widgets/theme.h"
#include "widgets/timeaxis.h"
#include "widgets/timeruler.h"

#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

TagLaneView::TagLaneView(TimeAxis *axis, QWidget *parent)
    : TimelineView(axis, parent)
{
    setMinimumHeight(80);
}

void TagLaneView::setModel(TagLaneModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        connect(model, &QAbstractItemModel::modelReset, this, &TagLaneView::relayout);
        connect(model, &QAbstractItemModel::rowsInserted, this, &TagLaneView::relayout);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &TagLaneView::relayout);
        connect(model, &QAbstractItemModel::dataChanged, this, qOverload<>(&QWidget::update));
        connect(model, &QAbstractItemModel::headerDataChanged, this, qOverload<>(&QWidget::update));
    }
    relayout();
}

void TagLaneView::relayout()
{
    m_rowTop.clear();
    int y = 0;
    const int rows = m_model ? m_model->rowCount() : 0;
    for (int r = 0; r < rows; ++r) {
        if (m_model->startsCategory(r))
            y += categoryHeight;
        m_rowTop.push_back(y);
        y += rowHeight;
    }
    m_contentHeight = y;
    setVerticalOffset(m_offset);
    emitRange();
    update();
}

void TagLaneView::emitRange()
{
    Q_EMIT verticalRangeChanged(std::max(0, m_contentHeight - height()), height());
}

void TagLaneView::setVerticalOffset(int offset)
{
    offset = std::clamp(offset, 0, std::max(0, m_contentHeight - height()));
    if (offset == m_offset)
        return;
    m_offset = offset;
    update();
    Q_EMIT verticalOffsetChanged(m_offset);
}

int TagLaneView::rowAt(int y) const
{
    const int contentY = y + m_offset;
    const auto it = std::upper_bound(m_rowTop.begin(), m_rowTop.end(), contentY);
    if (it == m_rowTop.begin())
        return -1;
    const int row = int(it - m_rowTop.begin()) - 1;
    return contentY < m_rowTop[row] + rowHeight ? row : -1;
}

void TagLaneView::resizeEvent(QResizeEvent *event)
{
    TimelineView::resizeEvent(event);
    setVerticalOffset(m_offset);
    emitRange();
}

bool TagLaneView::verticalWheel(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ShiftModifier)
        return false;
    setVerticalOffset(m_offset - event->angleDelta().y() * rowHeight * 3 / 120);
    return true;
}

void TagLaneView::paintGutter(QPainter &painter, const QRect &gutter)
{
    painter.fillRect(gutter, theme::gutter());
    if (!m_model)
        return;
    const QFontMetrics fm = painter.fontMetrics();
    QFont bold = painter.font();
    bold.setBold(true);
    const QFont normal = painter.font();
    for (int r = 0; r < m_rowTop.size(); ++r) {
        const int top = m_rowTop[r] - m_offset;
        if (top > gutter.bottom())
            break;
        if (m_model->startsCategory(r) && top - categoryHeight + categoryHeight >= 0) {
            const QRect header(gutter.left(), top - categoryHeight, gutter.width(), categoryHeight);
            painter.fillRect(header, theme::category());
            painter.setFont(bold);
            painter.setPen(theme::categoryText());
            painter.drawText(header.adjusted(8, 0, -6, 0), Qt::AlignVCenter | Qt::AlignLeft,
                             m_model->categoryOfRow(r));
            painter.setFont(normal);
        }
        if (top + rowHeight < 0)
            continue;
        const QRect lane(gutter.left(), top, gutter.width(), rowHeight);
        painter.fillRect(lane, r % 2 ? theme::laneOdd() : theme::laneEven());
        painter.setPen(theme::gutterText());
        const QString name = m_model->headerData(r, Qt::Vertical).toString();
        painter.drawText(lane.adjusted(16, 0, -6, 0), Qt::AlignVCenter | Qt::AlignLeft,
                         fm.elidedText(name, Qt::ElideRight, lane.width() - 22));
    }
}

void TagLaneView::paintPlot(QPainter &painter, const QRect &plot)
{
    painter.fillRect(plot, theme::background());
    if (!m_model)
        return;
    const int columns = m_model->columnCount();
    QVector<QPair<double, double>> spans;   // x range of each segment
    for (int c = 0; c < columns; ++c) {
        const double s = m_model->headerData(c, Qt::Horizontal, TagLaneModel::SegmentStartRole).toDouble();
        const double e = m_model->headerData(c, Qt::Horizontal, TagLaneModel::SegmentEndRole).toDouble();
        spans.push_back({xForTime(s), xForTime(e)});
    }
    QColor present = theme::present();
    QVector<double> gridX;
    const TimeAxis *axis = timeAxis();
    if (axis->totalDuration() > 0.0) {
        const double step = TimeRuler::tickStep(axis->visibleDuration() / plot.width(), 90.0);
        for (double t = std::ceil(axis->visibleStart() / step) * step; t <= axis->visibleEnd(); t += step)
            gridX.push_back(xForTime(t));
    }
    for (int r = 0; r < m_rowTop.size(); ++r) {
        const int top = m_rowTop[r] - m_offset;
        if (top > plot.bottom())
            break;
        if (m_model->startsCategory(r)) {
            const QRect header(plot.left(), top - categoryHeight, plot.width(), categoryHeight);
            painter.fillRect(header, theme::category());
        }
        if (top + rowHeight < 0)
            continue;
        const QRect lane(plot.left(), top, plot.width(), rowHeight);
        painter.fillRect(lane, r % 2 ? theme::laneOdd() : theme::laneEven());
        painter.setPen(theme::grid());
        for (double x : gridX)
            painter.drawLine(QPointF(x, top), QPointF(x, top + rowHeight - 1));
        for (int c = 0; c < columns; ++c) {
            const double x0 = std::max<double>(spans[c].first, plot.left());
            const double x1 = std::min<double>(spans[c].second, plot.right() + 1);
            if (x1 <= x0)
                continue;
            const QRectF cell(x0, top + 1, x1 - x0, rowHeight - 2);
            const QModelIndex idx = m_model->index(r, c);
            const QVariant p = idx.data(TagLaneModel::ProbabilityRole);
            if (p.isValid()) {
                present.setAlphaF(float(0.15 + 0.85 * p.toDouble()));
                painter.fillRect(cell, present);
            }
            const int verdict = idx.data(TagLaneModel::VerdictRole).toInt();
            if (verdict == TagLaneModel::Present) {
                painter.setPen(QPen(theme::present(), 2));
                painter.drawRect(cell.adjusted(1, 1, -1, -1));
            } else if (verdict == TagLaneModel::Absent) {
                painter.setPen(QPen(theme::absent(), 2));
                painter.drawLine(cell.topLeft(), cell.bottomRight());
            }
            painter.setPen(theme::separator());
            painter.drawLine(QPointF(spans[c].first, top), QPointF(spans[c].first, top + rowHeight));
        }
    }
    if (columns == 0 && m_model->rowCount() > 0 && axis->totalDuration() > 0.0) {
        const QString hint = tr("No tag predictions yet: each lane fills in when the tagger runs on this track.");
        const QFontMetrics fm = painter.fontMetrics();
        QRect box = fm.boundingRect(hint).adjusted(-12, -6, 12, 6);
        box.moveCenter(QPoint(plot.center().x(), plot.top() + std::min(plot.height() / 2, 3 * categoryHeight)));
        painter.fillRect(box, QColor(0x16, 0x18, 0x1d, 220));
        painter.setPen(theme::dimText());
        painter.drawText(box, Qt::AlignCenter, hint);
    }
}

} // namespace taglane::widgets
