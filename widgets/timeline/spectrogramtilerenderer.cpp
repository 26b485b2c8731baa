// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/timeline/spectrogramtilerenderer.h"

#include <QMutexLocker>

#include <algorithm>
#include <cmath>
#include <limits>

namespace taglane::widgets {

using engine::FeatureType;

int SpectrogramTileRenderer::levelForSamplesPerPixel(double samplesPerPixel)
{
    int level = 0;
    while (level < 24 && hopForLevel(level + 1) <= samplesPerPixel)
        ++level;
    return level;
}

engine::FeatureSettings SpectrogramTileRenderer::settingsFor(FeatureType type, int sampleRate, int hop)
{
    engine::FeatureSettings s;
    s.type = type;
    s.sampleRate = sampleRate;
    s.nFft = nFft;
    s.hop = hop;
    s.fMax = sampleRate / 2.0;
    if (type == FeatureType::Erb) {
        s.bands = 64;
        s.fMin = 30.0;
    } else {
        s.bands = 128;
        s.fMin = 0.0;
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
        slot = std::make_unique<engine::FeatureExtractor>(settingsFor(type, m_extractorRate, hop));
    return *slot;
}

float SpectrogramTileRenderer::toDb(FeatureType type, float value) const
{
    // Mel comes in dB already; ERB is natural-log energy.
    return type == FeatureType::Erb ? value * float(10.0 / std::log(10.0)) : value;
}

SpectrogramTileRenderer::Calibration SpectrogramTileRenderer::calibrate(const engine::AudioBuffer &buffer,
                                                                         FeatureType type, quint64 trackId)
{
    const auto found = m_calibrations.find(int(type));
    if (found != m_calibrations.end())
        return found->second;

    // Sample about 600 frames spread over the track and put the top of the
    // scale a little above their loudest band.
    const engine::FeatureExtractor &ext = extractor(type, computeHop);
    const qint64 frames = ext.frameCount(buffer.size());
    const qint64 stride = std::max<qint64>(1, frames / 600);
    std::vector<float> maxima;
    for (qint64 f = 0; f < frames && !m_restart.load(); f += stride) {
        const engine::FeatureMatrix m = ext.compute(buffer, f, 1);
        float best = std::numeric_limits<float>::lowest();
        for (float v : m.values)
            best = std::max(best, toDb(type, v));
        if (!m.values.empty() && std::isfinite(best))
            maxima.push_back(best);
    }
    Calibration cal;
    if (!maxima.empty()) {
        std::sort(maxima.begin(), maxima.end());
        const double top = maxima[size_t(double(maxima.size() - 1) * 0.99)];
        cal.high = std::ceil(top / 5.0) * 5.0;
    }
    cal.low = cal.high - dynamicRangeDb;
    if (m_restart.load() && maxima.size() * size_t(stride) < size_t(frames) / 2)
        return cal;   // interrupted: do not remember a partial estimate
    m_calibrations[int(type)] = cal;
    QVector<double> centres;
    for (double hz : ext.bandCentresHz())
        centres.push_back(hz);
    Q_EMIT calibrated(trackId, int(type), cal.low, cal.high, centres);
    return cal;
}

QImage SpectrogramTileRenderer::renderTile(const engine::AudioBuffer &buffer, FeatureType type, int level,
                                           qint64 index, const Calibration &cal, const ColorMap &map)
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
    const float low = float(cal.low);
    const float scale = float(1.0 / (cal.high - cal.low));

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
                m_calibrations.clear();
                m_extractorRate = m_buffer.sampleRate();
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
        if (!settingsFor(type, buffer.sampleRate(), computeHop).validate().isEmpty())
            continue;

        const Calibration cal = calibrate(buffer, type, track);
        for (qint64 index : tiles) {
            if (m_restart.load() || m_abort.load())
                break;
            QImage image = renderTile(buffer, type, level, index, cal, map);
            if (image.isNull())
                continue;
            ++m_rendered;
            Q_EMIT tileReady(SpectrogramTileKey{track, int(type), level, index}, image);
        }
    }
}

} // namespace taglane::widgets
