// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/dsp/erbfilterbank.h"

#include <algorithm>
#include <cmath>

namespace taglane::engine {

double ErbFilterBank::erbHz(double hz)
{
    return 24.7 * (4.37 * hz / 1000.0 + 1.0);
}

double ErbFilterBank::hzToErbNumber(double hz)
{
    return 21.4 * std::log10(1.0 + 4.37 * hz / 1000.0);
}

double ErbFilterBank::erbNumberToHz(double erbNumber)
{
    return (std::pow(10.0, erbNumber / 21.4) - 1.0) * 1000.0 / 4.37;
}

double ErbFilterBank::gammatoneBandwidthHz(double centreHz)
{
    return 1.019 * erbHz(centreHz);
}

ErbFilterBank::ErbFilterBank(int sampleRate, int nFft, int bands, double fMin, double fMax)
    : m_bins(nFft / 2 + 1)
{
    bands = std::max(bands, 1);
    const double eMin = hzToErbNumber(fMin);
    const double eMax = hzToErbNumber(fMax);
    const double binHz = double(sampleRate) / double(nFft);
    m_filters.resize(size_t(bands));
    for (int n = 0; n < bands; ++n) {
        const double e = bands == 1 ? 0.5 * (eMin + eMax) : eMin + (eMax - eMin) * double(n) / double(bands - 1);
        BandFilter &filter = m_filters[size_t(n)];
        filter.centreHz = erbNumberToHz(e);
        const double b = gammatoneBandwidthHz(filter.centreHz);
        // (1 + x^2)^-4 >= floor  <=>  |x| <= sqrt(floor^-1/4 - 1)
        const double reach = b * std::sqrt(std::pow(weightFloor, -0.25) - 1.0);
        int first = std::clamp(int(std::ceil((filter.centreHz - reach) / binHz)), 0, m_bins - 1);
        int last = std::clamp(int(std::floor((filter.centreHz + reach) / binHz)), 0, m_bins - 1);
        if (first > last) // coarse spectrum: keep at least the nearest bin
            first = last = std::clamp(int(std::lround(filter.centreHz / binHz)), 0, m_bins - 1);
        filter.firstBin = first;
        filter.weights.clear();
        for (int k = first; k <= last; ++k)
            filter.weights.push_back(float(response(n, k * binHz)));
    }
}

std::vector<double> ErbFilterBank::centresHz() const
{
    std::vector<double> centres;
    centres.reserve(m_filters.size());
    for (const BandFilter &f : m_filters)
        centres.push_back(f.centreHz);
    return centres;
}

double ErbFilterBank::response(int band, double hz) const
{
    const double fc = m_filters[size_t(band)].centreHz;
    const double x = (hz - fc) / gammatoneBandwidthHz(fc);
    const double m = 1.0 + x * x;
    return 1.0 / (m * m * m * m);
}

} // namespace taglane::engine
