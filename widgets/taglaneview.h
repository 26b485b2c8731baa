// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/timelineview.h"

#include <QPointer>
#include <QVector>

namespace taglane::widgets {

class TagLaneModel;

/// Draws a TagLaneModel on the shared time axis: tag names (grouped under
/// their category) in the gutter, one lane per tag, each segment's cell
/// shaded by its probability and marked with its verdict. The wheel scrolls
/// the lanes; Shift+wheel scrolls time. GUI thread only.
class TagLaneView : public TimelineView
{
    Q_OBJECT

public:
    static constexpr int rowHeight = 18;
    static constexpr int categoryHeight = 20;

    explicit TagLaneView(TimeAxis *axis, QWidget *parent = nullptr);

    void setModel(TagLaneModel *model);
    TagLaneModel *model() const { return m_model; }

    int contentHeight() const { return m_contentHeight; }
    int verticalOffset() const { return m_offset; }
    /// Model row under a widget y, or -1 (category headers and empty space).
    int rowAt(int y) const;
    /// Top of a model row in content coordinates.
    int rowTop(int row) const { return m_rowTop.value(row, -1); }
    QSize sizeHint() const override { return QSize(400, 320); }

public Q_SLOTS:
    void setVerticalOffset(int offset);

Q_SIGNALS:
    void verticalOffsetChanged(int offset);
    /// Scroll range for a vertical scrollbar: maximum offset and page size.
    void verticalRangeChanged(int maximum, int page);

protected:
    void paintGutter(QPainter &painter, const QRect &gutter) override;
    void paintPlot(QPainter &painter, const QRect &plot) override;
    void resizeEvent(QResizeEvent *event) override;
    bool verticalWheel(QWheelEvent *event) override;

private:
    void relayout();
    void emitRange();

    QPointer<TagLaneModel> m_model;
    QVector<int> m_rowTop;   // content y of each row
    int m_contentHeight = 0;
    int m_offset = 0;
};

} // namespace taglane::widgets
