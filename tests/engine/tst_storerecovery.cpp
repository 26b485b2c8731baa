// SPDX-License-Identifier: GPL-3.0-or-later
// Damaged stores are moved aside with a clear message, never overwritten;
// a second instance gets "in use" or a read-only store.
#include "engine/store/annotationstore.h"
#include "engine/store/storefile.h"

#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>

#include <cstdio>

using namespace taglane::engine;

namespace {

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

// A store with some tracks and verdicts, closed (so everything is in the main file).
void buildStore(const QString &path, int tracks)
{
    AnnotationStore store;
    QVERIFY(store.open(path).ok());
    store.setVocabulary(Vocabulary::fromNames({QStringLiteral("Genre-Rock"), QStringLiteral("Emotion-Happy")}));
    const QVector<qint64> tags = store.tagIds({QStringLiteral("Genre-Rock"), QStringLiteral("Emotion-Happy")});
    for (int i = 0; i < tracks; ++i) {
        TrackRecord t;
        t.path = QStringLiteral("/music/track-%1.flac").arg(i);
        t.contentHash = QStringLiteral("%1").arg(i, 40, 10, QLatin1Char('0'));
        t.durationSeconds = 60.0;
        const qint64 id = store.addTrack(t)->id;
        const auto seg = store.saveSegmentation(id, Segmentation::fixedWindows(60.0, 10.0), SegmentSource::Fixed);
        QVector<VerdictEdit> edits;
        for (const Segment &s : seg->segments())
            edits.append({s.id, tags[i % 2], Verdict::Present});
        store.setVerdicts(id, edits);
    }
    QVERIFY(store.waitForDurable(store.lastEditSeq(), 30000));
}

QStringList damagedFiles(const QString &dir)
{
    return QDir(dir).entryList({QStringLiteral("*.damaged-*")}, QDir::Files, QDir::Name);
}

int holdStore(const QString &path)
{
    AnnotationStore store;
    const auto report = store.open(path);
    if (!report) {
        std::fprintf(stderr, "%s\n", qPrintable(report.error()));
        return 2;
    }
    std::printf("HOLDING\n");
    std::fflush(stdout);
    QTest::qWait(60000);   // the parent kills this process
    return 0;
}

} // namespace

class TestStoreRecovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void garbageFileIsMovedAside()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("recovery-garbage"));
        const QString path = dir + QStringLiteral("/store.db");
        QByteArray garbage(64 * 1024, '\0');
        QRandomGenerator rng(7);
        for (char &c : garbage)
            c = char(rng.bounded(256));
        writeBytes(path, garbage);

        AnnotationStore store;
        const auto report = store.open(path);
        QVERIFY2(report.ok(), qPrintable(report.error()));
        QVERIFY(!report->movedAsidePath.isEmpty());
        QVERIFY(report->movedAsidePath.startsWith(path + QStringLiteral(".damaged-")));
        QCOMPARE(report->messages.size(), 1);
        QVERIFY(report->messages.first().contains(QLatin1String("damaged")));
        QVERIFY(report->messages.first().contains(path));
        QVERIFY(report->messages.first().contains(report->movedAsidePath));
        QVERIFY(report->created);
        // The user's bytes are kept, untouched, under the new name.
        QCOMPARE(fileBytes(report->movedAsidePath), garbage);
        // The new store works.
        store.setVocabulary(Vocabulary::fromNames({QStringLiteral("Genre-Rock")}));
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        QCOMPARE(store.vocabulary().size(), 1);
    }

    void truncatedStoreIsMovedAside()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("recovery-truncated"));
        const QString path = dir + QStringLiteral("/store.db");
        buildStore(path, 300);
        const QByteArray whole = fileBytes(path);
        QVERIFY2(whole.size() > 64 * 1024, "the store should span many pages");
        const QByteArray half = whole.left(whole.size() / 2);
        writeBytes(path, half);

        AnnotationStore store;
        const auto report = store.open(path);
        QVERIFY2(report.ok(), qPrintable(report.error()));
        QVERIFY2(!report->movedAsidePath.isEmpty(), "a truncated store must be detected");
        QVERIFY(report->messages.first().contains(QLatin1String("damaged")));
        qInfo("%s", qPrintable(report->messages.first()));
        QCOMPARE(fileBytes(report->movedAsidePath), half);
        // What still reads was rescued into the new store, not presented as empty.
        const auto library = store.librarySummary();
        QVERIFY(library.ok());
        QVERIFY2(report->rescuedTracks > 0, "the first half of the file holds readable tracks");
        QVERIFY(report->rescuedTracks < 300);
        QCOMPARE(qint64(library->size()), report->rescuedTracks);
        QVERIFY(report->messages.join(QLatin1Char(' ')).contains(QLatin1String("Rescued")));
        qint64 verdicts = 0;
        for (const LibraryRow &row : library.value())
            verdicts += row.reviewedCells;
        QVERIFY(verdicts <= report->rescuedVerdicts);
    }

    void movingAsideNeverOverwrites()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("recovery-twice"));
        const QString path = dir + QStringLiteral("/store.db");
        const QDateTime when = QDateTime::currentDateTimeUtc();
        writeBytes(path, QByteArray("first damaged store, not sqlite"));
        writeBytes(path + QStringLiteral("-wal"), QByteArray("its wal"));
        const auto first = StoreFile::moveAside(path, when);
        QVERIFY(first.ok());
        QCOMPARE(fileBytes(first.value() + QStringLiteral("-wal")), QByteArray("its wal"));
        writeBytes(path, QByteArray("second damaged store"));
        const auto second = StoreFile::moveAside(path, when);   // same second: needs another name
        QVERIFY(second.ok());
        QVERIFY(second.value() != first.value());
        QCOMPARE(fileBytes(first.value()), QByteArray("first damaged store, not sqlite"));
        QCOMPARE(fileBytes(second.value()), QByteArray("second damaged store"));
        QVERIFY(!QFileInfo::exists(path));
    }

    void readOnlyOpenOfDamagedStoreChangesNothing()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("recovery-readonly"));
        const QString path = dir + QStringLiteral("/store.db");
        writeBytes(path, QByteArray(4096, 'x'));
        AnnotationStore store;
        const auto report = store.open(path, AnnotationStore::OpenMode::ReadOnly);
        QVERIFY(!report.ok());
        QVERIFY2(report.error().contains(QLatin1String("damaged")), qPrintable(report.error()));
        QVERIFY(report.error().contains(path));
        QCOMPARE(fileBytes(path), QByteArray(4096, 'x'));
        QVERIFY(damagedFiles(dir).isEmpty());
        QVERIFY(!store.open(dir + QStringLiteral("/missing.db"), AnnotationStore::OpenMode::ReadOnly).ok());
    }

    void secondInstanceInProcess()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("recovery-second"));
        const QString path = dir + QStringLiteral("/store.db");
        AnnotationStore first;
        QVERIFY(first.open(path).ok());
        QVERIFY(QFileInfo::exists(StoreFile::lockPath(path)));
        first.setVocabulary(Vocabulary::fromNames({QStringLiteral("Genre-Rock")}));
        QVERIFY(first.waitForDurable(first.lastEditSeq()));

        AnnotationStore second;
        const auto refused = second.open(path);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QLatin1String("in use")), qPrintable(refused.error()));
        QVERIFY(refused.error().contains(QString::number(QCoreApplication::applicationPid())));

        const auto readOnly = second.open(path, AnnotationStore::OpenMode::ReadWriteElseReadOnly);
        QVERIFY2(readOnly.ok(), qPrintable(readOnly.error()));
        QVERIFY(readOnly->readOnly);
        QVERIFY(second.isReadOnly());
        QVERIFY(readOnly->messages.first().contains(QLatin1String("read-only")));
        QCOMPARE(second.vocabulary().names(), QStringList{QStringLiteral("Genre-Rock")});
        QCOMPARE(second.setVocabulary(Vocabulary::fromNames({QStringLiteral("X")})), 0);
        TrackRecord refusedTrack;
        refusedTrack.path = QStringLiteral("/a");
        refusedTrack.contentHash = QStringLiteral("h");
        QVERIFY(!second.addTrack(refusedTrack).ok());
        // The writer's later commits are visible to the read-only instance.
        TrackRecord t;
        t.path = QStringLiteral("/music/late.wav");
        t.contentHash = QStringLiteral("feed");
        first.addTrack(t);
        QVERIFY(first.waitForDurable(first.lastEditSeq()));
        QCOMPARE(second.librarySummary()->size(), 1);
        second.close();
        first.close();
        QVERIFY(!QFileInfo::exists(StoreFile::lockPath(path)));
        QVERIFY(second.open(path).ok());   // free again
        QVERIFY(!second.isReadOnly());
    }

    void secondInstanceInOtherProcess()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("recovery-process"));
        const QString path = dir + QStringLiteral("/store.db");
        QProcess holder;
        holder.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--hold"), path});
        QVERIFY(holder.waitForStarted());
        QByteArray output;
        QElapsedTimer timer;
        timer.start();
        while (!output.contains("HOLDING") && timer.elapsed() < 20000) {
            holder.waitForReadyRead(100);
            output += holder.readAllStandardOutput();
        }
        QVERIFY2(output.contains("HOLDING"), holder.readAllStandardError().constData());

        AnnotationStore store;
        const auto refused = store.open(path);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QLatin1String("in use")), qPrintable(refused.error()));
        QVERIFY(refused.error().contains(QString::number(holder.processId())));
        const auto readOnly = store.open(path, AnnotationStore::OpenMode::ReadWriteElseReadOnly);
        QVERIFY2(readOnly.ok(), qPrintable(readOnly.error()));
        QVERIFY(readOnly->readOnly);
        store.close();

        // A lock left by a killed process is taken over.
        holder.kill();
        QVERIFY(holder.waitForFinished(10000));
        QVERIFY(QFileInfo::exists(StoreFile::lockPath(path)));
        const auto reopened = store.open(path);
        QVERIFY2(reopened.ok(), qPrintable(reopened.error()));
        QVERIFY(!reopened->readOnly);
        QVERIFY(reopened->movedAsidePath.isEmpty());
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc >= 3 && qstrcmp(argv[1], "--hold") == 0)
        return holdStore(QString::fromLocal8Bit(argv[2]));
    TestStoreRecovery test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_storerecovery.moc"
