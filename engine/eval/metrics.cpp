// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/eval/metrics.h"

namespace taglane::engine {

namespace {

double ratioOrZero(double numerator, double denominator)
{
    return denominator > 0.0 ? numerator / denominator : 0.0;
}

double f1Of(double precision, double recall)
{
    const double sum = precision + recall;
    return sum > 0.0 ? 2.0 * precision * recall / sum : 0.0;
}

double meanOf(const std::vector<double> &values)
{
    if (values.empty())
        return MetricsReport::nan;
    double sum = 0.0;
    for (double v : values)
        sum += v;
    return sum / double(values.size());
}

} // namespace

void Metrics::column(const EvalInput &input, int tag, std::vector<double> &scores, std::vector<quint8> &truth)
{
    scores.clear();
    truth.clear();
    const int first = tag < 0 ? 0 : tag;
    const int last = tag < 0 ? input.tags : tag + 1;
    for (int e = 0; e < input.examples; ++e) {
        for (int t = first; t < last; ++t) {
            if (!input.isKnown(e, t))
                continue;
            const size_t i = input.index(e, t);
            scores.push_back(input.scores[i]);
            truth.push_back(input.truth[i] ? 1 : 0);
        }
    }
}

std::vector<CurvePoint> Metrics::rocCurve(const EvalInput &input, int tag)
{
    if (tag >= input.tags || !input.validate().ok())
        return {};
    std::vector<double> scores;
    std::vector<quint8> truth;
    column(input, tag, scores, truth);
    return BinaryCurves::roc(scores, truth);
}

std::vector<CurvePoint> Metrics::precisionRecallCurve(const EvalInput &input, int tag)
{
    if (tag >= input.tags || !input.validate().ok())
        return {};
    std::vector<double> scores;
    std::vector<quint8> truth;
    column(input, tag, scores, truth);
    return BinaryCurves::precisionRecall(scores, truth);
}

Result<MetricsReport> Metrics::compute(const EvalInput &input, double threshold)
{
    const Status valid = input.validate();
    if (!valid)
        return Result<MetricsReport>::failure(valid.error());

    MetricsReport report;
    report.threshold = threshold;
    report.perTag.resize(size_t(input.tags));

    std::vector<double> aucs, aps, precisions, recalls, f1s, balanced;
    double tpSum = 0.0, fpSum = 0.0, fnSum = 0.0, correct = 0.0, knownSum = 0.0;
    std::vector<double> scores;
    std::vector<quint8> truth;
    for (int t = 0; t < input.tags; ++t) {
        TagMetrics &m = report.perTag[size_t(t)];
        column(input, t, scores, truth);
        m.known = int(scores.size());
        for (size_t i = 0; i < scores.size(); ++i) {
            const bool predicted = scores[i] >= threshold;
            if (truth[i]) {
                ++m.positives;
                predicted ? ++m.truePositives : ++m.falseNegatives;
            } else {
                ++m.negatives;
                predicted ? ++m.falsePositives : ++m.trueNegatives;
            }
        }
        if (m.hasBothClasses()) {
            m.rocAuc = BinaryCurves::rocAuc(scores, truth);
            m.balancedAccuracy = 0.5 * (double(m.truePositives) / m.positives + double(m.trueNegatives) / m.negatives);
            aucs.push_back(m.rocAuc);
            balanced.push_back(m.balancedAccuracy);
        } else {
            report.tagsWithoutBothClasses.push_back(t);
        }
        if (m.positives > 0) {
            m.averagePrecision = BinaryCurves::averagePrecision(scores, truth);
            aps.push_back(m.averagePrecision);
        } else {
            report.tagsWithoutPositives.push_back(t);
        }
        if (m.known > 0) {
            m.precision = ratioOrZero(m.truePositives, m.truePositives + m.falsePositives);
            m.recall = ratioOrZero(m.truePositives, m.positives);
            m.f1 = f1Of(m.precision, m.recall);
            m.accuracy = double(m.truePositives + m.trueNegatives) / m.known;
            precisions.push_back(m.precision);
            recalls.push_back(m.recall);
            f1s.push_back(m.f1);
        }
        tpSum += m.truePositives;
        fpSum += m.falsePositives;
        fnSum += m.falseNegatives;
        correct += m.truePositives + m.trueNegatives;
        knownSum += m.known;
    }

    report.macroRocAuc = meanOf(aucs);
    report.meanAveragePrecision = meanOf(aps);
    report.macroPrecision = meanOf(precisions);
    report.macroRecall = meanOf(recalls);
    report.macroF1 = meanOf(f1s);
    report.meanAverageAccuracy = meanOf(balanced);
    if (knownSum > 0.0) {
        report.microPrecision = ratioOrZero(tpSum, tpSum + fpSum);
        report.microRecall = ratioOrZero(tpSum, tpSum + fnSum);
        report.microF1 = f1Of(report.microPrecision, report.microRecall);
        report.accuracy = correct / knownSum;
    }
    column(input, -1, scores, truth);
    report.microRocAuc = BinaryCurves::rocAuc(scores, truth);
    report.microAveragePrecision = BinaryCurves::averagePrecision(scores, truth);
    return report;
}

} // namespace taglane::engine
