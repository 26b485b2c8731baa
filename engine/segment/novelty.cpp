// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/segment/novelty.h"

#include "engine/dsp/featureextractor.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Novelty", text);
}

/// Log-Mel settings for the similarity features: about 46 ms windows with
/// half overlap, 40 bands up to 11 kHz (or Nyquist).
FeatureSettings featureSettingsFor(int sampleRate)
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

/// Pooled feature frames, each normalised to unit length (or all zeros).
struct PooledFrames
{
    int dims = 0;
    qint64 count = 0;
    std::vector<float> values;   // frame-major
    const float *frame(qint64 i) const { return values.data() + size_t(i) * size_t(dims); }
};

float cosine(const PooledFrames &p, qint64 a, qint64 b)
{
    const float *x = p.frame(a);
    const float *y = p.frame(b);
    double dot = 0.0;
    for (int k = 0; k < p.dims; ++k)
        dot += double(x[k]) * double(y[k]);
    return float(dot);
}

/// Boundaries (seconds, excluding 0 and the end) -> segments with ids 1, 2, ...
Segmentation toSegmentation(const std::vector<double> &cuts, double duration)
{
    QVector<Segment> out;
    double start = 0.0;
    for (double c : cuts) {
        out.push_back({qint64(out.size() + 1), start, c});
        start = c;
    }
    out.push_back({qint64(out.size() + 1), start, duration});
    auto result = Segmentation::fromSegments(std::move(out));
    return result.ok() ? result.value() : Segmentation();
}

} // namespace

Result<NoveltyResult> noveltySegmentation(const AudioBuffer &audio, const NoveltySettings &settings,
                                          const ProgressSink &progress)
{
    using R = Result<NoveltyResult>;
    if (!(settings.minSeconds > 0.0) || !std::isfinite(settings.maxSeconds)
        || settings.maxSeconds < 2.0 * settings.minSeconds)
        return R::failure(tr("Novelty segmentation: the segment limits must satisfy 0 < minimum and "
                             "2 x minimum <= maximum (got %1 s and %2 s).")
                              .arg(settings.minSeconds).arg(settings.maxSeconds));
    if (!(settings.frameSeconds > 0.0) || !(settings.kernelSeconds > 0.0) || !std::isfinite(settings.frameSeconds)
        || !std::isfinite(settings.kernelSeconds))
        return R::failure(tr("Novelty segmentation: the frame and kernel lengths must be positive "
                             "(got %1 s and %2 s).").arg(settings.frameSeconds).arg(settings.kernelSeconds));
    if (audio.isEmpty() || audio.sampleRate() <= 0)
        return R::failure(tr("Novelty segmentation: the audio is empty."));

    const double duration = audio.durationSeconds();
    NoveltyResult result;

    // Too short to cut: one segment.
    if (duration < 2.0 * settings.minSeconds) {
        result.segments = toSegmentation({}, duration);
        result.frameSeconds = settings.frameSeconds;
        progress(1.0);
        return result;
    }

    const FeatureExtractor extractor(featureSettingsFor(audio.sampleRate()));
    if (!extractor.isValid())
        return R::failure(tr("Novelty segmentation: %1").arg(extractor.error()));
    const int hop = extractor.settings().hop;
    const int rows = extractor.rows();
    const int framesPerPool = std::max(1, int(std::lround(settings.frameSeconds * audio.sampleRate() / hop)));
    const double frameSeconds = double(framesPerPool) * hop / audio.sampleRate();
    const qint64 featureFrames = extractor.frameCount(audio.size());
    const qint64 pooledCount = std::max<qint64>(1, qint64(std::ceil(duration / frameSeconds - 1e-9)));

    // 1. Log-Mel frames averaged into pooled frames of frameSeconds.
    //    Pooled frame i covers [i * frameSeconds, (i + 1) * frameSeconds).
    PooledFrames pooled;
    pooled.dims = rows;
    pooled.count = pooledCount;
    pooled.values.assign(size_t(pooledCount) * size_t(rows), 0.0f);
    std::vector<int> counts(size_t(pooledCount), 0);
    const qint64 block = 4096;
    for (qint64 first = 0; first < featureFrames; first += block) {
        if (progress.cancelled())
            return R::failure(tr("Novelty segmentation was cancelled."));
        const FeatureMatrix m = extractor.compute(audio, first, block);
        for (qint64 f = 0; f < m.frames; ++f) {
            const qint64 p = std::min(pooledCount - 1, (m.firstFrame + f) / framesPerPool);
            float *dst = pooled.values.data() + size_t(p) * size_t(rows);
            for (int r = 0; r < rows; ++r)
                dst[r] += m.at(r, f);
            ++counts[size_t(p)];
        }
        progress(0.7 * double(std::min(featureFrames, first + block)) / double(featureFrames));
    }
    float loudest = -1e30f;
    for (qint64 p = 0; p < pooledCount; ++p) {
        float *v = pooled.values.data() + size_t(p) * size_t(rows);
        const int n = std::max(1, counts[size_t(p)]);
        for (int r = 0; r < rows; ++r) {
            v[r] /= float(n);
            loudest = std::max(loudest, v[r]);
        }
    }
    // Non-negative level above an 80 dB floor under the loudest band, so
    // that silence is the zero vector and cosine similarity lies in [0, 1].
    const float floorDb = loudest - 80.0f;
    for (qint64 p = 0; p < pooledCount; ++p) {
        float *v = pooled.values.data() + size_t(p) * size_t(rows);
        double norm = 0.0;
        for (int r = 0; r < rows; ++r) {
            v[r] = std::max(0.0f, v[r] - floorDb);
            norm += double(v[r]) * double(v[r]);
        }
        norm = std::sqrt(norm);
        for (int r = 0; r < rows; ++r)
            v[r] = norm > 1e-9 ? float(v[r] / norm) : 0.0f;
    }

    // 2. Novelty: a Gaussian-tapered checkerboard kernel of half-width L
    //    frames centred at the boundary between frames i-1 and i. "Before"
    //    frames are i-L..i-1, "after" frames i..i+L-1. Positive weights
    //    (same side) and negative weights (cross) are each normalised over the
    //    entries inside the track, so the curve is mean(within) - mean(cross).
    const int half = std::max(1, int(std::lround(settings.kernelSeconds / 2.0 / frameSeconds)));
    const double sigma = 0.5 * half;
    std::vector<double> taper(size_t(2 * half));
    for (int a = 0; a < 2 * half; ++a) {
        const double offset = (a - half) + 0.5;   // distance of frame centre from the boundary
        taper[size_t(a)] = std::exp(-0.5 * offset * offset / (sigma * sigma));
    }
    result.curve.assign(size_t(pooledCount), 0.0f);
    for (qint64 i = 1; i < pooledCount; ++i) {
        if ((i & 255) == 0) {
            if (progress.cancelled())
                return R::failure(tr("Novelty segmentation was cancelled."));
            progress(0.7 + 0.25 * double(i) / double(pooledCount));
        }
        double within = 0.0, withinW = 0.0, cross = 0.0, crossW = 0.0;
        for (int a = 0; a < 2 * half; ++a) {
            const qint64 x = i - half + a;
            if (x < 0 || x >= pooledCount)
                continue;
            for (int b = a; b < 2 * half; ++b) {
                const qint64 y = i - half + b;
                if (y < 0 || y >= pooledCount)
                    continue;
                const double w = taper[size_t(a)] * taper[size_t(b)];
                const double s = a == b ? 1.0 : double(cosine(pooled, x, y));
                const bool sameSide = (a < half) == (b < half);
                if (sameSide) {
                    within += w * s;
                    withinW += w;
                } else {
                    cross += w * s;
                    crossW += w;
                }
            }
        }
        if (withinW > 0.0 && crossW > 0.0)
            result.curve[size_t(i)] = float(within / withinW - cross / crossW);
    }
    result.frameSeconds = frameSeconds;

    // 3. Peak picking: local maxima over +-minSeconds/2 that stand out from
    //    the noise floor of the curve.
    const auto &curve = result.curve;
    const float maxNovelty = *std::max_element(curve.begin(), curve.end());
    const double threshold = std::max(0.01, 0.1 * double(maxNovelty));
    const int neighbourhood = std::max(1, int(std::lround(0.5 * settings.minSeconds / frameSeconds)));
    struct Peak { double time; float value; };
    std::vector<Peak> peaks;
    for (qint64 i = 1; i < pooledCount; ++i) {
        const float v = curve[size_t(i)];
        if (double(v) < threshold)
            continue;
        bool isMax = true;
        for (qint64 j = std::max<qint64>(1, i - neighbourhood); j <= std::min(pooledCount - 1, i + neighbourhood) && isMax; ++j)
            if (curve[size_t(j)] > v || (curve[size_t(j)] == v && j < i))
                isMax = false;
        if (!isMax)
            continue;
        // Parabolic refinement of the peak position between frames.
        double offset = 0.0;
        if (i + 1 < pooledCount) {
            const double l = curve[size_t(i - 1)], c = v, r = curve[size_t(i + 1)];
            const double denom = l - 2.0 * c + r;
            if (denom < 0.0)
                offset = std::clamp(0.5 * (l - r) / denom, -0.5, 0.5);
        }
        peaks.push_back({(double(i) + offset) * frameSeconds, v});
    }

    // 4. Constraints: strongest peaks first, each at least minSeconds from
    //    the ends and from every accepted boundary (CAL500exp: 3-16 s).
    std::sort(peaks.begin(), peaks.end(), [](const Peak &a, const Peak &b) { return a.value > b.value; });
    std::vector<double> cuts;
    const double minLen = settings.minSeconds;
    for (const Peak &p : peaks) {
        if (p.time < minLen || duration - p.time < minLen)
            continue;
        bool clear = true;
        for (double c : cuts)
            if (std::abs(c - p.time) < minLen)
                clear = false;
        if (clear)
            cuts.push_back(p.time);
    }
    std::sort(cuts.begin(), cuts.end());

    // 5. Over-long segments: split at the strongest interior novelty that
    //    leaves both parts at least minSeconds, or evenly when the curve is flat.
    std::vector<double> finalCuts;
    std::vector<std::pair<double, double>> pending;
    {
        double s = 0.0;
        for (double c : cuts) {
            pending.emplace_back(s, c);
            s = c;
        }
        pending.emplace_back(s, duration);
    }
    while (!pending.empty()) {
        const auto [s, e] = pending.back();
        pending.pop_back();
        if (e - s <= settings.maxSeconds + 1e-9) {
            finalCuts.push_back(e);
            continue;
        }
        const auto lo = qint64(std::ceil((s + minLen) / frameSeconds));
        const auto hi = qint64(std::floor((e - minLen) / frameSeconds));
        qint64 best = -1;
        for (qint64 i = std::max<qint64>(1, lo); i <= std::min(pooledCount - 1, hi); ++i)
            if (best < 0 || curve[size_t(i)] > curve[size_t(best)])
                best = i;
        if (best >= 0 && double(curve[size_t(best)]) >= threshold) {
            const double t = double(best) * frameSeconds;
            pending.emplace_back(t, e);
            pending.emplace_back(s, t);
            continue;
        }
        const int pieces = int(std::ceil((e - s) / settings.maxSeconds - 1e-9));
        for (int k = pieces; k >= 1; --k)
            pending.emplace_back(s + (e - s) * (k - 1) / pieces, s + (e - s) * k / pieces);
    }
    std::sort(finalCuts.begin(), finalCuts.end());
    finalCuts.pop_back();   // the track end
    result.segments = toSegmentation(finalCuts, duration);
    progress(1.0);
    return result;
}

} // namespace taglane::engine
