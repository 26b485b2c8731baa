// SPDX-License-Identifier: GPL-3.0-or-later
// The Search dock over a store of two real tracks: a query lists the hits a
// predicate evaluated here on the numbers written expects (segments and
// whole tracks), a bad query shows the parser's message and position, an
// unknown tag the search's, activating a hit opens the track with the
// segment selected, and Save Search writes "library/savedSearches".
#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/review/cellnavigator.h"
#include "widgets/search/searchresultsmodel.h"
#include "widgets/search/searchview.h"
#include "widgets/track/trackview.h"

#include "engine/library/tagquery.h"
#include "engine/library/tagsearch.h"
#include "engine/store/annotationstore.h"

#include "reviewlibrary.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QtTest>

using namespace taglane;
using tests::ReviewLibrary;

class tst_SearchView : public QObject
{
    Q_OBJECT

private:
    ReviewLibrary m_lib;
    engine::AnnotationStore m_store;
    std::unique_ptr<QWidget> m_window;
    widgets::TrackView *m_track = nullptr;
    widgets::CellNavigator *m_navigator = nullptr;
    widgets::SearchView *m_search = nullptr;

    bool runQuery(const QString &text, int scope)
    {
        QSignalSpy done(m_search, &widgets::SearchView::searched);
        m_search->scopeBox()->setCurrentIndex(scope);
        m_search->queryEdit()->setText(text);
        QTest::keyClick(m_search->queryEdit(), Qt::Key_Return);
        return done.count() > 0 || done.wait(10000);   // a parse error answers at once
    }

    /// (track, segment) of each listed hit, in the list's order.
    QVector<QPair<int, int>> listed() const
    {
        QVector<QPair<int, int>> out;
        for (const engine::SearchHit &h : m_search->resultsModel()->hits()) {
            const int t = int(m_lib.paths.indexOf(h.trackPath));
            out.append({t, t < 0 || h.segmentId == 0 ? -1 : int(m_lib.segmentIds.at(t).indexOf(h.segmentId))});
        }
        return out;
    }

    bool curated(int t, int s, int g) const
    {
        return m_lib.verdicts.value(ReviewLibrary::key(t, s, g), engine::Verdict::Unknown) != engine::Verdict::Unknown;
    }

    double meanOf(int t, int g) const
    {
        double sum = 0.0;
        for (int s = 0; s < ReviewLibrary::segments; ++s)
            sum += m_lib.probability(t, s, g);
        return sum / ReviewLibrary::segments;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TaglaneTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_searchview"));
        QSettings().remove(QLatin1String(widgets::SearchView::savedSearchesKey));

        const QString dir = tests::tempDir(QStringLiteral("searchview"));
        QVERIFY(m_store.open(dir + QStringLiteral("/store.sqlite")).ok());
        m_lib.tags = QStringList{QStringLiteral("piano"), QStringLiteral("strings"), QStringLiteral("drums")};
        QVERIFY(tests::addReviewTracks(m_store, m_lib, dir, 2));
        QRandomGenerator rng(512);
        QVERIFY(tests::tagReviewTracks(m_store, m_lib, QStringLiteral("v1"), {0, 1},
                                       [&](int, int, int) { return float(rng.generateDouble()); }));
        // One strong piano segment of each track gets a verdict: "not piano curated" must drop it.
        for (int t = 0; t < 2; ++t) {
            for (int s = 0; s < ReviewLibrary::segments; ++s) {
                if (m_lib.probability(t, s, 0) >= 0.6f) {
                    QVERIFY(tests::setReviewVerdict(m_store, m_lib, t, s, 0, engine::Verdict::Present));
                    break;
                }
            }
        }
        QVERIFY(m_store.waitForSaved(0, m_store.lastEditSeq()).ok());

        m_window = std::make_unique<QWidget>();
        auto *layout = new QHBoxLayout(m_window.get());
        m_track = new widgets::TrackView(m_window.get());
        m_track->setStore(&m_store);
        m_navigator = new widgets::CellNavigator(m_track, m_window.get());
        m_search = new widgets::SearchView(m_navigator, m_window.get());
        m_search->setStore(&m_store);
        layout->addWidget(m_track, 3);
        layout->addWidget(m_search, 1);
        m_window->resize(1400, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void segmentHits()
    {
        QAbstractItemModelTester tester(m_search->resultsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(runQuery(QStringLiteral("piano >= 0.6 and not piano curated"), 0));
        QVector<QPair<int, int>> expected;
        for (int t = 0; t < 2; ++t)   // by track path, then time
            for (int s = 0; s < ReviewLibrary::segments; ++s)
                if (m_lib.probability(t, s, 0) >= 0.6f && !curated(t, s, 0))
                    expected.append({t, s});
        QVERIFY(!expected.isEmpty());
        QCOMPARE(listed(), expected);
        QVERIFY(m_search->errorText().isEmpty());
        QVERIFY(!m_search->errorLabel()->isVisible());
        QVERIFY(m_search->countLabel()->text().contains(QString::number(expected.size())));

        // or / curated present
        QVERIFY(runQuery(QStringLiteral("drums < 0.2 or piano curated present"), 0));
        expected.clear();
        for (int t = 0; t < 2; ++t)
            for (int s = 0; s < ReviewLibrary::segments; ++s)
                if (m_lib.probability(t, s, 2) < 0.2f
                    || m_lib.verdicts.value(ReviewLibrary::key(t, s, 0)) == engine::Verdict::Present)
                    expected.append({t, s});
        QCOMPARE(listed(), expected);
    }

    void trackHits()
    {
        // A threshold between the two tracks' mean strings probability: one matches.
        const double m0 = meanOf(0, 1), m1 = meanOf(1, 1);
        QVERIFY(std::abs(m0 - m1) > 0.01);
        const double threshold = (m0 + m1) / 2.0;
        QVERIFY(runQuery(QStringLiteral("strings > %1").arg(threshold, 0, 'f', 4), 1));
        QCOMPARE(listed(), (QVector<QPair<int, int>>{{m0 > m1 ? 0 : 1, -1}}));
        QVERIFY(m_search->resultsModel()->tracks());
    }

    void badQueryShowsTheError()
    {
        const QString text = QStringLiteral("piano >= and strings > 0.5");
        int position = -1;
        const auto parsed = engine::TagQuery::parse(text, &position);
        QVERIFY(!parsed.ok());
        QVERIFY(runQuery(text, 0));
        QCOMPARE(m_search->errorText(), parsed.error());
        QCOMPARE(m_search->errorPosition(), position);
        QVERIFY(m_search->errorLabel()->isVisible());
        QVERIFY(m_search->errorLabel()->text().contains(parsed.error().toHtmlEscaped()));
        QCOMPARE(m_search->queryEdit()->cursorPosition() >= position, true);
        QCOMPARE(m_search->resultsModel()->rowCount(), 0);   // no stale hits under the error

        // A tag the store does not know: the search's message and position.
        const QString unknown = QStringLiteral("strings > 0.5 and violin > 0.5");
        int where = -1;
        const auto hits = engine::TagSearch::run(m_store.path(), engine::TagQuery::parse(unknown).value(), {}, &where);
        QVERIFY(!hits.ok());
        QVERIFY(runQuery(unknown, 0));
        QCOMPARE(m_search->errorText(), hits.error());
        QCOMPARE(m_search->errorPosition(), where);
        QVERIFY(m_search->errorLabel()->isVisible());
        QCOMPARE(m_search->resultsModel()->rowCount(), 0);

        // A good query clears it.
        QVERIFY(runQuery(QStringLiteral("piano > 0.5"), 0));
        QVERIFY(!m_search->errorLabel()->isVisible());
    }

    void activatingOpensTheSegment()
    {
        QVERIFY(runQuery(QStringLiteral("strings >= 0.5 and not strings curated"), 0));
        QVERIFY(m_search->resultsModel()->rowCount() > 0);
        const engine::SearchHit hit = m_search->resultsModel()->hits().last();
        Q_EMIT m_search->tableView()->activated(m_search->resultsModel()->index(m_search->resultsModel()->rowCount() - 1, 0));
        QTRY_VERIFY_WITH_TIMEOUT(m_track->hasTrack() && m_track->filePath() == hit.trackPath
                                     && m_track->tagLaneView()->hasSelection(), 15000);
        const widgets::TagLaneView *lane = m_track->tagLaneView();
        QCOMPARE(m_track->tagLaneModel()->segmentIdOfColumn(lane->currentColumn()), hit.segmentId);
        QCOMPARE(m_track->tagLaneModel()->tagNameOfRow(lane->currentRow()), QStringLiteral("strings"));
    }

    void saveSearchWritesTheSettings()
    {
        const QString query = QStringLiteral("piano >= 0.6 and not piano curated");
        m_search->queryEdit()->setText(query);
        m_search->nameEdit()->setText(QStringLiteral("Loud piano"));
        QTest::mouseClick(m_search->saveButton(), Qt::LeftButton);
        QCOMPARE(QSettings().value(QLatin1String(widgets::SearchView::savedSearchesKey)).toStringList(),
                 QStringList{QStringLiteral("Loud piano\t") + query});
        // The same name again replaces it; another name adds one.
        m_search->queryEdit()->setText(QStringLiteral("piano >= 0.9"));
        QTest::mouseClick(m_search->saveButton(), Qt::LeftButton);
        m_search->queryEdit()->setText(QStringLiteral("drums curated"));
        m_search->nameEdit()->setText(QStringLiteral("Drums done"));
        QTest::mouseClick(m_search->saveButton(), Qt::LeftButton);
        QCOMPARE(QSettings().value(QLatin1String(widgets::SearchView::savedSearchesKey)).toStringList(),
                 (QStringList{QStringLiteral("Loud piano\tpiano >= 0.9"), QStringLiteral("Drums done\tdrums curated")}));
        // A query that does not parse is not saved.
        m_search->queryEdit()->setText(QStringLiteral("drums >"));
        QVERIFY(!m_search->saveSearch(QStringLiteral("Broken")));
        QCOMPARE(QSettings().value(QLatin1String(widgets::SearchView::savedSearchesKey)).toStringList().size(), 2);
        // The saved list runs one.
        QCOMPARE(m_search->savedBox()->count(), 3);
        QSignalSpy done(m_search, &widgets::SearchView::searched);
        m_search->savedBox()->setCurrentIndex(1);
        Q_EMIT m_search->savedBox()->activated(1);
        QCOMPARE(m_search->queryEdit()->text(), QStringLiteral("piano >= 0.9"));
        QVERIFY(done.wait(10000));
    }

    void cleanupTestCase()
    {
        QSettings().remove(QLatin1String(widgets::SearchView::savedSearchesKey));
        m_window.reset();
        m_store.close();
    }
};

QTEST_MAIN(tst_SearchView)
#include "tst_searchview.moc"
