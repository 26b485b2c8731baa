// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QString>

namespace taglane::engine {

enum class FeatureType { Mel, Erb, ErbCepstrum };
enum class MelScale { Htk, Slaney };

/// Everything that defines a time-frequency feature matrix. A plain value;
/// any thread.
struct FeatureSettings
{
    FeatureType type = FeatureType::Mel;
    int sampleRate = 16000;   ///< rate of the input buffer
    int nFft = 512;           ///< window length = FFT size
    int hop = 256;
    int bands = 96;           ///< mel or ERB bands
    double fMin = 0.0;
    double fMax = 8000.0;
    MelScale melScale = MelScale::Htk;
    bool slaneyNorm = false;  ///< area-normalise mel filters (librosa norm='slaney')
    bool db = true;           ///< mel: 10 log10(max(x, 1e-10)); ERB is always ln energy
    bool preEmphasis = false; ///< y[n] = x[n] - 0.97 x[n-1] before the STFT
    int cepstra = 20;         ///< ErbCepstrum: DCT coefficients kept
    int deltaWidth = 2;       ///< ErbCepstrum: k of the delta regression; 0 = no deltas

    /// Empty when valid, else a sentence naming the bad setting. Any thread.
    QString validate() const;
    /// "mel", "erb" or "erb-cepstrum" (the names the CLI and manifests use). Any thread.
    static QString typeName(FeatureType type);
    /// Inverse of typeName(), case-insensitive; an error lists the valid names. Any thread.
    static Result<FeatureType> parseType(const QString &name);
    /// "htk" or "slaney". Any thread.
    static QString scaleName(MelScale scale);
    /// Inverse of scaleName(), case-insensitive. Any thread.
    static Result<MelScale> parseScale(const QString &name);

    /// Rows of the feature matrix these settings produce: bands, or cepstra
    /// (twice that with deltas). Any thread.
    int rows() const;

    /// The pre-emphasis coefficient used when preEmphasis is set.
    static constexpr double preEmphasisCoefficient = 0.97;
    /// Floor applied before taking logarithms (mel dB and ERB ln energy).
    static constexpr double logFloor = 1e-10;
};

} // namespace taglane::engine
