// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli agreement: per tag, Cohen's kappa and raw agreement for each
// pair of curators and Fleiss' kappa for three, on a store whose verdicts
// the test writes as three curators; the figures are checked against
// engine/eval/agreement computed here from the same verdicts (built
// independently of the store) and against a hand-computed case. On SQLite
// and, where PostgreSQL is installed, on a throwaway cluster. Also: fewer
// than two curators is exit 1 with a message; `store rule` sets and shows a
// tag's rule.
#include "engine/eval/agreement.h"
#include "engine/store/annotationstore.h"

#include "clirunner.h"
#include "pgcluster.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>

using namespace taglane::engine;
using taglane::tests::CliRun;
using taglane::tests::PgCluster;
using taglane::tests::runCli;

namespace {

const QStringList kTags{QStringLiteral("Genre-Rock"), QStringLiteral("Vocals-Male")};
constexpr int kSegments = 12;

/// Curator -> tag -> segment -> verdict (-1 none, 0 absent, 1 present).
using Pattern = QMap<QString, QVector<QVector<int>>>;

/// Three curators who mostly agree, each leaving some cells unjudged.
Pattern threeCurators()
{
    Pattern p;
    const QStringList curators{QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")};
    for (int k = 0; k < curators.size(); ++k) {
        QVector<QVector<int>> tags(kTags.size(), QVector<int>(kSegments, -1));
        for (int t = 0; t < kTags.size(); ++t) {
            for (int s = 0; s < kSegments; ++s) {
                if ((s + 2 * k + t) % 7 == 0)
                    continue;   // not judged
                int v = (s * (t + 2) + t) % 3 == 0 ? 1 : 0;
                if ((s + k * 5 + t * 3) % 4 == 0)
                    v = 1 - v;  // a disagreement
                tags[t][s] = v;
            }
        }
        p.insert(curators.at(k), tags);
    }
    return p;
}

/// Writes the pattern into the store at `where`, one session per curator.
QString writePattern(const QString &where, const Pattern &pattern, int segments = kSegments)
{
    qint64 track = 0;
    QVector<qint64> segmentIds, tagIds;
    for (auto it = pattern.constBegin(); it != pattern.constEnd(); ++it) {
        AnnotationStore store;
        if (!store.setCurator(it.key()))
            return QStringLiteral("setCurator");
        const auto opened = store.open(where);
        if (!opened)
            return opened.error();
        if (track == 0) {
            QVector<Tag> tags;
            for (const QString &name : kTags)
                tags << Tag{name, Vocabulary::categoryOf(name)};
            store.setVocabulary(Vocabulary(tags));
            TrackRecord t;
            t.path = QStringLiteral("/music/agreement.wav");
            t.contentHash = QStringLiteral("0123abcd");
            t.durationSeconds = 10.0 * segments;
            track = store.addTrack(t)->id;
            const auto seg = store.saveSegmentation(track, Segmentation::fixedWindows(10.0 * segments, 10.0), SegmentSource::Fixed);
            if (!seg)
                return seg.error();
            for (const Segment &s : seg->segments())
                segmentIds << s.id;
            tagIds = store.tagIds(kTags);
        }
        QVector<VerdictEdit> edits;
        for (int t = 0; t < it->size(); ++t)
            for (int s = 0; s < it->at(t).size(); ++s)
                if (it->at(t).at(s) >= 0)
                    edits << VerdictEdit{segmentIds.at(s), tagIds.at(t), it->at(t).at(s) == 1 ? Verdict::Present : Verdict::Absent};
        const qint64 seq = store.setVerdicts(track, edits);
        const Status saved = store.waitForSaved(0, seq);
        if (!saved)
            return saved.error();
    }
    return {};
}

/// Agreement's input built straight from the pattern (not through the store).
AgreementInput inputOf(const Pattern &pattern, int segments = kSegments)
{
    AgreementInput in;
    in.raters = pattern.keys();   // QMap: sorted, as the command sorts them
    in.tags = kTags;
    in.items = segments;
    for (int t = 0; t < kTags.size(); ++t) {
        std::vector<qint8> table(size_t(segments) * size_t(in.raters.size()), -1);
        for (int r = 0; r < in.raters.size(); ++r)
            for (int s = 0; s < segments; ++s)
                table[size_t(s) * size_t(in.raters.size()) + size_t(r)] = qint8(pattern.value(in.raters.at(r)).at(t).at(s));
        in.ratings.push_back(table);
    }
    return in;
}

bool matches(const QJsonValue &json, double expected)
{
    if (std::isnan(expected))
        return json.isNull();
    return json.isDouble() && std::abs(json.toDouble() - expected) < 1e-9;
}

} // namespace

class TestCliAgreement : public QObject
{
    Q_OBJECT

private:
    PgCluster m_pg;
    bool m_hasPg = false;
    QString m_pgWhy;
    int m_databases = 0;

    QString location(bool pg, const QString &name)
    {
        if (!pg)
            return taglane::tests::tempDir(QStringLiteral("cli-agreement-") + name) + QStringLiteral("/store.db");
        const QString db = QStringLiteral("agreement_%1_%2").arg(name).arg(++m_databases);
        return m_pg.createDatabase(db) ? m_pg.uri(db) : QString();
    }

    void backends()
    {
        QTest::addColumn<bool>("pg");
        QTest::newRow("sqlite") << false;
        QTest::newRow("postgresql") << true;
    }

private Q_SLOTS:
    void initTestCase() { m_hasPg = m_pg.start(&m_pgWhy); }

    void matchesEngineAgreement_data() { backends(); }
    void matchesEngineAgreement()
    {
        QFETCH(bool, pg);
        if (pg && !m_hasPg)
            QSKIP(qPrintable(QStringLiteral("No throwaway PostgreSQL cluster: %1").arg(m_pgWhy)));
        const QString where = location(pg, QStringLiteral("three"));
        QVERIFY(!where.isEmpty());
        const Pattern pattern = threeCurators();
        const QString written = writePattern(where, pattern);
        QVERIFY2(written.isEmpty(), qPrintable(written));

        const CliRun run = runCli({QStringLiteral("agreement"), QStringLiteral("--store"), where, QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject json = QJsonDocument::fromJson(run.out.toUtf8()).object();
        QCOMPARE(json.value(QStringLiteral("curators")).toArray().size(), 3);
        QVERIFY(!json.value(QStringLiteral("store")).toString().contains(QString::fromLatin1(PgCluster::kPassword)));

        const auto expected = Agreement::compute(inputOf(pattern));
        QVERIFY2(expected.ok(), qPrintable(expected.error()));
        const QJsonArray tags = json.value(QStringLiteral("tags")).toArray();
        QCOMPARE(tags.size(), expected->size());
        int definedKappas = 0;
        for (int t = 0; t < tags.size(); ++t) {
            const QJsonObject tag = tags.at(t).toObject();
            const TagAgreement &e = expected->at(t);
            QCOMPARE(tag.value(QStringLiteral("tag")).toString(), e.tag);
            QVERIFY2(matches(tag.value(QStringLiteral("raw")), e.raw), qPrintable(e.tag));
            QVERIFY2(matches(tag.value(QStringLiteral("fleiss_kappa")), e.fleissKappa), qPrintable(e.tag));
            QCOMPARE(tag.value(QStringLiteral("fleiss_items")).toInt(), e.fleissItems);
            QVERIFY(e.fleissItems > 0);
            const QJsonArray pairs = tag.value(QStringLiteral("pairs")).toArray();
            QCOMPARE(pairs.size(), 3);
            for (int p = 0; p < pairs.size(); ++p) {
                const QJsonObject pair = pairs.at(p).toObject();
                const PairAgreement &ep = e.pairs.at(p);
                QCOMPARE(pair.value(QStringLiteral("a")).toString(), pattern.keys().at(ep.raterA));
                QCOMPARE(pair.value(QStringLiteral("b")).toString(), pattern.keys().at(ep.raterB));
                QCOMPARE(pair.value(QStringLiteral("items")).toInt(), ep.items);
                QVERIFY(matches(pair.value(QStringLiteral("raw")), ep.raw));
                QVERIFY(matches(pair.value(QStringLiteral("cohens_kappa")), ep.cohensKappa));
                definedKappas += std::isnan(ep.cohensKappa) ? 0 : 1;
            }
        }
        QVERIFY(definedKappas >= 4);   // the case exercises real kappas, not only undefined ones

        const CliRun table = runCli({QStringLiteral("agreement"), QStringLiteral("--store"), where});
        QCOMPARE(table.exitCode, 0);
        QVERIFY(table.out.contains(QStringLiteral("alice/bob")));
        QVERIFY(table.out.contains(QStringLiteral("fleiss")));
    }

    // Two curators, one tag judged on four segments: alice P P A A, bob P A A A.
    // Observed agreement 3/4; chance (1/2 * 1/4) + (1/2 * 3/4) = 1/2; kappa (3/4 - 1/2) / (1 - 1/2) = 1/2.
    void handComputedPair_data() { backends(); }
    void handComputedPair()
    {
        QFETCH(bool, pg);
        if (pg && !m_hasPg)
            QSKIP(qPrintable(QStringLiteral("No throwaway PostgreSQL cluster: %1").arg(m_pgWhy)));
        const QString where = location(pg, QStringLiteral("pair"));
        QVERIFY(!where.isEmpty());
        Pattern pattern;
        pattern.insert(QStringLiteral("alice"), {{1, 1, 0, 0}, {-1, -1, -1, -1}});
        pattern.insert(QStringLiteral("bob"), {{1, 0, 0, 0}, {-1, -1, -1, -1}});
        QVERIFY(writePattern(where, pattern, 4).isEmpty());
        const CliRun run = runCli({QStringLiteral("agreement"), QStringLiteral("--store"), where, QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonArray tags = QJsonDocument::fromJson(run.out.toUtf8()).object().value(QStringLiteral("tags")).toArray();
        QCOMPARE(tags.size(), 1);   // the tag nobody judged is not listed
        const QJsonObject tag = tags.at(0).toObject();
        QCOMPARE(tag.value(QStringLiteral("tag")).toString(), QStringLiteral("Genre-Rock"));
        QVERIFY(!tag.contains(QStringLiteral("fleiss_kappa")));   // two curators: no Fleiss
        const QJsonObject pair = tag.value(QStringLiteral("pairs")).toArray().at(0).toObject();
        QCOMPARE(pair.value(QStringLiteral("items")).toInt(), 4);
        QVERIFY(matches(pair.value(QStringLiteral("raw")), 0.75));
        QVERIFY(matches(pair.value(QStringLiteral("cohens_kappa")), 0.5));
        QVERIFY(matches(tag.value(QStringLiteral("raw")), 0.75));

        // The rule of a tag: set, shown, kept; a bad one refused.
        CliRun rule = runCli({QStringLiteral("store"), QStringLiteral("rule"), QStringLiteral("--store"), where,
                              QStringLiteral("Genre-Rock"), QStringLiteral("lead:bob")});
        QVERIFY2(rule.exitCode == 0, qPrintable(rule.err));
        rule = runCli({QStringLiteral("store"), QStringLiteral("rule"), QStringLiteral("--store"), where});
        QCOMPARE(rule.exitCode, 0);
        QVERIFY2(rule.out.contains(QStringLiteral("Genre-Rock\tlead:bob\n")), qPrintable(rule.out));
        QVERIFY(rule.out.contains(QStringLiteral("Vocals-Male\tmajority\n")));
        rule = runCli({QStringLiteral("store"), QStringLiteral("rule"), QStringLiteral("--store"), where,
                       QStringLiteral("Genre-Rock"), QStringLiteral("loudest")});
        QCOMPARE(rule.exitCode, 2);
        QVERIFY(rule.err.contains(QStringLiteral("majority, unresolved or lead:NAME")));
        rule = runCli({QStringLiteral("store"), QStringLiteral("rule"), QStringLiteral("--store"), where,
                       QStringLiteral("No-Such-Tag"), QStringLiteral("majority")});
        QCOMPARE(rule.exitCode, 2);
        QVERIFY(rule.err.contains(QStringLiteral("No-Such-Tag")));
    }

    void fewerThanTwoCurators()
    {
        const QString where = location(false, QStringLiteral("one"));
        Pattern pattern;
        pattern.insert(QStringLiteral("solo"), {{1, 0, 1}, {0, 0, 1}});
        QVERIFY(writePattern(where, pattern, 3).isEmpty());
        CliRun run = runCli({QStringLiteral("agreement"), QStringLiteral("--store"), where});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("one curator only (solo)")), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());

        run = runCli({QStringLiteral("agreement")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains(QStringLiteral("--store")));
        run = runCli({QStringLiteral("agreement"), QStringLiteral("--store"), where + QStringLiteral(".missing")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains(QStringLiteral("no store")));
        // A bad curator name is refused before anything is written.
        run = runCli({QStringLiteral("complete"), QStringLiteral("--store"), where, QStringLiteral("--curator"),
                      QStringLiteral(" "), QStringLiteral("--accept-above"), QStringLiteral("0.9"), QStringLiteral("1")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("--curator")), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestCliAgreement)
#include "tst_cli_agreement.moc"
