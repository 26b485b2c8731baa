// SPDX-License-Identifier: GPL-3.0-or-later
// Fault injection on the annotation store through taglane-cli: a full disk,
// an unwritable store file and imports killed at random points. After each
// fault the command reported it (non-zero exit, a message), the store passes
// SQLite's integrity check, and it holds exactly what was acknowledged.
#include "engine/store/annotationstore.h"

#include "clirunner.h"
#include "rawdb.h"
#include "tinydisk.h"
#include "silentwav.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <csignal>
#include <sys/mount.h>
#include <unistd.h>

using namespace taglane::engine;
using taglane::tests::RawDb;
using taglane::tests::runCli;
using taglane::tests::TinyDisk;

namespace {

constexpr int kTags = 40;
constexpr int kSegments = 30;

void writeWav(const QString &path, double seconds, int rate = 4000)
{
    QVERIFY(taglane::tests::writeSilentWav(path, seconds, rate));
}

/// A CAL500exp file of kSegments 1 s segments x kTags tags; cell (s, t) is
/// present when (s + t + pattern) is even, else absent.
void writeLabels(const QString &path, int pattern, int tags = kTags)
{
    QByteArray text = "Start_Time,End_Time";
    for (int t = 0; t < tags; ++t)
        text += ",Usage-Tag_" + QByteArray::number(t);
    text += '\n';
    for (int s = 0; s < kSegments; ++s) {
        text += QByteArray::number(s) + ',' + QByteArray::number(s + 1);
        for (int t = 0; t < tags; ++t)
            text += (s + t + pattern) % 2 == 0 ? ",1" : ",0";
        text += '\n';
    }
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

/// The verdicts of every track, as "path: PAAP..." lines in path order.
QStringList verdictsOf(const QString &store)
{
    if (QFileInfo(store).size() == 0)
        return {};   // not created yet, or killed before its first commit
    AnnotationStore s;
    const auto opened = s.open(store, AnnotationStore::OpenMode::ReadOnly);
    if (!opened)
        return {QStringLiteral("cannot open: ") + opened.error()};
    QStringList lines;
    const auto library = s.librarySummary();
    for (const LibraryRow &row : library.value()) {
        const auto grid = s.labelGrid(row.trackId);
        QString cells;
        for (int r = 0; grid && r < grid->rows(); ++r) {
            for (int c = 0; c < grid->columns(); ++c) {
                const Verdict v = grid->verdict(r, c);
                cells += v == Verdict::Present ? QLatin1Char('P') : v == Verdict::Absent ? QLatin1Char('A') : QLatin1Char('.');
            }
        }
        lines << QFileInfo(row.path).fileName() + QStringLiteral(": ") + cells;
    }
    return lines;
}

/// The cells a file written with `pattern` gives (tags in file order).
QString expectedCells(int pattern)
{
    QString cells;
    for (int s = 0; s < kSegments; ++s) {
        for (int t = 0; t < kTags; ++t)
            cells += (s + t + pattern) % 2 == 0 ? QLatin1Char('P') : QLatin1Char('A');
    }
    return cells;
}

QString integrity(const QString &store)
{
    RawDb raw(store);
    return raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString();
}

QStringList importArgs(const QString &store, const QString &audio, const QStringList &files)
{
    return QStringList{QStringLiteral("import"), QStringLiteral("--store"), store, QStringLiteral("--format"),
                       QStringLiteral("cal500exp"), QStringLiteral("--audio"), audio} + files;
}

} // namespace

class TestStoreFaults : public QObject
{
    Q_OBJECT

    QString m_dir;
    QString m_audio;
    QString m_labels;

private Q_SLOTS:
    void initTestCase()
    {
        m_dir = taglane::tests::tempDir(QStringLiteral("store-faults"));
        m_audio = m_dir + QStringLiteral("/audio");
        m_labels = m_dir + QStringLiteral("/labels");
        QDir().mkpath(m_audio);
        QDir().mkpath(m_labels);
        for (int i = 0; i < 12; ++i)
            writeWav(m_audio + QStringLiteral("/track-%1.wav").arg(i, 2, 10, QLatin1Char('0')), kSegments);
    }

    void pathsThatAreNotStoresAreRefusedAndLeftAlone()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("store-faults-paths"));
        const QString folder = dir + QStringLiteral("/library");
        QVERIFY(QDir().mkpath(folder));
        writeLabels(m_labels + QStringLiteral("/track-06.csv"), 0, 3);
        for (const QStringList &args :
             {QStringList{QStringLiteral("export"), QStringLiteral("--store"), folder, QStringLiteral("--format"),
                          QStringLiteral("jams"), QStringLiteral("--out"), dir + QStringLiteral("/out")},
              importArgs(folder, m_audio, {m_labels + QStringLiteral("/track-06.csv")})}) {
            const auto r = runCli(args);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(QLatin1String("folder")), qPrintable(r.err));
        }
        QVERIFY(QFileInfo(folder).isDir());
        QVERIFY(QDir(folder).isEmpty());
        // An export never creates a store.
        const QString missing = dir + QStringLiteral("/missing.db");
        const auto r = runCli({QStringLiteral("export"), QStringLiteral("--store"), missing, QStringLiteral("--format"),
                               QStringLiteral("jams"), QStringLiteral("--out"), dir + QStringLiteral("/out")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("does not exist")), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(missing));
        QCOMPARE(QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList{QStringLiteral("library")});
    }

    void fullDiskImportIsReportedAndSavesNothingOfIt()
    {
        TinyDisk disk(m_dir + QStringLiteral("/tiny"), 1024);
        if (disk.dir().isEmpty())
            QSKIP("needs root to mount a tmpfs; the full-disk case is not run");
        const QString store = disk.dir() + QStringLiteral("/store.db");
        writeLabels(m_labels + QStringLiteral("/track-00.csv"), 0, 2);
        auto r = runCli(importArgs(store, m_audio, {m_labels + QStringLiteral("/track-00.csv")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList acknowledged = verdictsOf(store);
        QCOMPARE(acknowledged.size(), 1);

        writeLabels(m_labels + QStringLiteral("/track-01.csv"), 1);
        disk.fill(48);
        r = runCli(importArgs(store, m_audio, {m_labels + QStringLiteral("/track-01.csv")}));
        disk.empty();
        QVERIFY2(r.exitCode != 0, qPrintable(r.err));
        QVERIFY2(!r.err.contains(QLatin1String("Imported")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("track-01.csv")) || r.err.contains(QLatin1String("store")), qPrintable(r.err));
        QCOMPARE(integrity(store), QStringLiteral("ok"));
        QCOMPARE(verdictsOf(store), acknowledged);
        QVERIFY(QDir(disk.dir()).entryList({QStringLiteral("*.damaged-*")}, QDir::Files).isEmpty());
        // With room again the same import goes through.
        r = runCli(importArgs(store, m_audio, {m_labels + QStringLiteral("/track-01.csv")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(verdictsOf(store).size(), 2);
    }

    void aMigrationOnAFullDiskLeavesTheStoreAlone()
    {
        TinyDisk disk(m_dir + QStringLiteral("/tiny-migrate"), 1024);
        if (disk.dir().isEmpty())
            QSKIP("needs root to mount a tmpfs; the full-disk case is not run");
        const QString store = disk.dir() + QStringLiteral("/store.db");
        writeLabels(m_labels + QStringLiteral("/track-02.csv"), 0);
        auto r = runCli(importArgs(store, m_audio, {m_labels + QStringLiteral("/track-02.csv")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList acknowledged = verdictsOf(store);
        {
            RawDb raw(store);   // as a schema-2 Taglane left it
            QVERIFY(raw.exec(QStringLiteral("DROP INDEX verdicts_by_tag")));
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 2")));
        }
        QFile file(store);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        file.close();
        writeLabels(m_labels + QStringLiteral("/track-03.csv"), 1);
        disk.fill(8);
        r = runCli(importArgs(store, m_audio, {m_labels + QStringLiteral("/track-03.csv")}));
        disk.empty();
        QVERIFY2(r.exitCode != 0, qPrintable(r.err));
        QVERIFY(QDir(disk.dir()).entryList({QStringLiteral("*.damaged-*")}, QDir::Files).isEmpty());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), bytes);
        file.close();
        r = runCli(importArgs(store, m_audio, {m_labels + QStringLiteral("/track-02.csv")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(verdictsOf(store), acknowledged);
    }

    void anImmutableStoreIsReported()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("store-faults-immutable"));
        const QString store = dir + QStringLiteral("/store.db");
        writeLabels(m_labels + QStringLiteral("/track-04.csv"), 0);
        auto r = runCli(importArgs(store, m_audio, {m_labels + QStringLiteral("/track-04.csv")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList acknowledged = verdictsOf(store);
        if (geteuid() != 0 || QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("+i"), store}) != 0)
            QSKIP("chattr +i is not available here (needs root and a file system that has it)");
        writeLabels(m_labels + QStringLiteral("/track-05.csv"), 1);
        r = runCli(importArgs(store, m_audio, {m_labels + QStringLiteral("/track-05.csv")}));
        QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("-i"), store});
        QVERIFY2(r.exitCode != 0, qPrintable(r.err));
        QVERIFY2(!r.err.contains(QLatin1String("Imported")), qPrintable(r.err));
        QCOMPARE(integrity(store), QStringLiteral("ok"));
        QCOMPARE(verdictsOf(store), acknowledged);
    }

    void aKilledImportSavesEachFileWholeOrNotAtAll()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("store-faults-kill"));
        const QString store = dir + QStringLiteral("/store.db");
        QRandomGenerator random(20261201);
        QStringList files;
        for (int i = 0; i < 12; ++i)
            files << m_labels + QStringLiteral("/kill/track-%1.csv").arg(i, 2, 10, QLatin1Char('0'));
        QDir().mkpath(m_labels + QStringLiteral("/kill"));
        int killed = 0;
        int midway = 0;
        for (int round = 0; round < 6; ++round) {
            const int pattern = round % 2;
            for (const QString &f : files)
                writeLabels(f, pattern);
            const QStringList before = verdictsOf(store);
            QProcess p;
            p.start(QStringLiteral(TAGLANE_CLI_PATH), importArgs(store, m_audio, files));
            QVERIFY(p.waitForStarted());
            // Kill it once it has started committing (the write-ahead log grows), at a random point after.
            const qint64 walBefore = QFileInfo(store + QStringLiteral("-wal")).size();
            QElapsedTimer waited;
            waited.start();
            while (p.state() != QProcess::NotRunning && waited.elapsed() < 60000
                   && QFileInfo(store + QStringLiteral("-wal")).size() <= walBefore)
                p.waitForFinished(5);
            p.waitForFinished(int(random.bounded(250)));
            const bool finished = p.state() == QProcess::NotRunning;
            if (!finished) {
                ::kill(pid_t(p.processId()), SIGKILL);
                ++killed;
            }
            p.waitForFinished(60000);
            QCOMPARE(integrity(store), QStringLiteral("ok"));
            const QStringList after = verdictsOf(store);
            for (const QString &line : after) {
                const QString cells = line.section(QStringLiteral(": "), 1);
                // A file's labels are there whole, from this round or an earlier one, never in part.
                QVERIFY2(cells == expectedCells(pattern) || before.contains(line), qPrintable(line));
            }
            for (const QString &line : before)
                QVERIFY2(after.contains(line) || after.contains(line.section(QStringLiteral(": "), 0, 0)
                                                                 + QStringLiteral(": ") + expectedCells(pattern)),
                         qPrintable(QStringLiteral("lost: ") + line));
            if (finished)
                QCOMPARE(after.size(), files.size());
            int fresh = 0;
            for (const QString &line : after)
                fresh += line.endsWith(expectedCells(pattern)) && !before.contains(line) ? 1 : 0;
            if (!finished && fresh > 0 && fresh < files.size())
                ++midway;
        }
        qInfo("%d of 6 imports were killed before they finished, %d of them with some files saved", killed, midway);
        QVERIFY2(killed > 0, "no import was killed: the fault was never injected");
    }
};

QTEST_GUILESS_MAIN(TestStoreFaults)
#include "tst_storefaults.moc"
