// SPDX-License-Identifier: GPL-3.0-or-later
// Mel filter banks: scale formulas, shape properties, Slaney area
// normalisation, and the HTK bank against the matrix stored in the
// published musicnn checkpoint.
#include "engine/dsp/melfilterbank.h"
#include "engine/model/statedict.h"

#include "testsupport.h"

#include <QTest>

#include <cmath>

using namespace taglane::engine;

class TestMelFilterBank : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scaleFormulas()
    {
        // HTK: 2595 log10(1 + f/700): 700 Hz -> 2595 log10 2.
        QVERIFY(std::abs(MelFilterBank::hzToMel(700.0, MelScale::Htk) - 781.17289) < 1e-4);
        QVERIFY(std::abs(MelFilterBank::hzToMel(0.0, MelScale::Htk)) < 1e-12);
        // Slaney: linear 3 mel per 200 Hz up to 1 kHz (= 15 mel), then
        // 27 mel per factor 6.4.
        QVERIFY(std::abs(MelFilterBank::hzToMel(500.0, MelScale::Slaney) - 7.5) < 1e-12);
        QVERIFY(std::abs(MelFilterBank::hzToMel(1000.0, MelScale::Slaney) - 15.0) < 1e-12);
        QVERIFY(std::abs(MelFilterBank::hzToMel(6400.0, MelScale::Slaney) - 42.0) < 1e-9);
        for (MelScale scale : {MelScale::Htk, MelScale::Slaney}) {
            for (double hz : {0.0, 31.25, 440.0, 999.0, 1000.0, 1001.0, 4321.0, 8000.0, 22050.0}) {
                const double back = MelFilterBank::melToHz(MelFilterBank::hzToMel(hz, scale), scale);
                QVERIFY2(std::abs(back - hz) < 1e-9 * (1.0 + hz), qPrintable(QString::number(hz)));
            }
        }
    }

    void trianglesPartitionUnity_data()
    {
        QTest::addColumn<int>("scale");
        QTest::newRow("htk") << int(MelScale::Htk);
        QTest::newRow("slaney") << int(MelScale::Slaney);
    }
    void trianglesPartitionUnity()
    {
        // Without normalisation, neighbouring triangles share their edge
        // points, so between the first and last centres the weights of
        // every bin sum to 1, and no weight exceeds 1.
        QFETCH(int, scale);
        MelFilterBank bank(22050, 2048, 40, 30.0, 11025.0, MelScale(scale));
        QCOMPARE(bank.bins(), 1025);
        QCOMPARE(bank.bands(), 40);
        const std::vector<float> m = bank.denseMatrix();
        const std::vector<double> centres = bank.centresHz();
        const double binHz = 22050.0 / 2048.0;
        int checked = 0;
        for (int k = 0; k < bank.bins(); ++k) {
            double sum = 0.0;
            for (int b = 0; b < 40; ++b) {
                const float w = m[size_t(k) * 40 + size_t(b)];
                QVERIFY(w >= 0.0f && w <= 1.0f);
                sum += w;
            }
            const double f = k * binHz;
            if (f >= centres.front() && f <= centres.back()) {
                QVERIFY2(std::abs(sum - 1.0) < 1e-6, qPrintable(QStringLiteral("bin %1: %2").arg(k).arg(sum)));
                ++checked;
            } else if (f < 30.0 || f > 11025.0) {
                QCOMPARE(sum, 0.0);
            }
        }
        QVERIFY(checked > 900);
        // Centres rise strictly.
        for (size_t i = 1; i < centres.size(); ++i)
            QVERIFY(centres[i] > centres[i - 1]);
    }

    void slaneyCentresLinearThenLog()
    {
        // On the Slaney scale the band centres are equally spaced in Hz below
        // 1 kHz and in log-frequency above it.
        MelFilterBank bank(44100, 4096, 128, 0.0, 16000.0, MelScale::Slaney);
        const std::vector<double> c = bank.centresHz();
        const double step = c[1] - c[0];
        const double ratio = c[c.size() - 1] / c[c.size() - 2];
        for (size_t i = 1; i < c.size(); ++i) {
            if (c[i] < 1000.0)
                QVERIFY(std::abs((c[i] - c[i - 1]) - step) < 1e-6);
            else if (c[i - 1] > 1000.0)
                QVERIFY(std::abs(c[i] / c[i - 1] - ratio) < 1e-9);
        }
        QVERIFY(step > 20.0 && step < 40.0);
    }

    void slaneyNormUnitArea()
    {
        // norm='slaney' scales each triangle by 2 / (f[b+2] - f[b]), which
        // makes its area over frequency 1. The bin sum times the bin width
        // approximates that area well when a triangle spans many bins.
        MelFilterBank bank(16000, 4096, 40, 0.0, 8000.0, MelScale::Slaney, true);
        const double binHz = 16000.0 / 4096.0;
        int checked = 0;
        for (const BandFilter &f : bank.filters()) {
            if (f.weights.size() < 20)
                continue;
            double area = 0.0;
            for (float w : f.weights)
                area += w * binHz;
            QVERIFY2(std::abs(area - 1.0) < 0.01, qPrintable(QString::number(area)));
            ++checked;
        }
        QVERIFY(checked >= 30);
        // And it differs from the unnormalised bank by exactly that factor.
        MelFilterBank plain(16000, 4096, 40, 0.0, 8000.0, MelScale::Slaney, false);
        const BandFilter &a = bank.filters()[10];
        const BandFilter &b = plain.filters()[10];
        QCOMPARE(a.firstBin, b.firstBin);
        const double ratio = double(a.weights[a.weights.size() / 2]) / b.weights[b.weights.size() / 2];
        for (size_t i = 0; i < a.weights.size(); ++i)
            QVERIFY(std::abs(a.weights[i] - ratio * b.weights[i]) < 1e-6 * ratio);
    }

    void sparseRangesCoverNonZeros()
    {
        MelFilterBank bank(16000, 512, 96, 0.0, 8000.0);
        for (const BandFilter &f : bank.filters()) {
            QVERIFY(!f.weights.empty());
            QVERIFY(f.weights.front() > 0.0f);
            QVERIFY(f.weights.back() > 0.0f);
            QVERIFY(f.firstBin + int(f.weights.size()) <= bank.bins());
        }
    }

    void matchesMusicnnCheckpoint()
    {
        TAGLANE_REQUIRE_SHARED(path, "fixtures/pretrained/mtat-musicnn.pth");
        const auto dict = loadStateDict(path);
        QVERIFY2(dict.ok(), qPrintable(dict.error()));
        const auto it = dict->find(QStringLiteral("spec.mel_scale.fb"));
        QVERIFY(it != dict->end());
        const TensorData &fb = it->second;
        QCOMPARE(fb.shape, (std::vector<int64_t>{257, 96}));

        MelFilterBank bank(16000, 512, 96, 0.0, 8000.0, MelScale::Htk, false);
        const std::vector<float> ours = bank.denseMatrix();
        QCOMPARE(ours.size(), fb.values.size());
        double worst = 0.0;
        int worstIndex = 0;
        for (size_t i = 0; i < ours.size(); ++i) {
            const double diff = std::abs(double(ours[i]) - fb.values[i]);
            if (diff > worst) {
                worst = diff;
                worstIndex = int(i);
            }
        }
        qInfo("largest difference from spec.mel_scale.fb: %.3g at bin %d, band %d", worst, worstIndex / 96,
              worstIndex % 96);
        QVERIFY2(worst <= 2e-5, qPrintable(QString::number(worst)));
        // Same sparsity pattern: a zero there is a zero here.
        for (size_t i = 0; i < ours.size(); ++i)
            QVERIFY2((ours[i] == 0.0f) == (fb.values[i] == 0.0f),
                     qPrintable(QStringLiteral("bin %1 band %2: %3 vs %4")
                                    .arg(i / 96).arg(i % 96).arg(ours[i]).arg(fb.values[i])));
    }
};

QTEST_GUILESS_MAIN(TestMelFilterBank)
#include "tst_melfilterbank.moc"
