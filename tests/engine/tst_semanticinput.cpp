// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/semantic/ldamodel.h"
#include "engine/train/ernn/semanticinput.h"

#include <QtTest>

using namespace taglane::engine;

namespace {

// Two clear topics: tags 0-2 occur together, tags 3-5 occur together.
LdaModel twoTopicModel()
{
    std::vector<double> counts;
    for (int doc = 0; doc < 20; ++doc) {
        for (int w = 0; w < 6; ++w)
            counts.push_back((w < 3) == (doc % 2 == 0) ? 1.0 + (doc + w) % 2 : 0.0);
    }
    LdaOptions o;
    o.topics = 2;
    o.restarts = 8;
    LdaModel lda;
    const Status s = lda.fit(counts, 20, 6, o);
    if (!s.ok())
        qFatal("LDA fit failed");
    return lda;
}

int dominant(const std::vector<double> &m)
{
    return m[0] > m[1] ? 0 : 1;
}

} // namespace

class TestSemanticInput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void verdictsAndPredictions()
    {
        const LdaModel lda = twoTopicModel();
        const std::vector<int> unknown(6, -1);
        // First pass says tags 3 and 4: the topic of tags 3-5.
        const auto pred = SemanticInput::compute(lda, unknown, {0.1f, 0.2f, 0.1f, 0.9f, 0.8f, 0.3f});
        QVERIFY2(pred.ok(), qPrintable(pred.error()));
        QVERIFY(pred.value().source == SemanticInput::Source::Predictions);
        const int predTopic = dominant(pred.value().mixture);
        QVERIFY(pred.value().mixture[size_t(predTopic)] > 0.7);
        // Verdicts: 3 and 4 absent, 0 present: the other topic wins although
        // the probabilities are unchanged.
        const auto cur = SemanticInput::compute(lda, {1, -1, -1, 0, 0, -1}, {0.1f, 0.2f, 0.1f, 0.9f, 0.8f, 0.3f});
        QVERIFY(cur.ok());
        QVERIFY(cur.value().source == SemanticInput::Source::Verdicts);
        QVERIFY(dominant(cur.value().mixture) != predTopic);
        // Nothing present: zeros.
        const auto none = SemanticInput::compute(lda, unknown, std::vector<float>(6, 0.1f));
        QVERIFY(none.ok());
        QVERIFY(none.value().source == SemanticInput::Source::None);
        QCOMPARE(none.value().mixture, std::vector<double>(2, 0.0));
    }

    void badInput()
    {
        const LdaModel lda = twoTopicModel();
        QVERIFY(!SemanticInput::compute(lda, {1, -1}, {0.1f, 0.2f}).ok());
        QVERIFY(!SemanticInput::compute(lda, {2, -1, -1, -1, -1, -1}, std::vector<float>(6, 0.1f)).ok());
        QVERIFY(!SemanticInput::compute(LdaModel(), {}, {}).ok());
    }
};

QTEST_GUILESS_MAIN(TestSemanticInput)
#include "tst_semanticinput.moc"
