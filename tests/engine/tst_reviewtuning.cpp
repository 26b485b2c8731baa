// SPDX-License-Identifier: GPL-3.0-or-later
// ReviewCompletion::completeTuned: lambda chosen by cross-validation on the
// curated cells, the model's probabilities competing. On a track with
// section structure it keeps the completion's gain; on a track without any
// (independent cells, a good model) where the plain completion loses to the
// probabilities, it falls back to them, as it does with too few verdicts to
// judge by; it is deterministic and keeps verdicts; bad input is rejected
// as by complete().
#include "engine/eval/binarycurves.h"
#include "engine/semantic/reviewcompletion.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace taglane::engine;

namespace {

struct Track
{
    int tags = 0;
    int segments = 0;
    std::vector<double> truth;          // 0/1, [tags][segments]
    std::vector<double> probabilities;
    std::vector<double> verdicts;       // truth on the curated cells, NaN elsewhere
};

double sigmoid(double x)
{
    return 1.0 / (1.0 + std::exp(-x));
}

/// Sections: the segments fall in 4 runs, each switching on its own 30 % of the tags.
Track sectioned(int tags, int segments, double noise, double curatedShare, quint64 seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> n(0.0, noise);
    Track t{tags, segments, {}, {}, {}};
    std::vector<std::vector<int>> on(4, std::vector<int>(size_t(tags)));
    for (auto &section : on)
        for (int &v : section)
            v = u(rng) < 0.3 ? 1 : 0;
    for (int g = 0; g < tags; ++g)
        for (int s = 0; s < segments; ++s)
            t.truth.push_back(on[size_t(s * 4 / segments)][size_t(g)]);
    for (double y : t.truth)
        t.probabilities.push_back(sigmoid((y > 0.5 ? 1.5 : -1.5) + n(rng)));
    for (double y : t.truth)
        t.verdicts.push_back(u(rng) < curatedShare ? y : std::numeric_limits<double>::quiet_NaN());
    return t;
}

/// No structure: every cell on with probability 0.3 on its own; the model is good.
Track independent(int tags, int segments, double curatedShare, quint64 seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> n(0.0, 1.0);
    Track t{tags, segments, {}, {}, {}};
    for (int i = 0; i < tags * segments; ++i)
        t.truth.push_back(u(rng) < 0.3 ? 1.0 : 0.0);
    for (double y : t.truth)
        t.probabilities.push_back(sigmoid((y > 0.5 ? 1.2 : -1.2) + n(rng)));
    for (double y : t.truth)
        t.verdicts.push_back(u(rng) < curatedShare ? y : std::numeric_limits<double>::quiet_NaN());
    return t;
}

double aucUncurated(const Track &t, const std::vector<double> &scores)
{
    std::vector<double> s;
    std::vector<quint8> y;
    for (size_t i = 0; i < t.truth.size(); ++i)
        if (std::isnan(t.verdicts[i])) {
            s.push_back(scores[i]);
            y.push_back(t.truth[i] > 0.5 ? 1 : 0);
        }
    return BinaryCurves::rocAuc(s, y);
}

} // namespace

class TestReviewTuning : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepsTheGainOnStructuredTracks_data()
    {
        QTest::addColumn<quint64>("seed");
        for (quint64 seed : {11, 12, 13})
            QTest::addRow("seed %llu", static_cast<unsigned long long>(seed)) << seed;
    }

    void keepsTheGainOnStructuredTracks()
    {
        QFETCH(quint64, seed);
        const Track t = sectioned(40, 60, 2.0, 0.2, seed);
        const auto tuned = ReviewCompletion::completeTuned(t.verdicts, t.probabilities, t.tags, t.segments);
        QVERIFY2(tuned.ok(), qPrintable(tuned.error()));
        const double model = aucUncurated(t, t.probabilities);
        const double completed = aucUncurated(t, tuned->completion.values);
        qInfo("structured: ROC-AUC P %.3f, tuned %.3f, lambda %.3f", model, completed, tuned->chosenWeight);
        QVERIFY(tuned->chosenWeight > 0.0);
        QVERIFY(tuned->chosenError < tuned->probabilityError);
        QVERIFY(completed > model + 0.05);
    }

    void fallsBackWhereCompletionHurts_data()
    {
        QTest::addColumn<quint64>("seed");
        for (quint64 seed : {21, 22, 23})
            QTest::addRow("seed %llu", static_cast<unsigned long long>(seed)) << seed;
    }

    void fallsBackWhereCompletionHurts()
    {
        QFETCH(quint64, seed);
        const Track t = independent(14, 8, 0.25, seed);
        const auto plain = ReviewCompletion::complete(t.verdicts, t.probabilities, t.tags, t.segments);
        const auto tuned = ReviewCompletion::completeTuned(t.verdicts, t.probabilities, t.tags, t.segments);
        QVERIFY(plain.ok() && tuned.ok());
        const double model = aucUncurated(t, t.probabilities);
        const double plainAuc = aucUncurated(t, plain->values);
        const double tunedAuc = aucUncurated(t, tuned->completion.values);
        qInfo("independent: ROC-AUC P %.3f, plain %.3f, tuned %.3f (lambda %.3f)", model, plainAuc, tunedAuc,
              tuned->chosenWeight);
        QVERIFY(plainAuc < model - 0.03);   // the case this guards against
        QVERIFY(tunedAuc > model - 0.01);
    }

    void deterministicAndKeepsVerdicts()
    {
        const Track t = sectioned(12, 20, 2.0, 0.3, 5);
        const auto a = ReviewCompletion::completeTuned(t.verdicts, t.probabilities, t.tags, t.segments);
        const auto b = ReviewCompletion::completeTuned(t.verdicts, t.probabilities, t.tags, t.segments);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->completion.values, b->completion.values);
        QCOMPARE(a->chosenWeight, b->chosenWeight);
        for (size_t i = 0; i < t.verdicts.size(); ++i)
            if (!std::isnan(t.verdicts[i]))
                QCOMPARE(a->completion.values[i], t.verdicts[i]);
        // The probabilities win when they are the truth itself.
        const auto exact = ReviewCompletion::completeTuned(t.verdicts, t.truth, t.tags, t.segments);
        QVERIFY(exact.ok());
        QCOMPARE(exact->chosenWeight, 0.0);
        for (size_t i = 0; i < t.verdicts.size(); ++i)
            QCOMPARE(exact->completion.values[i], std::isnan(t.verdicts[i]) ? t.truth[i] : t.verdicts[i]);
    }

    void tooFewVerdictsGiveTheProbabilities()
    {
        Track t = sectioned(12, 20, 2.0, 0.0, 9);
        for (int i = 0; i < ReviewCompletion::minimumCuratedForTuning - 1; ++i)
            t.verdicts[size_t(i * 23)] = t.truth[size_t(i * 23)];
        const auto few = ReviewCompletion::completeTuned(t.verdicts, t.probabilities, t.tags, t.segments);
        QVERIFY(few.ok());
        QCOMPARE(few->chosenWeight, 0.0);
        for (size_t i = 0; i < t.verdicts.size(); ++i)
            QCOMPARE(few->completion.values[i], std::isnan(t.verdicts[i]) ? t.probabilities[i] : t.verdicts[i]);
        QVERIFY(!ReviewCompletion::completeTuned(t.verdicts, t.probabilities, t.tags, t.segments, {}).ok());
    }

    void badInputIsRejected()
    {
        const Track t = sectioned(6, 8, 2.0, 0.3, 7);
        std::vector<double> shortP(t.probabilities.begin(), t.probabilities.end() - 1);
        QVERIFY(!ReviewCompletion::completeTuned(t.verdicts, shortP, t.tags, t.segments).ok());
        std::vector<double> badVerdicts = t.verdicts;
        badVerdicts[0] = 0.5;
        QVERIFY(!ReviewCompletion::completeTuned(badVerdicts, t.probabilities, t.tags, t.segments).ok());
        std::vector<double> badP = t.probabilities;
        badP[1] = 1.5;
        QVERIFY(!ReviewCompletion::completeTuned(t.verdicts, badP, t.tags, t.segments).ok());
    }
};

QTEST_GUILESS_MAIN(TestReviewTuning)
#include "tst_reviewtuning.moc"
