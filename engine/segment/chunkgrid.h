// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <vector>

namespace taglane::engine {

/// Where a model looks at a track: the start sample of each fixed-length
/// chunk it predicts, and for each chunk the span of the timeline it answers
/// for ("owned" span). Owned spans are ordered, do not overlap and, for a
/// covering grid, tile [0, totalSamples) exactly, so that mapping chunk
/// predictions onto any segmentation weighs every instant of the track once.
/// Value type; any thread.
class ChunkGrid
{
public:
    struct Chunk
    {
        qint64 start = 0;     ///< first sample the model reads (chunkSamples of them)
        qint64 ownStart = 0;  ///< span of the timeline this chunk's prediction stands for
        qint64 ownEnd = 0;
    };

    /// Consecutive chunks from sample 0 (0, c, 2c, ...), the layout of the
    /// published musicnn taggrams. The remainder after the last whole chunk:
    /// - at least minTailSeconds long: one more chunk, aligned to the end of
    ///   the track (start = total - c, so it reads real audio, no padding),
    ///   which owns only the remainder [n*c, total);
    /// - shorter: merged into the last whole chunk's owned span.
    /// A track shorter than one chunk gets one chunk at 0, zero-padded by the
    /// model, and isPadded() is true. An empty track gives an empty grid.
    static ChunkGrid covering(qint64 totalSamples, qint64 chunkSamples, int sampleRate,
                              double minTailSeconds = 1.0);

    /// The song-level protocol of the published FCN/CRNN evaluation (Won et
    /// al. 2020): `count` chunks at i * ((total - c) / count) (integer
    /// division), i = 0..count-1. Shorter than one chunk: one padded chunk.
    static ChunkGrid evaluationProtocol(qint64 totalSamples, qint64 chunkSamples, int sampleRate,
                                        int count = 16);

    int size() const { return int(m_chunks.size()); }
    bool isEmpty() const { return m_chunks.empty(); }
    const Chunk &at(int i) const { return m_chunks[size_t(i)]; }
    const std::vector<Chunk> &chunks() const { return m_chunks; }
    std::vector<qint64> starts() const;

    qint64 chunkSamples() const { return m_chunkSamples; }
    qint64 totalSamples() const { return m_totalSamples; }
    int sampleRate() const { return m_sampleRate; }
    /// True when the track is shorter than one chunk, so the model saw zeros after its end.
    bool isPadded() const { return m_padded; }

    double seconds(qint64 sample) const { return m_sampleRate > 0 ? double(sample) / m_sampleRate : 0.0; }

private:
    std::vector<Chunk> m_chunks;
    qint64 m_chunkSamples = 0;
    qint64 m_totalSamples = 0;
    int m_sampleRate = 0;
    bool m_padded = false;
};

} // namespace taglane::engine
