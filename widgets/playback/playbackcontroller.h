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
/// message() and stays stopped; nothing else depends on it. A stretch of
/// the track (a selected segment) can be played exactly, once or looping.
/// GUI thread only.
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

    /// Whether playback is limited to a stretch (set by playRange(), until
    /// it ends without looping, stop() or a seek outside it).
    bool hasRange() const { return m_rangeEnd > m_rangeStart; }
    double rangeStart() const { return m_rangeStart; }
    double rangeEnd() const { return m_rangeEnd; }
    bool isLooping() const { return m_loop; }
    /// The track position `playedSeconds` of audio after starting at `from`:
    /// inside a looping range it wraps back to the range's start; otherwise
    /// it stops at the range's (or the track's) end.
    double positionAfter(double from, double playedSeconds) const;

public Q_SLOTS:
    void play();
    void pause();
    void togglePlayPause();
    void stop();
    void seek(double seconds);
    /// Plays exactly [start, end) (clamped to the track) from its start, then
    /// stops with the cursor back at `start`; with `loop`, starts it over
    /// until stopped. Without an output device it only moves the cursor there.
    void playRange(double start, double end, bool loop = false);
    /// Changes looping of the range being played (takes effect at its end).
    void setLooping(bool loop);
    /// Plays to the end of the track again (the range is forgotten).
    void clearRange();

Q_SIGNALS:
    void stateChanged(taglane::widgets::PlaybackController::State state);
    void positionChanged(double seconds);
    /// The range played changed (hasRange() tells whether there is one).
    void rangeChanged();
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
    double m_rangeStart = 0.0;
    double m_rangeEnd = 0.0;
    bool m_loop = false;
    QString m_message;
};

} // namespace taglane::widgets
