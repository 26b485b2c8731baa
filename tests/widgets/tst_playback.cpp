// SPDX-License-Identifier: GPL-3.0-or-later
// The pull-mode audio device (format conversion, channel duplication,
// resampling, position) and the playback controller with or without an
// output device.
#include "widgets/playback/audiosourcedevice.h"
#include "widgets/playback/playbackcontroller.h"

#include <QAudioDevice>
#include <QMediaDevices>
#include <QSignalSpy>
#include <QTest>

#include <cstring>
#include <vector>

using taglane::engine::AudioBuffer;
using taglane::widgets::AudioSourceDevice;
using taglane::widgets::PlaybackController;

namespace {

QAudioFormat makeFormat(int rate, int channels, QAudioFormat::SampleFormat sampleFormat)
{
    QAudioFormat f;
    f.setSampleRate(rate);
    f.setChannelCount(channels);
    f.setSampleFormat(sampleFormat);
    return f;
}

AudioBuffer ramp(int n, int rate)
{
    std::vector<float> x(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        x[size_t(i)] = -0.5f + float(i) / float(n);
    return AudioBuffer(std::move(x), rate);
}

} // namespace

class TstPlayback : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void floatMonoIsCopied()
    {
        const AudioBuffer buffer = ramp(100, 8000);
        AudioSourceDevice device(buffer, makeFormat(8000, 1, QAudioFormat::Float));
        QVERIFY(device.open(QIODevice::ReadOnly | QIODevice::Unbuffered));
        QCOMPARE(device.bytesAvailable(), qint64(100 * sizeof(float)));
        const QByteArray bytes = device.read(40 * sizeof(float));
        QCOMPARE(bytes.size(), int(40 * sizeof(float)));
        std::vector<float> out(40);
        std::memcpy(out.data(), bytes.constData(), size_t(bytes.size()));
        for (int i = 0; i < 40; ++i)
            QCOMPARE(out[size_t(i)], buffer.data()[i]);
        QCOMPARE(device.sourcePosition(), qint64(40));
        const QByteArray rest = device.read(1000 * sizeof(float));
        QCOMPARE(rest.size(), int(60 * sizeof(float)));
        QVERIFY(device.atEnd());
        QCOMPARE(device.read(64).size(), 0);
    }

    void int16StereoDuplicatesChannel()
    {
        const AudioBuffer buffer = ramp(50, 8000);
        AudioSourceDevice device(buffer, makeFormat(8000, 2, QAudioFormat::Int16));
        QVERIFY(device.open(QIODevice::ReadOnly | QIODevice::Unbuffered));
        device.setSourcePosition(10);
        const QByteArray bytes = device.read(4 * 2 * sizeof(qint16));
        QCOMPARE(bytes.size(), int(4 * 2 * sizeof(qint16)));
        const auto *s = reinterpret_cast<const qint16 *>(bytes.constData());
        for (int i = 0; i < 4; ++i) {
            const int expected = qRound(buffer.data()[10 + i] * 32767.0f);
            QVERIFY(qAbs(s[2 * i] - expected) <= 1);
            QCOMPARE(s[2 * i + 1], s[2 * i]);
        }
    }

    void resamplesToDeviceRate()
    {
        const AudioBuffer buffer = ramp(1000, 8000);
        const QAudioFormat format = makeFormat(16000, 1, QAudioFormat::Float);
        std::vector<float> out(4000);
        double position = 0.0;
        const qint64 frames = AudioSourceDevice::render(buffer, format, position,
                                                        reinterpret_cast<char *>(out.data()), 4000);
        QCOMPARE(frames, qint64(2000));   // twice the rate: twice the frames
        const float *x = buffer.data();
        QCOMPARE(out[10], x[5]);
        QVERIFY(qAbs(out[11] - 0.5f * (x[5] + x[6])) < 1e-6f);
    }

    void playReportsStateOrMissingDevice()
    {
        PlaybackController playback;
        playback.setBuffer(ramp(8000 * 2, 8000));
        QSignalSpy messages(&playback, &PlaybackController::message);
        playback.play();
        if (QMediaDevices::audioOutputs().isEmpty()) {
            // CI: no device. A clear message and a controller that still works.
            QCOMPARE(playback.state(), PlaybackController::State::Stopped);
            QCOMPARE(messages.count(), 1);
            QVERIFY(playback.lastMessage().contains(QStringLiteral("No audio output device")));
        } else {
            QVERIFY(playback.state() == PlaybackController::State::Playing || !playback.lastMessage().isEmpty());
            if (playback.isPlaying()) {
                playback.pause();
                QCOMPARE(playback.state(), PlaybackController::State::Paused);
                playback.stop();
                QCOMPARE(playback.state(), PlaybackController::State::Stopped);
            }
        }
        QSignalSpy position(&playback, &PlaybackController::positionChanged);
        playback.seek(1.25);
        QCOMPARE(playback.position(), 1.25);
        QCOMPARE(position.count(), 1);
        playback.seek(99.0);   // clamped to the buffer
        QCOMPARE(playback.position(), 2.0);
        playback.stop();
    }

    void stretchPlaysExactlyTheRange()
    {
        const AudioBuffer buffer = ramp(100, 8000);
        AudioSourceDevice device(buffer, makeFormat(8000, 1, QAudioFormat::Float));
        QVERIFY(device.open(QIODevice::ReadOnly | QIODevice::Unbuffered));
        device.setSourcePosition(20);
        device.setStretch(20, 50, false);
        QCOMPARE(device.bytesAvailable(), qint64(30 * sizeof(float)));
        const QByteArray bytes = device.read(1000 * sizeof(float));
        QCOMPARE(bytes.size(), int(30 * sizeof(float)));   // samples 20..49, not to the buffer's end
        std::vector<float> out(30);
        std::memcpy(out.data(), bytes.constData(), size_t(bytes.size()));
        QCOMPARE(out.front(), buffer.data()[20]);
        QCOMPARE(out.back(), buffer.data()[49]);
        QVERIFY(device.atEnd());
        device.clearStretch();
        QVERIFY(!device.atEnd());
        QCOMPARE(device.read(1000 * sizeof(float)).size(), int(50 * sizeof(float)));
    }

    void stretchLoops()
    {
        const AudioBuffer buffer = ramp(100, 8000);
        AudioSourceDevice device(buffer, makeFormat(8000, 1, QAudioFormat::Float));
        QVERIFY(device.open(QIODevice::ReadOnly | QIODevice::Unbuffered));
        device.setSourcePosition(25);
        device.setStretch(20, 30, true);
        const QByteArray bytes = device.read(27 * sizeof(float));
        QCOMPARE(bytes.size(), int(27 * sizeof(float)));
        std::vector<float> out(27);
        std::memcpy(out.data(), bytes.constData(), size_t(bytes.size()));
        // 25..29, then 20..29 twice, then 20, 21.
        const int expected[] = {25, 26, 27, 28, 29, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
                                20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 20, 21};
        for (int i = 0; i < 27; ++i)
            QCOMPARE(out[size_t(i)], buffer.data()[expected[i]]);
        QVERIFY(!device.atEnd());
        QCOMPARE(device.sourcePosition(), qint64(22));
    }

    void playRangeSetsRangeAndCursor()
    {
        PlaybackController playback;
        playback.setBuffer(ramp(8000 * 10, 8000));
        QSignalSpy position(&playback, &PlaybackController::positionChanged);
        QSignalSpy range(&playback, &PlaybackController::rangeChanged);
        playback.playRange(2.0, 4.5);
        QVERIFY(playback.hasRange());
        QCOMPARE(playback.rangeStart(), 2.0);
        QCOMPARE(playback.rangeEnd(), 4.5);
        QVERIFY(!playback.isLooping());
        QCOMPARE(range.count(), 1);
        QCOMPARE(playback.position(), 2.0);
        QVERIFY(position.count() >= 1);
        QCOMPARE(position.last().at(0).toDouble(), 2.0);
        if (QMediaDevices::audioOutputs().isEmpty()) {
            QCOMPARE(playback.state(), PlaybackController::State::Stopped);
            QVERIFY(playback.lastMessage().contains(QStringLiteral("No audio output device")));
        }
        // Played audio maps to track positions that stop at the range's end...
        QCOMPARE(playback.positionAfter(2.0, 1.0), 3.0);
        QCOMPARE(playback.positionAfter(2.0, 3.0), 4.5);
        // ...or, looping, start over at its start.
        playback.setLooping(true);
        QVERIFY(playback.isLooping());
        QCOMPARE(playback.positionAfter(2.0, 3.0), 2.5);
        QCOMPARE(playback.positionAfter(2.0, 2.5 * 3 + 0.25), 2.25);
        // A seek inside keeps the range; outside, playback is of the whole track again.
        playback.seek(3.0);
        QVERIFY(playback.hasRange());
        playback.seek(6.0);
        QVERIFY(!playback.hasRange());
        QCOMPARE(playback.positionAfter(6.0, 100.0), 10.0);
        // Bad ranges are ignored; stop forgets the range.
        playback.playRange(5.0, 5.0);
        QVERIFY(!playback.hasRange());
        playback.playRange(8.0, 50.0);   // clamped to the track
        QCOMPARE(playback.rangeEnd(), 10.0);
        playback.stop();
        QVERIFY(!playback.hasRange());
    }
};

QTEST_MAIN(TstPlayback)
#include "tst_playback.moc"
