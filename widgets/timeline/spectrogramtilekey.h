// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHashFunctions>
#include <QMetaType>

namespace taglane::widgets {

/// Names one spectrogram tile: which track, which feature type, which hop
/// level (frames-per-pixel resolution) and which run of frames.
struct SpectrogramTileKey
{
    quint64 track = 0;
    int type = 0;       ///< engine::FeatureType as int
    int level = 0;      ///< hop = SpectrogramTileRenderer::hopForLevel(level)
    qint64 index = 0;   ///< frames [index * framesPerTile, (index + 1) * framesPerTile)

    friend bool operator==(const SpectrogramTileKey &a, const SpectrogramTileKey &b)
    {
        return a.track == b.track && a.type == b.type && a.level == b.level && a.index == b.index;
    }
    friend size_t qHash(const SpectrogramTileKey &k, size_t seed = 0)
    {
        return qHashMulti(seed, k.track, k.type, k.level, k.index);
    }
};

} // namespace taglane::widgets

Q_DECLARE_METATYPE(taglane::widgets::SpectrogramTileKey)
