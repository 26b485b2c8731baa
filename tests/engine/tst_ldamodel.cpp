// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/semantic/ldamodel.h"
#include "engine/semantic/specialfunctions.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <set>

using namespace taglane::engine;

namespace {

std::vector<double> toVector(const QJsonValue &v)
{
    std::vector<double> out;
    for (const QJsonValue &x : v.toArray())
        out.push_back(x.toDouble());
    return out;
}

QJsonObject reference()
{
    QFile f(QStringLiteral(TAGLANE_SOURCE_DIR "/tests/data/semantic/lda_reference.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

/// Largest |a - b| / max(1, |b|) over two vectors of equal length (inf when they differ in length).
double maxRelativeError(const std::vector<double> &a, const std::vector<double> &b)
{
    if (a.size() != b.size())
        return std::numeric_limits<double>::infinity();
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::fabs(a[i] - b[i]) / std::max(1.0, std::fabs(b[i])));
    return worst;
}

/// Songs using only tags 0..4 (group A, even songs) or only tags 5..9 (group B, odd songs).
std::vector<double> twoGroupCorpus(int songs, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> count(0, 3);
    std::vector<double> x(size_t(songs) * 10, 0.0);
    for (int d = 0; d < songs; ++d) {
        const int first = d % 2 == 0 ? 0 : 5;
        int total = 0;
        for (int w = first; w < first + 5; ++w) {
            const int c = count(rng);
            x[size_t(d) * 10 + size_t(w)] = c;
            total += c;
        }
        if (total == 0)
            x[size_t(d) * 10 + size_t(first)] = 1;
    }
    return x;
}

/// Fraction of a topic's mass on tags [first, first + 5).
double groupMass(const LdaModel &m, int topic, int first)
{
    const double *row = m.topicWords().data() + size_t(topic) * size_t(m.words());
    return std::accumulate(row + first, row + first + 5, 0.0);
}

} // namespace

class TestLdaModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void specialFunctions();
    void matchesNumpyReference_data();
    void matchesNumpyReference();
    void matchesSklearnTopics();
    void boundNeverDecreases_data();
    void boundNeverDecreases();
    void disjointGroupsSplitIntoTwoTopics_data();
    void disjointGroupsSplitIntoTwoTopics();
    void restartsKeepTheBestFit();
    void unseenDocument();
    void deterministicGivenSeed();
    void badInputIsRejected();
};

void TestLdaModel::specialFunctions()
{
    // Closed forms: psi(1) = -Euler gamma, psi(1/2) = -gamma - 2 ln 2, psi(n + 1) = psi(n) + 1/n,
    // psi'(1) = pi^2 / 6, psi'(1/2) = pi^2 / 2.
    const double euler = 0.57721566490153286061;
    const double pi = 3.14159265358979323846;
    QVERIFY(std::fabs(digamma(1.0) + euler) < 1e-14);
    QVERIFY(std::fabs(digamma(0.5) + euler + 2.0 * std::log(2.0)) < 1e-14);
    QVERIFY(std::fabs(digamma(11.0) - (digamma(10.0) + 0.1)) < 1e-14);
    QVERIFY(std::fabs(digamma(1e-3) - (digamma(1.001) - 1000.0)) < 1e-9);
    QVERIFY(std::fabs(trigamma(1.0) - pi * pi / 6.0) < 1e-13);
    QVERIFY(std::fabs(trigamma(0.5) - pi * pi / 2.0) < 1e-13);
    QVERIFY(std::fabs(digamma(1e6) - (std::log(1e6) - 0.5e-6)) < 1e-12);
    QVERIFY(std::isnan(digamma(0.0)) && std::isnan(trigamma(-1.0)));
}

void TestLdaModel::matchesNumpyReference_data()
{
    QTest::addColumn<int>("index");
    const QJsonArray cases = reference().value(QStringLiteral("cases")).toArray();
    for (int i = 0; i < cases.size(); ++i)
        QTest::newRow(qPrintable(cases[i].toObject().value(QStringLiteral("name")).toString())) << i;
}

void TestLdaModel::matchesNumpyReference()
{
    QFETCH(int, index);
    const QJsonObject c = reference().value(QStringLiteral("cases")).toArray()[index].toObject();
    QVERIFY(!c.isEmpty());
    const QJsonObject expected = c.value(QStringLiteral("expected")).toObject();
    const int docs = c.value(QStringLiteral("documents")).toInt();
    const int words = c.value(QStringLiteral("words")).toInt();
    LdaOptions o;
    o.topics = c.value(QStringLiteral("topics")).toInt();
    o.alpha = c.value(QStringLiteral("alpha")).toDouble();
    o.estimateAlpha = c.value(QStringLiteral("estimate_alpha")).toBool();
    o.maxIterations = c.value(QStringLiteral("em_iterations")).toInt();
    o.maxEStepIterations = c.value(QStringLiteral("e_iterations")).toInt();
    o.tolerance = 0.0;       // the reference runs a fixed schedule
    o.eStepTolerance = 0.0;
    o.initialTopics = toVector(c.value(QStringLiteral("initial_topics")));
    LdaModel m;
    const Status s = m.fit(toVector(c.value(QStringLiteral("counts"))), docs, words, o);
    QVERIFY2(s.ok(), qPrintable(s.error()));

    const double traceErr = maxRelativeError(m.boundTrace(), toVector(expected.value(QStringLiteral("bound_trace"))));
    const double alphaErr = maxRelativeError(m.alphaTrace(), toVector(expected.value(QStringLiteral("alpha_trace"))));
    const double betaErr = maxRelativeError(m.topicWords(), toVector(expected.value(QStringLiteral("topics"))));
    const double gammaErr =
        maxRelativeError(m.gammas(), toVector(expected.value(QStringLiteral("gamma_final_topics"))));
    std::printf("  %s: bound %.6f -> %.6f, alpha %.6g; max rel. error bound %.1e alpha %.1e beta %.1e gamma %.1e\n",
                qPrintable(c.value(QStringLiteral("name")).toString()), m.boundTrace().front(), m.boundTrace().back(),
                m.alpha(), traceErr, alphaErr, betaErr, gammaErr);
    QVERIFY2(traceErr < 1e-9, "bound trace differs from the numpy reference");
    QVERIFY2(alphaErr < 1e-9, "alpha trace differs from the numpy reference");
    QVERIFY2(betaErr < 1e-9, "topics differ from the numpy reference");
    QVERIFY2(gammaErr < 1e-8, "gammas differ from the numpy reference");
    QVERIFY(std::fabs(m.alpha() - expected.value(QStringLiteral("alpha")).toDouble()) < 1e-9);

    // E-step alone on unseen documents.
    for (const QJsonValue &u : c.value(QStringLiteral("unseen")).toArray()) {
        const QJsonObject unseen = u.toObject();
        const auto r = m.infer(toVector(unseen.value(QStringLiteral("document"))));
        QVERIFY2(r.ok(), qPrintable(r.error()));
        const double err = maxRelativeError(r->gamma, toVector(unseen.value(QStringLiteral("gamma"))));
        const double boundErr = std::fabs(r->bound - unseen.value(QStringLiteral("bound")).toDouble()) /
                                std::max(1.0, std::fabs(r->bound));
        QVERIFY2(err < 1e-8, qPrintable(QStringLiteral("unseen gamma error %1").arg(err)));
        QVERIFY2(boundErr < 1e-9, qPrintable(QStringLiteral("unseen bound error %1").arg(boundErr)));
    }
}

void TestLdaModel::matchesSklearnTopics()
{
    // sklearn's smoothed LDA with its own start: compare topics matched by top words, not numbers.
    const QJsonObject sk = reference().value(QStringLiteral("sklearn")).toObject();
    QVERIFY(!sk.isEmpty());
    const int docs = sk.value(QStringLiteral("documents")).toInt();
    const int words = sk.value(QStringLiteral("words")).toInt();
    const std::vector<double> counts = toVector(sk.value(QStringLiteral("counts")));
    LdaOptions o;
    o.topics = sk.value(QStringLiteral("topics")).toInt();
    o.alpha = sk.value(QStringLiteral("alpha")).toDouble();
    o.maxIterations = 300;
    o.tolerance = 1e-8;
    o.seed = 3;
    LdaModel m;
    const Status s = m.fit(counts, docs, words, o);
    QVERIFY2(s.ok(), qPrintable(s.error()));
    std::vector<std::set<int>> ours;
    for (int t = 0; t < m.topics(); ++t) {
        const std::vector<int> top = m.topWords(t, 3);
        ours.emplace_back(top.begin(), top.end());
    }
    std::set<int> used;
    for (const QJsonValue &v : sk.value(QStringLiteral("top3")).toArray()) {
        std::set<int> theirs;
        for (const QJsonValue &w : v.toArray())
            theirs.insert(w.toInt());
        int match = -1;
        for (int t = 0; t < m.topics(); ++t)
            if (!used.count(t) && ours[size_t(t)] == theirs)
                match = t;
        QVERIFY2(match >= 0, "a scikit-learn topic has no Taglane topic with the same top-3 tags");
        used.insert(match);
    }
    double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    std::printf("  bound per word: Taglane %.4f (%d EM iterations), sklearn -log perplexity %.4f\n",
                m.boundTrace().back() / total, m.iterations(),
                sk.value(QStringLiteral("sklearn_bound_per_word")).toDouble());
}

void TestLdaModel::boundNeverDecreases_data()
{
    QTest::addColumn<bool>("estimateAlpha");
    QTest::addColumn<bool>("weights");
    QTest::newRow("fixed alpha, counts") << false << false;
    QTest::newRow("Newton alpha, counts") << true << false;
    QTest::newRow("Newton alpha, weights") << true << true;
}

void TestLdaModel::boundNeverDecreases()
{
    QFETCH(bool, estimateAlpha);
    QFETCH(bool, weights);
    const int docs = 60, words = 25;
    std::mt19937 rng(77);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> x(size_t(docs) * words);
    for (double &v : x) {
        const double r = u(rng);
        v = r < 0.7 ? 0.0 : (weights ? r : std::floor(r * 6.0));
    }
    LdaOptions o;
    o.topics = 5;
    o.alpha = 0.4;
    o.estimateAlpha = estimateAlpha;
    o.maxIterations = 80;
    o.tolerance = 0.0;
    o.maxEStepIterations = 20;
    o.eStepTolerance = 1e-4;  // partial E-steps: the warm start still keeps the bound monotone
    LdaModel m;
    const Status s = m.fit(x, docs, words, o);
    QVERIFY2(s.ok(), qPrintable(s.error()));
    const std::vector<double> &t = m.boundTrace();
    QCOMPARE(int(t.size()), 80);
    for (size_t i = 1; i < t.size(); ++i)
        QVERIFY2(t[i] >= t[i - 1] - 1e-10 * std::fabs(t[i - 1]),
                 qPrintable(QStringLiteral("bound fell from %1 to %2 at iteration %3")
                                .arg(t[i - 1], 0, 'g', 15)
                                .arg(t[i], 0, 'g', 15)
                                .arg(i)));
    QVERIFY(t.back() > t.front());
    std::printf("  bound %.4f -> %.4f, alpha %.4f\n", t.front(), t.back(), m.alpha());

    // With a tolerance the fit stops early and says so.
    o.tolerance = 1e-6;
    o.maxIterations = 500;
    LdaModel early;
    QVERIFY(early.fit(x, docs, words, o).ok());
    QVERIFY(early.converged());
    QVERIFY(early.iterations() < 500);
    const auto &e = early.boundTrace();
    QVERIFY(e[e.size() - 1] - e[e.size() - 2] < 1e-6 * std::fabs(e[e.size() - 2]));
}

void TestLdaModel::disjointGroupsSplitIntoTwoTopics_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::newRow("seed 1") << quint64(1);
    QTest::newRow("seed 2") << quint64(2);
    QTest::newRow("seed 99") << quint64(99);
}

void TestLdaModel::disjointGroupsSplitIntoTwoTopics()
{
    QFETCH(quint64, seed);
    const int songs = 40;
    const std::vector<double> x = twoGroupCorpus(songs, 5);
    LdaOptions o;
    o.topics = 2;
    o.alpha = 0.5;  // with alpha 0.1 most single starts commit songs too early (see restartsKeepTheBestFit)
    o.seed = seed;
    LdaModel m;
    const Status s = m.fit(x, songs, 10, o);
    QVERIFY2(s.ok(), qPrintable(s.error()));
    const int topicA = groupMass(m, 0, 0) > 0.5 ? 0 : 1;
    const int topicB = 1 - topicA;
    std::printf("  topic %d: %.4f on group A; topic %d: %.4f on group B (%d iterations)\n", topicA,
                groupMass(m, topicA, 0), topicB, groupMass(m, topicB, 5), m.iterations());
    QVERIFY(groupMass(m, topicA, 0) > 0.99);
    QVERIFY(groupMass(m, topicB, 5) > 0.99);
    // Each song's weight N goes to its group's topic: mixture (alpha + N) / (2 alpha + N) there.
    const std::vector<double> mix = m.mixtures();
    for (int d = 0; d < songs; ++d) {
        const int own = d % 2 == 0 ? topicA : topicB;
        const double n = std::accumulate(x.begin() + d * 10, x.begin() + d * 10 + 10, 0.0);
        const double expected = (o.alpha + n) / (2.0 * o.alpha + n);
        const double got = mix[size_t(d) * 2 + size_t(own)];
        QVERIFY2(std::fabs(got - expected) < 1e-3,
                 qPrintable(QStringLiteral("song %1 has %2 on its group's topic, expected %3").arg(d).arg(got).arg(expected)));
    }
}

void TestLdaModel::restartsKeepTheBestFit()
{
    // With a small alpha, single starts often end in a local optimum that
    // mixes both groups in each topic; restarts keep the start with the best bound.
    const std::vector<double> x = twoGroupCorpus(40, 5);
    LdaOptions o;
    o.topics = 2;
    o.alpha = 0.1;
    o.maxIterations = 300;
    o.seed = 1;
    double bestSingle = -std::numeric_limits<double>::infinity();
    int clean = 0;
    for (int r = 0; r < 12; ++r) {
        LdaOptions single = o;
        single.seed = o.seed + quint64(r);
        LdaModel m;
        QVERIFY(m.fit(x, 40, 10, single).ok());
        bestSingle = std::max(bestSingle, m.boundTrace().back());
        const double a0 = groupMass(m, 0, 0);
        clean += (a0 > 0.99 || a0 < 0.01) ? 1 : 0;
    }
    o.restarts = 12;
    LdaModel best;
    QVERIFY(best.fit(x, 40, 10, o).ok());
    const double a0 = groupMass(best, 0, 0);
    std::printf("  %d of 12 single starts split the groups; kept seed %llu, bound %.4f, topic 0 mass on A %.4f\n",
                clean, static_cast<unsigned long long>(best.seedUsed()), best.boundTrace().back(), a0);
    QCOMPARE(best.boundTrace().back(), bestSingle);
    QVERIFY(a0 > 0.99 || a0 < 0.01);
}

void TestLdaModel::unseenDocument()
{
    const std::vector<double> x = twoGroupCorpus(40, 5);
    LdaOptions o;
    o.topics = 2;
    o.alpha = 0.5;
    LdaModel m;
    QVERIFY(m.fit(x, 40, 10, o).ok());
    const int topicA = groupMass(m, 0, 0) > 0.5 ? 0 : 1;
    QVERIFY(groupMass(m, topicA, 0) > 0.99);

    // A segment's tag vector from group A only: its weight N = 6 goes to A's
    // topic, so the mixture is (alpha + N) / (2 alpha + N) on it.
    std::vector<double> a(10, 0.0);
    a[1] = 3.5;
    a[3] = 2.5;
    auto r = m.infer(a);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    QVERIFY(std::fabs(r->mixture[size_t(topicA)] - 6.5 / 7.0) < 0.01);
    QVERIFY(std::fabs(r->mixture[0] + r->mixture[1] - 1.0) < 1e-12);
    QVERIFY(r->iterations >= 1);
    QCOMPARE(r->ignoredWords, 0);

    // Equal weight on both groups: a mixture near one half each.
    std::vector<double> both(10, 0.0);
    both[0] = both[2] = both[6] = both[8] = 1.0;
    r = m.infer(both);
    QVERIFY(r.ok());
    std::printf("  A-only segment: %.4f on A's topic; mixed segment: %.4f / %.4f\n",
                m.infer(a)->mixture[size_t(topicA)], r->mixture[0], r->mixture[1]);
    QVERIFY(std::fabs(r->mixture[0] - 0.5) < 0.1);

    // The E-step of a training document agrees with its gamma from the fit.
    const std::vector<double> song(x.begin() + 30, x.begin() + 40);
    r = m.infer(song);
    QVERIFY(r.ok());
    for (int t = 0; t < 2; ++t)
        QVERIFY(std::fabs(r->gamma[size_t(t)] - m.gammas()[size_t(3 * 2 + t)]) < 1e-3 * m.gammas()[size_t(3 * 2 + t)]);

    // An empty segment gets the prior; a wrong vector or an unfitted model an error.
    r = m.infer(std::vector<double>(10, 0.0));
    QVERIFY(r.ok());
    QVERIFY(std::fabs(r->gamma[0] - m.alpha()) < 1e-12 && std::fabs(r->mixture[1] - 0.5) < 1e-12);
    QVERIFY(!m.infer(std::vector<double>(9, 1.0)).ok());
    std::vector<double> negative(10, 0.0);
    negative[4] = -1.0;
    const auto bad = m.infer(negative);
    QVERIFY(!bad.ok());
    QVERIFY(bad.error().contains(QStringLiteral("Word 4")));
    QVERIFY(!LdaModel().infer(a).ok());
}

void TestLdaModel::deterministicGivenSeed()
{
    const std::vector<double> x = twoGroupCorpus(30, 8);
    LdaOptions o;
    o.topics = 3;
    o.seed = 12345;
    LdaModel first, second, other;
    QVERIFY(first.fit(x, 30, 10, o).ok());
    QVERIFY(second.fit(x, 30, 10, o).ok());
    QVERIFY(first.topicWords() == second.topicWords());
    QVERIFY(first.gammas() == second.gammas());
    QVERIFY(first.boundTrace() == second.boundTrace());
    o.seed = 54321;
    QVERIFY(other.fit(x, 30, 10, o).ok());
    QVERIFY(other.boundTrace().front() != first.boundTrace().front());
}

void TestLdaModel::badInputIsRejected()
{
    LdaModel m;
    LdaOptions o;
    o.topics = 2;
    const std::vector<double> good = twoGroupCorpus(10, 1);
    QVERIFY(m.fit(good, 10, 10, o).ok());
    const std::vector<double> before = m.topicWords();

    auto fails = [&](const std::vector<double> &x, int d, int w, const LdaOptions &opt, const QString &needle) {
        const Status s = m.fit(x, d, w, opt);
        if (s.ok())
            return false;
        if (!s.error().contains(needle, Qt::CaseInsensitive)) {
            qWarning("message \"%s\" lacks \"%s\"", qPrintable(s.error()), qPrintable(needle));
            return false;
        }
        return true;
    };
    QVERIFY(fails(good, 10, 9, o, QStringLiteral("need")));
    QVERIFY(fails({}, 0, 10, o, QStringLiteral("at least one document")));
    QVERIFY(fails(std::vector<double>(100, 0.0), 10, 10, o, QStringLiteral("no words")));
    std::vector<double> bad = good;
    bad[13] = -2.0;
    QVERIFY(fails(bad, 10, 10, o, QStringLiteral("Document 1, word 3")));
    bad[13] = std::nan("");
    QVERIFY(fails(bad, 10, 10, o, QStringLiteral("Document 1, word 3")));
    LdaOptions opt = o;
    opt.topics = 0;
    QVERIFY(fails(good, 10, 10, opt, QStringLiteral("topic")));
    opt = o;
    opt.alpha = 0.0;
    QVERIFY(fails(good, 10, 10, opt, QStringLiteral("alpha")));
    opt = o;
    opt.maxIterations = 0;
    QVERIFY(fails(good, 10, 10, opt, QStringLiteral("iteration")));
    opt = o;
    opt.initialTopics.assign(19, 1.0);
    QVERIFY(fails(good, 10, 10, opt, QStringLiteral("starting topics")));
    opt.initialTopics.assign(20, 1.0);
    std::fill_n(opt.initialTopics.begin() + 10, 10, 0.0);
    QVERIFY(fails(good, 10, 10, opt, QStringLiteral("all zeros")));
    // Failed fits left the model as it was.
    QVERIFY(m.isFitted());
    QVERIFY(m.topicWords() == before);
}

QTEST_GUILESS_MAIN(TestLdaModel)
#include "tst_ldamodel.moc"
