// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/timeline/timeaxis.h"

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

TimeAxis::TimeAxis(QObject *parent)
    : QObject(parent)
{
}

void TimeAxis::setMinimumDuration(double seconds)
{
    m_minDuration = std::max(1e-4, seconds);
}

double TimeAxis::zoomFactor() const
{
    return m_duration > 0.0 && m_total > 0.0 ? m_total / m_duration : 1.0;
}

double TimeAxis::xForTime(double seconds, double width) const
{
    return m_duration > 0.0 ? (seconds - m_start) / m_duration * width : 0.0;
}

double TimeAxis::timeForX(double x, double width) const
{
    return width > 0.0 ? m_start + x / width * m_duration : m_start;
}

void TimeAxis::setTotalDuration(double seconds)
{
    m_total = std::max(0.0, seconds);
    Q_EMIT totalDurationChanged(m_total);
    fit();
    setCursor(0.0);
}

void TimeAxis::setVisibleStart(double seconds)
{
    setVisibleRange(seconds, m_duration);
}

void TimeAxis::setVisibleRange(double start, double duration)
{
    const double total = m_total > 0.0 ? m_total : 1.0;
    duration = std::clamp(duration, std::min(m_minDuration, total), total);
    start = std::clamp(start, 0.0, std::max(0.0, total - duration));
    if (std::abs(start - m_start) < 1e-12 && std::abs(duration - m_duration) < 1e-12)
        return;
    m_start = start;
    m_duration = duration;
    Q_EMIT visibleRangeChanged(m_start, m_duration);
}

void TimeAxis::zoomAround(double factor, double anchor)
{
    if (factor <= 0.0)
        return;
    const double total = m_total > 0.0 ? m_total : 1.0;
    const double newDuration = std::clamp(m_duration / factor, std::min(m_minDuration, total), total);
    const double fraction = m_duration > 0.0 ? (anchor - m_start) / m_duration : 0.5;
    setVisibleRange(anchor - fraction * newDuration, newDuration);
}

double TimeAxis::zoomAnchor() const
{
    if (m_total > 0.0 && m_cursor >= m_start && m_cursor <= m_start + m_duration)
        return m_cursor;
    return m_start + 0.5 * m_duration;
}

void TimeAxis::zoomIn()
{
    zoomAround(zoomStep, zoomAnchor());
}

void TimeAxis::zoomOut()
{
    zoomAround(1.0 / zoomStep, zoomAnchor());
}

void TimeAxis::fit()
{
    setVisibleRange(0.0, m_total > 0.0 ? m_total : 1.0);
}

void TimeAxis::scrollByPages(double pages)
{
    setVisibleStart(m_start + pages * m_duration);
}

void TimeAxis::setCursor(double seconds)
{
    seconds = std::clamp(seconds, 0.0, std::max(0.0, m_total));
    if (seconds == m_cursor)
        return;
    m_cursor = seconds;
    Q_EMIT cursorChanged(m_cursor);
}

void TimeAxis::ensureCursorVisible()
{
    if (m_cursor < m_start || m_cursor > m_start + m_duration)
        setVisibleStart(m_cursor - 0.05 * m_duration);
}

} // namespace taglane::widgets
