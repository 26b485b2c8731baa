// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/store/segmentsource.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSlider;

namespace taglane::widgets {

/// The strip above the tag lane: a tag filter field, the row order, "All
/// tags" (the whole vocabulary instead of the model's tags and those with
/// verdicts), the threshold (spin box and slider kept in step), how a pixel
/// column over several segments is shaded (strongest or mean), and the one
/// segmentation rule of the track (model chunks, fixed windows of N
/// seconds, novelty). It only emits what the user chose; TrackView applies
/// it. GUI thread only.
class LaneControls : public QWidget
{
    Q_OBJECT

public:
    explicit LaneControls(QWidget *parent = nullptr);

    QLineEdit *filterField() const { return m_filter; }
    QComboBox *orderBox() const { return m_order; }
    QDoubleSpinBox *thresholdBox() const { return m_threshold; }
    QSlider *thresholdSlider() const { return m_slider; }
    QComboBox *segmentationBox() const { return m_segmentation; }
    QDoubleSpinBox *windowBox() const { return m_window; }
    QCheckBox *allTagsBox() const { return m_allTags; }
    QComboBox *summaryBox() const { return m_summary; }
    /// The rule the segmentation control applies, as the UI states it.
    static QString segmentationRule();

    void setThreshold(double threshold);
    /// Shows a source without emitting segmentationRequested.
    void showSegmentation(engine::SegmentSource source, double windowSeconds);
    /// A short status text at the right end ("12 / 40 segments", ...).
    void setStatus(const QString &text);

Q_SIGNALS:
    void filterChanged(const QString &text);
    void orderChanged(int order);   ///< TagLaneModel::RowOrder as int
    void thresholdChanged(double threshold);
    void segmentationRequested(engine::SegmentSource source, double windowSeconds);
    void showAllTagsChanged(bool all);
    void summaryChanged(int summary);   ///< TagLaneView::Summary as int

private:
    void emitSegmentation();

    QLineEdit *m_filter = nullptr;
    QComboBox *m_order = nullptr;
    QDoubleSpinBox *m_threshold = nullptr;
    QSlider *m_slider = nullptr;
    QComboBox *m_segmentation = nullptr;
    QDoubleSpinBox *m_window = nullptr;
    QLabel *m_status = nullptr;
    QCheckBox *m_allTags = nullptr;
    QComboBox *m_summary = nullptr;
    bool m_syncing = false;
};

} // namespace taglane::widgets
