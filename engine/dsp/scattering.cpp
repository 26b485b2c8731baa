// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/dsp/scattering.h"

#include "engine/dsp/stft.h"

#include <QCoreApplication>

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <new>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("taglane::engine::Scattering", text);
}

constexpr int maxQ = 32;
constexpr int minAveraging = 64;
constexpr int maxAveraging = 1 << 17;
constexpr int maxBlock = 1 << 24;
constexpr double maxOversampling = 16.0;

bool isPowerOfTwo(qint64 v)
{
    return v > 0 && (v & (v - 1)) == 0;
}

int floorPowerOfTwo(int v)
{
    int p = 1;
    while (p <= v / 2)
        p *= 2;
    return p;
}

// The smallest even number >= n whose prime factors are all 2, 3, 5 or 7
// (lengths FFTW transforms fast).
int nextSmoothEven(qint64 n)
{
    for (qint64 m = std::max<qint64>(n, 2);; ++m) {
        if (m % 2)
            continue;
        qint64 r = m;
        for (int p : {2, 3, 5, 7})
            while (r % p == 0)
                r /= p;
        if (r == 1)
            return int(m);
    }
}

// Index into [0, n) for any integer i, reflecting about the end samples
// without repeating them (period 2(n - 1)), as Stft's padding.
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

template <typename T>
struct FftwArray
{
    T *p = nullptr;
    explicit FftwArray(size_t n)
        : p(static_cast<T *>(fftwf_malloc(sizeof(T) * std::max<size_t>(n, 1))))
    {
        if (!p)
            throw std::bad_alloc();
    }
    ~FftwArray() { fftwf_free(p); }
    FftwArray(const FftwArray &) = delete;
    FftwArray &operator=(const FftwArray &) = delete;
};

// Plans for one transform length; made on fftwf_malloc'ed arrays, so the
// new-array execute functions may run them on a workspace's arrays.
struct LengthPlans
{
    fftwf_plan r2c = nullptr;   // real L -> L/2 + 1 bins
    fftwf_plan c2c = nullptr;   // complex L, backward
    fftwf_plan c2r = nullptr;   // L/2 + 1 bins -> real L
};

struct SecondPath
{
    int filter = 0;   // index in the second-order bank
    int length = 0;   // L2
    int row = 0;
    fftwf_plan c2c = nullptr;
    fftwf_plan r2c = nullptr;
};

struct FirstPath
{
    int filter = 0;   // index in the first-order bank
    int length = 0;   // L1
    int row = 0;
    fftwf_plan c2c = nullptr;
    fftwf_plan r2c = nullptr;
    std::vector<SecondPath> second;
};

} // namespace

QString ScatteringSettings::validate() const
{
    if (sampleRate <= 0 || sampleRate > 1000000)
        return tr("Scattering: the sample rate must be between 1 and 1000000 Hz (got %1).").arg(sampleRate);
    if (averaging < minAveraging || averaging > maxAveraging)
        return tr("Scattering: the averaging support T must be between %1 and %2 samples (got %3).")
            .arg(minAveraging)
            .arg(maxAveraging)
            .arg(averaging);
    if (q1 < 1 || q1 > maxQ || q2 < 1 || q2 > maxQ)
        return tr("Scattering: the wavelets per octave must be between 1 and %1 (got Q1 = %2, Q2 = %3).")
            .arg(maxQ)
            .arg(q1)
            .arg(q2);
    const int most1 = ScatteringFilterBank::maxOctaves(q1, averaging);
    const int most2 = ScatteringFilterBank::maxOctaves(q2, averaging);
    if (most1 < 1 || most2 < 1)
        return tr("Scattering: T = %1 samples is too short for Q1 = %2 and Q2 = %3: not even one octave of "
                  "wavelets fits inside the averaging window.")
            .arg(averaging)
            .arg(q1)
            .arg(q2);
    if (octaves < 0 || octaves > most1)
        return tr("Scattering: the first-order octaves J must be between 1 and %1 for T = %2 samples and Q1 = %3, "
                  "or 0 for that default (got %4).")
            .arg(most1)
            .arg(averaging)
            .arg(q1)
            .arg(octaves);
    if (blockLength != 0 && (!isPowerOfTwo(blockLength) || blockLength < 8 * averaging || blockLength > maxBlock))
        return tr("Scattering: the block length must be a power of two from 8 T = %1 to %2 samples, or 0 for the "
                  "default (got %3).")
            .arg(8 * averaging)
            .arg(maxBlock)
            .arg(blockLength);
    if (!std::isfinite(oversampling) || oversampling < 1.0 || oversampling > maxOversampling)
        return tr("Scattering: the oversampling must be from 1 to %1 (got %2).").arg(maxOversampling).arg(oversampling);
    return {};
}

struct Scattering::Private
{
    ScatteringSettings settings;
    QString error;
    int octaves = 0;
    int hop = 1;
    int block = 0;    // N
    int margin = 0;   // M, samples of context on each side of a block's core
    int outLength = 0;   // N / hop
    int phiReach = 0;    // bins of phi used, < outLength / 2
    int maxLength = 0;   // the longest L1 or L2
    int firstRows = 0;
    std::unique_ptr<ScatteringFilterBank> bank1;
    std::unique_ptr<ScatteringFilterBank> bank2;
    std::vector<ScatteringPath> paths;
    std::vector<FirstPath> plan;
    std::map<int, LengthPlans> plans;

    ~Private();
    void build();
    LengthPlans &plansFor(int length, bool complex);

    struct Workspace;
    void computeBlock(const float *x, qint64 n, qint64 blockIndex, qint64 frames, Workspace &ws, float *out) const;
    void average(const fftwf_complex *spectrum, int inLength, int row, qint64 firstFrame, qint64 frames,
                 Workspace &ws, float *out) const;
};

struct Scattering::Private::Workspace
{
    FftwArray<float> signal;
    FftwArray<fftwf_complex> spectrum;
    FftwArray<fftwf_complex> zIn;
    FftwArray<fftwf_complex> zOut;
    FftwArray<float> u1;
    FftwArray<fftwf_complex> u1Spectrum;
    FftwArray<float> u2;
    FftwArray<fftwf_complex> u2Spectrum;
    FftwArray<fftwf_complex> outSpectrum;
    FftwArray<float> outSignal;

    explicit Workspace(const Private &p)
        : signal(size_t(p.block))
        , spectrum(size_t(p.block / 2 + 1))
        , zIn(size_t(p.maxLength))
        , zOut(size_t(p.maxLength))
        , u1(size_t(p.maxLength))
        , u1Spectrum(size_t(p.maxLength / 2 + 1))
        , u2(size_t(p.maxLength))
        , u2Spectrum(size_t(p.maxLength / 2 + 1))
        , outSpectrum(size_t(p.outLength / 2 + 1))
        , outSignal(size_t(p.outLength))
    {
    }
};

Scattering::Private::~Private()
{
    std::lock_guard<std::mutex> lock(Stft::plannerMutex());
    for (auto &entry : plans) {
        for (fftwf_plan p : {entry.second.r2c, entry.second.c2c, entry.second.c2r})
            if (p)
                fftwf_destroy_plan(p);
    }
}

LengthPlans &Scattering::Private::plansFor(int length, bool complex)
{
    LengthPlans &p = plans[length];
    if (p.r2c && (!complex || p.c2c))
        return p;
    FftwArray<float> real{size_t(length)};
    FftwArray<fftwf_complex> a{size_t(length)};
    FftwArray<fftwf_complex> b{size_t(length)};
    std::lock_guard<std::mutex> lock(Stft::plannerMutex());
    if (!p.r2c)
        p.r2c = fftwf_plan_dft_r2c_1d(length, real.p, a.p, FFTW_ESTIMATE);
    if (complex && !p.c2c)
        p.c2c = fftwf_plan_dft_1d(length, a.p, b.p, FFTW_BACKWARD, FFTW_ESTIMATE);
    if (!p.r2c || (complex && !p.c2c))
        throw std::bad_alloc();
    return p;
}

void Scattering::Private::build()
{
    const ScatteringSettings &s = settings;
    octaves = s.octaves > 0 ? s.octaves : ScatteringFilterBank::maxOctaves(s.q1, s.averaging);
    hop = std::max(1, floorPowerOfTwo(s.averaging / 4));
    margin = int((2 * qint64(s.averaging) + hop - 1) / hop) * hop;
    block = s.blockLength > 0 ? s.blockLength : 1 << 16;
    while (block < 32 * s.averaging && s.blockLength == 0)
        block *= 2;
    outLength = block / hop;

    bank1 = std::make_unique<ScatteringFilterBank>(block, s.q1, octaves, s.averaging);
    bank2 = std::make_unique<ScatteringFilterBank>(block, s.q2, ScatteringFilterBank::maxOctaves(s.q2, s.averaging),
                                                   s.averaging);
    phiReach = std::min(bank1->phi().reach(), outLength / 2 - 1);

    auto length = [&](qint64 width, qint64 reach) {
        const double need = std::max<double>(double(width + reach), double(2 * reach + 2));
        return std::max(nextSmoothEven(qint64(std::ceil(s.oversampling * need))), outLength);
    };
    const double fwhm = 2.0 * std::sqrt(2.0 * std::log(2.0));
    const std::vector<ScatteringFilter> &w1 = bank1->wavelets();
    const std::vector<ScatteringFilter> &w2 = bank2->wavelets();
    for (int l1 = 0; l1 < int(w1.size()); ++l1) {
        FirstPath f;
        f.filter = l1;
        f.row = l1;
        int reach = phiReach;
        for (int l2 = 0; l2 < int(w2.size()); ++l2) {
            if (w2[size_t(l2)].xi > fwhm * w1[size_t(l1)].sigma || w2[size_t(l2)].xi >= w1[size_t(l1)].xi)
                continue;
            SecondPath p;
            p.filter = l2;
            p.length = length(qint64(w2[size_t(l2)].values.size()), phiReach);
            reach = std::max(reach, w2[size_t(l2)].reach());
            f.second.push_back(p);
        }
        f.length = length(qint64(w1[size_t(l1)].values.size()), reach);
        plan.push_back(std::move(f));
    }

    const double rate = s.sampleRate;
    firstRows = int(plan.size());
    for (FirstPath &f : plan) {
        ScatteringPath p;
        p.order = 1;
        p.l1 = f.filter;
        p.hz1 = w1[size_t(f.filter)].xi * rate;
        paths.push_back(p);
    }
    for (FirstPath &f : plan) {
        for (SecondPath &sp : f.second) {
            sp.row = int(paths.size());
            ScatteringPath p;
            p.order = 2;
            p.l1 = f.filter;
            p.l2 = sp.filter;
            p.hz1 = w1[size_t(f.filter)].xi * rate;
            p.hz2 = w2[size_t(sp.filter)].xi * rate;
            paths.push_back(p);
        }
    }

    // Plans: N (real forward), every L (complex backward, real forward) and
    // the output length (complex-to-real).
    plansFor(block, false);
    maxLength = outLength;
    for (FirstPath &f : plan) {
        LengthPlans &p1 = plansFor(f.length, true);
        f.c2c = p1.c2c;
        f.r2c = p1.r2c;
        maxLength = std::max(maxLength, f.length);
        for (SecondPath &sp : f.second) {
            LengthPlans &p2 = plansFor(sp.length, true);
            sp.c2c = p2.c2c;
            sp.r2c = p2.r2c;
            maxLength = std::max(maxLength, sp.length);
        }
    }
    LengthPlans &out = plans[outLength];
    {
        FftwArray<fftwf_complex> a{size_t(outLength / 2 + 1)};
        FftwArray<float> real{size_t(outLength)};
        std::lock_guard<std::mutex> lock(Stft::plannerMutex());
        out.c2r = fftwf_plan_dft_c2r_1d(outLength, a.p, real.p, FFTW_ESTIMATE);
        if (!out.c2r)
            throw std::bad_alloc();
    }
}

// phi applied to a real signal of inLength samples (spectrum: its r2c
// output): the spectrum truncated to the output rate, times phi^, back to
// time at outLength; the block's core frames go to their row of out.
void Scattering::Private::average(const fftwf_complex *spectrum, int inLength, int row, qint64 firstFrame,
                                  qint64 frames, Workspace &ws, float *out) const
{
    fftwf_complex *o = ws.outSpectrum.p;
    const ScatteringFilter &phi = bank1->phi();
    const float *pv = phi.values.data() + (0 - phi.firstBin);   // pv[k] = phi^(k), k >= 0
    for (int k = 0; k <= phiReach; ++k) {
        o[k][0] = spectrum[k][0] * pv[k];
        o[k][1] = spectrum[k][1] * pv[k];
    }
    for (int k = phiReach + 1; k <= outLength / 2; ++k)
        o[k][0] = o[k][1] = 0.0f;
    fftwf_execute_dft_c2r(plans.at(outLength).c2r, o, ws.outSignal.p);
    const float scale = 1.0f / float(inLength);
    const int first = margin / hop;
    const int nRows = int(paths.size());
    for (qint64 i = 0; i < frames; ++i)
        out[size_t(firstFrame + i) * size_t(nRows) + size_t(row)] = ws.outSignal.p[first + i] * scale;
}

void Scattering::Private::computeBlock(const float *x, qint64 n, qint64 blockIndex, qint64 frames, Workspace &ws,
                                float *out) const
{
    const qint64 core = block - 2 * margin;
    const qint64 start = blockIndex * core - margin;
    const qint64 firstFrame = blockIndex * core / hop;
    const qint64 count = std::min<qint64>(core / hop, frames - firstFrame);

    float *sig = ws.signal.p;
    if (start >= 0 && start + block <= n) {
        std::copy_n(x + start, block, sig);
    } else {
        for (int i = 0; i < block; ++i)
            sig[i] = x[reflectIndex(start + i, n)];
    }
    fftwf_execute_dft_r2c(plans.at(block).r2c, sig, ws.spectrum.p);
    const fftwf_complex *X = ws.spectrum.p;

    const std::vector<ScatteringFilter> &w1 = bank1->wavelets();
    const std::vector<ScatteringFilter> &w2 = bank2->wavelets();
    fftwf_complex *zIn = ws.zIn.p;
    fftwf_complex *zOut = ws.zOut.p;
    for (const FirstPath &f : plan) {
        // z1 = x * psi_l1 at L1 samples, shifted to baseband.
        const ScatteringFilter &psi = w1[size_t(f.filter)];
        const int width = int(psi.values.size());
        const float *v = psi.values.data();
        int i = 0;
        for (; i < width && psi.firstBin + i < 0; ++i) {
            const int k = -(psi.firstBin + i);
            zIn[i][0] = X[k][0] * v[i];
            zIn[i][1] = -X[k][1] * v[i];
        }
        const fftwf_complex *Xp = X + psi.firstBin;
        for (; i < width; ++i) {
            zIn[i][0] = Xp[i][0] * v[i];
            zIn[i][1] = Xp[i][1] * v[i];
        }
        std::fill(&zIn[width][0], &zIn[0][0] + 2 * size_t(f.length), 0.0f);
        fftwf_execute_dft(f.c2c, zIn, zOut);
        const float scale1 = 1.0f / float(block);
        float *u1 = ws.u1.p;
        for (int m = 0; m < f.length; ++m)
            u1[m] = std::sqrt(zOut[m][0] * zOut[m][0] + zOut[m][1] * zOut[m][1]) * scale1;
        fftwf_execute_dft_r2c(f.r2c, u1, ws.u1Spectrum.p);
        const fftwf_complex *U = ws.u1Spectrum.p;
        average(U, f.length, f.row, firstFrame, count, ws, out);

        for (const SecondPath &sp : f.second) {
            const ScatteringFilter &g = w2[size_t(sp.filter)];
            const int w = int(g.values.size());
            const float *gv = g.values.data();
            int j = 0;
            for (; j < w && g.firstBin + j < 0; ++j) {
                const int k = -(g.firstBin + j);
                zIn[j][0] = U[k][0] * gv[j];
                zIn[j][1] = -U[k][1] * gv[j];
            }
            const fftwf_complex *Up = U + g.firstBin;
            for (; j < w; ++j) {
                zIn[j][0] = Up[j][0] * gv[j];
                zIn[j][1] = Up[j][1] * gv[j];
            }
            std::fill(&zIn[w][0], &zIn[0][0] + 2 * size_t(sp.length), 0.0f);
            fftwf_execute_dft(sp.c2c, zIn, zOut);
            const float scale2 = 1.0f / float(f.length);
            float *u2 = ws.u2.p;
            for (int m = 0; m < sp.length; ++m)
                u2[m] = std::sqrt(zOut[m][0] * zOut[m][0] + zOut[m][1] * zOut[m][1]) * scale2;
            fftwf_execute_dft_r2c(sp.r2c, u2, ws.u2Spectrum.p);
            average(ws.u2Spectrum.p, sp.length, sp.row, firstFrame, count, ws, out);
        }
    }
}

Scattering::Scattering(const ScatteringSettings &settings)
    : d(std::make_unique<Private>())
{
    d->settings = settings;
    d->error = settings.validate();
    if (!d->error.isEmpty())
        return;
    try {
        d->build();
    } catch (const std::bad_alloc &) {
        d->error = tr("Scattering: out of memory while building the filter banks.");
    }
}

Scattering::~Scattering() = default;

const ScatteringSettings &Scattering::settings() const
{
    return d->settings;
}

bool Scattering::isValid() const
{
    return d->error.isEmpty();
}

QString Scattering::error() const
{
    return d->error;
}

int Scattering::octaves() const
{
    return d->octaves;
}

int Scattering::hop() const
{
    return d->hop;
}

int Scattering::rows() const
{
    return int(d->paths.size());
}

int Scattering::firstOrderRows() const
{
    return d->firstRows;
}

const std::vector<ScatteringPath> &Scattering::paths() const
{
    return d->paths;
}

const ScatteringFilterBank &Scattering::firstOrderBank() const
{
    return *d->bank1;
}

const ScatteringFilterBank &Scattering::secondOrderBank() const
{
    return *d->bank2;
}

qint64 Scattering::frameCount(qint64 samples) const
{
    return samples > 0 ? 1 + samples / d->hop : 0;
}

double Scattering::frameSeconds(qint64 frame) const
{
    return double(frame) * d->hop / d->settings.sampleRate;
}

qint64 Scattering::minimumSamples() const
{
    return d->hop;
}

qint64 Scattering::maximumSamples() const
{
    if (!isValid() || rows() == 0)
        return 0;
    const qint64 frames = maxValues / rows();
    return (frames - 1) * d->hop + (d->hop - 1);
}

Result<FeatureMatrix> Scattering::compute(const AudioBuffer &buffer) const
{
    if (isValid() && !buffer.isEmpty() && buffer.sampleRate() != d->settings.sampleRate)
        return Result<FeatureMatrix>::failure(
            tr("Scattering: the audio is at %1 Hz but the transform is set up for %2 Hz; resample it first.")
                .arg(buffer.sampleRate())
                .arg(d->settings.sampleRate));
    return compute(buffer.data(), buffer.size());
}

Result<FeatureMatrix> Scattering::compute(const float *samples, qint64 count) const
{
    using R = Result<FeatureMatrix>;
    if (!isValid())
        return R::failure(d->error);
    if (!samples || count <= 0)
        return R::failure(tr("Scattering: the signal is empty."));
    if (count < minimumSamples())
        return R::failure(tr("Scattering: the signal has %1 samples; at least %2 (one frame hop, %3 s) are needed.")
                              .arg(count)
                              .arg(minimumSamples())
                              .arg(double(minimumSamples()) / d->settings.sampleRate, 0, 'g', 3));
    if (count > maximumSamples())
        return R::failure(tr("Scattering: the signal has %1 samples (%2 h); at most %3 fit in one matrix of "
                             "%4 coefficients per frame. Split it.")
                              .arg(count)
                              .arg(double(count) / d->settings.sampleRate / 3600.0, 0, 'f', 1)
                              .arg(maximumSamples())
                              .arg(rows()));
    for (qint64 i = 0; i < count; ++i) {
        if (!std::isfinite(samples[i]))
            return R::failure(tr("Scattering: sample %1 is not a finite number.").arg(i));
    }

    try {
        FeatureMatrix m;
        m.rows = rows();
        m.frames = frameCount(count);
        m.values.assign(size_t(m.frames) * size_t(m.rows), 0.0f);
        Private::Workspace ws(*d);
        const qint64 coreFrames = (d->block - 2 * d->margin) / d->hop;
        const qint64 blocks = (m.frames + coreFrames - 1) / coreFrames;
        for (qint64 b = 0; b < blocks; ++b)
            d->computeBlock(samples, count, b, m.frames, ws, m.values.data());

        const ScatteringSettings &s = d->settings;
        const int nRows = m.rows;
        const float norm = float(normFloor);
        const float logf = float(logFloor);
        for (qint64 t = 0; t < m.frames; ++t) {
            float *row = m.values.data() + size_t(t) * size_t(nRows);
            // phi's tails and float rounding can leave values a hair below 0.
            for (int r = 0; r < nRows; ++r)
                row[r] = std::max(row[r], 0.0f);
            if (s.normalise) {
                for (int r = d->firstRows; r < nRows; ++r)
                    row[r] /= row[d->paths[size_t(r)].l1] + norm;
            }
            if (s.logCompression) {
                for (int r = 0; r < nRows; ++r)
                    row[r] = std::log(row[r] + logf);
            }
        }
        return m;
    } catch (const std::bad_alloc &) {
        return R::failure(tr("Scattering: out of memory for a signal of %1 samples.").arg(count));
    }
}

} // namespace taglane::engine
