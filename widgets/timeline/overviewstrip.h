// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/peakpyramid.h"

#include <QPointer>
#include <QTimer>
#include <QVector>
#include <QWidget>

#include <vector>

class QAbstractItemModel;

namespace taglane::widgets {

class TimeAxis;
class WaveformView;

/// The whole track at a glance, as Sonic Visualiser's overview: the
/// waveform (peak and RMS) over a lane summary (each pixel column the
/// strongest probability of the segments under it), with the views'
/// visible window marked. Dragging the mark scrolls the views; a click
/// elsewhere centres the window there. Reads the waveform's peak pyramid and
/// the lane model; never edits them. GUI thread only.
class OverviewStrip : public QWidget
{
    Q_OBJECT

public:
    explicit OverviewStrip(TimeAxis *axis, QWidget *parent = nullptr);

    /// Where the waveform comes from (its peaks are re-read when they change).
    void setWaveformSource(WaveformView *waveform);
    /// A tag-lane model (rows: tags, columns: segments; ProbabilityRole and
    /// the segment header roles) for the lane summary; null: none.
    void setLaneModel(QAbstractItemModel *model);
    int gutterWidth() const { return m_gutter; }
    void setGutterWidth(int pixels);

    /// The area that maps to the whole track, in widget coordinates.
    QRect plotRect() const;
    /// The visible window's rectangle in widget coordinates.
    QRectF visibleRect() const;
    double xForTime(double seconds) const;
    double timeForX(double x) const;
    /// Per pixel column of the plot: the strongest probability of the
    /// segments under it (negative: no segment or no probability).
    const QVector<double> &laneSummary() const;

    QSize sizeHint() const override { return QSize(400, 46); }
    QSize minimumSizeHint() const override { return QSize(100, 30); }

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    void invalidateWaveform();
    void invalidateLane();
    void rebuildWaveform() const;
    void rebuildLane() const;
    void dragTo(double x);

    QPointer<TimeAxis> m_axis;
    QPointer<WaveformView> m_waveform;
    QPointer<QAbstractItemModel> m_model;
    QTimer m_laneTimer;
    int m_gutter = 190;
    bool m_dragging = false;
    double m_grabOffset = 0.0;   // seconds between the window's start and the grab point

    mutable bool m_waveValid = false;
    mutable bool m_laneValid = false;
    mutable std::vector<engine::PeakPyramid::MinMax> m_envelope;
    mutable QVector<double> m_lane;
};

} // namespace taglane::widgets
