// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/train/ernn/ernnprobe.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

using namespace taglane::engine;

namespace {

std::vector<float> randomValues(int n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> d;
    std::vector<float> v(static_cast<size_t>(n));
    for (float &x : v)
        x = d(rng);
    return v;
}

// Brute force over all 2^T state sequences.
double bruteScore(const std::vector<double> &u, const std::vector<double> &tr, const std::vector<int> &s)
{
    double score = s[0] ? u[0] : 0.0;
    for (size_t t = 1; t < s.size(); ++t)
        score += tr[size_t(s[t - 1] * 2 + s[t])] + (s[t] ? u[t] : 0.0);
    return score;
}

std::vector<int> statesOf(unsigned code, size_t steps)
{
    std::vector<int> s(steps);
    for (size_t t = 0; t < steps; ++t)
        s[t] = int((code >> t) & 1u);
    return s;
}

} // namespace

class TestErnn : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void passShapes()
    {
        const int steps = 7, streams = 3;
        const std::vector<float> x = randomValues(steps * streams, 1);
        std::vector<float> m(size_t(steps * streams), 1.0f);
        m[4] = 0.0f;
        const auto p = ErnnProbe::pass(x, m, steps, streams, 5);
        QVERIFY2(p.ok(), qPrintable(p.error()));
        for (const auto *v : {&p.value().phi, &p.value().psi, &p.value().weights, &p.value().estimate,
                              &p.value().completed})
            QCOMPARE(int(v->size()), steps * streams);
        // Observed cells are kept, the missing one is the estimate.
        for (int i = 0; i < steps * streams; ++i) {
            if (m[size_t(i)] > 0)
                QCOMPARE(p.value().completed[size_t(i)], x[size_t(i)]);
        }
        QCOMPARE(p.value().completed[4], p.value().estimate[4]);
    }

    void badInputIsRefused()
    {
        QVERIFY(!ErnnProbe::pass({1, 2, 3}, {1, 1, 1}, 2, 2, 1).ok());
        QVERIFY(!ErnnProbe::pass({1}, {1}, 1, 1, 1).ok());
        QVERIFY(!ErnnProbe::crfLogLikelihood({0.5}, {0, 0, 0}, {1}).ok());
        QVERIFY(!ErnnProbe::crfLogLikelihood({0.5}, {0, 0, 0, 0}, {2}).ok());
    }

    void phiNeverUsesItsOwnValue()
    {
        const int steps = 9, streams = 2;
        const std::vector<float> m(size_t(steps * streams), 1.0f);
        std::vector<float> x = randomValues(steps * streams, 2);
        const auto before = ErnnProbe::phiEstimates(x, m, steps, streams, 11);
        QVERIFY(before.ok());
        const int t = 4, d = 1, cell = t * streams + d;
        x[size_t(cell)] += 25.0f;
        const auto after = ErnnProbe::phiEstimates(x, m, steps, streams, 11);
        QVERIFY(after.ok());
        // Its own estimate is unchanged ...
        QCOMPARE(after.value()[size_t(cell)], before.value()[size_t(cell)]);
        // ... while its neighbours' estimates move (the value does reach Phi).
        const int prev = (t - 1) * streams + d, next = (t + 1) * streams + d;
        QVERIFY(std::abs(after.value()[size_t(prev)] - before.value()[size_t(prev)]) > 1e-4f);
        QVERIFY(std::abs(after.value()[size_t(next)] - before.value()[size_t(next)]) > 1e-4f);
        // Streams do not mix in Phi.
        const int other = t * streams + 0;
        QCOMPARE(after.value()[size_t(other)], before.value()[size_t(other)]);
    }

    void psiDiagonalStaysZero()
    {
        const int streams = 5;
        const auto r = ErnnProbe::psiWeightsAroundTraining(streams, 3, 7);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        double offChange = 0.0;
        for (int i = 0; i < streams; ++i) {
            for (int j = 0; j < streams; ++j) {
                const size_t k = size_t(i * streams + j);
                if (i == j)
                    QCOMPARE(r.value().after[k], 0.0f);
                else
                    offChange = std::max(offChange, double(std::abs(r.value().after[k] - r.value().before[k])));
            }
        }
        QVERIFY2(offChange > 1e-4, "training must move the off-diagonal weights");
    }

    void dynamicWeightsFollowTheFormula()
    {
        const int steps = 6, streams = 2;
        // stream 0: observed, missing, missing, missing, observed, missing
        // stream 1: always observed
        const std::vector<float> m{1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1};
        const auto delta = ErnnProbe::elapsed(m, steps, streams);
        QVERIFY(delta.ok());
        const std::vector<float> want0{0, 1, 2, 3, 4, 1};
        for (int t = 0; t < steps; ++t) {
            QCOMPARE(delta.value()[size_t(t * streams)], want0[size_t(t)]);
            QCOMPARE(delta.value()[size_t(t * streams + 1)], t == 0 ? 0.0f : 1.0f);
        }
        const std::vector<float> gamma{0.7f, 0.2f}, a{-1.0f, 0.3f};
        const auto v = ErnnProbe::dynamicWeights(m, steps, streams, gamma, a);
        QVERIFY(v.ok());
        for (int t = 0; t < steps; ++t) {
            for (int d = 0; d < streams; ++d) {
                const size_t k = size_t(t * streams + d);
                const double want = std::exp(-std::max(0.0, double(gamma[size_t(d)]) * delta.value()[k] + a[size_t(d)]));
                QVERIFY(std::abs(v.value()[k] - want) < 1e-6);
            }
        }
        // Consecutive misses damp: V falls while stream 0 stays missing.
        QVERIFY(v.value()[size_t(4 * streams)] < v.value()[size_t(2 * streams)]);
    }

    void crfMatchesBruteForce()
    {
        std::mt19937 rng(3);
        std::normal_distribution<double> d(0.0, 1.5);
        for (int trial = 0; trial < 5; ++trial) {
            const size_t steps = 5;
            std::vector<double> u(steps), tr(4);
            for (double &x : u)
                x = d(rng);
            for (double &x : tr)
                x = d(rng);
            double logZ = -std::numeric_limits<double>::infinity();
            double best = -std::numeric_limits<double>::infinity();
            unsigned bestCode = 0;
            for (unsigned c = 0; c < (1u << steps); ++c) {
                const double s = bruteScore(u, tr, statesOf(c, steps));
                const double hi = std::max(logZ, s);
                logZ = hi + std::log(std::exp(logZ - hi) + std::exp(s - hi));
                if (s > best) {
                    best = s;
                    bestCode = c;
                }
            }
            for (unsigned c = 0; c < (1u << steps); c += 7) {
                const std::vector<int> s = statesOf(c, steps);
                const auto ll = ErnnProbe::crfLogLikelihood(u, tr, s);
                QVERIFY(ll.ok());
                QVERIFY2(std::abs(ll.value() - (bruteScore(u, tr, s) - logZ)) < 1e-9, "forward algorithm");
            }
            const auto path = ErnnProbe::crfViterbi(u, tr);
            QVERIFY(path.ok());
            QCOMPARE(path.value(), statesOf(bestCode, steps));
        }
    }

    void miaErnnShapes()
    {
        for (const char *name : {"mia-ernn", "mia-ernn/af", "mia-ernn/se", "mia-ernn/am", "mia-ernn/et"}) {
            const auto shape = ErnnProbe::miaErnnLogitShape(QString::fromLatin1(name), 3, 10, 6, 4, 5);
            QVERIFY2(shape.ok(), qPrintable(shape.error()));
            QCOMPARE(shape.value(), (std::vector<qint64>{3, 10, 5}));
        }
        QVERIFY(!ErnnProbe::miaErnnLogitShape(QStringLiteral("mia-ernn/xx"), 3, 10, 6, 4, 5).ok());
    }

    void miaErnnTrainsAndRoundTrips()
    {
        for (const char *name : {"mia-ernn", "mia-ernn/et"}) {
            const auto r = ErnnProbe::trainMiaErnn(QString::fromLatin1(name), 40, 9);
            QVERIFY2(r.ok(), qPrintable(r.error()));
            const auto &l = r.value().losses;
            QCOMPARE(int(l.size()), 40);
            for (double x : l)
                QVERIFY(std::isfinite(x));
            QVERIFY2(l.back() < 0.8 * l.front(), qPrintable(QStringLiteral("%1: %2 -> %3").arg(QLatin1String(name)).arg(l.front()).arg(l.back())));
            QCOMPARE(r.value().roundTripError, 0.0);
        }
    }

    void crfTransitionsLearnStickiness()
    {
        // Long runs: staying is far likelier than switching; the learned
        // transition scores must say so, and the learned chain must give the
        // data a higher likelihood than the untrained (zero) one.
        std::vector<std::vector<int>> data;
        for (int k = 0; k < 6; ++k) {
            std::vector<int> s;
            for (int run = 0; run < 3; ++run)
                s.insert(s.end(), size_t(5 + k % 3), (run + k) % 2);
            data.push_back(s);
        }
        const auto tr = ErnnProbe::trainCrfTransitions(data, 150);
        QVERIFY2(tr.ok(), qPrintable(tr.error()));
        const std::vector<double> &t = tr.value();
        QVERIFY(t[0] > t[1]);  // 0 -> 0 over 0 -> 1
        QVERIFY(t[3] > t[2]);  // 1 -> 1 over 1 -> 0
        const std::vector<double> zeros(data[0].size(), 0.0);
        const auto trained = ErnnProbe::crfLogLikelihood(zeros, t, data[0]);
        const auto untrained = ErnnProbe::crfLogLikelihood(zeros, {0, 0, 0, 0}, data[0]);
        QVERIFY(trained.ok() && untrained.ok());
        QVERIFY(trained.value() > untrained.value());
    }
};

QTEST_GUILESS_MAIN(TestErnn)
#include "tst_ernn.moc"
