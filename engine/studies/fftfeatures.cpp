// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/studies/fftfeatures.h"

#include "engine/dsp/stft.h"

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

constexpr int kScalarFeatures = 5;  // centroid, roll-off, flatness, flux, RMS

double db(double power)
{
    return 10.0 * std::log10(std::max(power, 1e-10));
}

} // namespace

FftFeatures::FftFeatures(const FftFeatureSettings &settings)
    : m_settings(settings)
{
    m_settings.nFft = std::max(m_settings.nFft, 16);
    m_settings.hop = std::max(m_settings.hop, 1);
    // Whole frames inside the clip map onto centred STFT frames only when
    // the hop divides half the frame.
    if ((m_settings.nFft / 2) % m_settings.hop != 0)
        m_settings.hop = m_settings.nFft / 2;
    m_settings.bands = std::max(m_settings.bands, 1);
    m_stft = std::make_unique<Stft>(m_settings.nFft, m_settings.hop);
    const int bins = m_stft->bins();
    const double df = double(m_settings.sampleRate) / m_settings.nFft;
    const double lo = std::max(m_settings.fMin, df);
    const double hi = std::max(std::min(m_settings.fMax, 0.5 * m_settings.sampleRate), lo * 1.01);
    const double ratio = std::pow(hi / lo, 1.0 / m_settings.bands);
    for (int b = 0; b < m_settings.bands; ++b) {
        const double f0 = lo * std::pow(ratio, b);
        const double f1 = f0 * ratio;
        int first = int(std::ceil(f0 / df));
        int last = int(std::ceil(f1 / df)) - 1;
        // Narrow low bands get the bin nearest their centre.
        if (last < first)
            first = last = int(std::lround(std::sqrt(f0 * f1) / df));
        first = std::clamp(first, 0, bins - 1);
        last = std::clamp(last, first, bins - 1);
        m_bandBins.emplace_back(first, last);
    }
}

FftFeatures::~FftFeatures() = default;

int FftFeatures::dimension() const
{
    return 2 * (m_settings.bands + kScalarFeatures);
}

QStringList FftFeatures::names() const
{
    QStringList per;
    for (int b = 0; b < m_settings.bands; ++b)
        per << QStringLiteral("band%1").arg(b, 2, 10, QLatin1Char('0'));
    per << QStringLiteral("centroid") << QStringLiteral("rolloff") << QStringLiteral("flatness")
        << QStringLiteral("flux") << QStringLiteral("rms");
    QStringList out;
    for (const QString &n : per)
        out << n + QStringLiteral("_mean");
    for (const QString &n : per)
        out << n + QStringLiteral("_std");
    return out;
}

std::pair<int, int> FftFeatures::bandBins(int band) const
{
    return m_bandBins.at(size_t(band));
}

std::vector<float> FftFeatures::compute(const float *samples, qint64 count) const
{
    const int per = m_settings.bands + kScalarFeatures;
    std::vector<float> out(size_t(dimension()), 0.0f);
    std::vector<float> padded;
    if (count < m_settings.nFft) {
        padded.assign(size_t(m_settings.nFft), 0.0f);
        if (samples && count > 0)
            std::copy(samples, samples + count, padded.begin());
        samples = padded.data();
        count = m_settings.nFft;
    }
    // Frames lying wholly inside the clip (no padding at the clip's edges).
    const qint64 frames = 1 + (count - m_settings.nFft) / m_settings.hop;
    const int bins = m_stft->bins();
    const double df = double(m_settings.sampleRate) / m_settings.nFft;
    Stft::Workspace ws = m_stft->workspace();
    std::vector<float> power(static_cast<size_t>(bins));
    std::vector<double> magnitude(static_cast<size_t>(bins)), previous(size_t(bins), 0.0);
    std::vector<double> sum(size_t(per), 0.0), sumSq(size_t(per), 0.0);
    std::vector<double> value(static_cast<size_t>(per));
    for (qint64 f = 0; f < frames; ++f) {
        // Stft frames are centred (frame t starts at t*hop - nFft/2): the
        // frame starting at f*hop, wholly inside the clip, is t = f + nFft/(2 hop).
        m_stft->power(samples, count, f + m_settings.nFft / (2 * m_settings.hop), ws, power.data());
        double total = 0.0, weighted = 0.0, logSum = 0.0, magTotal = 0.0;
        for (int k = 0; k < bins; ++k) {
            const double p = power[size_t(k)];
            total += p;
            weighted += p * k * df;
            logSum += std::log(std::max(p, 1e-12));
            magnitude[size_t(k)] = std::sqrt(std::max(p, 0.0));
            magTotal += magnitude[size_t(k)];
        }
        for (int b = 0; b < m_settings.bands; ++b) {
            double e = 0.0;
            for (int k = m_bandBins[size_t(b)].first; k <= m_bandBins[size_t(b)].second; ++k)
                e += power[size_t(k)];
            value[size_t(b)] = db(e);
        }
        const double nyquist = 0.5 * m_settings.sampleRate;
        const double centroid = total > 0.0 ? weighted / total / nyquist : 0.0;
        double rolloff = 0.0;
        if (total > 0.0) {
            double acc = 0.0;
            for (int k = 0; k < bins; ++k) {
                acc += power[size_t(k)];
                if (acc >= 0.85 * total) {
                    rolloff = k * df / nyquist;
                    break;
                }
            }
        }
        const double arith = total / bins;
        const double flatness = arith > 1e-12 ? std::exp(logSum / bins) / arith : 0.0;
        double flux = 0.0;
        for (int k = 0; k < bins; ++k) {
            const double m = magTotal > 0.0 ? magnitude[size_t(k)] / magTotal : 0.0;
            if (f > 0)
                flux += (m - previous[size_t(k)]) * (m - previous[size_t(k)]);
            previous[size_t(k)] = m;
        }
        const int b = m_settings.bands;
        value[size_t(b)] = centroid;
        value[size_t(b + 1)] = rolloff;
        value[size_t(b + 2)] = flatness;
        value[size_t(b + 3)] = std::sqrt(flux);
        value[size_t(b + 4)] = db(total / (double(m_settings.nFft) * m_settings.nFft));
        for (int i = 0; i < per; ++i) {
            sum[size_t(i)] += value[size_t(i)];
            sumSq[size_t(i)] += value[size_t(i)] * value[size_t(i)];
        }
    }
    for (int i = 0; i < per; ++i) {
        const double mean = sum[size_t(i)] / frames;
        const double var = std::max(0.0, sumSq[size_t(i)] / frames - mean * mean);
        out[size_t(i)] = float(mean);
        out[size_t(per + i)] = float(std::sqrt(var));
    }
    return out;
}

} // namespace taglane::engine
