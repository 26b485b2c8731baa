// SPDX-License-Identifier: GPL-3.0-or-later
// `taglane-cli search`: segment and track hits of tag queries, checked
// against predicates evaluated here on the probabilities and verdicts written.
#include "clirunner.h"
#include "librarystore.h"
#include "rawdb.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <functional>

namespace {

using taglane::tests::CliRun;
using taglane::tests::LibraryCellKey;
using taglane::tests::LibraryStore;
using taglane::tests::runCli;
using namespace taglane::engine;

enum { Piano, Strings, Drums, Vocals };
const int kTracks = 6;
const int kSegments = 5;

} // namespace

class tst_CliSearch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void segmentQueries_data();
    void segmentQueries();
    void trackQueries();
    void modelOptionChoosesTheVersion();
    void badQueriesNameThePosition();
    void sameHitsWithoutTheSchema5Additions();

private:
    using SegmentPredicate = std::function<bool(int track, int segment)>;
    float p(int t, int s, int g, const QString &version = {}) const
    {
        const QString v = version.isEmpty() ? (t < 2 ? QStringLiteral("v2") : QStringLiteral("v1")) : version;
        return m_lib.probabilities.value(v).value({t, s, g}, -1.0f);
    }
    bool verdict(int t, int s, int g, std::optional<Verdict> which = std::nullopt) const
    {
        const auto it = m_lib.verdicts.constFind({t, s, g});
        return it != m_lib.verdicts.constEnd() && (!which || *it == *which);
    }
    bool anyVerdict(int t, int s, std::optional<Verdict> which = std::nullopt) const
    {
        for (int g = 0; g < m_lib.tags.size(); ++g) {
            if (verdict(t, s, g, which))
                return true;
        }
        return false;
    }
    bool byCurator(int t, int s, const QString &name, int g = -1) const
    {
        for (auto it = m_lib.curators.constBegin(); it != m_lib.curators.constEnd(); ++it) {
            if (it.key().track == t && it.key().segment == s && (g < 0 || it.key().tag == g) && it.value() == name)
                return true;
        }
        return false;
    }
    QSet<QPair<int, int>> searchSegments(const QStringList &args, int *exitCode = nullptr, const QString &store = {}) const;

    QString m_store;
    LibraryStore m_lib;
    QHash<QString, SegmentPredicate> m_predicates;
};

QSet<QPair<int, int>> tst_CliSearch::searchSegments(const QStringList &args, int *exitCode, const QString &store) const
{
    const CliRun r = runCli(QStringList{QStringLiteral("search"), QStringLiteral("--store"), store.isEmpty() ? m_store : store,
                                        QStringLiteral("--json")}
                            + args);
    if (exitCode)
        *exitCode = r.exitCode;
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.err));
    QSet<QPair<int, int>> hits;
    for (const QJsonValue &v : QJsonDocument::fromJson(r.out.toUtf8()).array()) {
        const QJsonObject o = v.toObject();
        hits.insert({int(m_lib.paths.indexOf(o.value(QStringLiteral("track")).toString())),
                     int(std::lround(o.value(QStringLiteral("start")).toDouble() / m_lib.segmentSeconds))});
    }
    return hits;
}

void tst_CliSearch::initTestCase()
{
    m_store = taglane::tests::tempDir(QStringLiteral("cli-search")) + QStringLiteral("/lib.sqlite");
    AnnotationStore store;
    QVERIFY(store.open(m_store));
    m_lib.tags = QStringList{QStringLiteral("piano"), QStringLiteral("strings"), QStringLiteral("drums"),
                             QStringLiteral("Instrument - Vocals")};
    QVERIFY(taglane::tests::addLibraryTracks(store, m_lib, kTracks, kSegments));
    QRandomGenerator rng(7);
    QVERIFY(taglane::tests::tagLibrary(store, m_lib, QStringLiteral("v1"), {0, 1, 2, 3, 4, 5},
                                       [&](int, int, int) { return float(rng.generateDouble()); }));
    // v2 re-tags tracks 0 and 1: for them the search uses v2 unless told otherwise.
    QVERIFY(taglane::tests::tagLibrary(store, m_lib, QStringLiteral("v2"), {0, 1},
                                       [&](int, int, int) { return float(rng.generateDouble()); }));
    for (int i = 0; i < 14; ++i) {
        const LibraryCellKey k{int(rng.bounded(kTracks)), int(rng.bounded(kSegments)), int(rng.bounded(4))};
        QVERIFY(taglane::tests::setLibraryVerdict(store, m_lib, k, i % 3 == 0 ? Verdict::Absent : Verdict::Present,
                                                  i % 2 ? QStringLiteral("anna") : QStringLiteral("ben")));
    }
    QVERIFY(store.waitForSaved(0, store.lastEditSeq()));
    store.close();

    m_predicates.insert(QStringLiteral("strings >= 0.6"), [this](int t, int s) { return p(t, s, Strings) >= 0.6f; });
    m_predicates.insert(QStringLiteral("piano > 0.5 and not piano curated"),
                        [this](int t, int s) { return p(t, s, Piano) > 0.5f && !verdict(t, s, Piano); });
    m_predicates.insert(QStringLiteral("(piano > 0.7 or drums < 0.2) and strings <= 0.5"), [this](int t, int s) {
        return (p(t, s, Piano) > 0.7f || p(t, s, Drums) < 0.2f) && p(t, s, Strings) <= 0.5f;
    });
    m_predicates.insert(QStringLiteral("piano > 0.7 or drums < 0.2 and strings <= 0.5"), [this](int t, int s) {
        return p(t, s, Piano) > 0.7f || (p(t, s, Drums) < 0.2f && p(t, s, Strings) <= 0.5f);
    });
    // Queries that read the likely cells from their index (schema 5): one
    // term, an `or` of such terms, and such a term among other conditions.
    m_predicates.insert(QStringLiteral("piano > 0.8 or strings >= 0.9 or drums = 0.5"), [this](int t, int s) {
        return p(t, s, Piano) > 0.8f || p(t, s, Strings) >= 0.9f || p(t, s, Drums) == 0.5f;
    });
    m_predicates.insert(QStringLiteral("(drums > 0.7 or strings > 0.7) and not curated"), [this](int t, int s) {
        return (p(t, s, Drums) > 0.7f || p(t, s, Strings) > 0.7f) && !anyVerdict(t, s);
    });
    m_predicates.insert(QStringLiteral("not piano >= 0.5 and drums >= 0.55 and strings < 0.5"), [this](int t, int s) {
        return p(t, s, Piano) < 0.5f && p(t, s, Drums) >= 0.55f && p(t, s, Strings) < 0.5f;
    });
    m_predicates.insert(QStringLiteral("drums >= 0.3 and (piano > 0.6 or strings < 0.3)"), [this](int t, int s) {
        return p(t, s, Drums) >= 0.3f && (p(t, s, Piano) > 0.6f || p(t, s, Strings) < 0.3f);
    });
    m_predicates.insert(QStringLiteral("not curated"), [this](int t, int s) { return !anyVerdict(t, s); });
    m_predicates.insert(QStringLiteral("curated present"), [this](int t, int s) { return anyVerdict(t, s, Verdict::Present); });
    m_predicates.insert(QStringLiteral("drums curated absent or strings curated"), [this](int t, int s) {
        return verdict(t, s, Drums, Verdict::Absent) || verdict(t, s, Strings);
    });
    m_predicates.insert(QStringLiteral("curator = anna"), [this](int t, int s) { return byCurator(t, s, QStringLiteral("anna")); });
    m_predicates.insert(QStringLiteral("not curator = anna and curated"),
                        [this](int t, int s) { return !byCurator(t, s, QStringLiteral("anna")) && anyVerdict(t, s); });
    m_predicates.insert(QStringLiteral("\"Instrument - Vocals\" != 0.5 and piano curator = ben"), [this](int t, int s) {
        return byCurator(t, s, QStringLiteral("ben"), Piano);
    });
}

void tst_CliSearch::segmentQueries_data()
{
    QTest::addColumn<QString>("query");
    for (auto it = m_predicates.constBegin(); it != m_predicates.constEnd(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key();
}

void tst_CliSearch::segmentQueries()
{
    QFETCH(QString, query);
    const SegmentPredicate predicate = m_predicates.value(query);
    QSet<QPair<int, int>> expected;
    for (int t = 0; t < kTracks; ++t) {
        for (int s = 0; s < kSegments; ++s) {
            if (predicate(t, s))
                expected.insert({t, s});
        }
    }
    int exitCode = -1;
    const auto hits = searchSegments({query}, &exitCode);
    QCOMPARE(exitCode, 0);
    QCOMPARE(hits, expected);
    QVERIFY2(!expected.isEmpty() || query.contains(QStringLiteral("ben")), "a query that matches nothing proves little");
}

void tst_CliSearch::trackQueries()
{
    // Whole tracks: the mean probability over the track's segments.
    QSet<int> expected;
    for (int t = 0; t < kTracks; ++t) {
        double sum = 0.0;
        for (int s = 0; s < kSegments; ++s)
            sum += p(t, s, Piano);
        bool curatedByBen = false;
        for (int s = 0; s < kSegments; ++s)
            curatedByBen = curatedByBen || byCurator(t, s, QStringLiteral("ben"));
        if (sum / kSegments >= 0.5 && !curatedByBen)
            expected.insert(t);
    }
    QVERIFY(!expected.isEmpty() && expected.size() < kTracks);
    const CliRun r = runCli({QStringLiteral("search"), QStringLiteral("--store"), m_store, QStringLiteral("--tracks"),
                             QStringLiteral("--json"), QStringLiteral("piano >= 0.5 and not curator = ben")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QSet<int> hits;
    for (const QJsonValue &v : QJsonDocument::fromJson(r.out.toUtf8()).array()) {
        hits.insert(int(m_lib.paths.indexOf(v.toObject().value(QStringLiteral("track")).toString())));
        QCOMPARE(v.toObject().value(QStringLiteral("end")).toDouble(), kSegments * m_lib.segmentSeconds);
    }
    QCOMPARE(hits, expected);
}

void tst_CliSearch::modelOptionChoosesTheVersion()
{
    QSet<QPair<int, int>> expected;
    for (int t = 0; t < kTracks; ++t) {
        for (int s = 0; s < kSegments; ++s) {
            if (p(t, s, Strings, QStringLiteral("v1")) >= 0.6f)
                expected.insert({t, s});
        }
    }
    QCOMPARE(searchSegments({QStringLiteral("--model"), QStringLiteral("v1"), QStringLiteral("strings >= 0.6")}), expected);
    // v2 scored only tracks 0 and 1.
    const auto v2 = searchSegments({QStringLiteral("--model"), QStringLiteral("v2"), QStringLiteral("strings >= 0")});
    QCOMPARE(v2.size(), 2 * kSegments);
    for (const auto &hit : v2)
        QVERIFY(hit.first < 2);
}

void tst_CliSearch::badQueriesNameThePosition()
{
    CliRun r = runCli({QStringLiteral("search"), QStringLiteral("--store"), m_store, QStringLiteral("strings >= lots")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("position 12")), qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("\n  strings >= lots\n") + QString(13, QLatin1Char(' ')) + QStringLiteral("^")), qPrintable(r.err));
    r = runCli({QStringLiteral("search"), QStringLiteral("--store"), m_store, QStringLiteral("piano > 0.5 and strngs > 0.1")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("strngs")) && r.err.contains(QStringLiteral("position 17")), qPrintable(r.err));
    r = runCli({QStringLiteral("search"), QStringLiteral("--store"), m_store + QStringLiteral(".absent"), QStringLiteral("piano > 0.5")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("does not exist")), qPrintable(r.err));
    r = runCli({QStringLiteral("search"), QStringLiteral("--store"), m_store});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("no query")));
    r = runCli({QStringLiteral("search"), QStringLiteral("--store"), m_store, QStringLiteral("piano"), QStringLiteral(">"), QStringLiteral("0.5")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("one argument")));
}

void tst_CliSearch::sameHitsWithoutTheSchema5Additions()
{
    // A store without the index of likely cells and the ranked tags (a
    // hand-made copy, or one read before its upgrade) finds the same hits,
    // by probing every segment and averaging the predictions.
    const QString copy = taglane::tests::tempDir(QStringLiteral("cli-search-noindex")) + QStringLiteral("/lib.sqlite");
    QVERIFY(QFile::copy(m_store, copy));
    {
        taglane::tests::RawDb raw(copy);
        QVERIFY(raw.exec(QStringLiteral("DROP INDEX predictions_likely")));
        QVERIFY(raw.exec(QStringLiteral("DROP TABLE track_tag_ranks")));
    }
    for (auto it = m_predicates.constBegin(); it != m_predicates.constEnd(); ++it) {
        int fast = -1, slow = -1;
        const auto withIndex = searchSegments({it.key()}, &fast);
        QCOMPARE(searchSegments({it.key()}, &slow, copy), withIndex);
        QCOMPARE(fast, 0);
        QCOMPARE(slow, 0);
    }
    // The first N, whether read from the index (few candidates) or probed in order (many).
    for (const QString &query : {QStringLiteral("strings >= 0.6"), QStringLiteral("piano > 0.9 or drums >= 0.95")}) {
        const QStringList args{QStringLiteral("search"), QStringLiteral("--json"), query};
        const CliRun all = runCli(QStringList{args.first(), QStringLiteral("--store"), m_store} + args.mid(1));
        const CliRun first = runCli(QStringList{args.first(), QStringLiteral("--store"), m_store, QStringLiteral("--limit"),
                                                QStringLiteral("2")}
                                    + args.mid(1));
        QVERIFY2(all.exitCode == 0 && first.exitCode == 0, qPrintable(all.err + first.err));
        const QJsonArray every = QJsonDocument::fromJson(all.out.toUtf8()).array();
        QVERIFY2(every.size() > 2, qPrintable(query));
        QCOMPARE(QJsonDocument::fromJson(first.out.toUtf8()).array(), QJsonArray({every.at(0), every.at(1)}));
    }
    for (const QString &query : {QStringLiteral("piano >= 0.5 and not curator = ben"),
                                 QStringLiteral("strings > 0.45 or drums <= 0.5"), QStringLiteral("drums >= 0.6")}) {
        const QStringList args{QStringLiteral("search"), QStringLiteral("--tracks"), QStringLiteral("--json"), query};
        const CliRun ranked = runCli(QStringList{args.first(), QStringLiteral("--store"), m_store} + args.mid(1));
        const CliRun averaged = runCli(QStringList{args.first(), QStringLiteral("--store"), copy} + args.mid(1));
        QVERIFY2(ranked.exitCode == 0 && averaged.exitCode == 0, qPrintable(ranked.err + averaged.err));
        QCOMPARE(averaged.out, ranked.out);
    }
}

QTEST_GUILESS_MAIN(tst_CliSearch)
#include "tst_cli_search.moc"
