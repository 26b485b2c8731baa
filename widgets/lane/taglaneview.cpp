// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/lane/taglaneview.h"

#include "widgets/lane/commands/segmentchangecommand.h"
#include "widgets/lane/commands/setverdictscommand.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/timeline/timeaxis.h"

#include "engine/curation/trackdocument.h"

#include <QDateTime>
#include <QApplication>
#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QToolTip>
#include <QUndoStack>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

namespace {

int nextVerdict(int v)
{
    return (v + 1) % 3;
}

} // namespace

TagLaneView::TagLaneView(TimeAxis *axis, QWidget *parent)
    : TimelineView(axis, parent)
{
    setMinimumHeight(80);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
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
    m_visibleRows.clear();
    m_headers.clear();
    int y = 0;
    const int rows = m_model ? m_model->rowCount() : 0;
    for (int r = 0; r < rows; ++r) {
        if (m_model->startsCategory(r)) {
            m_headers.push_back({m_model->categoryOfRow(r), y, 0});
            y += categoryHeight;
        }
        ++m_headers.last().count;
        if (m_collapsed.contains(m_headers.last().category)) {
            m_rowTop.push_back(-1);
            continue;
        }
        m_rowTop.push_back(y);
        m_visibleRows.push_back(r);
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
    for (int r : m_visibleRows) {
        const int top = m_rowTop[r];
        if (contentY < top)
            return -1;
        if (contentY < top + rowHeight)
            return r;
    }
    return -1;
}

QString TagLaneView::categoryAt(int y) const
{
    const int contentY = y + m_offset;
    for (const Header &h : m_headers)
        if (contentY >= h.top && contentY < h.top + categoryHeight)
            return h.category;
    return {};
}

QRect TagLaneView::categoryHeaderRect(const QString &category) const
{
    for (const Header &h : m_headers)
        if (h.category == category)
            return QRect(0, h.top - m_offset, width(), categoryHeight);
    return {};
}

void TagLaneView::setCollapsed(const QString &category, bool collapsed)
{
    if (collapsed == m_collapsed.contains(category))
        return;
    if (collapsed)
        m_collapsed.insert(category);
    else
        m_collapsed.remove(category);
    relayout();
}

int TagLaneView::columnAt(double x) const
{
    if (!m_model || x < plotRect().left())
        return -1;
    return m_model->document()->segmentAt(timeForX(x));
}

QRect TagLaneView::cellRect(int row, int column) const
{
    if (!m_model || row < 0 || row >= m_rowTop.size() || m_rowTop[row] < 0 || column < 0
        || column >= m_model->columnCount())
        return {};
    const engine::Segment &s = m_model->document()->segment(column);
    const int x0 = int(std::ceil(xForTime(s.start)));
    const int x1 = int(std::floor(xForTime(s.end)));
    return QRect(x0, m_rowTop[row] - m_offset, std::max(1, x1 - x0), rowHeight);
}

double TagLaneView::boundaryX(int column) const
{
    if (!m_model || column < 0 || column >= m_model->columnCount())
        return -1.0;
    return xForTime(m_model->document()->segment(column).end);
}

bool TagLaneView::cellsWideEnough(int boundary) const
{
    if (!m_model || boundary < 0 || boundary + 1 >= m_model->columnCount())
        return false;
    const engine::TrackDocument *doc = m_model->document();
    const double xb = xForTime(doc->segment(boundary).end);
    return xb - xForTime(doc->segment(boundary).start) >= handleMinCellWidth
        && xForTime(doc->segment(boundary + 1).end) - xb >= handleMinCellWidth;
}

int TagLaneView::boundaryAt(double x) const
{
    if (!m_model || x < plotRect().left())
        return -1;
    const engine::TrackDocument *doc = m_model->document();
    // Only the boundaries near x can be within the grip: start from the segment under it.
    int c = doc->segmentAt(timeForX(x - boundaryGrip - 1));
    if (c < 0)
        c = 0;
    int best = -1;
    double bestDistance = boundaryGrip + 0.5;
    for (; c + 1 < doc->segmentCount(); ++c) {
        const double xb = xForTime(doc->segment(c).end);
        if (xb > x + boundaryGrip + 1)
            break;
        const double d = std::abs(xb - x);
        if (d < bestDistance && cellsWideEnough(c)) {
            bestDistance = d;
            best = c;
        }
    }
    return best;
}

bool TagLaneView::handleVisible(int boundary) const
{
    if (!cellsWideEnough(boundary))
        return false;
    if (boundary == m_hoverBoundary)
        return true;
    const QVector<int> columns = selectedColumns();
    return !columns.isEmpty() && (boundary == columns.first() - 1 || boundary == columns.last());
}

void TagLaneView::setSummary(Summary summary)
{
    if (summary == m_summary)
        return;
    m_summary = summary;
    update();
}

void TagLaneView::setNoveltyCurve(const engine::NoveltyCurve &curve)
{
    m_novelty = curve;
}

double TagLaneView::snapToNovelty(double seconds, double radius) const
{
    return m_novelty.peakNear(seconds, radius);
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

// ---- selection

TagLaneView::CellRef TagLaneView::refOf(int row, int column) const
{
    return CellRef{m_model->tagNameOfRow(row), m_model->segmentIdOfColumn(column)};
}

int TagLaneView::resolveRow(const CellRef &ref) const
{
    return m_model && !ref.tag.isEmpty() ? m_model->rowOfTag(ref.tag) : -1;
}

int TagLaneView::resolveColumn(const CellRef &ref) const
{
    return m_model && ref.segment != 0 ? m_model->columnOfSegment(ref.segment) : -1;
}

bool TagLaneView::hasSelection() const
{
    return currentRow() >= 0 && currentColumn() >= 0;
}

int TagLaneView::currentRow() const
{
    return resolveRow(m_current);
}

int TagLaneView::currentColumn() const
{
    return resolveColumn(m_current);
}

QVector<int> TagLaneView::selectedRows() const
{
    QVector<int> out;
    const int a = resolveRow(m_anchor);
    const int c = currentRow();
    if (c < 0)
        return out;
    const int ia = std::max(0, int(m_visibleRows.indexOf(a < 0 ? c : a)));
    const int ic = std::max(0, int(m_visibleRows.indexOf(c)));
    for (int i = std::min(ia, ic); i <= std::max(ia, ic) && i < m_visibleRows.size(); ++i)
        out.push_back(m_visibleRows[i]);
    if (out.isEmpty() && c >= 0)
        out.push_back(c);
    return out;
}

QVector<int> TagLaneView::selectedColumns() const
{
    QVector<int> out;
    const int c = currentColumn();
    if (c < 0)
        return out;
    int a = resolveColumn(m_anchor);
    if (a < 0)
        a = c;
    for (int i = std::min(a, c); i <= std::max(a, c); ++i)
        out.push_back(i);
    return out;
}

void TagLaneView::selectCell(int row, int column, bool extend)
{
    if (!m_model || row < 0 || row >= m_model->rowCount() || column < 0 || column >= m_model->columnCount())
        return;
    m_current = refOf(row, column);
    if (!extend || resolveRow(m_anchor) < 0 || resolveColumn(m_anchor) < 0)
        m_anchor = m_current;
    update();
    Q_EMIT selectionChanged();
}

void TagLaneView::clearSelection()
{
    m_anchor = {};
    m_current = {};
    update();
    Q_EMIT selectionChanged();
}

void TagLaneView::ensureCellVisible(int row, int column)
{
    if (row >= 0 && row < m_rowTop.size() && m_rowTop[row] >= 0) {
        const int top = m_rowTop[row];
        if (top < m_offset)
            setVerticalOffset(top - (m_model->startsCategory(row) ? categoryHeight : 0));
        else if (top + rowHeight > m_offset + height())
            setVerticalOffset(top + rowHeight - height());
    }
    if (column >= 0 && m_model && column < m_model->columnCount()) {
        TimeAxis *axis = timeAxis();
        const engine::Segment &s = m_model->document()->segment(column);
        if (s.start < axis->visibleStart() || s.end > axis->visibleEnd()) {
            if (s.duration() >= axis->visibleDuration() || s.start < axis->visibleStart())
                axis->setVisibleStart(s.start);
            else
                axis->setVisibleStart(s.end - axis->visibleDuration());
        }
    }
}

void TagLaneView::moveCurrent(int dRow, int dColumn, bool extend)
{
    if (!m_model || m_visibleRows.isEmpty() || m_model->columnCount() == 0)
        return;
    int row = currentRow();
    int column = currentColumn();
    if (row < 0 || column < 0 || m_rowTop.value(row, -1) < 0) {
        // First key press: start at the top-left visible cell (or under the play cursor).
        const int atCursor = m_model->document()->segmentAt(timeAxis()->cursor());
        row = rowAt(categoryHeight + 1) >= 0 ? rowAt(categoryHeight + 1) : m_visibleRows.first();
        column = atCursor >= 0 ? atCursor : 0;
        selectCell(row, column);
        ensureCellVisible(row, column);
        return;
    }
    const int vi = std::clamp(int(m_visibleRows.indexOf(row)) + dRow, 0, int(m_visibleRows.size()) - 1);
    row = m_visibleRows[vi];
    column = std::clamp(column + dColumn, 0, m_model->columnCount() - 1);
    selectCell(row, column, extend);
    ensureCellVisible(row, column);
    if (dColumn != 0 && !extend)
        Q_EMIT seekRequested(m_model->document()->segment(column).start);
}

// ---- editing

void TagLaneView::pushVerdicts(const QVector<QPair<int, int>> &cells, int verdict, const QString &text)
{
    if (!m_model || !m_undo || cells.isEmpty())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QVector<engine::TrackDocument::CellEdit> edits;
    for (const auto &[row, column] : cells) {
        engine::CellLabel label;
        if (verdict != TagLaneModel::Unknown)
            label = {engine::verdictFromInt(verdict), QStringLiteral("curator"), now};
        edits.push_back({m_model->segmentIdOfColumn(column), m_model->tagNameOfRow(row), label});
    }
    m_undo->push(new SetVerdictsCommand(m_model->document(), edits, text));
}

void TagLaneView::setVerdictOnSelection(int verdict)
{
    QVector<QPair<int, int>> cells;
    for (int r : selectedRows())
        for (int c : selectedColumns())
            cells.push_back({r, c});
    const QString text = verdict == TagLaneModel::Present ? tr("Mark present")
        : verdict == TagLaneModel::Absent                  ? tr("Mark absent")
                                                           : tr("Clear verdict");
    pushVerdicts(cells, verdict, cells.size() == 1 ? text : tr("%1 (%n cells)", nullptr, int(cells.size())).arg(text));
}

void TagLaneView::cycleVerdict(int row, int column)
{
    if (!m_model || row < 0 || column < 0)
        return;
    const int v = m_model->index(row, column).data(TagLaneModel::VerdictRole).toInt();
    pushVerdicts({{row, column}}, nextVerdict(v), tr("Cycle verdict"));
}

void TagLaneView::paintCell(int row, int column)
{
    if (row < 0 || column < 0 || m_painted.contains({row, column}))
        return;
    m_painted.insert({row, column});
    pushVerdicts({{row, column}}, m_paintVerdict, tr("Paint cell"));
}

int TagLaneView::acceptSuggestions(int onlyColumn)
{
    if (!m_model || !m_undo)
        return 0;
    engine::TrackDocument *doc = m_model->document();
    QVector<int> rows;
    QVector<int> columns;
    if (onlyColumn >= 0) {
        for (int r = 0; r < m_model->rowCount(); ++r)
            rows.push_back(r);
        columns.push_back(onlyColumn);
    } else if (hasSelection() && (selectedRows().size() > 1 || selectedColumns().size() > 1)) {
        rows = selectedRows();
        columns = selectedColumns();
    } else {
        for (int r = 0; r < m_model->rowCount(); ++r)
            rows.push_back(r);
        for (int c = 0; c < m_model->columnCount(); ++c)
            columns.push_back(c);
    }
    const QString actor = doc->currentModelVersion().isEmpty() ? QStringLiteral("model") : doc->currentModelVersion();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QVector<engine::TrackDocument::CellEdit> edits;
    for (int r : rows) {
        const int tag = m_model->tagIndexOfRow(r);
        for (int c : columns) {
            const float p = doc->probability(c, tag);
            if (std::isnan(p) || double(p) < m_model->threshold() || doc->label(c, tag).verdict != engine::Verdict::Unknown)
                continue;
            edits.push_back({doc->segment(c).id, doc->tags().at(tag).name, engine::CellLabel{engine::Verdict::Present, actor, now}});
        }
    }
    if (!edits.isEmpty())
        m_undo->push(new SetVerdictsCommand(doc, edits, tr("Accept %n suggestion(s)", nullptr, int(edits.size()))));
    return int(edits.size());
}

// ---- input

void TagLaneView::mousePressEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (event->button() != Qt::LeftButton || !m_model) {
        TimelineView::mousePressEvent(event);
        return;
    }
    setFocus(Qt::MouseFocusReason);
    const QString category = categoryAt(pos.y());
    if (!category.isEmpty()) {
        setCollapsed(category, !isCollapsed(category));
        event->accept();
        return;
    }
    if (!plotRect().contains(pos)) {
        TimelineView::mousePressEvent(event);
        return;
    }
    m_pressPos = pos;
    // A press on a handle becomes a boundary drag only once the mouse has
    // moved the platform's drag distance; released before, it is a click.
    const int boundary = m_undo ? boundaryAt(pos.x()) : -1;
    if (boundary >= 0) {
        m_boundarySegment = m_model->segmentIdOfColumn(boundary);
        m_hoverBoundary = boundary;
    }
    const int row = rowAt(pos.y());
    const int column = columnAt(pos.x());
    if (row < 0 || column < 0) {
        if (boundary >= 0) {
            m_drag = Drag::BoundaryPending;
            m_pressRow = m_pressColumn = -1;
            event->accept();
            return;
        }
        TimelineView::mousePressEvent(event);
        return;
    }
    pressCell(pos, event->modifiers());
    if (boundary >= 0)
        m_drag = Drag::BoundaryPending;
    event->accept();
}

void TagLaneView::pressCell(const QPoint &pos, Qt::KeyboardModifiers modifiers)
{
    const int row = rowAt(pos.y());
    const int column = columnAt(pos.x());
    const bool extend = modifiers & Qt::ShiftModifier;
    m_pressWasSelected = !extend && currentRow() == row && currentColumn() == column && selectedRows().size() == 1
        && selectedColumns().size() == 1;
    selectCell(row, column, extend);
    m_drag = Drag::Pending;
    m_pressRow = row;
    m_pressColumn = column;
    Q_EMIT seekRequested(std::clamp(timeForX(pos.x()), 0.0, timeAxis()->totalDuration()));
}

void TagLaneView::dragBoundary(const QPoint &pos, Qt::KeyboardModifiers modifiers)
{
    engine::TrackDocument *doc = m_model->document();
    double to = timeForX(pos.x());
    if (modifiers & Qt::ShiftModifier) {
        // Snap to the strongest novelty peak within 12 pixels (at least a quarter second).
        const double radius = std::max(0.25, std::abs(timeForX(pos.x() + 12) - timeForX(pos.x())));
        to = snapToNovelty(to, radius);
    }
    auto change = doc->planMoveBoundary(m_boundarySegment, to);
    if (change && change->before != change->after) {
        auto *cmd = new SegmentChangeCommand(doc, change.value(), SegmentChangeCommand::Kind::MoveBoundary,
                                             engine::SegmentSource::Curator, tr("Move boundary"));
        cmd->setGesture(m_gesture);
        m_undo->push(cmd);
    }
}

void TagLaneView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (!(event->buttons() & Qt::LeftButton)) {
        const int hover = plotRect().contains(pos) ? boundaryAt(pos.x()) : -1;
        const int hoverRow = rowAt(pos.y());
        if (hover != m_hoverBoundary || (hover >= 0 && hoverRow != rowAt(m_hoverY))) {
            m_hoverBoundary = hover;
            if (hover >= 0)
                setCursor(Qt::SplitHCursor);
            else
                unsetCursor();
            update();
        }
        m_hoverY = pos.y();
        QWidget::mouseMoveEvent(event);
        return;
    }
    const bool moved = (pos - m_pressPos).manhattanLength() >= QApplication::startDragDistance();
    switch (m_drag) {
    case Drag::None:
        TimelineView::mouseMoveEvent(event);
        return;
    case Drag::BoundaryPending:
        if (!moved || !m_undo)
            return;
        m_drag = Drag::Boundary;
        ++m_gesture;
        Q_FALLTHROUGH();
    case Drag::Boundary:
        dragBoundary(pos, event->modifiers());
        event->accept();
        return;
    case Drag::Pending:
    case Drag::Paint: {
        const int row = rowAt(pos.y());
        const int column = columnAt(pos.x());
        if (row < 0 || column < 0)
            return;
        if (m_drag == Drag::Pending) {
            if (!moved || (row == m_pressRow && column == m_pressColumn))
                return;
            if (!m_undo)
                return;
            m_drag = Drag::Paint;
            m_painted.clear();
            m_paintVerdict = nextVerdict(m_model->index(m_pressRow, m_pressColumn).data(TagLaneModel::VerdictRole).toInt());
            m_undo->beginMacro(m_paintVerdict == TagLaneModel::Present ? tr("Paint present")
                               : m_paintVerdict == TagLaneModel::Absent ? tr("Paint absent")
                                                                        : tr("Paint unknown"));
            paintCell(m_pressRow, m_pressColumn);
        }
        paintCell(row, column);
        selectCell(row, column);
        event->accept();
        return;
    }
    }
}

void TagLaneView::mouseReleaseEvent(QMouseEvent *event)
{
    const Drag drag = m_drag;
    m_drag = Drag::None;
    if (drag == Drag::Paint && m_undo)
        m_undo->endMacro();
    else if ((drag == Drag::Pending || drag == Drag::BoundaryPending) && m_pressWasSelected && m_pressRow >= 0)
        cycleVerdict(m_pressRow, m_pressColumn);
    m_painted.clear();
    m_pressWasSelected = false;
    TimelineView::mouseReleaseEvent(event);
}

void TagLaneView::leaveEvent(QEvent *event)
{
    if (m_hoverBoundary >= 0 && m_drag == Drag::None) {
        m_hoverBoundary = -1;
        unsetCursor();
        update();
    }
    TimelineView::leaveEvent(event);
}

void TagLaneView::keyPressEvent(QKeyEvent *event)
{
    const bool extend = event->modifiers() & Qt::ShiftModifier;
    switch (event->key()) {
    case Qt::Key_Left: moveCurrent(0, -1, extend); break;
    case Qt::Key_Right: moveCurrent(0, 1, extend); break;
    case Qt::Key_Up: moveCurrent(-1, 0, extend); break;
    case Qt::Key_Down: moveCurrent(1, 0, extend); break;
    case Qt::Key_Home: moveCurrent(0, -(1 << 24), extend); break;
    case Qt::Key_End: moveCurrent(0, 1 << 24, extend); break;
    case Qt::Key_Y: setVerdictOnSelection(TagLaneModel::Present); break;
    case Qt::Key_N: setVerdictOnSelection(TagLaneModel::Absent); break;
    case Qt::Key_Backspace:
    case Qt::Key_Delete: setVerdictOnSelection(TagLaneModel::Unknown); break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (hasSelection())
            cycleVerdict(currentRow(), currentColumn());
        break;
    default: TimelineView::keyPressEvent(event); return;
    }
    event->accept();
}

void TagLaneView::contextMenuEvent(QContextMenuEvent *event)
{
    if (!m_model || !m_undo || !plotRect().contains(event->pos()))
        return;
    const int row = rowAt(event->pos().y());
    const int column = columnAt(event->pos().x());
    if (column < 0)
        return;
    const bool inSelection = selectedRows().contains(row) && selectedColumns().contains(column);
    if (row >= 0 && !inSelection)
        selectCell(row, column);
    engine::TrackDocument *doc = m_model->document();
    const double at = timeForX(event->pos().x());
    const qint64 segmentId = doc->segment(column).id;
    QMenu menu(this);
    if (row >= 0) {
        menu.addAction(tr("Mark Present\tY"), this, [this]() { setVerdictOnSelection(TagLaneModel::Present); });
        menu.addAction(tr("Mark Absent\tN"), this, [this]() { setVerdictOnSelection(TagLaneModel::Absent); });
        menu.addAction(tr("Clear Verdict\tBackspace"), this, [this]() { setVerdictOnSelection(TagLaneModel::Unknown); });
        menu.addSeparator();
    }
    menu.addAction(tr("Accept Suggestions in This Segment"), this, [this, segmentId]() {
        const int c = m_model ? m_model->columnOfSegment(segmentId) : -1;
        if (c >= 0)
            acceptSuggestions(c);
    });
    menu.addSeparator();
    QAction *split = menu.addAction(tr("Split Segment Here"), this, [this, at]() {
        engine::TrackDocument *d = m_model->document();
        if (auto change = d->planSplit(at))
            m_undo->push(new SegmentChangeCommand(d, change.value(), SegmentChangeCommand::Kind::Split,
                                                  engine::SegmentSource::Curator, tr("Split segment")));
    });
    split->setEnabled(doc->planSplit(at).ok());
    QAction *merge = menu.addAction(tr("Merge with Next Segment"), this, [this, segmentId]() {
        engine::TrackDocument *d = m_model->document();
        if (auto change = d->planMerge(segmentId))
            m_undo->push(new SegmentChangeCommand(d, change.value(), SegmentChangeCommand::Kind::Merge,
                                                  engine::SegmentSource::Curator, tr("Merge segments")));
    });
    merge->setEnabled(column + 1 < m_model->columnCount());
    menu.exec(event->globalPos());
}

bool TagLaneView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && m_model) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QPoint pos = help->pos();
        QString text;
        if (plotRect().contains(pos) && boundaryAt(pos.x()) >= 0) {
            text = tr("Drag to move this boundary");
        } else if (!categoryAt(pos.y()).isEmpty()) {
            text = tr("Click to collapse or expand %1").arg(categoryAt(pos.y()));
        } else {
            const int row = rowAt(pos.y());
            const int column = plotRect().contains(pos) ? columnAt(pos.x()) : -1;
            if (row >= 0 && column >= 0)
                text = m_model->index(row, column).data(Qt::ToolTipRole).toString();
            else if (row >= 0)
                text = m_model->headerData(row, Qt::Vertical, Qt::ToolTipRole).toString();
        }
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return TimelineView::event(event);
}

} // namespace taglane::widgets
