// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/studies/multilabellogistic.h"

#include <Eigen/Dense>

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("MultiLabelLogistic", text);
}

double sigmoid(double z)
{
    return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
}

// log(1 + exp(z)) without overflow.
double softplus(double z)
{
    return z > 30 ? z : (z < -30 ? std::exp(z) : std::log1p(std::exp(z)));
}

} // namespace

Status MultiLabelLogistic::fit(const std::vector<float> &x, int n, int d, const std::vector<float> &y, int tags,
                               const LogisticOptions &options)
{
    if (n <= 0 || d <= 0 || tags <= 0 || x.size() != size_t(n) * size_t(d) || y.size() != size_t(n) * size_t(tags))
        return Status::failure(tr("The baseline got %1 feature values and %2 labels for %3 examples of %4 features "
                                  "and %5 tags.")
                                   .arg(x.size())
                                   .arg(y.size())
                                   .arg(n)
                                   .arg(d)
                                   .arg(tags));
    for (size_t i = 0; i < x.size(); ++i)
        if (!std::isfinite(x[i]))
            return Status::failure(tr("Feature %1 of example %2 is not a finite number.").arg(int(i % size_t(d))).arg(int(i / size_t(d))));
    m_d = d;
    m_tags = tags;
    m_mean.assign(size_t(d), 0.0);
    m_scale.assign(size_t(d), 1.0);
    for (int j = 0; j < d; ++j) {
        double s = 0.0, s2 = 0.0;
        for (int i = 0; i < n; ++i) {
            const double v = x[size_t(i) * size_t(d) + size_t(j)];
            s += v;
            s2 += v * v;
        }
        const double mean = s / n;
        m_mean[size_t(j)] = mean;
        const double sd = std::sqrt(std::max(0.0, s2 / n - mean * mean));
        m_scale[size_t(j)] = sd > 1e-9 ? 1.0 / sd : 0.0;  // a constant feature drops out
    }
    // Design matrix: standardised features and a column of ones.
    Eigen::MatrixXd X(n, d + 1);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < d; ++j)
            X(i, j) = (x[size_t(i) * size_t(d) + size_t(j)] - m_mean[size_t(j)]) * m_scale[size_t(j)];
        X(i, d) = 1.0;
    }
    m_weights.assign(size_t(tags) * size_t(d + 1), 0.0);
    m_iterations.assign(size_t(tags), 0);
    const double alpha = std::max(1.0, options.alpha);
    Eigen::VectorXd ridge = Eigen::VectorXd::Constant(d + 1, options.l2);
    ridge(d) = 1e-8;  // the bias stays (almost) free
    for (int t = 0; t < tags; ++t) {
        std::vector<int> rows;
        for (int i = 0; i < n; ++i)
            if (!std::isnan(y[size_t(i) * size_t(tags) + size_t(t)]))
                rows.push_back(i);
        if (rows.empty())
            continue;
        const int m = int(rows.size());
        Eigen::MatrixXd Xt(m, d + 1);
        Eigen::VectorXd yt(m);
        for (int r = 0; r < m; ++r) {
            Xt.row(r) = X.row(rows[size_t(r)]);
            yt(r) = y[size_t(rows[size_t(r)]) * size_t(tags) + size_t(t)] > 0.5f ? 1.0 : 0.0;
        }
        Eigen::VectorXd w = Eigen::VectorXd::Zero(d + 1);
        auto loss = [&](const Eigen::VectorXd &wv) {
            const Eigen::VectorXd z = Xt * wv;
            double l = 0.0;
            for (int r = 0; r < m; ++r)
                l += yt(r) > 0.5 ? alpha * softplus(-z(r)) : softplus(z(r));
            return l / m + 0.5 * (ridge.array() * wv.array().square()).sum();
        };
        double current = loss(w);
        for (int it = 0; it < options.maxIterations; ++it) {
            const Eigen::VectorXd z = Xt * w;
            Eigen::VectorXd g(m), h(m);
            for (int r = 0; r < m; ++r) {
                const double p = sigmoid(z(r));
                // d/dz of alpha*y*softplus(-z) + (1-y)*softplus(z), and its second derivative.
                if (yt(r) > 0.5) {
                    g(r) = -alpha * (1.0 - p);
                    h(r) = alpha * p * (1.0 - p);
                } else {
                    g(r) = p;
                    h(r) = p * (1.0 - p);
                }
            }
            const Eigen::VectorXd grad = Xt.transpose() * g / m + ridge.cwiseProduct(w);
            Eigen::MatrixXd H = Xt.transpose() * h.asDiagonal() * Xt / m;
            H.diagonal() += ridge;
            const Eigen::VectorXd step = H.ldlt().solve(grad);
            // Backtracking keeps every step a descent step.
            double scale = 1.0;
            Eigen::VectorXd next = w - step;
            double nextLoss = loss(next);
            while (!(nextLoss <= current) && scale > 1e-4) {
                scale *= 0.5;
                next = w - scale * step;
                nextLoss = loss(next);
            }
            m_iterations[size_t(t)] = it + 1;
            if (!(nextLoss <= current))
                break;
            const double gain = current - nextLoss;
            w = next;
            current = nextLoss;
            if (gain < options.tolerance)
                break;
        }
        for (int j = 0; j <= d; ++j)
            m_weights[size_t(t) * size_t(d + 1) + size_t(j)] = w(j);
    }
    return {};
}

std::vector<float> MultiLabelLogistic::predict(const std::vector<float> &x, int n) const
{
    if (!isFitted() || n <= 0 || x.size() < size_t(n) * size_t(m_d))
        return {};
    std::vector<float> out(size_t(n) * size_t(m_tags));
    std::vector<double> row(static_cast<size_t>(m_d));
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < m_d; ++j)
            row[size_t(j)] = (x[size_t(i) * size_t(m_d) + size_t(j)] - m_mean[size_t(j)]) * m_scale[size_t(j)];
        for (int t = 0; t < m_tags; ++t) {
            const double *w = m_weights.data() + size_t(t) * size_t(m_d + 1);
            double z = w[m_d];
            for (int j = 0; j < m_d; ++j)
                z += w[j] * row[size_t(j)];
            out[size_t(i) * size_t(m_tags) + size_t(t)] = float(sigmoid(z));
        }
    }
    return out;
}

} // namespace taglane::engine
