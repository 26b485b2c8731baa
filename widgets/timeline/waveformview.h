// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/timeline/timelineview.h"

#include "engine/audio/peakpyramid.h"

namespace taglane::widgets {

/// Waveform of the track: the min/max (peak) envelope with the RMS envelope
/// drawn inside it, from a PeakPyramid so a paint costs O(pixels) at any zoom.
class WaveformView : public TimelineView
{
    Q_OBJECT

public:
    explicit WaveformView(TimeAxis *axis, QWidget *parent = nullptr);

    /// `sampleRate` is the rate of the buffer the pyramid was built from.
    void setPeaks(engine::PeakPyramid peaks, int sampleRate);
    const engine::PeakPyramid &peaks() const { return m_peaks; }
    int sampleRate() const { return m_rate; }
    QSize sizeHint() const override { return QSize(400, 110); }

Q_SIGNALS:
    /// New peaks were set (the overview strip re-reads them).
    void peaksChanged();

protected:
    void paintGutter(QPainter &painter, const QRect &gutter) override;
    void paintPlot(QPainter &painter, const QRect &plot) override;

private:
    engine::PeakPyramid m_peaks;
    int m_rate = 0;
};

} // namespace taglane::widgets
