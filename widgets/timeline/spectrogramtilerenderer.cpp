// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/timeline/spectrogramtilerenderer.h"

#include <QMutexLocker>

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

using engine::FeatureType;

int SpectrogramTileRenderer::levelForSamplesPerPixel(double samplesPerPixel)
{
    int level = 0;
    while (level < 24 && hopForLevel(level + 1) <= samplesPerPixel)
        ++level;
    return level;
}

engine::FeatureSettings SpectrogramTileRenderer::settingsFor(FeatureType type, int sampleRate, int hop,
                                                             const SpectrogramRange &range)
{
    engine::FeatureSettings s;
    s.type = type;
    s.sampleRate = sampleRate;
    s.nFft = nFft;
    s.hop = hop;
    s.fMin = range.lowHzAt(type, sampleRate);
    s.fMax = range.highHzAt(sampleRate);
    if (type == FeatureType::Erb) {
        s.bands = 64;
    } else {
        s.bands = 128;
        s.melScale = engine::MelScale::Slaney;
    }
    s.db = true;
    return s;
}

SpectrogramTileRenderer::SpectrogramTileRenderer(QObject *parent)
    : QThread(parent)
{
    qRegisterMetaType<SpectrogramTileKey>();
}

SpectrogramTileRenderer::~SpectrogramTileRenderer()
{
    {
        QMutexLocker lock(&m_mutex);
        m_abort = true;
        m_restart = true;
        m_condition.wakeOne();
    }
    wait();
}

void SpectrogramTileRenderer::setTrack(const engine::AudioBuffer &buffer, quint64 trackId)
{
    QMutexLocker lock(&m_mutex);
    m_buffer = buffer;
    m_track = trackId;
    m_trackChanged = true;
    m_hasRequest = false;
    m_tiles.clear();
    m_restart = true;
}

void SpectrogramTileRenderer::setColorMap(const ColorMap &map)
{
    QMutexLocker lock(&m_mutex);
    m_map = map;
}

void SpectrogramTileRenderer::setRange(const SpectrogramRange &range)
{
    QMutexLocker lock(&m_mutex);
    m_range = range;
    m_trackChanged = true;
    m_hasRequest = false;
    m_tiles.clear();
    m_restart = true;
}

void SpectrogramTileRenderer::request(FeatureType type, int level, const QVector<qint64> &tiles)
{
    QMutexLocker lock(&m_mutex);
    m_type = type;
    m_level = level;
    m_tiles = tiles;
    m_hasRequest = true;
    m_restart = true;
    if (!isRunning())
        start(QThread::LowPriority);
    else
        m_condition.wakeOne();
}

const engine::FeatureExtractor &SpectrogramTileRenderer::extractor(FeatureType type, int hop)
{
    auto &slot = m_extractors[{int(type), hop}];
    if (!slot)
        slot = std::make_unique<engine::FeatureExtractor>(settingsFor(type, m_extractorRate, hop, m_extractorRange));
    return *slot;
}

float SpectrogramTileRenderer::toDb(FeatureType type, float value) const
{
    // Mel comes in dB already; ERB is natural-log energy.
    return type == FeatureType::Erb ? value * float(10.0 / std::log(10.0)) : value;
}

void SpectrogramTileRenderer::announce(FeatureType type, quint64 trackId)
{
    // The colours span the display range, not a level measured on the track,
    // so two tracks at one analysis rate share their scale.
    if (m_announced[int(type)])
        return;
    m_announced[int(type)] = true;
    QVector<double> centres;
    for (double hz : extractor(type, computeHop).bandCentresHz())
        centres.push_back(hz);
    Q_EMIT calibrated(trackId, int(type), m_extractorRange.lowDb, m_extractorRange.highDb, centres);
}

QImage SpectrogramTileRenderer::renderTile(const engine::AudioBuffer &buffer, FeatureType type, int level,
                                           qint64 index, const ColorMap &map)
{
    const int hop = hopForLevel(level);
    const qint64 total = frameCount(buffer.size(), level);
    const qint64 first = index * framesPerTile;
    const int count = int(std::min<qint64>(framesPerTile, total - first));
    if (count <= 0)
        return {};

    const int computeAt = std::min(hop, int(computeHop));
    const engine::FeatureExtractor &ext = extractor(type, computeAt);
    const int rows = ext.rows();
    if (rows <= 0)
        return {};
    QImage image(count, rows, QImage::Format_RGB32);
    const float low = float(m_extractorRange.lowDb);
    const float scale = float(1.0 / (m_extractorRange.highDb - m_extractorRange.lowDb));

    auto paintFrame = [&](int column, const float *values) {
        for (int r = 0; r < rows; ++r) {
            auto *line = reinterpret_cast<QRgb *>(image.scanLine(rows - 1 - r));
            line[column] = map.rgb((toDb(type, values[r]) - low) * scale);
        }
    };

    if (hop <= computeHop) {
        const engine::FeatureMatrix m = ext.compute(buffer, first, count);
        if (m.rows != rows || m.frames < count)
            return {};
        for (int c = 0; c < count; ++c)
            paintFrame(c, m.values.data() + size_t(c) * size_t(rows));
    } else {
        // Decimated: one computeHop-frame per level frame, at the same centre.
        const qint64 ratio = hop / computeHop;
        for (int c = 0; c < count; ++c) {
            if ((c & 31) == 0 && m_restart.load())
                return {};
            const engine::FeatureMatrix m = ext.compute(buffer, (first + c) * ratio, 1);
            if (m.rows != rows || m.frames < 1)
                return {};
            paintFrame(c, m.values.data());
        }
    }
    return image;
}

void SpectrogramTileRenderer::run()
{
    for (;;) {
        engine::AudioBuffer buffer;
        quint64 track = 0;
        FeatureType type;
        int level = 0;
        QVector<qint64> tiles;
        ColorMap map;
        {
            QMutexLocker lock(&m_mutex);
            while (!m_hasRequest && !m_abort)
                m_condition.wait(&m_mutex);
            if (m_abort)
                return;
            if (m_trackChanged) {
                m_extractors.clear();
                m_announced.clear();
                m_extractorRate = m_buffer.sampleRate();
                m_extractorRange = m_range;
                m_trackChanged = false;
            }
            buffer = m_buffer;
            track = m_track;
            type = m_type;
            level = m_level;
            tiles = m_tiles;
            map = m_map;
            m_hasRequest = false;
            m_restart = false;
        }
        if (buffer.isEmpty() || buffer.sampleRate() <= 0)
            continue;
        if (!settingsFor(type, buffer.sampleRate(), computeHop, m_extractorRange).validate().isEmpty())
            continue;

        announce(type, track);
        for (qint64 index : tiles) {
            if (m_restart.load() || m_abort.load())
                break;
            QImage image = renderTile(buffer, type, level, index, map);
            if (image.isNull())
                continue;
            ++m_rendered;
            Q_EMIT tileReady(SpectrogramTileKey{track, int(type), level, index}, image);
        }
    }
}

} // namespace taglane::widgets
