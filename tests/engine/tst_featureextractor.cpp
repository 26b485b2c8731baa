// SPDX-License-Identifier: GPL-3.0-or-later
// FeatureExtractor: settings validation and names, tiles equal the whole,
// tiles read only their own samples, pre-emphasis, ERB cepstra and deltas
// against a direct computation, concurrent use.
#include "engine/dsp/featureextractor.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>
#include <thread>

using namespace taglane::engine;

namespace {

constexpr double pi = 3.14159265358979323846;

std::vector<float> noise(size_t n, unsigned seed, float amplitude = 0.3f)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, amplitude);
    std::vector<float> x(n);
    for (float &v : x)
        v = dist(rng);
    return x;
}

FeatureSettings settingsFor(FeatureType type)
{
    FeatureSettings s;
    s.type = type;
    if (type != FeatureType::Mel) {
        s.bands = 40;
        s.fMin = 50.0;
    }
    return s;
}

} // namespace

class TestFeatureExtractor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validate_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("mentions");   // empty: must be valid
        QTest::newRow("defaults") << QString() << QString() << QString();
        QTest::newRow("nFft 100 (not a power of two)") << "nFft" << "100" << QString();
        QTest::newRow("nFft 16") << "nFft" << "16" << QString();
        QTest::newRow("nFft 8") << "nFft" << "8" << "FFT size";
        QTest::newRow("hop 0") << "hop" << "0" << "hop";
        QTest::newRow("hop -5") << "hop" << "-5" << "hop";
        QTest::newRow("bands 0") << "bands" << "0" << "bands";
        QTest::newRow("rate 0") << "sampleRate" << "0" << "sample rate";
        QTest::newRow("fMin -1") << "fMin" << "-1" << "lowest frequency";
        QTest::newRow("fMin = fMax") << "fMin" << "8000" << "below the highest";
        QTest::newRow("fMax above Nyquist") << "fMax" << "8001" << "Nyquist";
        QTest::newRow("fMax nan") << "fMax" << "nan" << "finite";
        QTest::newRow("cepstra 0") << "cepstra" << "0" << "cepstral";
        QTest::newRow("cepstra > bands") << "cepstra" << "97" << "cepstral";
        QTest::newRow("deltas -1") << "deltaWidth" << "-1" << "delta";
    }
    void validate()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, mentions);
        FeatureSettings s;
        if (field == QLatin1String("cepstra") || field == QLatin1String("deltaWidth"))
            s.type = FeatureType::ErbCepstrum;
        const double v = value.toDouble();
        if (field == QLatin1String("nFft"))
            s.nFft = int(v);
        else if (field == QLatin1String("hop"))
            s.hop = int(v);
        else if (field == QLatin1String("bands"))
            s.bands = int(v);
        else if (field == QLatin1String("sampleRate"))
            s.sampleRate = int(v);
        else if (field == QLatin1String("fMin"))
            s.fMin = v;
        else if (field == QLatin1String("fMax"))
            s.fMax = value == QLatin1String("nan") ? std::numeric_limits<double>::quiet_NaN() : v;
        else if (field == QLatin1String("cepstra"))
            s.cepstra = int(v);
        else if (field == QLatin1String("deltaWidth"))
            s.deltaWidth = int(v);
        const QString error = s.validate();
        if (mentions.isEmpty()) {
            QVERIFY2(error.isEmpty(), qPrintable(error));
            FeatureExtractor e(s);
            QVERIFY(e.isValid());
            return;
        }
        QVERIFY2(error.contains(mentions, Qt::CaseInsensitive), qPrintable(error));
        // And the extractor refuses to compute, saying why.
        FeatureExtractor e(s);
        QVERIFY(!e.isValid());
        QCOMPARE(e.error(), error);
        const AudioBuffer buffer(noise(4000, 1), s.sampleRate > 0 ? s.sampleRate : 16000);
        QCOMPARE(e.compute(buffer).frames, qint64(0));
        const auto checked = e.computeChecked(buffer);
        QVERIFY(!checked.ok());
        QCOMPARE(checked.error(), error);
    }

    void typeNames()
    {
        for (FeatureType t : {FeatureType::Mel, FeatureType::Erb, FeatureType::ErbCepstrum}) {
            const auto parsed = FeatureSettings::parseType(FeatureSettings::typeName(t));
            QVERIFY(parsed.ok());
            QCOMPARE(parsed.value(), t);
        }
        QCOMPARE(FeatureSettings::typeName(FeatureType::ErbCepstrum), QStringLiteral("erb-cepstrum"));
        QCOMPARE(FeatureSettings::parseType(QStringLiteral(" MEL ")).value(), FeatureType::Mel);
        const auto bad = FeatureSettings::parseType(QStringLiteral("mfcc"));
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().contains(QLatin1String("mfcc")));
        QVERIFY(bad.error().contains(QLatin1String("erb-cepstrum")));
        QCOMPARE(FeatureSettings::parseScale(QStringLiteral("Slaney")).value(), MelScale::Slaney);
        QVERIFY(!FeatureSettings::parseScale(QStringLiteral("bark")).ok());
    }

    void shapes()
    {
        FeatureSettings s;
        FeatureExtractor mel(s);
        QCOMPARE(mel.rows(), 96);
        QCOMPARE(mel.frameCount(48000), qint64(188));
        QCOMPARE(mel.frameCount(0), qint64(0));
        QCOMPARE(mel.frameSeconds(10), 0.16);
        QCOMPARE(int(mel.bandCentresHz().size()), 96);
        s.type = FeatureType::ErbCepstrum;
        s.cepstra = 13;
        FeatureExtractor withDeltas(s);
        QCOMPARE(withDeltas.rows(), 26);
        QVERIFY(withDeltas.bandCentresHz().empty());
        s.deltaWidth = 0;
        FeatureExtractor noDeltas(s);
        QCOMPARE(noDeltas.rows(), 13);
        const FeatureMatrix m = noDeltas.compute(AudioBuffer(noise(1000, 3), 16000));
        QCOMPARE(m.rows, 13);
        QCOMPARE(m.frames, qint64(4));
        QCOMPARE(m.values.size(), size_t(52));
        // Nothing in, nothing out.
        QCOMPARE(noDeltas.compute(AudioBuffer()).frames, qint64(0));
    }

    void rateMismatchIsReported()
    {
        FeatureExtractor e{FeatureSettings()};
        const auto r = e.computeChecked(AudioBuffer(noise(1000, 2), 44100));
        QVERIFY(!r.ok());
        QVERIFY(r.error().contains(QLatin1String("44100")));
        QVERIFY(e.computeChecked(AudioBuffer(noise(1000, 2), 16000)).ok());
    }

    void silenceHitsTheFloor()
    {
        const AudioBuffer silence(std::vector<float>(5000, 0.0f), 16000);
        FeatureExtractor mel{FeatureSettings()};
        for (float v : mel.compute(silence).values)
            QCOMPARE(v, -100.0f);
        FeatureExtractor erb(settingsFor(FeatureType::Erb));
        for (float v : erb.compute(silence).values)
            QCOMPARE(v, float(std::log(1e-10)));
    }

    void dbIsTenLog10OfPower()
    {
        const AudioBuffer x(noise(20000, 5), 16000);
        FeatureSettings s;
        FeatureExtractor db(s);
        s.db = false;
        FeatureExtractor power(s);
        const FeatureMatrix a = db.compute(x), b = power.compute(x);
        QCOMPARE(a.values.size(), b.values.size());
        for (size_t i = 0; i < a.values.size(); ++i)
            QVERIFY(std::abs(a.values[i] - 10.0f * std::log10(std::max(b.values[i], 1e-10f))) < 1e-4f);
    }

    void tilesEqualWhole_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<bool>("preEmphasis");
        QTest::newRow("mel") << int(FeatureType::Mel) << false;
        QTest::newRow("mel, pre-emphasis") << int(FeatureType::Mel) << true;
        QTest::newRow("erb") << int(FeatureType::Erb) << false;
        QTest::newRow("erb-cepstrum with deltas") << int(FeatureType::ErbCepstrum) << false;
        QTest::newRow("erb-cepstrum, pre-emphasis") << int(FeatureType::ErbCepstrum) << true;
    }
    void tilesEqualWhole()
    {
        QFETCH(int, type);
        QFETCH(bool, preEmphasis);
        FeatureSettings s = settingsFor(FeatureType(type));
        s.preEmphasis = preEmphasis;
        FeatureExtractor e(s);
        const AudioBuffer x(noise(16000 * 3 + 77, 9), 16000);
        const FeatureMatrix whole = e.compute(x);
        QCOMPARE(whole.frames, qint64(1 + (16000 * 3 + 77) / 256));
        const qint64 total = whole.frames;
        const std::pair<qint64, qint64> tiles[] = {{0, 1}, {0, 5}, {1, 3}, {50, 17}, {total - 3, 3},
                                                   {total - 1, 10}, {total - 2, -1}, {90, 0},
                                                   {10, std::numeric_limits<qint64>::max()}};
        for (const auto &[first, count] : tiles) {
            const FeatureMatrix tile = e.compute(x, first, count);
            const qint64 expected = count < 0 ? total - first : std::min(count, total - first);
            QCOMPARE(tile.firstFrame, first);
            QCOMPARE(tile.frames, expected);
            QCOMPARE(tile.rows, whole.rows);
            for (qint64 t = 0; t < tile.frames; ++t)
                for (int r = 0; r < tile.rows; ++r)
                    QCOMPARE(tile.at(r, t), whole.at(r, first + t));
        }
        // Past the end: empty, not a crash.
        QCOMPARE(e.compute(x, total + 5, 3).frames, qint64(0));
    }

    void tilesReadOnlyTheirSamples_data()
    {
        tilesEqualWhole_data();
    }
    void tilesReadOnlyTheirSamples()
    {
        // A tile in the middle of a long signal must not touch samples
        // outside its frames' support (plus delta context and the one sample
        // pre-emphasis looks back): poison everything else with NaN.
        QFETCH(int, type);
        QFETCH(bool, preEmphasis);
        FeatureSettings s = settingsFor(FeatureType(type));
        s.preEmphasis = preEmphasis;
        FeatureExtractor e(s);
        const qint64 n = 16000 * 600;   // ten minutes
        const qint64 first = 20000, count = 40;
        const qint64 context = s.type == FeatureType::ErbCepstrum ? s.deltaWidth : 0;
        const qint64 lo = (first - context) * s.hop - s.nFft / 2 - (preEmphasis ? 1 : 0);
        const qint64 hi = (first + count - 1 + context) * s.hop + s.nFft / 2;
        std::vector<float> x(size_t(n), std::numeric_limits<float>::quiet_NaN());
        const std::vector<float> inside = noise(size_t(hi - lo), 11);
        std::copy(inside.begin(), inside.end(), x.begin() + lo);
        const FeatureMatrix tile = e.compute(x.data(), n, first, count);
        QCOMPARE(tile.frames, count);
        for (float v : tile.values)
            QVERIFY(std::isfinite(v));
        // The same frames from just the support, re-indexed, agree.
        const qint64 shiftFrames = 100;   // lo is not frame-aligned; build an aligned copy
        std::vector<float> y(size_t(n), 0.0f);
        std::copy(inside.begin(), inside.end(), y.begin() + lo);
        const FeatureMatrix ref = e.compute(y.data(), n, first - shiftFrames, count + 2 * shiftFrames);
        for (qint64 t = 0; t < count; ++t)
            for (int r = 0; r < tile.rows; ++r)
                QCOMPARE(tile.at(r, t), ref.at(r, t + shiftFrames));
    }

    void preEmphasisFiltersTheSignal()
    {
        const std::vector<float> x = noise(30000, 13);
        std::vector<float> y(x.size());
        y[0] = x[0];
        for (size_t i = 1; i < x.size(); ++i)
            y[i] = x[i] - 0.97f * x[i - 1];
        FeatureSettings s;
        FeatureExtractor plain(s);
        s.preEmphasis = true;
        FeatureExtractor emphasised(s);
        const FeatureMatrix a = emphasised.compute(AudioBuffer(x, 16000));
        const FeatureMatrix b = plain.compute(AudioBuffer(y, 16000));
        const FeatureMatrix c = plain.compute(AudioBuffer(x, 16000));
        double worst = 0.0;
        for (size_t i = 0; i < a.values.size(); ++i)
            worst = std::max(worst, double(std::abs(a.values[i] - b.values[i])));
        QVERIFY2(worst < 1e-3, qPrintable(QString::number(worst)));
        // 1 - 0.97 z^-1 cuts the lowest band by about 30 dB and lifts the top
        // one by about 5.9 dB (|1 + 0.97| = 1.97).
        double low = 0.0, high = 0.0;
        for (qint64 t = 2; t < a.frames - 2; ++t) {
            low += a.at(0, t) - c.at(0, t);
            high += a.at(95, t) - c.at(95, t);
        }
        low /= double(a.frames - 4);
        high /= double(a.frames - 4);
        QVERIFY2(low < -20.0, qPrintable(QString::number(low)));
        QVERIFY2(std::abs(high - 20.0 * std::log10(1.97)) < 0.3, qPrintable(QString::number(high)));
    }

    void cepstraAndDeltasFromErb()
    {
        // ErbCepstrum rows are the DCT-II (orthonormal) of the Erb rows,
        // then the regression deltas with replicated end frames.
        FeatureSettings s = settingsFor(FeatureType::Erb);
        const AudioBuffer x(noise(12000, 17), 16000);
        const FeatureMatrix erb = FeatureExtractor(s).compute(x);
        s.type = FeatureType::ErbCepstrum;
        s.cepstra = 12;
        s.deltaWidth = 2;
        const FeatureMatrix cep = FeatureExtractor(s).compute(x);
        QCOMPARE(cep.rows, 24);
        QCOMPARE(cep.frames, erb.frames);
        const qint64 T = erb.frames;
        const int N = s.bands;
        std::vector<double> c(size_t(T) * 12);
        for (qint64 t = 0; t < T; ++t) {
            for (int q = 0; q < 12; ++q) {
                double sum = 0.0;
                for (int i = 0; i < N; ++i)
                    sum += erb.at(i, t) * std::cos(pi * q * (2 * i + 1) / (2.0 * N));
                c[size_t(t * 12 + q)] = sum * std::sqrt((q == 0 ? 1.0 : 2.0) / N);
                QVERIFY(std::abs(cep.at(q, t) - c[size_t(t * 12 + q)]) < 1e-3);
            }
        }
        for (qint64 t = 0; t < T; ++t) {
            for (int q = 0; q < 12; ++q) {
                double d = 0.0;
                for (int i = -2; i <= 2; ++i)
                    d += i * c[size_t(std::clamp<qint64>(t + i, 0, T - 1) * 12 + q)];
                d /= std::sqrt(10.0);   // sqrt of the sum of i^2 over -2..2 (MIA-ERNN)
                QVERIFY2(std::abs(cep.at(12 + q, t) - d) < 1e-3,
                         qPrintable(QStringLiteral("frame %1 q %2: %3 vs %4").arg(t).arg(q).arg(cep.at(12 + q, t)).arg(d)));
            }
        }
    }

    void concurrentCompute()
    {
        FeatureExtractor e(settingsFor(FeatureType::ErbCepstrum));
        const AudioBuffer x(noise(16000 * 4, 19), 16000);
        const FeatureMatrix serial = e.compute(x);
        std::vector<FeatureMatrix> results(4);
        std::vector<std::thread> threads;
        for (int i = 0; i < 4; ++i)
            threads.emplace_back([&, i] { results[size_t(i)] = e.compute(x); });
        for (auto &t : threads)
            t.join();
        for (const auto &r : results)
            QVERIFY(r.values == serial.values);
    }
};

QTEST_GUILESS_MAIN(TestFeatureExtractor)
#include "tst_featureextractor.moc"
