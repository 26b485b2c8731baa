// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli option checks and data integrity: numeric options are bounded
// and validated, train holds out real validation tracks, refuses to resume
// from a checkpoint made on other data and to overwrite a bundle, and a full
// disk gives an error instead of empty files.
#include "clirunner.h"
#include "testsupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <unistd.h>

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

/// A tiny tmpfs mounted on a folder for one test, then filled to the last
/// byte, so that writes there really fail with "no space left".
class FullDisk
{
public:
    explicit FullDisk(const QString &folder) : m_folder(folder)
    {
        if (::geteuid() != 0) {
            m_why = QStringLiteral("mounting a tmpfs needs root; skipping the full-disk check");
            return;
        }
        QDir().mkpath(folder);
        if (QProcess::execute(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                                        QStringLiteral("size=64k"), QStringLiteral("tmpfs"), folder})
            != 0) {
            m_why = QStringLiteral("mount -t tmpfs failed (no permission in this container?); skipping the full-disk check");
            return;
        }
        m_mounted = true;
        QFile filler(folder + QStringLiteral("/filler"));
        if (!filler.open(QIODevice::WriteOnly | QIODevice::Unbuffered)) {
            m_why = QStringLiteral("the tmpfs could not be filled");
            return;
        }
        const QByteArray block(4096, 'x');
        while (filler.write(block) == block.size()) {
        }
        while (filler.write(block.left(1)) == 1) {
        }
    }
    ~FullDisk()
    {
        if (m_mounted)
            QProcess::execute(QStringLiteral("umount"), {m_folder});
    }
    bool ready() const { return m_mounted && m_why.isEmpty(); }
    QString why() const { return m_why; }

private:
    QString m_folder;
    QString m_why;
    bool m_mounted = false;
};

/// Files of zero bytes under folder (a full disk must not leave any).
QStringList emptyFiles(const QString &folder)
{
    QStringList out;
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo f(it.next());
        if (f.size() == 0)
            out << f.fileName();
    }
    return out;
}

} // namespace

class TestCliOptions : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QString m_corpus;   ///< 3 tracks, for training with a held-out split
    QString m_other;    ///< 2 other tracks

private Q_SLOTS:
    void initTestCase() { m_dir = taglane::tests::tempDir(QStringLiteral("tst_cli_options")); }

    void numericOptionsAreBounded_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("option");
        const QString d = m_dir + QStringLiteral("/nowhere");
        const QString out = m_dir + QStringLiteral("/never.tlmodel");
        const QStringList train{QStringLiteral("train"), QStringLiteral("--data"), d, QStringLiteral("--out"), out};
        const QStringList retrain{QStringLiteral("retrain"), QStringLiteral("--store"), d, QStringLiteral("--out"), out};
        const QStringList evaluate{QStringLiteral("evaluate"), QStringLiteral("--model"), d, QStringLiteral("--data"), d};
        const QStringList synth{QStringLiteral("synth-corpus"), QStringLiteral("--out"), d};
        const QStringList features{QStringLiteral("features"), QStringLiteral("--type"), QStringLiteral("mel"), d};
        auto row = [](const char *name, const QStringList &base, const QString &option, const QString &value) {
            QTest::newRow(name) << (base + QStringList{option, value}) << option;
        };
        row("train epochs huge", train, QStringLiteral("--epochs"), QStringLiteral("1000000000"));
        row("train epochs fraction", train, QStringLiteral("--epochs"), QStringLiteral("2.5"));
        row("train batch 0", train, QStringLiteral("--batch"), QStringLiteral("0"));
        row("train lr inf", train, QStringLiteral("--lr"), QStringLiteral("inf"));
        row("train lr nan", train, QStringLiteral("--lr"), QStringLiteral("nan"));
        row("train lr 0", train, QStringLiteral("--lr"), QStringLiteral("0"));
        row("train alpha nan", train, QStringLiteral("--alpha"), QStringLiteral("nan"));
        row("train alpha inf", train, QStringLiteral("--alpha"), QStringLiteral("inf"));
        row("train seed negative", train, QStringLiteral("--seed"), QStringLiteral("-1"));
        row("train patience negative", train, QStringLiteral("--patience"), QStringLiteral("-3"));
        row("train threads huge", train, QStringLiteral("--threads"), QStringLiteral("100000"));
        row("retrain epochs huge", retrain, QStringLiteral("--epochs"), QStringLiteral("1000000000"));
        row("retrain holdout nan", retrain, QStringLiteral("--holdout"), QStringLiteral("nan"));
        row("retrain holdout 1", retrain, QStringLiteral("--holdout"), QStringLiteral("1"));
        row("retrain seed text", retrain, QStringLiteral("--seed"), QStringLiteral("abc"));
        row("retrain threads negative", retrain, QStringLiteral("--threads"), QStringLiteral("-2"));
        row("evaluate threshold nan", evaluate, QStringLiteral("--threshold"), QStringLiteral("nan"));
        row("evaluate threshold inf", evaluate, QStringLiteral("--threshold"), QStringLiteral("inf"));
        row("evaluate threshold 2", evaluate, QStringLiteral("--threshold"), QStringLiteral("2"));
        row("synth tracks 0", synth, QStringLiteral("--tracks"), QStringLiteral("0"));
        row("synth rate 0", synth, QStringLiteral("--rate"), QStringLiteral("0"));
        row("synth rate negative", synth, QStringLiteral("--rate"), QStringLiteral("-22050"));
        row("synth seed fraction", synth, QStringLiteral("--seed"), QStringLiteral("1.5"));
        row("features fmax nan", features, QStringLiteral("--fmax"), QStringLiteral("nan"));
        row("features hop 0", features, QStringLiteral("--hop"), QStringLiteral("0"));
        row("features bands huge", features, QStringLiteral("--bands"), QStringLiteral("99999999"));
        row("features n-fft negative", features, QStringLiteral("--n-fft"), QStringLiteral("-512"));
    }

    void numericOptionsAreBounded()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, option);
        const Run r = cli(args);
        QVERIFY2(r.exitCode == 2, qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.contains(option + QStringLiteral(" needs")), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(m_dir + QStringLiteral("/never.tlmodel")));
        QVERIFY(!QFileInfo::exists(m_dir + QStringLiteral("/nowhere")));
    }

    void trainRefusesToOverwriteABundle()
    {
        const QString bundle = m_dir + QStringLiteral("/existing.tlmodel");
        QDir().mkpath(bundle);
        QFile keep(bundle + QStringLiteral("/manifest.json"));
        QVERIFY(keep.open(QIODevice::WriteOnly));
        keep.write("{\"name\": \"keep me\"}");
        keep.close();
        const QString data = m_dir + QStringLiteral("/anydata");
        QDir().mkpath(data);
        const Run r = cli({QStringLiteral("train"), QStringLiteral("--data"), data, QStringLiteral("--out"), bundle});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("existing.tlmodel already exists")), qPrintable(r.err));
        QVERIFY(keep.open(QIODevice::ReadOnly));
        QCOMPARE(keep.readAll(), QByteArray("{\"name\": \"keep me\"}"));
    }

    void trainHoldsOutValidationTracks()
    {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        m_corpus = m_dir + QStringLiteral("/corpus");
        const Run synth = cli({QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("3"), QStringLiteral("--seed"),
                               QStringLiteral("11"), QStringLiteral("--mono"), QStringLiteral("--quiet"), QStringLiteral("--out"), m_corpus});
        QVERIFY2(synth.exitCode == 0, qPrintable(synth.err));
        const QString bundle = m_dir + QStringLiteral("/split.tlmodel");
        const Run train = cli({QStringLiteral("train"), QStringLiteral("--data"), m_corpus, QStringLiteral("--out"), bundle,
                               QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--seed"), QStringLiteral("3"),
                               QStringLiteral("--threads"), QStringLiteral("2"), QStringLiteral("--quiet")});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        const QJsonObject training = readJson(bundle + QStringLiteral("/manifest.json")).value(QStringLiteral("training")).toObject();
        const int trainTracks = training.value(QStringLiteral("train_tracks")).toInt(-1);
        const int valTracks = training.value(QStringLiteral("validation_tracks")).toInt(-1);
        // 3 tracks in all, split by track: none is on both sides.
        QVERIFY2(trainTracks >= 1 && valTracks >= 1, qPrintable(QStringLiteral("%1 + %2").arg(trainTracks).arg(valTracks)));
        QCOMPARE(trainTracks + valTracks, 3);
        QCOMPARE(training.value(QStringLiteral("validation_tracks_shared_with_training")).toInt(-1), 0);
        QVERIFY2(training.value(QStringLiteral("validation_source")).toString().contains(QLatin1String("held out")),
                 qPrintable(training.value(QStringLiteral("validation_source")).toString()));
        QVERIFY(training.value(QStringLiteral("validation_examples")).toInt() > 0);
    }

    void trainRefusesASplitOfOneTrack()
    {
        if (m_corpus.isEmpty())
            QSKIP("trainHoldsOutValidationTracks did not make a corpus");
        // One track with its labels: nothing can be held out.
        const QString single = m_dir + QStringLiteral("/single");
        QDir().mkpath(single);
        for (const char *name : {"track_0001.wav", "track_0001.csv"})
            QVERIFY(QFile::copy(m_corpus + QLatin1Char('/') + QLatin1String(name), single + QLatin1Char('/') + QLatin1String(name)));
        const QString bundle = m_dir + QStringLiteral("/single.tlmodel");
        const Run r = cli({QStringLiteral("train"), QStringLiteral("--data"), single, QStringLiteral("--out"), bundle,
                           QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("--val-data")) && r.err.contains(QLatin1String("1 usable track")), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(bundle));
    }

    void resumeRefusesOtherData()
    {
        const QString checkpoint = m_dir + QStringLiteral("/split.tlmodel.ckpt");
        if (!QFileInfo::exists(checkpoint))
            QSKIP("trainHoldsOutValidationTracks did not leave a checkpoint");
        m_other = m_dir + QStringLiteral("/other");
        const Run synth = cli({QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("2"), QStringLiteral("--seed"),
                               QStringLiteral("12"), QStringLiteral("--mono"), QStringLiteral("--quiet"), QStringLiteral("--out"), m_other});
        QVERIFY2(synth.exitCode == 0, qPrintable(synth.err));
        const QString bundle = m_dir + QStringLiteral("/resumed.tlmodel");
        const Run r = cli({QStringLiteral("train"), QStringLiteral("--data"), m_other, QStringLiteral("--out"), bundle,
                           QStringLiteral("--epochs"), QStringLiteral("2"), QStringLiteral("--seed"), QStringLiteral("3"),
                           QStringLiteral("--resume"), checkpoint, QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("split.tlmodel.ckpt")) && r.err.contains(QLatin1String("other data")),
                 qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(bundle));
    }

    void evaluateJsonOnAFullDisk()
    {
        const QString bundle = m_dir + QStringLiteral("/split.tlmodel");
        if (!QFileInfo::exists(bundle + QStringLiteral("/weights.pt")))
            QSKIP("trainHoldsOutValidationTracks did not leave a bundle");
        const QString full = m_dir + QStringLiteral("/fulldisk-eval");
        FullDisk disk(full);
        if (!disk.ready())
            QSKIP(qPrintable(disk.why()));
        const QString json = full + QStringLiteral("/metrics.json");
        const Run r = cli({QStringLiteral("evaluate"), QStringLiteral("--model"), bundle, QStringLiteral("--data"), m_corpus,
                           QStringLiteral("--json"), json});
        QVERIFY2(r.exitCode != 0, qPrintable(r.out));
        QVERIFY2(r.err.contains(QLatin1String("metrics.json")), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(json));
        QVERIFY2(emptyFiles(full).isEmpty(), qPrintable(emptyFiles(full).join(QLatin1Char(' '))));
    }

    void synthCorpusOnAFullDisk()
    {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        const QString full = m_dir + QStringLiteral("/fulldisk-synth");
        FullDisk disk(full);
        if (!disk.ready())
            QSKIP(qPrintable(disk.why()));
        const Run r = cli({QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("1"), QStringLiteral("--mono"),
                           QStringLiteral("--quiet"), QStringLiteral("--out"), full + QStringLiteral("/corpus")});
        QVERIFY2(r.exitCode != 0, qPrintable(r.out));
        QVERIFY2(r.err.contains(QLatin1String("corpus")) && r.err.contains(QLatin1String("space"), Qt::CaseInsensitive),
                 qPrintable(r.err));
        QVERIFY2(emptyFiles(full).isEmpty(), qPrintable(emptyFiles(full).join(QLatin1Char(' '))));
        QVERIFY(!QFileInfo::exists(full + QStringLiteral("/corpus/corpus.json")));
    }
};

QTEST_GUILESS_MAIN(TestCliOptions)
#include "tst_cli_options.moc"
