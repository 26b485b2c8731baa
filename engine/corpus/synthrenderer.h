// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/corpus/segmentarrangement.h"

#include <QString>

#include <memory>
#include <vector>

namespace taglane::engine {

/// Renders planned tracks offline with FluidSynth (no audio driver, no
/// reverb or chorus so nothing rings past a segment) and writes them as
/// 16-bit PCM WAV in blocks, so memory does not grow with track length.
/// One instance per thread; not thread-safe. Creating it loads the
/// soundfont (samples are loaded on first use of a preset).
class SynthRenderer
{
public:
    struct Stats
    {
        qint64 frames = 0;
        qint64 clippedSamples = 0;  ///< samples that hit full scale
        float peak = 0.0f;          ///< largest absolute sample before clipping
    };

    static constexpr int blockFrames = 4096;

    /// Fails with a sentence naming the soundfont when it cannot be loaded,
    /// or when the rate is outside 8000-96000 Hz. Any thread.
    static Result<std::unique_ptr<SynthRenderer>> create(const QString &soundfont, int sampleRate);
    ~SynthRenderer();
    SynthRenderer(const SynthRenderer &) = delete;
    SynthRenderer &operator=(const SynthRenderer &) = delete;

    int sampleRate() const;

    /// Renders the whole track to `wavPath` (written to a temporary name and
    /// renamed when complete). Progress goes from 0 to 1 over the track;
    /// when cancelled, the partial file is removed and a failure returned.
    Result<Stats> renderTrack(const TrackPlan &plan, const QString &wavPath, int channels,
                              const ProgressSink &progress = {});

    /// Renders one segment alone into memory: interleaved stereo floats
    /// (before 16-bit conversion), plus `tailSeconds` after its end (which
    /// should be silent). For tests and previews.
    std::vector<float> renderSegment(const SegmentArrangement &segment, double tailSeconds = 0.0);

private:
    struct Private;
    explicit SynthRenderer(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace taglane::engine
