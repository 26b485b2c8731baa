// SPDX-License-Identifier: GPL-3.0-or-later
// Single-thread throughput of the analysis front end on a 3.6 min 44.1 kHz
// stereo Ogg: decode (with downmix), resample to 16 kHz, Mel and ERB
// features (n_fft 512, hop 256, 96 bands), in multiples of real time.
// Prints the figures against the feature extractor's requirement (at least
// 1000x real time); a benchmark reports, it does not fail on a busy machine.
#include "engine/audio/audiodecoder.h"
#include "engine/audio/resampler.h"
#include "engine/dsp/featureextractor.h"

#include "testsupport.h"

#include <QElapsedTimer>
#include <QtTest>

#include <functional>

using namespace taglane::engine;

namespace {

// Best of `runs` wall-clock timings, in seconds: the machine is shared, and
// the fastest run is the one least disturbed by other work.
double bestSeconds(int runs, const std::function<void()> &work)
{
    double best = 1e300;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        work();
        best = std::min(best, double(timer.nsecsElapsed()) * 1e-9);
    }
    return best;
}

} // namespace

class BenchFeatures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void frontEndThroughput()
    {
        TAGLANE_REQUIRE_SHARED(ogg, "fixtures/audio/traveling_minstrels.ogg");

        DecodeOptions native;
        native.analysisRate = 0;   // decode and downmix only
        Result<DecodedAudio> decoded = Result<DecodedAudio>::failure(QString());
        const double decodeSeconds = bestSeconds(3, [&] { decoded = AudioDecoder::decode(ogg, native); });
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        const AudioBuffer &mono = decoded->mono;
        const double duration = mono.durationSeconds();
        QCOMPARE(mono.sampleRate(), 44100);
        QVERIFY(duration > 200.0);

        std::vector<float> resampled;
        const double resampleSeconds = bestSeconds(3, [&] {
            resampled = Resampler::resample(mono.samples(), 44100.0, 16000.0);
        });
        const AudioBuffer analysis(std::move(resampled), 16000);
        QVERIFY(std::abs(analysis.durationSeconds() - duration) < 0.05);

        FeatureSettings melSettings;   // the musicnn front end
        const FeatureExtractor mel(melSettings);
        FeatureMatrix melOut;
        const double melSeconds = bestSeconds(5, [&] { melOut = mel.compute(analysis); });
        QCOMPARE(melOut.frames, mel.frameCount(analysis.size()));

        FeatureSettings erbSettings;
        erbSettings.type = FeatureType::Erb;
        const FeatureExtractor erb(erbSettings);
        FeatureMatrix erbOut;
        const double erbSeconds = bestSeconds(5, [&] { erbOut = erb.compute(analysis); });
        QCOMPARE(erbOut.rows, 96);

        FeatureSettings cepSettings = erbSettings;
        cepSettings.type = FeatureType::ErbCepstrum;
        const FeatureExtractor cep(cepSettings);
        FeatureMatrix cepOut;
        const double cepSeconds = bestSeconds(5, [&] { cepOut = cep.compute(analysis); });
        QCOMPARE(cepOut.rows, 40);

        const double frames = double(melOut.frames);
        qInfo("audio: %.1f s, 44.1 kHz stereo Ogg Vorbis; %lld frames at 16 kHz, n_fft 512, hop 256, 96 bands",
              duration, qint64(frames));
        qInfo("decode + downmix:       %8.3f s  %8.0fx real time", decodeSeconds, duration / decodeSeconds);
        qInfo("resample 44.1k -> 16k:  %8.3f s  %8.0fx real time", resampleSeconds, duration / resampleSeconds);
        qInfo("mel (dB):               %8.3f s  %8.0fx real time  (%.2f us/frame)", melSeconds,
              duration / melSeconds, melSeconds / frames * 1e6);
        qInfo("erb (ln energy):        %8.3f s  %8.0fx real time  (%.2f us/frame)", erbSeconds,
              duration / erbSeconds, erbSeconds / frames * 1e6);
        qInfo("erb cepstrum + deltas:  %8.3f s  %8.0fx real time  (%.2f us/frame)", cepSeconds,
              duration / cepSeconds, cepSeconds / frames * 1e6);

        qInfo("requirement >= 1000x real time: mel %s, ERB %s", duration / melSeconds >= 1000.0 ? "met" : "NOT met",
              duration / erbSeconds >= 1000.0 ? "met" : "NOT met");
    }
};

QTEST_GUILESS_MAIN(BenchFeatures)
#include "bench_features.moc"
