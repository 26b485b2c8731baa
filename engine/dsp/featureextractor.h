// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"
#include "engine/core/result.h"
#include "engine/dsp/featuresettings.h"

#include <QString>

#include <memory>
#include <vector>

namespace taglane::engine {

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
///
/// Per frame: optional pre-emphasis, periodic Hann window, power spectrum
/// |X|^2, then
/// - Mel: sum_k |X(k)|^2 W_b(k) over the sparse filter, then (db)
///   10 log10(max(mel, 1e-10));
/// - Erb: S(n) = ln max(sum_k |X(k)|^2 H_n(k), 1e-10) (see ErbFilterBank);
/// - ErbCepstrum: orthonormal DCT-II of S keeping `cepstra` coefficients,
///   then, when deltaWidth > 0, their regression deltas (DeltaRegression;
///   the end frames of the whole signal are replicated). A tile computes
///   deltaWidth extra frames of context on each side, so tiles equal the
///   same frames of a whole-signal computation.
class FeatureExtractor
{
public:
    /// Invalid settings make an extractor whose isValid() is false and whose
    /// compute() returns an empty matrix; error() says why.
    explicit FeatureExtractor(const FeatureSettings &settings);
    /// Mel features through a given filter matrix instead of the computed
    /// bank: (nFft/2 + 1) x bands floats, row-major (entry [k * bands + b],
    /// torchaudio's `fb` layout), e.g. `spec.mel_scale.fb` of a published
    /// checkpoint, which the model specs say to use as stored. settings.type
    /// must be Mel; melScale/slaneyNorm/fMin/fMax are then only descriptive.
    /// A wrong size makes an invalid extractor. Any thread.
    FeatureExtractor(const FeatureSettings &settings, const std::vector<float> &melMatrix);
    ~FeatureExtractor();
    FeatureExtractor(const FeatureExtractor &) = delete;
    FeatureExtractor &operator=(const FeatureExtractor &) = delete;

    /// Any thread.
    const FeatureSettings &settings() const;
    bool isValid() const;                      ///< settings passed validate()
    QString error() const;                     ///< empty when valid
    int rows() const;                          ///< bands, or cepstra (x2 with deltas)
    qint64 frameCount(qint64 samples) const;   ///< 1 + samples / hop (0 for no samples)
    double frameSeconds(qint64 frame) const;   ///< centre time of a frame
    /// Centre frequency in Hz of each band (empty for cepstra).
    std::vector<double> bandCentresHz() const;

    /// Frames [firstFrame, firstFrame + count) of the buffer; count < 0 means
    /// to the end. The range is clipped to the signal. Any thread.
    FeatureMatrix compute(const AudioBuffer &buffer, qint64 firstFrame = 0, qint64 count = -1) const;
    /// As compute(), but says why nothing was computed: invalid settings, or
    /// a buffer whose rate differs from settings().sampleRate. Any thread.
    Result<FeatureMatrix> computeChecked(const AudioBuffer &buffer, qint64 firstFrame = 0,
                                         qint64 count = -1) const;
    /// The same on raw samples at settings().sampleRate. Any thread.
    FeatureMatrix compute(const float *samples, qint64 sampleCount, qint64 firstFrame = 0,
                          qint64 count = -1) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace taglane::engine
