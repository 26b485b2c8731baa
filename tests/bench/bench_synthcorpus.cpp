// SPDX-License-Identifier: GPL-3.0-or-later
// Render speed of the synthetic corpus, in multiples of real time.
#include "engine/corpus/synthcorpusgenerator.h"

#include "testsupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QtTest>

using namespace taglane::engine;

class BenchSynthCorpus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void renderSpeed_data();
    void renderSpeed();
};

void BenchSynthCorpus::renderSpeed_data()
{
    QTest::addColumn<int>("rate");
    QTest::addColumn<int>("channels");
    QTest::newRow("22050 Hz stereo") << 22050 << 2;
    QTest::newRow("22050 Hz mono") << 22050 << 1;
    QTest::newRow("44100 Hz stereo") << 44100 << 2;
}

void BenchSynthCorpus::renderSpeed()
{
    QFETCH(int, rate);
    QFETCH(int, channels);
    SynthCorpusOptions options;
    if (!QFileInfo::exists(options.soundfont))
        QSKIP("The General MIDI soundfont (fluid-soundfont-gm) is not installed");
    options.tracks = 4;
    options.seed = 2024;
    options.sampleRate = rate;
    options.channels = channels;
    options.outDir = taglane::tests::tempDir(QStringLiteral("bench_synthcorpus"));
    QElapsedTimer timer;
    timer.start();
    const auto summary = SynthCorpusGenerator::generate(options);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    QVERIFY2(summary.ok(), qPrintable(summary.error()));
    qInfo("%d tracks, %.1f s of audio at %d Hz, %d channel(s): %.2f s wall, %.1fx real time, %.1f MB, "
          "%lld clipped samples",
          summary->tracks, summary->audioSeconds, rate, channels, seconds, summary->audioSeconds / seconds,
          double(summary->bytes) / 1e6, summary->clippedSamples);
}

QTEST_GUILESS_MAIN(BenchSynthCorpus)
#include "bench_synthcorpus.moc"
