// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli train / evaluate end to end on a tiny synthetic corpus.
#include "clirunner.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <cmath>

namespace {

using Run = taglane::tests::CliRun;

Run cli(const QStringList &args)
{
    return taglane::tests::runCli(args);
}

bool isPng(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) && f.read(8) == QByteArray("\x89PNG\r\n\x1a\n", 8) && f.size() > 1000;
}

} // namespace

class TestCliTrain : public QObject
{
    Q_OBJECT

private:
    QString m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        m_dir = taglane::tests::tempDir(QStringLiteral("tst_cli_train"));
        Run train = cli({QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("3"), QStringLiteral("--seed"),
                         QStringLiteral("11"), QStringLiteral("--mono"), QStringLiteral("--quiet"), QStringLiteral("--out"),
                         m_dir + QStringLiteral("/train")});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        Run test = cli({QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("2"), QStringLiteral("--seed"),
                        QStringLiteral("12"), QStringLiteral("--mono"), QStringLiteral("--quiet"), QStringLiteral("--out"),
                        m_dir + QStringLiteral("/test")});
        QVERIFY2(test.exitCode == 0, qPrintable(test.err));
    }

    void usageErrors()
    {
        QCOMPARE(cli({QStringLiteral("train"), QStringLiteral("--out"), m_dir + QStringLiteral("/x.tlmodel")}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("train"), QStringLiteral("--data"), m_dir + QStringLiteral("/train"), QStringLiteral("--out"),
                      m_dir + QStringLiteral("/x.tlmodel"), QStringLiteral("--arch"), QStringLiteral("resnet")})
                     .exitCode,
                 2);
        QCOMPARE(cli({QStringLiteral("train"), QStringLiteral("--data"), m_dir + QStringLiteral("/train"), QStringLiteral("--out"),
                      m_dir + QStringLiteral("/x.tlmodel"), QStringLiteral("--alpha"), QStringLiteral("0.5")})
                     .exitCode,
                 2);
        QCOMPARE(cli({QStringLiteral("evaluate"), QStringLiteral("--model"), m_dir + QStringLiteral("/none.tlmodel")}).exitCode, 2);
        Run missing = cli({QStringLiteral("evaluate"), QStringLiteral("--model"), m_dir + QStringLiteral("/none.tlmodel"),
                           QStringLiteral("--data"), m_dir + QStringLiteral("/test")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains(QStringLiteral("none.tlmodel")));
        QVERIFY(!QFileInfo::exists(m_dir + QStringLiteral("/x.tlmodel")));
    }

    void trainThenEvaluate()
    {
        const QString bundle = m_dir + QStringLiteral("/small.tlmodel");
        Run train = cli({QStringLiteral("train"), QStringLiteral("--data"), m_dir + QStringLiteral("/train"), QStringLiteral("--val-data"),
                         m_dir + QStringLiteral("/test"), QStringLiteral("--arch"), QStringLiteral("default"), QStringLiteral("--out"),
                         bundle, QStringLiteral("--epochs"), QStringLiteral("2"), QStringLiteral("--alpha"), QStringLiteral("2"),
                         QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--threads"), QStringLiteral("2")});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        QVERIFY(train.err.contains(QStringLiteral("epoch 2/2")));
        QVERIFY(QFileInfo::exists(bundle + QStringLiteral("/manifest.json")));
        QVERIFY(QFileInfo::exists(bundle + QStringLiteral("/weights.pt")));
        QVERIFY(QFileInfo::exists(bundle + QStringLiteral(".ckpt")));
        QFile manifestFile(bundle + QStringLiteral("/manifest.json"));
        QVERIFY(manifestFile.open(QIODevice::ReadOnly));
        const QJsonObject manifest = QJsonDocument::fromJson(manifestFile.readAll()).object();
        QCOMPARE(manifest.value(QStringLiteral("architecture")).toString(), QStringLiteral("taglane-cnn"));

        const QString json = m_dir + QStringLiteral("/metrics.json");
        const QString plots = m_dir + QStringLiteral("/plots");
        Run eval = cli({QStringLiteral("evaluate"), QStringLiteral("--model"), bundle, QStringLiteral("--data"),
                        m_dir + QStringLiteral("/test"), QStringLiteral("--json"), json, QStringLiteral("--plots"), plots});
        QVERIFY2(eval.exitCode == 0, qPrintable(eval.err));
        QVERIFY(eval.out.contains(QStringLiteral("macro")));
        QVERIFY(eval.out.contains(QStringLiteral("Song-Loud")));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
        for (const char *key : {"roc_auc", "pr_auc", "f1"})
            QVERIFY2(root.value(QStringLiteral("macro")).toObject().contains(QLatin1String(key)), key);
        QVERIFY(root.value(QStringLiteral("micro")).toObject().contains(QStringLiteral("f1")));
        const QJsonObject perTag = root.value(QStringLiteral("per_tag")).toObject();
        QCOMPARE(perTag.size(), manifest.value(QStringLiteral("tags")).toArray().size());
        QVERIFY(perTag.contains(QStringLiteral("Song-Loud")));
        QVERIFY(root.value(QStringLiteral("segments")).toInt() > 2);
        const double auc = root.value(QStringLiteral("macro")).toObject().value(QStringLiteral("roc_auc")).toDouble(-1);
        // Two epochs on three tracks learn something: measured macro ROC-AUC on
        // the two test tracks with --seed 1 to 6: 0.627, 0.650, 0.723 (seed 3,
        // used here; bit-identical weights on reruns with 2 threads), 0.665,
        // 0.661, 0.697. The same run with --lr 1e-12 (nothing learnt) gives
        // 0.598. 0.65 sits 0.07 under this seed's figure and 0.05 above the
        // untrained one. (Other seeds: re-measure; seed 1 reaches only 0.627.)
        qInfo("macro ROC-AUC after two epochs: %.3f", auc);
        QVERIFY2(auc >= 0.65 && auc <= 1.0, qPrintable(QStringLiteral("macro ROC-AUC %1").arg(auc)));
        QVERIFY(isPng(plots + QStringLiteral("/roc.png")));
        QVERIFY(isPng(plots + QStringLiteral("/pr.png")));

        // Resume from the checkpoint for one more epoch.
        Run resumed = cli({QStringLiteral("train"), QStringLiteral("--data"), m_dir + QStringLiteral("/train"), QStringLiteral("--val-data"),
                           m_dir + QStringLiteral("/test"), QStringLiteral("--out"), m_dir + QStringLiteral("/resumed.tlmodel"),
                           QStringLiteral("--epochs"), QStringLiteral("3"), QStringLiteral("--alpha"), QStringLiteral("2"),
                           QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--resume"), bundle + QStringLiteral(".ckpt")});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QVERIFY(resumed.err.contains(QStringLiteral("epoch 3/3")));
        QVERIFY(!resumed.err.contains(QStringLiteral("epoch 1/3")));
    }

    /// cnn-sam with the attention penalty and fusion-linear train from the
    /// command line; the penalty is refused for other architectures.
    void trainMultimodal()
    {
        const QString train = m_dir + QStringLiteral("/train"), test = m_dir + QStringLiteral("/test");
        Run wrongArch = cli({QStringLiteral("train"), QStringLiteral("--data"), train, QStringLiteral("--out"),
                             m_dir + QStringLiteral("/p.tlmodel"), QStringLiteral("--arch"), QStringLiteral("tvcnn"),
                             QStringLiteral("--attention-penalty"), QStringLiteral("1")});
        QCOMPARE(wrongArch.exitCode, 2);
        QVERIFY(wrongArch.err.contains(QStringLiteral("cnn-sam")));
        QCOMPARE(cli({QStringLiteral("train"), QStringLiteral("--data"), train, QStringLiteral("--out"), m_dir + QStringLiteral("/p.tlmodel"),
                      QStringLiteral("--arch"), QStringLiteral("cnn-sam"), QStringLiteral("--attention-penalty"), QStringLiteral("-1")})
                     .exitCode,
                 2);
        QVERIFY(!QFileInfo::exists(m_dir + QStringLiteral("/p.tlmodel")));
        for (const QString &arch : {QStringLiteral("cnn-sam"), QStringLiteral("fusion-linear")}) {
            const QString bundle = m_dir + QLatin1Char('/') + arch + QStringLiteral(".tlmodel");
            QStringList args{QStringLiteral("train"), QStringLiteral("--data"), train, QStringLiteral("--val-data"), test,
                             QStringLiteral("--arch"), arch, QStringLiteral("--out"), bundle, QStringLiteral("--epochs"),
                             QStringLiteral("1"), QStringLiteral("--threads"), QStringLiteral("2"), QStringLiteral("--quiet")};
            if (arch == QLatin1String("cnn-sam"))
                args << QStringLiteral("--attention-penalty") << QStringLiteral("0.5");
            Run run = cli(args);
            QVERIFY2(run.exitCode == 0, qPrintable(run.err));
            QFile manifestFile(bundle + QStringLiteral("/manifest.json"));
            QVERIFY(manifestFile.open(QIODevice::ReadOnly));
            const QJsonObject manifest = QJsonDocument::fromJson(manifestFile.readAll()).object();
            QCOMPARE(manifest.value(QStringLiteral("architecture")).toString(), arch);
            QCOMPARE(manifest.value(QStringLiteral("features")).toObject().value(QStringLiteral("type")).toString(),
                     QStringLiteral("mel+waveform"));
            const QJsonObject training = manifest.value(QStringLiteral("training")).toObject();
            if (arch == QLatin1String("cnn-sam"))
                QCOMPARE(training.value(QStringLiteral("attention_penalty")).toDouble(), 0.5);
            else
                QCOMPARE(training.value(QStringLiteral("fusion")).toObject().value(QStringLiteral("mel_weight")).toObject().size(),
                         manifest.value(QStringLiteral("tags")).toArray().size());
            Run eval = cli({QStringLiteral("evaluate"), QStringLiteral("--model"), bundle, QStringLiteral("--data"), test});
            QVERIFY2(eval.exitCode == 0, qPrintable(eval.err));
            QVERIFY(eval.out.contains(QStringLiteral("macro")));
        }
    }

    void calibrateFoldsThresholdsIntoBias()
    {
        // A copy of the bundle trained above, calibrated on the small folder:
        // evaluating the calibrated bundle there at threshold 0.5 must give the
        // per-tag F1 the calibration predicted from the shifted window outputs.
        const QString source = m_dir + QStringLiteral("/small.tlmodel");
        if (!QFileInfo::exists(source + QStringLiteral("/weights.pt")))
            QSKIP("trainThenEvaluate did not leave a bundle");
        const QString bundle = m_dir + QStringLiteral("/calibrated.tlmodel");
        QDir().mkpath(bundle);
        for (const char *name : {"manifest.json", "weights.pt"}) {
            QFile::remove(bundle + QLatin1Char('/') + QLatin1String(name));
            QVERIFY(QFile::copy(source + QLatin1Char('/') + QLatin1String(name), bundle + QLatin1Char('/') + QLatin1String(name)));
        }
        QCOMPARE(cli({QStringLiteral("evaluate"), QStringLiteral("--model"), bundle, QStringLiteral("--data"),
                      m_dir + QStringLiteral("/test"), QStringLiteral("--calibrate"), QStringLiteral("--record")})
                     .exitCode,
                 2);
        Run calibrate = cli({QStringLiteral("evaluate"), QStringLiteral("--model"), bundle, QStringLiteral("--data"),
                             m_dir + QStringLiteral("/test"), QStringLiteral("--calibrate")});
        QVERIFY2(calibrate.exitCode == 0, qPrintable(calibrate.err));
        QVERIFY(calibrate.out.contains(QStringLiteral("Song-Loud")));

        QFile manifestFile(bundle + QStringLiteral("/manifest.json"));
        QVERIFY(manifestFile.open(QIODevice::ReadOnly));
        const QJsonObject manifest = QJsonDocument::fromJson(manifestFile.readAll()).object();
        const QJsonObject record = manifest.value(QStringLiteral("training")).toObject().value(QStringLiteral("threshold_calibration")).toObject();
        const QJsonObject perTagShift = record.value(QStringLiteral("per_tag")).toObject();
        QCOMPARE(perTagShift.size(), manifest.value(QStringLiteral("tags")).toArray().size());

        const QString json = m_dir + QStringLiteral("/calibrated.json");
        Run eval = cli({QStringLiteral("evaluate"), QStringLiteral("--model"), bundle, QStringLiteral("--data"),
                        m_dir + QStringLiteral("/test"), QStringLiteral("--json"), json});
        QVERIFY2(eval.exitCode == 0, qPrintable(eval.err));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject perTag = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("per_tag")).toObject();
        int compared = 0;
        for (auto it = perTagShift.begin(); it != perTagShift.end(); ++it) {
            const QJsonObject c = it.value().toObject();
            const double shift = c.value(QStringLiteral("shift")).toDouble(99);
            QVERIFY(shift >= -3.0 - 1e-9 && shift <= 3.0 + 1e-9);
            const QJsonObject m = perTag.value(it.key()).toObject();
            if (m.value(QStringLiteral("positives")).toInt() == 0 || !m.value(QStringLiteral("f1")).isDouble())
                continue;
            QVERIFY2(std::abs(m.value(QStringLiteral("f1")).toDouble() - c.value(QStringLiteral("f1_after")).toDouble(-1)) < 1e-9,
                     qPrintable(it.key()));
            QVERIFY(c.value(QStringLiteral("f1_after")).toDouble() >= 0.0);
            ++compared;
        }
        QVERIFY(compared > 0);
    }
};

QTEST_GUILESS_MAIN(TestCliTrain)
#include "tst_cli_train.moc"
