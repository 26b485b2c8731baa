// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli import / export end to end: CSVs and a label track into a new
// store, export in every format, re-import each into a fresh store, and the
// labels agree; a malformed file is rejected with file and line and leaves
// the store as it was.
#include "engine/formats/presenttags.h"
#include "engine/formats/storelabels.h"
#include "engine/store/annotationstore.h"

#include "clirunner.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <cmath>

using namespace taglane::engine;

namespace {

using Run = taglane::tests::CliRun;

Run cli(const QStringList &args)
{
    return taglane::tests::runCli(args);
}

void writeWav(const QString &path, double seconds, int rate = 8000)
{
    const auto frames = quint32(seconds * rate);
    QByteArray data;
    for (quint32 i = 0; i < frames; ++i) {
        const auto v = qint16(800.0 * std::sin(2.0 * M_PI * 330.0 * i / rate));
        data.append(char(v & 0xff)).append(char((v >> 8) & 0xff));
    }
    auto u32 = [](quint32 v) { QByteArray b(4, 0); for (int i = 0; i < 4; ++i) b[i] = char((v >> (8 * i)) & 0xff); return b; };
    auto u16 = [](quint16 v) { QByteArray b(2, 0); b[0] = char(v & 0xff); b[1] = char(v >> 8); return b; };
    const QByteArray wav = "RIFF" + u32(36 + quint32(data.size())) + "WAVEfmt " + u32(16) + u16(1) + u16(1)
                           + u32(quint32(rate)) + u32(quint32(rate) * 2) + u16(2) + u16(16) + "data"
                           + u32(quint32(data.size())) + data;
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(wav);
}

void writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

/// path -> labels of every track of a store.
QMap<QString, TrackLabels> snapshot(const QString &storePath)
{
    QMap<QString, TrackLabels> out;
    AnnotationStore store;
    const auto opened = store.open(storePath, AnnotationStore::OpenMode::ReadOnly);
    if (!opened) {
        qWarning("%s", qPrintable(opened.error()));
        return out;
    }
    const auto ids = StoreLabels::selectTracks(store, {});
    for (qint64 id : ids.value()) {
        const auto labels = StoreLabels::exportTrack(store, id);
        if (labels)
            out.insert(labels->file, labels.value());
    }
    return out;
}

/// Compares two stores' labels with what a format carries: `full` formats
/// keep every verdict and probability; the others which tags are present.
QString compare(const QMap<QString, TrackLabels> &a, const QMap<QString, TrackLabels> &b, bool full, double tolerance)
{
    if (a.keys() != b.keys())
        return QStringLiteral("tracks differ: %1 vs %2").arg(a.keys().join(QLatin1Char(' ')), b.keys().join(QLatin1Char(' ')));
    for (auto it = a.constBegin(); it != a.constEnd(); ++it) {
        const TrackLabels &x = it.value();
        const TrackLabels &y = b.value(it.key());
        if (x.segments.size() != y.segments.size())
            return QStringLiteral("%1: %2 vs %3 segments").arg(it.key()).arg(x.segments.size()).arg(y.segments.size());
        for (int s = 0; s < x.segments.size(); ++s)
            if (std::abs(x.segments.at(s).start - y.segments.at(s).start) > tolerance
                || std::abs(x.segments.at(s).end - y.segments.at(s).end) > tolerance)
                return QStringLiteral("%1: segment %2 moved").arg(it.key()).arg(s);
        for (int t = 0; t < x.tags.size(); ++t) {
            const int u = y.tags.indexOf(x.tags.at(t).name);
            for (int s = 0; s < x.segments.size(); ++s) {
                const LabelCell &c = x.cell(s, t);
                const LabelCell empty;
                const LabelCell &d = u >= 0 ? y.cell(s, u) : empty;
                const QString where = QStringLiteral("%1: segment %2, tag %3").arg(it.key()).arg(s).arg(x.tags.at(t).name);
                if (full) {
                    if (c.verdict != d.verdict)
                        return where + QStringLiteral(": verdict %1 vs %2").arg(int(c.verdict)).arg(int(d.verdict));
                    if (c.hasProbability() != d.hasProbability() || (c.hasProbability() && c.probability != d.probability))
                        return where + QStringLiteral(": probability %1 vs %2").arg(c.probability).arg(d.probability);
                } else if (PresentTags::isPresent(c, 0.5f) != PresentTags::isPresent(d, 0.5f)) {
                    return where + QStringLiteral(": present differs");
                }
            }
        }
    }
    return {};
}

} // namespace

class tst_CliImportExport : public QObject
{
    Q_OBJECT

private:
    QString m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        m_dir = taglane::tests::tempDir(QStringLiteral("cli-importexport"));
        QDir(m_dir).mkpath(QStringLiteral("audio"));
        QDir(m_dir).mkpath(QStringLiteral("labels"));
        writeWav(m_dir + QStringLiteral("/audio/alpha.wav"), 12.0);
        writeWav(m_dir + QStringLiteral("/audio/beta.wav"), 9.5);
        writeWav(m_dir + QStringLiteral("/audio/gamma.wav"), 8.0);
        writeText(m_dir + QStringLiteral("/labels/alpha.csv"),
                  "Start_Time,End_Time,Emotion-Happy,\"Genre-Rock, Hard\",Instrument_-_Piano\r\n"
                  "0,4,1,0,0.875\r\n4,8.25,0.25,1,\r\n8.25,12,,0,0.5\r\n");
        writeText(m_dir + QStringLiteral("/labels/beta.csv"),
                  "Start_Time,End_Time,\"Genre-Rock, Hard\",-minus\r\n0,3.5,1,0.125\r\n3.5,9.5,0,1\r\n");
        writeText(m_dir + QStringLiteral("/labels/gamma.txt"), "0\t3\tVoice; Emotion-Happy\n\\\t100\t200\n3\t8\t\n");
    }

    void importExportEveryFormat()
    {
        const QString store1 = m_dir + QStringLiteral("/one.db");
        QVERIFY(!QFileInfo::exists(store1));
        Run r = cli({QStringLiteral("import"), QStringLiteral("--store"), store1, QStringLiteral("--format"),
                     QStringLiteral("cal500exp"), QStringLiteral("--audio"), m_dir + QStringLiteral("/audio"),
                     m_dir + QStringLiteral("/labels/alpha.csv"), m_dir + QStringLiteral("/labels/beta.csv")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFileInfo::exists(store1));
        r = cli({QStringLiteral("import"), QStringLiteral("--store"), store1, QStringLiteral("--format"),
                 QStringLiteral("audacity"), QStringLiteral("--audio"), m_dir + QStringLiteral("/audio"),
                 m_dir + QStringLiteral("/labels/gamma.txt")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto original = snapshot(store1);
        QCOMPARE(original.size(), 3);
        const TrackLabels &alpha = original.value(QFileInfo(m_dir + QStringLiteral("/audio/alpha.wav")).absoluteFilePath());
        QCOMPARE(alpha.segments.size(), 3);
        QCOMPARE(alpha.cell(0, alpha.tags.indexOf(QStringLiteral("Emotion-Happy"))).verdict, Verdict::Present);
        QCOMPARE(alpha.cell(0, alpha.tags.indexOf(QStringLiteral("Instrument_-_Piano"))).probability, 0.875f);

        struct Case { const char *format; bool full; double tolerance; };
        const Case cases[] = {{"cal500exp", true, 0.0}, {"catalogue", true, 0.0}, {"jams", true, 0.0},
                              {"audacity", false, 0.0}, {"sv", false, 1e-9}};
        for (const Case &c : cases) {
            const QString format = QString::fromLatin1(c.format);
            const QString out = m_dir + QStringLiteral("/export-") + format;
            r = cli({QStringLiteral("export"), QStringLiteral("--store"), store1, QStringLiteral("--format"), format,
                     QStringLiteral("--out"), out});
            QVERIFY2(r.exitCode == 0, qPrintable(format + QStringLiteral(": ") + r.err));
            const QStringList files = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            QCOMPARE(files.size(), format == QLatin1String("catalogue") ? 1 : 3);
            const QString store2 = m_dir + QStringLiteral("/two-") + format + QStringLiteral(".db");
            r = cli(QStringList{QStringLiteral("import"), QStringLiteral("--store"), store2, QStringLiteral("--format"), format,
                                QStringLiteral("--audio"), m_dir + QStringLiteral("/audio")} + files);
            QVERIFY2(r.exitCode == 0, qPrintable(format + QStringLiteral(": ") + r.err));
            const QString diff = compare(original, snapshot(store2), c.full, c.tolerance);
            QVERIFY2(diff.isEmpty(), qPrintable(format + QStringLiteral(": ") + diff));
        }

        // One track by stem, and a selection.
        r = cli({QStringLiteral("export"), QStringLiteral("--store"), store1, QStringLiteral("--format"), QStringLiteral("jams"),
                 QStringLiteral("--out"), m_dir + QStringLiteral("/one-track"), QStringLiteral("beta")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(QDir(m_dir + QStringLiteral("/one-track")).entryList(QDir::Files), QStringList{QStringLiteral("beta.jams")});
        r = cli({QStringLiteral("export"), QStringLiteral("--store"), store1, QStringLiteral("--format"), QStringLiteral("cal500exp"),
                 QStringLiteral("--out"), m_dir + QStringLiteral("/two-tracks"), QStringLiteral("gamma.wav"),
                 QFileInfo(m_dir + QStringLiteral("/audio/alpha.wav")).absoluteFilePath()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(QDir(m_dir + QStringLiteral("/two-tracks")).entryList(QDir::Files),
                 (QStringList{QStringLiteral("alpha.csv"), QStringLiteral("gamma.csv")}));
        r = cli({QStringLiteral("export"), QStringLiteral("--store"), store1, QStringLiteral("--format"), QStringLiteral("sv"),
                 QStringLiteral("--out"), m_dir + QStringLiteral("/none"), QStringLiteral("delta")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("delta")));
    }

    void malformedFileChangesNothing()
    {
        const QString store1 = m_dir + QStringLiteral("/one.db");
        const auto before = snapshot(store1);
        QVERIFY(!before.isEmpty());
        writeWav(m_dir + QStringLiteral("/audio/delta.wav"), 6.0);
        writeText(m_dir + QStringLiteral("/labels/delta.csv"), "Start_Time,End_Time,Voice\n0,3,1\n3,6,1\n");
        writeText(m_dir + QStringLiteral("/labels/broken.csv"), "Start_Time,End_Time,Voice\n0,3,1\n6,4.5,0\n");
        writeWav(m_dir + QStringLiteral("/audio/broken.wav"), 6.0);
        Run r = cli({QStringLiteral("import"), QStringLiteral("--store"), store1, QStringLiteral("--format"),
                     QStringLiteral("cal500exp"), QStringLiteral("--audio"), m_dir + QStringLiteral("/audio"),
                     m_dir + QStringLiteral("/labels/delta.csv"), m_dir + QStringLiteral("/labels/broken.csv")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("broken.csv, line 3: End_Time 4.5 is before Start_Time 6")), qPrintable(r.err));
        const auto after = snapshot(store1);
        QCOMPARE(after.keys(), before.keys());   // delta.csv, though valid, was not imported either
        QVERIFY(compare(before, after, true, 0.0).isEmpty());

        // A new store is not even created.
        const QString fresh = m_dir + QStringLiteral("/fresh.db");
        r = cli({QStringLiteral("import"), QStringLiteral("--store"), fresh, QStringLiteral("--format"), QStringLiteral("cal500exp"),
                 QStringLiteral("--audio"), m_dir + QStringLiteral("/audio"), m_dir + QStringLiteral("/labels/broken.csv")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!QFileInfo::exists(fresh));

        // A label file without audio is rejected too, naming the file.
        writeText(m_dir + QStringLiteral("/labels/orphan.csv"), "Start_Time,End_Time,Voice\n0,3,1\n");
        r = cli({QStringLiteral("import"), QStringLiteral("--store"), store1, QStringLiteral("--format"), QStringLiteral("cal500exp"),
                 QStringLiteral("--audio"), m_dir + QStringLiteral("/audio"), m_dir + QStringLiteral("/labels/orphan.csv")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QStringLiteral("orphan.csv")));

        // --keep-going imports the good file and still exits 1.
        r = cli({QStringLiteral("import"), QStringLiteral("--store"), store1, QStringLiteral("--format"), QStringLiteral("cal500exp"),
                 QStringLiteral("--audio"), m_dir + QStringLiteral("/audio"), QStringLiteral("--keep-going"),
                 m_dir + QStringLiteral("/labels/delta.csv"), m_dir + QStringLiteral("/labels/broken.csv")});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(snapshot(store1).size(), before.size() + 1);
    }

    void usageErrors()
    {
        QCOMPARE(cli({QStringLiteral("import"), QStringLiteral("--store"), m_dir + QStringLiteral("/x.db")}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("export"), QStringLiteral("--store"), m_dir + QStringLiteral("/x.db"), QStringLiteral("--format"),
                      QStringLiteral("midi"), QStringLiteral("--out"), m_dir}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("import"), QStringLiteral("--help")}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(tst_CliImportExport)
#include "tst_cli_importexport.moc"
