// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/augmentation.h"

#include "engine/corpus/midicomposer.h"
#include "engine/corpus/phraseplanner.h"
#include "engine/corpus/seededrandom.h"
#include "engine/dsp/stft.h"

#include <QCoreApplication>
#include <QFile>

#include <fftw3.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <mutex>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Augmentation", text);
}

constexpr double kPi = 3.14159265358979323846;

const char *const kKindNames[] = {"gain", "mix", "eq", "reverb", "chorus", "distortion", "pitch", "tempo", "noise", "codec"};

/// A biquad (RBJ audio-EQ cookbook forms), direct form I per channel.
struct Biquad
{
    double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;

    static Biquad shelf(bool high, double rate, double hz, double db)
    {
        const double a = std::pow(10.0, db / 40.0);
        const double w = 2.0 * kPi * hz / rate;
        const double cw = std::cos(w), sw = std::sin(w);
        const double alpha = sw / 2.0 * std::sqrt(2.0);  // shelf slope 1
        const double sa = 2.0 * std::sqrt(a) * alpha;
        double b0, b1, b2, a0, a1, a2;
        if (!high) {
            b0 = a * ((a + 1) - (a - 1) * cw + sa);
            b1 = 2 * a * ((a - 1) - (a + 1) * cw);
            b2 = a * ((a + 1) - (a - 1) * cw - sa);
            a0 = (a + 1) + (a - 1) * cw + sa;
            a1 = -2 * ((a - 1) + (a + 1) * cw);
            a2 = (a + 1) + (a - 1) * cw - sa;
        } else {
            b0 = a * ((a + 1) + (a - 1) * cw + sa);
            b1 = -2 * a * ((a - 1) + (a + 1) * cw);
            b2 = a * ((a + 1) + (a - 1) * cw - sa);
            a0 = (a + 1) - (a - 1) * cw + sa;
            a1 = 2 * ((a - 1) - (a + 1) * cw);
            a2 = (a + 1) - (a - 1) * cw - sa;
        }
        return {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
    }

    static Biquad peak(double rate, double hz, double db, double q)
    {
        const double a = std::pow(10.0, db / 40.0);
        const double w = 2.0 * kPi * hz / rate;
        const double alpha = std::sin(w) / (2.0 * q);
        const double cw = std::cos(w);
        const double a0 = 1 + alpha / a;
        return {(1 + alpha * a) / a0, -2 * cw / a0, (1 - alpha * a) / a0, -2 * cw / a0, (1 - alpha / a) / a0};
    }

    void run(std::vector<float> &x, int channels) const
    {
        for (int c = 0; c < channels; ++c) {
            double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
            for (size_t i = size_t(c); i < x.size(); i += size_t(channels)) {
                const double in = x[i];
                const double y = b0 * in + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
                x2 = x1;
                x1 = in;
                y2 = y1;
                y1 = y;
                x[i] = float(y);
            }
        }
    }
};

/// Linear convolution of `x` (n samples) with `h`, the first n samples of it.
std::vector<float> convolve(const std::vector<float> &x, const std::vector<float> &h)
{
    const size_t n = x.size();
    if (n == 0 || h.empty())
        return std::vector<float>(n, 0.0f);
    size_t size = 1;
    while (size < n + h.size())
        size <<= 1;
    const size_t bins = size / 2 + 1;
    float *a = static_cast<float *>(fftwf_malloc(sizeof(float) * size));
    float *b = static_cast<float *>(fftwf_malloc(sizeof(float) * size));
    auto *fa = static_cast<fftwf_complex *>(fftwf_malloc(sizeof(fftwf_complex) * bins));
    auto *fb = static_cast<fftwf_complex *>(fftwf_malloc(sizeof(fftwf_complex) * bins));
    fftwf_plan pa, pb, inverse;
    {
        std::lock_guard<std::mutex> lock(Stft::plannerMutex());
        pa = fftwf_plan_dft_r2c_1d(int(size), a, fa, FFTW_ESTIMATE);
        pb = fftwf_plan_dft_r2c_1d(int(size), b, fb, FFTW_ESTIMATE);
        inverse = fftwf_plan_dft_c2r_1d(int(size), fa, a, FFTW_ESTIMATE);
    }
    std::fill(a, a + size, 0.0f);
    std::fill(b, b + size, 0.0f);
    std::copy(x.begin(), x.end(), a);
    std::copy(h.begin(), h.end(), b);
    fftwf_execute(pa);
    fftwf_execute(pb);
    for (size_t k = 0; k < bins; ++k) {
        const std::complex<float> p = std::complex<float>(fa[k][0], fa[k][1]) * std::complex<float>(fb[k][0], fb[k][1]);
        fa[k][0] = p.real();
        fa[k][1] = p.imag();
    }
    fftwf_execute(inverse);
    std::vector<float> y(n);
    const float scale = 1.0f / float(size);
    for (size_t i = 0; i < n; ++i)
        y[i] = a[i] * scale;
    {
        std::lock_guard<std::mutex> lock(Stft::plannerMutex());
        fftwf_destroy_plan(pa);
        fftwf_destroy_plan(pb);
        fftwf_destroy_plan(inverse);
    }
    fftwf_free(a);
    fftwf_free(b);
    fftwf_free(fa);
    fftwf_free(fb);
    return y;
}

/// Frames [first, last) of each segment.
std::vector<std::pair<qint64, qint64>> segmentFrames(const TrackPlan &plan, int rate, qint64 frames)
{
    std::vector<std::pair<qint64, qint64>> spans;
    for (const SegmentArrangement &s : plan.segments)
        spans.push_back({std::min(frames, qint64(std::llround(s.start * rate))),
                         std::min(frames, qint64(std::llround(s.end * rate)))});
    return spans;
}

} // namespace

bool TrackAugmentation::audio() const
{
    return gainDb != 0.0 || eq || reverb == 2 || chorus == 2 || drive > 0.0 || noiseSnrDb > 0.0 || codec != 0;
}

QStringList Augmentation::kindNames()
{
    QStringList names;
    for (const char *n : kKindNames)
        names << QString::fromLatin1(n);
    return names;
}

QString Augmentation::kindList(quint32 kinds)
{
    QStringList on;
    for (int i = 0; i < int(std::size(kKindNames)); ++i)
        if (kinds & (1u << i))
            on << QString::fromLatin1(kKindNames[i]);
    return on.isEmpty() ? QStringLiteral("none") : on.join(QLatin1Char(','));
}

Result<quint32> Augmentation::parseKinds(const QString &list)
{
    quint32 kinds = 0;
    for (const QString &raw : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString item = raw.trimmed().toLower();
        if (item == QLatin1String("all")) {
            kinds |= All;
            continue;
        }
        if (item == QLatin1String("none"))
            continue;
        const int index = int(kindNames().indexOf(item));
        if (index < 0)
            return Result<quint32>::failure(tr("unknown augmentation '%1' (use all, none or a comma-separated list "
                                               "of: %2)")
                                                .arg(raw.trimmed(), kindNames().join(QStringLiteral(", "))));
        kinds |= 1u << index;
    }
    return kinds;
}

TrackAugmentation Augmentation::draw(quint64 corpusSeed, int index, quint32 kinds)
{
    // Every value is drawn whatever the kinds, in a fixed order, so that
    // switching one kind off leaves the others' values as they were.
    SeededRandom r(SeededRandom::derive(corpusSeed ^ 0x4155474D454E5400ull, quint64(index)));
    TrackAugmentation a;
    const double gain = r.uniformReal(-4.0, 2.0);
    const bool mix = r.chance(0.6);
    const bool eq = r.chance(0.6);
    a.lowShelfHz = r.uniformReal(80.0, 300.0);
    a.lowShelfDb = r.uniformReal(-6.0, 6.0);
    a.highShelfHz = r.uniformReal(2500.0, 8000.0);
    a.highShelfDb = r.uniformReal(-8.0, 6.0);
    a.peakHz = 250.0 * std::pow(16.0, r.uniformReal(0.0, 1.0));
    a.peakDb = r.uniformReal(-6.0, 6.0);
    a.peakQ = r.uniformReal(0.5, 2.0);
    const int reverb = r.weighted({0.4, 0.3, 0.3});
    a.roomSize = r.uniformReal(0.2, 0.6);  // decays within SynthRenderer::flushSeconds
    a.damping = r.uniformReal(0.0, 0.8);
    a.reverbLevel = r.uniformReal(0.3, 0.9);
    a.rt60 = r.uniformReal(0.2, 1.0);
    a.wet = r.uniformReal(0.1, 0.4);
    a.predelayMs = r.uniformReal(0.0, 25.0);
    const int chorus = r.weighted({0.5, 0.25, 0.25});
    a.chorusRateHz = r.uniformReal(0.3, 2.0);
    a.chorusDepthMs = r.uniformReal(1.5, 6.0);
    a.chorusMix = r.uniformReal(0.2, 0.5);
    const double drive = r.chance(0.3) ? r.uniformReal(1.5, 5.0) : 0.0;
    const double detune = r.chance(0.5) ? r.uniformReal(-40.0, 40.0) : 0.0;
    const double tempo = r.chance(0.5) ? r.uniformReal(0.94, 1.06) : 1.0;
    const double snr = r.chance(0.5) ? r.uniformReal(18.0, 40.0) : 0.0;
    a.pinkNoise = r.chance(0.5);
    const int codec = r.weighted({0.5, 0.25, 0.25});
    a.codecQuality = r.uniformReal(0.3, 0.9);
    a.seed = r.next();

    a.gainDb = kinds & Gain ? gain : 0.0;
    a.mix = (kinds & Mix) && mix;
    a.eq = (kinds & Eq) && eq;
    a.reverb = kinds & Reverb ? reverb : 0;
    a.chorus = kinds & Chorus ? chorus : 0;
    a.drive = kinds & Distortion ? drive : 0.0;
    a.detuneCents = kinds & Pitch ? detune : 0.0;
    a.tempoFactor = kinds & Tempo ? tempo : 1.0;
    a.noiseSnrDb = kinds & Noise ? snr : 0.0;
    a.codec = kinds & Codec ? codec : 0;
    return a;
}

void Augmentation::applyToPlan(TrackPlan &plan, const TrackAugmentation &a, quint64 corpusSeed, int index)
{
    if (a.tempoFactor != 1.0) {
        qint64 startMs = 0;
        for (SegmentArrangement &s : plan.segments) {
            const int low = s.fast ? 116 : 60, high = s.fast ? 160 : 84;
            const int bpm = std::clamp(int(std::lround(s.bpm * a.tempoFactor)), low, high);
            const double seconds = s.bars * 240.0 / bpm;
            if (seconds >= 3.0 - 1e-9 && seconds <= 16.0 + 1e-9)
                s.bpm = bpm;
            if (s.generator == Generator::Phrase)
                s.drift = std::clamp(s.drift, -PhrasePlanner::maxDrift(s.bpm), PhrasePlanner::maxDrift(s.bpm));
            const qint64 lengthMs = qint64(std::llround(s.bars * 240.0 / s.bpm * 1000.0));
            s.start = double(startMs) / 1000.0;
            s.end = double(startMs + lengthMs) / 1000.0;
            startMs += lengthMs;
        }
        plan.duration = double(startMs) / 1000.0;
    }
    if (a.mix) {
        SeededRandom r(SeededRandom::derive(corpusSeed ^ 0x4D49580000000000ull, quint64(index)));
        for (SegmentArrangement &s : plan.segments)
            for (auto &offset : s.mixOffsets)
                offset = qint8(r.uniformInt(-14, 8));
    }
}

std::vector<float> Augmentation::roomResponse(int rate, double rt60, double predelayMs, quint64 seed)
{
    SeededRandom r(seed);
    const size_t length = size_t(std::max(0.05, rt60 * 1.1 + predelayMs / 1000.0) * rate);
    std::vector<float> h(length, 0.0f);
    const size_t pre = size_t(predelayMs / 1000.0 * rate);
    // Early reflections within 30 ms after the pre-delay.
    for (int k = 0; k < 8; ++k) {
        const size_t at = pre + size_t(r.uniformReal(0.001, 0.030) * rate);
        if (at < length)
            h[at] += float((r.chance(0.5) ? 1.0 : -1.0) * r.uniformReal(0.2, 0.6));
    }
    // The diffuse tail: noise decaying by 60 dB over rt60, darkening as it goes.
    double lp = 0.0;
    for (size_t i = pre; i < length; ++i) {
        const double t = double(i - pre) / rate;
        const double coefficient = std::min(0.95, 0.2 + t / std::max(0.05, rt60));  // low-pass grows with time
        lp = (1.0 - coefficient) * r.uniformReal(-1.0, 1.0) + coefficient * lp;
        h[i] += float(lp * std::exp(-6.9078 * t / rt60));
    }
    double energy = 0.0;
    for (float v : h)
        energy += double(v) * v;
    const float norm = energy > 0.0 ? float(1.0 / std::sqrt(energy)) : 1.0f;
    for (float &v : h)
        v *= norm;
    return h;
}

void Augmentation::process(std::vector<float> &x, int channels, int rate, const TrackPlan &plan,
                           const TrackAugmentation &a)
{
    channels = std::max(1, channels);
    const qint64 frames = qint64(x.size()) / channels;
    const auto spans = segmentFrames(plan, rate, frames);
    const qint64 fade = qint64(MidiComposer::fadeSeconds * rate);

    // Reverb and chorus inside each segment, faded out at its end.
    if (a.reverb == 2 || a.chorus == 2) {
        const std::vector<float> room = a.reverb == 2 ? roomResponse(rate, a.rt60, a.predelayMs, a.seed)
                                                      : std::vector<float>{};
        for (const auto &[first, last] : spans) {
            const qint64 n = last - first;
            if (n <= 0)
                continue;
            for (int c = 0; c < channels; ++c) {
                std::vector<float> dry(static_cast<size_t>(n));
                for (qint64 i = 0; i < n; ++i)
                    dry[size_t(i)] = x[size_t((first + i) * channels + c)];
                std::vector<float> out = dry;
                if (a.reverb == 2) {
                    const auto wet = convolve(dry, room);
                    for (qint64 i = 0; i < n; ++i)
                        out[size_t(i)] = float((1.0 - 0.5 * a.wet) * dry[size_t(i)] + a.wet * wet[size_t(i)]);
                }
                if (a.chorus == 2) {
                    // A delay of 12 ms plus depth, modulated by a sine (a quarter period apart per channel).
                    const std::vector<float> in = out;
                    const double phase = c * kPi / 2.0;
                    for (qint64 i = 0; i < n; ++i) {
                        const double delay = (0.012 + 0.001 * a.chorusDepthMs
                                              * (1.0 + std::sin(2.0 * kPi * a.chorusRateHz * double(first + i) / rate + phase))
                                                  / 2.0)
                                             * rate;
                        const double pos = double(i) - delay;
                        float delayed = 0.0f;
                        if (pos >= 0.0) {
                            const auto k = qint64(pos);
                            const double frac = pos - double(k);
                            delayed = float((1.0 - frac) * in[size_t(k)] + frac * in[size_t(std::min(n - 1, k + 1))]);
                        }
                        out[size_t(i)] = float((1.0 - 0.5 * a.chorusMix) * in[size_t(i)] + a.chorusMix * delayed);
                    }
                }
                for (qint64 i = 0; i < n; ++i) {
                    const qint64 toEnd = n - i;
                    const float g = toEnd < fade ? float(toEnd) / float(fade) : 1.0f;
                    x[size_t((first + i) * channels + c)] = out[size_t(i)] * g;
                }
            }
        }
    }
    if (a.eq) {
        const double nyquistGuard = 0.45 * rate;
        Biquad::shelf(false, rate, std::min(a.lowShelfHz, nyquistGuard), a.lowShelfDb).run(x, channels);
        Biquad::shelf(true, rate, std::min(a.highShelfHz, nyquistGuard), a.highShelfDb).run(x, channels);
        Biquad::peak(rate, std::min(a.peakHz, nyquistGuard), a.peakDb, a.peakQ).run(x, channels);
    }
    if (a.drive > 0.0)
        for (float &v : x)
            v = float(std::tanh(a.drive * v) / a.drive);
    if (a.gainDb != 0.0) {
        const float g = float(std::pow(10.0, a.gainDb / 20.0));
        for (float &v : x)
            v *= g;
    }
    if (a.noiseSnrDb > 0.0) {
        double energy = 0.0;
        for (float v : x)
            energy += double(v) * v;
        const double level = std::sqrt(energy / double(std::max<size_t>(1, x.size()))) * std::pow(10.0, -a.noiseSnrDb / 20.0);
        SeededRandom r(SeededRandom::derive(a.seed, 77));
        std::vector<float> noise(x.size());
        for (int c = 0; c < channels; ++c) {
            // Pink by Paul Kellet's economy filter of white noise.
            double b0 = 0, b1 = 0, b2 = 0;
            for (size_t i = size_t(c); i < x.size(); i += size_t(channels)) {
                const double white = r.uniformReal(-1.0, 1.0);
                double n = white;
                if (a.pinkNoise) {
                    b0 = 0.99765 * b0 + white * 0.0990460;
                    b1 = 0.96300 * b1 + white * 0.2965164;
                    b2 = 0.57000 * b2 + white * 1.0526913;
                    n = b0 + b1 + b2 + white * 0.1848;
                }
                noise[i] = float(n);
            }
        }
        // Scaled to the level asked for.
        double noiseEnergy = 0.0;
        for (float v : noise)
            noiseEnergy += double(v) * v;
        const double scale = noiseEnergy > 0.0 ? level / std::sqrt(noiseEnergy / double(noise.size())) : 0.0;
        for (size_t i = 0; i < x.size(); ++i)
            x[i] += float(scale * noise[i]);
    }
}

Result<std::vector<float>> Augmentation::codecRoundTrip(const std::vector<float> &audio, int channels, int rate,
                                                        int codec, double quality, const QString &scratchPath)
{
    using R = Result<std::vector<float>>;
    channels = std::max(1, channels);
    const sf_count_t frames = sf_count_t(audio.size()) / channels;
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = codec == 1 ? (SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III) : (SF_FORMAT_OGG | SF_FORMAT_VORBIS);
    const QByteArray path = QFile::encodeName(scratchPath);
    SNDFILE *out = sf_open(path.constData(), SFM_WRITE, &info);
    if (!out)
        return R::failure(tr("%1: cannot encode %2: %3")
                              .arg(scratchPath, codec == 1 ? QStringLiteral("MP3") : QStringLiteral("Ogg Vorbis"),
                                   QString::fromLocal8Bit(sf_strerror(nullptr))));
    double level = std::clamp(quality, 0.0, 1.0);
    sf_command(out, SFC_SET_COMPRESSION_LEVEL, &level, sizeof(level));
    std::vector<float> clipped(audio.size());
    for (size_t i = 0; i < audio.size(); ++i)
        clipped[i] = std::clamp(audio[i], -1.0f, 1.0f);
    const sf_count_t written = sf_writef_float(out, clipped.data(), frames);
    sf_close(out);
    if (written != frames) {
        QFile::remove(scratchPath);
        return R::failure(tr("%1: cannot write the encoded audio.").arg(scratchPath));
    }
    SF_INFO inInfo{};
    SNDFILE *in = sf_open(path.constData(), SFM_READ, &inInfo);
    if (!in) {
        QFile::remove(scratchPath);
        return R::failure(tr("%1: cannot decode the encoded audio: %2")
                              .arg(scratchPath, QString::fromLocal8Bit(sf_strerror(nullptr))));
    }
    std::vector<float> decoded;
    std::vector<float> block(size_t(8192) * size_t(channels));
    sf_count_t got = 0;
    while ((got = sf_readf_float(in, block.data(), 8192)) > 0)
        decoded.insert(decoded.end(), block.begin(), block.begin() + got * channels);
    sf_close(in);
    QFile::remove(scratchPath);
    if (inInfo.channels != channels)
        return R::failure(tr("%1: the decoder returned %2 channels, not %3.").arg(scratchPath).arg(inInfo.channels).arg(channels));

    // Remove the codec's delay: the lag (0-4000 frames) that best aligns the
    // decoded audio with the original, over its loudest stretch.
    const qint64 n = qint64(decoded.size()) / channels;
    qint64 lag = 0;
    {
        const qint64 window = std::min<qint64>(16384, frames / 2);
        qint64 centre = 0;
        double best = -1.0;
        for (qint64 i = 0; i + window < frames; i += window) {
            double e = 0.0;
            for (qint64 k = i; k < i + window; ++k)
                e += double(audio[size_t(k * channels)]) * audio[size_t(k * channels)];
            if (e > best) {
                best = e;
                centre = i;
            }
        }
        double bestScore = -1e300;
        for (qint64 l = 0; l <= 4000 && centre + l + window < n; ++l) {
            double score = 0.0;
            for (qint64 k = centre; k < centre + window; k += 2)
                score += double(audio[size_t(k * channels)]) * decoded[size_t((k + l) * channels)];
            if (score > bestScore) {
                bestScore = score;
                lag = l;
            }
        }
    }
    std::vector<float> aligned(audio.size(), 0.0f);
    for (qint64 i = 0; i < frames && i + lag < n; ++i)
        for (int c = 0; c < channels; ++c)
            aligned[size_t(i * channels + c)] = decoded[size_t((i + lag) * channels + c)];
    return aligned;
}

QJsonObject Augmentation::describe(const TrackAugmentation &a)
{
    auto r3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    QJsonObject o;
    o.insert(QStringLiteral("gainDb"), r3(a.gainDb));
    o.insert(QStringLiteral("mix"), a.mix);
    if (a.eq)
        o.insert(QStringLiteral("eq"), QJsonObject{{QStringLiteral("lowShelfHz"), r3(a.lowShelfHz)},
                                                   {QStringLiteral("lowShelfDb"), r3(a.lowShelfDb)},
                                                   {QStringLiteral("highShelfHz"), r3(a.highShelfHz)},
                                                   {QStringLiteral("highShelfDb"), r3(a.highShelfDb)},
                                                   {QStringLiteral("peakHz"), r3(a.peakHz)},
                                                   {QStringLiteral("peakDb"), r3(a.peakDb)},
                                                   {QStringLiteral("peakQ"), r3(a.peakQ)}});
    static const char *const reverbs[] = {"none", "fluidsynth", "convolution"};
    static const char *const choruses[] = {"none", "fluidsynth", "delay"};
    static const char *const codecs[] = {"none", "mp3", "vorbis"};
    o.insert(QStringLiteral("reverb"), QLatin1String(reverbs[a.reverb]));
    if (a.reverb == 1)
        o.insert(QStringLiteral("room"), r3(a.roomSize));
    if (a.reverb == 2)
        o.insert(QStringLiteral("rt60"), r3(a.rt60));
    o.insert(QStringLiteral("chorus"), QLatin1String(choruses[a.chorus]));
    o.insert(QStringLiteral("drive"), r3(a.drive));
    o.insert(QStringLiteral("detuneCents"), r3(a.detuneCents));
    o.insert(QStringLiteral("tempoFactor"), r3(a.tempoFactor));
    o.insert(QStringLiteral("noiseSnrDb"), r3(a.noiseSnrDb));
    o.insert(QStringLiteral("codec"), QLatin1String(codecs[a.codec]));
    if (a.codec)
        o.insert(QStringLiteral("codecLevel"), r3(a.codecQuality));
    return o;
}

} // namespace taglane::engine
