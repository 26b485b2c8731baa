// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"
#include "engine/core/result.h"
#include "engine/dsp/featureextractor.h"
#include "engine/dsp/scatteringfilterbank.h"

#include <QString>

#include <memory>
#include <vector>

namespace taglane::engine {

/// Everything that defines a scattering transform. A plain value; any thread.
struct ScatteringSettings
{
    int sampleRate = 22050;
    int averaging = 8192;        ///< T, samples (8192 = 371 ms at 22.05 kHz)
    int q1 = 8;                  ///< first-order wavelets per octave
    int q2 = 1;                  ///< second-order wavelets per octave
    int octaves = 0;             ///< J, first-order constant-Q octaves; 0 = the most T allows
    bool logCompression = true;  ///< ln(S + logFloor)
    bool normalise = true;       ///< S2(l1, l2) / (S1(l1) + normFloor)
    int blockLength = 0;         ///< FFT block, a power of two >= 8 T; 0 = max(32 T, 2^16)
    double oversampling = 1.0;   ///< >= 1: internal rates above the minimum, for checks

    /// Empty when valid, else a sentence naming the bad setting. Any thread.
    QString validate() const;
};

/// One row of the output: a first-order band (order 1, l2 = -1) or a
/// second-order path. l1 and l2 index the wavelets of the first- and
/// second-order banks (increasing frequency); hz1 and hz2 are their centres.
struct ScatteringPath
{
    int order = 1;
    int l1 = 0;
    int l2 = -1;
    double hz1 = 0.0;
    double hz2 = 0.0;
};

/// Time scattering transform (Anden & Mallat 2014, "Deep Scattering
/// Spectrum", IEEE TSP 62(16)), first and second order:
///     U1(t, l1)      = |x * psi_l1|(t)
///     S1(t, l1)      = U1(., l1) * phi (t)
///     S2(t, l1, l2)  = | U1(., l1) * psi_l2 | * phi (t)
/// with Morlet wavelets psi (ScatteringFilterBank: Q1 per octave for l1, Q2
/// for l2) and the Gaussian low-pass phi of support T (time std T/4).
/// Only frequency-decreasing paths are computed: l2 is kept when its centre
/// is below xi1 and at most the full width at half maximum of psi_l1's
/// response, xi2 <= 2 sqrt(2 ln 2) sigma1 (about xi1 / 6.5 for constant-Q
/// l1, ScatteringFilterBank::crossing), because |x * psi_l1| holds no
/// modulations faster than psi_l1's bandwidth. Row 0 and every l2 = 0 path
/// use the banks' low complement psi_0 (sub-audio in first order: 3 Hz at
/// T = 371 ms; the slowest modulations, about 1-5 Hz, in second order).
/// With the defaults (22.05 kHz, T = 8192) there are 75 first-order bands
/// (3.1 Hz .. 9.6 kHz) and 413 second-order paths.
/// Then, in this order, when set:
///     normalise:   S2(t, l1, l2) <- S2(t, l1, l2) / (S1(t, l1) + normFloor)
///     log:         S <- ln(S + logFloor)          (every coefficient)
/// The zeroth order x * phi is not output (about 0 for audio).
///
/// Frames: frame t is the value at sample t * hop, hop = the largest power
/// of two <= T/4 (2048 samples = 92.9 ms for T = 8192); N samples give
/// 1 + N / hop frames. Rows: the first-order bands by increasing frequency,
/// then for each l1 in that order its second-order paths by increasing
/// frequency (paths() says which row is which).
///
/// Computation: the signal, reflect-padded at both ends (as Stft), is cut
/// into blocks of blockLength samples that overlap by 2 margin = 4 T; each
/// block gives its middle blockLength - 4 T samples of output, so every
/// output depends on at least 2 T of true context on each side (a Morlet
/// cascade psi_l1, psi_l2, phi has a time std under 0.45 T; psi_0 decays
/// more slowly). Blocks of 8 T instead of the default change the output by
/// about 0.1% (S1) and 0.4% (S2) in relative L2 norm (seams and the DFT grid
/// the filters are sampled on); the minimum rates below differ from 4x
/// oversampled ones by about 0.07% (S1) and 0.3% (S2).
/// Per block: one real FFT of length N; for each psi_l1 the product
/// X psi^_l1 over psi^'s window is inverse-transformed at a reduced length
/// L1 (the window shifted to baseband: the modulus ignores the shift;
/// samples at times m N / L1), L1 >= W1 + E1 and >= 2 E1 (W1: window width,
/// E1: the highest frequency psi_l2 or phi reads from U1) so that |z|^2,
/// whose spectrum lies within +-W1, does not alias into what is read. The
/// same for second order with L2 >= W2 + E2, E2 = phi's reach. phi is
/// applied by truncating the spectrum to the output rate N / hop (phi^ at
/// the output Nyquist is exp(-pi^2 / 2) = 0.007). Lengths are rounded up to
/// products of 2, 3, 5 and 7. Filters and FFTW plans are made once in the
/// constructor.
class Scattering
{
public:
    /// Builds both filter banks and every FFTW plan; invalid settings make an
    /// instance whose isValid() is false. Any thread.
    explicit Scattering(const ScatteringSettings &settings);
    ~Scattering();
    Scattering(const Scattering &) = delete;
    Scattering &operator=(const Scattering &) = delete;

    /// Any thread.
    const ScatteringSettings &settings() const;
    bool isValid() const;
    QString error() const;
    int octaves() const;                       ///< J used (the default resolved)
    int hop() const;                           ///< frame hop in samples
    int rows() const;                          ///< first-order bands + second-order paths
    int firstOrderRows() const;
    const std::vector<ScatteringPath> &paths() const;
    const ScatteringFilterBank &firstOrderBank() const;   ///< valid instances only
    const ScatteringFilterBank &secondOrderBank() const;  ///< valid instances only
    qint64 frameCount(qint64 samples) const;   ///< 1 + samples / hop (0 for none)
    double frameSeconds(qint64 frame) const;   ///< time of a frame
    /// The fewest samples compute() accepts (one hop).
    qint64 minimumSamples() const;
    /// The most samples compute() accepts: frames x rows stays within maxValues.
    qint64 maximumSamples() const;

    /// The transform of samples at settings().sampleRate, frame-major
    /// (FeatureMatrix::at(row, frame)). Fails with a message on invalid
    /// settings, an empty, too short or too long signal, a non-finite
    /// sample, or when memory runs out. Const and thread-safe: each call
    /// has its own buffers. Any thread.
    Result<FeatureMatrix> compute(const float *samples, qint64 count) const;
    /// As above; also fails when the buffer's rate is not settings().sampleRate.
    Result<FeatureMatrix> compute(const AudioBuffer &buffer) const;

    static constexpr double logFloor = 1e-6;
    static constexpr double normFloor = 1e-6;
    static constexpr qint64 maxValues = qint64(1) << 28;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace taglane::engine
