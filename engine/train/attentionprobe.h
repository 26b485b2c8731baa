// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"
#include "engine/core/result.h"

#include <QString>

#include <memory>
#include <vector>

namespace taglane::engine {

/// The self-attention weights A (r x T) of one model window, per branch.
/// Times are seconds in the track of each attention step's centre. Value type.
struct AttentionWindow
{
    double start = 0.0;             ///< the window's first sample (s); may be < 0 or run past the end (padded)
    double end = 0.0;
    int heads = 0;                  ///< r
    std::vector<double> melTimes;   ///< [T_mel]
    std::vector<float> mel;         ///< [r][T_mel] row-major; each row sums to 1
    std::vector<double> waveTimes;  ///< [T_wave]
    std::vector<float> wave;        ///< [r][T_wave] row-major; each row sums to 1
};

/// Reads a cnn-sam bundle's attention weights for stretches of audio, so a
/// researcher sees which moments drove a prediction. Load once, query many
/// times; any thread, one call at a time per object (each call blocks).
class AttentionProbe
{
public:
    /// Fails with a clear message for a bundle that cannot be read or has no
    /// attention pooling (only cnn-sam has).
    static Result<AttentionProbe> open(const QString &bundleFolder);

    int heads() const;
    int sampleRate() const;       ///< the rate audio must have
    qint64 windowSamples() const; ///< samples of one model window

    /// The windows covering [start, end) seconds of audio (resampled to
    /// sampleRate() when it has another rate):
    /// a stretch up to one window long gets one window centred on it; a
    /// longer one, consecutive windows from start, the last padded with silence.
    Result<std::vector<AttentionWindow>> segment(const AudioBuffer &audio, double start, double end) const;

private:
    struct Impl;
    std::shared_ptr<Impl> d;
};

} // namespace taglane::engine
