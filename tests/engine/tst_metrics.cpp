// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/eval/metrics.h"

#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace taglane::engine;

namespace {

constexpr double kTolerance = 1e-9;

EvalInput singleTag(const std::vector<double> &scores, const std::vector<quint8> &truth)
{
    EvalInput in;
    in.examples = int(scores.size());
    in.tags = 1;
    in.scores = scores;
    in.truth = truth;
    return in;
}

/// Compares a computed value with a JSON expectation (null = undefined = NaN).
bool matches(double actual, const QJsonValue &expected)
{
    if (expected.isNull())
        return std::isnan(actual);
    return std::fabs(actual - expected.toDouble()) <= kTolerance;
}

QString describe(double actual, const QJsonValue &expected)
{
    return QStringLiteral("actual %1, expected %2")
        .arg(actual, 0, 'g', 17)
        .arg(expected.isNull() ? QStringLiteral("undefined") : QString::number(expected.toDouble(), 'g', 17));
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handComputedExample();
    void allTiedScoresGiveChanceAuc();
    void perfectRanking();
    void rocCurvePoints();
    void maskedCellsAreIgnored();
    void undefinedTagsAreExcluded();
    void badInputIsRejected();
    void matchesScikitLearn_data();
    void matchesScikitLearn();
};

void TestMetrics::handComputedExample()
{
    // scikit-learn's documentation example: AUC 0.75, AP = 1/2 * 1 + 1/2 * 2/3 = 0.8333...
    const auto report = Metrics::compute(singleTag({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}));
    QVERIFY2(report.ok(), qPrintable(report.error()));
    const TagMetrics &m = report->perTag[0];
    QCOMPARE(m.rocAuc, 0.75);
    QVERIFY(std::fabs(m.averagePrecision - 5.0 / 6.0) < kTolerance);
    // At 0.5 only 0.8 is predicted positive: tp 1, fn 1, tn 2, fp 0.
    QCOMPARE(m.truePositives, 1);
    QCOMPARE(m.falseNegatives, 1);
    QCOMPARE(m.trueNegatives, 2);
    QCOMPARE(m.falsePositives, 0);
    QCOMPARE(m.precision, 1.0);
    QCOMPARE(m.recall, 0.5);
    QVERIFY(std::fabs(m.f1 - 2.0 / 3.0) < kTolerance);
    QCOMPARE(m.accuracy, 0.75);
    QCOMPARE(m.balancedAccuracy, 0.75);
    QCOMPARE(report->meanAverageAccuracy, 0.75);
    QCOMPARE(report->macroRocAuc, 0.75);

    // A lower threshold changes the counts: at 0.3 three are predicted positive.
    const auto low = Metrics::compute(singleTag({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.3);
    QCOMPARE(low->perTag[0].falsePositives, 1);
    QCOMPARE(low->perTag[0].recall, 1.0);
    QCOMPARE(low->perTag[0].balancedAccuracy, 0.75);
}

void TestMetrics::allTiedScoresGiveChanceAuc()
{
    const auto report = Metrics::compute(singleTag({0.5, 0.5, 0.5, 0.5, 0.5}, {1, 0, 0, 1, 0}));
    QCOMPARE(report->perTag[0].rocAuc, 0.5);
    QVERIFY(std::fabs(report->perTag[0].averagePrecision - 0.4) < kTolerance);
    // score >= threshold counts as positive
    QCOMPARE(report->perTag[0].truePositives, 2);
    QCOMPARE(report->perTag[0].falsePositives, 3);
    QCOMPARE(report->perTag[0].balancedAccuracy, 0.5);
}

void TestMetrics::perfectRanking()
{
    const auto report = Metrics::compute(singleTag({0.9, 0.2, 0.7, 0.1}, {1, 0, 1, 0}));
    QCOMPARE(report->perTag[0].rocAuc, 1.0);
    QCOMPARE(report->perTag[0].averagePrecision, 1.0);
    QCOMPARE(report->accuracy, 1.0);
    QCOMPARE(report->microF1, 1.0);
    const auto inverted = Metrics::compute(singleTag({0.1, 0.8, 0.2, 0.9}, {1, 0, 1, 0}));
    QCOMPARE(inverted->perTag[0].rocAuc, 0.0);
    QCOMPARE(inverted->perTag[0].balancedAccuracy, 0.0);
}

void TestMetrics::rocCurvePoints()
{
    const EvalInput in = singleTag({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1});
    const auto roc = Metrics::rocCurve(in, 0);
    const double expected[][2] = {{0, 0}, {0, 0.5}, {0.5, 0.5}, {0.5, 1}, {1, 1}};
    QCOMPARE(roc.size(), size_t(5));
    for (size_t i = 0; i < roc.size(); ++i) {
        QCOMPARE(roc[i].x, expected[i][0]);
        QCOMPARE(roc[i].y, expected[i][1]);
    }
    QVERIFY(std::isinf(roc[0].threshold));
    QCOMPARE(roc[1].threshold, 0.8);
    const auto pr = Metrics::precisionRecallCurve(in, 0);
    QCOMPARE(pr.size(), size_t(4));
    QCOMPARE(pr[0].x, 0.5);
    QCOMPARE(pr[0].y, 1.0);
    QCOMPARE(pr[3].x, 1.0);
    QCOMPARE(pr[3].y, 0.5);
}

void TestMetrics::maskedCellsAreIgnored()
{
    EvalInput in = singleTag({0.1, 0.4, 0.35, 0.8, 0.95, 0.01}, {0, 0, 1, 1, 0, 1});
    in.known = {1, 1, 1, 1, 0, 0};  // the last two contradict the ranking but are unknown
    in.scores[5] = std::nan("");    // and an unknown cell may hold anything
    const auto report = Metrics::compute(in);
    QVERIFY2(report.ok(), qPrintable(report.error()));
    QCOMPARE(report->perTag[0].known, 4);
    QCOMPARE(report->perTag[0].rocAuc, 0.75);
    QCOMPARE(report->microRocAuc, 0.75);
    QCOMPARE(report->perTag[0].falsePositives, 0);

    in.known.clear();
    in.scores[5] = 0.01;
    const auto unmasked = Metrics::compute(in);
    QVERIFY(unmasked->perTag[0].rocAuc < 0.75);
}

void TestMetrics::undefinedTagsAreExcluded()
{
    EvalInput in;
    in.examples = 4;
    in.tags = 3;
    // tag 0: AUC 1; tag 1: no positives; tag 2: no negatives
    in.scores = {0.9, 0.3, 0.6, 0.1, 0.2, 0.7, 0.8, 0.4, 0.2, 0.2, 0.9, 0.1};
    in.truth = {1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1};
    const auto report = Metrics::compute(in);
    QVERIFY2(report.ok(), qPrintable(report.error()));
    QCOMPARE(report->perTag[0].rocAuc, 1.0);
    QVERIFY(std::isnan(report->perTag[1].rocAuc));
    QVERIFY(std::isnan(report->perTag[1].averagePrecision));
    QVERIFY(std::isnan(report->perTag[1].balancedAccuracy));
    QVERIFY(std::isnan(report->perTag[2].rocAuc));
    QCOMPARE(report->perTag[2].averagePrecision, 1.0);
    QCOMPARE(report->macroRocAuc, 1.0);
    QCOMPARE(report->tagsWithoutBothClasses, (std::vector<int>{1, 2}));
    QCOMPARE(report->tagsWithoutPositives, (std::vector<int>{1}));
    QCOMPARE(report->meanAveragePrecision, 1.0);
    QVERIFY(Metrics::rocCurve(in, 1).empty());
    QVERIFY(Metrics::precisionRecallCurve(in, 1).empty());
}

void TestMetrics::badInputIsRejected()
{
    EvalInput in = singleTag({0.1, 0.2}, {0, 1});
    in.truth.push_back(1);
    auto r = Metrics::compute(in);
    QVERIFY(!r.ok());
    QVERIFY(r.error().contains(QStringLiteral("truth")));

    in = singleTag({0.1, 0.2}, {0, 2});
    r = Metrics::compute(in);
    QVERIFY(!r.ok());
    QVERIFY(r.error().contains(QStringLiteral("not 0 or 1")));

    in = singleTag({0.1, std::nan("")}, {0, 1});
    r = Metrics::compute(in);
    QVERIFY(!r.ok());
    QVERIFY(r.error().contains(QStringLiteral("finite")));

    in = singleTag({0.1, 0.2}, {0, 1});
    in.known = {1};
    QVERIFY(!Metrics::compute(in).ok());
    QVERIFY(Metrics::rocCurve(in, 0).empty());

    EvalInput empty;
    const auto e = Metrics::compute(empty);
    QVERIFY(e.ok());
    QVERIFY(std::isnan(e->microRocAuc));
    QVERIFY(std::isnan(e->accuracy));
}

void TestMetrics::matchesScikitLearn_data()
{
    QTest::addColumn<QString>("path");
    for (const char *name : {"random", "ties", "masked", "degenerate"})
        QTest::newRow(name) << QStringLiteral(TAGLANE_SOURCE_DIR "/tests/data/metrics/set_%1.json")
                                   .arg(QLatin1String(name));
}

void TestMetrics::matchesScikitLearn()
{
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
    QJsonParseError error;
    const QJsonObject doc = QJsonDocument::fromJson(file.readAll(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));

    EvalInput in;
    in.examples = doc[QStringLiteral("examples")].toInt();
    in.tags = doc[QStringLiteral("tags")].toInt();
    const QJsonArray scores = doc[QStringLiteral("scores")].toArray();
    const QJsonArray truth = doc[QStringLiteral("truth")].toArray();
    const QJsonValue known = doc[QStringLiteral("known")];
    for (int e = 0; e < in.examples; ++e) {
        for (int t = 0; t < in.tags; ++t) {
            in.scores.push_back(scores[e].toArray()[t].toDouble());
            in.truth.push_back(quint8(truth[e].toArray()[t].toInt()));
            if (known.isArray())
                in.known.push_back(quint8(known.toArray()[e].toArray()[t].toInt()));
        }
    }
    const auto report = Metrics::compute(in, doc[QStringLiteral("threshold")].toDouble());
    QVERIFY2(report.ok(), qPrintable(report.error()));
    const QJsonObject exp = doc[QStringLiteral("expected")].toObject();

    const QJsonArray perTag = exp[QStringLiteral("per_tag")].toArray();
    QCOMPARE(perTag.size(), in.tags);
    for (int t = 0; t < in.tags; ++t) {
        const QJsonObject e = perTag[t].toObject();
        const TagMetrics &m = report->perTag[size_t(t)];
        const std::pair<const char *, double> values[] = {
            {"roc_auc", m.rocAuc}, {"average_precision", m.averagePrecision},
            {"balanced_accuracy", m.balancedAccuracy}, {"precision", m.precision}, {"recall", m.recall},
            {"f1", m.f1}, {"accuracy", m.accuracy}};
        for (const auto &[key, actual] : values) {
            const QJsonValue expected = e[QLatin1String(key)];
            QVERIFY2(matches(actual, expected),
                     qPrintable(QStringLiteral("tag %1 %2: %3").arg(t).arg(QLatin1String(key), describe(actual, expected))));
        }
    }
    const std::pair<const char *, double> summaries[] = {
        {"macro_roc_auc", report->macroRocAuc}, {"micro_roc_auc", report->microRocAuc},
        {"map", report->meanAveragePrecision}, {"micro_average_precision", report->microAveragePrecision},
        {"macro_precision", report->macroPrecision}, {"macro_recall", report->macroRecall},
        {"macro_f1", report->macroF1}, {"micro_precision", report->microPrecision},
        {"micro_recall", report->microRecall}, {"micro_f1", report->microF1}, {"accuracy", report->accuracy},
        {"maa", report->meanAverageAccuracy}};
    for (const auto &[key, actual] : summaries) {
        const QJsonValue expected = exp[QLatin1String(key)];
        QVERIFY2(matches(actual, expected), qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(key),
                                                                                    describe(actual, expected))));
    }

    const QJsonObject rocExp = exp[QStringLiteral("roc_curve_tag0")].toObject();
    const auto roc = Metrics::rocCurve(in, 0);
    const QJsonArray fpr = rocExp[QStringLiteral("fpr")].toArray();
    const QJsonArray tpr = rocExp[QStringLiteral("tpr")].toArray();
    QCOMPARE(qsizetype(roc.size()), fpr.size());
    for (size_t i = 0; i < roc.size(); ++i) {
        QVERIFY(matches(roc[i].x, fpr[qsizetype(i)]));
        QVERIFY(matches(roc[i].y, tpr[qsizetype(i)]));
    }
    const QJsonObject prExp = exp[QStringLiteral("pr_curve_tag0")].toObject();
    const auto pr = Metrics::precisionRecallCurve(in, 0);
    const QJsonArray recall = prExp[QStringLiteral("recall")].toArray();
    const QJsonArray precision = prExp[QStringLiteral("precision")].toArray();
    QCOMPARE(qsizetype(pr.size()), recall.size());
    for (size_t i = 0; i < pr.size(); ++i) {
        QVERIFY(matches(pr[i].x, recall[qsizetype(i)]));
        QVERIFY(matches(pr[i].y, precision[qsizetype(i)]));
    }
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
