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

#include <QImage>
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
        // A related tag (from another vocabulary) hangs under its partner,
        // indented behind a link mark.
        const bool related = !m_model->headerData(r, Qt::Vertical, TagLaneModel::RelatedRole).toString().isEmpty();
        const int indent = related ? 34 : 18;
        if (related) {
            painter.setPen(theme::dimText());
            painter.drawText(QRect(lane.left() + 18, lane.top(), 14, rowHeight), Qt::AlignCenter, QStringLiteral("\u2248"));
            painter.setPen(theme::gutterText());
        }
        painter.drawText(lane.adjusted(indent, 0, -barWidth - 10, 0), Qt::AlignVCenter | Qt::AlignLeft,
                         fm.elidedText(name, Qt::ElideRight, lane.width() - barWidth - indent - 10));
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
    const auto lastVisible = std::lower_bound(firstVisible, doc->rows().cend(), axis->visibleEnd(),
                                              [](const engine::SegmentRow &r, double t) { return r.segment.start < t; });
    const int visibleColumns = int(lastVisible - firstVisible);
    // Where segments are narrower than a few pixels, each pixel column shows
    // the summary (strongest or mean) of the segments under it, as Sonic
    // Visualiser's colour plots do; wider, each cell is drawn on its own.
    const bool summarise = visibleColumns > 0 && double(plot.width()) / visibleColumns < minCellPixels;
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
    QFont small = painter.font();
    small.setPointSizeF(std::max(6.5, small.pointSizeF() * 0.8));
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
        if (summarise)
            paintSummary(painter, lane, tag, firstColumn);
        else {
            paintCells(painter, lane, r, firstColumn, spans);
            paintConflicts(painter, lane, r, firstColumn, spans);
        }
        // Selection.
        if (selRows.contains(r) && !selColumns.isEmpty()) {
            const double x0 = std::max<double>(spans[selColumns.first()].first, plot.left() - 2);
            const double x1 = std::min<double>(spans[selColumns.last()].second, plot.right() + 2);
            if (x1 > x0) {
                const double w = std::max(4.0, x1 - x0);
                painter.setBrush(Qt::NoBrush);
                painter.setPen(QPen(theme::separator(), 1.0));
                painter.drawRect(QRectF(x0 + 0.5, top + 0.5, w - 1, rowHeight - 1));
                painter.setPen(QPen(theme::cursor(), 2.0));
                painter.drawRect(QRectF(x0 + 2, top + 2, std::max(1.0, w - 4), rowHeight - 4));
            }
        }
    }
    // Boundaries through every lane, where cells are wide enough to tell them apart.
    if (!summarise) {
        painter.setPen(QPen(theme::separator(), 1));
        for (int c = std::max(1, firstColumn); c < columns; ++c) {
            if (spans[c].first > plot.right() + 1)
                break;
            painter.drawLine(QPointF(spans[c].first, 0), QPointF(spans[c].first, height()));
        }
    }
    paintHandles(painter, plot, firstColumn, spans);
    if (columns == 0 && axis->totalDuration() > 0.0) {
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

namespace taglane::widgets {

void TagLaneView::paintCells(QPainter &painter, const QRect &lane, int row, int firstColumn,
                             const QVector<QPair<double, double>> &spans)
{
    const engine::TrackDocument *doc = m_model->document();
    const int tag = m_model->tagIndexOfRow(row);
    const QVector<int> related = m_model->relatedTagsOfRow(row);
    const int columns = int(spans.size());
    const double threshold = m_model->threshold();
    const QFontMetrics smallFm(painter.font());
    const int numberWidth = smallFm.horizontalAdvance(QStringLiteral("0.00")) + 6;
    const int top = lane.top();
    for (int c = firstColumn; c < columns; ++c) {
        if (spans[c].first > lane.right() + 1)
            break;
        const double x0 = std::max<double>(spans[c].first, lane.left());
        const double x1 = std::min<double>(spans[c].second, lane.right() + 1);
        if (x1 <= x0)
            continue;
        // At least one pixel wide, so that no cell disappears.
        const QRectF cell(x0 + (x1 - x0 >= 3.0 ? 1.0 : 0.0), top + 1, std::max(1.0, x1 - x0 - (x1 - x0 >= 3.0 ? 1.0 : 0.0)),
                          rowHeight - 2);
        const float p = doc->probability(c, tag);
        const engine::Verdict verdict = doc->label(c, tag).verdict;
        if (verdict == engine::Verdict::Unknown) {
            if (!std::isnan(p)) {
                QColor color = LaneLegend::probabilityColor(p);
                color.setAlphaF(0.88f);
                painter.fillRect(cell, color);
                if (double(p) >= threshold && cell.width() >= 6.0) {
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
            // A suggestion of "Complete My Review": a hollow diamond in the
            // top-left corner, from red (absent) to green (present).
            const double suggested = m_model->completionAt(row, c);
            if (!std::isnan(suggested) && cell.width() >= 7.0)
                paintSuggestion(painter, cell, suggested);
            // A related tag's verdict (the mapping's partner): a dashed frame
            // in the verdict's colour, so the curator sees it counts here too.
            for (int other : related) {
                const engine::Verdict rv = doc->label(c, other).verdict;
                if (rv == engine::Verdict::Unknown)
                    continue;
                const QColor frame = (rv == engine::Verdict::Present ? LaneLegend::presentColor() : LaneLegend::absentColor())
                                         .lighter(130);
                painter.setPen(QPen(frame, 2.0, cell.width() >= 8.0 ? Qt::DashLine : Qt::SolidLine));
                painter.setBrush(Qt::NoBrush);
                painter.drawRect(cell.adjusted(1.5, 1.5, -1.5, -1.5));
                break;
            }
            continue;
        }
        const bool present = verdict == engine::Verdict::Present;
        painter.fillRect(cell, present ? LaneLegend::presentColor() : LaneLegend::absentColor());
        if (!std::isnan(p)) {
            // The model's view stays visible as a strip at the bottom.
            painter.fillRect(QRectF(cell.left(), cell.bottom() - 3, cell.width(), 3), LaneLegend::probabilityColor(p));
        }
        const double h = std::min(cell.height() - 6, std::max(4.0, cell.width() - 6));
        const QPointF m = cell.center() - QPointF(0, 1);
        if (h < 4.0 || cell.width() < 6.0)
            continue;
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(Qt::white, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        if (present) {
            painter.drawLine(m + QPointF(-h * 0.45, 0), m + QPointF(-h * 0.1, h * 0.38));
            painter.drawLine(m + QPointF(-h * 0.1, h * 0.38), m + QPointF(h * 0.5, -h * 0.4));
        } else {
            painter.drawLine(m + QPointF(-h * 0.35, -h * 0.35), m + QPointF(h * 0.35, h * 0.35));
            painter.drawLine(m + QPointF(h * 0.35, -h * 0.35), m + QPointF(-h * 0.35, h * 0.35));
        }
        painter.setRenderHint(QPainter::Antialiasing, false);
    }
}

void TagLaneView::paintConflicts(QPainter &painter, const QRect &lane, int row, int firstColumn,
                                 const QVector<QPair<double, double>> &spans)
{
    // Where curators disagree: an orange corner (top right) over whatever the cell shows.
    const engine::TrackDocument *doc = m_model->document();
    const int tag = m_model->tagIndexOfRow(row);
    const int columns = int(spans.size());
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(LaneLegend::conflictColor());
    for (int c = firstColumn; c < columns; ++c) {
        if (spans[c].first > lane.right() + 1)
            break;
        const double x0 = std::max<double>(spans[c].first, lane.left());
        const double x1 = std::min<double>(spans[c].second, lane.right() + 1);
        if (x1 - x0 < 5.0 || !doc->hasConflict(c, tag))
            continue;
        const double size = std::min(8.0, std::min(x1 - x0, double(rowHeight)) / 2.0);
        const QPointF corner(x1 - 1.0, lane.top() + 1.0);
        const QPointF triangle[3] = {corner, corner - QPointF(size, 0), corner + QPointF(0, size)};
        painter.drawPolygon(triangle, 3);
    }
    painter.setBrush(Qt::NoBrush);
    painter.setRenderHint(QPainter::Antialiasing, false);
}

void TagLaneView::paintSuggestion(QPainter &painter, const QRectF &cell, double value)
{
    const double t = std::clamp(value, 0.0, 1.0);
    const QColor a = LaneLegend::absentColor().lighter(125);
    const QColor b = LaneLegend::presentColor().lighter(125);
    const QColor color = QColor::fromRgbF(float(a.redF() + t * (b.redF() - a.redF())),
                                          float(a.greenF() + t * (b.greenF() - a.greenF())),
                                          float(a.blueF() + t * (b.blueF() - a.blueF())));
    const double r = std::min(4.5, std::min(cell.width(), cell.height()) / 2.0 - 1.5);
    const QPointF c = cell.topLeft() + QPointF(r + 2.0, r + 2.0);
    const QPointF diamond[4] = {c + QPointF(0, -r), c + QPointF(r, 0), c + QPointF(0, r), c + QPointF(-r, 0)};
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(0x10, 0x12, 0x16, 200), 3.2, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
    painter.drawPolygon(diamond, 4);
    painter.setPen(QPen(color, 1.6, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
    painter.drawPolygon(diamond, 4);
    painter.setRenderHint(QPainter::Antialiasing, false);
}

void TagLaneView::paintSummary(QPainter &painter, const QRect &lane, int tag, int firstColumn)
{
    // One image row per lane: each pixel column the strongest (or the
    // overlap-weighted mean) probability of the segments under it; curated
    // segments as marks (present along the top, absent along the bottom),
    // summaries at or above the threshold with a white tick on top.
    const engine::TrackDocument *doc = m_model->document();
    const int columns = doc->segmentCount();
    const int w = lane.width();
    const int h = rowHeight - 2;
    const int mark = 4;
    QImage image(w, h, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    const QRgb presentMark = LaneLegend::presentColor().lighter(125).rgba();
    const QRgb absentMark = LaneLegend::absentColor().lighter(125).rgba();
    const QRgb tick = qRgba(255, 255, 255, 255);
    const double threshold = m_model->threshold();
    int c = firstColumn;
    for (int px = 0; px < w; ++px) {
        const double t0 = timeForX(lane.left() + px);
        const double t1 = timeForX(lane.left() + px + 1);
        while (c < columns && doc->segment(c).end <= t0)
            ++c;
        double best = -1.0;
        double sum = 0.0;
        double weight = 0.0;
        bool present = false;
        bool absent = false;
        for (int j = c; j < columns && doc->segment(j).start < t1; ++j) {
            const engine::Segment &s = doc->segment(j);
            const engine::Verdict v = doc->label(j, tag).verdict;
            present = present || v == engine::Verdict::Present;
            absent = absent || v == engine::Verdict::Absent;
            const float p = doc->probability(j, tag);
            if (std::isnan(p))
                continue;
            const double overlap = std::min(s.end, t1) - std::max(s.start, t0);
            if (overlap <= 0.0)
                continue;
            best = std::max(best, double(p));
            sum += overlap * double(p);
            weight += overlap;
        }
        if (weight > 0.0) {
            const double value = m_summary == Summary::Mean ? sum / weight : best;
            QColor color = LaneLegend::probabilityColor(value);
            color.setAlphaF(0.88f);
            const QRgb rgb = qPremultiply(color.rgba());
            for (int y = 0; y < h; ++y)
                image.setPixel(px, y, rgb);
            if (value >= threshold)
                image.setPixel(px, 0, tick);
        }
        if (present)
            for (int y = 0; y < mark; ++y)
                image.setPixel(px, y, presentMark);
        if (absent)
            for (int y = h - mark; y < h; ++y)
                image.setPixel(px, y, absentMark);
    }
    painter.drawImage(QPoint(lane.left(), lane.top() + 1), image);
}

void TagLaneView::paintHandles(QPainter &painter, const QRect &plot, int firstColumn,
                               const QVector<QPair<double, double>> &spans)
{
    // Handles as on Audacity's label tracks: a dashed line through the lanes
    // and a round grip with arrows to both sides, drawn where a boundary can
    // be dragged (under the mouse, or at the edges of the selection). Not
    // yellow and not solid, so that it never reads as the play cursor.
    const int columns = int(spans.size());
    const int knobRow = m_hoverBoundary >= 0 && rowAt(m_hoverY) >= 0 ? rowAt(m_hoverY) : currentRow();
    const int knobY = knobRow >= 0 && rowTop(knobRow) >= 0 ? rowTop(knobRow) - m_offset + rowHeight / 2
                                                           : plot.top() + categoryHeight / 2;
    for (int c = std::max(0, firstColumn - 1); c + 1 < columns; ++c) {
        const int x = int(std::lround(spans[c].second));
        if (x > plot.right() + 1)
            break;
        if (x < plot.left() || !handleVisible(c))
            continue;
        const bool hot = c == m_hoverBoundary;
        QPen dashed(handleColor(), 1.0, Qt::CustomDashLine);
        dashed.setDashPattern({3.0, 3.0});
        painter.setRenderHint(QPainter::Antialiasing, false);
        painter.setPen(dashed);
        painter.drawLine(QPoint(x, plot.top()), QPoint(x, plot.bottom()));
        painter.setRenderHint(QPainter::Antialiasing);
        const QPointF centre(x + 0.5, knobY + 0.5);
        painter.setPen(QPen(theme::separator(), 1.0));
        painter.setBrush(hot ? handleColor() : handleColor().darker(140));
        painter.drawEllipse(centre, 4.5, 4.5);
        QPolygonF left;
        left << centre + QPointF(-6, 0) << centre + QPointF(-11, -4) << centre + QPointF(-11, 4);
        QPolygonF right;
        right << centre + QPointF(6, 0) << centre + QPointF(11, -4) << centre + QPointF(11, 4);
        painter.drawPolygon(left);
        painter.drawPolygon(right);
    }
    painter.setRenderHint(QPainter::Antialiasing, false);
}

} // namespace taglane::widgets
