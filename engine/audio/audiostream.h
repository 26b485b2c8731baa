// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audioinfo.h"
#include "engine/core/result.h"

#include <QString>

#include <memory>
#include <vector>

namespace taglane::engine {

/// Decodes an audio file one block at a time into mono at an analysis rate,
/// for work that must not hold a whole long track: the same equal-power
/// downmix (sum / sqrt(channels)) and soxr resampling as
/// AudioDecoder::decode(), with the resampler's state carried from block to
/// block, so the blocks put end to end equal AudioDecoder::decode()'s buffer
/// sample for sample. Memory is one block, whatever the file's length.
/// One instance per stream, used by one thread at a time; every call blocks
/// while it reads.
class AudioStream
{
public:
    ~AudioStream();
    AudioStream(const AudioStream &) = delete;
    AudioStream &operator=(const AudioStream &) = delete;

    /// Opens the file (with AudioDecoder's messages for files that cannot
    /// be opened). analysisRate 0 keeps the file's rate.
    static Result<std::unique_ptr<AudioStream>> open(const QString &path, int analysisRate);

    /// The file as its header declares it.
    const AudioInfo &info() const { return m_info; }
    /// Rate of the output.
    int sampleRate() const { return m_outRate; }
    /// The number of output samples the whole file gives when its header's
    /// frame count is right (soxr gives round(frames * out / in)); -1 when the
    /// header does not say. Only the end of the stream is sure (see position()).
    qint64 expectedSamples() const;

    /// Decodes the next block and appends its output to `out` (possibly
    /// nothing, while the resampler fills up). Returns false, appending the
    /// resampler's last samples, once the file is exhausted; later calls
    /// append nothing and return false. Fails with a sentence naming the
    /// file for NaN or infinite samples and for a file with no audio.
    Result<bool> read(std::vector<float> &out);

    bool atEnd() const { return m_atEnd; }
    /// Output samples handed out so far; at the end, the track's length.
    qint64 position() const { return m_position; }
    /// Share of the declared frames read so far, in [0, 1] (0 when unknown).
    double fraction() const;

private:
    AudioStream();
    struct Private;
    std::unique_ptr<Private> d;
    AudioInfo m_info;
    int m_outRate = 0;
    qint64 m_framesRead = 0;
    qint64 m_position = 0;
    bool m_atEnd = false;
};

} // namespace taglane::engine
