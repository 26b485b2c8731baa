// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/dsp/scatteringfilterbank.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace taglane::engine {

namespace {

constexpr double pi = 3.14159265358979323846;

// The Morlet response before the bank gain, periodised over one unit of
// frequency on each side (enough: every centre lies in [0, 1/2] and every
// sigma is below 1/4).
double morlet(double w, double xi, double sigma, double kappa)
{
    double v = 0.0;
    for (int p = -1; p <= 1; ++p) {
        const double u = w + p;
        v += std::exp(-(u - xi) * (u - xi) / (2.0 * sigma * sigma)) - kappa * std::exp(-u * u / (2.0 * sigma * sigma));
    }
    return v;
}

double gaussian(double w, double sigma)
{
    double v = 0.0;
    for (int p = -1; p <= 1; ++p)
        v += std::exp(-(w + p) * (w + p) / (2.0 * sigma * sigma));
    return v;
}

// Samples f on bins [lo, hi] and keeps the smallest window holding every
// value of magnitude >= windowFloor * peak.
template <typename F>
void sampleWindow(ScatteringFilter &filter, int n, int lo, int hi, F f)
{
    lo = std::max(lo, -n / 2 + 1);
    hi = std::min(hi, n / 2);
    std::vector<double> v(size_t(std::max(hi - lo + 1, 0)));
    double peak = 0.0;
    for (int k = lo; k <= hi; ++k) {
        v[size_t(k - lo)] = f(double(k) / n);
        peak = std::max(peak, std::abs(v[size_t(k - lo)]));
    }
    const double floor = ScatteringFilterBank::windowFloor * peak;
    int first = 0;
    int last = int(v.size()) - 1;
    while (first < last && std::abs(v[size_t(first)]) < floor)
        ++first;
    while (last > first && std::abs(v[size_t(last)]) < floor)
        --last;
    filter.firstBin = lo + first;
    filter.values.assign(size_t(last - first + 1), 0.0f);
    for (int i = first; i <= last; ++i)
        filter.values[size_t(i - first)] = float(v[size_t(i)]);
}

// Half-width (in bins) beyond which a Gaussian of this sigma and height is
// below windowFloor (with a bin of margin); 0 when it never reaches it.
int gaussianReach(double sigma, double height, int n)
{
    const double ratio = height / ScatteringFilterBank::windowFloor;
    if (ratio <= 1.0)
        return 0;
    return int(std::ceil(sigma * std::sqrt(2.0 * std::log(ratio)) * n)) + 1;
}

} // namespace

int ScatteringFilter::reach() const
{
    return std::max(std::abs(firstBin), std::abs(lastBin()));
}

double ScatteringFilter::at(int bin) const
{
    const int i = bin - firstBin;
    return i >= 0 && i < int(values.size()) ? double(values[size_t(i)]) : 0.0;
}

double ScatteringFilterBank::xiMax(int q)
{
    return std::max(1.0 / (1.0 + std::pow(2.0, 3.0 / q)), 0.35);
}

double ScatteringFilterBank::sigmaFor(double xi, int q)
{
    const double f = std::pow(2.0, -1.0 / q);
    const double r = crossing;
    return xi * (1.0 - f) / ((1.0 + f) * std::sqrt(2.0 * std::log(1.0 / r)));
}

double ScatteringFilterBank::phiSigma(int averaging)
{
    return 2.0 / (pi * averaging);
}

int ScatteringFilterBank::maxOctaves(int q, int averaging)
{
    const double sPhi = phiSigma(averaging);
    int j = 0;
    while (j < 64 && sigmaFor(xiMax(q) * std::pow(2.0, -double(q * (j + 1) - 1) / q), q) >= sPhi)
        ++j;
    return j;
}

ScatteringFilterBank::ScatteringFilterBank(int blockLength, int q, int octaves, int averaging)
    : m_n(blockLength)
    , m_q(q)
    , m_octaves(octaves)
{
    const int n = m_n;
    const double sPhi = phiSigma(averaging);

    m_phi.sigma = sPhi;
    const int phiReach = gaussianReach(sPhi, 1.0, n);
    sampleWindow(m_phi, n, -phiReach, phiReach, [&](double w) { return gaussian(w, sPhi); });

    // Centres and widths, from the top down.
    struct Spec
    {
        double xi;
        double sigma;
        bool constantQ;
    };
    std::vector<Spec> specs;
    const double top = xiMax(q);
    for (int j = 0; j < q * octaves; ++j) {
        const double xi = top * std::pow(2.0, -double(j) / q);
        specs.push_back({xi, sigmaFor(xi, q), true});
    }
    if (!specs.empty()) {
        const Spec last = specs.back();
        // The constant-Q centres' density at xi_L, dxi/dj = xi_L ln 2 / Q, so
        // that the LP sum keeps its level across the junction.
        const double step = last.xi * std::log(2.0) / q;
        for (int k = 1; last.xi - k * step >= linearStopSigmas * last.sigma; ++k)
            specs.push_back({last.xi - k * step, last.sigma, false});
    }

    for (auto it = specs.rbegin(); it != specs.rend(); ++it) {
        ScatteringFilter f;
        f.xi = it->xi;
        f.sigma = it->sigma;
        f.kind = it->constantQ ? ScatteringFilter::Kind::ConstantQ : ScatteringFilter::Kind::ConstantBandwidth;
        const double kappa = std::exp(-f.xi * f.xi / (2.0 * f.sigma * f.sigma));
        const int main = gaussianReach(f.sigma, 1.0, n);
        const int centre = int(std::lround(f.xi * n));
        int lo = centre - main;
        int hi = centre + main;
        const int correction = gaussianReach(f.sigma, kappa, n);
        if (correction > 0) {
            lo = std::min(lo, -correction);
            hi = std::max(hi, correction);
        }
        sampleWindow(f, n, lo, hi, [&](double w) { return morlet(w, f.xi, f.sigma, kappa); });
        m_wavelets.push_back(std::move(f));
    }

    // The largest common gain with A(k) <= 1 on every bin.
    std::vector<double> w(size_t(n / 2 + 1), 0.0);
    for (const ScatteringFilter &f : m_wavelets) {
        for (int k = f.firstBin; k <= f.lastBin(); ++k) {
            const double v = f.at(k);
            if (std::abs(k) <= n / 2)
                w[size_t(std::abs(k))] += 0.5 * v * v;
        }
    }
    double gain2 = std::numeric_limits<double>::infinity();
    for (int k = 1; k <= n / 2; ++k) {
        if (w[size_t(k)] <= 0.0)
            continue;
        const double p = m_phi.at(k);
        gain2 = std::min(gain2, (1.0 - p * p) / w[size_t(k)]);
    }
    if (!std::isfinite(gain2) || m_wavelets.empty())
        return;
    const float gain = float(std::sqrt(gain2));
    for (ScatteringFilter &f : m_wavelets)
        for (float &v : f.values)
            v *= gain;
    addLowComplement();
}

// Between phi and the lowest Morlet wavelets the LP sum dips (a Morlet
// wavelet vanishes at 0 and may not be narrower than phi). The complement
// psi_0 fills that deficit: |psi_0^(k)|^2 = 2 (1 - A(k)) c(k) r(k)^2 for
// k > 0, 0 for k <= 0 (analytic), with c = 1 up to the lowest Morlet centre
// and a raised-cosine fall to 0 at the next centre, and the onset
// r = 1 - exp(-(w / w_r)^2), w_r = complementOnset s_phi. Without r,
// sqrt(1 - A) would grow as |w| and the kink at 0 would make psi_0's time
// response decay only as 1/t^2, far past a block's margin; with it psi_0^
// starts as w^3.
void ScatteringFilterBank::addLowComplement()
{
    const int n = m_n;
    const std::vector<double> a = littlewoodPaley();
    const double flat = m_wavelets[0].xi;
    const double stop = m_wavelets.size() > 1 ? m_wavelets[1].xi : flat;
    const double onset = complementOnset * m_phi.sigma;
    const int end = std::min(int(std::ceil(stop * n)), n / 2);
    std::vector<double> v(size_t(end + 1), 0.0);   // v[k] = psi_0^(k)
    double sum = 0.0, first = 0.0, second = 0.0;
    for (int k = 1; k <= end; ++k) {
        const double w = double(k) / n;
        double taper = 1.0;
        if (w >= stop)
            taper = 0.0;
        else if (w > flat)
            taper = 0.5 + 0.5 * std::cos(pi * (w - flat) / (stop - flat));
        const double r = -std::expm1(-(w / onset) * (w / onset));
        const double v2 = 2.0 * std::max(0.0, 1.0 - a[size_t(k)]) * taper * r * r;
        v[size_t(k)] = std::sqrt(v2);
        sum += v2;
        first += v2 * k;
        second += v2 * double(k) * k;
    }
    if (sum <= 0.0)
        return;
    ScatteringFilter f;
    f.kind = ScatteringFilter::Kind::LowComplement;
    f.xi = first / sum / n;
    // The sigma of a Gaussian with the same spread of |psi^|^2 (whose own
    // standard deviation is sigma / sqrt(2)).
    f.sigma = std::sqrt(2.0 * std::max(second / sum - (first / sum) * (first / sum), 0.0)) / n;
    double peak = 0.0;
    for (double x : v)
        peak = std::max(peak, x);
    int lo = 1, hi = end;
    while (lo < hi && v[size_t(lo)] < windowFloor * peak)
        ++lo;
    while (hi > lo && v[size_t(hi)] < windowFloor * peak)
        --hi;
    f.firstBin = lo;
    for (int k = lo; k <= hi; ++k)
        f.values.push_back(float(v[size_t(k)]));
    m_wavelets.insert(m_wavelets.begin(), std::move(f));
}

double ScatteringFilterBank::coveredTop() const
{
    return m_wavelets.size() >= 2 ? m_wavelets[m_wavelets.size() - 2].xi : 0.0;
}

std::vector<double> ScatteringFilterBank::littlewoodPaley() const
{
    const int half = m_n / 2;
    std::vector<double> a(size_t(half + 1), 0.0);
    for (int k = 0; k <= half; ++k) {
        const double p = m_phi.at(k);
        a[size_t(k)] = p * p;
    }
    for (const ScatteringFilter &f : m_wavelets) {
        for (int k = f.firstBin; k <= f.lastBin(); ++k) {
            const double v = f.at(k);
            if (std::abs(k) <= half)
                a[size_t(std::abs(k))] += 0.5 * v * v;
        }
    }
    return a;
}

} // namespace taglane::engine
