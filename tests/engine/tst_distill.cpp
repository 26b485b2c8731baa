// SPDX-License-Identifier: GPL-3.0-or-later
// Distillation: the evaluation music is refused for training, teacher
// targets survive their cache, the student's examples carry the teacher's
// probabilities as they are (soft, not thresholded), and the agreement
// figures (Pearson, top-k overlap) are right on series with known answers.
#include "engine/train/distill.h"
#include "engine/train/distillagreement.h"

#include "silentwav.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QtTest>

#include <cmath>

using namespace taglane::engine;

namespace {

TeacherTargets twoWindows(const QString &audio)
{
    TeacherTargets t;
    t.audioPath = QFileInfo(audio).absoluteFilePath();
    t.fileSize = QFileInfo(audio).size();
    t.teacher = QStringLiteral("musicnn-test");
    t.tags = {QStringLiteral("guitar"), QStringLiteral("piano"), QStringLiteral("rock")};
    t.sampleRate = 16000;
    t.hopSamples = Distillation::kDefaultHopSamples;
    t.chunkSamples = 48000;
    t.starts = {0, Distillation::kDefaultHopSamples};
    t.probabilities = {0.25f, 0.6f, 0.05f, 0.3f, 0.7f, 0.125f};
    return t;
}

} // namespace

class tst_Distill : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wesnothIsReservedForEvaluation()
    {
        QVERIFY(Distillation::isReservedForEvaluation(
            QStringLiteral("/usr/share/games/wesnoth/1.16/data/core/music/battle.ogg")));
        QVERIFY(Distillation::isReservedForEvaluation(QStringLiteral("/tmp/copies/Wesnoth-1.16/theme.ogg")));
        QVERIFY(!Distillation::isReservedForEvaluation(QStringLiteral("/usr/share/hyperrogue/music/hr-domina-hunting.ogg")));
        QVERIFY(!Distillation::isReservedForEvaluation(QStringLiteral("/usr/share/games/warzone2100/music/track1.opus")));
    }

    void examplesRefuseEvaluationMusic()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_distill-refuse")) + QStringLiteral("/wesnoth-copy");
        QDir().mkpath(dir);
        const QString wav = dir + QStringLiteral("/piece.wav");
        QVERIFY(taglane::tests::writeSilentWav(wav, 6.0, 16000));
        const auto ex = Distillation::examples({twoWindows(wav)}, QStringLiteral("taglane-mtat-cnn"),
                                               Vocabulary::fromNames({QStringLiteral("piano")}));
        QVERIFY(!ex.ok());
        QVERIFY2(ex.error().contains(QStringLiteral("reserved for evaluation")), qPrintable(ex.error()));
        QVERIFY2(ex.error().contains(wav), qPrintable(ex.error()));
    }

    void examplesCarrySoftTargets()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_distill-examples"));
        const QString wav = dir + QStringLiteral("/piece.wav");
        QVERIFY(taglane::tests::writeSilentWav(wav, 6.0, 16000));
        // The student's columns: piano (teacher column 1), a tag the teacher
        // lacks (unknown), guitar (column 0).
        const Vocabulary tags = Vocabulary::fromNames({QStringLiteral("piano"), QStringLiteral("Custom"), QStringLiteral("guitar")});
        const auto ex = Distillation::examples({twoWindows(wav)}, QStringLiteral("taglane-mtat-cnn"), tags);
        QVERIFY2(ex.ok(), qPrintable(ex.error()));
        QCOMPARE(ex->count(), 2);
        QCOMPARE(ex->bands, 96);
        QCOMPARE(ex->frames, 94);
        QCOMPARE(ex->features.size(), size_t(2 * 96 * 94));
        QCOMPARE(ex->labels.size(), size_t(6));
        QCOMPARE(ex->labels[0], 0.6f);
        QVERIFY(std::isnan(ex->labels[1]));
        QCOMPARE(ex->labels[2], 0.25f);
        QCOMPARE(ex->labels[3], 0.7f);
        QVERIFY(std::isnan(ex->labels[4]));
        QCOMPARE(ex->labels[5], 0.3f);
        QCOMPARE(ex->hopFrames, 47);
    }

    void targetsRoundTripThroughTheCache()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_distill-cache"));
        const QString wav = dir + QStringLiteral("/piece.wav");
        QVERIFY(taglane::tests::writeSilentWav(wav, 6.0, 16000));
        const TeacherTargets t = twoWindows(wav);
        const QString file = Distillation::cacheFile(dir, wav);
        QVERIFY(Distillation::writeTargets(file, t).ok());
        const auto back = Distillation::readTargets(file);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->tags, t.tags);
        QCOMPARE(back->starts, t.starts);
        QCOMPARE(back->probabilities, t.probabilities);
        QVERIFY(Distillation::cachedTargets(dir, wav, t.teacher, t.hopSamples).has_value());
        // Another teacher, another hop, or a changed file: not the cached targets.
        QVERIFY(!Distillation::cachedTargets(dir, wav, QStringLiteral("other"), t.hopSamples).has_value());
        QVERIFY(!Distillation::cachedTargets(dir, wav, t.teacher, 48000).has_value());
        QVERIFY(taglane::tests::writeSilentWav(wav, 7.0, 16000));
        QVERIFY(!Distillation::cachedTargets(dir, wav, t.teacher, t.hopSamples).has_value());
        // A damaged cache file is named in the message.
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("{\"format\": \"taglane-teacher-targets\", \"formatVersion\": 1, \"tags\": [\"a\"], \"starts\": [0], "
                "\"probabilities\": [1.5], \"sample_rate\": 16000, \"chunk_samples\": 48000}");
        f.close();
        const auto bad = Distillation::readTargets(file);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(file), qPrintable(bad.error()));
    }

    void fileListsNameTheMissingFile()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_distill-list"));
        const QString wav = dir + QStringLiteral("/a.wav");
        QVERIFY(taglane::tests::writeSilentWav(wav, 1.0, 16000));
        const QString list = dir + QStringLiteral("/list.txt");
        QFile f(list);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("# comment\na.wav\n\nmissing.ogg\n");
        f.close();
        const auto files = Distillation::readFileList(list);
        QVERIFY(!files.ok());
        QVERIFY2(files.error().contains(QStringLiteral("missing.ogg")) && files.error().contains(QStringLiteral("line 4")),
                 qPrintable(files.error()));
    }

    void pearsonAndTopK()
    {
        QCOMPARE(DistillAgreement::pearson({1, 2, 3, 4}, {2, 4, 6, 8}), 1.0);
        QCOMPARE(DistillAgreement::pearson({1, 2, 3, 4}, {8, 6, 4, 2}), -1.0);
        QVERIFY(std::abs(DistillAgreement::pearson({1, 2, 3}, {1, 3, 2}) - 0.5) < 1e-12);
        QVERIFY(std::isnan(DistillAgreement::pearson({1, 1, 1}, {1, 2, 3})));
        QVERIFY(std::isnan(DistillAgreement::pearson({}, {})));
        const std::vector<double> a{0.9, 0.1, 0.8, 0.7, 0.2, 0.6, 0.5};
        const std::vector<double> b{0.1, 0.9, 0.8, 0.7, 0.2, 0.6, 0.5};
        QCOMPARE(DistillAgreement::topKOverlap(a, a, 5), 5);
        // Top 5 of a: 0, 2, 3, 5, 6; of b: 1, 2, 3, 5, 6.
        QCOMPARE(DistillAgreement::topKOverlap(a, b, 5), 4);
        QCOMPARE(DistillAgreement::topKOverlap(a, b, 1), 0);
    }
};

QTEST_GUILESS_MAIN(tst_Distill)
#include "tst_distill.moc"
