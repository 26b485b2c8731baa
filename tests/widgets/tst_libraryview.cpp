// SPDX-License-Identifier: GPL-3.0-or-later
// The library view lists a store's tracks (read on a worker thread) with
// duration, model versions, share reviewed, top tags and file state; sorts;
// filters them by tag and verdict and by a saved or typed search; asks to
// open a double-clicked track, and refreshes on durable edits.
#include "widgets/library/librarymodel.h"
#include "widgets/library/libraryview.h"

#include "engine/library/librarybuilder.h"
#include "engine/store/annotationstore.h"

#include "librarystore.h"
#include "testsupport.h"
#include "tonewav.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QToolButton>
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

    /// Waits for the view's background read to end.
    static bool settle(const widgets::LibraryView &view)
    {
        QTest::qWait(0);
        return QTest::qWaitFor([&]() { return !view.isLoading(); }, 10000);
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


    /// A store of three tracks: present.wav (a real 4 s file), changed.wav
    /// (added, then overwritten by a shorter file) and missing.wav (no file),
    /// with predictions by two versions and one verdict. The numbers the
    /// checks use are the ones written here.
    struct SmallStore
    {
        qint64 present = 0, changed = 0, missing = 0;
        QVector<qint64> presentSegments, missingSegments;
        QVector<qint64> tagIds;
        QStringList tags{QStringLiteral("strings"), QStringLiteral("piano"), QStringLiteral("drums")};
        // [segment][tag]
        QVector<QVector<float>> presentV1{{0.2f, 0.2f, 0.2f}, {0.2f, 0.2f, 0.2f}};
        QVector<QVector<float>> presentV2{{0.9f, 0.1f, 0.5f}, {0.7f, 0.3f, 0.6f}};
        QVector<QVector<float>> missingV1{{0.95f, 0.4f, 0.2f}, {0.1f, 0.3f, 0.3f}};
    };

    static bool storePredictions(engine::AnnotationStore &store, SmallStore &s, const QString &version, qint64 track,
                                 const QVector<qint64> &segments, const QVector<QVector<float>> &values)
    {
        engine::ModelManifest m;
        m.name = version;
        m.version = version;
        m.tags = engine::Vocabulary::fromNames(s.tags);
        if (!store.registerModelVersion(m))
            return false;
        engine::PredictionBatch b;
        b.trackId = track;
        b.modelVersion = version;
        b.tagIds = s.tagIds;
        for (int i = 0; i < segments.size(); ++i) {
            b.segmentIds << segments.at(i);
            for (float p : values.at(i))
                b.probabilities << p;
        }
        return store.storePredictions(b).ok();
    }

    static bool makeSmallStore(engine::AnnotationStore &store, const QString &dir, SmallStore &s)
    {
        if (!store.open(dir + QStringLiteral("/store.sqlite")).ok())
            return false;
        store.setVocabulary(engine::Vocabulary::fromNames(s.tags));
        s.tagIds = store.tagIds(s.tags, true);
        const QString present = dir + QStringLiteral("/present.wav");
        const QString changed = dir + QStringLiteral("/changed.wav");
        if (!tests::writeToneWav(present, 4.0, 440.0) || !tests::writeToneWav(changed, 6.0, 330.0))
            return false;
        engine::LibraryBuilder builder(store);
        const auto a = builder.addFile(present);
        const auto b = builder.addFile(changed);
        if (!a || !b)
            return false;
        s.present = a->track.id;
        s.changed = b->track.id;
        if (!tests::writeToneWav(changed, 1.0, 330.0))   // other content, another size
            return false;
        engine::TrackRecord gone;
        gone.path = dir + QStringLiteral("/gone/missing.wav");
        gone.contentHash = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
        gone.durationSeconds = 10.0;
        gone.sizeBytes = 1000;
        const auto c = store.addTrack(gone);
        if (!c)
            return false;
        s.missing = c->id;
        auto halves = [](double seconds) {
            return engine::Segmentation::fromSegments({engine::Segment{0, 0.0, seconds / 2}, engine::Segment{0, seconds / 2, seconds}})
                .value();
        };
        const auto sa = store.saveSegmentation(s.present, halves(4.0), engine::SegmentSource::Fixed);
        const auto sc = store.saveSegmentation(s.missing, halves(10.0), engine::SegmentSource::Fixed);
        if (!sa || !sc || sa->size() != 2 || sc->size() != 2)
            return false;
        for (const auto &seg : sa->segments())
            s.presentSegments << seg.id;
        for (const auto &seg : sc->segments())
            s.missingSegments << seg.id;
        if (!storePredictions(store, s, QStringLiteral("v1"), s.present, s.presentSegments, s.presentV1)
            || !storePredictions(store, s, QStringLiteral("v1"), s.missing, s.missingSegments, s.missingV1))
            return false;
        if (!store.waitForDurable(store.lastEditSeq()))
            return false;
        QTest::qWait(5);   // v2's run is newer than v1's
        if (!storePredictions(store, s, QStringLiteral("v2"), s.present, s.presentSegments, s.presentV2))
            return false;
        // One verdict on present.wav: strings in the first segment (1 of 6 cells).
        store.setVerdicts(s.present, {{s.presentSegments.at(0), s.tagIds.at(0), Verdict::Present}});
        return store.waitForDurable(store.lastEditSeq());
    }

    /// "name 0.80, name 0.55, ..." for the three highest means of `values`.
    static QString expectedTopTags(const SmallStore &s, const QVector<QVector<float>> &values)
    {
        QVector<QPair<double, QString>> means;
        for (int t = 0; t < s.tags.size(); ++t) {
            double sum = 0.0;
            for (const auto &row : values)
                sum += double(row.at(t));
            means.append({sum / values.size(), s.tags.at(t)});
        }
        std::sort(means.begin(), means.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        QStringList parts;
        for (const auto &m : means)
            parts << QStringLiteral("%1 %2").arg(m.second).arg(m.first, 0, 'f', 2);
        return parts.join(QStringLiteral(", "));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);   // settings in a test folder
        QSettings().clear();
    }

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
        // beta's file is there (the others are missing: shown, not opened).
        QVERIFY(tests::writeToneWav(dir + QStringLiteral("/beta.wav"), 0.5, 440.0));
        const auto sa = store.saveSegmentation(a, engine::Segmentation::fixedWindows(40.0, 10.0), engine::SegmentSource::Fixed).value();
        const auto sb = store.saveSegmentation(b, engine::Segmentation::fixedWindows(20.0, 10.0), engine::SegmentSource::Fixed).value();
        // alpha: rock present in one of 4 segments (1 of 12 cells). beta: piano absent in both, happy present in one.
        store.setVerdicts(a, {{sa.at(0).id, tags[0], Verdict::Present}});
        store.setVerdicts(b, {{sb.at(0).id, tags[2], Verdict::Absent}, {sb.at(1).id, tags[2], Verdict::Absent},
                              {sb.at(1).id, tags[1], Verdict::Present}});
        QVERIFY(store.waitForDurable(store.lastEditSeq()));

        widgets::LibraryView view;
        view.setStore(&store);
        QVERIFY(settle(view));
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
        QVERIFY(settle(view));
        QCOMPARE(view.visibleRows(), 1);
        QVERIFY(viewRow(view, QStringLiteral("alpha.wav")) >= 0);
        view.setFilter(QStringLiteral("Instrument_-_Piano"), 2);   // piano absent
        QVERIFY(settle(view));
        QCOMPARE(view.visibleRows(), 1);
        QVERIFY(viewRow(view, QStringLiteral("beta.wav")) >= 0);
        view.setFilter(QString(), 1);   // any tag present
        QVERIFY(settle(view));
        QCOMPARE(view.visibleRows(), 2);
        view.setFilter(QStringLiteral("Emotion-Happy"), 0);   // happy judged either way
        QVERIFY(settle(view));
        QCOMPARE(view.visibleRows(), 1);
        view.setFilter(QString(), 0);
        QVERIFY(settle(view));
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

        // A new track appears after the store reports it durable (throttled
        // refresh); the selection stays on its track.
        store.addTrack(track(dir, QStringLiteral("delta.wav"), 10.0));
        store.setVerdict(a, sa.at(1).id, tags[1], Verdict::Absent);
        QTRY_COMPARE_WITH_TIMEOUT(view.visibleRows(), 4, 5000);
        QVERIFY(settle(view));
        QCOMPARE(view.selectedTrackIds(), QList<qint64>{a});
    }


    void columnsAndFileState()
    {
        const QString dir = tests::tempDir(QStringLiteral("libraryviewcolumns"));
        engine::AnnotationStore store;
        SmallStore s;
        QVERIFY(makeSmallStore(store, dir, s));
        widgets::LibraryView view;
        QAbstractItemModelTester tester(view.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.setStore(&store);
        QVERIFY(settle(view));
        QCOMPARE(view.visibleRows(), 3);
        const QAbstractItemModel *m = view.tableView()->model();
        auto cell = [&](const QString &name, int column) { return m->index(viewRow(view, name), column).data().toString(); };
        using LM = widgets::LibraryModel;
        const QString present = QStringLiteral("present.wav"), changed = QStringLiteral("changed.wav"),
                      missing = QStringLiteral("missing.wav");
        QCOMPARE(cell(present, LM::ModelsColumn), QStringLiteral("v1, v2"));   // oldest first
        QCOMPARE(cell(missing, LM::ModelsColumn), QStringLiteral("v1"));
        QCOMPARE(cell(changed, LM::ModelsColumn), QString());
        QCOMPARE(cell(present, LM::TopTagsColumn), expectedTopTags(s, s.presentV2));   // the newest run's
        QCOMPARE(cell(missing, LM::TopTagsColumn), expectedTopTags(s, s.missingV1));
        QCOMPARE(cell(changed, LM::TopTagsColumn), QString());
        QCOMPARE(cell(present, LM::StateColumn), QStringLiteral("present"));
        QCOMPARE(cell(changed, LM::StateColumn), QStringLiteral("changed"));
        QCOMPARE(cell(missing, LM::StateColumn), QStringLiteral("missing"));
        QCOMPARE(cell(present, LM::ReviewedColumn), QStringLiteral("%1 %").arg(100.0 / 6.0, 0, 'f', 0));
        QCOMPARE(cell(missing, LM::ReviewedColumn), QStringLiteral("0 %"));
        QVERIFY(cell(present, LM::DurationColumn).startsWith(QStringLiteral("0:04")));
        QVERIFY(cell(changed, LM::DurationColumn).startsWith(QStringLiteral("0:06")));   // as it was added
        QVERIFY(cell(missing, LM::DurationColumn).startsWith(QStringLiteral("0:10")));
        QCOMPARE(cell(missing, LM::SegmentsColumn), QStringLiteral("2"));
        QVERIFY(view.summaryText().contains(QStringLiteral("1 missing")));

        // Sortable: by duration, longest first; by top tag probability, highest first.
        view.tableView()->sortByColumn(LM::DurationColumn, Qt::DescendingOrder);
        QCOMPARE(m->index(0, LM::FileColumn).data().toString(), missing);
        QCOMPARE(m->index(2, LM::FileColumn).data().toString(), present);
        view.tableView()->sortByColumn(LM::TopTagsColumn, Qt::DescendingOrder);
        QCOMPARE(m->index(0, LM::FileColumn).data().toString(), present);   // strings 0.80 > piano 0.35
        QCOMPARE(m->index(2, LM::FileColumn).data().toString(), changed);   // no predictions
        view.tableView()->sortByColumn(LM::ModelsColumn, Qt::AscendingOrder);
        QCOMPARE(m->index(0, LM::FileColumn).data().toString(), changed);

        // A missing track is not opened; the line below says why.
        QSignalSpy open(&view, &widgets::LibraryView::openRequested);
        Q_EMIT view.tableView()->doubleClicked(m->index(viewRow(view, missing), 0));
        QCOMPARE(open.count(), 0);
        QVERIFY(view.summaryText().contains(missing));
        Q_EMIT view.tableView()->doubleClicked(m->index(viewRow(view, present), 0));
        QCOMPARE(open.count(), 1);
    }

    void savedSearchFilter()
    {
        const QString dir = tests::tempDir(QStringLiteral("libraryviewsearch"));
        engine::AnnotationStore store;
        SmallStore s;
        QVERIFY(makeSmallStore(store, dir, s));
        QSettings().remove(widgets::LibraryView::savedSearchesKey());
        widgets::LibraryView view;
        view.setStore(&store);
        QVERIFY(settle(view));
        QCOMPARE(view.visibleRows(), 3);

        // present.wav has strings 0.9 (v2) in segment 0, missing.wav 0.95 (v1).
        QVERIFY(view.setSearch(QStringLiteral("strings >= 0.85")));
        QVERIFY(settle(view));
        QCOMPARE(view.visibleRows(), 2);
        QVERIFY(viewRow(view, QStringLiteral("changed.wav")) < 0);
        // present.wav's strings cell there is curated: only missing.wav is left.
        QVERIFY(view.setSearch(QStringLiteral("strings >= 0.85 and not strings curated")));
        QVERIFY(settle(view));
        QCOMPARE(view.visibleRows(), 1);
        QVERIFY(viewRow(view, QStringLiteral("missing.wav")) >= 0);
        // The tag and verdict filter still applies on top.
        view.setFilter(QStringLiteral("strings"), 1);
        QVERIFY(settle(view));
        QCOMPARE(view.visibleRows(), 0);
        view.setFilter(QString(), 0);
        QVERIFY(settle(view));
        QCOMPARE(view.visibleRows(), 1);

        // Save it; the Search dock writes the same key meanwhile.
        QVERIFY(!view.saveSearch(QString()));
        QVERIFY(view.saveSearch(QStringLiteral("unreviewed strings")));
        QStringList lines = QSettings().value(widgets::LibraryView::savedSearchesKey()).toStringList();
        QCOMPARE(lines, QStringList{QStringLiteral("unreviewed strings\tstrings >= 0.85 and not strings curated")});
        lines << QStringLiteral("drums\tdrums >= 0.55");
        QSettings().setValue(widgets::LibraryView::savedSearchesKey(), lines);
        // Saving under the same name replaces the query.
        QVERIFY(view.setSearch(QStringLiteral("strings >= 0.85")));
        QVERIFY(view.saveSearch(QStringLiteral("unreviewed strings")));
        QVERIFY(settle(view));
        lines = QSettings().value(widgets::LibraryView::savedSearchesKey()).toStringList();
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines.contains(QStringLiteral("drums\tdrums >= 0.55")));
        QVERIFY(lines.contains(QStringLiteral("unreviewed strings\tstrings >= 0.85")));

        // The drop-down reads the settings when it opens.
        QMenu *menu = view.savedSearchesButton()->menu();
        QVERIFY(menu);
        Q_EMIT menu->aboutToShow();
        QAction *drums = nullptr;
        QStringList names;
        for (QAction *a : menu->actions()) {
            names << a->text();
            if (a->text() == QStringLiteral("drums"))
                drums = a;
        }
        QVERIFY2(drums && names.contains(QStringLiteral("unreviewed strings")), qPrintable(names.join(',')));
        drums->trigger();   // present.wav's drums 0.6 in segment 1; missing.wav's at most 0.3
        QCOMPARE(view.searchField()->text(), QStringLiteral("drums >= 0.55"));
        QVERIFY(settle(view));
        QCOMPARE(view.visibleRows(), 1);
        QVERIFY(viewRow(view, QStringLiteral("present.wav")) >= 0);

        // A search that does not parse says where; the rows stay.
        QVERIFY(!view.setSearch(QStringLiteral("strings >=")));
        QVERIFY(view.summaryText().contains(QStringLiteral("position")));
        QCOMPARE(view.visibleRows(), 1);
        // An empty search shows every track again.
        QVERIFY(view.setSearch(QString()));
        QVERIFY(settle(view));
        QCOMPARE(view.visibleRows(), 3);
    }

    void dropAsksToAdd()
    {
        const QString dir = tests::tempDir(QStringLiteral("libraryviewdrop"));
        QVERIFY(tests::writeToneWav(dir + QStringLiteral("/a.wav"), 0.5, 440.0));
        QFile text(dir + QStringLiteral("/notes.txt"));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.close();
        widgets::LibraryView view;
        QSignalSpy add(&view, &widgets::LibraryView::addRequested);
        auto drop = [&](const QList<QUrl> &urls) {
            QMimeData mime;
            mime.setUrls(urls);
            QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(&view, &enter);
            QDropEvent dropped(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(&view, &dropped);
            return enter.isAccepted();
        };
        QVERIFY(drop({QUrl::fromLocalFile(dir), QUrl::fromLocalFile(dir + QStringLiteral("/notes.txt"))}));
        QCOMPARE(add.count(), 1);
        QCOMPARE(add.front().front().toStringList(), QStringList{dir});   // the text file is left out
        QVERIFY(drop({QUrl::fromLocalFile(dir + QStringLiteral("/a.wav"))}));
        QCOMPARE(add.count(), 2);
        QVERIFY(!drop({QUrl::fromLocalFile(dir + QStringLiteral("/notes.txt"))}));
        QCOMPARE(add.count(), 2);
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
