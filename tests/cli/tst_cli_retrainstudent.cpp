// SPDX-License-Identifier: GPL-3.0-or-later
// The shipped real-music model (resources/models/default.tlmodel, the
// taglane-mtat-cnn student distilled from musicnn) can be grown by Retrain:
// taglane-cli retrain on a store of curated segments whose vocabulary holds
// tags the student lacks gives a bundle with the 50 MagnaTagATune outputs
// first, in order, and the new tags after them, which then tags audio.
// Also: --model takes the bundled models by name, and `models` lists both.
#include "clirunner.h"
#include "silentwav.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
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

QStringList tagNames(const QJsonObject &manifest)
{
    QStringList names;
    for (const QJsonValue &v : manifest.value(QStringLiteral("tags")).toArray())
        names << (v.isObject() ? v.toObject().value(QStringLiteral("name")).toString() : v.toString());
    return names;
}

const QString kStudent = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/default.tlmodel");
const QString kInstruments = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel");

} // namespace

class TestCliRetrainStudent : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QString m_store;
    QString m_corpus;

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo::exists(kStudent + QStringLiteral("/manifest.json")))
            QSKIP("resources/models/default.tlmodel is absent");
        m_dir = taglane::tests::tempDir(QStringLiteral("tst_cli_retrainstudent"));
    }

    void bundledModelsByName()
    {
        Run list = cli({QStringLiteral("models")});
        QVERIFY2(list.exitCode == 0, qPrintable(list.err));
        QVERIFY2(list.out.contains(QStringLiteral("default.tlmodel")), qPrintable(list.out));
        QVERIFY2(list.out.contains(QStringLiteral("instruments.tlmodel")), qPrintable(list.out));
        QVERIFY2(list.out.contains(QStringLiteral("taglane-mtat-cnn, 50 tags")), qPrintable(list.out));
        // --model default and --model instruments are the two bundles.
        const QString wav = m_dir + QStringLiteral("/tone.wav");
        QVERIFY(taglane::tests::writeSilentWav(wav, 7.0, 16000));
        for (const auto &[name, tags] : {std::pair<QString, int>{QStringLiteral("default"), 50},
                                         std::pair<QString, int>{QStringLiteral("instruments"), 14}}) {
            const QString out = m_dir + QStringLiteral("/by-name-") + name;
            Run tag = cli({QStringLiteral("tag"), QStringLiteral("--model"), name, QStringLiteral("--out"), out, wav});
            QVERIFY2(tag.exitCode == 0, qPrintable(name + QStringLiteral(": ") + tag.err));
            QFile f(out + QStringLiteral("/tone.csv"));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QString header = QString::fromUtf8(f.readLine());
            // CAL500exp CSV: a start and an end column, then one per tag.
            QCOMPARE(header.count(QLatin1Char(',')) + 1 - 2, tags);
        }
        Run unknown = cli({QStringLiteral("tag"), QStringLiteral("--model"), QStringLiteral("no-such-model"),
                           QStringLiteral("--out"), m_dir + QStringLiteral("/unknown"), wav});
        QVERIFY(unknown.exitCode != 0);
        QVERIFY2(unknown.err.contains(QStringLiteral("no-such-model")), qPrintable(unknown.err));
    }

    void retrainGrowsTheStudentWithNewTags()
    {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        // Curated segments with the 14 instrument and character tags, none
        // of which the student has.
        m_corpus = m_dir + QStringLiteral("/corpus");
        Run synth = cli({QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("4"), QStringLiteral("--seed"),
                         QStringLiteral("31"), QStringLiteral("--mono"), QStringLiteral("--quiet"), QStringLiteral("--out"), m_corpus});
        QVERIFY2(synth.exitCode == 0, qPrintable(synth.err));
        QStringList csvs;
        for (const QFileInfo &f : QDir(m_corpus).entryInfoList({QStringLiteral("*.csv")}, QDir::Files, QDir::Name))
            csvs << f.absoluteFilePath();
        QCOMPARE(csvs.size(), 4);
        m_store = m_dir + QStringLiteral("/store.sqlite");
        Run import = cli(QStringList{QStringLiteral("import"), QStringLiteral("--store"), m_store, QStringLiteral("--format"),
                                     QStringLiteral("cal500exp"), QStringLiteral("--audio"), m_corpus}
                         + csvs);
        QVERIFY2(import.exitCode == 0, qPrintable(import.err));

        const QString out = m_dir + QStringLiteral("/student-v2.tlmodel");
        const QString json = m_dir + QStringLiteral("/retrain.json");
        Run r = cli({QStringLiteral("retrain"), QStringLiteral("--store"), m_store, QStringLiteral("--model"), QStringLiteral("default"),
                     QStringLiteral("--out"), out, QStringLiteral("--holdout"), QStringLiteral("0.3"), QStringLiteral("--json"), json,
                     QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--epochs"), QStringLiteral("2"),
                     QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        const QJsonObject base = readJson(kStudent + QStringLiteral("/manifest.json"));
        const QJsonObject grown = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(grown.value(QStringLiteral("architecture")).toString(), QStringLiteral("taglane-mtat-cnn"));
        QCOMPARE(grown.value(QStringLiteral("parentVersion")).toString(), base.value(QStringLiteral("version")).toString());
        const QStringList baseTags = tagNames(base);
        const QStringList grownTags = tagNames(grown);
        QCOMPARE(baseTags.size(), 50);
        QVERIFY2(grownTags.size() > baseTags.size(), qPrintable(grownTags.join(QLatin1Char(' '))));
        QCOMPARE(grownTags.mid(0, baseTags.size()), baseTags);
        QVERIFY(grownTags.contains(QStringLiteral("Instrument_-_Drum_Set")));
        const QJsonObject report = readJson(json);
        QVERIFY(report.value(QStringLiteral("held_out_segments")).toInt() > 0);

        // The grown bundle tags audio with all its outputs.
        const QString tagged = m_dir + QStringLiteral("/grown");
        const QString audio = QFileInfo(csvs.first()).absolutePath() + QLatin1Char('/')
                              + QFileInfo(csvs.first()).completeBaseName() + QStringLiteral(".wav");
        QVERIFY2(QFileInfo::exists(audio), qPrintable(audio));
        Run tag = cli({QStringLiteral("tag"), QStringLiteral("--model"), out, QStringLiteral("--out"), tagged, audio});
        QVERIFY2(tag.exitCode == 0, qPrintable(tag.err));
        QFile f(tagged + QLatin1Char('/') + QFileInfo(audio).completeBaseName() + QStringLiteral(".csv"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString header = QString::fromUtf8(f.readLine());
        QVERIFY2(header.contains(QStringLiteral("Instrument_-_Drum_Set")) && header.contains(QStringLiteral("guitar")),
                 qPrintable(header));
    }
};

QTEST_GUILESS_MAIN(TestCliRetrainStudent)
#include "tst_cli_retrainstudent.moc"
