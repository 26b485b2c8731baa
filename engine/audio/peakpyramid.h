// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"

#include <vector>

namespace taglane::engine {

/// Min/max and RMS envelopes of a buffer at several resolutions, so a
/// waveform of any zoom is drawn from O(pixels) values. Level 0 holds one
/// block (min, max, mean square) per baseBlock samples; each further level
/// halves the count. Immutable once built; safe to query from any thread.
class PeakPyramid
{
public:
    struct MinMax
    {
        float min = 0.0f;
        float max = 0.0f;
        float rms = 0.0f;   ///< root mean square of the column's samples
    };

    static constexpr int baseBlock = 32;

    PeakPyramid() = default;
    /// Builds every level. Call from a worker thread for long buffers
    /// (about 30 ms per hour of 16 kHz audio).
    static PeakPyramid build(const AudioBuffer &buffer);

    bool isEmpty() const { return m_levels.empty(); }
    int levelCount() const { return int(m_levels.size()); }
    qint64 sampleCount() const { return m_samples; }

    /// Envelope of [startSample, endSample) split into `columns` equal parts.
    /// Uses the coarsest level that still has a block per column, and the raw
    /// samples when a column spans fewer than baseBlock samples. The RMS of a
    /// column is that of the blocks it touches (exact on the raw samples).
    std::vector<MinMax> query(double startSample, double endSample, int columns) const;

    size_t memoryBytes() const;

private:
    struct Block
    {
        float min = 0.0f;
        float max = 0.0f;
        float meanSquare = 0.0f;
    };

    AudioBuffer m_buffer;
    std::vector<std::vector<Block>> m_levels;
    qint64 m_samples = 0;
};

} // namespace taglane::engine
