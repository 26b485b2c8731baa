// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace taglane::engine {

/// Facts about an audio file as it lies on disk.
struct AudioInfo
{
    QString path;
    QString container;   ///< "WAV", "FLAC", "OGG", "MPEG", ...
    QString encoding;    ///< "PCM 16-bit", "Vorbis", "Opus", "MPEG layer III", ...
    int sampleRate = 0;  ///< of the file
    int channels = 0;
    qint64 frames = 0;   ///< per channel, as the file declares it
    double durationSeconds() const { return sampleRate > 0 ? double(frames) / sampleRate : 0.0; }
};

} // namespace taglane::engine
