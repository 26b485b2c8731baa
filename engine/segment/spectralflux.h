// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"
#include "engine/core/progress.h"
#include "engine/core/result.h"

#include <vector>

namespace taglane::engine {

/// A spectral novelty curve at the resolution of a short-time analysis:
/// values[i] describes the instant i * frameSeconds, scaled to [0, 1].
struct NoveltyCurve
{
    std::vector<float> values;
    double frameSeconds = 0.0;

    bool isEmpty() const { return values.empty(); }
    /// Instant of the strongest local maximum within `radius` seconds of
    /// `seconds`, or `seconds` when there is none (the nearest on a tie).
    double peakNear(double seconds, double radius) const;
};

/// Spectral flux of log-Mel frames (about 46 ms windows, 23 ms hop, 40
/// bands): per frame the sum over bands of the rise in dB since the frame
/// before (half-wave rectified), lightly smoothed and scaled to [0, 1].
/// Peaks are where the sound changes: onsets, entries, section changes;
/// the tag lane snaps boundaries to them. Any thread; blocks (an hour of
/// audio takes a few seconds); cancellable through `progress`.
Result<NoveltyCurve> spectralFluxNovelty(const AudioBuffer &audio, const ProgressSink &progress = {});

} // namespace taglane::engine
