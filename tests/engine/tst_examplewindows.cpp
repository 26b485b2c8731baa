// SPDX-License-Identifier: GPL-3.0-or-later
// Training windows placed by the study's adaptive segmentation (issue 13):
// with Windows::Novelty no window crosses a novelty boundary, each segment
// gets its windows (a short one a centred window), and a track of two
// different sounds is cut inside each sound; fixed windows cross there.
#include "engine/audio/audiodecoder.h"
#include "engine/corpus/labelledtrack.h"
#include "engine/corpus/synthrenderer.h"
#include "engine/segment/novelty.h"
#include "engine/train/trainingexamples.h"

#include "testsupport.h"

#include <QtTest>

#include <cmath>

using namespace taglane::engine;

namespace {

bool crosses(qint64 start, int frames, qint64 boundary)
{
    return start < boundary && start + frames > boundary;
}

// 8 s of a low tone, then 8 s of bright noise bursts, at 16 kHz.
QString writeTwoPartTrack(const QString &dir)
{
    const int rate = 16000;
    std::vector<float> x(size_t(16 * rate));
    quint32 noise = 12345;
    for (size_t i = 0; i < x.size(); ++i) {
        const double t = double(i) / rate;
        if (t < 8.0) {
            x[i] = float(0.4 * std::sin(2.0 * M_PI * 110.0 * t));
        } else {
            noise = noise * 1664525u + 1013904223u;
            const double burst = std::fmod(t, 0.25) < 0.08 ? 1.0 : 0.1;
            x[i] = float(0.5 * burst * (double(noise >> 8) / double(1u << 24) - 0.5));
        }
    }
    const QString path = dir + QStringLiteral("/twopart.wav");
    return SynthRenderer::writeWav(path, x, 1, rate).ok() ? path : QString();
}

} // namespace

class TestExampleWindows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsStayInsideSegments();
    void namesParse();
    void noveltyWindowsFollowTheSoundChange();
};

void TestExampleWindows::startsStayInsideSegments()
{
    // 100 frames per second (hop 160 at 16 kHz), windows of 300 frames, hop 150.
    const QVector<Segment> segments = {{1, 0.0, 7.0}, {2, 7.0, 9.0}, {3, 9.0, 20.0}};
    const std::vector<qint64> starts = ExampleBuilder::segmentStarts(segments, 2000, 300, 150, 160, 16000);
    QVERIFY(!starts.empty());
    for (size_t i = 1; i < starts.size(); ++i)
        QVERIFY(starts[i] > starts[i - 1]);
    int inFirst = 0, inLast = 0;
    for (qint64 s : starts) {
        QVERIFY2(s >= 0 && s + 300 <= 2000, qPrintable(QString::number(s)));
        if (s + 300 <= 700)
            ++inFirst;
        if (s >= 900)
            ++inLast;
        // Only the short middle segment's centred window may reach past its ends.
        const bool centredShort = s == (700 + 900 - 300) / 2;
        if (!centredShort) {
            QVERIFY2(!crosses(s, 300, 700), qPrintable(QString::number(s)));
            QVERIFY2(!crosses(s, 300, 900), qPrintable(QString::number(s)));
        }
    }
    QCOMPARE(inFirst, 3);   // 0, 150, 300 (450 would end at 750)
    QCOMPARE(inLast, 6);    // 900 ... 1650
    QVERIFY(std::find(starts.begin(), starts.end(), qint64(650)) != starts.end());   // the short segment's window
    // A track shorter than one window gives none.
    QVERIFY(ExampleBuilder::segmentStarts(segments, 200, 300, 150, 160, 16000).empty());
}

void TestExampleWindows::namesParse()
{
    QCOMPARE(ExampleBuilder::parseWindows(QStringLiteral("Novelty")).value(), ExampleBuilder::Windows::Novelty);
    QCOMPARE(ExampleBuilder::parseWindows(QStringLiteral("fixed")).value(), ExampleBuilder::Windows::Fixed);
    const auto bad = ExampleBuilder::parseWindows(QStringLiteral("adaptive"));
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().contains(QStringLiteral("novelty")), qPrintable(bad.error()));
    QCOMPARE(ExampleBuilder::windowsName(ExampleBuilder::Windows::Novelty), QStringLiteral("novelty"));
}

void TestExampleWindows::noveltyWindowsFollowTheSoundChange()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("example-windows"));
    const QString path = writeTwoPartTrack(dir);
    QVERIFY(!path.isEmpty());
    DecodeOptions options;
    options.analysisRate = 16000;
    const auto decoded = AudioDecoder::decode(path, options);
    QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
    const auto novelty = noveltySegmentation(decoded->mono);
    QVERIFY2(novelty.ok(), qPrintable(novelty.error()));
    // The change at 8 s is one of the boundaries novelty finds (within 0.75 s).
    bool found = false;
    for (const Segment &s : novelty->segments.segments())
        found = found || std::abs(s.end - 8.0) < 0.75;
    QVERIFY2(found, "novelty misses the change of sound at 8 s");

    LabelledTrack track;
    track.audioPath = path;
    const auto fixed = ExampleBuilder::fromTracks({track}, QStringLiteral("cnn-sam"), {}, 0, {},
                                                  ExampleBuilder::Windows::Fixed);
    const auto adaptive = ExampleBuilder::fromTracks({track}, QStringLiteral("cnn-sam"), {}, 0, {},
                                                     ExampleBuilder::Windows::Novelty);
    QVERIFY2(fixed.ok(), qPrintable(fixed.error()));
    QVERIFY2(adaptive.ok(), qPrintable(adaptive.error()));
    QCOMPARE(fixed->windows, QStringLiteral("fixed"));
    QCOMPARE(adaptive->windows, QStringLiteral("novelty"));
    QVERIFY(adaptive->count() > 0);
    // The windows themselves: the rebuilt starts over the same frames.
    const int frames = adaptive->frames;
    const qint64 frameCount = qint64(decoded->mono.size()) / 512;
    const std::vector<qint64> fixedStarts = ExampleBuilder::longTermStarts(frameCount, frames, fixed->hopFrames);
    const std::vector<qint64> novelStarts = ExampleBuilder::segmentStarts(novelty->segments.segments(), frameCount,
                                                                          frames, adaptive->hopFrames, 512, 16000);
    QCOMPARE(int(novelStarts.size()), adaptive->count());
    QCOMPARE(int(fixedStarts.size()), fixed->count());
    const qint64 boundary = qint64(std::lround(8.0 * 16000 / 512));
    int fixedCrossing = 0;
    for (qint64 s : fixedStarts)
        fixedCrossing += crosses(s, frames, boundary) ? 1 : 0;
    QVERIFY(fixedCrossing > 0);
    for (const Segment &seg : novelty->segments.segments()) {
        const qint64 b = qint64(std::ceil(seg.start * 16000 / 512 - 1e-9));
        if (b <= 0)
            continue;
        for (qint64 s : novelStarts)
            if (seg.duration() * 16000 / 512 >= frames)   // not a short segment's centred window
                QVERIFY2(!crosses(s, frames, b) || s + frames <= b, qPrintable(QString::number(s)));
    }
}

QTEST_GUILESS_MAIN(TestExampleWindows)
#include "tst_examplewindows.moc"
