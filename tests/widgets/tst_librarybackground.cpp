// SPDX-License-Identifier: GPL-3.0-or-later
// The library's background work: adding a folder on a worker thread (and
// cancelling it), and Model > Tag Library (LibraryTagController) with pause,
// resume, cancel, a second run after a restart that tags only the rest, and
// the open track's lane filling in when its turn comes.
#include "widgets/library/libraryaddcontroller.h"
#include "widgets/library/librarytagcontroller.h"
#include "widgets/library/opentrackrefresh.h"
#include "widgets/track/trackview.h"

#include "engine/curation/trackdocument.h"
#include "engine/library/librarybuilder.h"
#include "engine/library/librarycatalogue.h"
#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"

#include "testsupport.h"
#include "tonewav.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QtTest>

#include <cmath>

using namespace taglane;

namespace {

const QString kBundle = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel");

/// `count` tone WAVs of `seconds` (distinct content) in `dir`.
QStringList writeTones(const QString &dir, int count, double seconds, double firstHz = 220.0)
{
    QDir().mkpath(dir);
    QStringList files;
    for (int i = 0; i < count; ++i) {
        const QString path = QStringLiteral("%1/tone%2.wav").arg(dir).arg(i, 2, 10, QLatin1Char('0'));
        if (!tests::writeToneWav(path, seconds, firstHz + 37.0 * i))
            return {};
        files << path;
    }
    return files;
}

/// The catalogue's runs of `version` per track id.
QHash<qint64, int> runsOf(const QString &storePath, const QString &version)
{
    QHash<qint64, int> runs;
    const auto entries = engine::LibraryCatalogue::list(storePath, 0);
    if (!entries)
        return runs;
    for (const auto &e : entries.value()) {
        runs.insert(e.row.trackId, 0);
        for (const auto &r : e.runs)
            runs[e.row.trackId] += r.modelVersion == version ? 1 : 0;
    }
    return runs;
}

int tracksIn(const QString &storePath)
{
    const auto entries = engine::LibraryCatalogue::list(storePath, 0);
    return entries ? int(entries->size()) : -1;
}

QString modelVersion()
{
    const auto bundle = engine::ModelBundle::open(kBundle);
    return bundle ? bundle->manifest().version : QString();
}

} // namespace

class tst_LibraryBackground : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addFolderRecursively()
    {
        const QString dir = tests::tempDir(QStringLiteral("libraryadd"));
        const QStringList top = writeTones(dir + QStringLiteral("/music"), 3, 1.0);
        const QStringList nested = writeTones(dir + QStringLiteral("/music/deeper/still"), 2, 1.0, 900.0);
        QVERIFY(top.size() == 3 && nested.size() == 2);
        QFile notes(dir + QStringLiteral("/music/notes.txt"));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("not audio");
        notes.close();
        QFile broken(dir + QStringLiteral("/music/broken.wav"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("RIFF....WAVEjunk");
        broken.close();

        const QString storePath = dir + QStringLiteral("/store.sqlite");
        engine::AnnotationStore store;
        QVERIFY(store.open(storePath).ok());
        widgets::LibraryAddController add;
        add.setStore(&store);
        QSignalSpy finished(&add, &widgets::LibraryAddController::finished);
        QSignalSpy progress(&add, &widgets::LibraryAddController::progress);
        QVERIFY(add.start({dir + QStringLiteral("/music")}));
        QVERIFY(add.isRunning());
        QVERIFY(!add.start({dir}));   // one run at a time
        QVERIFY(finished.wait(20000));
        QVERIFY(!add.isRunning());
        QCOMPARE(add.counts().total, 6);   // five tones and the broken WAV; notes.txt is no audio file
        QCOMPARE(add.counts().added, 5);
        QCOMPARE(add.counts().errors.size(), 1);
        QVERIFY2(add.counts().errors.constFirst().contains(QStringLiteral("broken.wav")), qPrintable(add.counts().errors.join('\n')));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.constLast().at(0).toInt(), 6);
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        QCOMPARE(tracksIn(storePath), 5);
        for (const QString &file : top + nested)
            QVERIFY2(store.findTrackByPath(file).has_value(), qPrintable(file));

        // Again: every file is known, nothing is added twice.
        QVERIFY(add.start({dir + QStringLiteral("/music")}));
        QVERIFY(finished.wait(20000));
        QCOMPARE(add.counts().added, 0);
        QCOMPARE(add.counts().known, 5);
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        QCOMPARE(tracksIn(storePath), 5);

        // A moved file keeps its track.
        const QString moved = dir + QStringLiteral("/elsewhere/renamed.wav");
        QVERIFY(QDir().mkpath(dir + QStringLiteral("/elsewhere")));
        QVERIFY(QFile::rename(top.at(0), moved));
        QVERIFY(add.start({moved}));
        QVERIFY(finished.wait(20000));
        QCOMPARE(add.counts().relinked, 1);
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        QCOMPARE(tracksIn(storePath), 5);
        QVERIFY(store.findTrackByPath(moved).has_value());
    }

    void cancelStopsAdding()
    {
        const QString dir = tests::tempDir(QStringLiteral("libraryaddcancel"));
        const QStringList files = writeTones(dir + QStringLiteral("/many"), 40, 0.5);
        QCOMPARE(files.size(), 40);
        const QString storePath = dir + QStringLiteral("/store.sqlite");
        engine::AnnotationStore store;
        QVERIFY(store.open(storePath).ok());
        widgets::LibraryAddController add;
        add.setStore(&store);
        QSignalSpy cancelled(&add, &widgets::LibraryAddController::cancelled);
        QSignalSpy finished(&add, &widgets::LibraryAddController::finished);
        // Cancel once a few files are in.
        connect(&add, &widgets::LibraryAddController::fileDone, &add, [&add]() {
            if (add.counts().done == 3)
                add.cancel();
        });
        QVERIFY(add.start({dir + QStringLiteral("/many")}));
        QVERIFY(cancelled.wait(20000));
        QCOMPARE(finished.count(), 0);
        const int added = add.counts().added;
        QCOMPARE(added, 3);   // files read before the cancel are not added
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        QCOMPARE(tracksIn(storePath), added);
        QTest::qWait(300);   // nothing trickles in after the cancel
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        QCOMPARE(tracksIn(storePath), added);
        QCOMPARE(add.counts().added, added);

        // Adding the folder again finishes the job.
        disconnect(&add, &widgets::LibraryAddController::fileDone, &add, nullptr);
        QVERIFY(add.start({dir + QStringLiteral("/many")}));
        QVERIFY(finished.wait(20000));
        QCOMPARE(add.counts().added, 40 - added);
        QCOMPARE(add.counts().known, added);
    }

    void tagLibraryPauseResume()
    {
        const QString version = modelVersion();
        QVERIFY(!version.isEmpty());
        const QString dir = tests::tempDir(QStringLiteral("librarytag"));
        const QStringList files = writeTones(dir + QStringLiteral("/music"), 6, 4.0);
        QCOMPARE(files.size(), 6);
        const QString storePath = dir + QStringLiteral("/store.sqlite");
        engine::AnnotationStore store;
        QVERIFY(store.open(storePath).ok());
        engine::LibraryBuilder builder(store);
        for (const QString &f : files)
            QVERIFY(builder.addFile(f).ok());
        // One file goes missing: skipped, not failed, and it stays untagged.
        QVERIFY(QFile::remove(files.at(5)));
        QVERIFY(store.waitForDurable(store.lastEditSeq()));

        widgets::LibraryTagController tagger;
        tagger.setStore(&store);
        QSignalSpy started(&tagger, &widgets::LibraryTagController::started);
        QSignalSpy tagged(&tagger, &widgets::LibraryTagController::trackTagged);
        QSignalSpy finished(&tagger, &widgets::LibraryTagController::finished);
        QSignalSpy paused(&tagger, &widgets::LibraryTagController::pausedChanged);
        // Pause as soon as the first track is durable.
        connect(&tagger, &widgets::LibraryTagController::trackTagged, &tagger, [&tagger]() { tagger.pause(); });
        QVERIFY(tagger.start(kBundle));
        QVERIFY(!tagger.start(kBundle));
        QVERIFY(started.wait(60000));
        QCOMPARE(started.front().at(0).toString(), version);
        QCOMPARE(started.front().at(1).toInt(), 6);
        QTRY_VERIFY_WITH_TIMEOUT(tagged.count() >= 1, 60000);
        QVERIFY(tagger.isPaused());
        QCOMPARE(paused.count(), 1);
        // Pause holds: the track under way (and one decoded) may finish, then nothing more.
        QTest::qWait(2500);
        const int held = tagger.counts().tagged;
        QTest::qWait(1500);
        QCOMPARE(tagger.counts().tagged, held);
        QVERIFY2(held < 5, qPrintable(QString::number(held)));
        QVERIFY(tagger.isRunning());
        QCOMPARE(finished.count(), 0);
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        {
            const auto runs = runsOf(storePath, version);
            int withRun = 0;
            for (int n : runs)
                withRun += n > 0 ? 1 : 0;
            QCOMPARE(withRun, held);
        }

        disconnect(&tagger, &widgets::LibraryTagController::trackTagged, &tagger, nullptr);
        tagger.resume();
        QVERIFY(!tagger.isPaused());
        QVERIFY(finished.wait(120000));
        QCOMPARE(tagger.counts().tagged, 5);
        QCOMPARE(tagger.counts().skipped, 1);
        QCOMPARE(tagger.counts().failed, 0);
        QCOMPARE(tagged.count(), 5);
        QVERIFY(tagger.summary().contains(QStringLiteral("5 of 6")));
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        const auto runs = runsOf(storePath, version);
        QCOMPARE(runs.size(), 6);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(runs.value(store.findTrackByPath(files.at(i))->id), 1);
        QCOMPARE(runs.value(store.findTrackByPath(files.at(5))->id), 0);
        // Each tagged track got the model's chunk segmentation and top tags.
        const auto entries = engine::LibraryCatalogue::list(storePath, 3).value();
        for (const auto &e : entries) {
            if (e.file != engine::LibraryEntry::FileState::Present)
                continue;
            QVERIFY(e.row.segmentCount > 0);
            QCOMPARE(e.topTags.size(), 3);
            QCOMPARE(e.topTagsModel, version);
        }
    }

    void secondRunAfterRestartTagsTheRest()
    {
        const QString version = modelVersion();
        const QString dir = tests::tempDir(QStringLiteral("librarytagrestart"));
        const QStringList files = writeTones(dir + QStringLiteral("/music"), 6, 3.0, 330.0);
        const QString storePath = dir + QStringLiteral("/store.sqlite");
        int firstRun = 0;
        {
            engine::AnnotationStore store;
            QVERIFY(store.open(storePath).ok());
            engine::LibraryBuilder builder(store);
            for (const QString &f : files)
                QVERIFY(builder.addFile(f).ok());
            widgets::LibraryTagController tagger;
            tagger.setStore(&store);
            QSignalSpy cancelled(&tagger, &widgets::LibraryTagController::cancelled);
            connect(&tagger, &widgets::LibraryTagController::trackTagged, &tagger, [&tagger]() {
                if (tagger.counts().tagged == 2)
                    tagger.cancel();
            });
            QVERIFY(tagger.start(kBundle));
            QVERIFY(cancelled.wait(120000));
            firstRun = tagger.counts().tagged;
            QVERIFY2(firstRun >= 2 && firstRun < 6, qPrintable(QString::number(firstRun)));
        }   // the controller and the store go, as when the program quits

        engine::AnnotationStore store;
        QVERIFY(store.open(storePath).ok());
        widgets::LibraryTagController tagger;
        tagger.setStore(&store);
        QSignalSpy started(&tagger, &widgets::LibraryTagController::started);
        QSignalSpy finished(&tagger, &widgets::LibraryTagController::finished);
        QVERIFY(tagger.start(kBundle));
        QVERIFY(finished.wait(120000));
        QCOMPARE(started.count(), 1);
        QCOMPARE(started.front().at(1).toInt(), 6 - firstRun);   // only the rest
        QCOMPARE(tagger.counts().tagged, 6 - firstRun);
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        const auto runs = runsOf(storePath, version);
        QCOMPARE(runs.size(), 6);
        for (auto it = runs.constBegin(); it != runs.constEnd(); ++it)
            QCOMPARE(it.value(), 1);   // every track once, none twice

        // A third run has nothing left to do.
        QVERIFY(tagger.start(kBundle));
        QVERIFY(finished.wait(60000));
        QCOMPARE(tagger.counts().total, 0);
        QCOMPARE(tagger.counts().tagged, 0);
    }


    void startWaitsForTracksStillBeingSaved()
    {
        // Add Folder, then Tag Library at once: the additions may still be on
        // their way to disk. Another connection holds the write lock so that
        // they cannot commit; the run must wait for them, not tag none.
        const QString dir = tests::tempDir(QStringLiteral("librarytagqueued"));
        const QStringList files = writeTones(dir + QStringLiteral("/music"), 4, 1.0, 500.0);
        const QString storePath = dir + QStringLiteral("/store.sqlite");
        engine::AnnotationStore store;
        QVERIFY(store.open(storePath).ok());
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        {
            QSqlDatabase blocker = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("blocker"));
            blocker.setDatabaseName(storePath);
            QVERIFY(blocker.open());
            QSqlQuery lock(blocker);
            QVERIFY(lock.exec(QStringLiteral("BEGIN IMMEDIATE")));
            engine::LibraryBuilder builder(store);
            for (const QString &f : files)
                QVERIFY(builder.addFile(f).ok());
            QVERIFY(store.durableSeq() < store.lastEditSeq());

            widgets::LibraryTagController tagger;
            tagger.setStore(&store);
            QSignalSpy started(&tagger, &widgets::LibraryTagController::started);
            QSignalSpy finished(&tagger, &widgets::LibraryTagController::finished);
            QVERIFY(tagger.start(kBundle));
            QTest::qWait(1500);   // long enough for the model to load and a list to be read
            QCOMPARE(finished.count(), 0);
            QCOMPARE(started.count(), 0);
            QVERIFY(tagger.isRunning());
            QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
            QVERIFY(finished.wait(120000));
            QCOMPARE(started.count(), 1);
            QCOMPARE(started.front().at(1).toInt(), 4);
            QCOMPARE(tagger.counts().tagged, 4);
            lock.finish();
            blocker.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("blocker"));
    }

    void refusalsFailuresAndEarlyCancel()
    {
        const QString dir = tests::tempDir(QStringLiteral("librarytagrefuse"));
        const QStringList files = writeTones(dir + QStringLiteral("/music"), 2, 2.0);
        const QString storePath = dir + QStringLiteral("/store.sqlite");
        engine::AnnotationStore store;
        QVERIFY(store.open(storePath).ok());
        engine::LibraryBuilder builder(store);
        for (const QString &f : files)
            QVERIFY(builder.addFile(f).ok());
        QVERIFY(store.waitForDurable(store.lastEditSeq()));

        widgets::LibraryTagController tagger;
        QSignalSpy failed(&tagger, &widgets::LibraryTagController::failed);
        QVERIFY(!tagger.start(kBundle));   // no store
        QCOMPARE(failed.count(), 1);
        tagger.setStore(&store);
        QVERIFY(!tagger.start(QString()));   // no model
        QCOMPARE(failed.count(), 2);

        // A bundle that is not there: a failure naming it, nothing tagged.
        QVERIFY(tagger.start(dir + QStringLiteral("/nothing.tlmodel")));
        QVERIFY(failed.wait(30000));
        QVERIFY2(failed.constLast().front().toString().contains(QStringLiteral("nothing.tlmodel")),
                 qPrintable(failed.constLast().front().toString()));
        QVERIFY(!tagger.isRunning());

        // Cancelled while the model loads: no start, nothing tagged.
        QSignalSpy started(&tagger, &widgets::LibraryTagController::started);
        QSignalSpy cancelled(&tagger, &widgets::LibraryTagController::cancelled);
        QVERIFY(tagger.start(kBundle));
        tagger.cancel();
        QVERIFY(cancelled.wait(30000));
        QCOMPARE(started.count(), 0);
        QCOMPARE(tagger.counts().tagged, 0);
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        for (int n : runsOf(storePath, modelVersion()))
            QCOMPARE(n, 0);

        // A read-only store (another instance holds it) is refused.
        engine::AnnotationStore second;
        const auto report = second.open(storePath, engine::AnnotationStore::OpenMode::ReadWriteElseReadOnly);
        QVERIFY(report.ok() && report->readOnly);
        widgets::LibraryTagController readOnly;
        readOnly.setStore(&second);
        QVERIFY(!readOnly.start(kBundle));
        QVERIFY(readOnly.lastError().contains(QStringLiteral("writing")));
        widgets::LibraryAddController add;
        add.setStore(&second);
        QVERIFY(!add.start({dir + QStringLiteral("/music")}));
    }

    void openTrackLaneFillsIn()
    {
        const QString version = modelVersion();
        const QString dir = tests::tempDir(QStringLiteral("librarytagopen"));
        const QStringList files = writeTones(dir + QStringLiteral("/music"), 3, 4.0, 500.0);
        const QString storePath = dir + QStringLiteral("/store.sqlite");
        engine::AnnotationStore store;
        QVERIFY(store.open(storePath).ok());
        engine::LibraryBuilder builder(store);
        for (const QString &f : files)
            QVERIFY(builder.addFile(f).ok());
        QVERIFY(store.waitForDurable(store.lastEditSeq()));

        widgets::TrackView view;
        view.setStore(&store);
        QSignalSpy loaded(&view, &widgets::TrackView::trackLoaded);
        view.openFile(files.at(1));
        QVERIFY(loaded.wait(20000));
        engine::TrackDocument *doc = view.document();
        const qint64 openId = store.findTrackByPath(files.at(1))->id;
        QTRY_COMPARE_WITH_TIMEOUT(doc->trackId(), openId, 5000);
        QVERIFY(doc->currentModelVersion().isEmpty());

        widgets::LibraryTagController tagger;
        tagger.setStore(&store);
        int reloads = 0;
        bool laneHadProbabilities = false;
        connect(&tagger, &widgets::LibraryTagController::trackTagged, &tagger,
                [&](qint64 trackId, const QString &, const QString &v) {
                    const auto r = widgets::OpenTrackRefresh::reload(view, &store, trackId, v);
                    QVERIFY(r.ok());
                    if (!r.value())
                        return;
                    ++reloads;
                    for (int s = 0; s < doc->segmentCount(); ++s)
                        for (int t = 0; t < doc->tags().size(); ++t)
                            laneHadProbabilities = laneHadProbabilities || !std::isnan(doc->probability(s, t));
                });
        QSignalSpy finished(&tagger, &widgets::LibraryTagController::finished);
        QVERIFY(tagger.start(kBundle));
        QVERIFY(finished.wait(120000));
        QCOMPARE(tagger.counts().tagged, 3);
        QCOMPARE(reloads, 1);   // only the open track's turn reloads the lane
        QVERIFY(laneHadProbabilities);
        QCOMPARE(doc->currentModelVersion(), version);
        QCOMPARE(view.currentModelVersion(), version);
        int finite = 0;
        for (int s = 0; s < doc->segmentCount(); ++s)
            for (int t = 0; t < doc->tags().size(); ++t)
                finite += std::isnan(doc->probability(s, t)) ? 0 : 1;
        QVERIFY(finite >= doc->segmentCount());
    }
};

QTEST_MAIN(tst_LibraryBackground)
#include "tst_librarybackground.moc"
