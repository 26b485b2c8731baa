// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/style/colormap.h"
#include "widgets/timeline/spectrogramrange.h"
#include "widgets/timeline/spectrogramtilekey.h"

#include "engine/audio/audiobuffer.h"
#include "engine/dsp/featureextractor.h"

#include <QImage>
#include <QMutex>
#include <QThread>
#include <QVector>
#include <QWaitCondition>

#include <atomic>
#include <map>
#include <memory>
#include <utility>

namespace taglane::widgets {

/// Worker thread that computes spectrogram tiles (Mel or ERB, in dB) and
/// colour-maps them into QImages, after Qt's mandelbrot example: request()
/// replaces whatever was queued, and the thread drops the rest of an older
/// request between tiles, so the newest view always wins. At coarse zoom
/// levels the frames are decimated (one frame per hop of the level), so the
/// work for a screenful stays O(pixels) whatever the track length.
/// All public functions are for the GUI thread; signals arrive queued.
class SpectrogramTileRenderer : public QThread
{
    Q_OBJECT

public:
    static constexpr int framesPerTile = 256;
    static constexpr int baseHop = 64;       ///< hop of level 0, in samples
    static constexpr int computeHop = 256;   ///< levels above this hop pick every n-th frame
    static constexpr int nFft = 1024;

    static int hopForLevel(int level) { return baseHop << level; }
    /// Coarsest level that still gives at least one frame per pixel.
    static int levelForSamplesPerPixel(double samplesPerPixel);
    /// The display settings for a type at a rate and hop (Mel: 128 bands; ERB: 64 bands)
    /// spanning the range's frequencies.
    static engine::FeatureSettings settingsFor(engine::FeatureType type, int sampleRate, int hop,
                                               const SpectrogramRange &range = {});
    /// Frames a track of `samples` has at a level.
    static qint64 frameCount(qint64 samples, int level) { return 1 + samples / hopForLevel(level); }

    explicit SpectrogramTileRenderer(QObject *parent = nullptr);
    ~SpectrogramTileRenderer() override;

    /// Drops queued work and starts on a new track.
    void setTrack(const engine::AudioBuffer &buffer, quint64 trackId);
    void setColorMap(const ColorMap &map);
    /// The frequencies and dB levels the tiles span; drops queued work, and
    /// tiles already rendered no longer match (the view renews its track id).
    void setRange(const SpectrogramRange &range);
    /// Asks for these tiles (in this order); replaces any earlier request.
    void request(engine::FeatureType type, int level, const QVector<qint64> &tiles);
    /// Tiles rendered since construction (for tests and statistics). Any thread.
    int renderedCount() const { return m_rendered.load(); }

Q_SIGNALS:
    void tileReady(const taglane::widgets::SpectrogramTileKey &key, const QImage &image);
    /// The dB range the colours span for this track and type (the display
    /// range, whatever the track's level), and the band centres.
    void calibrated(quint64 trackId, int type, double lowDb, double highDb, const QVector<double> &bandCentresHz);

protected:
    void run() override;

private:
    const engine::FeatureExtractor &extractor(engine::FeatureType type, int hop);
    void announce(engine::FeatureType type, quint64 trackId);
    QImage renderTile(const engine::AudioBuffer &buffer, engine::FeatureType type, int level, qint64 index,
                      const ColorMap &map);
    float toDb(engine::FeatureType type, float value) const;

    QMutex m_mutex;
    QWaitCondition m_condition;
    std::atomic_bool m_abort{false};
    std::atomic_bool m_restart{false};
    std::atomic_int m_rendered{0};

    // Guarded by m_mutex: the newest request.
    engine::AudioBuffer m_buffer;
    quint64 m_track = 0;
    bool m_trackChanged = false;
    bool m_hasRequest = false;
    engine::FeatureType m_type = engine::FeatureType::Mel;
    int m_level = 0;
    QVector<qint64> m_tiles;
    ColorMap m_map;
    SpectrogramRange m_range;

    // Worker thread only.
    std::map<std::pair<int, int>, std::unique_ptr<engine::FeatureExtractor>> m_extractors;
    std::map<int, bool> m_announced;
    int m_extractorRate = 0;
    SpectrogramRange m_extractorRange;
};

} // namespace taglane::widgets
