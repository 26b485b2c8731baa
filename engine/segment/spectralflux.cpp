// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/segment/spectralflux.h"

#include "engine/dsp/featureextractor.h"
#include "engine/dsp/featuresettings.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SpectralFlux", text);
}

FeatureSettings fluxSettings(int sampleRate)
{
    FeatureSettings s;
    s.type = FeatureType::Mel;
    s.sampleRate = sampleRate;
    int nFft = 256;
    while (nFft < int(0.04 * sampleRate) && nFft < 8192)
        nFft *= 2;
    s.nFft = nFft;
    s.hop = nFft / 2;
    s.bands = 40;
    s.fMin = 30.0;
    s.fMax = std::min(11025.0, sampleRate / 2.0);
    if (s.fMax <= s.fMin)
        s.fMin = 0.0;
    s.db = true;
    return s;
}

} // namespace

double NoveltyCurve::peakNear(double seconds, double radius) const
{
    const int n = int(values.size());
    if (n < 3 || !(frameSeconds > 0.0) || !(radius >= 0.0))
        return seconds;
    const int first = std::max(1, int(std::floor((seconds - radius) / frameSeconds)));
    const int last = std::min(n - 2, int(std::ceil((seconds + radius) / frameSeconds)));
    int best = -1;
    for (int i = first; i <= last; ++i) {
        const float v = values[size_t(i)];
        if (v <= 0.0f || v < values[size_t(i - 1)] || v < values[size_t(i + 1)])
            continue;
        const double d = std::abs(i * frameSeconds - seconds);
        if (d > radius)
            continue;
        if (best < 0 || v > values[size_t(best)]
            || (v == values[size_t(best)] && d < std::abs(best * frameSeconds - seconds)))
            best = i;
    }
    return best < 0 ? seconds : best * frameSeconds;
}

Result<NoveltyCurve> spectralFluxNovelty(const AudioBuffer &audio, const ProgressSink &progress)
{
    using R = Result<NoveltyCurve>;
    if (audio.isEmpty() || audio.sampleRate() <= 0)
        return R::failure(tr("Spectral novelty: the audio is empty."));
    const FeatureExtractor extractor(fluxSettings(audio.sampleRate()));
    if (!extractor.isValid())
        return R::failure(tr("Spectral novelty: %1").arg(extractor.error()));
    const int rows = extractor.rows();
    const qint64 frames = extractor.frameCount(audio.size());
    NoveltyCurve curve;
    curve.frameSeconds = double(extractor.settings().hop) / audio.sampleRate();
    std::vector<float> flux(size_t(frames), 0.0f);
    std::vector<float> previous;
    const qint64 block = 4096;
    for (qint64 first = 0; first < frames; first += block) {
        if (progress.cancelled())
            return R::failure(tr("Spectral novelty was cancelled."));
        const FeatureMatrix m = extractor.compute(audio, first, block);
        for (qint64 f = 0; f < m.frames; ++f) {
            const float *v = m.values.data() + size_t(f) * size_t(rows);
            float sum = 0.0f;
            if (!previous.empty())
                for (int r = 0; r < rows; ++r)
                    sum += std::max(0.0f, v[r] - previous[size_t(r)]);
            previous.assign(v, v + rows);
            flux[size_t(m.firstFrame + f)] = sum;
        }
        progress(double(std::min(frames, first + block)) / double(frames));
    }
    // A three-frame moving average keeps single-frame spikes from splitting a peak.
    curve.values.assign(flux.size(), 0.0f);
    float top = 0.0f;
    for (size_t i = 0; i < flux.size(); ++i) {
        const float a = i > 0 ? flux[i - 1] : flux[i];
        const float c = i + 1 < flux.size() ? flux[i + 1] : flux[i];
        curve.values[i] = (a + flux[i] + c) / 3.0f;
        top = std::max(top, curve.values[i]);
    }
    if (top > 0.0f)
        for (float &v : curve.values)
            v /= top;
    return curve;
}

} // namespace taglane::engine
