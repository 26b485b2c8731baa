// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/timeline/spectrogramview.h"

#include "widgets/timeline/spectrogramrangedialog.h"
#include "widgets/timeline/spectrogramtilerenderer.h"
#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"

#include <QContextMenuEvent>
#include <QMenu>
#include <QPainter>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

namespace taglane::widgets {

using engine::FeatureType;
using Renderer = SpectrogramTileRenderer;

namespace {
std::atomic<quint64> nextTrackId{1};
constexpr int cacheBudgetKb = 128 * 1024;
} // namespace

SpectrogramView::SpectrogramView(TimeAxis *axis, QWidget *parent)
    : TimelineView(axis, parent)
    , m_renderer(new SpectrogramTileRenderer(this))
    , m_cache(cacheBudgetKb)
    , m_range(SpectrogramRange::load())
{
    setMinimumHeight(120);
    setToolTip(tr("Right-click to change the frequency and colour range"));
    m_renderer->setColorMap(m_map);
    m_renderer->setRange(m_range);
    connect(m_renderer, &SpectrogramTileRenderer::tileReady, this, &SpectrogramView::onTileReady);
    connect(m_renderer, &SpectrogramTileRenderer::calibrated, this, &SpectrogramView::onCalibrated);
    m_requestTimer.setSingleShot(true);
    m_requestTimer.setInterval(0);
    connect(&m_requestTimer, &QTimer::timeout, this, &SpectrogramView::sendRequest);
    connect(axis, &TimeAxis::visibleRangeChanged, this, &SpectrogramView::scheduleRequest);
}

SpectrogramView::~SpectrogramView()
{
    // Stop the worker before the cache and the view go away.
    delete m_renderer;
}

void SpectrogramView::setBuffer(const engine::AudioBuffer &buffer)
{
    m_buffer = buffer;
    m_track = nextTrackId++;
    m_cache.clear();
    m_pending.clear();
    m_calibration.clear();
    m_renderer->setTrack(buffer, m_track);
    scheduleRequest();
    update();
}

void SpectrogramView::setFeatureType(FeatureType type)
{
    if (type == m_type)
        return;
    m_type = type;
    m_pending.clear();
    if (isCalibrated())
        Q_EMIT rangeChanged(lowDb(), highDb());
    Q_EMIT featureTypeChanged(type);
    scheduleRequest();
    update();
}

void SpectrogramView::setDisplayRange(const SpectrogramRange &range, bool persist)
{
    if (!range.validate().isEmpty())
        return;
    if (persist)
        range.save();
    if (range == m_range)
        return;
    m_range = range;
    m_renderer->setRange(range);
    if (!m_buffer.isEmpty()) {
        // A new id: tiles of the old range still in flight are dropped.
        m_track = nextTrackId++;
        m_cache.clear();
        m_pending.clear();
        m_calibration.clear();
        m_renderer->setTrack(m_buffer, m_track);
        scheduleRequest();
    }
    Q_EMIT rangeChanged(m_range.lowDb, m_range.highDb);
    update();
}

void SpectrogramView::editDisplayRange()
{
    SpectrogramRangeDialog dialog(m_range, m_buffer.sampleRate(), this);
    if (dialog.exec() == QDialog::Accepted)
        setDisplayRange(dialog.range(), true);
}

void SpectrogramView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    menu.addAction(tr("Frequency and Colour &Range..."), this, &SpectrogramView::editDisplayRange);
    QAction *reset = menu.addAction(tr("Reset to &Defaults (%1 to %2 Hz, %3 to %4 dB)")
                                        .arg(SpectrogramRange().minHz).arg(SpectrogramRange().maxHz)
                                        .arg(SpectrogramRange().lowDb).arg(SpectrogramRange().highDb),
                                    this, [this]() { setDisplayRange(SpectrogramRange(), true); });
    reset->setEnabled(m_range != SpectrogramRange());
    menu.exec(event->globalPos());
    event->accept();
}

int SpectrogramView::currentLevel() const
{
    const int rate = m_buffer.sampleRate();
    if (rate <= 0)
        return 0;
    const double samplesPerPixel = timeAxis()->visibleDuration() * rate / std::max(1, plotRect().width());
    return Renderer::levelForSamplesPerPixel(samplesPerPixel);
}

QVector<qint64> SpectrogramView::visibleTiles() const
{
    QVector<qint64> tiles;
    const int rate = m_buffer.sampleRate();
    if (m_buffer.isEmpty() || rate <= 0)
        return tiles;
    const int level = currentLevel();
    const double framesPerSecond = double(rate) / Renderer::hopForLevel(level);
    const qint64 lastTile = (Renderer::frameCount(m_buffer.size(), level) - 1) / Renderer::framesPerTile;
    const TimeAxis *axis = timeAxis();
    const qint64 first = std::clamp<qint64>(
        qint64(std::floor(axis->visibleStart() * framesPerSecond / Renderer::framesPerTile)), 0, lastTile);
    const qint64 last = std::clamp<qint64>(
        qint64(std::floor((axis->visibleEnd() * framesPerSecond + 0.5) / Renderer::framesPerTile)), 0, lastTile);
    for (qint64 i = first; i <= last; ++i)
        tiles.push_back(i);
    return tiles;
}

bool SpectrogramView::visibleTilesReady() const
{
    if (m_buffer.isEmpty())
        return false;
    const int level = currentLevel();
    for (qint64 i : visibleTiles())
        if (!m_cache.contains(SpectrogramTileKey{m_track, int(m_type), level, i}))
            return false;
    return true;
}

QImage SpectrogramView::visibleImage() const
{
    QImage image(std::max(1, plotRect().width()), std::max(1, height()), QImage::Format_RGB32);
    image.fill(Qt::black);
    QPainter painter(&image);
    const QRect plot(0, 0, image.width(), image.height());
    const int level = currentLevel();
    for (qint64 i : visibleTiles()) {
        const QImage *tile = m_cache.object(SpectrogramTileKey{m_track, int(m_type), level, i});
        if (!tile)
            continue;
        QRectF r = tileRect(level, i, tile->width(), plot);
        r.translate(-plotRect().left(), 0);
        painter.drawImage(r, *tile);
    }
    return image;
}

void SpectrogramView::scheduleRequest()
{
    if (!m_buffer.isEmpty())
        m_requestTimer.start();
}

void SpectrogramView::sendRequest()
{
    if (m_buffer.isEmpty())
        return;
    const int level = currentLevel();
    QVector<qint64> visible = visibleTiles();
    if (visible.isEmpty())
        return;
    // A tile of margin on each side makes short scrolls seamless.
    const qint64 lastTile = (Renderer::frameCount(m_buffer.size(), level) - 1) / Renderer::framesPerTile;
    QVector<qint64> wanted = visible;
    if (visible.front() > 0)
        wanted.push_back(visible.front() - 1);
    if (visible.back() < lastTile)
        wanted.push_back(visible.back() + 1);

    QVector<qint64> missing;
    QSet<SpectrogramTileKey> keys;
    bool allPending = true;
    for (qint64 i : wanted) {
        const SpectrogramTileKey key{m_track, int(m_type), level, i};
        if (m_cache.contains(key))
            continue;
        missing.push_back(i);
        keys.insert(key);
        if (!m_pending.contains(key))
            allPending = false;
    }
    if (missing.isEmpty() || allPending)
        return;
    m_pending = keys;
    m_renderer->request(m_type, level, missing);
}

void SpectrogramView::onTileReady(const SpectrogramTileKey &key, const QImage &image)
{
    if (key.track != m_track)
        return;
    m_pending.remove(key);
    m_cache.insert(key, new QImage(image), std::max<qsizetype>(1, image.sizeInBytes() / 1024));
    ++m_received;
    if (key.type == int(m_type))
        update();
    Q_EMIT tileArrived();
}

void SpectrogramView::onCalibrated(quint64 track, int type, double low, double high, const QVector<double> &centres)
{
    if (track != m_track)
        return;
    m_calibration.insert(type, centres);
    if (type == int(m_type)) {
        Q_EMIT rangeChanged(low, high);
        update();
    }
}

QRectF SpectrogramView::tileRect(int level, qint64 index, int frames, const QRect &plot) const
{
    const double hopSeconds = double(Renderer::hopForLevel(level)) / m_buffer.sampleRate();
    const double first = double(index * Renderer::framesPerTile);
    const double t0 = std::max(0.0, (first - 0.5) * hopSeconds);
    const double t1 = std::min(m_buffer.durationSeconds(), (first + frames - 0.5) * hopSeconds);
    const double x0 = xForTime(t0);
    const double x1 = xForTime(t1);
    return QRectF(x0, plot.top(), x1 - x0, plot.height());
}

bool SpectrogramView::drawFallback(QPainter &painter, int level, qint64 index, const QRect &plot) const
{
    // Any cached coarser level covering this tile's frames, nearest first.
    const qint64 firstSample = index * Renderer::framesPerTile * qint64(Renderer::hopForLevel(level));
    for (int coarser = level + 1; coarser <= level + 8; ++coarser) {
        const qint64 samplesPerTile = qint64(Renderer::framesPerTile) * Renderer::hopForLevel(coarser);
        const qint64 ci = firstSample / samplesPerTile;
        const QImage *tile = m_cache.object(SpectrogramTileKey{m_track, int(m_type), coarser, ci});
        if (!tile)
            continue;
        painter.save();
        painter.setClipRect(tileRect(level, index, Renderer::framesPerTile, plot).intersected(QRectF(plot)));
        painter.drawImage(tileRect(coarser, ci, tile->width(), plot), *tile);
        painter.restore();
        return true;
    }
    return false;
}

void SpectrogramView::paintPlot(QPainter &painter, const QRect &plot)
{
    painter.fillRect(plot, theme::background());
    if (m_buffer.isEmpty()) {
        painter.setPen(theme::dimText());
        painter.drawText(plot, Qt::AlignCenter,
                         tr("Open an audio file (File > Open), drop one here, or pass it on the command line."));
        return;
    }
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    const int level = currentLevel();
    bool missing = false;
    for (qint64 i : visibleTiles()) {
        const QImage *tile = m_cache.object(SpectrogramTileKey{m_track, int(m_type), level, i});
        if (tile) {
            painter.drawImage(tileRect(level, i, tile->width(), plot), *tile);
        } else {
            missing = true;
            drawFallback(painter, level, i, plot);
        }
    }
    if (missing)
        scheduleRequest();

    // Frequency grid lines matching the gutter labels.
    const QVector<double> centres = bandCentresHz();
    if (!centres.isEmpty()) {
        QColor line(255, 255, 255, 28);
        painter.setPen(QPen(line, 1, Qt::DotLine));
        for (double hz : {100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0}) {
            if (hz < centres.front() || hz > centres.back())
                continue;
            const int y = int(yForHz(hz, plot));
            painter.drawLine(plot.left(), y, plot.right(), y);
        }
    }
}

double SpectrogramView::yForHz(double hz, const QRect &area) const
{
    // Bands fill the height evenly; place a frequency between the centres around it.
    const QVector<double> centres = bandCentresHz();
    const int n = centres.size();
    if (n < 2)
        return area.bottom();
    const auto it = std::lower_bound(centres.begin(), centres.end(), hz);
    double band;
    if (it == centres.begin())
        band = 0.0;
    else if (it == centres.end())
        band = n - 1;
    else {
        const int k = int(it - centres.begin());
        band = (k - 1) + (hz - centres[k - 1]) / (centres[k] - centres[k - 1]);
    }
    const double rowHeight = double(area.height()) / n;
    return area.bottom() + 1 - (band + 0.5) * rowHeight;
}

void SpectrogramView::paintGutter(QPainter &painter, const QRect &gutter)
{
    painter.fillRect(gutter, theme::gutter());
    painter.setPen(theme::gutterText());
    const QString title = m_type == FeatureType::Erb ? tr("ERB spectrogram") : tr("Mel spectrogram");
    painter.drawText(gutter.adjusted(8, 6, -8, 0), Qt::AlignTop | Qt::AlignLeft, title);
    painter.setPen(theme::dimText());
    const QFontMetrics fm = painter.fontMetrics();
    painter.drawText(gutter.adjusted(8, 6 + fm.height(), -8, 0), Qt::AlignTop | Qt::AlignLeft, tr("Hz"));

    const QVector<double> centres = bandCentresHz();
    if (centres.isEmpty())
        return;
    const int right = gutter.right() - 6;
    int lastY = std::numeric_limits<int>::max();
    for (double hz : {50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0}) {
        if (hz < centres.front() || hz > centres.back())
            continue;
        const int y = int(yForHz(hz, gutter));
        if (lastY - y < fm.height())
            continue;
        lastY = y;
        const QString text = hz >= 1000.0 ? tr("%1k").arg(hz / 1000.0) : QString::number(int(hz));
        painter.drawLine(right - 4, y, right, y);
        painter.drawText(right - 8 - fm.horizontalAdvance(text), y + fm.ascent() / 2 - 1, text);
    }
}

void SpectrogramView::resizeEvent(QResizeEvent *event)
{
    TimelineView::resizeEvent(event);
    scheduleRequest();
}

} // namespace taglane::widgets
