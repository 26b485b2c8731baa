// SPDX-License-Identifier: GPL-3.0-or-later
// Timings of engine/semantic: LDA of a 1000 songs x 50 tags matrix, the
// E-step of one segment, HaLRTC completion of a 50 x 1000 matrix and of a
// 20 x 50 x 100 tensor, and "complete my review" on a 50 tags x 200
// segments track. Prints figures (recorded in engine/semantic/NOTES.md).
#include "engine/semantic/ldamodel.h"
#include "engine/semantic/reviewcompletion.h"
#include "engine/semantic/tensorcompletion.h"

#include <QElapsedTimer>
#include <QtTest>

#include <cmath>
#include <cstdio>
#include <random>

using namespace taglane::engine;

namespace {

/// Songs drawn from LDA's generative model: 10 topics over 50 tags, 5 to 30 tag draws a song.
std::vector<double> ldaCorpus(int songs, int tags, int topics, std::mt19937 &rng)
{
    std::gamma_distribution<double> sparse(0.1, 1.0), mixing(0.3, 1.0);
    std::vector<std::vector<double>> beta(static_cast<size_t>(topics), std::vector<double>(static_cast<size_t>(tags)));
    for (auto &row : beta)
        for (double &v : row)
            v = sparse(rng) + 1e-12;
    std::uniform_int_distribution<int> length(5, 30);
    std::vector<double> x(size_t(songs) * size_t(tags), 0.0);
    for (int d = 0; d < songs; ++d) {
        std::vector<double> theta(static_cast<size_t>(topics));
        for (double &v : theta)
            v = mixing(rng) + 1e-12;
        std::discrete_distribution<int> topic(theta.begin(), theta.end());
        const int n = length(rng);
        for (int i = 0; i < n; ++i) {
            const auto &row = beta[size_t(topic(rng))];
            std::discrete_distribution<int> tag(row.begin(), row.end());
            x[size_t(d) * size_t(tags) + size_t(tag(rng))] += 1.0;
        }
    }
    return x;
}

std::vector<double> lowRank(int rows, int cols, int rank, std::mt19937 &rng)
{
    std::normal_distribution<double> g(0.0, 1.0);
    std::vector<double> a(size_t(rows * rank)), b(size_t(cols * rank));
    for (double &v : a)
        v = g(rng);
    for (double &v : b)
        v = g(rng);
    std::vector<double> m(size_t(rows) * size_t(cols), 0.0);
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j)
            for (int r = 0; r < rank; ++r)
                m[size_t(i) * size_t(cols) + size_t(j)] += a[size_t(i * rank + r)] * b[size_t(j * rank + r)];
    return m;
}

std::vector<quint8> mask(size_t n, double missing, std::mt19937 &rng)
{
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<quint8> m(n);
    for (quint8 &v : m)
        v = u(rng) >= missing ? 1 : 0;
    return m;
}

double missingError(const std::vector<double> &x, const std::vector<double> &t, const std::vector<quint8> &m)
{
    double e = 0.0, n = 0.0;
    for (size_t i = 0; i < x.size(); ++i)
        if (!m[i]) {
            e += (x[i] - t[i]) * (x[i] - t[i]);
            n += t[i] * t[i];
        }
    return std::sqrt(e / n);
}

} // namespace

class BenchSemantic : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lda()
    {
        std::mt19937 rng(2025);
        const int songs = 1000, tags = 50;
        const std::vector<double> x = ldaCorpus(songs, tags, 10, rng);
        for (bool estimate : {false, true}) {
            LdaOptions o;
            o.topics = 10;
            o.alpha = 0.3;
            o.estimateAlpha = estimate;
            LdaModel m;
            QElapsedTimer timer;
            timer.start();
            const Status s = m.fit(x, songs, tags, o);
            const double ms = timer.nsecsElapsed() / 1e6;
            QVERIFY2(s.ok(), qPrintable(s.error()));
            std::printf("LDA %d x %d, k 10, alpha %s: %.1f ms, %d EM iterations (%.2f ms each), converged %d, "
                        "bound %.2f, alpha %.4f\n",
                        songs, tags, estimate ? "Newton" : "fixed 0.3", ms, m.iterations(), ms / m.iterations(),
                        int(m.converged()), m.boundTrace().back(), m.alpha());
            // E-step of one segment's tag vector.
            const std::vector<double> segment(x.begin() + 7 * tags, x.begin() + 8 * tags);
            const int repeats = 2000;
            timer.restart();
            for (int i = 0; i < repeats; ++i)
                QVERIFY(m.infer(segment).ok());
            std::printf("  E-step of one segment: %.1f us\n", timer.nsecsElapsed() / 1e3 / repeats);
        }
    }

    void matrixCompletion()
    {
        std::mt19937 rng(7);
        const int rows = 50, cols = 1000;
        const std::vector<double> truth = lowRank(rows, cols, 3, rng);
        const std::vector<quint8> m = mask(truth.size(), 0.5, rng);
        QElapsedTimer timer;
        timer.start();
        const auto r = TensorCompletion::completeMatrix(truth, m, rows, cols);
        const double ms = timer.nsecsElapsed() / 1e6;
        QVERIFY2(r.ok(), qPrintable(r.error()));
        std::printf("Matrix completion %d x %d, rank 3, 50%% missing: %.1f ms, %d iterations (%.2f ms each), "
                    "residual %.1e, error on missing %.2e\n",
                    rows, cols, ms, r->iterations, ms / r->iterations, r->residual, missingError(r->values, truth, m));
    }

    void tensorCompletion()
    {
        std::mt19937 rng(8);
        const int n0 = 20, n1 = 50, n2 = 100;
        std::normal_distribution<double> g(0.0, 1.0);
        std::vector<double> truth(size_t(n0) * n1 * n2, 0.0);
        for (int r = 0; r < 2; ++r) {
            std::vector<double> a(static_cast<size_t>(n0)), b(static_cast<size_t>(n1)), c(static_cast<size_t>(n2));
            for (double &v : a)
                v = g(rng);
            for (double &v : b)
                v = g(rng);
            for (double &v : c)
                v = g(rng);
            for (int i = 0; i < n0; ++i)
                for (int j = 0; j < n1; ++j)
                    for (int k = 0; k < n2; ++k)
                        truth[(size_t(i) * n1 + size_t(j)) * n2 + size_t(k)] +=
                            a[size_t(i)] * b[size_t(j)] * c[size_t(k)];
        }
        const std::vector<quint8> m = mask(truth.size(), 0.4, rng);
        QElapsedTimer timer;
        timer.start();
        const auto r = TensorCompletion::complete(truth, m, n0, n1, n2);
        const double ms = timer.nsecsElapsed() / 1e6;
        QVERIFY2(r.ok(), qPrintable(r.error()));
        std::printf("HaLRTC %d x %d x %d, CP rank 2, 40%% missing: %.1f ms, %d iterations (%.2f ms each), "
                    "residual %.1e, error on missing %.2e\n",
                    n0, n1, n2, ms, r->iterations, ms / r->iterations, r->residual,
                    missingError(r->values, truth, m));
    }

    void reviewCompletion()
    {
        std::mt19937 rng(9);
        std::uniform_real_distribution<double> u(0.0, 1.0);
        std::normal_distribution<double> noise(0.0, 2.0);
        const int tags = 50, segments = 200;
        std::vector<int> section(static_cast<size_t>(segments));
        for (int &s : section)
            s = int(u(rng) * 4) % 4;
        std::vector<double> verdicts(size_t(tags) * segments, std::nan("")), probabilities(verdicts.size());
        for (int t = 0; t < tags; ++t) {
            const quint32 on = quint32(u(rng) * 16);  // which of the 4 sections switch this tag on
            for (int s = 0; s < segments; ++s) {
                const size_t i = size_t(t) * segments + size_t(s);
                const bool present = (on >> section[size_t(s)]) & 1u;
                probabilities[i] = 1.0 / (1.0 + std::exp(-((present ? 1.5 : -1.5) + noise(rng))));
                if (u(rng) < 0.2)
                    verdicts[i] = present ? 1.0 : 0.0;
            }
        }
        QElapsedTimer timer;
        timer.start();
        const auto r = ReviewCompletion::complete(verdicts, probabilities, tags, segments);
        const double ms = timer.nsecsElapsed() / 1e6;
        QVERIFY2(r.ok(), qPrintable(r.error()));
        std::printf("Review completion %d tags x %d segments, 20%% curated: %.1f ms, %d iterations\n", tags,
                    segments, ms, r->iterations);
    }
};

QTEST_GUILESS_MAIN(BenchSemantic)
#include "bench_semantic.moc"
