// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/dsp/bandfilter.h"
#include "engine/dsp/featuresettings.h"

#include <vector>

namespace taglane::engine {

/// Triangular mel filters over the bins of an nFft-point spectrum (bin k at
/// k * sampleRate / nFft Hz), built as torchaudio's melscale_fbanks and
/// librosa's mel do: bands + 2 points equally spaced on the mel scale from
/// fMin to fMax, band b rising from point b to b+1 and falling to b+2, peak
/// weight 1; with slaneyNorm each triangle is scaled by 2 / (f[b+2] - f[b])
/// so its area is constant. Weights are computed in double precision and
/// stored sparsely. Immutable after construction; any thread.
class MelFilterBank
{
public:
    MelFilterBank(int sampleRate, int nFft, int bands, double fMin, double fMax,
                  MelScale scale = MelScale::Htk, bool slaneyNorm = false);
    /// A bank given as a dense bins x bands matrix, row-major (entry
    /// [k * bands + b], torchaudio's `fb` layout), e.g. the one stored in a
    /// published checkpoint. Negative entries count as 0. A band's centre is
    /// the frequency of its largest weight.
    MelFilterBank(const std::vector<float> &dense, int bins, int bands, int sampleRate, int nFft);

    /// HTK: 2595 log10(1 + f/700). Slaney (Auditory Toolbox): f / (200/3)
    /// below 1 kHz, 15 + 27 ln(f / 1000) / ln 6.4 above.
    static double hzToMel(double hz, MelScale scale);
    static double melToHz(double mel, MelScale scale);

    int bins() const { return m_bins; }
    int bands() const { return int(m_filters.size()); }
    const std::vector<BandFilter> &filters() const { return m_filters; }
    /// Centre (peak) frequency of each band.
    std::vector<double> centresHz() const;
    /// Dense bins x bands matrix, row-major (entry [k * bands + b]), as
    /// torchaudio stores it; for tests and export.
    std::vector<float> denseMatrix() const;

private:
    int m_bins;
    std::vector<BandFilter> m_filters;
};

} // namespace taglane::engine
