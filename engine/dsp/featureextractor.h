// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"
#include "engine/core/result.h"

#include <QString>

#include <memory>
#include <vector>

namespace taglane::engine {

enum class FeatureType { Mel, Erb, ErbCepstrum };
enum class MelScale { Htk, Slaney };

/// Everything that defines a time-frequency feature matrix.
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

    /// Empty when valid, else a sentence naming the bad setting.
    QString validate() const;
    static QString typeName(FeatureType type);
    static Result<FeatureType> parseType(const QString &name);
};

/// A feature matrix stored frame-major: values[frame * rows + row].
/// Rows are bands (or cepstra, then deltas) from low to high.
struct FeatureMatrix
{
    int rows = 0;
    qint64 frames = 0;
    qint64 firstFrame = 0;   ///< index of frames[0] in the whole signal
    std::vector<float> values;

    float at(int row, qint64 frame) const { return values[size_t(frame * rows + row)]; }
};

/// Computes features from a mono buffer. Construction builds the filter banks
/// and FFTW plans (call it once, from any thread); compute() is const and
/// may run concurrently from several threads on one instance.
///
/// Framing is centred: frame t covers samples [t*hop - nFft/2, t*hop + nFft/2)
/// with reflect padding at both ends, so N samples give 1 + N/hop frames.
class FeatureExtractor
{
public:
    explicit FeatureExtractor(const FeatureSettings &settings);
    ~FeatureExtractor();
    FeatureExtractor(const FeatureExtractor &) = delete;
    FeatureExtractor &operator=(const FeatureExtractor &) = delete;

    const FeatureSettings &settings() const;
    int rows() const;                          ///< bands, or cepstra (x2 with deltas)
    qint64 frameCount(qint64 samples) const;   ///< 1 + samples / hop
    double frameSeconds(qint64 frame) const;   ///< centre time of a frame
    /// Centre frequency in Hz of each band (empty for cepstra).
    std::vector<double> bandCentresHz() const;

    /// Frames [firstFrame, firstFrame + count) of the buffer; count < 0 means
    /// to the end. Any thread.
    FeatureMatrix compute(const AudioBuffer &buffer, qint64 firstFrame = 0, qint64 count = -1) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace taglane::engine
