// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/dsp/bandfilter.h"

#include <vector>

namespace taglane::engine {

/// Gammatone-shaped bands on the ERB scale (Glasberg & Moore 1990), applied
/// to a power spectrum.
///
/// Band centres are equally spaced on the ERB-number scale
/// E(f) = 21.4 log10(1 + 4.37 f / 1000), from fMin to fMax inclusive (a
/// single band sits at the midpoint). Band n weighs bin k by the power
/// response of a 4th-order gammatone filter,
///     H_n(f) = |G_n(f)|^2 = (1 + ((f - fc) / b)^2)^-4,   b = 1.019 ERB(fc),
/// with ERB(f) = 24.7 (4.37 f / 1000 + 1); |G_n| = (1 + x^2)^-2 is the usual
/// magnitude approximation of a 4th-order gammatone near its centre. H_n
/// peaks at 1 at fc, and its equivalent rectangular bandwidth
/// (integral of H_n over f) is b * 5 pi / 16 = 1.0004 ERB(fc). So
/// sum_k |X(k)|^2 H_n(k) is the energy the gammatone filter passes.
/// Weights below 1e-6 are dropped (beyond about 5.5 b from the centre; the
/// dropped tails hold under 2e-6 of a band's area). Immutable; any thread.
class ErbFilterBank
{
public:
    ErbFilterBank(int sampleRate, int nFft, int bands, double fMin, double fMax);

    /// Equivalent rectangular bandwidth in Hz: 24.7 (4.37 f / 1000 + 1).
    static double erbHz(double hz);
    /// ERB-number (Cams): 21.4 log10(1 + 4.37 f / 1000).
    static double hzToErbNumber(double hz);
    static double erbNumberToHz(double erbNumber);
    /// Bandwidth parameter b of a 4th-order gammatone: 1.019 ERB(fc).
    static double gammatoneBandwidthHz(double centreHz);

    int bins() const { return m_bins; }
    int bands() const { return int(m_filters.size()); }
    const std::vector<BandFilter> &filters() const { return m_filters; }
    std::vector<double> centresHz() const;
    /// The continuous power response H_n(f) of a band (peak 1 at its centre).
    double response(int band, double hz) const;

    static constexpr double weightFloor = 1e-6;

private:
    int m_bins;
    std::vector<BandFilter> m_filters;
};

} // namespace taglane::engine
