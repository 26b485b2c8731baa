// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"

#include <QAudioFormat>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QAudioDevice;
class QAudioSink;

namespace taglane::widgets {

class AudioSourceDevice;

/// Plays the track's buffer through Qt Multimedia (a QAudioSink pulling from
/// an AudioSourceDevice) and reports a sample-accurate position about 30
/// times a second. Without an audio output device it says so through
/// message() and stays stopped; nothing else depends on it. GUI thread only.
class PlaybackController : public QObject
{
    Q_OBJECT

public:
    enum class State { Stopped, Playing, Paused };
    Q_ENUM(State)

    explicit PlaybackController(QObject *parent = nullptr);
    ~PlaybackController() override;

    void setBuffer(const engine::AudioBuffer &buffer);
    State state() const { return m_state; }
    bool isPlaying() const { return m_state == State::Playing; }
    double position() const { return m_position; }
    /// The last status message (e.g. that no output device exists), or empty.
    QString lastMessage() const { return m_message; }
    /// The format the sink was opened with (invalid before the first play).
    QAudioFormat outputFormat() const { return m_format; }

    /// Picks the format to open `device` with for a mono buffer at `rate`:
    /// mono float, else mono int16, else the device's preferred format.
    static QAudioFormat chooseFormat(const QAudioDevice &device, int rate);

public Q_SLOTS:
    void play();
    void pause();
    void togglePlayPause();
    void stop();
    void seek(double seconds);

Q_SIGNALS:
    void stateChanged(taglane::widgets::PlaybackController::State state);
    void positionChanged(double seconds);
    /// A user-visible status message (no device, device error).
    void message(const QString &text);

private:
    bool startSink(double fromSeconds);
    void releaseSink();
    void setState(State state);
    void tick();
    void reportMessage(const QString &text);
    void onSinkStateChanged();

    engine::AudioBuffer m_buffer;
    QPointer<QAudioSink> m_sink;
    QPointer<AudioSourceDevice> m_device;
    QAudioFormat m_format;
    QTimer m_timer;
    State m_state = State::Stopped;
    double m_position = 0.0;
    double m_startSeconds = 0.0;
    double m_playedFrom = 0.0;
    QString m_message;
};

} // namespace taglane::widgets
