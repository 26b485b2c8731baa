// SPDX-License-Identifier: GPL-3.0-or-later
// Crash durability: a child process makes edits and prints each edit's number
// once the store reports it durable; the parent kills it with SIGKILL at
// random moments and checks that every reported edit survived. The child also
// appends each acknowledged number to a separate file (unbuffered writes, so
// the kernel holds every complete line the killed process wrote); the final
// conservation check counts those acknowledgements and, independently, how
// many of them the store file holds (raw SQL on edit_log, not the store API).
#include "engine/store/annotationstore.h"

#include "testsupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <random>

#include <sys/types.h>
#include <signal.h>

using namespace taglane::engine;

namespace {

constexpr int kSegments = 8;
constexpr int kTags = 6;

Vocabulary tags()
{
    QVector<Tag> t;
    for (int i = 0; i < kTags; ++i)
        t << Tag{QStringLiteral("Tag-%1").arg(i), QStringLiteral("Other")};
    return Vocabulary(t);
}

// Child: edit as fast as a frantic curator, print "E seq" when an edit is
// made and "D seq seg tag verdict" for each cell of an edit once durable, and
// append "seq" to ackPath for each edit once durable.
int runChild(const QString &dbPath, unsigned seed, const QString &ackPath)
{
    QFile ack(ackPath);
    if (!ack.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered)) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(ackPath), qPrintable(ack.errorString()));
        return 2;
    }
    AnnotationStore store;
    const auto report = store.open(dbPath);
    if (!report) {
        std::fprintf(stderr, "%s\n", qPrintable(report.error()));
        return 2;
    }
    if (store.vocabulary().isEmpty())
        store.setVocabulary(tags());
    auto track = store.findTrackByPath(QStringLiteral("/durability/track.wav"));
    QVector<qint64> segIds;
    if (!track) {
        TrackRecord t;
        t.path = QStringLiteral("/durability/track.wav");
        t.contentHash = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
        t.durationSeconds = kSegments * 10.0;
        track = store.addTrack(t).value();
        const auto saved = store.saveSegmentation(track->id, Segmentation::fixedWindows(t.durationSeconds, 10.0),
                                                  SegmentSource::Fixed);
        for (const Segment &s : saved->segments())
            segIds << s.id;
        store.waitForDurable(store.lastEditSeq(), 10000);
    } else {
        const auto grid = store.labelGrid(track->id);
        if (!grid) {
            std::fprintf(stderr, "%s\n", qPrintable(grid.error()));
            return 2;
        }
        for (const Segment &s : grid->segmentation.segments())
            segIds << s.id;
    }
    const QVector<qint64> tagIds = store.tagIds(tags().names());
    std::mt19937 rng(seed);
    QVector<QPair<qint64, QVector<VerdictEdit>>> made;   // not yet reported
    QObject::connect(&store, &AnnotationStore::durable, &store, [&](qint64 seq) {
        int i = 0;
        for (; i < made.size() && made[i].first <= seq; ++i) {
            ack.write(QByteArray::number(made[i].first) + '\n');
            for (const VerdictEdit &e : made[i].second)
                std::printf("D %lld %lld %lld %d\n", made[i].first, e.segmentId, e.tagId, int(e.verdict));
        }
        made.remove(0, i);
        std::fflush(stdout);
    });
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, &store, [&] {
        const int cells = (rng() % 8 == 0) ? 1 + int(rng() % 20) : 1;
        QVector<VerdictEdit> edits;
        for (int c = 0; c < cells; ++c)
            edits.append({segIds.at(int(rng() % segIds.size())), tagIds.at(int(rng() % tagIds.size())),
                          static_cast<Verdict>(rng() % 3)});
        const qint64 seq = store.setVerdicts(track->id, edits);
        made.append({seq, edits});
        std::printf("E %lld\n", seq);
    });
    std::printf("READY\n");
    std::fflush(stdout);
    timer.start(1);
    return QCoreApplication::exec();
}

struct CellEdit
{
    qint64 seq;
    qint64 segment;
    qint64 tag;
    int verdict;
};

} // namespace

class TestStoreDurability : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killedWriterLosesNoDurableEdit()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("store-durability"));
        const QString db = dir + QStringLiteral("/store.db");
        std::mt19937 rng(20261121);
        qint64 totalMade = 0, totalReported = 0, totalAcknowledged = 0, totalHeld = 0;
        const int rounds = 8;
        for (int round = 0; round < rounds; ++round) {
            const QString ackPath = dir + QStringLiteral("/acknowledged-%1.txt").arg(round + 1);
            QProcess child;
            child.setProcessChannelMode(QProcess::SeparateChannels);
            child.start(QCoreApplication::applicationFilePath(),
                        {QStringLiteral("--child"), db, QString::number(rng()), ackPath});
            QVERIFY(child.waitForStarted());
            QByteArray output;
            QElapsedTimer ready;
            ready.start();
            while (!output.contains("READY\n") && ready.elapsed() < 20000) {
                child.waitForReadyRead(100);
                output += child.readAllStandardOutput();
            }
            QVERIFY2(output.contains("READY\n"), child.readAllStandardError().constData());
            const int killAfterMs = 150 + int(rng() % 1200);
            QTest::qWait(killAfterMs);
            QVERIFY2(child.state() == QProcess::Running, child.readAllStandardError().constData());
            ::kill(pid_t(child.processId()), SIGKILL);
            QVERIFY(child.waitForFinished(10000));
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);
            output += child.readAllStandardOutput();
            const QList<QByteArray> lines = output.split('\n');
            // Only complete lines count: a line cut by the kill is ignored.
            QVector<CellEdit> durable;
            QSet<qint64> durableSeqs;
            qint64 made = 0;
            for (int i = 0; i + 1 < lines.size(); ++i) {
                const QList<QByteArray> f = lines[i].split(' ');
                if (f.value(0) == "E")
                    ++made;
                else if (f.value(0) == "D" && f.size() == 5) {
                    durable.append({f[1].toLongLong(), f[2].toLongLong(), f[3].toLongLong(), f[4].toInt()});
                    durableSeqs.insert(f[1].toLongLong());
                }
            }

            // Reopen after the crash: the stale lock is taken over, the WAL replayed.
            AnnotationStore store;
            const auto report = store.open(db);
            QVERIFY2(report.ok(), qPrintable(report.error()));
            QVERIFY(report->movedAsidePath.isEmpty());
            const auto log = store.editLog(0, 1000000);
            QVERIFY(log.ok());
            QSet<qint64> logged;
            for (const EditLogEntry &e : log.value())
                logged.insert(e.seq);
            for (qint64 seq : durableSeqs)
                QVERIFY2(logged.contains(seq), qPrintable(QStringLiteral("edit %1 was reported durable but is missing").arg(seq)));

            // The second channel: every complete line of the acknowledgement file.
            QSet<qint64> acknowledged;
            {
                QFile ack(ackPath);
                QVERIFY2(ack.open(QIODevice::ReadOnly), qPrintable(ackPath));
                const QList<QByteArray> ackLines = ack.readAll().split('\n');
                for (int i = 0; i + 1 < ackLines.size(); ++i) {
                    bool ok = false;
                    const qint64 seq = ackLines[i].toLongLong(&ok);
                    QVERIFY2(ok && !acknowledged.contains(seq), ackLines[i].constData());
                    acknowledged.insert(seq);
                }
            }
            // The child writes the acknowledgement before the stdout line, so
            // the two channels agree on everything stdout reported.
            for (qint64 seq : durableSeqs)
                QVERIFY2(acknowledged.contains(seq), qPrintable(QStringLiteral("edit %1 is on stdout but not acknowledged").arg(seq)));
            // The stored value of each cell is its last reported edit, or a later edit.
            const auto grid = store.labelGrid(store.findTrackByPath(QStringLiteral("/durability/track.wav"))->id);
            QVERIFY(grid.ok());
            QHash<QPair<qint64, qint64>, CellEdit> lastReported;
            for (const CellEdit &e : durable)
                lastReported[{e.segment, e.tag}] = e;
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
            raw.setDatabaseName(db);
            QVERIFY(raw.open());
            {
                QSqlQuery q(raw);
                QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
                QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
                // What the file holds, read without the store: the acknowledged edits among its edit log.
                QSet<qint64> inFile;
                QVERIFY(q.exec(QStringLiteral("SELECT seq FROM edit_log")));
                while (q.next())
                    inFile.insert(q.value(0).toLongLong());
                qint64 held = 0;
                for (qint64 seq : std::as_const(acknowledged))
                    held += inFile.contains(seq) ? 1 : 0;
                totalAcknowledged += acknowledged.size();
                totalHeld += held;
                std::printf("round %d: acknowledged %lld, of which the store file holds %lld (file holds %lld edits)\n",
                            round + 1, qint64(acknowledged.size()), held, qint64(inFile.size()));
                for (const CellEdit &e : std::as_const(lastReported)) {
                    q.prepare(QStringLiteral("SELECT verdict, edit_seq FROM verdicts WHERE segment_id = ? AND tag_id = ?"));
                    q.addBindValue(e.segment);
                    q.addBindValue(e.tag);
                    QVERIFY(q.exec());
                    if (q.next()) {
                        const qint64 storedSeq = q.value(1).toLongLong();
                        QVERIFY2(storedSeq >= e.seq, "a reported verdict was overwritten by an older one");
                        if (storedSeq == e.seq)
                            QCOMPARE(q.value(0).toInt(), e.verdict);
                    } else {
                        // Cleared: either the reported edit cleared it or a later one did.
                        QVERIFY(e.verdict == 0 || store.lastEditSeq() > e.seq);
                    }
                }
            }
            raw.close();
            raw = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("check"));
            std::printf("round %d: killed after %d ms; edits made %lld, reported durable %lld "
                        "(store holds %lld edits)\n",
                        round + 1, killAfterMs, made, qint64(durableSeqs.size()), qint64(logged.size()));
            std::fflush(stdout);
            totalMade += made;
            totalReported += durableSeqs.size();
        }
        std::printf("total: edits made %lld, reported durable %lld, acknowledged %lld, held by the store file %lld\n",
                    totalMade, totalReported, totalAcknowledged, totalHeld);
        QVERIFY2(totalAcknowledged > 0, "the children acknowledged no durable edit: nothing was tested");
        // Conservation: every acknowledged edit is in the file.
        QCOMPARE(totalHeld, totalAcknowledged);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc >= 5 && qstrcmp(argv[1], "--child") == 0)
        return runChild(QString::fromLocal8Bit(argv[2]), unsigned(QByteArray(argv[3]).toULongLong()),
                        QString::fromLocal8Bit(argv[4]));
    TestStoreDurability test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_storedurability.moc"
