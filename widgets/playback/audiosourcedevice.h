// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"

#include <QAudioFormat>
#include <QIODevice>

#include <atomic>

namespace taglane::widgets {

/// A read-only QIODevice that a QAudioSink pulls from (pull mode): it plays
/// a mono float AudioBuffer in the sink's format, converting the sample
/// type, duplicating the channel and resampling linearly when the device
/// rate differs from the buffer's. The sink's audio thread calls readData();
/// the play position is kept in an atomic so the GUI may read it. It can be
/// limited to a stretch [start, end) of the buffer that it plays once (and
/// then reports atEnd()) or over and over (looping).
class AudioSourceDevice : public QIODevice
{
    Q_OBJECT

public:
    AudioSourceDevice(const engine::AudioBuffer &buffer, const QAudioFormat &format, QObject *parent = nullptr);

    const QAudioFormat &format() const { return m_format; }
    /// Next buffer sample to be read (any thread).
    qint64 sourcePosition() const { return qint64(m_position.load()); }
    /// Moves the read position to a buffer sample (any thread).
    void setSourcePosition(qint64 sample);
    /// Plays only up to `endSample` (clamped to the buffer); with `loop`, goes
    /// back to `loopStartSample` there instead of ending. Any thread.
    void setStretch(qint64 loopStartSample, qint64 endSample, bool loop);
    /// Plays to the end of the buffer again, once. Any thread.
    void clearStretch();
    qint64 endSample() const { return qint64(m_end.load()); }
    bool isLooping() const { return m_loop.load(); }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;
    bool atEnd() const override;

    /// Converts `frames` output frames starting at source position `position`
    /// into `out`; returns how many frames were written (fewer at the end).
    /// Stops at source sample `end` (negative: the buffer's end).
    static qint64 render(const engine::AudioBuffer &buffer, const QAudioFormat &format, double &position,
                         char *out, qint64 frames, double end = -1.0);

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    engine::AudioBuffer m_buffer;
    QAudioFormat m_format;
    std::atomic<double> m_position{0.0};
    std::atomic<double> m_end{0.0};
    std::atomic<double> m_loopStart{0.0};
    std::atomic_bool m_loop{false};
};

} // namespace taglane::widgets
