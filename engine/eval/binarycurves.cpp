// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/eval/binarycurves.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace taglane::engine {

namespace {

/// Cumulative true and false positives at each distinct threshold, scores
/// decreasing (scikit-learn's _binary_clf_curve).
struct Counts
{
    std::vector<double> tps;
    std::vector<double> fps;
    std::vector<double> thresholds;
};

Counts cumulativeCounts(const std::vector<double> &scores, const std::vector<quint8> &truth)
{
    const size_t n = std::min(scores.size(), truth.size());
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });

    Counts c;
    double tp = 0.0;
    double fp = 0.0;
    for (size_t k = 0; k < n; ++k) {
        const size_t i = order[k];
        if (truth[i])
            tp += 1.0;
        else
            fp += 1.0;
        const bool lastOfGroup = k + 1 == n || scores[order[k + 1]] != scores[i];
        if (lastOfGroup) {
            c.tps.push_back(tp);
            c.fps.push_back(fp);
            c.thresholds.push_back(scores[i]);
        }
    }
    return c;
}

} // namespace

std::vector<CurvePoint> BinaryCurves::roc(const std::vector<double> &scores, const std::vector<quint8> &truth)
{
    const Counts c = cumulativeCounts(scores, truth);
    if (c.tps.empty() || c.tps.back() <= 0.0 || c.fps.back() <= 0.0)
        return {};
    std::vector<CurvePoint> points;
    points.reserve(c.tps.size() + 1);
    points.push_back({0.0, 0.0, std::numeric_limits<double>::infinity()});
    for (size_t k = 0; k < c.tps.size(); ++k)
        points.push_back({c.fps[k] / c.fps.back(), c.tps[k] / c.tps.back(), c.thresholds[k]});
    return points;
}

std::vector<CurvePoint> BinaryCurves::precisionRecall(const std::vector<double> &scores,
                                                      const std::vector<quint8> &truth)
{
    const Counts c = cumulativeCounts(scores, truth);
    if (c.tps.empty() || c.tps.back() <= 0.0)
        return {};
    std::vector<CurvePoint> points;
    points.reserve(c.tps.size());
    for (size_t k = 0; k < c.tps.size(); ++k) {
        const double predicted = c.tps[k] + c.fps[k];
        const double precision = predicted > 0.0 ? c.tps[k] / predicted : 0.0;
        points.push_back({c.tps[k] / c.tps.back(), precision, c.thresholds[k]});
    }
    return points;
}

double BinaryCurves::rocAuc(const std::vector<double> &scores, const std::vector<quint8> &truth)
{
    const std::vector<CurvePoint> points = roc(scores, truth);
    if (points.empty())
        return std::numeric_limits<double>::quiet_NaN();
    double area = 0.0;
    for (size_t k = 1; k < points.size(); ++k)
        area += (points[k].x - points[k - 1].x) * (points[k].y + points[k - 1].y) * 0.5;
    return area;
}

double BinaryCurves::averagePrecision(const std::vector<double> &scores, const std::vector<quint8> &truth)
{
    const std::vector<CurvePoint> points = precisionRecall(scores, truth);
    if (points.empty())
        return std::numeric_limits<double>::quiet_NaN();
    double ap = 0.0;
    double previousRecall = 0.0;
    for (const CurvePoint &p : points) {
        ap += (p.x - previousRecall) * p.y;
        previousRecall = p.x;
    }
    return ap;
}

} // namespace taglane::engine
