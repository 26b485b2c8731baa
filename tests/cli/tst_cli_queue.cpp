// SPDX-License-Identifier: GPL-3.0-or-later
// `taglane-cli queue`: uncurated cells in the order of each strategy,
// checked against orders computed here from the probabilities written.
#include "clirunner.h"
#include "librarystore.h"
#include "rawdb.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QtTest>

#include <algorithm>
#include <cmath>

namespace {

using taglane::tests::CliRun;
using taglane::tests::LibraryCellKey;
using taglane::tests::LibraryStore;
using taglane::tests::runCli;
using namespace taglane::engine;

struct Expected
{
    LibraryCellKey key;
    double order = 0.0;      ///< ascending
    float probability = 0.0f;
};

QJsonArray queueJson(const QStringList &args, int *exitCode = nullptr)
{
    const CliRun r = runCli(QStringList{QStringLiteral("queue"), QStringLiteral("--json")} + args);
    if (exitCode)
        *exitCode = r.exitCode;
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.err));
    return QJsonDocument::fromJson(r.out.toUtf8()).array();
}

/// The cell a queue entry names, by track path, start and tag.
LibraryCellKey keyOf(const LibraryStore &lib, const QJsonObject &o)
{
    return LibraryCellKey{int(lib.paths.indexOf(o.value(QStringLiteral("track")).toString())),
                          int(std::lround(o.value(QStringLiteral("start")).toDouble() / lib.segmentSeconds)),
                          int(lib.tags.indexOf(o.value(QStringLiteral("tag")).toString()))};
}

} // namespace

class tst_CliQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void uncertaintyOrdersByDistanceFromHalf();
    void disagreementOrdersBySpread();
    void diverseMixesTracksAndTags();
    void storeWithoutTheBandIndexSortsEverything();
    void spreadsFollowARetag();
    void badInputExitsNonZero();

private:
    QString m_store;
    LibraryStore m_lib;
    /// version that scores each track when none is chosen (the newest run)
    QHash<int, QString> m_newest;
};

void tst_CliQueue::initTestCase()
{
    m_store = taglane::tests::tempDir(QStringLiteral("cli-queue")) + QStringLiteral("/lib.sqlite");
    AnnotationStore store;
    QVERIFY(store.open(m_store));
    m_lib.tags = QStringList{QStringLiteral("piano"), QStringLiteral("strings"), QStringLiteral("drums"),
                             QStringLiteral("vocals"), QStringLiteral("guitar"), QStringLiteral("bass")};
    QVERIFY(taglane::tests::addLibraryTracks(store, m_lib, 5, 6));
    QRandomGenerator rng(20261202);
    // v1 tags every track; track 0 is uncertain throughout (probabilities
    // near 0.5), so the plain uncertainty order starts with many of its cells.
    QVERIFY(taglane::tests::tagLibrary(store, m_lib, QStringLiteral("v1"), {0, 1, 2, 3, 4}, [&](int t, int, int) {
        return t == 0 ? float(0.45 + 0.1 * rng.generateDouble()) : float(rng.generateDouble());
    }));
    // v2 re-tags tracks 1 and 2, off from v1 by varying amounts.
    QVERIFY(taglane::tests::tagLibrary(store, m_lib, QStringLiteral("v2"), {1, 2}, [&](int t, int s, int g) {
        const float p1 = m_lib.probabilities[QStringLiteral("v1")].value({t, s, g});
        return std::clamp(p1 + float(rng.generateDouble() - 0.5), 0.0f, 1.0f);
    }));
    for (int t = 0; t < 5; ++t)
        m_newest.insert(t, t == 1 || t == 2 ? QStringLiteral("v2") : QStringLiteral("v1"));
    // Curate a few cells, among them the most uncertain cell of track 0 and
    // the most disputed cell: neither may be listed.
    LibraryCellKey mostUncertain{0, 0, 0}, mostDisputed{1, 0, 0};
    double bestU = 1.0, bestD = -1.0;
    for (int s = 0; s < 6; ++s) {
        for (int g = 0; g < 6; ++g) {
            const double u = std::abs(m_lib.probabilities[QStringLiteral("v1")].value({0, s, g}) - 0.5);
            if (u < bestU) { bestU = u; mostUncertain = {0, s, g}; }
            for (int t = 1; t <= 2; ++t) {
                const double d = std::abs(m_lib.probabilities[QStringLiteral("v1")].value({t, s, g})
                                          - m_lib.probabilities[QStringLiteral("v2")].value({t, s, g}));
                if (d > bestD) { bestD = d; mostDisputed = {t, s, g}; }
            }
        }
    }
    QVERIFY(taglane::tests::setLibraryVerdict(store, m_lib, mostUncertain, Verdict::Present));
    QVERIFY(taglane::tests::setLibraryVerdict(store, m_lib, mostDisputed, Verdict::Absent));
    QVERIFY(taglane::tests::setLibraryVerdict(store, m_lib, {3, 2, 1}, Verdict::Present));
    QVERIFY(store.waitForSaved(0, store.lastEditSeq()));
    store.close();
}

void tst_CliQueue::uncertaintyOrdersByDistanceFromHalf()
{
    for (const QString &model : {QString(), QStringLiteral("v1")}) {
        QVector<Expected> expected;
        for (int t = 0; t < 5; ++t) {
            const QString version = model.isEmpty() ? m_newest.value(t) : model;
            for (int s = 0; s < 6; ++s) {
                for (int g = 0; g < 6; ++g) {
                    if (m_lib.verdicts.contains({t, s, g}))
                        continue;
                    const float p = m_lib.probabilities[version].value({t, s, g});
                    expected.append({{t, s, g}, std::abs(double(p) - 0.5), p});
                }
            }
        }
        std::stable_sort(expected.begin(), expected.end(), [](const Expected &a, const Expected &b) { return a.order < b.order; });
        QStringList args{QStringLiteral("--store"), m_store, QStringLiteral("--limit"), QStringLiteral("25")};
        if (!model.isEmpty())
            args << QStringLiteral("--model") << model;
        const QJsonArray list = queueJson(args);
        QCOMPARE(list.size(), 25);
        for (int i = 0; i < list.size(); ++i) {
            const QJsonObject o = list.at(i).toObject();
            const LibraryCellKey k = keyOf(m_lib, o);
            QVERIFY2(k == expected.at(i).key, qPrintable(QStringLiteral("entry %1").arg(i)));
            QVERIFY(std::abs(o.value(QStringLiteral("probability")).toDouble() - expected.at(i).probability) < 1e-6);
            QCOMPARE(o.value(QStringLiteral("end")).toDouble() - o.value(QStringLiteral("start")).toDouble(), m_lib.segmentSeconds);
            QVERIFY(!m_lib.verdicts.contains(k));
        }
        // The first 25 come from the store's index of cells near 0.5; asking
        // for more than that band holds sorts every cell: the same order.
        QStringList all = args;
        all[3] = QStringLiteral("170");
        const QJsonArray sorted = queueJson(all);
        QCOMPARE(sorted.size(), 170);
        for (int i = 0; i < list.size(); ++i)
            QVERIFY(keyOf(m_lib, sorted.at(i).toObject()) == keyOf(m_lib, list.at(i).toObject()));
        // The default order starts with track 0's cells: the contrast for the diverse strategy.
        if (model.isEmpty())
            QCOMPARE(keyOf(m_lib, list.at(9).toObject()).track, 0);
    }
}

void tst_CliQueue::disagreementOrdersBySpread()
{
    QVector<Expected> expected;
    for (int t = 1; t <= 2; ++t) {
        for (int s = 0; s < 6; ++s) {
            for (int g = 0; g < 6; ++g) {
                if (m_lib.verdicts.contains({t, s, g}))
                    continue;
                const double spread = std::abs(m_lib.probabilities[QStringLiteral("v1")].value({t, s, g})
                                               - m_lib.probabilities[QStringLiteral("v2")].value({t, s, g}));
                expected.append({{t, s, g}, -spread, 0.0f});
            }
        }
    }
    std::stable_sort(expected.begin(), expected.end(), [](const Expected &a, const Expected &b) { return a.order < b.order; });
    const QJsonArray list = queueJson({QStringLiteral("--store"), m_store, QStringLiteral("--strategy"),
                                       QStringLiteral("disagreement"), QStringLiteral("--limit"), QStringLiteral("200")});
    QCOMPARE(list.size(), expected.size());   // only cells two versions scored
    for (int i = 0; i < list.size(); ++i) {
        const QJsonObject o = list.at(i).toObject();
        QVERIFY2(keyOf(m_lib, o) == expected.at(i).key, qPrintable(QStringLiteral("entry %1").arg(i)));
        QVERIFY(std::abs(o.value(QStringLiteral("score")).toDouble() + expected.at(i).order) < 1e-6);
        const QJsonObject models = o.value(QStringLiteral("models")).toObject();
        QCOMPARE(models.size(), 2);
        QVERIFY(std::abs(models.value(QStringLiteral("v2")).toDouble()
                         - m_lib.probabilities[QStringLiteral("v2")].value(expected.at(i).key)) < 1e-6);
    }
}

void tst_CliQueue::diverseMixesTracksAndTags()
{
    const QJsonArray list = queueJson({QStringLiteral("--store"), m_store, QStringLiteral("--strategy"),
                                       QStringLiteral("diverse"), QStringLiteral("--limit"), QStringLiteral("10")});
    QCOMPARE(list.size(), 10);
    QSet<int> firstTracks, firstTags, allCells;
    for (int i = 0; i < list.size(); ++i) {
        const LibraryCellKey k = keyOf(m_lib, list.at(i).toObject());
        QVERIFY(k.track >= 0 && k.tag >= 0);
        QVERIFY(!m_lib.verdicts.contains(k));
        allCells.insert((k.track * 100 + k.segment) * 10 + k.tag);
        if (i < 5) {
            firstTracks.insert(k.track);
            firstTags.insert(k.tag);
        }
    }
    QCOMPARE(allCells.size(), 10);        // no cell twice
    QCOMPARE(firstTracks.size(), 5);      // the first five come from the five tracks
    QCOMPARE(firstTags.size(), 5);        // with five different tags
    // The first pick is the most uncertain cell of all.
    const QJsonArray plain = queueJson({QStringLiteral("--store"), m_store, QStringLiteral("--limit"), QStringLiteral("1")});
    QCOMPARE(keyOf(m_lib, list.at(0).toObject()), keyOf(m_lib, plain.at(0).toObject()));
}

void tst_CliQueue::storeWithoutTheBandIndexSortsEverything()
{
    // A store whose index of cells near 0.5 is gone (an older schema, a
    // hand-made copy) gives the same queue, by the full sort.
    const QJsonArray before = queueJson({QStringLiteral("--store"), m_store, QStringLiteral("--limit"), QStringLiteral("25")});
    const QStringList disagreement{QStringLiteral("--strategy"), QStringLiteral("disagreement"), QStringLiteral("--limit"),
                                   QStringLiteral("30")};
    const QJsonArray disputedBefore = queueJson(QStringList{QStringLiteral("--store"), m_store} + disagreement);
    const QString copy = taglane::tests::tempDir(QStringLiteral("cli-queue-noindex")) + QStringLiteral("/lib.sqlite");
    QVERIFY(QFile::copy(m_store, copy));
    {
        taglane::tests::RawDb raw(copy);
        QVERIFY(raw.exec(QStringLiteral("DROP INDEX predictions_uncertain")));
        QVERIFY(raw.exec(QStringLiteral("DROP TABLE cell_spreads")));
    }
    const QJsonArray after = queueJson({QStringLiteral("--store"), copy, QStringLiteral("--limit"), QStringLiteral("25")});
    QCOMPARE(after.size(), 25);
    for (int i = 0; i < after.size(); ++i)
        QVERIFY(keyOf(m_lib, after.at(i).toObject()) == keyOf(m_lib, before.at(i).toObject()));
    const QJsonArray disputedAfter = queueJson(QStringList{QStringLiteral("--store"), copy} + disagreement);
    QCOMPARE(disputedAfter.size(), 30);
    QCOMPARE(disputedBefore.size(), 30);
    for (int i = 0; i < disputedAfter.size(); ++i) {
        QVERIFY(keyOf(m_lib, disputedAfter.at(i).toObject()) == keyOf(m_lib, disputedBefore.at(i).toObject()));
        QCOMPARE(disputedAfter.at(i).toObject().value(QStringLiteral("score")).toDouble(),
                 disputedBefore.at(i).toObject().value(QStringLiteral("score")).toDouble());
    }
}

void tst_CliQueue::spreadsFollowARetag()
{
    // A version that tags a track again moves its cells' spreads with it.
    const QString copy = taglane::tests::tempDir(QStringLiteral("cli-queue-retag")) + QStringLiteral("/lib.sqlite");
    QVERIFY(QFile::copy(m_store, copy));
    LibraryStore lib = m_lib;
    {
        AnnotationStore store;
        QVERIFY(store.open(copy));
        QVERIFY(taglane::tests::tagLibrary(store, lib, QStringLiteral("v1"), {2}, [&](int t, int s, int g) {
            // Track 2 now agrees with v2 everywhere but one cell, which disagrees completely.
            const float v2 = lib.probabilities[QStringLiteral("v2")].value({t, s, g});
            return s == 3 && g == 4 ? 1.0f - v2 : v2;
        }));
        QVERIFY(store.waitForSaved(0, store.lastEditSeq()));
    }
    const QJsonArray list = queueJson({QStringLiteral("--store"), copy, QStringLiteral("--strategy"),
                                       QStringLiteral("disagreement"), QStringLiteral("--limit"), QStringLiteral("200")});
    bool disputed = false;
    for (const QJsonValue &v : list) {
        const LibraryCellKey k = keyOf(lib, v.toObject());
        if (k.track != 2)
            continue;
        const float v2 = lib.probabilities[QStringLiteral("v2")].value(k);
        const double expected = k.segment == 3 && k.tag == 4 ? std::abs(1.0 - 2.0 * double(v2)) : 0.0;
        QVERIFY(std::abs(v.toObject().value(QStringLiteral("score")).toDouble() - expected) < 1e-6);
        disputed = disputed || expected > 0.0;
    }
    QVERIFY(disputed);
}

void tst_CliQueue::badInputExitsNonZero()
{
    CliRun r = runCli({QStringLiteral("queue"), QStringLiteral("--store"), m_store, QStringLiteral("--strategy"), QStringLiteral("loudest")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("loudest")) && r.err.contains(QStringLiteral("disagreement")), qPrintable(r.err));
    r = runCli({QStringLiteral("queue"), QStringLiteral("--store"), m_store + QStringLiteral(".absent")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("does not exist")), qPrintable(r.err));
    r = runCli({QStringLiteral("queue"), QStringLiteral("--store"), m_store, QStringLiteral("--limit"), QStringLiteral("0")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("--limit")));
    r = runCli({QStringLiteral("queue"), QStringLiteral("--store"), m_store, QStringLiteral("--model"), QStringLiteral("v9")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("v9")) && r.err.contains(QStringLiteral("v1")), qPrintable(r.err));
    r = runCli({QStringLiteral("queue")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("--store")));
}

QTEST_GUILESS_MAIN(tst_CliQueue)
#include "tst_cli_queue.moc"
