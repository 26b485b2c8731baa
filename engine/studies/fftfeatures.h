// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>
#include <QtGlobal>

#include <memory>
#include <vector>

namespace taglane::engine {

class Stft;

/// Settings of the classical FFT clip features. Value type; any thread.
struct FftFeatureSettings
{
    int sampleRate = 16000;
    int nFft = 2048;       ///< FFT frame (128 ms at 16 kHz)
    int hop = 1024;        ///< between frames inside a clip; must divide nFft / 2 (else nFft / 2 is used)
    int bands = 48;        ///< log-spaced rectangular bands between fMin and fMax
    double fMin = 50.0;
    double fMax = 8000.0;
};

/// Hand-made clip features from the FFT power spectrum, the input of the
/// classical baseline of the clip study. Per frame: the energy (dB) of
/// `bands` log-spaced bands, spectral centroid, 85 % roll-off, flatness,
/// flux and RMS level; per clip: the mean and standard deviation over its
/// frames of each, i.e. 2 * (bands + 5) numbers. A clip shorter than one
/// frame is zero-padded. Not copyable; compute() is const and may run
/// from several threads at once.
class FftFeatures
{
public:
    explicit FftFeatures(const FftFeatureSettings &settings = {});
    ~FftFeatures();
    FftFeatures(const FftFeatures &) = delete;
    FftFeatures &operator=(const FftFeatures &) = delete;

    const FftFeatureSettings &settings() const { return m_settings; }
    /// 2 * (bands + 5). Any thread.
    int dimension() const;
    /// Names of the features in output order ("band00_mean", ...). Any thread.
    QStringList names() const;
    /// FFT bin range [first, last] of band b (at least one bin). Any thread.
    std::pair<int, int> bandBins(int band) const;
    /// The features of samples[0, count) (mono, at settings().sampleRate).
    /// Returns dimension() finite numbers. Any thread.
    std::vector<float> compute(const float *samples, qint64 count) const;

private:
    FftFeatureSettings m_settings;
    std::unique_ptr<Stft> m_stft;
    std::vector<std::pair<int, int>> m_bandBins;
};

} // namespace taglane::engine
