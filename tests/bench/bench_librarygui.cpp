// SPDX-License-Identifier: GPL-3.0-or-later
// What the library's GUI work costs the GUI thread. A store of 10,000 tracks
// (10 segments x 10 tags each, one model version) is listed by the Library
// dock's model on its worker thread; a 5 ms timer on the GUI thread measures
// the longest stall meanwhile. Then the part of Tag Library that runs on the
// GUI thread at its start (BatchTagger::untaggedTracks for a version that
// tagged nothing: every track), Add Folder on 300 small WAVs, and Tag Library
// on 12 tracks, each with the longest GUI-thread stall. Figures only.
#include "widgets/library/libraryaddcontroller.h"
#include "widgets/library/librarymodel.h"
#include "widgets/library/librarytagcontroller.h"
#include "widgets/library/libraryview.h"

#include "engine/library/batchtagger.h"
#include "engine/library/untaggedtracks.h"
#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"

#include "testsupport.h"
#include "tonewav.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTimer>
#include <QtTest>

#include <cstdio>

using namespace taglane;

namespace {

constexpr int kTracks = 10000;
constexpr int kSegments = 10;
constexpr int kTags = 10;
const QString kBundle = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel");

/// Longest gap between 5 ms ticks of a GUI-thread timer while it runs.
class StallMeter
{
public:
    StallMeter()
    {
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, [this]() {
            m_longest = std::max(m_longest, m_clock.restart());
        });
    }
    void start() { m_longest = 0; m_clock.start(); m_timer.start(); }
    qint64 stop() { m_timer.stop(); return std::max(m_longest, m_clock.elapsed()); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_longest = 0;
};

} // namespace

class bench_LibraryGui : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void figures()
    {
        const QString dir = tests::tempDir(QStringLiteral("bench_librarygui"));
        engine::AnnotationStore store;
        QVERIFY(store.open(dir + QStringLiteral("/store.sqlite")).ok());
        QStringList tags;
        for (int t = 0; t < kTags; ++t)
            tags << QStringLiteral("tag%1").arg(t);
        store.setVocabulary(engine::Vocabulary::fromNames(tags));
        engine::ModelManifest manifest;
        manifest.name = manifest.version = QStringLiteral("bench-v1");
        manifest.tags = engine::Vocabulary::fromNames(tags);
        QVERIFY(store.registerModelVersion(manifest));
        const QVector<qint64> tagIds = store.tagIds(tags, true);
        QElapsedTimer build;
        build.start();
        for (int i = 0; i < kTracks; ++i) {
            engine::TrackRecord r;
            r.path = QStringLiteral("/bench/library/%1/track%2.wav").arg(i / 100).arg(i, 5, 10, QLatin1Char('0'));
            r.contentHash = QStringLiteral("%1").arg(i + 1, 40, 16, QLatin1Char('0'));
            r.durationSeconds = 5.0 * kSegments;
            const auto added = store.addTrack(r);
            QVERIFY(added);
            const auto saved = store.saveSegmentation(added->id, engine::Segmentation::fixedWindows(5.0 * kSegments, 5.0),
                                                      engine::SegmentSource::Fixed);
            QVERIFY(saved);
            engine::PredictionBatch b;
            b.trackId = added->id;
            b.modelVersion = manifest.version;
            b.tagIds = tagIds;
            for (const auto &s : saved->segments()) {
                b.segmentIds << s.id;
                for (int t = 0; t < kTags; ++t)
                    b.probabilities << float((i * 7 + t * 13 + s.id) % 100) / 100.0f;
            }
            QVERIFY(store.storePredictions(b));
        }
        QVERIFY(store.waitForDurable(store.lastEditSeq(), 600000));
        std::printf("store: %d tracks x %d segments x %d tags built in %.1f s\n", kTracks, kSegments, kTags,
                    build.nsecsElapsed() / 1e9);

        StallMeter stall;
        {
            widgets::LibraryModel model;
            QSignalSpy loaded(&model, &widgets::LibraryModel::loaded);
            stall.start();
            QElapsedTimer clock;
            clock.start();
            model.setStore(&store);
            const double callMs = clock.nsecsElapsed() / 1e6;
            QVERIFY(loaded.wait(60000));
            const double totalMs = clock.nsecsElapsed() / 1e6;
            std::printf("library model, %d rows: refresh() call %.2f ms on the GUI thread, rows in after %.0f ms, "
                        "longest GUI stall %lld ms\n",
                        int(model.rowCount()), callMs, totalMs, stall.stop());
            model.setQuery(engine::TagQuery::parse(QStringLiteral("tag3 >= 0.95 and not tag3 curated")).value());
            clock.restart();
            stall.start();
            QVERIFY(loaded.wait(60000));
            std::printf("library model with a search: %d rows after %.0f ms, longest GUI stall %lld ms\n",
                        int(model.rowCount()), clock.nsecsElapsed() / 1e6, stall.stop());
        }

        {
            // The dock itself: the sorted proxy and the table on top of the model.
            widgets::LibraryView view;
            view.resize(1400, 400);
            view.show();
            QSignalSpy loaded(view.model(), &widgets::LibraryModel::loaded);
            stall.start();
            QElapsedTimer clock;
            clock.start();
            view.setStore(&store);
            QVERIFY(loaded.wait(60000));
            QCoreApplication::processEvents();
            std::printf("Library dock (sorted table), %d rows: shown after %.0f ms, longest GUI stall %lld ms\n",
                        view.visibleRows(), clock.nsecsElapsed() / 1e6, stall.stop());
        }

        {
            const auto bundle = engine::ModelBundle::open(kBundle);
            QVERIFY(bundle);
            auto tagger = engine::Tagger::load(bundle.value());
            QVERIFY(tagger);
            engine::BatchTagger batch(store, *tagger.value(), {});
            QElapsedTimer clock;
            clock.start();
            const auto untagged = batch.untaggedTracks();
            QVERIFY(untagged);
            const double ownerMs = clock.nsecsElapsed() / 1e6;
            clock.restart();
            const auto listed = engine::UntaggedTracks::list(store.path(), tagger.value()->manifest().version);
            QVERIFY(listed);
            QCOMPARE(listed->size(), untagged->size());
            std::printf("Tag Library start, %d untagged tracks: UntaggedTracks::list %.0f ms (on the worker); "
                        "BatchTagger::untaggedTracks would take %.0f ms on the GUI thread\n",
                        int(listed->size()), clock.nsecsElapsed() / 1e6, ownerMs);
        }

        // Add Folder: 300 one-second WAVs.
        const QString folder = dir + QStringLiteral("/add");
        QDir().mkpath(folder);
        for (int i = 0; i < 300; ++i)
            QVERIFY(tests::writeToneWav(QStringLiteral("%1/f%2.wav").arg(folder).arg(i, 3, 10, QLatin1Char('0')), 1.0,
                                        200.0 + i));
        {
            widgets::LibraryAddController add;
            add.setStore(&store);
            QSignalSpy finished(&add, &widgets::LibraryAddController::finished);
            QElapsedTimer clock;
            clock.start();
            stall.start();
            QVERIFY(add.start({folder}));
            QVERIFY(finished.wait(120000));
            std::printf("Add Folder: %d files added in %.0f ms, longest GUI stall %lld ms\n", add.counts().added,
                        clock.nsecsElapsed() / 1e6, stall.stop());
        }

        // Tag Library on a small store of 12 real tracks.
        engine::AnnotationStore small;
        QVERIFY(small.open(dir + QStringLiteral("/small.sqlite")).ok());
        const QString music = dir + QStringLiteral("/music");
        QDir().mkpath(music);
        for (int i = 0; i < 12; ++i)
            QVERIFY(tests::writeToneWav(QStringLiteral("%1/t%2.wav").arg(music).arg(i), 20.0, 150.0 + 40 * i));
        {
            widgets::LibraryAddController add;
            add.setStore(&small);
            QSignalSpy finished(&add, &widgets::LibraryAddController::finished);
            QVERIFY(add.start({music}));
            QVERIFY(finished.wait(60000));
        }
        widgets::LibraryTagController tagLibrary;
        tagLibrary.setStore(&small);
        QSignalSpy finished(&tagLibrary, &widgets::LibraryTagController::finished);
        QElapsedTimer clock;
        clock.start();
        stall.start();
        QVERIFY(tagLibrary.start(kBundle));
        QVERIFY(finished.wait(600000));
        std::printf("Tag Library: %d tracks of 20 s in %.1f s, longest GUI stall %lld ms\n", tagLibrary.counts().tagged,
                    clock.nsecsElapsed() / 1e9, stall.stop());
    }
};

QTEST_MAIN(bench_LibraryGui)
#include "bench_librarygui.moc"
