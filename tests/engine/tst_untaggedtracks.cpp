// SPDX-License-Identifier: GPL-3.0-or-later
// UntaggedTracks (read on a worker with a connection of its own) lists the
// same tracks, in the same order, as BatchTagger::untaggedTracks: those the
// model version has not tagged, whoever else tagged them.
#include "engine/library/batchtagger.h"
#include "engine/library/untaggedtracks.h"
#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"

#include "testsupport.h"

#include <QtTest>

using namespace taglane::engine;

class tst_UntaggedTracks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameAsBatchTagger()
    {
        const auto bundle = ModelBundle::open(QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel"));
        QVERIFY(bundle);
        auto tagger = Tagger::load(bundle.value(), DevicePreference::Cpu);
        QVERIFY2(tagger, qPrintable(tagger.error()));
        const ModelManifest &manifest = tagger.value()->manifest();

        const QString dir = taglane::tests::tempDir(QStringLiteral("untaggedtracks"));
        AnnotationStore store;
        QVERIFY(store.open(dir + QStringLiteral("/store.sqlite")).ok());
        ModelManifest other;
        other.name = other.version = QStringLiteral("someone-else");
        other.tags = manifest.tags;
        QVERIFY(store.registerModelVersion(manifest));
        QVERIFY(store.registerModelVersion(other));
        const QVector<qint64> tagIds = store.tagIds(manifest.tags.names(), true);
        QVector<qint64> ids;
        // Paths out of id order, so the order by path shows.
        for (int i = 0; i < 9; ++i) {
            TrackRecord r;
            r.path = QStringLiteral("/lib/%1.wav").arg(QChar(QLatin1Char(char('z' - i))));
            r.contentHash = QStringLiteral("%1").arg(i + 1, 40, 16, QLatin1Char('0'));
            r.sizeBytes = 1000 + i;
            r.durationSeconds = 3.0 + i;
            r.sampleRate = 16000;
            r.channels = 1;
            const auto added = store.addTrack(r);
            QVERIFY(added);
            ids << added->id;
            const auto seg = store.saveSegmentation(added->id, Segmentation::fixedWindows(r.durationSeconds, 3.0), SegmentSource::Fixed);
            QVERIFY(seg);
            // Tracks 0, 3, 6 by the model; 1, 4, 7 by another version only.
            const QString version = i % 3 == 0 ? manifest.version : i % 3 == 1 ? other.version : QString();
            if (version.isEmpty())
                continue;
            PredictionBatch b;
            b.trackId = added->id;
            b.modelVersion = version;
            b.tagIds = tagIds;
            for (const Segment &s : seg->segments()) {
                b.segmentIds << s.id;
                for (int t = 0; t < tagIds.size(); ++t)
                    b.probabilities << 0.5f;
            }
            QVERIFY(store.storePredictions(b));
        }
        QVERIFY(store.waitForDurable(store.lastEditSeq()));

        const BatchTagger batch(store, *tagger.value(), {});
        const auto expected = batch.untaggedTracks();
        QVERIFY(expected);
        const auto listed = UntaggedTracks::list(store.path(), manifest.version);
        QVERIFY2(listed, qPrintable(listed.error()));
        QCOMPARE(listed->size(), 6);
        QCOMPARE(listed->size(), expected->size());
        for (int i = 0; i < listed->size(); ++i) {
            const TrackRecord &a = listed->at(i), &b = expected->at(i);
            QCOMPARE(a.id, b.id);
            QCOMPARE(a.path, b.path);
            QCOMPARE(a.contentHash, b.contentHash);
            QCOMPARE(a.sizeBytes, b.sizeBytes);
            QCOMPARE(a.durationSeconds, b.durationSeconds);
            QCOMPARE(a.sampleRate, b.sampleRate);
            QCOMPARE(a.channels, b.channels);
            QVERIFY(a.id != ids.at(0) && a.id != ids.at(3) && a.id != ids.at(6));
        }
        QVERIFY(std::is_sorted(listed->begin(), listed->end(),
                               [](const TrackRecord &x, const TrackRecord &y) { return x.path < y.path; }));

        // A store that is not there is a clear failure.
        const auto missing = UntaggedTracks::list(dir + QStringLiteral("/none.sqlite"), manifest.version);
        QVERIFY(!missing);
        QVERIFY(missing.error().contains(QStringLiteral("none.sqlite")));
    }
};

QTEST_GUILESS_MAIN(tst_UntaggedTracks)
#include "tst_untaggedtracks.moc"
