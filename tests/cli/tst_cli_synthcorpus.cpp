// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli synth-corpus: the options of the corpus's sources of variety
// (--soundfonts, --generator, --augment) and their refusals.
#include "clirunner.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
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

} // namespace

class TestCliSynthCorpus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badOptionsAreRefused_data();
    void badOptionsAreRefused();
    void phraseCorpusWithSeveralSoundfonts();
};

void TestCliSynthCorpus::badOptionsAreRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("needle");
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli_synthcorpus_bad"));
    const QString reserved = QDir(dir).filePath(QStringLiteral("TimGM6mb.sf2"));
    {
        QFile f(reserved);
        if (f.open(QIODevice::WriteOnly))
            f.write(QByteArray("RIFF") + QByteArray(4, '\0') + QByteArray("sfbk"));
    }
    const QStringList base{QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("1"),
                           QStringLiteral("--quiet"), QStringLiteral("--out"), QDir(dir).filePath(QStringLiteral("out"))};
    QTest::newRow("reserved soundfont") << (base + QStringList{QStringLiteral("--soundfont"), reserved}) << "reserved";
    QTest::newRow("reserved in a list") << (base + QStringList{QStringLiteral("--soundfonts"), QStringLiteral("fluid,") + reserved})
                                        << "reserved";
    QTest::newRow("sf_GMbank by path") << (base + QStringList{QStringLiteral("--soundfonts"),
                                                              QStringLiteral("/usr/share/sounds/sf2/sf_GMbank.sf2")})
                                       << "reserved";
    QTest::newRow("unknown name") << (base + QStringList{QStringLiteral("--soundfonts"), QStringLiteral("fluid,nosuchfont")})
                                  << "nosuchfont";
    QTest::newRow("twice") << (base + QStringList{QStringLiteral("--soundfonts"), QStringLiteral("fluid,fluid")}) << "twice";
    QTest::newRow("both options") << (base + QStringList{QStringLiteral("--soundfont"), QStringLiteral("fluid"),
                                                         QStringLiteral("--soundfonts"), QStringLiteral("fluid")})
                                  << "not both";
    QTest::newRow("generator") << (base + QStringList{QStringLiteral("--generator"), QStringLiteral("baroque")}) << "baroque";
    QTest::newRow("augment") << (base + QStringList{QStringLiteral("--augment"), QStringLiteral("gain,wah")}) << "wah";
}

void TestCliSynthCorpus::badOptionsAreRefused()
{
    QFETCH(QStringList, args);
    QFETCH(QString, needle);
    const Run r = cli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(needle), qPrintable(r.err));
    const QString out = args.at(args.indexOf(QStringLiteral("--out")) + 1);
    QVERIFY(QDir(out).entryList(QDir::Files).isEmpty());
}

void TestCliSynthCorpus::phraseCorpusWithSeveralSoundfonts()
{
    if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
        QSKIP("The General MIDI soundfont (fluid-soundfont-gm) is not installed");
    const QString out = taglane::tests::tempDir(QStringLiteral("cli_synthcorpus_phrase"));
    const Run r = cli({QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("1"), QStringLiteral("--seed"),
                       QStringLiteral("5"), QStringLiteral("--generator"), QStringLiteral("phrase"), QStringLiteral("--soundfonts"),
                       QStringLiteral("installed"), QStringLiteral("--augment"), QStringLiteral("gain,eq,noise"),
                       QStringLiteral("--mono"), QStringLiteral("--quiet"), QStringLiteral("--out"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile f(QDir(out).filePath(QStringLiteral("corpus.json")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(root.value(QStringLiteral("arrangement")).toString(), QStringLiteral("phrase"));
    QCOMPARE(root.value(QStringLiteral("augment")).toString(), QStringLiteral("gain,eq,noise"));
    QVERIFY(root.value(QStringLiteral("soundfonts")).toArray().contains(QStringLiteral("fluid")));
    QVERIFY(QFileInfo::exists(QDir(out).filePath(QStringLiteral("track_0001.wav"))));
    QVERIFY(QFileInfo::exists(QDir(out).filePath(QStringLiteral("track_0001.csv"))));
}

QTEST_GUILESS_MAIN(TestCliSynthCorpus)
#include "tst_cli_synthcorpus.moc"
