// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/style/colormap.h"
#include "widgets/timeline/spectrogramrange.h"
#include "widgets/timeline/spectrogramtilekey.h"
#include "widgets/timeline/timelineview.h"

#include "engine/audio/audiobuffer.h"
#include "engine/dsp/featureextractor.h"

#include <QCache>
#include <QHash>
#include <QImage>
#include <QSet>
#include <QTimer>
#include <QVector>

namespace taglane::widgets {

class SpectrogramTileRenderer;

/// Mel or ERB spectrogram of the track on the shared time axis. Paints the
/// tiles it has (falling back to coarser cached levels while new ones are
/// computed) and asks the renderer thread for the visible ones it lacks.
/// GUI thread only.
class SpectrogramView : public TimelineView
{
    Q_OBJECT

public:
    explicit SpectrogramView(TimeAxis *axis, QWidget *parent = nullptr);
    ~SpectrogramView() override;

    void setBuffer(const engine::AudioBuffer &buffer);
    engine::FeatureType featureType() const { return m_type; }
    void setFeatureType(engine::FeatureType type);
    const ColorMap &colorMap() const { return m_map; }

    /// Level (hop) the current zoom draws from.
    int currentLevel() const;
    /// Tiles the visible window needs at the current level.
    QVector<qint64> visibleTiles() const;
    /// Whether every visible tile of the current type and level is cached.
    bool visibleTilesReady() const;
    /// Tiles received from the renderer since construction.
    int tilesReceived() const { return m_received; }
    /// Whether the renderer announced the current type's bands for this track.
    bool isCalibrated() const { return m_calibration.contains(int(m_type)); }
    /// The dB levels the colours span (the display range, the same for every track).
    double lowDb() const { return m_range.lowDb; }
    double highDb() const { return m_range.highDb; }
    /// Band centre frequencies (Hz) of the current type, low to high (empty until calibrated).
    QVector<double> bandCentresHz() const { return m_calibration.value(int(m_type)); }
    /// The frequency and colour range shown (loaded from QSettings at construction).
    const SpectrogramRange &displayRange() const { return m_range; }
    /// Shows another range (re-renders the tiles); an invalid range is ignored.
    /// `persist` also saves it to QSettings for the next session.
    void setDisplayRange(const SpectrogramRange &range, bool persist = false);
    /// Opens the dialog that edits the range (what the context menu offers).
    void editDisplayRange();
    /// Mean colour of the visible, cached tiles (for tests: differs between Mel and ERB).
    QImage visibleImage() const;

    QSize sizeHint() const override { return QSize(400, 240); }

Q_SIGNALS:
    void featureTypeChanged(engine::FeatureType type);
    /// The colour range changed (for the legend).
    void rangeChanged(double lowDb, double highDb);
    void tileArrived();

protected:
    void paintGutter(QPainter &painter, const QRect &gutter) override;
    void paintPlot(QPainter &painter, const QRect &plot) override;
    void resizeEvent(QResizeEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void scheduleRequest();
    void sendRequest();
    void onTileReady(const SpectrogramTileKey &key, const QImage &image);
    void onCalibrated(quint64 track, int type, double low, double high, const QVector<double> &centres);
    QRectF tileRect(int level, qint64 index, int frames, const QRect &plot) const;
    bool drawFallback(QPainter &painter, int level, qint64 index, const QRect &plot) const;
    double yForHz(double hz, const QRect &area) const;

    SpectrogramTileRenderer *m_renderer = nullptr;
    engine::AudioBuffer m_buffer;
    quint64 m_track = 0;
    engine::FeatureType m_type = engine::FeatureType::Mel;
    ColorMap m_map;
    mutable QCache<SpectrogramTileKey, QImage> m_cache;
    QSet<SpectrogramTileKey> m_pending;
    QHash<int, QVector<double>> m_calibration;   // band centres per type
    SpectrogramRange m_range;
    QTimer m_requestTimer;
    int m_received = 0;
};

} // namespace taglane::widgets
