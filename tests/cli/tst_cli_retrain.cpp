// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli retrain end to end: a small synthetic corpus imported into a
// store as curator verdicts, retrained from a weak base model that the test
// trains with taglane-cli train on another corpus. (The shipped default model
// already scores about 0.99 held-out ROC-AUC on synthetic corpora, so a
// retrain from it has nothing to show; a weak base has.)
#include "clirunner.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

namespace {

using Run = taglane::tests::CliRun;

Run cli(const QStringList &args)
{
    return taglane::tests::runCli(args);
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

} // namespace

class TestCliRetrain : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QString m_store;
    QString m_base;

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        m_dir = taglane::tests::tempDir(QStringLiteral("tst_cli_retrain"));
        // The base: six epochs on three other tracks (deterministic with one
        // thread; measured held-out macro ROC-AUC on the curated set 0.57 to 0.65).
        const QString baseCorpus = m_dir + QStringLiteral("/base-corpus");
        Run baseSynth = cli({QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("3"), QStringLiteral("--seed"),
                             QStringLiteral("11"), QStringLiteral("--mono"), QStringLiteral("--quiet"), QStringLiteral("--out"),
                             baseCorpus});
        QVERIFY2(baseSynth.exitCode == 0, qPrintable(baseSynth.err));
        m_base = m_dir + QStringLiteral("/base.tlmodel");
        Run train = cli({QStringLiteral("train"), QStringLiteral("--data"), baseCorpus, QStringLiteral("--arch"), QStringLiteral("default"),
                         QStringLiteral("--out"), m_base, QStringLiteral("--epochs"), QStringLiteral("6"), QStringLiteral("--seed"),
                         QStringLiteral("3"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--quiet")});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        // The curated tracks: six, about 33 segments.
        const QString corpus = m_dir + QStringLiteral("/corpus");
        Run synth = cli({QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("6"), QStringLiteral("--seed"),
                         QStringLiteral("29"), QStringLiteral("--mono"), QStringLiteral("--quiet"), QStringLiteral("--out"), corpus});
        QVERIFY2(synth.exitCode == 0, qPrintable(synth.err));
        QStringList csvs;
        for (const QFileInfo &f : QDir(corpus).entryInfoList({QStringLiteral("*.csv")}, QDir::Files, QDir::Name))
            csvs << f.absoluteFilePath();
        QCOMPARE(csvs.size(), 6);
        m_store = m_dir + QStringLiteral("/store.sqlite");
        Run import = cli(QStringList{QStringLiteral("import"), QStringLiteral("--store"), m_store, QStringLiteral("--format"),
                                     QStringLiteral("cal500exp"), QStringLiteral("--audio"), corpus}
                         + csvs);
        QVERIFY2(import.exitCode == 0, qPrintable(import.err));
    }

    void usageErrors()
    {
        const QString out = m_dir + QStringLiteral("/never.tlmodel");
        QCOMPARE(cli({QStringLiteral("retrain"), QStringLiteral("--out"), out}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("retrain"), QStringLiteral("--store"), m_store}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("retrain"), QStringLiteral("--store"), m_store, QStringLiteral("--out"), out,
                      QStringLiteral("--holdout"), QStringLiteral("1.5")})
                     .exitCode,
                 2);
        Run noStore = cli({QStringLiteral("retrain"), QStringLiteral("--store"), m_dir + QStringLiteral("/none.sqlite"),
                           QStringLiteral("--model"), m_base, QStringLiteral("--out"), out});
        QCOMPARE(noStore.exitCode, 1);
        QVERIFY(noStore.err.contains(QStringLiteral("none.sqlite")));
        Run badTrack = cli({QStringLiteral("retrain"), QStringLiteral("--store"), m_store, QStringLiteral("--model"), m_base,
                            QStringLiteral("--out"), out, QStringLiteral("--tracks"), QStringLiteral("9999")});
        QCOMPARE(badTrack.exitCode, 1);
        QVERIFY(badTrack.err.contains(QStringLiteral("9999")));
        QVERIFY(!QFileInfo::exists(out));
    }

    void retrainPrintsBeforeAfter()
    {
        const QString out = m_dir + QStringLiteral("/retrained.tlmodel");
        const QString json = m_dir + QStringLiteral("/retrain.json");
        Run r = cli({QStringLiteral("retrain"), QStringLiteral("--store"), m_store, QStringLiteral("--model"), m_base,
                     QStringLiteral("--out"), out, QStringLiteral("--holdout"), QStringLiteral("0.3"), QStringLiteral("--json"), json,
                     QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--epochs"), QStringLiteral("5"),
                     QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY(r.out.contains(QStringLiteral("macro ROC-AUC")));
        QVERIFY(r.out.contains(QStringLiteral("Instrument_-_Drum_Set")));
        QVERIFY(QFileInfo::exists(out + QStringLiteral("/manifest.json")));
        const QJsonObject manifest = readJson(out + QStringLiteral("/manifest.json"));
        const QJsonObject base = readJson(m_base + QStringLiteral("/manifest.json"));
        const QJsonObject report = readJson(json);
        QCOMPARE(report.value(QStringLiteral("parent_version")).toString(), base.value(QStringLiteral("version")).toString());
        QVERIFY(report.value(QStringLiteral("held_out_segments")).toInt() > 0);
        QVERIFY(report.value(QStringLiteral("train_segments")).toInt() > report.value(QStringLiteral("held_out_segments")).toInt());
        const double before = report.value(QStringLiteral("before")).toObject().value(QStringLiteral("macro")).toObject()
                                  .value(QStringLiteral("roc_auc")).toDouble(-1);
        const double after = report.value(QStringLiteral("after")).toObject().value(QStringLiteral("macro")).toObject()
                                 .value(QStringLiteral("roc_auc")).toDouble(-1);
        qInfo("held-out macro ROC-AUC: before %.3f, after %.3f (%+.3f)", before, after, after - before);
        QVERIFY(before >= 0.0 && before <= 1.0);
        QVERIFY(after >= 0.0 && after <= 1.0);
        // What a retrain is for: the new model is better than its base on the
        // curated segments it did not train on. Measured with this base and
        // corpus (5 epochs, --holdout 0.3), hold-out seeds 1 to 8: +0.034
        // (seed 1, the one used here; bit-identical on reruns), +0.059,
        // +0.033, +0.027, +0.082, +0.040, +0.024, +0.052. The margin 0.01 is
        // under half the smallest of those; returning the base unchanged
        // gives +0.000 and fails.
        QVERIFY2(after >= before + 0.01,
                 qPrintable(QStringLiteral("the retrain did not improve the held-out macro ROC-AUC: %1 -> %2").arg(before).arg(after)));
        QVERIFY(!manifest.isEmpty());
        // The same output again is refused, and the bundle is left as it was.
        const QByteArray weights = [&] {
            QFile f(out + QStringLiteral("/weights.pt"));
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        Run again = cli({QStringLiteral("retrain"), QStringLiteral("--store"), m_store, QStringLiteral("--model"), m_base,
                         QStringLiteral("--out"), out, QStringLiteral("--quiet")});
        QCOMPARE(again.exitCode, 1);
        QVERIFY(again.err.contains(QStringLiteral("retrained.tlmodel")));
        QFile f(out + QStringLiteral("/weights.pt"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), weights);
    }
};

QTEST_GUILESS_MAIN(TestCliRetrain)
#include "tst_cli_retrain.moc"
