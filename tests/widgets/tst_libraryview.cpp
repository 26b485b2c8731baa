// SPDX-License-Identifier: GPL-3.0-or-later
// The library view lists a store's tracks, filters them by tag and verdict,
// asks to open a double-clicked track, and refreshes on durable edits.
#include "widgets/library/librarymodel.h"
#include "widgets/library/libraryview.h"

#include "engine/store/annotationstore.h"

#include "testsupport.h"

#include <QSignalSpy>
#include <QTableView>
#include <QtTest>

using namespace taglane;
using engine::Verdict;

class tst_LibraryView : public QObject
{
    Q_OBJECT

private:
    static engine::TrackRecord track(const QString &dir, const QString &name, double seconds)
    {
        engine::TrackRecord r;
        r.path = dir + QLatin1Char('/') + name;
        r.contentHash = QString::number(qHash(name), 16);
        r.durationSeconds = seconds;
        r.sampleRate = 44100;
        r.channels = 2;
        return r;
    }

    /// Row (in view order) whose file column shows `name`, or -1.
    static int viewRow(const widgets::LibraryView &view, const QString &name)
    {
        const QAbstractItemModel *m = view.tableView()->model();
        for (int r = 0; r < m->rowCount(); ++r)
            if (m->index(r, widgets::LibraryModel::FileColumn).data().toString() == name)
                return r;
        return -1;
    }

private Q_SLOTS:
    void rowsFilterAndOpen()
    {
        const QString dir = tests::tempDir(QStringLiteral("libraryview"));
        engine::AnnotationStore store;
        QVERIFY(store.open(dir + QStringLiteral("/store.sqlite")).ok());
        const engine::Vocabulary vocab = engine::Vocabulary::fromNames(
            {QStringLiteral("Genre-Rock"), QStringLiteral("Emotion-Happy"), QStringLiteral("Instrument_-_Piano")});
        store.setVocabulary(vocab);
        const QVector<qint64> tags = store.tagIds(vocab.names());
        const qint64 a = store.addTrack(track(dir, QStringLiteral("alpha.wav"), 40.0))->id;
        const qint64 b = store.addTrack(track(dir, QStringLiteral("beta.wav"), 20.0))->id;
        store.addTrack(track(dir, QStringLiteral("gamma.wav"), 125.0));
        const auto sa = store.saveSegmentation(a, engine::Segmentation::fixedWindows(40.0, 10.0), engine::SegmentSource::Fixed).value();
        const auto sb = store.saveSegmentation(b, engine::Segmentation::fixedWindows(20.0, 10.0), engine::SegmentSource::Fixed).value();
        // alpha: rock present in one of 4 segments (1 of 12 cells). beta: piano absent in both, happy present in one.
        store.setVerdicts(a, {{sa.at(0).id, tags[0], Verdict::Present}});
        store.setVerdicts(b, {{sb.at(0).id, tags[2], Verdict::Absent}, {sb.at(1).id, tags[2], Verdict::Absent},
                              {sb.at(1).id, tags[1], Verdict::Present}});
        QVERIFY(store.waitForDurable(store.lastEditSeq()));

        widgets::LibraryView view;
        view.setStore(&store);
        QCOMPARE(view.visibleRows(), 3);
        const int alpha = viewRow(view, QStringLiteral("alpha.wav"));
        const int beta = viewRow(view, QStringLiteral("beta.wav"));
        const int gamma = viewRow(view, QStringLiteral("gamma.wav"));
        QVERIFY(alpha >= 0 && beta >= 0 && gamma >= 0);
        const QAbstractItemModel *m = view.tableView()->model();
        auto cell = [&](int row, int column) { return m->index(row, column).data().toString(); };
        QCOMPARE(cell(alpha, widgets::LibraryModel::SegmentsColumn), QStringLiteral("4"));
        QCOMPARE(cell(beta, widgets::LibraryModel::SegmentsColumn), QStringLiteral("2"));
        QCOMPARE(cell(gamma, widgets::LibraryModel::SegmentsColumn), QStringLiteral("0"));
        QCOMPARE(cell(beta, widgets::LibraryModel::ReviewedColumn), QStringLiteral("50 %"));   // 3 of 6 cells
        QCOMPARE(cell(alpha, widgets::LibraryModel::ReviewedColumn), QStringLiteral("8 %"));   // 1 of 12
        QVERIFY(cell(gamma, widgets::LibraryModel::DurationColumn).startsWith(QStringLiteral("2:05")));
        QVERIFY(m->index(alpha, widgets::LibraryModel::LastEditColumn).data(widgets::LibraryModel::SortRole).toLongLong() > 0);

        // Filters.
        view.setFilter(QStringLiteral("Genre-Rock"), 1);   // rock present
        QCOMPARE(view.visibleRows(), 1);
        QVERIFY(viewRow(view, QStringLiteral("alpha.wav")) >= 0);
        view.setFilter(QStringLiteral("Instrument_-_Piano"), 2);   // piano absent
        QCOMPARE(view.visibleRows(), 1);
        QVERIFY(viewRow(view, QStringLiteral("beta.wav")) >= 0);
        view.setFilter(QString(), 1);   // any tag present
        QCOMPARE(view.visibleRows(), 2);
        view.setFilter(QStringLiteral("Emotion-Happy"), 0);   // happy judged either way
        QCOMPARE(view.visibleRows(), 1);
        view.setFilter(QString(), 0);
        QCOMPARE(view.visibleRows(), 3);

        // Double-click asks to open the track.
        QSignalSpy open(&view, &widgets::LibraryView::openRequested);
        const QModelIndex index = view.tableView()->model()->index(viewRow(view, QStringLiteral("beta.wav")), 0);
        Q_EMIT view.tableView()->doubleClicked(index);
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.front().front().toString(), dir + QStringLiteral("/beta.wav"));

        // Selection.
        view.tableView()->selectRow(viewRow(view, QStringLiteral("alpha.wav")));
        QCOMPARE(view.selectedTrackIds(), QList<qint64>{a});

        // A new track appears after the store reports it durable (throttled refresh).
        store.addTrack(track(dir, QStringLiteral("delta.wav"), 10.0));
        store.setVerdict(a, sa.at(1).id, tags[1], Verdict::Absent);
        QTRY_COMPARE_WITH_TIMEOUT(view.visibleRows(), 4, 5000);
    }

    void noStore()
    {
        widgets::LibraryView view;
        QCOMPARE(view.visibleRows(), 0);
        view.setStore(nullptr);
        QCOMPARE(view.visibleRows(), 0);
    }
};

QTEST_MAIN(tst_LibraryView)
#include "tst_libraryview.moc"
