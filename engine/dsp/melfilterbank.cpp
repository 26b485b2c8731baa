// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/dsp/melfilterbank.h"

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

constexpr double slaneyBreakHz = 1000.0;
constexpr double slaneyLinearStep = 200.0 / 3.0;               // Hz per mel below 1 kHz
constexpr double slaneyBreakMel = slaneyBreakHz / slaneyLinearStep; // 15
const double slaneyLogStep = std::log(6.4) / 27.0;              // ln-Hz per mel above 1 kHz

} // namespace

double MelFilterBank::hzToMel(double hz, MelScale scale)
{
    if (scale == MelScale::Htk)
        return 2595.0 * std::log10(1.0 + hz / 700.0);
    if (hz < slaneyBreakHz)
        return hz / slaneyLinearStep;
    return slaneyBreakMel + std::log(hz / slaneyBreakHz) / slaneyLogStep;
}

double MelFilterBank::melToHz(double mel, MelScale scale)
{
    if (scale == MelScale::Htk)
        return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
    if (mel < slaneyBreakMel)
        return mel * slaneyLinearStep;
    return slaneyBreakHz * std::exp(slaneyLogStep * (mel - slaneyBreakMel));
}

MelFilterBank::MelFilterBank(int sampleRate, int nFft, int bands, double fMin, double fMax,
                             MelScale scale, bool slaneyNorm)
    : m_bins(nFft / 2 + 1)
{
    bands = std::max(bands, 1);
    const double melMin = hzToMel(fMin, scale);
    const double melMax = hzToMel(fMax, scale);
    std::vector<double> points(size_t(bands) + 2);
    for (int i = 0; i < bands + 2; ++i)
        points[size_t(i)] = melToHz(melMin + (melMax - melMin) * double(i) / double(bands + 1), scale);
    // The ends are fMin and fMax exactly (not their mel round trip), so a
    // bin at fMax gets weight 0 rather than round-off.
    points.front() = fMin;
    points.back() = fMax;

    const double binHz = double(sampleRate) / double(nFft);
    m_filters.resize(size_t(bands));
    for (int b = 0; b < bands; ++b) {
        const double lo = points[size_t(b)];
        const double centre = points[size_t(b) + 1];
        const double hi = points[size_t(b) + 2];
        const double gain = slaneyNorm ? 2.0 / (hi - lo) : 1.0;
        BandFilter &filter = m_filters[size_t(b)];
        filter.centreHz = centre;
        std::vector<float> dense(size_t(m_bins), 0.0f);
        int first = -1, last = -1;
        for (int k = 0; k < m_bins; ++k) {
            const double f = k * binHz;
            const double rise = (f - lo) / (centre - lo);
            const double fall = (hi - f) / (hi - centre);
            const double w = std::max(0.0, std::min(rise, fall));
            if (w > 0.0) {
                dense[size_t(k)] = float(w * gain);
                if (first < 0)
                    first = k;
                last = k;
            }
        }
        if (first < 0) {
            // The band falls between two bins: an empty filter (torchaudio
            // warns about the same case); its output is 0.
            filter.firstBin = 0;
            continue;
        }
        filter.firstBin = first;
        filter.weights.assign(dense.begin() + first, dense.begin() + last + 1);
    }
}

MelFilterBank::MelFilterBank(const std::vector<float> &dense, int bins, int bands, int sampleRate, int nFft)
    : m_bins(std::max(bins, 1))
{
    bands = std::max(bands, 0);
    if (dense.size() != size_t(m_bins) * size_t(bands))
        bands = 0;
    const double binHz = double(sampleRate) / double(nFft);
    m_filters.resize(size_t(bands));
    for (int b = 0; b < bands; ++b) {
        BandFilter &filter = m_filters[size_t(b)];
        int first = -1, last = -1, peak = 0;
        for (int k = 0; k < m_bins; ++k) {
            const float w = dense[size_t(k) * size_t(bands) + size_t(b)];
            if (w > 0.0f) {
                if (first < 0)
                    first = k;
                last = k;
                if (w > dense[size_t(peak) * size_t(bands) + size_t(b)])
                    peak = k;
            }
        }
        filter.centreHz = peak * binHz;
        if (first < 0)
            continue;
        filter.firstBin = first;
        for (int k = first; k <= last; ++k)
            filter.weights.push_back(std::max(0.0f, dense[size_t(k) * size_t(bands) + size_t(b)]));
    }
}

std::vector<double> MelFilterBank::centresHz() const
{
    std::vector<double> centres;
    centres.reserve(m_filters.size());
    for (const BandFilter &f : m_filters)
        centres.push_back(f.centreHz);
    return centres;
}

std::vector<float> MelFilterBank::denseMatrix() const
{
    const int nb = bands();
    std::vector<float> matrix(size_t(m_bins) * size_t(nb), 0.0f);
    for (int b = 0; b < nb; ++b) {
        const BandFilter &f = m_filters[size_t(b)];
        for (size_t i = 0; i < f.weights.size(); ++i)
            matrix[(size_t(f.firstBin) + i) * size_t(nb) + size_t(b)] = f.weights[i];
    }
    return matrix;
}

} // namespace taglane::engine
