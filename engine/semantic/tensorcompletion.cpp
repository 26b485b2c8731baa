// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/semantic/tensorcompletion.h"

#include <Eigen/Dense>
#include <Eigen/SVD>

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TensorCompletion", text);
}

using Matrix = Eigen::MatrixXd;
using Dims = std::array<int, 3>;

/// Mode-i unfolding of a row-major [n0][n1][n2] tensor: row = index along
/// mode i, column = the other two indices in their order.
Matrix unfold(const std::vector<double> &x, const Dims &n, int mode)
{
    Matrix a(n[size_t(mode)], size_t(n[0]) * size_t(n[1]) * size_t(n[2]) / size_t(n[size_t(mode)]));
    for (int i0 = 0; i0 < n[0]; ++i0)
        for (int i1 = 0; i1 < n[1]; ++i1)
            for (int i2 = 0; i2 < n[2]; ++i2) {
                const double v = x[(size_t(i0) * size_t(n[1]) + size_t(i1)) * size_t(n[2]) + size_t(i2)];
                if (mode == 0)
                    a(i0, Eigen::Index(i1) * n[2] + i2) = v;
                else if (mode == 1)
                    a(i1, Eigen::Index(i0) * n[2] + i2) = v;
                else
                    a(i2, Eigen::Index(i0) * n[1] + i1) = v;
            }
    return a;
}

/// The inverse of unfold().
void fold(const Matrix &a, const Dims &n, int mode, std::vector<double> &x)
{
    for (int i0 = 0; i0 < n[0]; ++i0)
        for (int i1 = 0; i1 < n[1]; ++i1)
            for (int i2 = 0; i2 < n[2]; ++i2) {
                double &v = x[(size_t(i0) * size_t(n[1]) + size_t(i1)) * size_t(n[2]) + size_t(i2)];
                if (mode == 0)
                    v = a(i0, Eigen::Index(i1) * n[2] + i2);
                else if (mode == 1)
                    v = a(i1, Eigen::Index(i0) * n[2] + i2);
                else
                    v = a(i2, Eigen::Index(i0) * n[1] + i1);
            }
}

/// Singular value thresholding D_tau(A) = U max(S - tau, 0) V^T.
Matrix shrink(const Matrix &a, double tau)
{
    Eigen::BDCSVD<Matrix> svd(a, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::VectorXd &s = svd.singularValues();
    Eigen::Index keep = 0;
    while (keep < s.size() && s(keep) > tau)
        ++keep;
    if (keep == 0)
        return Matrix::Zero(a.rows(), a.cols());
    const Eigen::VectorXd kept = (s.head(keep).array() - tau).matrix();
    return svd.matrixU().leftCols(keep) * kept.asDiagonal() * svd.matrixV().leftCols(keep).transpose();
}

double largestSingularValue(const Matrix &a)
{
    Eigen::BDCSVD<Matrix> svd(a);
    return svd.singularValues().size() > 0 ? svd.singularValues()(0) : 0.0;
}

double norm(const std::vector<double> &x)
{
    double s = 0.0;
    for (double v : x)
        s += v * v;
    return std::sqrt(s);
}

QString checkOptions(const CompletionOptions &o)
{
    double total = 0.0;
    for (double w : o.weights) {
        if (!std::isfinite(w) || w < 0.0)
            return tr("Completion weights must be finite and >= 0 (got %1, %2, %3).")
                .arg(o.weights[0])
                .arg(o.weights[1])
                .arg(o.weights[2]);
        total += w;
    }
    if (!(total > 0.0))
        return tr("At least one completion weight must be positive.");
    if (!std::isfinite(o.rho) || o.rho < 0.0)
        return tr("The ADMM penalty rho must be >= 0 (0 = automatic); got %1.").arg(o.rho);
    if (o.rho == 0.0 && !(o.initialThreshold > 0.0 && std::isfinite(o.initialThreshold)))
        return tr("The initial threshold must be positive; got %1.").arg(o.initialThreshold);
    if (!(o.rhoGrowth >= 1.0) || !std::isfinite(o.rhoGrowth))
        return tr("The rho growth factor must be >= 1; got %1.").arg(o.rhoGrowth);
    if (!(o.rhoMax > 0.0))
        return tr("The largest rho must be positive; got %1.").arg(o.rhoMax);
    if (o.maxIterations < 1)
        return tr("Completion needs at least one iteration; got %1.").arg(o.maxIterations);
    if (!(o.tolerance >= 0.0))
        return tr("The completion tolerance must be >= 0; got %1.").arg(o.tolerance);
    return {};
}

} // namespace

Result<CompletionResult> TensorCompletion::complete(const std::vector<double> &values,
                                                    const std::vector<quint8> &observed, int n0, int n1, int n2,
                                                    const CompletionOptions &options, const SideInformation *side)
{
    using R = Result<CompletionResult>;
    if (n0 < 1 || n1 < 1 || n2 < 1)
        return R::failure(tr("The tensor to complete is empty (%1 x %2 x %3).").arg(n0).arg(n1).arg(n2));
    const Dims n{{n0, n1, n2}};
    const size_t size = size_t(n0) * size_t(n1) * size_t(n2);
    if (values.size() != size)
        return R::failure(tr("The tensor holds %1 values; %2 x %3 x %4 needs %5.")
                              .arg(values.size())
                              .arg(n0)
                              .arg(n1)
                              .arg(n2)
                              .arg(size));
    if (observed.size() != size)
        return R::failure(tr("The mask has %1 entries; the tensor has %2.").arg(observed.size()).arg(size));
    const QString bad = checkOptions(options);
    if (!bad.isEmpty())
        return R::failure(bad);
    if (side) {
        if (side->values.size() != size)
            return R::failure(
                tr("The side information has %1 values; the tensor has %2.").arg(side->values.size()).arg(size));
        if (!(side->weight > 0.0) || !std::isfinite(side->weight))
            return R::failure(tr("The side information weight must be positive; got %1.").arg(side->weight));
        for (size_t i = 0; i < size; ++i)
            if (!std::isfinite(side->values[i]))
                return R::failure(tr("Side information value %1 is not a finite number.").arg(i));
    }
    size_t known = 0;
    double sum = 0.0;
    for (size_t i = 0; i < size; ++i) {
        if (!observed[i])
            continue;
        if (!std::isfinite(values[i]))
            return R::failure(tr("Observed entry %1 is not a finite number.").arg(i));
        ++known;
        sum += values[i];
    }
    if (known == 0 && !side)
        return R::failure(tr("No entry of the tensor is observed: there is nothing to complete from."));

    CompletionResult out;
    // Start: observed entries as given, the others from the side information or the observed mean.
    const double mean = known > 0 ? sum / double(known) : 0.0;
    std::vector<double> x(size);
    for (size_t i = 0; i < size; ++i)
        x[i] = observed[i] ? values[i] : (side ? side->values[i] : mean);
    if (known == size) {  // the only feasible point
        out.values = std::move(x);
        out.converged = true;
        return out;
    }

    std::vector<int> modes;
    for (int m = 0; m < 3; ++m)
        if (options.weights[size_t(m)] > 0.0)
            modes.push_back(m);
    const double maxWeight = *std::max_element(options.weights.begin(), options.weights.end());
    double rho = options.rho;
    if (rho == 0.0) {
        double top = 0.0;
        for (int m : modes)
            top = std::max(top, largestSingularValue(unfold(x, n, m)));
        rho = top > 0.0 ? maxWeight / (options.initialThreshold * top) : 1.0;
    }
    out.rho = rho;

    const double lambda = side ? side->weight : 0.0;
    std::vector<std::vector<double>> y(modes.size(), std::vector<double>(size, 0.0));  // multipliers Y_i
    std::vector<std::vector<double>> m(modes.size(), std::vector<double>(size, 0.0));  // blocks M_i
    std::vector<double> next(size);
    std::vector<double> shifted(size);
    for (int it = 0; it < options.maxIterations; ++it) {
        // M_i = fold_i(D_{mu_i / rho}(unfold_i(X + Y_i / rho)))
        for (size_t b = 0; b < modes.size(); ++b) {
            for (size_t i = 0; i < size; ++i)
                shifted[i] = x[i] + y[b][i] / rho;
            const int mode = modes[b];
            fold(shrink(unfold(shifted, n, mode), options.weights[size_t(mode)] / rho), n, mode, m[b]);
        }
        // X on the unobserved entries: the mean of M_i - Y_i / rho (pulled
        // towards the side information with weight lambda); observed entries stay.
        const double blocks = double(modes.size());
        for (size_t i = 0; i < size; ++i) {
            if (observed[i]) {
                next[i] = values[i];
                continue;
            }
            double acc = 0.0;
            for (size_t b = 0; b < modes.size(); ++b)
                acc += m[b][i] - y[b][i] / rho;
            next[i] = side ? (lambda * side->values[i] + rho * acc) / (lambda + blocks * rho) : acc / blocks;
        }
        // Y_i -= rho (M_i - X); residuals.
        double change = 0.0;
        double gap = 0.0;
        for (size_t i = 0; i < size; ++i) {
            const double d = next[i] - x[i];
            change += d * d;
        }
        for (size_t b = 0; b < modes.size(); ++b) {
            double g = 0.0;
            for (size_t i = 0; i < size; ++i) {
                const double d = m[b][i] - next[i];
                g += d * d;
                y[b][i] -= rho * d;
            }
            gap = std::max(gap, g);
        }
        const double before = norm(x);
        const double after = norm(next);
        const double relChange = std::sqrt(change) / std::max(before, 1e-300);
        const double relGap = std::sqrt(gap) / std::max(after, 1e-300);
        x.swap(next);
        out.residual = std::max(relChange, relGap);
        out.residualTrace.push_back(out.residual);
        out.iterations = it + 1;
        rho = std::min(rho * options.rhoGrowth, std::max(options.rhoMax, rho));
        if (out.residual < options.tolerance) {
            out.converged = true;
            break;
        }
    }
    out.values = std::move(x);
    return out;
}

Result<CompletionResult> TensorCompletion::completeMatrix(const std::vector<double> &values,
                                                          const std::vector<quint8> &observed, int rows, int cols,
                                                          const CompletionOptions &options,
                                                          const SideInformation *side)
{
    if (rows < 1 || cols < 1)
        return Result<CompletionResult>::failure(tr("The matrix to complete is empty (%1 x %2).").arg(rows).arg(cols));
    const size_t size = size_t(rows) * size_t(cols);
    if (values.size() != size || observed.size() != size)
        return Result<CompletionResult>::failure(tr("The matrix holds %1 values and its mask %2 entries; %3 x %4 "
                                                    "needs %5 of each.")
                                                     .arg(values.size())
                                                     .arg(observed.size())
                                                     .arg(rows)
                                                     .arg(cols)
                                                     .arg(size));
    CompletionOptions matrix = options;
    matrix.weights = {{0.0, 1.0, 0.0}};  // the [1][rows][cols] tensor's mode-1 unfolding is the matrix
    return complete(values, observed, 1, rows, cols, matrix, side);
}

} // namespace taglane::engine
