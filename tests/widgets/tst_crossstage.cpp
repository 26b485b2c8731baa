// SPDX-License-Identifier: GPL-3.0-or-later
// Stages meet: verdicts a curator makes in the lane's document on tags of
// the shipped model that the store's vocabulary lacks (Strings, Brass) reach
// the store, the library's reviewed share, a reopened lane, the retrain
// plan and the CAL500exp and JAMS exports, absent verdicts included.
#include "widgets/models/modelfolders.h"
#include "widgets/training/retrainplan.h"

#include "engine/curation/trackdocument.h"
#include "engine/formats/labelexporter.h"
#include "engine/formats/labelimporter.h"
#include "engine/formats/storelabels.h"
#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"
#include "engine/train/retrainer.h"

#include "testsupport.h"

#include <QtTest>

using namespace taglane;
using engine::Verdict;

namespace {
const QString kStrings = QStringLiteral("Instrument_-_Strings");
const QString kBrass = QStringLiteral("Instrument_-_Brass");
}

class tst_CrossStage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void laneVerdictsOnModelTagsReachEveryStage()
    {
        const auto bundle = engine::ModelBundle::open(QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel"));
        QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
        const engine::Vocabulary modelTags = bundle->manifest().tags;
        QVERIFY(modelTags.indexOf(kStrings) >= 0);
        const engine::Vocabulary storeTags = engine::Vocabulary::bundledDefault();
        QCOMPARE(storeTags.indexOf(kStrings), -1);   // the case that hid verdicts

        const QString dir = tests::tempDir(QStringLiteral("cross-stage"));
        const QString path = dir + QStringLiteral("/store.db");
        qint64 track = 0;
        {
            engine::AnnotationStore store;
            QVERIFY(store.open(path).ok());
            store.setVocabulary(storeTags);
            engine::TrackRecord record;
            record.path = dir + QStringLiteral("/piece.wav");
            record.contentHash = QStringLiteral("cafe");
            record.durationSeconds = 12.0;
            track = store.addTrack(record)->id;
            engine::TrackDocument doc;
            doc.reset(modelTags, engine::Segmentation::fixedWindows(12.0, 4.0).segments());
            doc.attachStore(&store, track, true);
            const auto segment = [&](int i) { return doc.segments().at(i).id; };
            engine::CellLabel present{Verdict::Present, QStringLiteral("curator"), 1};
            engine::CellLabel absent{Verdict::Absent, QStringLiteral("curator"), 2};
            QCOMPARE(doc.applyCells({{segment(0), kStrings, present}, {segment(1), kStrings, absent},
                                     {segment(2), kBrass, present}}),
                     3);
            QVERIFY(store.waitForSaved(0, store.lastEditSeq()).ok());
        }

        engine::AnnotationStore store;
        QVERIFY(store.open(path).ok());
        // The library counts them.
        QCOMPARE(store.librarySummary()->at(0).reviewedCells, 3);
        // A reopened lane shows them.
        engine::TrackDocument reopened;
        QVERIFY(reopened.loadFromStore(&store, track).value());
        QCOMPARE(reopened.label(1, reopened.tagIndex(kStrings)).verdict, Verdict::Absent);
        QCOMPARE(reopened.label(2, reopened.tagIndex(kBrass)).verdict, Verdict::Present);
        // Retrain counts them, as tags the model already has.
        const auto curated = engine::Retrainer::curatedFromStore(store, {});
        QVERIFY(curated.ok());
        const widgets::RetrainPlan plan = widgets::RetrainPlan::make(curated.value(), bundle->manifest());
        QVERIFY2(plan.canStart(), qPrintable(plan.problem));
        QCOMPARE(plan.segments, 3);
        bool sawStrings = false;
        for (const auto &count : plan.tags) {
            if (count.tag.name == kStrings) {
                sawStrings = true;
                QCOMPARE(count.present, 1);
                QCOMPARE(count.absent, 1);
                QVERIFY(count.inModel);
            }
        }
        QVERIFY(sawStrings);
        QVERIFY(plan.newTags.isEmpty());
        // Both exports carry them, the absent one too, and read back the same.
        const auto labels = engine::StoreLabels::exportTrack(store, track);
        QVERIFY(labels.ok());
        for (const engine::LabelFormat format : {engine::LabelFormat::Cal500Exp, engine::LabelFormat::Jams}) {
            const QByteArray bytes = engine::LabelExporter::toBytes(labels.value(), format, {});
            QVERIFY(bytes.contains(kStrings.toUtf8()));
            const auto back = engine::LabelImporter::parse(bytes, dir + QStringLiteral("/piece") + engine::LabelFormats::suffix(format), format);
            QVERIFY2(back.ok(), qPrintable(back.error()));
            const engine::TrackLabels &t = back->tracks.first();
            QCOMPARE(t.cell(0, t.tags.indexOf(kStrings)).verdict, Verdict::Present);
            QCOMPARE(t.cell(1, t.tags.indexOf(kStrings)).verdict, Verdict::Absent);
            QCOMPARE(t.cell(2, t.tags.indexOf(kBrass)).verdict, Verdict::Present);
        }
    }
};

QTEST_MAIN(tst_CrossStage)
#include "tst_crossstage.moc"
