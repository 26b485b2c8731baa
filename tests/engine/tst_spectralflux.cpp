// SPDX-License-Identifier: GPL-3.0-or-later
// The spectral novelty curve the tag lane snaps boundaries to: a noise
// burst entering after silence gives the curve's peak at its onset, and
// peakNear finds the strongest local maximum within a radius.
#include "engine/segment/spectralflux.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace taglane::engine;

class TstSpectralFlux : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void peakAtTheOnsetOfABurst()
    {
        const int rate = 16000;
        std::vector<float> samples(size_t(4 * rate), 0.0f);
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> noise(-0.5f, 0.5f);
        // Quiet noise from 0 s, a loud burst from 2.5 s.
        for (size_t i = 0; i < samples.size(); ++i)
            samples[i] = (i >= size_t(2.5 * rate) ? 1.0f : 0.01f) * noise(rng);
        const auto curve = spectralFluxNovelty(AudioBuffer(samples, rate));
        QVERIFY2(curve.ok(), qPrintable(curve.error()));
        QVERIFY(curve->frameSeconds > 0.005 && curve->frameSeconds < 0.05);
        const int hop = int(std::lround(curve->frameSeconds * rate));
        QCOMPARE(int(curve->values.size()), int(samples.size()) / hop + 1);
        const auto top = std::max_element(curve->values.begin() + 2, curve->values.end());
        const double at = double(top - curve->values.begin()) * curve->frameSeconds;
        QVERIFY2(std::abs(at - 2.5) < 0.06, qPrintable(QString::number(at)));
        QCOMPARE(*top, 1.0f);
        // From half a second away, within a radius of one second, the peak is found.
        QVERIFY(std::abs(curve->peakNear(2.0, 1.0) - at) < 1e-9);
        // Nothing within the radius: the time stays.
        QCOMPARE(curve->peakNear(1.0, 0.0), 1.0);
    }

    void emptyAudioIsAnError()
    {
        const auto curve = spectralFluxNovelty(AudioBuffer());
        QVERIFY(!curve.ok());
        QVERIFY(curve.error().contains(QStringLiteral("empty")));
    }

    void peakNearPrefersTheStrongest()
    {
        NoveltyCurve c;
        c.frameSeconds = 0.1;
        c.values = {0, 0.2f, 0, 0, 0.7f, 0, 0.3f, 0, 0};
        QCOMPARE(c.peakNear(0.55, 0.5), 0.4);
        QVERIFY(std::abs(c.peakNear(0.15, 0.1) - 0.1) < 1e-9);
        QCOMPARE(c.peakNear(0.55, 0.5 * 0.0), 0.55);
    }
};

QTEST_GUILESS_MAIN(TstSpectralFlux)
#include "tst_spectralflux.moc"
