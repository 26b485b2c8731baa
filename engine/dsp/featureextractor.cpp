// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/dsp/featureextractor.h"

#include "engine/dsp/cepstrum.h"
#include "engine/dsp/deltaregression.h"
#include "engine/dsp/erbfilterbank.h"
#include "engine/dsp/melfilterbank.h"
#include "engine/dsp/stft.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <optional>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("taglane::engine::FeatureExtractor", text);
}

} // namespace

struct FeatureExtractor::Private
{
    FeatureSettings settings;
    QString error;
    std::unique_ptr<Stft> stft;
    std::vector<BandFilter> filters;      // mel or ERB bands
    std::vector<double> centres;
    std::optional<Cepstrum> cepstrum;

    // Band values (mel power, mel dB or ERB ln energy) of frames
    // [first, first + count), frame-major, into out.
    void bandFrames(const float *x, qint64 n, qint64 first, qint64 count, float *out) const;
};

void FeatureExtractor::Private::bandFrames(const float *x, qint64 n, qint64 first, qint64 count,
                                           float *out) const
{
    Stft::Workspace ws = stft->workspace();
    std::vector<float> power(size_t(stft->bins()));
    const int nb = int(filters.size());
    const float floor = float(FeatureSettings::logFloor);
    const bool mel = settings.type == FeatureType::Mel;
    const bool db = mel && settings.db;
    for (qint64 t = 0; t < count; ++t) {
        stft->power(x, n, first + t, ws, power.data());
        float *row = out + size_t(t) * size_t(nb);
        for (int b = 0; b < nb; ++b) {
            const float e = filters[size_t(b)].apply(power.data());
            if (mel)
                row[b] = db ? 10.0f * std::log10(std::max(e, floor)) : e;
            else
                row[b] = std::log(std::max(e, floor));
        }
    }
}

FeatureExtractor::FeatureExtractor(const FeatureSettings &settings)
    : d(std::make_unique<Private>())
{
    d->settings = settings;
    d->error = settings.validate();
    if (!d->error.isEmpty())
        return;
    const FeatureSettings &s = d->settings;
    d->stft = std::make_unique<Stft>(s.nFft, s.hop, s.preEmphasis ? FeatureSettings::preEmphasisCoefficient : 0.0);
    if (s.type == FeatureType::Mel) {
        MelFilterBank bank(s.sampleRate, s.nFft, s.bands, s.fMin, s.fMax, s.melScale, s.slaneyNorm);
        d->filters = bank.filters();
        d->centres = bank.centresHz();
    } else {
        ErbFilterBank bank(s.sampleRate, s.nFft, s.bands, s.fMin, s.fMax);
        d->filters = bank.filters();
        d->centres = bank.centresHz();
        if (s.type == FeatureType::ErbCepstrum)
            d->cepstrum.emplace(s.bands, s.cepstra);
    }
}

FeatureExtractor::FeatureExtractor(const FeatureSettings &settings, const std::vector<float> &melMatrix)
    : d(std::make_unique<Private>())
{
    d->settings = settings;
    d->error = settings.validate();
    if (d->error.isEmpty() && settings.type != FeatureType::Mel)
        d->error = tr("A stored filter matrix can only be used for mel features, not %1.")
                       .arg(FeatureSettings::typeName(settings.type));
    const int bins = settings.nFft / 2 + 1;
    if (d->error.isEmpty() && melMatrix.size() != size_t(bins) * size_t(settings.bands))
        d->error = tr("The mel filter matrix has %1 values; %2 FFT bins x %3 bands need %4.")
                       .arg(melMatrix.size())
                       .arg(bins)
                       .arg(settings.bands)
                       .arg(qint64(bins) * settings.bands);
    if (!d->error.isEmpty())
        return;
    const FeatureSettings &s = d->settings;
    d->stft = std::make_unique<Stft>(s.nFft, s.hop, s.preEmphasis ? FeatureSettings::preEmphasisCoefficient : 0.0);
    MelFilterBank bank(melMatrix, bins, s.bands, s.sampleRate, s.nFft);
    d->filters = bank.filters();
    d->centres = bank.centresHz();
}

FeatureExtractor::~FeatureExtractor() = default;

const FeatureSettings &FeatureExtractor::settings() const
{
    return d->settings;
}

bool FeatureExtractor::isValid() const
{
    return d->error.isEmpty();
}

QString FeatureExtractor::error() const
{
    return d->error;
}

int FeatureExtractor::rows() const
{
    return d->settings.rows();
}

qint64 FeatureExtractor::frameCount(qint64 samples) const
{
    if (samples <= 0 || d->settings.hop <= 0)
        return 0;
    return 1 + samples / d->settings.hop;
}

double FeatureExtractor::frameSeconds(qint64 frame) const
{
    if (d->settings.sampleRate <= 0)
        return 0.0;
    return double(frame) * d->settings.hop / d->settings.sampleRate;
}

std::vector<double> FeatureExtractor::bandCentresHz() const
{
    if (d->settings.type == FeatureType::ErbCepstrum)
        return {};
    return d->centres;
}

FeatureMatrix FeatureExtractor::compute(const AudioBuffer &buffer, qint64 firstFrame, qint64 count) const
{
    return compute(buffer.data(), buffer.size(), firstFrame, count);
}

Result<FeatureMatrix> FeatureExtractor::computeChecked(const AudioBuffer &buffer, qint64 firstFrame,
                                                       qint64 count) const
{
    if (!isValid())
        return Result<FeatureMatrix>::failure(d->error);
    if (!buffer.isEmpty() && buffer.sampleRate() != d->settings.sampleRate)
        return Result<FeatureMatrix>::failure(
            tr("The audio is at %1 Hz but the feature settings expect %2 Hz; resample it first.")
                .arg(buffer.sampleRate())
                .arg(d->settings.sampleRate));
    return compute(buffer.data(), buffer.size(), firstFrame, count);
}

FeatureMatrix FeatureExtractor::compute(const float *samples, qint64 sampleCount, qint64 firstFrame,
                                        qint64 count) const
{
    FeatureMatrix m;
    m.rows = rows();
    if (!isValid() || !samples || sampleCount <= 0)
        return m;
    const qint64 total = frameCount(sampleCount);
    const qint64 first = std::clamp<qint64>(firstFrame, 0, total);
    const qint64 end = count < 0 ? total : first + std::min(count, total - first);
    m.firstFrame = first;
    m.frames = end - first;
    if (m.frames == 0)
        return m;

    const FeatureSettings &s = d->settings;
    if (s.type != FeatureType::ErbCepstrum) {
        m.values.resize(size_t(m.frames) * size_t(m.rows));
        d->bandFrames(samples, sampleCount, first, m.frames, m.values.data());
        return m;
    }

    // Cepstra over the requested frames plus the delta context.
    const int k = s.deltaWidth;
    const qint64 ctxFirst = std::max<qint64>(first - k, 0);
    const qint64 ctxEnd = std::min<qint64>(end + k, total);
    const qint64 ctxFrames = ctxEnd - ctxFirst;
    std::vector<float> bands(size_t(ctxFrames) * size_t(s.bands));
    d->bandFrames(samples, sampleCount, ctxFirst, ctxFrames, bands.data());
    const int nc = s.cepstra;
    std::vector<float> cepstra(size_t(ctxFrames) * size_t(nc));
    for (qint64 t = 0; t < ctxFrames; ++t)
        d->cepstrum->apply(bands.data() + size_t(t) * size_t(s.bands), cepstra.data() + size_t(t) * size_t(nc));
    std::vector<float> deltas;
    if (k > 0)
        deltas = DeltaRegression::apply(cepstra, nc, ctxFrames, k);

    m.values.resize(size_t(m.frames) * size_t(m.rows));
    for (qint64 t = 0; t < m.frames; ++t) {
        const size_t src = size_t(first - ctxFirst + t) * size_t(nc);
        float *row = m.values.data() + size_t(t) * size_t(m.rows);
        std::copy_n(cepstra.data() + src, nc, row);
        if (k > 0)
            std::copy_n(deltas.data() + src, nc, row + nc);
    }
    return m;
}

} // namespace taglane::engine
