// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/dsp/stft.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <new>

namespace taglane::engine {

namespace {

constexpr double pi = 3.14159265358979323846;

// Index into [0, n) for any integer i, reflecting about the end samples
// without repeating them (period 2(n - 1)).
inline qint64 reflectIndex(qint64 i, qint64 n)
{
    if (n == 1)
        return 0;
    const qint64 period = 2 * (n - 1);
    i %= period;
    if (i < 0)
        i += period;
    return i < n ? i : period - i;
}

} // namespace

struct Stft::Workspace::Buffers
{
    float *input = nullptr;
    fftwf_complex *output = nullptr;
    ~Buffers()
    {
        fftwf_free(input);
        fftwf_free(output);
    }
};

Stft::Workspace::Workspace(int nFft)
    : d(std::make_unique<Buffers>())
{
    d->input = static_cast<float *>(fftwf_malloc(sizeof(float) * size_t(nFft)));
    d->output = static_cast<fftwf_complex *>(fftwf_malloc(sizeof(fftwf_complex) * size_t(nFft / 2 + 1)));
    if (!d->input || !d->output)
        throw std::bad_alloc();
}

Stft::Workspace::~Workspace() = default;
Stft::Workspace::Workspace(Workspace &&) noexcept = default;
Stft::Workspace &Stft::Workspace::operator=(Workspace &&) noexcept = default;

std::mutex &Stft::plannerMutex()
{
    static std::mutex mutex;
    return mutex;
}

std::vector<float> Stft::hannWindow(int n)
{
    std::vector<float> w(size_t(std::max(n, 0)));
    for (int i = 0; i < n; ++i)
        w[size_t(i)] = float(0.5 - 0.5 * std::cos(2.0 * pi * double(i) / double(n)));
    return w;
}

Stft::Stft(int nFft, int hop, double preEmphasis)
    : m_nFft(std::max(nFft, 2))
    , m_hop(std::max(hop, 1))
    , m_preEmphasis(preEmphasis)
    , m_window(hannWindow(m_nFft))
{
    // The plan is made on aligned scratch arrays of the same kind as a
    // Workspace's, so the new-array execute interface may use it on those.
    Workspace scratch(m_nFft);
    std::lock_guard<std::mutex> lock(plannerMutex());
    m_plan = fftwf_plan_dft_r2c_1d(m_nFft, scratch.d->input, scratch.d->output, FFTW_ESTIMATE);
    if (!m_plan)
        throw std::bad_alloc();
}

Stft::~Stft()
{
    std::lock_guard<std::mutex> lock(plannerMutex());
    fftwf_destroy_plan(static_cast<fftwf_plan>(m_plan));
}

qint64 Stft::frameCount(qint64 samples) const
{
    return samples > 0 ? 1 + samples / m_hop : 0;
}

void Stft::frameSamples(const float *x, qint64 n, qint64 frame, float *out) const
{
    const qint64 start = frame * m_hop - m_nFft / 2;
    const float *w = m_window.data();
    const float a = float(m_preEmphasis);
    const bool emphasis = m_preEmphasis != 0.0;
    if (start >= (emphasis ? 1 : 0) && start + m_nFft <= n) {
        const float *s = x + start;
        if (emphasis) {
            for (int i = 0; i < m_nFft; ++i)
                out[i] = (s[i] - a * s[i - 1]) * w[i];
        } else {
            for (int i = 0; i < m_nFft; ++i)
                out[i] = s[i] * w[i];
        }
        return;
    }
    for (int i = 0; i < m_nFft; ++i) {
        const qint64 j = reflectIndex(start + i, n);
        float v = x[j];
        if (emphasis && j > 0)
            v -= a * x[j - 1];
        out[i] = v * w[i];
    }
}

void Stft::transform(const float *samples, qint64 count, qint64 frame, Workspace &ws) const
{
    frameSamples(samples, count, frame, ws.d->input);
    fftwf_execute_dft_r2c(static_cast<fftwf_plan>(m_plan), ws.d->input, ws.d->output);
}

void Stft::spectrum(const float *samples, qint64 count, qint64 frame, Workspace &ws,
                    std::complex<float> *out) const
{
    transform(samples, count, frame, ws);
    const fftwf_complex *X = ws.d->output;
    for (int k = 0; k < bins(); ++k)
        out[k] = std::complex<float>(X[k][0], X[k][1]);
}

void Stft::power(const float *samples, qint64 count, qint64 frame, Workspace &ws, float *out) const
{
    transform(samples, count, frame, ws);
    const fftwf_complex *X = ws.d->output;
    const int nb = bins();
    for (int k = 0; k < nb; ++k)
        out[k] = X[k][0] * X[k][0] + X[k][1] * X[k][1];
}

} // namespace taglane::engine
