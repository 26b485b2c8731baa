// SPDX-License-Identifier: GPL-3.0-or-later
// Every undo command: redo, undo, redo again gives back the same full
// document snapshot (segments with ids, labels with provenance,
// probabilities of every model version), also with an annotation store
// giving the ids; and a merged boundary drag is one step.
#include "testsupport.h"

#include "widgets/lane/commands/segmentchangecommand.h"
#include "widgets/lane/commands/setverdictscommand.h"

#include "engine/curation/trackdocument.h"
#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"

#include <QCryptographicHash>
#include <QTest>
#include <QUndoStack>

using namespace taglane;
using engine::CellLabel;
using engine::SegmentRow;
using engine::TrackDocument;
using engine::Verdict;
using widgets::SegmentChangeCommand;
using widgets::SetVerdictsCommand;

namespace {

struct Snapshot
{
    QStringList tags;
    QVector<SegmentRow> rows;
    bool operator==(const Snapshot &o) const { return tags == o.tags && rows == o.rows; }
};

Snapshot snapshot(const TrackDocument &doc)
{
    return {doc.tags().names(), doc.rows()};
}

const QString a = QStringLiteral("Emotion-Happy");
const QString b = QStringLiteral("Genre-Rock");

void fill(TrackDocument &doc)
{
    doc.reset(engine::Vocabulary::fromNames({a, b}), engine::Segmentation::fixedWindows(40.0, 10.0).segments());
    for (int s = 0; s < 4; ++s) {
        doc.setProbability(QStringLiteral("v1"), s, 0, 0.1f * float(s + 1));
        doc.setProbability(QStringLiteral("v2"), s, 1, 0.9f - 0.2f * float(s));
    }
    doc.setCurrentModelVersion(QStringLiteral("v1"));
    doc.applyCells({{doc.segment(0).id, a, CellLabel{Verdict::Present, QStringLiteral("curator"), 11}},
                    {doc.segment(1).id, a, CellLabel{Verdict::Absent, QStringLiteral("v1"), 12}},
                    {doc.segment(2).id, b, CellLabel{Verdict::Present, QStringLiteral("curator"), 13}}});
}

/// Pushes `command` and checks redo-undo-redo against full snapshots.
void checkRoundTrip(QUndoStack &stack, TrackDocument &doc, QUndoCommand *command)
{
    const Snapshot before = snapshot(doc);
    stack.push(command);
    const Snapshot after = snapshot(doc);
    QVERIFY(!(after == before));
    stack.undo();
    QVERIFY(snapshot(doc) == before);
    stack.redo();
    QVERIFY(snapshot(doc) == after);
    stack.undo();
    stack.redo();
    QVERIFY(snapshot(doc) == after);
}

TrackDocument::CellEdit edit(const TrackDocument &doc, int segment, const QString &tag, Verdict v)
{
    return {doc.segment(segment).id, tag, CellLabel{v, QStringLiteral("curator"), 1000 + segment}};
}

} // namespace

class TstUndo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void setVerdicts()
    {
        TrackDocument doc;
        fill(doc);
        QUndoStack stack;
        checkRoundTrip(stack, doc,
                       new SetVerdictsCommand(&doc, {edit(doc, 0, a, Verdict::Absent), edit(doc, 3, b, Verdict::Present),
                                                     edit(doc, 2, b, Verdict::Unknown)},
                                              QStringLiteral("verdicts")));
        QCOMPARE(doc.label(0, 0).verdict, Verdict::Absent);
        QCOMPARE(doc.label(2, 1).verdict, Verdict::Unknown);
    }

    void paintMacroIsOneStep()
    {
        TrackDocument doc;
        fill(doc);
        QUndoStack stack;
        const Snapshot before = snapshot(doc);
        stack.beginMacro(QStringLiteral("paint"));
        for (int s = 0; s < 4; ++s)
            stack.push(new SetVerdictsCommand(&doc, {edit(doc, s, b, Verdict::Absent)}, QStringLiteral("cell")));
        stack.endMacro();
        QCOMPARE(stack.count(), 1);
        const Snapshot after = snapshot(doc);
        stack.undo();
        QVERIFY(snapshot(doc) == before);
        stack.redo();
        QVERIFY(snapshot(doc) == after);
    }

    void split()
    {
        TrackDocument doc;
        fill(doc);
        QUndoStack stack;
        checkRoundTrip(stack, doc,
                       new SegmentChangeCommand(&doc, doc.planSplit(15.0).value(), SegmentChangeCommand::Kind::Split,
                                                engine::SegmentSource::Curator, QStringLiteral("split")));
        QCOMPARE(doc.segmentCount(), 5);
    }

    void merge()
    {
        TrackDocument doc;
        fill(doc);
        QUndoStack stack;
        checkRoundTrip(stack, doc,
                       new SegmentChangeCommand(&doc, doc.planMerge(doc.segment(1).id).value(),
                                                SegmentChangeCommand::Kind::Merge, engine::SegmentSource::Curator,
                                                QStringLiteral("merge")));
        QCOMPARE(doc.segmentCount(), 3);
    }

    void moveBoundaryMergesWithinOneGesture()
    {
        TrackDocument doc;
        fill(doc);
        QUndoStack stack;
        const Snapshot before = snapshot(doc);
        const qint64 left = doc.segment(1).id;
        for (double t : {21.0, 23.0, 26.5}) {
            auto *cmd = new SegmentChangeCommand(&doc, doc.planMoveBoundary(left, t).value(),
                                                 SegmentChangeCommand::Kind::MoveBoundary,
                                                 engine::SegmentSource::Curator, QStringLiteral("move"));
            cmd->setGesture(1);
            stack.push(cmd);
        }
        QCOMPARE(stack.count(), 1);
        QCOMPARE(doc.segment(1).end, 26.5);
        const Snapshot after = snapshot(doc);
        stack.undo();
        QVERIFY(snapshot(doc) == before);
        stack.redo();
        QVERIFY(snapshot(doc) == after);
        // A new gesture is a new step.
        auto *cmd = new SegmentChangeCommand(&doc, doc.planMoveBoundary(left, 25.0).value(),
                                             SegmentChangeCommand::Kind::MoveBoundary, engine::SegmentSource::Curator,
                                             QStringLiteral("move"));
        cmd->setGesture(2);
        checkRoundTrip(stack, doc, cmd);
        QCOMPARE(stack.count(), 2);
    }

    void resegment()
    {
        TrackDocument doc;
        fill(doc);
        QUndoStack stack;
        checkRoundTrip(stack, doc,
                       new SegmentChangeCommand(&doc, doc.planResegment(engine::Segmentation::fixedWindows(40.0, 7.0).segments()).value(),
                                                SegmentChangeCommand::Kind::Resegment, engine::SegmentSource::Fixed,
                                                QStringLiteral("resegment")));
        QCOMPARE(doc.segmentCount(), 6);
    }

    void laterCommandsFindSegmentsAfterUndoRedo()
    {
        // Split, then edit the new segment, then undo both and redo both:
        // the verdict command finds the new segment by its (kept) id.
        TrackDocument doc;
        fill(doc);
        QUndoStack stack;
        stack.push(new SegmentChangeCommand(&doc, doc.planSplit(5.0).value(), SegmentChangeCommand::Kind::Split,
                                            engine::SegmentSource::Curator, QStringLiteral("split")));
        stack.push(new SetVerdictsCommand(&doc, {edit(doc, 1, b, Verdict::Absent)}, QStringLiteral("v")));
        const Snapshot after = snapshot(doc);
        stack.undo();
        stack.undo();
        stack.redo();
        stack.redo();
        QVERIFY(snapshot(doc) == after);
        QCOMPARE(doc.label(1, 1).verdict, Verdict::Absent);
    }

    void roundTripWithStoreIds()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("undo-store")) + QStringLiteral("/store.db");
        engine::AnnotationStore store;
        QVERIFY(store.open(path).ok());
        store.setVocabulary(engine::Vocabulary::fromNames({a, b}));
        engine::TrackRecord record;
        record.path = QStringLiteral("/music/u.wav");
        record.contentHash = QString::fromLatin1(QCryptographicHash::hash("u", QCryptographicHash::Sha1).toHex());
        record.durationSeconds = 40.0;
        const qint64 track = store.addTrack(record)->id;
        TrackDocument doc;
        fill(doc);
        doc.attachStore(&store, track, true);
        QUndoStack stack;
        checkRoundTrip(stack, doc,
                       new SegmentChangeCommand(&doc, doc.planSplit(33.0).value(), SegmentChangeCommand::Kind::Split,
                                                engine::SegmentSource::Curator, QStringLiteral("split")));
        checkRoundTrip(stack, doc,
                       new SegmentChangeCommand(&doc, doc.planMerge(doc.segment(0).id).value(),
                                                SegmentChangeCommand::Kind::Merge, engine::SegmentSource::Curator,
                                                QStringLiteral("merge")));
        stack.undo();
        QVERIFY(store.waitForDurable(doc.lastEditSeq()));
        const auto grid = store.labelGrid(track);
        QVERIFY(grid.ok());
        QCOMPARE(grid->segmentation.segments(), doc.segments());
        for (int s = 0; s < doc.segmentCount(); ++s)
            for (int t = 0; t < 2; ++t)
                QCOMPARE(grid->verdict(s, t), doc.label(s, t).verdict);
    }
};

QTEST_MAIN(TstUndo)
#include "tst_undo.moc"
