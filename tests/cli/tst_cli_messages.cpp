// SPDX-License-Identifier: GPL-3.0-or-later
// What taglane-cli says about bad input: each message names the file and
// the real problem, and no library prints its own lines on stderr.
#include "clirunner.h"
#include "testsupport.h"

#include "engine/store/annotationstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QtTest>

namespace {

using Run = taglane::tests::CliRun;

Run cli(const QStringList &args)
{
    return taglane::tests::runCli(args);
}

QString writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        return {};
    return path;
}

/// Random bytes (fixed seed) under an audio file name.
QByteArray noise(int size)
{
    QRandomGenerator rng(7);
    QByteArray bytes(size, '\0');
    for (char &c : bytes)
        c = char(rng.bounded(256));
    return bytes;
}

/// A PCM WAV file whose fmt chunk declares the given rate and channels,
/// followed by a second of silence.
QByteArray wavWithHeader(quint32 rate, quint16 channels)
{
    auto le16 = [](quint16 v) { return QByteArray(1, char(v & 0xff)) + QByteArray(1, char(v >> 8)); };
    auto le32 = [&](quint32 v) { return le16(quint16(v & 0xffff)) + le16(quint16(v >> 16)); };
    const QByteArray data(16000, '\0');
    QByteArray fmt = le16(1) + le16(channels) + le32(rate) + le32(rate * 2u * channels) + le16(quint16(2 * channels)) + le16(16);
    QByteArray body = "WAVE" + QByteArray("fmt ") + le32(quint32(fmt.size())) + fmt + "data" + le32(quint32(data.size())) + data;
    return "RIFF" + le32(quint32(body.size())) + body;
}

/// Lines that libsndfile's MP3 reader (mpg123) prints by itself.
bool hasDecoderNoise(const QString &err)
{
    return err.contains(QLatin1String("Note: ")) || err.contains(QLatin1String("Illegal Audio-MPEG-Header"))
           || err.contains(QLatin1String("resync"));
}

} // namespace

class TestCliMessages : public QObject
{
    Q_OBJECT

private:
    QString m_dir;

private Q_SLOTS:
    void initTestCase() { m_dir = taglane::tests::tempDir(QStringLiteral("tst_cli_messages")); }

    void deviceIsNotAnEmptyFile()
    {
        if (!QFileInfo::exists(QStringLiteral("/dev/zero")))
            QSKIP("/dev/zero is absent");
        const Run r = cli({QStringLiteral("info"), QStringLiteral("/dev/zero")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("/dev/zero")) && r.err.contains(QLatin1String("not a regular file")),
                 qPrintable(r.err));
        QVERIFY2(!r.err.contains(QLatin1String("empty")), qPrintable(r.err));
    }

    void randomBytesNamedMp3()
    {
        const QString mp3 = writeFile(m_dir + QStringLiteral("/noise.mp3"), noise(20000));
        QVERIFY(!mp3.isEmpty());
        for (const QStringList &args : {QStringList{QStringLiteral("info"), mp3},
                                        QStringList{QStringLiteral("info"), QStringLiteral("--decode"), mp3}}) {
            const Run r = cli(args);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains(QLatin1String("noise.mp3"))
                         && r.err.contains(QLatin1String("not an audio file libsndfile can read")),
                     qPrintable(r.err));
            QVERIFY2(!r.err.contains(QLatin1String("does not exist")) && !r.err.contains(QLatin1String("regular file")),
                     qPrintable(r.err));
            QVERIFY2(!hasDecoderNoise(r.err), qPrintable(r.err));
        }
    }

    void randomMp3ThroughTag()
    {
        const QString model = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel");
        if (!QFileInfo::exists(model + QStringLiteral("/manifest.json")))
            QSKIP("resources/models/instruments.tlmodel is absent");
        const QString mp3 = writeFile(m_dir + QStringLiteral("/tagme.mp3"), noise(20000));
        QVERIFY(!mp3.isEmpty());
        const Run r = cli({QStringLiteral("tag"), QStringLiteral("--model"), model, QStringLiteral("--device"),
                           QStringLiteral("cpu"), QStringLiteral("--out"), m_dir + QStringLiteral("/tagged"), mp3});
        QVERIFY2(r.exitCode != 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("tagme.mp3"))
                     && r.err.contains(QLatin1String("not an audio file libsndfile can read")),
                 qPrintable(r.err));
        QVERIFY2(!hasDecoderNoise(r.err), qPrintable(r.err));
    }

    void wavWithSampleRateZero()
    {
        const QString wav = writeFile(m_dir + QStringLiteral("/rate0.wav"), wavWithHeader(0, 1));
        QVERIFY(!wav.isEmpty());
        const Run r = cli({QStringLiteral("info"), wav});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("rate0.wav")) && r.err.contains(QLatin1String("header declares a sample rate of 0")),
                 qPrintable(r.err));
        QVERIFY2(!r.err.contains(QLatin1String("SF_INFO")), qPrintable(r.err));
        // The same file with a real rate reads: the check is about the rate.
        const QString good = writeFile(m_dir + QStringLiteral("/rate16k.wav"), wavWithHeader(16000, 1));
        const Run ok = cli({QStringLiteral("info"), good});
        QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
        QVERIFY(ok.out.contains(QLatin1String("16000 Hz")));
        const Run noChannels = cli({QStringLiteral("info"), writeFile(m_dir + QStringLiteral("/mono0.wav"), wavWithHeader(16000, 0))});
        QCOMPARE(noChannels.exitCode, 1);
        QVERIFY2(noChannels.err.contains(QLatin1String("mono0.wav")) && noChannels.err.contains(QLatin1String("0 channels")),
                 qPrintable(noChannels.err));
    }

    void trainDataIsAFile()
    {
        const QString file = writeFile(m_dir + QStringLiteral("/list.txt"), "a.wav\n");
        const QString out = m_dir + QStringLiteral("/never.tlmodel");
        const Run r = cli({QStringLiteral("train"), QStringLiteral("--data"), file, QStringLiteral("--out"), out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("list.txt")) && r.err.contains(QLatin1String("is a file, not a folder")),
                 qPrintable(r.err));
        QVERIFY2(!r.err.contains(QLatin1String("does not exist")), qPrintable(r.err));
        const Run val = cli({QStringLiteral("train"), QStringLiteral("--data"), m_dir, QStringLiteral("--val-data"), file,
                             QStringLiteral("--out"), out});
        QCOMPARE(val.exitCode, 1);
        QVERIFY2(val.err.contains(QLatin1String("list.txt")) && val.err.contains(QLatin1String("validation folder")),
                 qPrintable(val.err));
        QVERIFY(!QFileInfo::exists(out));
    }

    void resumeFromMissingCheckpoint()
    {
        const QString data = m_dir + QStringLiteral("/emptydata");
        QDir().mkpath(data);
        const QString out = m_dir + QStringLiteral("/never.tlmodel");
        const Run r = cli({QStringLiteral("train"), QStringLiteral("--data"), data, QStringLiteral("--out"), out,
                           QStringLiteral("--resume"), m_dir + QStringLiteral("/missing.ckpt")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("missing.ckpt")) && r.err.contains(QLatin1String("does not exist")),
                 qPrintable(r.err));
        QVERIFY2(!r.err.contains(QLatin1String("errno")) && !r.err.contains(QLatin1String("fopen")), qPrintable(r.err));
        // A folder given as the checkpoint says so, before any audio is read.
        const Run j = cli({QStringLiteral("train"), QStringLiteral("--data"), data, QStringLiteral("--out"), out,
                           QStringLiteral("--resume"), m_dir + QStringLiteral("/")});
        QCOMPARE(j.exitCode, 1);
        QVERIFY2(j.err.contains(QLatin1String("not a file")), qPrintable(j.err));
    }

    void retrainWithoutVerdicts()
    {
        // A store with one track and no verdict at all.
        const QString storePath = m_dir + QStringLiteral("/oneTrack.sqlite");
        {
            taglane::engine::AnnotationStore store;
            QVERIFY(store.open(storePath).ok());
            const QString song = writeFile(m_dir + QStringLiteral("/song.wav"), wavWithHeader(16000, 1));
            QVERIFY(!song.isEmpty());
            QVERIFY(store.addTrackFile(song, 0.5, 16000, 1).ok());
            store.close();
        }
        const QString out = m_dir + QStringLiteral("/retrained.tlmodel");
        const Run r = cli({QStringLiteral("retrain"), QStringLiteral("--store"), storePath, QStringLiteral("--model"),
                           QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel"), QStringLiteral("--out"), out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("oneTrack.sqlite")) && r.err.contains(QLatin1String("holds 1 track")),
                 qPrintable(r.err));
        QVERIFY2(!r.err.contains(QLatin1String("0 tracks")), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestCliMessages)
#include "tst_cli_messages.moc"
