// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/playback/playbackcontroller.h"

#include "widgets/playback/audiosourcedevice.h"

#include <QAudioDevice>
#include <QAudioSink>
#include <QMediaDevices>

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

PlaybackController::PlaybackController(QObject *parent)
    : QObject(parent)
{
    m_timer.setInterval(33);
    connect(&m_timer, &QTimer::timeout, this, &PlaybackController::tick);
}

PlaybackController::~PlaybackController()
{
    releaseSink();
}

void PlaybackController::setBuffer(const engine::AudioBuffer &buffer)
{
    releaseSink();
    m_buffer = buffer;
    clearRange();
    m_position = 0.0;
    m_playedFrom = 0.0;
    setState(State::Stopped);
    Q_EMIT positionChanged(0.0);
}

QAudioFormat PlaybackController::chooseFormat(const QAudioDevice &device, int rate)
{
    QAudioFormat format;
    format.setSampleRate(rate);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Float);
    if (device.isFormatSupported(format))
        return format;
    format.setSampleFormat(QAudioFormat::Int16);
    if (device.isFormatSupported(format))
        return format;
    return device.preferredFormat();   // AudioSourceDevice resamples and duplicates channels
}

bool PlaybackController::startSink(double fromSeconds)
{
    releaseSink();
    const QList<QAudioDevice> outputs = QMediaDevices::audioOutputs();
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    if (outputs.isEmpty() || device.isNull()) {
        reportMessage(tr("No audio output device was found; playback is unavailable."));
        return false;
    }
    m_format = chooseFormat(device, m_buffer.sampleRate());
    if (!m_format.isValid() || m_format.bytesPerFrame() <= 0) {
        reportMessage(tr("The audio output device \"%1\" offers no usable format; playback is unavailable.")
                          .arg(device.description()));
        return false;
    }
    m_sink = new QAudioSink(device, m_format, this);
    m_device = new AudioSourceDevice(m_buffer, m_format, this);
    m_device->setSourcePosition(qint64(std::llround(fromSeconds * m_buffer.sampleRate())));
    if (hasRange())
        m_device->setStretch(qint64(std::llround(m_rangeStart * m_buffer.sampleRate())),
                             qint64(std::llround(m_rangeEnd * m_buffer.sampleRate())), m_loop);
    m_device->open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    connect(m_sink, &QAudioSink::stateChanged, this, &PlaybackController::onSinkStateChanged);
    m_startSeconds = fromSeconds;
    m_sink->start(m_device);
    if (m_sink->error() != QAudio::NoError) {
        reportMessage(tr("The audio output device \"%1\" could not be opened; playback is unavailable.")
                          .arg(device.description()));
        releaseSink();
        return false;
    }
    return true;
}

void PlaybackController::releaseSink()
{
    m_timer.stop();
    // deleteLater: this may run inside a signal of the sink itself.
    if (m_sink) {
        m_sink->disconnect(this);
        m_sink->stop();
        m_sink->deleteLater();
        m_sink.clear();
    }
    if (m_device) {
        m_device->close();
        m_device->deleteLater();
        m_device.clear();
    }
}

void PlaybackController::play()
{
    if (m_buffer.isEmpty() || m_state == State::Playing)
        return;
    if (m_state == State::Paused && m_sink) {
        m_sink->resume();
        m_timer.start();
        setState(State::Playing);
        return;
    }
    double from = m_position;
    if (from >= m_buffer.durationSeconds() - 1e-3)
        from = 0.0;
    if (!startSink(from)) {
        setState(State::Stopped);
        return;
    }
    m_playedFrom = from;
    m_timer.start();
    setState(State::Playing);
}

void PlaybackController::pause()
{
    if (m_state != State::Playing || !m_sink)
        return;
    m_sink->suspend();
    tick();
    m_timer.stop();
    setState(State::Paused);
}

void PlaybackController::togglePlayPause()
{
    if (m_state == State::Playing)
        pause();
    else
        play();
}

void PlaybackController::stop()
{
    const bool wasActive = m_state != State::Stopped;
    releaseSink();
    clearRange();
    setState(State::Stopped);
    if (wasActive) {
        m_position = m_playedFrom;
        Q_EMIT positionChanged(m_position);
    }
}

void PlaybackController::seek(double seconds)
{
    seconds = std::clamp(seconds, 0.0, std::max(0.0, m_buffer.durationSeconds()));
    if (hasRange() && (seconds < m_rangeStart || seconds >= m_rangeEnd))
        clearRange();
    m_position = seconds;
    m_playedFrom = seconds;
    if (m_state != State::Stopped) {
        const bool wasPlaying = m_state == State::Playing;
        if (!startSink(seconds)) {
            setState(State::Stopped);
        } else if (!wasPlaying) {
            m_sink->suspend();
        } else {
            m_timer.start();
        }
    }
    Q_EMIT positionChanged(m_position);
}

void PlaybackController::tick()
{
    if (!m_sink)
        return;
    // processedUSecs counts the audio the sink has consumed since start().
    const double played = double(m_sink->processedUSecs()) / 1e6;
    const double position = positionAfter(m_startSeconds, played);
    if (position != m_position) {
        m_position = position;
        Q_EMIT positionChanged(m_position);
    }
}

void PlaybackController::onSinkStateChanged()
{
    if (!m_sink)
        return;
    const QAudio::Error error = m_sink->error();
    if (error != QAudio::NoError && error != QAudio::UnderrunError) {
        reportMessage(tr("Audio output failed (error %1); playback stopped.").arg(int(error)));
        releaseSink();
        setState(State::Stopped);
        return;
    }
    if (m_sink->state() == QAudio::IdleState && m_device && m_device->atEnd()) {
        // Played to the end (of the range: the cursor goes back to its start).
        releaseSink();
        m_position = hasRange() ? m_rangeStart : m_buffer.durationSeconds();
        clearRange();
        Q_EMIT positionChanged(m_position);
        setState(State::Stopped);
    }
}

double PlaybackController::positionAfter(double from, double playedSeconds) const
{
    const double total = m_buffer.durationSeconds();
    const double position = from + std::max(0.0, playedSeconds);
    if (!hasRange() || from >= m_rangeEnd)
        return std::min(position, total);
    if (position < m_rangeEnd)
        return position;
    if (!m_loop)
        return m_rangeEnd;
    const double length = m_rangeEnd - m_rangeStart;
    return m_rangeStart + std::fmod(position - m_rangeEnd, length);
}

void PlaybackController::playRange(double start, double end, bool loop)
{
    const double total = m_buffer.durationSeconds();
    start = std::clamp(start, 0.0, total);
    end = std::clamp(end, 0.0, total);
    if (m_buffer.isEmpty() || end <= start)
        return;
    releaseSink();
    m_rangeStart = start;
    m_rangeEnd = end;
    m_loop = loop;
    Q_EMIT rangeChanged();
    m_position = start;
    m_playedFrom = start;
    Q_EMIT positionChanged(m_position);
    if (!startSink(start)) {
        setState(State::Stopped);
        return;
    }
    m_timer.start();
    setState(State::Playing);
}

void PlaybackController::setLooping(bool loop)
{
    if (loop == m_loop)
        return;
    m_loop = loop;
    if (hasRange() && m_device)
        m_device->setStretch(qint64(std::llround(m_rangeStart * m_buffer.sampleRate())),
                             qint64(std::llround(m_rangeEnd * m_buffer.sampleRate())), m_loop);
    Q_EMIT rangeChanged();
}

void PlaybackController::clearRange()
{
    if (!hasRange())
        return;
    m_rangeStart = m_rangeEnd = 0.0;
    if (m_device)
        m_device->clearStretch();
    Q_EMIT rangeChanged();
}

void PlaybackController::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void PlaybackController::reportMessage(const QString &text)
{
    m_message = text;
    Q_EMIT message(text);
}

} // namespace taglane::widgets
