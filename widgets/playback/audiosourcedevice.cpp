// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/playback/audiosourcedevice.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace taglane::widgets {

AudioSourceDevice::AudioSourceDevice(const engine::AudioBuffer &buffer, const QAudioFormat &format, QObject *parent)
    : QIODevice(parent)
    , m_buffer(buffer)
    , m_format(format)
    , m_end(double(buffer.size()))
{
}

void AudioSourceDevice::setStretch(qint64 loopStartSample, qint64 endSample, bool loop)
{
    const qint64 end = std::clamp<qint64>(endSample, 0, m_buffer.size());
    m_loopStart.store(double(std::clamp<qint64>(loopStartSample, 0, end)));
    m_end.store(double(end));
    m_loop.store(loop && loopStartSample < end);
}

void AudioSourceDevice::clearStretch()
{
    m_loop.store(false);
    m_end.store(double(m_buffer.size()));
    m_loopStart.store(0.0);
}

void AudioSourceDevice::setSourcePosition(qint64 sample)
{
    m_position.store(double(std::clamp<qint64>(sample, 0, m_buffer.size())));
}

bool AudioSourceDevice::atEnd() const
{
    return !m_loop.load() && m_position.load() >= m_end.load();
}

qint64 AudioSourceDevice::bytesAvailable() const
{
    const int bytesPerFrame = m_format.bytesPerFrame();
    const double step = m_format.sampleRate() > 0 ? double(m_buffer.sampleRate()) / m_format.sampleRate() : 1.0;
    if (m_loop.load())
        return qint64(m_format.sampleRate()) * bytesPerFrame + QIODevice::bytesAvailable();   // a second, again and again
    const double remaining = std::max(0.0, m_end.load() - m_position.load());
    return qint64(remaining / step) * bytesPerFrame + QIODevice::bytesAvailable();
}

qint64 AudioSourceDevice::render(const engine::AudioBuffer &buffer, const QAudioFormat &format, double &position,
                                 char *out, qint64 frames, double end)
{
    const float *x = buffer.data();
    const qint64 n = buffer.size();
    const double stop = end < 0.0 ? double(n) : std::min(end, double(n));
    const int channels = std::max(1, format.channelCount());
    const int bytesPerSample = format.bytesPerSample();
    const double step = format.sampleRate() > 0 ? double(buffer.sampleRate()) / format.sampleRate() : 1.0;
    qint64 written = 0;
    for (; written < frames && position < stop; ++written, position += step) {
        const qint64 i = qint64(position);
        const double frac = position - double(i);
        const float a = x[i];
        const float b = i + 1 < n ? x[i + 1] : a;
        const float v = std::clamp(float(a + (b - a) * frac), -1.0f, 1.0f);
        for (int c = 0; c < channels; ++c) {
            char *dst = out + (written * channels + c) * bytesPerSample;
            switch (format.sampleFormat()) {
            case QAudioFormat::Float:
                std::memcpy(dst, &v, sizeof v);
                break;
            case QAudioFormat::Int16: {
                const qint16 s = qint16(std::lround(v * 32767.0f));
                std::memcpy(dst, &s, sizeof s);
                break;
            }
            case QAudioFormat::Int32: {
                const qint32 s = qint32(std::llround(double(v) * 2147483647.0));
                std::memcpy(dst, &s, sizeof s);
                break;
            }
            case QAudioFormat::UInt8:
                *reinterpret_cast<quint8 *>(dst) = quint8(std::lround((v + 1.0f) * 127.5f));
                break;
            default:
                std::memset(dst, 0, size_t(bytesPerSample));
                break;
            }
        }
    }
    return written;
}

qint64 AudioSourceDevice::readData(char *data, qint64 maxSize)
{
    const int bytesPerFrame = m_format.bytesPerFrame();
    if (bytesPerFrame <= 0)
        return -1;
    double position = m_position.load();
    const qint64 wanted = maxSize / bytesPerFrame;
    const double end = m_end.load();
    qint64 frames = render(m_buffer, m_format, position, data, wanted, end);
    // Looping: start the stretch over (keeping the fraction past its end) until the request is full.
    while (m_loop.load() && frames < wanted && position >= end) {
        const double start = m_loopStart.load();
        if (end <= start)
            break;
        position = start + std::fmod(position - end, end - start);
        frames += render(m_buffer, m_format, position, data + frames * bytesPerFrame, wanted - frames, end);
    }
    m_position.store(position);
    return frames * bytesPerFrame;
}

} // namespace taglane::widgets
