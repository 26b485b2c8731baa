// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/timeline/overviewstrip.h"

#include "widgets/lane/lanelegend.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/timeline/waveformview.h"

#include <QAbstractItemModel>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

namespace {
constexpr int laneBand = 10;   // height of the lane summary under the waveform
}

OverviewStrip::OverviewStrip(TimeAxis *axis, QWidget *parent)
    : QWidget(parent)
    , m_axis(axis)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumHeight(30);
    setCursor(Qt::OpenHandCursor);
    setToolTip(tr("The whole track: drag the marked window to scroll, click to centre the view there"));
    connect(axis, &TimeAxis::visibleRangeChanged, this, qOverload<>(&QWidget::update));
    connect(axis, &TimeAxis::cursorChanged, this, qOverload<>(&QWidget::update));
    connect(axis, &TimeAxis::totalDurationChanged, this, [this]() {
        invalidateWaveform();
        invalidateLane();
    });
    // Inference fills the lane row by row: summarise at most ~10 times a second.
    m_laneTimer.setSingleShot(true);
    m_laneTimer.setInterval(100);
    connect(&m_laneTimer, &QTimer::timeout, this, [this]() {
        m_laneValid = false;
        update();
    });
}

void OverviewStrip::setWaveformSource(WaveformView *waveform)
{
    if (m_waveform)
        disconnect(m_waveform, nullptr, this, nullptr);
    m_waveform = waveform;
    if (waveform)
        connect(waveform, &WaveformView::peaksChanged, this, &OverviewStrip::invalidateWaveform);
    invalidateWaveform();
}

void OverviewStrip::setLaneModel(QAbstractItemModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        connect(model, &QAbstractItemModel::modelReset, this, &OverviewStrip::invalidateLane);
        connect(model, &QAbstractItemModel::layoutChanged, this, &OverviewStrip::invalidateLane);
        connect(model, &QAbstractItemModel::dataChanged, this, &OverviewStrip::invalidateLane);
        connect(model, &QAbstractItemModel::headerDataChanged, this, &OverviewStrip::invalidateLane);
        connect(model, &QAbstractItemModel::columnsInserted, this, &OverviewStrip::invalidateLane);
        connect(model, &QAbstractItemModel::columnsRemoved, this, &OverviewStrip::invalidateLane);
        connect(model, &QAbstractItemModel::rowsInserted, this, &OverviewStrip::invalidateLane);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &OverviewStrip::invalidateLane);
    }
    m_laneValid = false;
    update();
}

void OverviewStrip::setGutterWidth(int pixels)
{
    m_gutter = std::max(0, pixels);
    invalidateWaveform();
    m_laneValid = false;
}

QRect OverviewStrip::plotRect() const
{
    return QRect(m_gutter, 0, std::max(1, width() - m_gutter), height());
}

double OverviewStrip::xForTime(double seconds) const
{
    const QRect plot = plotRect();
    const double total = m_axis ? m_axis->totalDuration() : 0.0;
    return plot.left() + (total > 0.0 ? seconds / total * plot.width() : 0.0);
}

double OverviewStrip::timeForX(double x) const
{
    const QRect plot = plotRect();
    const double total = m_axis ? m_axis->totalDuration() : 0.0;
    return total * (x - plot.left()) / plot.width();
}

QRectF OverviewStrip::visibleRect() const
{
    if (!m_axis || m_axis->totalDuration() <= 0.0)
        return {};
    const double x0 = xForTime(m_axis->visibleStart());
    const double x1 = xForTime(m_axis->visibleEnd());
    return QRectF(x0, 0.0, std::max(2.0, x1 - x0), height());
}

const QVector<double> &OverviewStrip::laneSummary() const
{
    if (!m_laneValid)
        rebuildLane();
    return m_lane;
}

void OverviewStrip::invalidateWaveform()
{
    m_waveValid = false;
    update();
}

void OverviewStrip::invalidateLane()
{
    if (!m_laneTimer.isActive())
        m_laneTimer.start();
}

void OverviewStrip::rebuildWaveform() const
{
    m_waveValid = true;
    m_envelope.clear();
    if (!m_waveform || !m_axis || m_waveform->peaks().isEmpty() || m_waveform->sampleRate() <= 0)
        return;
    const double end = m_axis->totalDuration() * m_waveform->sampleRate();
    m_envelope = m_waveform->peaks().query(0.0, end, plotRect().width());
}

void OverviewStrip::rebuildLane() const
{
    m_laneValid = true;
    const int columns = plotRect().width();
    m_lane.fill(-1.0, columns);
    const double total = m_axis ? m_axis->totalDuration() : 0.0;
    if (!m_model || total <= 0.0)
        return;
    const int rows = m_model->rowCount();
    for (int c = 0; c < m_model->columnCount(); ++c) {
        double best = -1.0;
        for (int r = 0; r < rows; ++r) {
            const QVariant p = m_model->index(r, c).data(TagLaneModel::ProbabilityRole);
            if (p.isValid())
                best = std::max(best, p.toDouble());
        }
        if (best < 0.0)
            continue;
        const double start = m_model->headerData(c, Qt::Horizontal, TagLaneModel::SegmentStartRole).toDouble();
        const double end = m_model->headerData(c, Qt::Horizontal, TagLaneModel::SegmentEndRole).toDouble();
        // Every pixel column the segment touches.
        const int x0 = std::clamp(int(std::floor(start / total * columns)), 0, columns - 1);
        const int x1 = std::clamp(int(std::ceil(end / total * columns)) - 1, x0, columns - 1);
        for (int x = x0; x <= x1; ++x)
            m_lane[x] = std::max(m_lane[x], best);
    }
}

void OverviewStrip::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QRect plot = plotRect();
    painter.fillRect(plot, theme::background());
    if (!m_waveValid)
        rebuildWaveform();
    if (!m_laneValid)
        rebuildLane();

    // Waveform above, lane summary below.
    const QRect wave(plot.left(), plot.top() + 2, plot.width(), plot.height() - laneBand - 4);
    const int mid = wave.center().y();
    const double half = wave.height() / 2.0;
    auto yFor = [mid, half](float v) { return mid - int(std::lround(std::clamp(v, -1.0f, 1.0f) * half)); };
    for (int c = 0; c < int(m_envelope.size()); ++c) {
        const auto &m = m_envelope[size_t(c)];
        if (m.max < m.min)
            continue;
        const int x = plot.left() + c;
        painter.setPen(theme::waveform());
        painter.drawLine(x, yFor(m.max), x, std::max(yFor(m.max), yFor(m.min)));
        if (m.rms > 0.0f) {
            painter.setPen(theme::waveformRms());
            painter.drawLine(x, yFor(std::min(m.rms, m.max)), x, yFor(std::max(-m.rms, m.min)));
        }
    }
    const QRect lane(plot.left(), plot.bottom() - laneBand + 1, plot.width(), laneBand);
    painter.fillRect(lane, theme::laneEven());
    for (int c = 0; c < m_lane.size(); ++c)
        if (m_lane[c] >= 0.0)
            painter.fillRect(QRect(plot.left() + c, lane.top(), 1, lane.height()),
                             LaneLegend::probabilityColor(m_lane[c]));

    // The views' window: dim what is outside it, outline it.
    if (m_axis && m_axis->totalDuration() > 0.0) {
        const QRectF r = visibleRect();
        const QColor shade(0, 0, 0, 110);
        painter.fillRect(QRectF(plot.left(), 0, r.left() - plot.left(), height()), shade);
        painter.fillRect(QRectF(r.right(), 0, plot.right() + 1 - r.right(), height()), shade);
        painter.setPen(QPen(QColor(255, 255, 255, 200), 1));
        painter.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5));
        const double x = xForTime(m_axis->cursor());
        painter.setPen(QPen(theme::cursor(), 1.0));
        painter.drawLine(QPointF(x, 0), QPointF(x, height()));
    }

    if (m_gutter > 0) {
        const QRect gutter(0, 0, m_gutter, height());
        painter.fillRect(gutter, theme::gutter());
        painter.setPen(theme::gutterText());
        painter.drawText(gutter.adjusted(8, 0, -8, 0), Qt::AlignVCenter | Qt::AlignLeft, tr("Overview"));
        painter.setPen(theme::separator());
        painter.drawLine(gutter.right(), 0, gutter.right(), height());
    }
}

void OverviewStrip::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    m_waveValid = false;
    m_laneValid = false;
}

void OverviewStrip::dragTo(double x)
{
    if (!m_axis)
        return;
    m_axis->setVisibleStart(timeForX(x) - m_grabOffset);
}

void OverviewStrip::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_axis || m_axis->totalDuration() <= 0.0
        || event->position().x() < plotRect().left()) {
        QWidget::mousePressEvent(event);
        return;
    }
    const double x = event->position().x();
    const double t = timeForX(x);
    if (!visibleRect().contains(QPointF(x, visibleRect().center().y()))) {
        // Outside the window: centre it on the click, then drag from its centre.
        m_axis->setVisibleStart(t - m_axis->visibleDuration() / 2.0);
    }
    m_grabOffset = t - m_axis->visibleStart();
    m_dragging = true;
    setCursor(Qt::ClosedHandCursor);
    event->accept();
}

void OverviewStrip::mouseMoveEvent(QMouseEvent *event)
{
    if (m_dragging && (event->buttons() & Qt::LeftButton)) {
        dragTo(event->position().x());
        event->accept();
        return;
    }
    QWidget::mouseMoveEvent(event);
}

void OverviewStrip::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragging && event->button() == Qt::LeftButton) {
        dragTo(event->position().x());
        m_dragging = false;
        setCursor(Qt::OpenHandCursor);
        event->accept();
        return;
    }
    QWidget::mouseReleaseEvent(event);
}

} // namespace taglane::widgets
