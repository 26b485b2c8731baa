// SPDX-License-Identifier: GPL-3.0-or-later
// The Review Queue dock over a store of two real tracks: it lists the
// uncurated cells in each strategy's order (computed here from the numbers
// written), "." opens the first cell's track and selects the cell, Y / N /
// Backspace answer through the lane's undoable verdict path and move on to
// the next queued cell (in the other track too), and a rebuilt queue
// leaves out what was curated.
#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/review/cellnavigator.h"
#include "widgets/review/reviewqueuemodel.h"
#include "widgets/review/reviewqueueview.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/track/trackview.h"

#include "engine/curation/trackdocument.h"
#include "engine/library/reviewqueue.h"
#include "engine/store/annotationstore.h"

#include "reviewlibrary.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QHBoxLayout>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTableView>
#include <QUndoStack>
#include <QtTest>

#include <algorithm>

using namespace taglane;
using tests::ReviewLibrary;
using widgets::TagLaneModel;

class tst_ReviewQueue : public QObject
{
    Q_OBJECT

private:
    ReviewLibrary m_lib;
    engine::AnnotationStore m_store;
    std::unique_ptr<QWidget> m_window;
    widgets::TrackView *m_track = nullptr;
    widgets::CellNavigator *m_navigator = nullptr;
    widgets::ReviewQueueView *m_queue = nullptr;

    /// Uncurated cells by |p - 0.5| (newest version per track), ascending.
    QVector<int> expectedUncertainty() const
    {
        QVector<QPair<double, int>> cells;
        for (int t = 0; t < m_lib.paths.size(); ++t)
            for (int s = 0; s < ReviewLibrary::segments; ++s)
                for (int g = 0; g < m_lib.tags.size(); ++g) {
                    const int k = ReviewLibrary::key(t, s, g);
                    if (m_lib.verdicts.value(k, engine::Verdict::Unknown) == engine::Verdict::Unknown)
                        cells.append({std::abs(double(m_lib.probability(t, s, g)) - 0.5), k});
                }
        std::stable_sort(cells.begin(), cells.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        QVector<int> keys;
        for (const auto &c : cells)
            keys << c.second;
        return keys;
    }

    /// The listed cell of a row as a key (-1 when it names no known cell).
    int rowKey(int row) const
    {
        const engine::ReviewCell &c = m_queue->queueModel()->cell(row);
        const int t = int(m_lib.paths.indexOf(c.trackPath));
        if (t < 0)
            return -1;
        const int s = int(m_lib.segmentIds.at(t).indexOf(c.segmentId));
        const int g = int(m_lib.tags.indexOf(c.tag));
        return s < 0 || g < 0 ? -1 : ReviewLibrary::key(t, s, g);
    }

    QVector<int> listedKeys() const
    {
        QVector<int> keys;
        for (int r = 0; r < m_queue->queueModel()->rowCount(); ++r)
            keys << rowKey(r);
        return keys;
    }

    /// The lane's selected cell as a key, -1 when none (or not one of ours).
    int laneKey() const
    {
        const widgets::TagLaneView *lane = m_track->tagLaneView();
        if (!m_track->hasTrack() || !lane->hasSelection() || lane->selectedRows().size() != 1
            || lane->selectedColumns().size() != 1)
            return -1;
        const int t = int(m_lib.paths.indexOf(m_track->filePath()));
        if (t < 0)
            return -1;
        const qint64 segment = m_track->tagLaneModel()->segmentIdOfColumn(lane->currentColumn());
        const int s = int(m_lib.segmentIds.at(t).indexOf(segment));
        const int g = int(m_lib.tags.indexOf(m_track->tagLaneModel()->tagNameOfRow(lane->currentRow())));
        return s < 0 || g < 0 ? -1 : ReviewLibrary::key(t, s, g);
    }

    /// The open document's verdict on a cell (the track must be open).
    int laneVerdict(int k) const
    {
        const engine::TrackDocument *doc = m_track->document();
        const int s = doc->indexOfSegment(m_lib.segmentIds.at(ReviewLibrary::trackOf(k)).at(ReviewLibrary::segmentOf(k)));
        const int g = doc->tagIndex(m_lib.tags.at(ReviewLibrary::tagOf(k)));
        if (s < 0 || g < 0)
            return -1;
        return int(doc->label(s, g).verdict);
    }

    /// The store's committed verdict on a cell.
    engine::Verdict storedVerdict(int k)
    {
        const int t = ReviewLibrary::trackOf(k);
        const auto grid = m_store.labelGrid(m_lib.trackIds.at(t));
        if (!grid)
            return engine::Verdict::Unknown;
        const qint64 segment = m_lib.segmentIds.at(t).at(ReviewLibrary::segmentOf(k));
        int row = -1;
        for (int r = 0; r < grid->rows(); ++r)
            if (grid->segmentation.at(r).id == segment)
                row = r;
        const int column = int(grid->tagIds.indexOf(m_store.tagId(m_lib.tags.at(ReviewLibrary::tagOf(k)))));
        return row < 0 || column < 0 ? engine::Verdict::Unknown : grid->verdict(row, column);
    }

    void waitForBuild(QSignalSpy &built, int count)
    {
        QTRY_VERIFY_WITH_TIMEOUT(built.count() >= count && !m_queue->isBuilding(), 10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString dir = tests::tempDir(QStringLiteral("reviewqueue"));
        QVERIFY(m_store.open(dir + QStringLiteral("/store.sqlite")).ok());
        m_lib.tags = QStringList{QStringLiteral("piano"), QStringLiteral("strings"), QStringLiteral("drums")};
        QVERIFY(tests::addReviewTracks(m_store, m_lib, dir, 2));
        QRandomGenerator rng(1202);
        auto away = [&rng]() {   // nothing within 0.02 of 0.5 but the cells set below
            const double p = rng.generateDouble();
            return float(std::abs(p - 0.5) < 0.02 ? p + (p < 0.5 ? -0.02 : 0.02) : p);
        };
        QVERIFY(tests::tagReviewTracks(m_store, m_lib, QStringLiteral("v1"), {0, 1}, [&](int t, int s, int g) {
            if (t == 0 && s == 1 && g == 0)
                return 0.5f;     // the most uncertain cell: track 0
            if (t == 0 && s == 0 && g == 2)
                return 0.501f;   // as uncertain, but curated below
            return away();
        }));
        // v2 re-tags track 1 (it is the newest there): the two versions disagree.
        QVERIFY(tests::tagReviewTracks(m_store, m_lib, QStringLiteral("v2"), {1}, [&](int t, int s, int g) {
            if (s == 3 && g == 1)
                return 0.505f;   // the second most uncertain: track 1
            return std::clamp(m_lib.probabilities[QStringLiteral("v1")].value(ReviewLibrary::key(t, s, g))
                                  + float(rng.generateDouble() - 0.5),
                              0.0f, 1.0f);
        }));
        QVERIFY(tests::setReviewVerdict(m_store, m_lib, 0, 0, 2, engine::Verdict::Present));
        QVERIFY(m_store.waitForSaved(0, m_store.lastEditSeq()).ok());

        m_window = std::make_unique<QWidget>();
        auto *layout = new QHBoxLayout(m_window.get());
        m_track = new widgets::TrackView(m_window.get());
        m_track->setStore(&m_store);
        m_navigator = new widgets::CellNavigator(m_track, m_window.get());
        m_queue = new widgets::ReviewQueueView(m_navigator, m_window.get());
        layout->addWidget(m_track, 3);
        layout->addWidget(m_queue, 1);
        m_window->addAction(m_queue->nextAction());   // window-wide, as the main window does
        m_window->resize(1400, 800);
        m_window->show();
        QApplication::setActiveWindow(m_window.get());
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    }

    void listsCellsInTheStrategysOrder()
    {
        QAbstractItemModelTester tester(m_queue->queueModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy built(m_queue, &widgets::ReviewQueueView::refreshed);
        m_queue->setStore(&m_store);
        waitForBuild(built, 1);
        const QVector<int> expected = expectedUncertainty();
        QCOMPARE(expected.size(), 2 * ReviewLibrary::segments * 3 - 1);
        QCOMPARE(listedKeys(), expected);
        QVERIFY(!listedKeys().contains(ReviewLibrary::key(0, 0, 2)));   // curated
        QCOMPARE(ReviewLibrary::trackOf(expected.at(0)), 0);
        QCOMPARE(ReviewLibrary::trackOf(expected.at(1)), 1);
        // The table shows the track, time, tag and probability of each cell.
        const QAbstractItemModel *m = m_queue->tableView()->model();
        QCOMPARE(m->index(0, widgets::ReviewQueueModel::TrackColumn).data().toString(), QStringLiteral("track0.wav"));
        QCOMPARE(m->index(0, widgets::ReviewQueueModel::TimeColumn).data().toString(), QStringLiteral("0:04.0 - 0:08.0"));
        QCOMPARE(m->index(0, widgets::ReviewQueueModel::TagColumn).data().toString(), QStringLiteral("piano"));
        QCOMPARE(m->index(0, widgets::ReviewQueueModel::ProbabilityColumn).data().toString(), QStringLiteral("0.500"));

        // Disagreement: only track 1 was scored twice; largest |v1 - v2| first.
        QVector<QPair<double, int>> spreads;
        for (int s = 0; s < ReviewLibrary::segments; ++s)
            for (int g = 0; g < 3; ++g) {
                const int k = ReviewLibrary::key(1, s, g);
                spreads.append({-std::abs(double(m_lib.probabilities[QStringLiteral("v1")].value(k))
                                          - double(m_lib.probabilities[QStringLiteral("v2")].value(k))), k});
            }
        std::stable_sort(spreads.begin(), spreads.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        QVector<int> byspread;
        for (const auto &sp : spreads)
            byspread << sp.second;
        m_queue->strategyBox()->setCurrentIndex(m_queue->strategyBox()->findData(QStringLiteral("disagreement")));
        waitForBuild(built, 2);
        QCOMPARE(listedKeys(), byspread);

        // Diverse: what the engine orders, and its first two cells from different tracks.
        m_queue->strategyBox()->setCurrentIndex(m_queue->strategyBox()->findData(QStringLiteral("diverse")));
        waitForBuild(built, 3);
        const auto diverse = engine::ReviewQueue::build(m_store.path(), m_queue->options());
        QVERIFY(diverse.ok());
        QCOMPARE(m_queue->queueModel()->rowCount(), int(diverse->size()));
        for (int r = 0; r < diverse->size(); ++r)
            QCOMPARE(m_queue->queueModel()->cell(r).segmentId, diverse->at(r).segmentId);
        QVERIFY(ReviewLibrary::trackOf(rowKey(0)) != ReviewLibrary::trackOf(rowKey(1)));

        // A chosen version: uncertainty of v1 on both tracks.
        m_queue->strategyBox()->setCurrentIndex(m_queue->strategyBox()->findData(QStringLiteral("uncertainty")));
        waitForBuild(built, 4);
        m_queue->modelBox()->setCurrentIndex(m_queue->modelBox()->findData(QStringLiteral("v1")));
        waitForBuild(built, 5);
        const auto v1 = listedKeys();
        for (int r = 1; r < v1.size(); ++r) {
            auto u = [&](int k) {
                return std::abs(double(m_lib.probabilities[QStringLiteral("v1")].value(k)) - 0.5);
            };
            QVERIFY2(u(v1.at(r - 1)) <= u(v1.at(r)), qPrintable(QString::number(r)));
        }
        m_queue->modelBox()->setCurrentIndex(0);
        waitForBuild(built, 6);
        QCOMPARE(listedKeys(), expectedUncertainty());
    }

    void keysAnswerAndMoveOn()
    {
        const QVector<int> expected = expectedUncertainty();
        QSignalSpy built(m_queue, &widgets::ReviewQueueView::refreshed);

        // "." (window-wide) opens the first cell's track and selects the cell.
        QVERIFY(!m_track->hasTrack());
        QTest::keyClick(m_window.get(), Qt::Key_Period);
        QTRY_COMPARE_WITH_TIMEOUT(laneKey(), expected.at(0), 15000);
        QCOMPARE(m_track->filePath(), m_lib.paths.at(0));
        QCOMPARE(m_queue->currentRow(), 0);
        // The cursor is at the segment's start (where its playback starts).
        QCOMPARE(m_track->timeAxis()->cursor(), ReviewLibrary::segmentOf(expected.at(0)) * ReviewLibrary::segmentSeconds);

        // Y in the dock: present through the lane's undoable path, then the
        // next queued cell, which is in the other track.
        m_queue->tableView()->setFocus();
        const int undoBefore = m_track->undoStack()->count();
        QTest::keyClick(m_queue->tableView(), Qt::Key_Y);
        QCOMPARE(laneVerdict(expected.at(0)), int(TagLaneModel::Present));
        QCOMPARE(m_track->undoStack()->count(), undoBefore + 1);
        m_track->undoStack()->undo();
        QCOMPARE(laneVerdict(expected.at(0)), int(TagLaneModel::Unknown));
        m_track->undoStack()->redo();
        QCOMPARE(laneVerdict(expected.at(0)), int(TagLaneModel::Present));
        QTRY_COMPARE_WITH_TIMEOUT(laneKey(), expected.at(1), 15000);
        QCOMPARE(m_track->filePath(), m_lib.paths.at(1));
        QTRY_COMPARE_WITH_TIMEOUT(storedVerdict(expected.at(0)), engine::Verdict::Present, 5000);
        m_lib.verdicts.insert(expected.at(0), engine::Verdict::Present);

        // Backspace clears the cell's verdict (given in the lane here) and moves on.
        m_track->tagLaneView()->setVerdictOnSelection(TagLaneModel::Absent);
        QCOMPARE(laneVerdict(expected.at(1)), int(TagLaneModel::Absent));
        m_queue->tableView()->setFocus();
        QTest::keyClick(m_queue->tableView(), Qt::Key_Backspace);
        QCOMPARE(laneVerdict(expected.at(1)), int(TagLaneModel::Unknown));
        QTRY_COMPARE_WITH_TIMEOUT(laneKey(), expected.at(2), 15000);

        // N on the queued cell with the focus in the lane answers the queue too.
        QTRY_VERIFY_WITH_TIMEOUT(m_track->filePath() == m_lib.paths.at(ReviewLibrary::trackOf(expected.at(2))), 15000);
        m_track->tagLaneView()->setFocus();
        QTest::keyClick(m_track->tagLaneView(), Qt::Key_N);
        QCOMPARE(laneVerdict(expected.at(2)), int(TagLaneModel::Absent));
        m_lib.verdicts.insert(expected.at(2), engine::Verdict::Absent);
        QTRY_COMPARE_WITH_TIMEOUT(laneKey(), expected.at(3), 15000);
        // With the selection elsewhere in the lane, Y is the lane's own (no move).
        const int elsewhere = expected.at(3);
        m_track->tagLaneView()->selectCell(m_track->tagLaneView()->currentRow() == 0 ? 1 : 0,
                                           m_track->tagLaneView()->currentColumn());
        const int selected = laneKey();
        QVERIFY(selected != elsewhere);
        QTest::keyClick(m_track->tagLaneView(), Qt::Key_Y);
        QCOMPARE(laneVerdict(selected), int(TagLaneModel::Present));
        QCOMPARE(laneKey(), selected);
        m_lib.verdicts.insert(selected, engine::Verdict::Present);

        // After the answers are saved the queue is rebuilt without the
        // curated cells; the cleared one is still listed.
        QTRY_VERIFY_WITH_TIMEOUT(m_store.durableSeq() >= m_store.lastEditSeq(), 5000);
        m_queue->refresh();   // the lane's own Y is not an answer of the queue
        QTRY_VERIFY_WITH_TIMEOUT(built.count() >= 2 && !m_queue->isBuilding(), 10000);
        const QVector<int> after = listedKeys();
        QVERIFY(!after.contains(expected.at(0)));
        QVERIFY(!after.contains(expected.at(2)));
        QVERIFY(!after.contains(selected));
        QVERIFY(after.contains(expected.at(1)));
        QCOMPARE(after, expectedUncertainty());
        // The queue still points at the cell the curator is on.
        QCOMPARE(m_queue->currentRow(), int(after.indexOf(expected.at(3))));
    }

    void doubleClickGoesToTheRow()
    {
        const QVector<int> keys = listedKeys();
        QVERIFY(keys.size() > 5);
        const QModelIndex index = m_queue->tableView()->model()->index(5, 0);
        Q_EMIT m_queue->tableView()->doubleClicked(index);
        QTRY_COMPARE_WITH_TIMEOUT(laneKey(), keys.at(5), 15000);
        QCOMPARE(m_queue->currentRow(), 5);
    }

    void newPredictionsReorderTheQueue()
    {
        // What the window does after tagging or a retrain: new predictions
        // (v3 re-tags track 0), then a rebuild once they are committed.
        QSignalSpy built(m_queue, &widgets::ReviewQueueView::refreshed);
        const int fresh = ReviewLibrary::key(0, 5, 1);
        QVERIFY(m_lib.verdicts.value(fresh, engine::Verdict::Unknown) == engine::Verdict::Unknown);
        QVERIFY(tests::tagReviewTracks(m_store, m_lib, QStringLiteral("v3"), {0}, [](int t, int s, int g) {
            return ReviewLibrary::key(t, s, g) == ReviewLibrary::key(0, 5, 1) ? 0.5f : (g == 0 ? 0.9f : 0.05f);
        }));
        QVERIFY(listedKeys().indexOf(fresh) != 0);
        m_queue->refreshWhenDurable(m_store.lastEditSeq());
        waitForBuild(built, 1);
        QCOMPARE(listedKeys().value(0), fresh);
        QCOMPARE(listedKeys(), expectedUncertainty());
        QVERIFY(m_queue->modelBox()->findData(QStringLiteral("v3")) > 0);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_store.close();
    }
};

QTEST_MAIN(tst_ReviewQueue)
#include "tst_reviewqueue.moc"
