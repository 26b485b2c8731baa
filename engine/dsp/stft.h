// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <complex>
#include <memory>
#include <mutex>
#include <vector>

namespace taglane::engine {

/// Short-time Fourier transform with a periodic Hann window and centred
/// framing: frame t covers samples [t*hop - nFft/2, t*hop - nFft/2 + nFft),
/// and samples outside [0, N) are reflected about the end samples
/// (x[-i] = x[i], x[N-1+i] = x[N-1-i], as numpy/torch "reflect" padding;
/// a signal shorter than the padding keeps reflecting back and forth).
/// N samples give 1 + N/hop frames. Optional pre-emphasis
/// y[n] = x[n] - a x[n-1] (y[0] = x[0]) is applied to the signal before
/// framing, so the padding reflects the pre-emphasised signal.
///
/// The FFTW plan is made once in the constructor (under plannerMutex());
/// the const methods may run concurrently from several threads as long as
/// each thread uses its own Workspace.
class Stft
{
public:
    /// Per-thread scratch buffers (FFTW-aligned), made by workspace(). Cheap;
    /// create one per compute call or per thread. Not shared between threads.
    class Workspace
    {
    public:
        ~Workspace();
        Workspace(Workspace &&) noexcept;
        Workspace &operator=(Workspace &&) noexcept;
        Workspace(const Workspace &) = delete;
        Workspace &operator=(const Workspace &) = delete;

    private:
        friend class Stft;
        explicit Workspace(int nFft);
        struct Buffers;
        std::unique_ptr<Buffers> d;
    };

    /// Builds the window and the FFTW plan. Any thread; nFft >= 2, hop >= 1.
    Stft(int nFft, int hop, double preEmphasis = 0.0);
    ~Stft();
    Stft(const Stft &) = delete;
    Stft &operator=(const Stft &) = delete;

    int nFft() const { return m_nFft; }
    int hop() const { return m_hop; }
    /// nFft/2 + 1 non-negative frequency bins.
    int bins() const { return m_nFft / 2 + 1; }
    double preEmphasis() const { return m_preEmphasis; }
    const std::vector<float> &window() const { return m_window; }
    /// Scratch buffers for one thread's calls to spectrum()/power(). Any thread.
    Workspace workspace() const { return Workspace(m_nFft); }
    /// 1 + samples/hop; 0 for an empty signal. Any thread.
    qint64 frameCount(qint64 samples) const;

    /// Complex spectrum X(k), k = 0..nFft/2, of frame t of samples[0, count).
    /// Any thread (own workspace). count must be > 0.
    void spectrum(const float *samples, qint64 count, qint64 frame, Workspace &ws,
                  std::complex<float> *out) const;
    /// Power spectrum |X(k)|^2 of frame t. Any thread (own workspace).
    void power(const float *samples, qint64 count, qint64 frame, Workspace &ws, float *out) const;

    /// Periodic Hann window of length n: 0.5 - 0.5 cos(2 pi i / n).
    static std::vector<float> hannWindow(int n);
    /// FFTW's planner is not thread-safe: every fftwf_plan_* and
    /// fftwf_destroy_plan call in the engine takes this lock.
    static std::mutex &plannerMutex();

private:
    void frameSamples(const float *samples, qint64 count, qint64 frame, float *out) const;
    void transform(const float *samples, qint64 count, qint64 frame, Workspace &ws) const;

    int m_nFft;
    int m_hop;
    double m_preEmphasis;
    std::vector<float> m_window;
    void *m_plan = nullptr;   // fftwf_plan; kept opaque so this header needs no FFTW
};

} // namespace taglane::engine
