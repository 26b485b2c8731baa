// SPDX-License-Identifier: GPL-3.0-or-later
// Nothing a curator saved is hidden or half-saved: tags outside the
// vocabulary, re-imports with fewer columns, atomic groups, failed writes
// reported as such, paths that are not store files.
#include "engine/curation/trackdocument.h"
#include "engine/formats/storelabels.h"
#include "engine/store/annotationstore.h"
#include "engine/store/storeschema.h"

#include "rawdb.h"
#include "tinydisk.h"
#include "silentwav.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace taglane::engine;
using taglane::tests::RawDb;

namespace {

const QString kStrings = QStringLiteral("Instrument_-_Strings");
const QString kPiano = QStringLiteral("Instrument_-_Piano");
const QString kRock = QStringLiteral("Genre-Rock");

TrackRecord makeTrack(const QString &name, double duration)
{
    TrackRecord t;
    t.path = QStringLiteral("/music/") + name;
    t.contentHash = QString::fromLatin1(QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha1).toHex());
    t.durationSeconds = duration;
    return t;
}

// A 16-bit mono WAV of silence, so import can probe it.
void writeWav(const QString &path, double seconds, int rate = 8000)
{
    QVERIFY(taglane::tests::writeSilentWav(path, seconds, rate));
}

StoreImportItem item(const QString &audio, double duration, const QVector<double> &bounds, const QStringList &tags,
                     const QVector<Verdict> &cells, const QString &origin)
{
    StoreImportItem it;
    it.audioPath = audio;
    it.durationSeconds = duration;
    it.origin = origin;
    QVector<Segment> segments;
    for (int i = 0; i + 1 < bounds.size(); ++i)
        segments << Segment{0, bounds.at(i), bounds.at(i + 1)};
    it.labels.file = audio;
    it.labels.segments = Segmentation::fromSegments(segments).value();
    it.labels.tags = Vocabulary::fromNames(tags);
    it.labels.cells.resize(segments.size() * tags.size());
    for (int i = 0; i < cells.size(); ++i)
        it.labels.cells[i].verdict = cells.at(i);
    return it;
}

int countVerdicts(const LabelGrid &g, Verdict v)
{
    return int(std::count(g.verdicts.begin(), g.verdicts.end(), v));
}

} // namespace

class TestStoreIntegrity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void modelTagsOutsideTheVocabularyAreFirstClass()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("integrity-model-tags")) + QStringLiteral("/store.db");
        qint64 track = 0;
        {
            AnnotationStore store;
            QVERIFY(store.open(path).ok());
            store.setVocabulary(Vocabulary::fromNames({kRock, kPiano}));
            track = store.addTrack(makeTrack(QStringLiteral("a.wav"), 20.0))->id;
            const auto seg = store.saveSegmentation(track, Segmentation::fixedWindows(20.0, 10.0), SegmentSource::Fixed);
            // The lane asks for ids of the model's tags, one of which the vocabulary lacks.
            const QVector<qint64> ids = store.tagIds({kPiano, kStrings}, true);
            QVERIFY(ids[1] > 0);
            store.setVerdicts(track, {{seg->at(0).id, ids[1], Verdict::Present}, {seg->at(1).id, ids[1], Verdict::Absent}});
            QVERIFY(store.waitForSaved(0, store.lastEditSeq()).ok());
        }
        AnnotationStore store;
        QVERIFY(store.open(path).ok());
        QCOMPARE(store.vocabulary().names(), (QStringList{kRock, kPiano, kStrings}));
        const auto grid = store.labelGrid(track);
        QVERIFY(grid.ok());
        QCOMPARE(grid->columns(), 3);
        QCOMPARE(grid->verdict(0, 2), Verdict::Present);
        QCOMPARE(grid->verdict(1, 2), Verdict::Absent);
        const auto library = store.librarySummary();
        QCOMPARE(library->at(0).reviewedCells, 2);
        QCOMPARE(store.librarySummary(LibraryFilter{kStrings, Verdict::Absent})->size(), 1);
        const auto exported = StoreLabels::exportTrack(store, track);
        QVERIFY(exported.ok());
        const int col = exported->tags.indexOf(kStrings);
        QVERIFY(col >= 0);
        QCOMPARE(exported->cell(1, col).verdict, Verdict::Absent);
    }

    void aVerdictBringsAnInactiveTagBack()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("integrity-inactive")) + QStringLiteral("/store.db");
        AnnotationStore store;
        QVERIFY(store.open(path).ok());
        store.setVocabulary(Vocabulary::fromNames({kRock, kPiano}));
        const qint64 piano = store.tagId(kPiano);
        store.setVocabulary(Vocabulary::fromNames({kRock}));   // piano holds nothing: it leaves
        QCOMPARE(store.vocabulary().size(), 1);
        const qint64 track = store.addTrack(makeTrack(QStringLiteral("b.wav"), 10.0))->id;
        const auto seg = store.saveSegmentation(track, Segmentation::fixedWindows(10.0, 10.0), SegmentSource::Fixed);
        store.setVerdict(track, seg->at(0).id, piano, Verdict::Present);
        QCOMPARE(store.vocabulary().names(), (QStringList{kRock, kPiano}));
        QVERIFY(store.waitForSaved(0, store.lastEditSeq()).ok());
        QCOMPARE(store.labelGrid(track)->verdict(0, 1), Verdict::Present);
        // And it stays when a narrower vocabulary is set later.
        store.setVocabulary(Vocabulary::fromNames({kRock}));
        QCOMPARE(store.vocabulary().names(), (QStringList{kRock, kPiano}));
    }

    void schema3PromotesHiddenTagsOfOlderStores()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("integrity-migrate")) + QStringLiteral("/store.db");
        qint64 track = 0;
        {
            AnnotationStore store;
            QVERIFY(store.open(path).ok());
            store.setVocabulary(Vocabulary::fromNames({kRock, kPiano, kStrings}));
            track = store.addTrack(makeTrack(QStringLiteral("c.wav"), 10.0))->id;
            const auto seg = store.saveSegmentation(track, Segmentation::fixedWindows(10.0, 5.0), SegmentSource::Fixed);
            store.setVerdicts(track, {{seg->at(0).id, store.tagId(kStrings), Verdict::Absent},
                                      {seg->at(1).id, store.tagId(kRock), Verdict::Present}});
            QVERIFY(store.waitForSaved(0, store.lastEditSeq()).ok());
        }
        {
            // What a schema-2 Taglane left: the verdict's tag without a position, and no tag index.
            RawDb raw(path);
            QVERIFY(raw.exec(QStringLiteral("UPDATE tags SET position = NULL WHERE name = '%1'").arg(kStrings)));
            QVERIFY(raw.exec(QStringLiteral("UPDATE tags SET position = 1 WHERE name = '%1'").arg(kPiano)));
            QVERIFY(raw.exec(QStringLiteral("DROP INDEX verdicts_by_tag")));
            QVERIFY(raw.exec(QStringLiteral("UPDATE tracks SET reviewed_cells = 1")));
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 2")));
        }
        AnnotationStore store;
        const auto report = store.open(path);
        QVERIFY2(report.ok(), qPrintable(report.error()));
        QCOMPARE(report->schemaVersionFound, 2);
        QCOMPARE(report->schemaVersion, StoreSchema::kCurrentVersion);
        QCOMPARE(store.vocabulary().names(), (QStringList{kRock, kPiano, kStrings}));
        QCOMPARE(store.labelGrid(track)->verdict(0, 2), Verdict::Absent);
        QCOMPARE(store.librarySummary()->at(0).reviewedCells, 2);
    }

    void reimportWithFewerColumnsKeepsTheOtherVerdicts()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("integrity-reimport"));
        const QString audio = dir + QStringLiteral("/take.wav");
        writeWav(audio, 12.0);
        AnnotationStore store;
        QVERIFY(store.open(dir + QStringLiteral("/store.db")).ok());
        const QStringList three{kRock, kPiano, kStrings};
        using V = Verdict;
        const QVector<V> all{V::Present, V::Absent, V::Present, V::Absent, V::Present, V::Absent};
        QVERIFY(StoreLabels::importItems(store, {item(audio, 12.0, {0, 6, 12}, three, all, QStringLiteral("all.csv"))}).ok());
        // Same boundaries, only the piano column, changed in the first segment.
        const auto ids = StoreLabels::importItems(
            store, {item(audio, 12.0, {0, 6, 12}, {kPiano}, {V::Present, V::Unknown}, QStringLiteral("piano.csv"))});
        QVERIFY2(ids.ok(), qPrintable(ids.error()));
        auto grid = store.labelGrid(ids->first());
        QVERIFY(grid.ok());
        auto at = [&](int row, const QString &tag) {
            for (int c = 0; c < grid->columns(); ++c) {
                if (grid->tags.at(c).name == tag)
                    return grid->verdict(row, c);
            }
            return V::Unknown;
        };
        QCOMPARE(at(0, kRock), V::Present);
        QCOMPARE(at(0, kPiano), V::Present);   // replaced
        QCOMPARE(at(0, kStrings), V::Present);
        QCOMPARE(at(1, kRock), V::Absent);
        QCOMPARE(at(1, kPiano), V::Present);   // the file left it unknown: kept
        QCOMPARE(at(1, kStrings), V::Absent);

        // Other boundaries: verdicts carry over by overlap, the file's own win.
        const auto moved = StoreLabels::importItems(
            store, {item(audio, 12.0, {0, 5, 12}, {kPiano}, {V::Absent, V::Unknown}, QStringLiteral("moved.csv"))});
        QVERIFY2(moved.ok(), qPrintable(moved.error()));
        grid = store.labelGrid(moved->first());
        QCOMPARE(grid->rows(), 2);
        QCOMPARE(at(0, kPiano), V::Absent);
        QCOMPARE(at(0, kRock), V::Present);
        QCOMPARE(at(1, kRock), V::Absent);     // 5-12 s lies mostly in the old 6-12 s segment
        QCOMPARE(at(1, kStrings), V::Absent);
        QCOMPARE(countVerdicts(grid.value(), V::Unknown), 0);
    }

    void anAbandonedGroupSavesNothing()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("integrity-abandon")) + QStringLiteral("/store.db");
        AnnotationStore store;
        QVERIFY(store.open(path).ok());
        store.setVocabulary(Vocabulary::fromNames({kRock}));
        const qint64 before = store.lastEditSeq();
        QVERIFY(store.beginAtomic());
        QVERIFY(!store.beginAtomic());   // no nesting
        const qint64 track = store.addTrack(makeTrack(QStringLiteral("d.wav"), 10.0))->id;
        const auto seg = store.saveSegmentation(track, Segmentation::fixedWindows(10.0, 5.0), SegmentSource::Import);
        store.setVerdict(track, seg->at(0).id, store.tagId(kRock), Verdict::Present);
        QSignalSpy failed(&store, &AnnotationStore::writeFailed);
        store.endAtomic(false);
        const Status saved = store.waitForSaved(before, store.lastEditSeq());
        QVERIFY(!saved.ok());
        QVERIFY2(saved.error().contains(QLatin1String("not saved")), qPrintable(saved.error()));
        QTRY_COMPARE(failed.size(), 3);
        QVERIFY(!store.track(track));
        QVERIFY(store.librarySummary()->isEmpty());
    }

    void aGroupWithABadEditSavesNoneOfIt()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("integrity-group")) + QStringLiteral("/store.db");
        AnnotationStore store;
        QVERIFY(store.open(path).ok());
        store.setVocabulary(Vocabulary::fromNames({kRock}));
        const qint64 kept = store.addTrack(makeTrack(QStringLiteral("kept.wav"), 10.0))->id;
        QVERIFY(store.waitForSaved(0, store.lastEditSeq()).ok());
        const qint64 before = store.lastEditSeq();
        QVERIFY(store.beginAtomic());
        const qint64 track = store.addTrack(makeTrack(QStringLiteral("e.wav"), 10.0))->id;
        const auto seg = store.saveSegmentation(track, Segmentation::fixedWindows(10.0, 5.0), SegmentSource::Import);
        store.setVerdict(track, seg->at(0).id, store.tagId(kRock), Verdict::Present);
        store.setVerdict(track, 999999, store.tagId(kRock), Verdict::Present);   // no such segment
        store.endAtomic(true);
        const Status saved = store.waitForSaved(before, store.lastEditSeq());
        QVERIFY(!saved.ok());
        QVERIFY(!store.track(track));   // the track of the group went with it
        QVERIFY(store.track(kept));
        // Later edits commit again, and say so.
        QSignalSpy recovered(&store, &AnnotationStore::writesRecovered);
        const qint64 next = store.lastEditSeq();
        store.addTrack(makeTrack(QStringLiteral("f.wav"), 10.0));
        QVERIFY(store.waitForSaved(next, store.lastEditSeq()).ok());
        QTRY_COMPARE(recovered.size(), 1);
    }

    void editsMadeWhileTheDiskWasFullAreSavedAgain()
    {
        taglane::tests::TinyDisk disk(taglane::tests::tempDir(QStringLiteral("integrity-resave")) + QStringLiteral("/tiny"), 1024);
        if (disk.dir().isEmpty())
            QSKIP("needs root to mount a tmpfs; the full-disk case is not run");
        const QString path = disk.dir() + QStringLiteral("/store.db");
        qint64 track = 0;
        {
            AnnotationStore store;
            QVERIFY(store.open(path).ok());
            track = store.addTrack(makeTrack(QStringLiteral("full.wav"), 40.0))->id;
            TrackDocument doc;
            doc.reset(Vocabulary::fromNames({kRock, kPiano}), Segmentation::fixedWindows(40.0, 4.0).segments());
            doc.attachStore(&store, track, true);
            QVERIFY(store.waitForSaved(0, store.lastEditSeq()).ok());
            QSignalSpy failed(&store, &AnnotationStore::writeFailed);
            disk.fill(0);
            const qint64 before = store.lastEditSeq();
            QVector<TrackDocument::CellEdit> edits;
            for (int i = 0; i < 10; ++i)
                edits << TrackDocument::CellEdit{doc.segments().at(i).id, kPiano, CellLabel{Verdict::Present, QStringLiteral("curator"), 5}};
            QCOMPARE(doc.applyCells(edits), 10);
            QVERIFY(!store.waitForSaved(before, store.lastEditSeq()).ok());
            QTRY_VERIFY(!failed.isEmpty());   // delivered through the event loop
            disk.empty();
            doc.resaveToStore();
            QVERIFY2(store.waitForSaved(store.durableSeq(), store.lastEditSeq()).ok(), "the second save should go through");
        }
        AnnotationStore store;
        QVERIFY(store.open(path).ok());
        const auto grid = store.labelGrid(track);
        QVERIFY(grid.ok());
        QCOMPARE(countVerdicts(grid.value(), Verdict::Present), 10);
    }

    void aFolderIsNotAStore()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("integrity-folder"));
        const QString folder = dir + QStringLiteral("/store.db");
        QVERIFY(QDir().mkpath(folder));
        for (const auto mode : {AnnotationStore::OpenMode::ReadWrite, AnnotationStore::OpenMode::ReadOnly,
                                AnnotationStore::OpenMode::ReadWriteElseReadOnly}) {
            AnnotationStore store;
            const auto report = store.open(folder, mode);
            QVERIFY(!report.ok());
            QVERIFY2(report.error().contains(QLatin1String("folder")), qPrintable(report.error()));
        }
        QVERIFY(QFileInfo(folder).isDir());
        QCOMPARE(QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList{QStringLiteral("store.db")});
    }

    // A store whose catalogue (tags, model versions, ids) cannot be read is
    // refused with a sentence, in every mode: opened with no tags it would
    // show none of its verdicts, and new rows would take ids in use.
    void aStoreWhoseTagsCannotBeReadIsNotOpened()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("integrity-unreadable-tags")) + QStringLiteral("/store.db");
        {
            AnnotationStore store;
            QVERIFY(store.open(path).ok());
            store.setVocabulary(Vocabulary::fromNames({kRock, kPiano}));
            const qint64 track = store.addTrack(makeTrack(QStringLiteral("c.wav"), 10.0))->id;
            const auto seg = store.saveSegmentation(track, Segmentation::fixedWindows(10.0, 5.0), SegmentSource::Fixed);
            store.setVerdict(track, seg->at(0).id, store.tagId(kPiano), Verdict::Present);
            QVERIFY(store.waitForSaved(0, store.lastEditSeq()).ok());
        }
        {
            RawDb raw(path);
            QVERIFY(raw.ok());
            // The tags' rows become unreadable to the store's query (a
            // column it selects is gone) while the verdicts stay.
            QVERIFY(raw.exec(QStringLiteral("ALTER TABLE tags RENAME COLUMN category TO category_lost")));
        }
        for (const auto mode : {AnnotationStore::OpenMode::ReadOnly, AnnotationStore::OpenMode::ReadWrite}) {
            AnnotationStore store;
            const auto report = store.open(path, mode);
            QVERIFY2(!report.ok(), "a store whose tags cannot be read was opened");
            QVERIFY2(report.error().contains(QLatin1String("tags")) && report.error().contains(path),
                     qPrintable(report.error()));
            QVERIFY(!store.isOpen());
        }
        RawDb raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM verdicts")).toInt(), 1);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM tags")).toInt(), 2);
    }

    void readOnlyOpenCreatesNothing()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("integrity-readonly"));
        AnnotationStore store;
        QVERIFY(!store.open(dir + QStringLiteral("/missing.db"), AnnotationStore::OpenMode::ReadOnly).ok());
        QVERIFY(QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStoreIntegrity)
#include "tst_storeintegrity.moc"
