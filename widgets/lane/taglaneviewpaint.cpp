// SPDX-License-Identifier: GPL-3.0-or-later
// TagLaneView's painting: the gutter (categories, tag names, peak bars) and
// the plot (cells, verdicts, selection, boundaries). Interaction lives in
// taglaneview.cpp.
#include "widgets/lane/taglaneview.h"

#include "widgets/lane/lanelegend.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/timeline/timeruler.h"

#include "engine/curation/trackdocument.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

void TagLaneView::paintGutter(QPainter &painter, const QRect &gutter)
{
    painter.fillRect(gutter, theme::gutter());
    if (!m_model)
        return;
    const QFontMetrics fm = painter.fontMetrics();
    QFont bold = painter.font();
    bold.setBold(true);
    const QFont normal = painter.font();
    for (const Header &h : m_headers) {
        const int top = h.top - m_offset;
        if (top > gutter.bottom() || top + categoryHeight < 0)
            continue;
        const QRect header(gutter.left(), top, gutter.width(), categoryHeight);
        painter.fillRect(header, theme::category());
        const bool collapsed = m_collapsed.contains(h.category);
        // Disclosure triangle.
        painter.setRenderHint(QPainter::Antialiasing);
        QPolygonF tri;
        const QPointF c(header.left() + 9, header.center().y() + 0.5);
        if (collapsed)
            tri << c + QPointF(-2.5, -4) << c + QPointF(3, 0) << c + QPointF(-2.5, 4);
        else
            tri << c + QPointF(-4, -2.5) << c + QPointF(4, -2.5) << c + QPointF(0, 3);
        painter.setPen(Qt::NoPen);
        painter.setBrush(theme::categoryText());
        painter.drawPolygon(tri);
        painter.setRenderHint(QPainter::Antialiasing, false);
        painter.setFont(bold);
        painter.setPen(theme::categoryText());
        painter.drawText(header.adjusted(18, 0, -6, 0), Qt::AlignVCenter | Qt::AlignLeft, h.category);
        painter.setFont(normal);
        painter.setPen(theme::dimText());
        painter.drawText(header.adjusted(18, 0, -8, 0), Qt::AlignVCenter | Qt::AlignRight, QString::number(h.count));
    }
    const int selected = currentRow();
    const QVector<int> selRows = selectedRows();
    for (int r : m_visibleRows) {
        const int top = m_rowTop[r] - m_offset;
        if (top > gutter.bottom())
            break;
        if (top + rowHeight < 0)
            continue;
        const QRect lane(gutter.left(), top, gutter.width(), rowHeight);
        painter.fillRect(lane, r % 2 ? theme::laneOdd() : theme::laneEven());
        if (selRows.contains(r))
            painter.fillRect(lane, QColor(0xff, 0xd1, 0x4a, r == selected ? 46 : 24));
        // Peak probability as a thin bar on the right, so sorted rows read at a glance.
        const QVariant peak = m_model->headerData(r, Qt::Vertical, TagLaneModel::PeakRole);
        const int barWidth = 28;
        if (peak.isValid()) {
            const QRectF bar(lane.right() - barWidth - 4, lane.top() + 6, barWidth * peak.toDouble(), rowHeight - 12);
            painter.fillRect(bar, LaneLegend::probabilityColor(peak.toDouble()));
        }
        painter.setPen(theme::gutterText());
        const QString name = m_model->headerData(r, Qt::Vertical).toString();
        painter.drawText(lane.adjusted(18, 0, -barWidth - 10, 0), Qt::AlignVCenter | Qt::AlignLeft,
                         fm.elidedText(name, Qt::ElideRight, lane.width() - barWidth - 28));
    }
}

void TagLaneView::paintPlot(QPainter &painter, const QRect &plot)
{
    painter.fillRect(plot, theme::background());
    if (!m_model)
        return;
    const engine::TrackDocument *doc = m_model->document();
    const int columns = m_model->columnCount();
    const TimeAxis *axis = timeAxis();
    // Cells are painted from the first visible column on.
    const auto firstVisible = std::lower_bound(doc->rows().cbegin(), doc->rows().cend(), axis->visibleStart(),
                                               [](const engine::SegmentRow &r, double t) { return r.segment.end <= t; });
    const int firstColumn = int(firstVisible - doc->rows().cbegin());
    QVector<QPair<double, double>> spans(columns);
    for (int c = 0; c < columns; ++c)
        spans[c] = {xForTime(doc->segment(c).start), xForTime(doc->segment(c).end)};
    QVector<double> gridX;
    if (axis->totalDuration() > 0.0) {
        const double step = TimeRuler::tickStep(axis->visibleDuration() / plot.width(), 90.0);
        for (double t = std::ceil(axis->visibleStart() / step) * step; t <= axis->visibleEnd(); t += step)
            gridX.push_back(xForTime(t));
    }
    for (const Header &h : m_headers) {
        const int top = h.top - m_offset;
        if (top <= plot.bottom() && top + categoryHeight >= 0)
            painter.fillRect(QRect(plot.left(), top, plot.width(), categoryHeight), theme::category());
    }
    const QVector<int> selRows = selectedRows();
    const QVector<int> selColumns = selectedColumns();
    const double threshold = m_model->threshold();
    QFont small = painter.font();
    small.setPointSizeF(std::max(6.5, small.pointSizeF() * 0.8));
    const QFontMetrics smallFm(small);
    const int numberWidth = smallFm.horizontalAdvance(QStringLiteral("0.00")) + 6;
    painter.setFont(small);
    for (int r : m_visibleRows) {
        const int top = m_rowTop[r] - m_offset;
        if (top > plot.bottom())
            break;
        if (top + rowHeight < 0)
            continue;
        const int tag = m_model->tagIndexOfRow(r);
        const QRect lane(plot.left(), top, plot.width(), rowHeight);
        painter.fillRect(lane, r % 2 ? theme::laneOdd() : theme::laneEven());
        painter.setPen(theme::grid());
        for (double x : gridX)
            painter.drawLine(QPointF(x, top), QPointF(x, top + rowHeight - 1));
        for (int c = firstColumn; c < columns; ++c) {
            if (spans[c].first > plot.right() + 1)
                break;
            const double x0 = std::max<double>(spans[c].first, plot.left());
            const double x1 = std::min<double>(spans[c].second, plot.right() + 1);
            if (x1 <= x0)
                continue;
            const QRectF cell(x0 + 1, top + 1, x1 - x0 - 1, rowHeight - 2);
            const float p = doc->probability(c, tag);
            const engine::Verdict verdict = doc->label(c, tag).verdict;
            if (verdict == engine::Verdict::Unknown) {
                if (!std::isnan(p)) {
                    QColor color = LaneLegend::probabilityColor(p);
                    color.setAlphaF(0.88f);
                    painter.fillRect(cell, color);
                    if (double(p) >= threshold) {
                        // At or above the threshold: a white frame (the selection is yellow).
                        painter.setPen(QPen(QColor(255, 255, 255, 170), 1.0));
                        painter.setBrush(Qt::NoBrush);
                        painter.drawRect(cell.adjusted(0.5, 0.5, -0.5, -0.5));
                    }
                    if (cell.width() >= numberWidth + 4) {
                        painter.setPen(p > 0.6f ? QColor(0x10, 0x20, 0x30) : theme::gutterText());
                        painter.drawText(cell, Qt::AlignCenter, QString::number(double(p), 'f', 2));
                    }
                }
            } else {
                const bool present = verdict == engine::Verdict::Present;
                painter.fillRect(cell, present ? LaneLegend::presentColor() : LaneLegend::absentColor());
                if (!std::isnan(p)) {
                    // The model's view stays visible as a strip at the bottom.
                    painter.fillRect(QRectF(cell.left(), cell.bottom() - 3, cell.width(), 3),
                                     LaneLegend::probabilityColor(p));
                }
                const double h = std::min(cell.height() - 6, std::max(4.0, cell.width() - 6));
                const QPointF m = cell.center() - QPointF(0, 1);
                painter.setRenderHint(QPainter::Antialiasing);
                painter.setPen(QPen(Qt::white, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
                if (h >= 4.0) {
                    if (present) {
                        painter.drawLine(m + QPointF(-h * 0.45, 0), m + QPointF(-h * 0.1, h * 0.38));
                        painter.drawLine(m + QPointF(-h * 0.1, h * 0.38), m + QPointF(h * 0.5, -h * 0.4));
                    } else {
                        painter.drawLine(m + QPointF(-h * 0.35, -h * 0.35), m + QPointF(h * 0.35, h * 0.35));
                        painter.drawLine(m + QPointF(h * 0.35, -h * 0.35), m + QPointF(-h * 0.35, h * 0.35));
                    }
                }
                painter.setRenderHint(QPainter::Antialiasing, false);
            }
        }
        // Selection.
        if (selRows.contains(r) && !selColumns.isEmpty()) {
            const double x0 = std::max<double>(spans[selColumns.first()].first, plot.left() - 2);
            const double x1 = std::min<double>(spans[selColumns.last()].second, plot.right() + 2);
            if (x1 > x0) {
                painter.setBrush(Qt::NoBrush);
                painter.setPen(QPen(theme::separator(), 1.0));
                painter.drawRect(QRectF(x0 + 0.5, top + 0.5, x1 - x0 - 1, rowHeight - 1));
                painter.setPen(QPen(theme::cursor(), 2.0));
                painter.drawRect(QRectF(x0 + 2, top + 2, x1 - x0 - 4, rowHeight - 4));
            }
        }
    }
    // Boundaries through every lane; the one under the mouse is highlighted.
    for (int c = std::max(0, firstColumn); c < columns; ++c) {
        if (spans[c].first > plot.right() + 1)
            break;
        const bool hot = c - 1 == m_hoverBoundary && c > 0;
        painter.setPen(hot ? QPen(theme::cursor(), 2) : QPen(theme::separator(), 1));
        painter.drawLine(QPointF(spans[c].first, 0), QPointF(spans[c].first, height()));
    }
    if (columns == 0 && m_model->rowCount() > 0 && axis->totalDuration() > 0.0) {
        painter.setFont(font());
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
