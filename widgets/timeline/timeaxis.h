// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>

namespace taglane::widgets {

/// The one time axis that every view of a track shares: the visible window
/// (start and duration in seconds) inside the track's total duration, and the
/// play cursor. Views map between pixels and seconds through it and change
/// it through zoom/scroll calls; every change is announced by a signal.
/// GUI thread only.
class TimeAxis : public QObject
{
    Q_OBJECT
    Q_PROPERTY(double totalDuration READ totalDuration WRITE setTotalDuration NOTIFY totalDurationChanged)
    Q_PROPERTY(double visibleStart READ visibleStart WRITE setVisibleStart NOTIFY visibleRangeChanged)
    Q_PROPERTY(double visibleDuration READ visibleDuration NOTIFY visibleRangeChanged)
    Q_PROPERTY(double cursor READ cursor WRITE setCursor NOTIFY cursorChanged)

public:
    explicit TimeAxis(QObject *parent = nullptr);

    double totalDuration() const { return m_total; }
    double visibleStart() const { return m_start; }
    double visibleDuration() const { return m_duration; }
    double visibleEnd() const { return m_start + m_duration; }
    double cursor() const { return m_cursor; }
    /// Smallest visible duration zooming in may reach (seconds).
    double minimumDuration() const { return m_minDuration; }
    void setMinimumDuration(double seconds);
    /// Visible duration relative to the whole track: 1 when fitted, larger when zoomed in.
    double zoomFactor() const;

    /// x (in pixels from the left of a plot of `width` pixels) of a time.
    double xForTime(double seconds, double width) const;
    /// Time under x in a plot of `width` pixels.
    double timeForX(double x, double width) const;

    /// The time zoomIn()/zoomOut() keep in place: the play cursor while it is
    /// in the visible window, else the window's centre.
    double zoomAnchor() const;

    /// Factor by which zoomIn()/zoomOut() change the visible duration.
    static constexpr double zoomStep = 1.5;

public Q_SLOTS:
    /// Sets the track length, fits the view to it and puts the cursor at 0.
    void setTotalDuration(double seconds);
    /// Scrolls so the window starts at `seconds` (clamped to the track).
    void setVisibleStart(double seconds);
    /// Shows [start, start + duration), clamped to the track and the zoom limits.
    void setVisibleRange(double start, double duration);
    /// Divides the visible duration by `factor` keeping the time `anchor` at the same place.
    void zoomAround(double factor, double anchor);
    /// Zoom by zoomStep around zoomAnchor() (the keyboard and toolbar zoom).
    void zoomIn();
    void zoomOut();
    /// Shows the whole track.
    void fit();
    /// Scrolls by a fraction of the visible duration (negative: to the left).
    void scrollByPages(double pages);
    void setCursor(double seconds);
    /// Scrolls so the cursor is visible, putting it near the left edge when it left the window.
    void ensureCursorVisible();

Q_SIGNALS:
    void totalDurationChanged(double seconds);
    void visibleRangeChanged(double start, double duration);
    void cursorChanged(double seconds);

private:
    double m_total = 0.0;
    double m_start = 0.0;
    double m_duration = 1.0;
    double m_cursor = 0.0;
    double m_minDuration = 0.01;
};

} // namespace taglane::widgets
