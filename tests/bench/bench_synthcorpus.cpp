// SPDX-License-Identifier: GPL-3.0-or-later
// Render speed of the synthetic corpus, in multiples of real time and
// seconds per track, for the old settings (classic generator, FluidR3) and
// the new ones (phrase generator, several soundfonts, augmentation).
#include "engine/corpus/augmentation.h"
#include "engine/corpus/soundfontlibrary.h"
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
    QTest::addColumn<QString>("generator");
    QTest::addColumn<QString>("soundfonts");
    QTest::addColumn<QString>("augment");
    const QString fluid = QStringLiteral("fluid");
    const QString all = QStringLiteral("installed");
    QTest::newRow("22050 Hz stereo") << 22050 << 2 << "classic" << fluid << "none";
    QTest::newRow("22050 Hz mono") << 22050 << 1 << "classic" << fluid << "none";
    QTest::newRow("44100 Hz stereo") << 44100 << 2 << "classic" << fluid << "none";
    QTest::newRow("mono, phrase, fluid") << 22050 << 1 << "phrase" << fluid << "none";
    QTest::newRow("mono, classic, all soundfonts") << 22050 << 1 << "classic" << all << "none";
    QTest::newRow("mono, phrase, all soundfonts") << 22050 << 1 << "phrase" << all << "none";
    QTest::newRow("mono, phrase, all soundfonts, augment all") << 22050 << 1 << "phrase" << all << "all";
    QTest::newRow("mono, classic, all soundfonts, augment all") << 22050 << 1 << "classic" << all << "all";
}

void BenchSynthCorpus::renderSpeed()
{
    QFETCH(int, rate);
    QFETCH(int, channels);
    QFETCH(QString, generator);
    QFETCH(QString, soundfonts);
    QFETCH(QString, augment);
    SynthCorpusOptions options;
    if (!QFileInfo::exists(options.soundfont))
        QSKIP("The General MIDI soundfont (fluid-soundfont-gm) is not installed");
    const auto list = SoundfontLibrary::resolveList(
        soundfonts == QLatin1String("installed") ? SoundfontLibrary::installed() : QStringList{soundfonts});
    QVERIFY2(list.ok(), qPrintable(list.error()));
    if (list->size() > 1)
        options.soundfonts = list.value();
    options.generator = generator == QLatin1String("phrase") ? Generator::Phrase : Generator::Classic;
    options.augment = Augmentation::parseKinds(augment).value();
    options.tracks = qEnvironmentVariableIntValue("TAGLANE_BENCH_TRACKS") > 0
                         ? qEnvironmentVariableIntValue("TAGLANE_BENCH_TRACKS")
                         : 4;
    options.seed = 2024;
    options.sampleRate = rate;
    options.channels = channels;
    options.outDir = taglane::tests::tempDir(QStringLiteral("bench_synthcorpus"));
    QElapsedTimer timer;
    timer.start();
    const auto summary = SynthCorpusGenerator::generate(options);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    QVERIFY2(summary.ok(), qPrintable(summary.error()));
    qInfo("%s: %d tracks, %.1f s of audio at %d Hz, %d channel(s), %lld soundfont(s): %.2f s wall, %.2f s per "
          "track, %.1fx real time, %.1f MB, %lld clipped samples, %d substituted presets",
          QTest::currentDataTag(), summary->tracks, summary->audioSeconds, rate, channels,
          qlonglong(SynthCorpusGenerator::soundfontList(options).size()), seconds, seconds / summary->tracks,
          summary->audioSeconds / seconds, double(summary->bytes) / 1e6, summary->clippedSamples,
          summary->substitutedPresets);
}

QTEST_GUILESS_MAIN(BenchSynthCorpus)
#include "bench_synthcorpus.moc"
