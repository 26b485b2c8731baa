// SPDX-License-Identifier: GPL-3.0-or-later
// "Complete My Review" on a real TrackView (offscreen): with a few verdicts
// on a tagged track the action completes the review off the GUI thread, the
// lane model shows a suggestion on every unreviewed cell of the model's tags
// (CompletionRole, the tooltip, a mark drawn in the lane) and none on the
// reviewed ones; "Accept Review Suggestions" makes them verdicts (actor
// "completion") in one undo step that undoes and redoes exactly; a track
// without verdicts gets a clear message, and opening another track drops
// the suggestions.
#include "lanefixture.h"
#include "testsupport.h"

#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/track/trackview.h"

#include "engine/curation/trackdocument.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QUndoStack>

#include <cmath>

using namespace taglane;
using engine::Verdict;
using widgets::TagLaneModel;
using widgets::TrackView;

namespace {

const QStringList kTags{QStringLiteral("Instrument-Piano"), QStringLiteral("Instrument-Strings"),
                        QStringLiteral("Instrument-Drums"), QStringLiteral("Instrument-Bass"),
                        QStringLiteral("Vocals-Male")};
constexpr int kSegments = 8;

/// Tags 0-1 in the first half, 2-4 in the second; the model blurs it.
float probability(int segment, int tag)
{
    const bool on = (segment < kSegments / 2) == (tag < 2);
    const double wobble = std::sin(1.7 * segment + 2.3 * tag);   // deterministic "noise"
    return float(1.0 / (1.0 + std::exp(-((on ? 0.8 : -0.8) + 1.2 * wobble))));
}

} // namespace

class TstReviewCompletion : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TrackView> m_view;
    QString m_dir;

    TagLaneModel *model() const { return m_view->tagLaneModel(); }
    engine::TrackDocument *doc() const { return m_view->document(); }

    /// Curator verdicts on a third of the cells (true to the two sections).
    void judgeSome()
    {
        QVector<engine::TrackDocument::CellEdit> edits;
        for (int s = 0; s < kSegments; ++s)
            for (int t = 0; t < kTags.size(); ++t)
                if ((s + 2 * t) % 3 == 0)
                    edits.push_back({doc()->segment(s).id, kTags[t],
                                     engine::CellLabel{(s < kSegments / 2) == (t < 2) ? Verdict::Present : Verdict::Absent,
                                                       QStringLiteral("curator"), 1000}});
        QCOMPARE(doc()->applyCells(edits), int(edits.size()));
    }

    int suggestionCount() const
    {
        int n = 0;
        for (int r = 0; r < model()->rowCount(); ++r)
            for (int c = 0; c < model()->columnCount(); ++c)
                n += model()->index(r, c).data(TagLaneModel::CompletionRole).isValid();
        return n;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = taglane::tests::tempDir(QStringLiteral("reviewcompletion"));
        m_view = std::make_unique<TrackView>();
        m_view->resize(1300, 800);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
        m_view->setTrack(taglane::tests::silentTrack(m_dir, kSegments * 10.0));
        taglane::tests::fakeInference(*m_view, taglane::tests::fakePlan(kTags, kSegments * 10.0, 10.0, QStringLiteral("fake-v1")),
                                      probability);
        QCOMPARE(model()->columnCount(), kSegments);
        QCOMPARE(model()->rowCount(), kTags.size());
        m_view->undoStack()->clear();
    }

    void cleanup() { m_view.reset(); }

    void noVerdictsIsAClearFailure()
    {
        QSignalSpy failed(m_view.get(), &TrackView::reviewCompletionFailed);
        QSignalSpy done(m_view.get(), &TrackView::reviewCompleted);
        QVERIFY(m_view->completeReview());
        QVERIFY(failed.wait(10000));
        QCOMPARE(done.count(), 0);
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("no verdicts")),
                 qPrintable(failed.first().first().toString()));
        QVERIFY(m_view->lastStatusMessage().contains(QStringLiteral("no verdicts")));
        QCOMPARE(suggestionCount(), 0);
        QVERIFY(!m_view->acceptCompletionAction()->isEnabled());
    }

    void suggestionsAppearAndAcceptIsUndoable()
    {
        QAbstractItemModelTester tester(model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        judgeSome();
        int curated = 0;
        for (int s = 0; s < kSegments; ++s)
            for (int t = 0; t < kTags.size(); ++t)
                curated += doc()->label(s, t).verdict != Verdict::Unknown;
        const QImage before = m_view->tagLaneView()->grab().toImage();

        QSignalSpy done(m_view.get(), &TrackView::reviewCompleted);
        QVERIFY(!m_view->acceptCompletionAction()->isEnabled());
        m_view->completeReviewAction()->trigger();
        QVERIFY(m_view->completionRunning());   // the result comes through the event loop
        QVERIFY(!m_view->completeReviewAction()->isEnabled());
        QVERIFY(done.wait(10000));
        QVERIFY(!m_view->completionRunning());
        QVERIFY(m_view->completeReviewAction()->isEnabled());
        const int suggested = done.first().first().toInt();
        QCOMPARE(suggested, kSegments * kTags.size() - curated);
        QCOMPARE(suggestionCount(), suggested);
        QVERIFY(m_view->acceptCompletionAction()->isEnabled());

        // Every unreviewed cell has a value, every reviewed one none; the
        // tooltip names it; the sections come out (the model's blur is
        // corrected from the verdicts on average).
        double presentMean = 0.0, absentMean = 0.0;
        int present = 0, absent = 0;
        for (int r = 0; r < model()->rowCount(); ++r) {
            const int t = kTags.indexOf(model()->tagNameOfRow(r));
            for (int c = 0; c < kSegments; ++c) {
                const QModelIndex i = model()->index(r, c);
                const bool reviewed = i.data(TagLaneModel::VerdictRole).toInt() != TagLaneModel::Unknown;
                QCOMPARE(i.data(TagLaneModel::CompletionRole).isValid(), !reviewed);
                if (reviewed)
                    continue;
                QVERIFY(i.data(Qt::ToolTipRole).toString().contains(QStringLiteral("suggested from your review")));
                const double v = i.data(TagLaneModel::CompletionRole).toDouble();
                if ((c < kSegments / 2) == (t < 2)) {
                    presentMean += v;
                    ++present;
                } else {
                    absentMean += v;
                    ++absent;
                }
            }
        }
        QVERIFY(present > 0 && absent > 0);
        QVERIFY(presentMean / present > absentMean / absent);
        // The marks are drawn.
        const QImage after = m_view->tagLaneView()->grab().toImage();
        QCOMPARE(after.size(), before.size());
        QVERIFY(after != before);

        // Accept: one undo step, verdicts by the threshold, actor "completion".
        const double threshold = model()->threshold();
        QHash<QPair<int, int>, double> values;
        for (int r = 0; r < model()->rowCount(); ++r)
            for (int c = 0; c < kSegments; ++c)
                if (model()->index(r, c).data(TagLaneModel::CompletionRole).isValid())
                    values.insert({r, c}, model()->index(r, c).data(TagLaneModel::CompletionRole).toDouble());
        m_view->acceptCompletionAction()->trigger();
        QCOMPARE(m_view->undoStack()->count(), 1);
        QCOMPARE(suggestionCount(), 0);
        for (auto it = values.cbegin(); it != values.cend(); ++it) {
            const QModelIndex i = model()->index(it.key().first, it.key().second);
            QCOMPARE(i.data(TagLaneModel::VerdictRole).toInt(),
                     int(it.value() >= threshold ? TagLaneModel::Present : TagLaneModel::Absent));
            QCOMPARE(i.data(TagLaneModel::VerdictActorRole).toString(), QStringLiteral("completion"));
        }
        QVector<engine::SegmentRow> accepted = doc()->rows();
        m_view->undoStack()->undo();
        for (auto it = values.cbegin(); it != values.cend(); ++it) {
            const QModelIndex i = model()->index(it.key().first, it.key().second);
            QCOMPARE(i.data(TagLaneModel::VerdictRole).toInt(), int(TagLaneModel::Unknown));
            QCOMPARE(i.data(TagLaneModel::CompletionRole).toDouble(), it.value());   // shown again
        }
        QCOMPARE(suggestionCount(), suggested);
        m_view->undoStack()->redo();
        QCOMPARE(doc()->rows(), accepted);
        QCOMPARE(suggestionCount(), 0);
        QCOMPARE(m_view->acceptCompletion(), 0);   // nothing left to accept
    }

    void anotherTrackDropsSuggestions()
    {
        judgeSome();
        QSignalSpy done(m_view.get(), &TrackView::reviewCompleted);
        QVERIFY(m_view->completeReview());
        QVERIFY(!m_view->completeReview());   // one at a time
        QVERIFY(done.wait(10000));
        QVERIFY(suggestionCount() > 0);
        m_view->setTrack(taglane::tests::silentTrack(m_dir, 30.0));
        QVERIFY(model()->completion().isEmpty());
        QVERIFY(!m_view->acceptCompletionAction()->isEnabled());
    }
};

QTEST_MAIN(TstReviewCompletion)
#include "tst_reviewcompletion.moc"
