// SPDX-License-Identifier: GPL-3.0-or-later
// The tag lane marks a cell where curators disagree: ConflictRole and an
// orange corner on the cell, for the cell only, and gone once the curator's
// own verdict agrees with the others'.
#include "widgets/lane/lanelegend.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/timeline/timeaxis.h"

#include "engine/curation/trackdocument.h"
#include "engine/store/annotationstore.h"

#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QImage>
#include <QTest>

using namespace taglane::engine;
using taglane::widgets::LaneLegend;
using taglane::widgets::TagLaneModel;
using taglane::widgets::TagLaneView;
using taglane::widgets::TimeAxis;

namespace {

int conflictPixels(QWidget &view)
{
    const QImage image = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
    const QRgb mark = LaneLegend::conflictColor().rgb();
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            n += image.pixel(x, y) == mark;
    return n;
}

} // namespace

class TstLaneConflict : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void marksCellsCuratorsDisagreeOn()
    {
        const QString where = taglane::tests::tempDir(QStringLiteral("lane-conflict")) + QStringLiteral("/store.db");
        qint64 track = 0;
        QVector<qint64> segments;
        qint64 rock = 0, male = 0;
        {
            AnnotationStore alice;
            QVERIFY(alice.setCurator(QStringLiteral("alice")).ok());
            QVERIFY(alice.open(where).ok());
            alice.setVocabulary(Vocabulary::fromNames({QStringLiteral("Genre-Rock"), QStringLiteral("Vocals-Male")}));
            TrackRecord t;
            t.path = QStringLiteral("/music/conflict.wav");
            t.contentHash = QStringLiteral("c0ffee");
            t.durationSeconds = 30.0;
            track = alice.addTrack(t)->id;
            const auto seg = alice.saveSegmentation(track, Segmentation::fixedWindows(30.0, 10.0), SegmentSource::Fixed);
            for (const Segment &s : seg->segments())
                segments << s.id;
            rock = alice.tagId(QStringLiteral("Genre-Rock"));
            male = alice.tagId(QStringLiteral("Vocals-Male"));
            const qint64 seq = alice.setVerdicts(track, {{segments[0], rock, Verdict::Present},
                                                         {segments[1], male, Verdict::Absent},
                                                         {segments[2], rock, Verdict::Present}});
            QVERIFY(alice.waitForSaved(0, seq).ok());
        }
        AnnotationStore bob;
        QVERIFY(bob.setCurator(QStringLiteral("bob")).ok());
        QVERIFY(bob.open(where).ok());
        // Bob disagrees on (0, rock), agrees on (1, male), leaves (2, rock) alone.
        const qint64 seq = bob.setVerdicts(track, {{segments[0], rock, Verdict::Absent}, {segments[1], male, Verdict::Absent}});
        QVERIFY(bob.waitForSaved(0, seq).ok());

        TagLaneModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setShowAllTags(true);
        const auto loaded = model.document()->loadFromStore(&bob, track);
        QVERIFY2(loaded.ok() && loaded.value(), qPrintable(loaded.error()));
        const int rockRow = model.rowOfTag(QStringLiteral("Genre-Rock"));
        const int maleRow = model.rowOfTag(QStringLiteral("Vocals-Male"));
        QVERIFY(rockRow >= 0 && maleRow >= 0);
        QCOMPARE(model.index(rockRow, 0).data(TagLaneModel::VerdictRole).toInt(), int(TagLaneModel::Absent));   // bob's own
        QVERIFY(model.index(rockRow, 0).data(TagLaneModel::ConflictRole).toBool());
        QVERIFY(!model.index(maleRow, 1).data(TagLaneModel::ConflictRole).toBool());   // they agree
        QVERIFY(!model.index(rockRow, 2).data(TagLaneModel::ConflictRole).toBool());   // only alice judged it
        QVERIFY(!model.index(rockRow, 1).data(TagLaneModel::ConflictRole).toBool());
        QVERIFY(model.index(rockRow, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("curators disagree")));

        TimeAxis axis;
        axis.setTotalDuration(30.0);
        axis.setVisibleRange(0.0, 30.0);
        TagLaneView view(&axis);
        view.setModel(&model);
        view.resize(900, 260);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const int marked = conflictPixels(view);
        QVERIFY2(marked >= 4, qPrintable(QString::number(marked)));

        // Bob comes round to alice's verdict: no conflict, no mark.
        QVERIFY(model.setData(model.index(rockRow, 0), int(TagLaneModel::Present), TagLaneModel::VerdictRole));
        QVERIFY(!model.index(rockRow, 0).data(TagLaneModel::ConflictRole).toBool());
        view.update();
        QCOMPARE(conflictPixels(view), 0);
    }
};

QTEST_MAIN(TstLaneConflict)
#include "tst_laneconflict.moc"
