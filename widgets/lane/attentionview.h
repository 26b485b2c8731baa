// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/train/attentionprobe.h"

#include <QColor>
#include <QPointer>
#include <QWidget>

#include <vector>

namespace taglane::widgets {

class TimeAxis;

/// The r self-attention weight curves of a cnn-sam model over time, drawn
/// on the track's time axis so that they line up under the tag lane: one
/// colour per head, scaled to the largest weight shown but never less than
/// twice the uniform weight 1/T (so uniform attention is a flat line at
/// most half way up). Shows the Mel branch or
/// the waveform branch. GUI thread; the windows come from an
/// engine::AttentionProbe run on a worker thread.
class AttentionView : public QWidget
{
    Q_OBJECT

public:
    enum class Branch { Mel, Waveform };

    explicit AttentionView(TimeAxis *axis, QWidget *parent = nullptr);

    void setWindows(std::vector<engine::AttentionWindow> windows);
    void clear();
    bool hasWindows() const { return !m_windows.empty(); }
    void setBranch(Branch branch);
    Branch branch() const { return m_branch; }
    /// Colour of head h (0-based), distinct for the first eight.
    static QColor headColor(int head);
    /// Width of the label column on the left, as the other track views have.
    void setGutterWidth(int pixels);
    /// x of a time in this widget (gutter included).
    double xForTime(double seconds) const;
    /// Height in pixels (from the plot's bottom) of weight `w` of head h at
    /// the step nearest `seconds`, or -1 where nothing is drawn. For tests.
    double curveHeightAt(int head, double seconds) const;

    QSize sizeHint() const override { return QSize(400, 72); }
    QSize minimumSizeHint() const override { return QSize(100, 40); }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    const std::vector<float> &weights(const engine::AttentionWindow &w) const;
    const std::vector<double> &times(const engine::AttentionWindow &w) const;
    double peak() const;
    QRectF plotRect() const;

    QPointer<TimeAxis> m_axis;
    int m_gutter = 0;
    std::vector<engine::AttentionWindow> m_windows;
    Branch m_branch = Branch::Mel;
};

} // namespace taglane::widgets
