// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

namespace taglane::engine {

/// One filter of a scattering bank, sampled on the DFT grid of a block of
/// N samples: bin k (k may be negative) is the frequency k / N cycles per
/// sample. Only the window [firstBin, firstBin + values.size()) where the
/// response is at least windowFloor of its peak is stored; the response is
/// taken as 0 elsewhere. All frequencies here are in cycles per sample.
struct ScatteringFilter
{
    double xi = 0.0;         ///< centre frequency (0 for the low-pass)
    double sigma = 0.0;      ///< standard deviation of its Gaussian
    enum class Kind { ConstantQ, ConstantBandwidth, LowComplement };
    Kind kind = Kind::ConstantQ;
    int firstBin = 0;
    std::vector<float> values;

    int lastBin() const { return firstBin + int(values.size()) - 1; }
    /// Largest |k| of the window.
    int reach() const;
    double at(int bin) const;
};

/// A bank of Morlet (Gabor) wavelets for one order of the scattering
/// transform, and the Gaussian low-pass phi that averages every order.
///
/// Low-pass: phi^(w) = exp(-w^2 / (2 s_phi^2)), s_phi = 2 / (pi T): the
/// Fourier pair of a Gaussian of standard deviation T/4 samples in time, so
/// about 95% of its mass lies in a window of T samples. phi^(0) = 1.
///
/// Wavelets (Morlet): psi^(w) = c (g(w - xi) - kappa g(w)), g(w) =
/// exp(-w^2 / (2 sigma^2)), kappa = g(xi), so psi^(0) = 0; periodised over
/// the unit frequency interval.
/// - Constant-Q part: xi_j = xi_max 2^(-j/Q), j = 0 .. Q J - 1, with
///   xi_max = max(1 / (1 + 2^(3/Q)), 0.35) (Kymatio's choice) and
///   sigma(xi) = xi (1 - 2^(-1/Q)) / ((1 + 2^(-1/Q)) sqrt(2 ln(1/r))),
///   Kymatio's rule for neighbours that cross at r of their peak. Kymatio's
///   default r is sqrt(1/2); Taglane uses r = crossing = 0.8, filters 25%
///   wider (FWHM xi / 6.5 for Q = 8), which flattens the Littlewood-Paley
///   sum from a 9% ripple to under 2%. J may not exceed maxOctaves(): the
///   narrowest wavelet's sigma stays at least s_phi, i.e. no wavelet is
///   longer in time than phi (Anden & Mallat's rule for the averaging scale).
/// - Constant-bandwidth part (Anden & Mallat's low-frequency filters):
///   below the last constant-Q centre xi_L, wavelets with the last sigma
///   and centres xi_L - k d, d = xi_L ln 2 / Q (the constant-Q centres'
///   density at xi_L), k = 1, 2, ... while the centre is at least
///   linearStopSigmas sigma (a Morlet centred lower is mostly its DC term).
/// - Low complement psi_0 (Taglane's): a Morlet wavelet cannot reach the
///   band between phi and the lowest centre, where the LP sum would dip to
///   0.3-0.5. psi_0 (analytic, psi_0^ = 0 for w <= 0) fills that deficit:
///   |psi_0^|^2 = 2 (1 - A) up to the lowest Morlet centre, tapered (raised
///   cosine) to 0 at the next one, times r^2, r = 1 - exp(-(w/w_r)^2),
///   w_r = complementOnset s_phi, a smooth start at 0 (without it the kink
///   of sqrt(1 - A) ~ |w| at 0 gives a time response decaying as 1/t^2);
///   r leaves the LP sum a dip of about 4% near w_r. Its xi and sigma are
///   the centroid and the Gaussian-equivalent spread of |psi_0^|^2.
/// Wavelets are ordered by increasing centre frequency (psi_0 first).
///
/// Normalisation (Littlewood-Paley): with W(w) = 1/2 sum_l (|psi_l^(w)|^2 +
/// |psi_l^(-w)|^2), the bank's LP sum is A(w) = |phi^(w)|^2 + W(w). For real
/// signals sum_l ||x * psi_l||^2 + ||x * phi||^2 = sum_k |X(k)|^2 A(k) / N,
/// so A <= 1 makes the transform a contraction and A near 1 conserves
/// energy (Anden & Mallat: 1 - alpha <= A <= 1). The common Morlet gain c is
/// the largest for which A(k) <= 1 on every bin k = 0..N/2; A(0) = 1. For
/// Q = 8, A stays within [0.96, 1] from 0 to the next-to-highest centre
/// (8.8 kHz at 22.05 kHz); above the highest centre it falls off towards
/// Nyquist. Immutable after construction; any thread.
class ScatteringFilterBank
{
public:
    /// blockLength N >= 16 (the DFT grid), q >= 1, octaves J in
    /// 1..maxOctaves(q, averaging), averaging T >= 16 samples. Arguments are
    /// expected valid (ScatteringSettings::validate() checks them).
    ScatteringFilterBank(int blockLength, int q, int octaves, int averaging);

    static double xiMax(int q);
    static double sigmaFor(double xi, int q);
    /// s_phi = 2 / (pi T).
    static double phiSigma(int averaging);
    /// The largest J whose narrowest constant-Q wavelet is no narrower in
    /// frequency than phi (0 if even xi_max's is).
    static int maxOctaves(int q, int averaging);

    int blockLength() const { return m_n; }
    int q() const { return m_q; }
    int octaves() const { return m_octaves; }
    const std::vector<ScatteringFilter> &wavelets() const { return m_wavelets; }
    const ScatteringFilter &phi() const { return m_phi; }
    /// The covered band is [0, coveredTop()], coveredTop() the centre of the
    /// next-to-highest wavelet: every frequency there has wavelets on both
    /// sides (or phi), and A stays near 1.
    double coveredTop() const;
    /// A(k) for k = 0..N/2, from the stored (windowed, float) filters.
    std::vector<double> littlewoodPaley() const;

    static constexpr double windowFloor = 1e-3;
    static constexpr double linearStopSigmas = 2.0;
    static constexpr double crossing = 0.8;
    static constexpr double complementOnset = 0.25;

private:
    void addLowComplement();

    int m_n;
    int m_q;
    int m_octaves;
    std::vector<ScatteringFilter> m_wavelets;
    ScatteringFilter m_phi;
};

} // namespace taglane::engine
