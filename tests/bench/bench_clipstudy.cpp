// SPDX-License-Identifier: GPL-3.0-or-later
// The clip-CNN study against the classical baseline (FFT features + binary
// relevance logistic regression) on a synthetic corpus: train seed 2026,
// validation seed 2027 (the CNN's best epoch), held-out seed 2028. Prints per
// tag precision and recall at track and segment level, macro figures and
// training times.
//
// Environment (all optional):
//   TAGLANE_STUDY_CORPUS      folder holding train/ val/ test/ corpora; rendered
//                             there when absent (default: a temporary folder)
//   TAGLANE_CLIP_TRAIN_TRACKS tracks rendered for training when absent (120)
//   TAGLANE_CLIP_VAL_TRACKS (16), TAGLANE_CLIP_TEST_TRACKS (30)
//   TAGLANE_CLIP_EPOCHS (30), TAGLANE_CLIP_PATIENCE (5), TAGLANE_CLIP_THREADS (1),
//   TAGLANE_CLIP_SEED (1)
#include "engine/studies/clipstudy.h"

#include "studycorpus.h"

#include <QFileInfo>
#include <QTest>

#include <cmath>

using namespace taglane::engine;
using taglane::tests::envInt;

class BenchClipStudy : public QObject
{
    Q_OBJECT

private:
    QString m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        QString error;
        m_dir = taglane::tests::studyCorpus(QStringLiteral("bench_clipstudy"), envInt("TAGLANE_CLIP_TRAIN_TRACKS", 120),
                                            envInt("TAGLANE_CLIP_VAL_TRACKS", 16), envInt("TAGLANE_CLIP_TEST_TRACKS", 30),
                                            &error);
        QVERIFY2(!m_dir.isEmpty(), qPrintable(error));
    }

    void cnnAgainstBaseline()
    {
        ClipStudyOptions options;
        options.trainFolder = m_dir + QStringLiteral("/train");
        options.validationFolder = m_dir + QStringLiteral("/val");
        options.testFolder = m_dir + QStringLiteral("/test");
        options.cnn.epochs = envInt("TAGLANE_CLIP_EPOCHS", 30);
        options.cnn.patience = envInt("TAGLANE_CLIP_PATIENCE", 5);
        options.cnn.threads = envInt("TAGLANE_CLIP_THREADS", 1);
        options.cnn.seed = quint64(envInt("TAGLANE_CLIP_SEED", 1));
        auto report = ClipStudy::run(options);
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error()));
        for (const QString &line : report->table().split(QLatin1Char('\n')))
            qInfo("%s", qPrintable(line));
        for (int i = 0; i < report->cnnTraining.epochsRun; ++i)
            qInfo("clip CNN epoch %d: train loss %.4f, validation loss %.4f", i + 1, report->cnnTraining.trainLoss[size_t(i)],
                  report->cnnTraining.valLoss[size_t(i)]);
        // Both systems must beat chance on the held-out segments.
        QVERIFY(report->cnn.segment.macroRocAuc > 0.6);
        QVERIFY(report->baseline.segment.macroRocAuc > 0.6);
    }
};

TAGLANE_STUDY_BENCH_MAIN(BenchClipStudy)
#include "bench_clipstudy.moc"
