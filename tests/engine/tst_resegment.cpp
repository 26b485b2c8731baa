// SPDX-License-Identifier: GPL-3.0-or-later
// Re-segmentation keeps curated verdicts by overlap (more than half, no
// stronger conflict), re-maps probabilities by overlap-weighted mean, and
// frame labels become segment labels by the window mean against 0.5.
// Every expected value below is worked out by hand in the comments.
#include "engine/curation/resegmenter.h"
#include "engine/curation/trackdocument.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace taglane::engine;

namespace {

constexpr float nan = std::numeric_limits<float>::quiet_NaN();

CellLabel lab(Verdict v, const QString &actor = QStringLiteral("curator"), qint64 at = 1000)
{
    return CellLabel{v, actor, at};
}

// Two old segments, two tags (A, B):
//   [0,10):  A present (by "ann", t=1),  B unknown,  p(v1) = (0.2, 0.9)
//   [10,20): A absent  (by "bob", t=2),  B present,  p(v1) = (0.8, NaN)
QVector<SegmentRow> twoRows()
{
    SegmentRow a;
    a.segment = {1, 0.0, 10.0};
    a.labels = {lab(Verdict::Present, QStringLiteral("ann"), 1), CellLabel{}};
    a.probabilities.insert(QStringLiteral("v1"), {0.2f, 0.9f});
    SegmentRow b;
    b.segment = {2, 10.0, 20.0};
    b.labels = {lab(Verdict::Absent, QStringLiteral("bob"), 2), lab(Verdict::Present, QStringLiteral("bob"), 3)};
    b.probabilities.insert(QStringLiteral("v1"), {0.8f, nan});
    return {a, b};
}

} // namespace

class TstResegment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verdictNeedsMoreThanHalf()
    {
        const auto rows = Resegmenter::remap(twoRows(), {{11, 0.0, 6.0}, {12, 6.0, 16.0}, {13, 16.0, 20.0}}, 2);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[0].segment.id, qint64(11));
        // [0,6): A present covers 6/6; B: nothing known.
        QCOMPARE(rows[0].labels[0].verdict, Verdict::Present);
        QCOMPARE(rows[0].labels[0].actor, QStringLiteral("ann"));
        QCOMPARE(rows[0].labels[1].verdict, Verdict::Unknown);
        // [6,16): A present 4 s, absent 6 s of 10 -> absent (6 > 5); B present 6 s -> present.
        QCOMPARE(rows[1].labels[0].verdict, Verdict::Absent);
        QCOMPARE(rows[1].labels[0].actor, QStringLiteral("bob"));
        QCOMPARE(rows[1].labels[0].atMs, qint64(2));
        QCOMPARE(rows[1].labels[1].verdict, Verdict::Present);
        // [16,20): inside the second old segment.
        QCOMPARE(rows[2].labels[0].verdict, Verdict::Absent);
        QCOMPARE(rows[2].labels[1].verdict, Verdict::Present);
    }

    void exactHalfOrGapsGiveUnknown()
    {
        // [5,15): A present 5 s, absent 5 s: neither more than half.
        auto rows = Resegmenter::remap(twoRows(), {{1, 5.0, 15.0}}, 2);
        QCOMPARE(rows[0].labels[0].verdict, Verdict::Unknown);
        // B present covers 5 of 10: not more than half.
        QCOMPARE(rows[0].labels[1].verdict, Verdict::Unknown);
        // [0,20): A present 10, absent 10 -> unknown; B present 10 of 20 -> unknown.
        rows = Resegmenter::remap(twoRows(), {{1, 0.0, 20.0}}, 2);
        QCOMPARE(rows[0].labels[0].verdict, Verdict::Unknown);
        // A segment reaching past the old ones: [14,30) gets absent for 6 of 16 s only.
        rows = Resegmenter::remap(twoRows(), {{1, 14.0, 30.0}}, 2);
        QCOMPARE(rows[0].labels[0].verdict, Verdict::Unknown);
        // [12,22): absent covers 8 of 10 -> absent.
        rows = Resegmenter::remap(twoRows(), {{1, 12.0, 22.0}}, 2);
        QCOMPARE(rows[0].labels[0].verdict, Verdict::Absent);
    }

    void probabilitiesAreOverlapWeightedMeans()
    {
        const auto rows = Resegmenter::remap(twoRows(), {{1, 6.0, 16.0}, {2, 25.0, 30.0}}, 2);
        const QVector<float> p = rows[0].probabilities.value(QStringLiteral("v1"));
        QCOMPARE(p.size(), 2);
        // A: (4 * 0.2 + 6 * 0.8) / 10 = 0.56
        QVERIFY(std::abs(p[0] - 0.56f) < 1e-6f);
        // B: only the first old segment has a value: 0.9.
        QVERIFY(std::abs(p[1] - 0.9f) < 1e-6f);
        // Nothing overlaps [25,30): no probabilities at all.
        QVERIFY(rows[1].probabilities.isEmpty());
        QCOMPARE(rows[1].labels[0].verdict, Verdict::Unknown);
    }

    void documentResegmentKeepsVerdictsAndUndoes()
    {
        TrackDocument doc;
        doc.reset(Vocabulary::fromNames({QStringLiteral("A"), QStringLiteral("B")}),
                  {{1, 0.0, 10.0}, {2, 10.0, 20.0}});
        doc.applyCells({{1, QStringLiteral("A"), lab(Verdict::Present)}, {2, QStringLiteral("A"), lab(Verdict::Absent)}});
        const QVector<SegmentRow> before = doc.rows();
        auto change = doc.planResegment(Segmentation::fixedWindows(20.0, 5.0, 1.0).segments());
        QVERIFY(change.ok());
        QVERIFY(doc.apply(change.value(), SegmentSource::Fixed).ok());
        QCOMPARE(doc.segmentCount(), 4);
        for (int s = 0; s < 4; ++s)
            QCOMPARE(doc.label(s, 0).verdict, s < 2 ? Verdict::Present : Verdict::Absent);
        // Fresh ids that did not exist before.
        QVERIFY(doc.segment(0).id > 2);
        QVERIFY(doc.revert(change.value()).ok());
        QCOMPARE(doc.rows(), before);
        // Overlapping segments are refused.
        QVERIFY(!doc.planResegment({{0, 0.0, 10.0}, {0, 5.0, 20.0}}).ok());
    }
};

QTEST_GUILESS_MAIN(TstResegment)
#include "tst_resegment.moc"
