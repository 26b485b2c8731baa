// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/eval/binarycurves.h"
#include "engine/semantic/reviewcompletion.h"
#include "engine/semantic/tensorcompletion.h"

#include <QtTest>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

using namespace taglane::engine;

namespace {

/// A rank-`rank` CP tensor sum_r a_r (x) b_r (x) c_r with N(0, 1) factors, row-major [n0][n1][n2].
std::vector<double> cpTensor(int n0, int n1, int n2, int rank, std::mt19937 &rng)
{
    std::normal_distribution<double> g(0.0, 1.0);
    std::vector<double> a(size_t(n0 * rank)), b(size_t(n1 * rank)), c(size_t(n2 * rank));
    for (double &v : a)
        v = g(rng);
    for (double &v : b)
        v = g(rng);
    for (double &v : c)
        v = g(rng);
    std::vector<double> t(size_t(n0) * size_t(n1) * size_t(n2), 0.0);
    for (int i = 0; i < n0; ++i)
        for (int j = 0; j < n1; ++j)
            for (int k = 0; k < n2; ++k)
                for (int r = 0; r < rank; ++r)
                    t[(size_t(i) * size_t(n1) + size_t(j)) * size_t(n2) + size_t(k)] +=
                        a[size_t(i * rank + r)] * b[size_t(j * rank + r)] * c[size_t(k * rank + r)];
    return t;
}

std::vector<quint8> randomMask(size_t n, double missing, std::mt19937 &rng)
{
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<quint8> mask(n);
    for (quint8 &m : mask)
        m = u(rng) >= missing ? 1 : 0;
    return mask;
}

/// |X - T| / |T| over the unobserved entries.
double missingError(const std::vector<double> &x, const std::vector<double> &truth, const std::vector<quint8> &mask)
{
    double e = 0.0, t = 0.0;
    for (size_t i = 0; i < x.size(); ++i)
        if (!mask[i]) {
            e += (x[i] - truth[i]) * (x[i] - truth[i]);
            t += truth[i] * truth[i];
        }
    return std::sqrt(e / t);
}

/// A track's tags x segments: segments fall into `sections` (verse, chorus...),
/// each section switches on its own random set of tags, a few tags hold for the
/// whole track. The model's probabilities are the truth seen through logit noise.
struct Review
{
    std::vector<double> truth, probabilities, verdicts;
    std::vector<quint8> curated;
};

Review syntheticReview(int tags, int segments, double curatedFraction, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> noise(0.0, 2.0);
    const int sections = 4;
    std::vector<int> sectionOf(static_cast<size_t>(segments));
    for (int s = 0; s < segments; ++s)
        sectionOf[size_t(s)] = int(u(rng) * sections) % sections;
    Review r;
    const size_t n = size_t(tags) * size_t(segments);
    r.truth.resize(n);
    r.probabilities.resize(n);
    r.verdicts.assign(n, std::numeric_limits<double>::quiet_NaN());
    r.curated.assign(n, 0);
    std::vector<quint8> profile(size_t(tags * sections));
    for (quint8 &p : profile)
        p = u(rng) < 0.3 ? 1 : 0;
    std::vector<quint8> global(static_cast<size_t>(tags));
    for (quint8 &g : global)
        g = u(rng) < 0.1 ? 1 : 0;
    for (int t = 0; t < tags; ++t)
        for (int s = 0; s < segments; ++s) {
            const size_t i = size_t(t) * size_t(segments) + size_t(s);
            const bool on = profile[size_t(t * sections + sectionOf[size_t(s)])] || global[size_t(t)];
            r.truth[i] = on ? 1.0 : 0.0;
            const double logit = (on ? 1.5 : -1.5) + noise(rng);
            r.probabilities[i] = 1.0 / (1.0 + std::exp(-logit));
            if (u(rng) < curatedFraction) {
                r.curated[i] = 1;
                r.verdicts[i] = r.truth[i];
            }
        }
    return r;
}

double aucOnUncurated(const std::vector<double> &scores, const Review &r)
{
    std::vector<double> s;
    std::vector<quint8> y;
    for (size_t i = 0; i < scores.size(); ++i)
        if (!r.curated[i]) {
            s.push_back(scores[i]);
            y.push_back(r.truth[i] > 0.5 ? 1 : 0);
        }
    return BinaryCurves::rocAuc(s, y);
}

} // namespace

class TestTensorCompletion : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recoversLowRankTensor_data();
    void recoversLowRankTensor();
    void fixedRhoAdmmRecovers();
    void recoversLowRankMatrix();
    void fullyObservedIsUnchanged();
    void stopsAtTheTolerance();
    void badInputIsRejected();
    void reviewBeatsSideInformation_data();
    void reviewBeatsSideInformation();
    void reviewKeepsVerdicts();
    void reviewBadInputIsRejected();
};

void TestTensorCompletion::recoversLowRankTensor_data()
{
    QTest::addColumn<int>("n0");
    QTest::addColumn<int>("n1");
    QTest::addColumn<int>("n2");
    QTest::addColumn<double>("missing");
    QTest::addColumn<unsigned>("seed");
    QTest::addColumn<double>("scale");
    QTest::newRow("20x30x40, 30% missing") << 20 << 30 << 40 << 0.3 << 1u << 1.0;
    QTest::newRow("20x30x40, 50% missing") << 20 << 30 << 40 << 0.5 << 2u << 1.0;
    QTest::newRow("10x15x60, 40% missing") << 10 << 15 << 60 << 0.4 << 3u << 1.0;
    QTest::newRow("20x30x40, 40% missing, values x 1e-3") << 20 << 30 << 40 << 0.4 << 4u << 1e-3;
    QTest::newRow("20x30x40, 40% missing, values x 1e4") << 20 << 30 << 40 << 0.4 << 4u << 1e4;
}

void TestTensorCompletion::recoversLowRankTensor()
{
    QFETCH(int, n0);
    QFETCH(int, n1);
    QFETCH(int, n2);
    QFETCH(double, missing);
    QFETCH(unsigned, seed);
    QFETCH(double, scale);
    std::mt19937 rng(seed);
    std::vector<double> truth = cpTensor(n0, n1, n2, 2, rng);
    for (double &v : truth)
        v *= scale;  // the automatic rho follows the data's scale
    const std::vector<quint8> mask = randomMask(truth.size(), missing, rng);
    std::vector<double> input = truth;
    for (size_t i = 0; i < input.size(); ++i)
        if (!mask[i])
            input[i] = std::numeric_limits<double>::quiet_NaN();  // unobserved values are never read
    const auto r = TensorCompletion::complete(input, mask, n0, n1, n2);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    const double err = missingError(r->values, truth, mask);
    std::printf("  relative error on missing entries %.2e after %d iterations (residual %.1e, rho0 %.3g)\n", err,
                r->iterations, r->residual, r->rho);
    QVERIFY(r->converged);
    QVERIFY(err < 1e-4);
    for (size_t i = 0; i < truth.size(); ++i)
        if (mask[i])
            QCOMPARE(r->values[i], truth[i]);

    // Nuclear norm of the first unfolding only (a matrix problem) is a weaker prior
    // than the three together: it must still be feasible, and its error is printed.
    CompletionOptions one;
    one.weights = {{1.0, 0.0, 0.0}};
    const auto single = TensorCompletion::complete(input, mask, n0, n1, n2, one);
    QVERIFY2(single.ok(), qPrintable(single.error()));
    std::printf("  mode-1 unfolding alone: error %.2e\n", missingError(single->values, truth, mask));
}

void TestTensorCompletion::fixedRhoAdmmRecovers()
{
    // With rho fixed, plain singular value thresholding would stay biased
    // (shrunk); the multipliers Y_i are what make the ADMM reach the exact
    // constrained minimiser.
    std::mt19937 rng(11);
    const std::vector<double> truth = cpTensor(12, 14, 16, 2, rng);
    const std::vector<quint8> mask = randomMask(truth.size(), 0.3, rng);
    CompletionOptions o;
    o.rhoGrowth = 1.0;
    o.initialThreshold = 0.05;
    o.maxIterations = 2000;
    o.tolerance = 1e-7;
    const auto r = TensorCompletion::complete(truth, mask, 12, 14, 16, o);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    const double err = missingError(r->values, truth, mask);
    std::printf("  fixed rho %.4g: error %.2e after %d iterations\n", r->rho, err, r->iterations);
    QVERIFY(r->converged);
    QVERIFY(err < 1e-4);
}

void TestTensorCompletion::recoversLowRankMatrix()
{
    // A rank-2 50 x 40 matrix with 40% missing: plain nuclear-norm completion.
    std::mt19937 rng(9);
    const std::vector<double> truth = cpTensor(1, 50, 40, 2, rng);
    const std::vector<quint8> mask = randomMask(truth.size(), 0.4, rng);
    const auto r = TensorCompletion::completeMatrix(truth, mask, 50, 40);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    const double err = missingError(r->values, truth, mask);
    std::printf("  matrix: relative error on missing entries %.2e after %d iterations\n", err, r->iterations);
    QVERIFY(r->converged);
    QVERIFY(err < 1e-4);
}

void TestTensorCompletion::fullyObservedIsUnchanged()
{
    std::mt19937 rng(4);
    const std::vector<double> truth = cpTensor(4, 5, 6, 3, rng);
    const std::vector<quint8> all(truth.size(), 1);
    const auto r = TensorCompletion::complete(truth, all, 4, 5, 6);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    QVERIFY(r->values == truth);
    QCOMPARE(r->iterations, 0);
    QVERIFY(r->converged);
    SideInformation side;
    side.values.assign(truth.size(), 0.5);
    const auto m = TensorCompletion::completeMatrix(truth, all, 20, 6, {}, &side);
    QVERIFY(m.ok());
    QVERIFY(m->values == truth);
}

void TestTensorCompletion::stopsAtTheTolerance()
{
    std::mt19937 rng(5);
    const std::vector<double> truth = cpTensor(12, 14, 16, 2, rng);
    const std::vector<quint8> mask = randomMask(truth.size(), 0.4, rng);
    int previousIterations = 0;
    for (double tol : {1e-2, 1e-4, 1e-7}) {
        CompletionOptions o;
        o.tolerance = tol;
        const auto r = TensorCompletion::complete(truth, mask, 12, 14, 16, o);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        std::printf("  tolerance %.0e: %d iterations, residual %.2e, error %.2e\n", tol, r->iterations, r->residual,
                    missingError(r->values, truth, mask));
        QVERIFY(r->converged);
        QVERIFY(r->residual < tol);
        QCOMPARE(int(r->residualTrace.size()), r->iterations);
        QCOMPARE(r->residualTrace.back(), r->residual);
        // It stopped at the first iteration below the tolerance.
        for (int i = 0; i + 1 < r->iterations; ++i)
            QVERIFY(r->residualTrace[size_t(i)] >= tol);
        QVERIFY(r->iterations > previousIterations);
        previousIterations = r->iterations;
    }
    CompletionOptions capped;
    capped.tolerance = 1e-12;
    capped.maxIterations = 5;
    const auto c = TensorCompletion::complete(truth, mask, 12, 14, 16, capped);
    QVERIFY(c.ok());
    QVERIFY(!c->converged);
    QCOMPARE(c->iterations, 5);
}

void TestTensorCompletion::badInputIsRejected()
{
    const std::vector<double> v(24, 1.0);
    std::vector<quint8> mask(24, 1);
    mask[3] = 0;
    auto fails = [](const Result<CompletionResult> &r, const char *needle) {
        if (r.ok())
            return false;
        if (!r.error().contains(QLatin1String(needle), Qt::CaseInsensitive)) {
            qWarning("message \"%s\" lacks \"%s\"", qPrintable(r.error()), needle);
            return false;
        }
        return true;
    };
    QVERIFY(fails(TensorCompletion::complete({}, {}, 0, 4, 6), "empty"));
    QVERIFY(fails(TensorCompletion::complete(v, mask, 2, 3, 5), "needs 30"));
    QVERIFY(fails(TensorCompletion::complete(v, std::vector<quint8>(23, 1), 2, 3, 4), "mask has 23"));
    QVERIFY(fails(TensorCompletion::complete(v, std::vector<quint8>(24, 0), 2, 3, 4), "No entry"));
    std::vector<double> nan = v;
    nan[5] = std::nan("");
    QVERIFY(fails(TensorCompletion::complete(nan, mask, 2, 3, 4), "Observed entry 5"));
    CompletionOptions o;
    o.weights = {{0.0, 0.0, 0.0}};
    QVERIFY(fails(TensorCompletion::complete(v, mask, 2, 3, 4, o), "weight"));
    o.weights = {{-1.0, 1.0, 1.0}};
    QVERIFY(fails(TensorCompletion::complete(v, mask, 2, 3, 4, o), "weights"));
    o = {};
    o.rho = -1.0;
    QVERIFY(fails(TensorCompletion::complete(v, mask, 2, 3, 4, o), "rho"));
    o = {};
    o.rhoGrowth = 0.9;
    QVERIFY(fails(TensorCompletion::complete(v, mask, 2, 3, 4, o), "growth"));
    o = {};
    o.maxIterations = 0;
    QVERIFY(fails(TensorCompletion::complete(v, mask, 2, 3, 4, o), "iteration"));
    SideInformation side;
    side.values.assign(23, 0.0);
    QVERIFY(fails(TensorCompletion::complete(v, mask, 2, 3, 4, {}, &side), "side information has 23"));
    QVERIFY(fails(TensorCompletion::completeMatrix(v, mask, 0, 24), "empty"));
    QVERIFY(fails(TensorCompletion::completeMatrix(v, mask, 5, 5), "needs 25"));
    QVERIFY(fails(TensorCompletion::completeMatrix(v, std::vector<quint8>(24, 0), 4, 6), "No entry"));
    // All missing is fine with side information (the soft observations alone).
    side.values.assign(24, 0.25);
    const auto soft = TensorCompletion::completeMatrix(v, std::vector<quint8>(24, 0), 4, 6, {}, &side);
    QVERIFY2(soft.ok(), qPrintable(soft.error()));
}

void TestTensorCompletion::reviewBeatsSideInformation_data()
{
    QTest::addColumn<int>("tags");
    QTest::addColumn<int>("segments");
    QTest::addColumn<unsigned>("seed");
    QTest::newRow("40 tags x 60 segments, seed 1") << 40 << 60 << 1u;
    QTest::newRow("40 tags x 60 segments, seed 2") << 40 << 60 << 2u;
    QTest::newRow("50 tags x 20 segments, seed 3") << 50 << 20 << 3u;
    QTest::newRow("12 tags x 90 segments, seed 4") << 12 << 90 << 4u;
}

void TestTensorCompletion::reviewBeatsSideInformation()
{
    QFETCH(int, tags);
    QFETCH(int, segments);
    QFETCH(unsigned, seed);
    const Review review = syntheticReview(tags, segments, 0.2, seed);
    const auto r = ReviewCompletion::complete(review.verdicts, review.probabilities, tags, segments);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    const double before = aucOnUncurated(review.probabilities, review);
    const double after = aucOnUncurated(r->values, review);
    // The same completion without a single verdict: what the low-rank prior alone adds.
    const std::vector<double> none(review.verdicts.size(), std::numeric_limits<double>::quiet_NaN());
    const auto smooth = ReviewCompletion::complete(none, review.probabilities, tags, segments);
    QVERIFY(smooth.ok());
    const double smoothAuc = aucOnUncurated(smooth->values, review);
    // And the verdicts alone, without the probabilities (plain matrix completion).
    const auto plain = TensorCompletion::completeMatrix(review.verdicts, review.curated, tags, segments);
    QVERIFY(plain.ok());
    const double plainAuc = aucOnUncurated(plain->values, review);
    std::printf("  ROC-AUC on the uncurated cells: probabilities %.4f, completed %.4f (no verdicts: %.4f, "
                "verdicts alone: %.4f); %d iterations, lambda %.4f\n",
                before, after, smoothAuc, plainAuc, r->iterations,
                ReviewCompletion::automaticSideWeight(tags, segments));
    QVERIFY(r->converged);
    QVERIFY2(after > before, "the completed review ranks the uncurated cells no better than the model alone");
    QVERIFY2(after > smoothAuc, "the curated cells did not help the completion");
    QVERIFY2(after > plainAuc, "the probabilities did not help the completion");
}

void TestTensorCompletion::reviewKeepsVerdicts()
{
    const Review review = syntheticReview(20, 30, 0.2, 7);
    const auto r = ReviewCompletion::complete(review.verdicts, review.probabilities, 20, 30);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    for (size_t i = 0; i < review.truth.size(); ++i) {
        if (review.curated[i])
            QCOMPARE(r->values[i], review.verdicts[i]);
        QVERIFY(std::isfinite(r->values[i]));
    }
}

void TestTensorCompletion::reviewBadInputIsRejected()
{
    const Review review = syntheticReview(5, 6, 0.3, 8);
    auto fails = [](const Result<CompletionResult> &r, const char *needle) {
        if (r.ok())
            return false;
        if (!r.error().contains(QLatin1String(needle), Qt::CaseInsensitive)) {
            qWarning("message \"%s\" lacks \"%s\"", qPrintable(r.error()), needle);
            return false;
        }
        return true;
    };
    QVERIFY(fails(ReviewCompletion::complete({}, {}, 0, 6), "empty"));
    QVERIFY(fails(ReviewCompletion::complete(review.verdicts, review.probabilities, 6, 6), "need 36"));
    std::vector<double> v = review.verdicts;
    v[7] = 0.5;
    QVERIFY(fails(ReviewCompletion::complete(v, review.probabilities, 5, 6), "tag 1, segment 1"));
    std::vector<double> p = review.probabilities;
    p[8] = 1.5;
    QVERIFY(fails(ReviewCompletion::complete(review.verdicts, p, 5, 6), "outside [0, 1]"));
    p[8] = std::nan("");
    QVERIFY(fails(ReviewCompletion::complete(review.verdicts, p, 5, 6), "outside [0, 1]"));
    ReviewCompletionOptions o;
    o.sideWeight = -1.0;
    QVERIFY(fails(ReviewCompletion::complete(review.verdicts, review.probabilities, 5, 6, o), "side information"));
}

QTEST_GUILESS_MAIN(TestTensorCompletion)
#include "tst_tensorcompletion.moc"
