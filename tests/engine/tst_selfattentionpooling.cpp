// SPDX-License-Identifier: GPL-3.0-or-later
// The self-attention pooling of cnn-sam: shapes, attention rows, a double
// precision gradient check (central differences against autograd) and the
// ||A A^T - I||_F^2 penalty.
#include "engine/train/selfattentionpooling.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace taglane::engine;

namespace {

SelfAttentionPoolingProbe randomProbe(unsigned seed, double penaltyWeight)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> n(0.0, 0.7);
    SelfAttentionPoolingProbe p;
    p.frames = 9;
    p.dim = 5;
    p.hidden = 6;
    p.heads = 4;
    p.penaltyWeight = penaltyWeight;
    auto fill = [&](std::vector<double> &v, size_t count) {
        v.resize(count);
        for (double &x : v)
            x = n(rng);
    };
    fill(p.x, size_t(p.frames * p.dim));
    fill(p.w1, size_t(p.hidden * p.dim));
    fill(p.w2, size_t(p.heads * p.hidden));
    fill(p.v, size_t(p.heads * p.dim));
    return p;
}

} // namespace

class TestSelfAttentionPooling : public QObject
{
    Q_OBJECT

private slots:
    void shapes()
    {
        const SelfAttentionPoolingProbe p = randomProbe(1, 0.0);
        const auto shape = p.pooledShape(3);
        QVERIFY2(shape.ok(), qPrintable(shape.error()));
        QCOMPARE(shape.value(), (std::vector<int64_t>{3, 4, 5}));
    }

    void attentionRowsAreDistributionsOverTime()
    {
        const SelfAttentionPoolingProbe p = randomProbe(2, 0.0);
        const auto a = p.attention();
        QVERIFY2(a.ok(), qPrintable(a.error()));
        QCOMPARE(int(a.value().size()), p.heads * p.frames);
        for (int k = 0; k < p.heads; ++k) {
            double sum = 0.0;
            for (int t = 0; t < p.frames; ++t) {
                const double w = a.value()[size_t(k * p.frames + t)];
                QVERIFY(w > 0.0);
                sum += w;
            }
            QVERIFY(std::abs(sum - 1.0) < 1e-12);
        }
    }

    void gradientCheck_data()
    {
        QTest::addColumn<double>("penaltyWeight");
        QTest::newRow("no penalty") << 0.0;
        QTest::newRow("penalty") << 0.5;
    }

    void gradientCheck()
    {
        QFETCH(double, penaltyWeight);
        SelfAttentionPoolingProbe p = randomProbe(3, penaltyWeight);
        const auto g = p.gradient();
        QVERIFY2(g.ok(), qPrintable(g.error()));
        QCOMPARE(g.value().size(), p.w1.size() + p.w2.size());
        const double h = 1e-6;
        double worst = 0.0;
        for (size_t i = 0; i < g.value().size(); ++i) {
            std::vector<double> &w = i < p.w1.size() ? p.w1 : p.w2;
            const size_t j = i < p.w1.size() ? i : i - p.w1.size();
            const double keep = w[j];
            w[j] = keep + h;
            const double up = p.objective().value();
            w[j] = keep - h;
            const double down = p.objective().value();
            w[j] = keep;
            const double fd = (up - down) / (2.0 * h);
            const double err = std::abs(fd - g.value()[i]) / std::max(1.0, std::abs(fd));
            worst = std::max(worst, err);
        }
        QVERIFY2(worst < 1e-7, qPrintable(QStringLiteral("worst relative error %1").arg(worst)));
        // The gradient is not trivially zero.
        double norm = 0.0;
        for (double x : g.value())
            norm += x * x;
        QVERIFY(norm > 1e-6);
    }

    void penaltyZeroForOrthonormalRows()
    {
        // Two one-hot rows over four frames: orthonormal.
        const auto z = SelfAttentionPoolingProbe::penalty({1, 0, 0, 0, 0, 0, 1, 0}, 2, 4);
        QVERIFY2(z.ok(), qPrintable(z.error()));
        QVERIFY(std::abs(z.value()) < 1e-12);
        // Rows of a rotation matrix are orthonormal too.
        const double c = std::cos(0.3), s = std::sin(0.3);
        QVERIFY(std::abs(SelfAttentionPoolingProbe::penalty({c, -s, s, c}, 2, 2).value()) < 1e-12);
    }

    void penaltyPositiveOtherwise()
    {
        // Two identical uniform rows: A A^T = [[.25,.25],[.25,.25]], penalty = 2*.75^2 + 2*.25^2.
        const auto p = SelfAttentionPoolingProbe::penalty({.25, .25, .25, .25, .25, .25, .25, .25}, 2, 4);
        QVERIFY2(p.ok(), qPrintable(p.error()));
        QVERIFY(std::abs(p.value() - (2 * 0.75 * 0.75 + 2 * 0.25 * 0.25)) < 1e-12);
        // Softmax attention rows of a random probe are never orthonormal.
        const SelfAttentionPoolingProbe r = randomProbe(4, 0.0);
        const auto a = r.attention();
        QVERIFY(SelfAttentionPoolingProbe::penalty(a.value(), r.heads, r.frames).value() > 0.01);
    }

    void badSizesFailClearly()
    {
        QVERIFY(!SelfAttentionPoolingProbe::penalty({1, 2, 3}, 2, 2).ok());
        SelfAttentionPoolingProbe p = randomProbe(5, 0.0);
        p.w1.pop_back();
        QVERIFY(!p.objective().ok());
    }
};

QTEST_GUILESS_MAIN(TestSelfAttentionPooling)
#include "tst_selfattentionpooling.moc"
