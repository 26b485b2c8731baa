// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/timeline/timelineview.h"

#include "engine/segment/spectralflux.h"

#include <QColor>
#include <QPointer>
#include <QSet>
#include <QVector>

#include <QUndoStack>

namespace taglane::widgets {

class TagLaneModel;

/// Draws a TagLaneModel on the shared time axis and edits it: tag names
/// grouped under collapsible category headers in the gutter, one lane per
/// tag, each segment's cell coloured by its probability (LaneLegend),
/// cells at or above the threshold outlined, curator verdicts as solid
/// green (present, check mark) or red (absent, cross) cells.
///
/// Mouse: a click on a cell selects it and seeks playback there; a click on
/// the already selected cell cycles its verdict (unknown -> present ->
/// absent -> unknown); dragging from a cell paints that next verdict over
/// every cell the mouse crosses (one undo step); Shift+click extends the
/// selection; dragging a boundary handle moves it (one undo step; with
/// Shift held it snaps to the nearest spectral novelty peak); a click
/// on a category header collapses or expands it; the context menu offers
/// the verdicts, "accept suggestions in this segment", split here and merge
/// with the next segment. Keys: arrows move the
/// selection (Shift extends; Left/Right also seek to the segment),
/// Y / N / Backspace (or Delete) set present / absent / unknown on the
/// selection, Enter cycles. The wheel scrolls the lanes; Shift+wheel scrolls
/// time. Edits go to the undo stack given with setUndoStack() as commands
/// naming segment ids and tag names. GUI thread only.
class TagLaneView : public TimelineView
{
    Q_OBJECT

public:
    static constexpr int rowHeight = 18;
    static constexpr int categoryHeight = 20;
    static constexpr int boundaryGrip = 4;   ///< pixels either side of a handle that grab it
    /// A boundary has a handle (and can be dragged) only when the cells on
    /// both sides are at least this wide; narrower, a press selects a cell.
    static constexpr int handleMinCellWidth = 40;
    /// Narrower visible cells (on average) are drawn as per-pixel summaries.
    static constexpr double minCellPixels = 4.0;
    /// How a pixel column covering several segments is shaded.
    enum class Summary { Strongest, Mean };
    /// Colour of boundary handles and the hover line: unlike the play cursor (yellow, solid).
    static QColor handleColor() { return QColor(0x8f, 0xd3, 0xff); }

    explicit TagLaneView(TimeAxis *axis, QWidget *parent = nullptr);

    void setModel(TagLaneModel *model);
    TagLaneModel *model() const { return m_model; }
    void setUndoStack(QUndoStack *stack) { m_undo = stack; }
    QUndoStack *undoStack() const { return m_undo; }

    int contentHeight() const { return m_contentHeight; }
    int verticalOffset() const { return m_offset; }
    /// Model row under a widget y, or -1 (category headers and empty space).
    int rowAt(int y) const;
    /// Top of a model row in content coordinates (-1 when its category is collapsed).
    int rowTop(int row) const { return m_rowTop.value(row, -1); }
    /// Column (segment index) under a widget x, or -1.
    int columnAt(double x) const;
    /// A cell in widget coordinates (empty when hidden).
    QRect cellRect(int row, int column) const;
    /// Widget x of the boundary after segment `column`.
    double boundaryX(int column) const;
    /// Boundary (index of the segment left of it) whose handle is under widget
    /// x, or -1: only boundaries between cells at least handleMinCellWidth wide.
    int boundaryAt(double x) const;
    /// Whether the handle of a boundary is drawn: it is under the mouse or
    /// an edge of the selected segments, and its cells are wide enough.
    bool handleVisible(int boundary) const;
    int hoveredBoundary() const { return m_hoverBoundary; }

    /// Pixel columns over several segments show their strongest or mean probability.
    Summary summary() const { return m_summary; }
    void setSummary(Summary summary);
    /// The spectral novelty curve Shift+drag snaps boundaries to (empty: no snapping).
    void setNoveltyCurve(const engine::NoveltyCurve &curve);
    bool hasNoveltyCurve() const { return !m_novelty.isEmpty(); }
    /// The time of the strongest novelty peak within `radius` seconds of
    /// `seconds`, or `seconds` itself when there is none.
    double snapToNovelty(double seconds, double radius) const;

    /// Category header under a widget y, or empty.
    QString categoryAt(int y) const;
    /// Widget y range of a category's header (empty when none).
    QRect categoryHeaderRect(const QString &category) const;
    bool isCollapsed(const QString &category) const { return m_collapsed.contains(category); }
    void setCollapsed(const QString &category, bool collapsed);

    // Selection: a rectangle of rows x columns between an anchor and the current cell.
    bool hasSelection() const;
    int currentRow() const;
    int currentColumn() const;
    /// Rows and columns of the selection (rows in view order, hidden rows left out).
    QVector<int> selectedRows() const;
    QVector<int> selectedColumns() const;
    void selectCell(int row, int column, bool extend = false);
    void clearSelection();

    // Editing (through the undo stack; without one, nothing happens).
    void setVerdictOnSelection(int verdict);
    void cycleVerdict(int row, int column);
    /// Present for every cell of the selection (no selection: the whole
    /// track; a segment: pass its column) whose probability is at or above the
    /// threshold and which has no verdict yet. Returns how many cells changed.
    int acceptSuggestions(int onlyColumn = -1);
    QSize sizeHint() const override { return QSize(400, 320); }

public Q_SLOTS:
    void setVerticalOffset(int offset);

Q_SIGNALS:
    void verticalOffsetChanged(int offset);
    /// Scroll range for a vertical scrollbar: maximum offset and page size.
    void verticalRangeChanged(int maximum, int page);
    void selectionChanged();

protected:
    void paintGutter(QPainter &painter, const QRect &gutter) override;
    void paintPlot(QPainter &painter, const QRect &plot) override;
    void resizeEvent(QResizeEvent *event) override;
    bool verticalWheel(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    struct CellRef
    {
        QString tag;
        qint64 segment = 0;
    };
    struct Header
    {
        QString category;
        int top = 0;
        int count = 0;
    };
    enum class Drag { None, Pending, Paint, BoundaryPending, Boundary };

    void relayout();
    void emitRange();
    bool cellsWideEnough(int boundary) const;
    void paintSuggestion(QPainter &painter, const QRectF &cell, double value);
    void paintCells(QPainter &painter, const QRect &lane, int row, int firstColumn,
                    const QVector<QPair<double, double>> &spans);
    /// The conflict marks of one lane (cells where curators disagree).
    void paintConflicts(QPainter &painter, const QRect &lane, int row, int firstColumn,
                        const QVector<QPair<double, double>> &spans);
    void paintSummary(QPainter &painter, const QRect &lane, int tag, int firstColumn);
    void paintHandles(QPainter &painter, const QRect &plot, int firstColumn, const QVector<QPair<double, double>> &spans);
    void pressCell(const QPoint &pos, Qt::KeyboardModifiers modifiers);
    void dragBoundary(const QPoint &pos, Qt::KeyboardModifiers modifiers);
    int resolveRow(const CellRef &ref) const;
    int resolveColumn(const CellRef &ref) const;
    CellRef refOf(int row, int column) const;
    void moveCurrent(int dRow, int dColumn, bool extend);
    void ensureCellVisible(int row, int column);
    void paintCell(int row, int column);
    void pushVerdicts(const QVector<QPair<int, int>> &cells, int verdict, const QString &text);

    QPointer<TagLaneModel> m_model;
    QPointer<QUndoStack> m_undo;
    QVector<int> m_rowTop;      // content y of each model row, -1 when collapsed
    QVector<int> m_visibleRows; // model rows shown, in order
    QVector<Header> m_headers;
    QSet<QString> m_collapsed;
    int m_contentHeight = 0;
    int m_offset = 0;

    CellRef m_anchor;
    CellRef m_current;

    Drag m_drag = Drag::None;
    int m_pressRow = -1;
    int m_pressColumn = -1;
    bool m_pressWasSelected = false;
    int m_paintVerdict = 0;
    QSet<QPair<int, int>> m_painted;
    qint64 m_boundarySegment = 0;
    int m_gesture = 0;
    int m_hoverBoundary = -1;
    int m_hoverY = -1;
    QPoint m_pressPos;
    Summary m_summary = Summary::Strongest;
    engine::NoveltyCurve m_novelty;
};

} // namespace taglane::widgets
