// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"
#include "engine/audio/audioinfo.h"
#include "engine/core/progress.h"
#include "engine/core/result.h"

#include <QStringList>

namespace taglane::engine {

struct DecodeOptions
{
    int analysisRate = 16000;  ///< rate of the mono analysis copy; 0 keeps the file's rate
};

struct DecodedAudio
{
    AudioInfo info;
    AudioBuffer mono;         ///< equal-power downmix (sum / sqrt(channels)), resampled to DecodeOptions::analysisRate
    QStringList warnings;     ///< problems that did not stop decoding (e.g. a truncated file)
};

/// Decodes WAV, FLAC, Ogg Vorbis, Opus, MP3 (and whatever else libsndfile
/// reads) into a mono analysis copy. Stateless; every function may be called
/// from any thread, and blocks while it works.
class AudioDecoder
{
public:
    /// Reads the header only.
    static Result<AudioInfo> probe(const QString &path);

    /// Streams the file in blocks: downmix, then resample, so memory stays
    /// proportional to the mono output. Reports progress and stops with an
    /// error when progress.cancel is set.
    static Result<DecodedAudio> decode(const QString &path, const DecodeOptions &options = {},
                                       const ProgressSink &progress = {});

    /// File name suffixes the open dialog offers.
    static QStringList supportedSuffixes();
};

} // namespace taglane::engine
