// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/audio/resampler.h"
#include "engine/model/modelbundle.h"
#include "engine/model/statedict_p.h"
#include "engine/train/attentionprobe.h"
#include "engine/train/trainablenet_p.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("AttentionProbe", text);
}

// Where the attention steps sit inside a window (cnnsamnet.cpp): the Mel
// branch pools 2 x 2 three times (8 frames per step); the waveform branch's
// strided convolutions (64/16, 8/4, 8/4) make one step per 256 samples with
// a receptive field of 624 samples.
constexpr int kMelFramesPerStep = 8;
constexpr int kWaveStride = 16 * 4 * 4;
constexpr int kWaveField = 64 + 7 * 16 + 7 * 64;

std::vector<float> toVector(const at::Tensor &t)
{
    const at::Tensor c = t.detach().to(at::kCPU, at::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

} // namespace

struct AttentionProbe::Impl
{
    detail::TrainableNet net{nullptr};
    const detail::TrainableSpec *spec = nullptr;
    int heads = 0;
};

Result<AttentionProbe> AttentionProbe::open(const QString &bundleFolder)
{
    using R = Result<AttentionProbe>;
    auto bundle = ModelBundle::open(bundleFolder);
    if (!bundle)
        return R::failure(bundle.error());
    const detail::TrainableSpec *spec = detail::findTrainableSpec(bundle->manifest().architecture);
    if (!spec || spec->kind != detail::TrainableKind::CnnSam) {
        return R::failure(tr("%1 is a %2 model; only cnn-sam models have attention weights to show.")
                              .arg(bundleFolder, bundle->manifest().architecture));
    }
    auto weights = detail::loadTorchStateDict(bundle->weightsPath());
    if (!weights)
        return R::failure(weights.error());
    const auto it = weights->find("output.weight");
    if (it == weights->end())
        return R::failure(tr("%1: the weights lack the output layer.").arg(bundle->weightsPath()));
    try {
        auto impl = std::make_shared<Impl>();
        impl->spec = spec;
        impl->net = detail::createTrainableNet(*spec, it->second.size(0));
        const Status loaded = detail::loadTrainableWeights(impl->net, weights.value(), bundle->weightsPath());
        if (!loaded)
            return R::failure(loaded.error());
        impl->net->eval();
        const auto w2 = weights->find("sam.melPool.w2.weight");  // [r, d_a]
        impl->heads = w2 != weights->end() ? int(w2->second.size(0)) : 0;
        AttentionProbe p;
        p.d = impl;
        return p;
    } catch (const std::exception &e) {
        return R::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

int AttentionProbe::heads() const
{
    return d->heads;
}

int AttentionProbe::sampleRate() const
{
    return d->spec->sampleRate;
}

qint64 AttentionProbe::windowSamples() const
{
    return d->spec->chunkSamples();
}

Result<std::vector<AttentionWindow>> AttentionProbe::segment(const AudioBuffer &audio, double start, double end) const
{
    using R = Result<std::vector<AttentionWindow>>;
    const int rate = d->spec->sampleRate;
    if (audio.size() == 0 || audio.sampleRate() <= 0)
        return R::failure(tr("The audio is empty."));
    if (!std::isfinite(start) || !std::isfinite(end) || end <= start || start < 0.0 || start >= audio.durationSeconds())
        return R::failure(tr("The stretch [%1, %2) s is not inside the %3 s of audio.")
                              .arg(start).arg(end).arg(audio.durationSeconds()));
    if (audio.sampleRate() != rate) {
        // Resample only the stretch and a window's margin on either side.
        const double margin = double(windowSamples()) / rate;
        const qint64 a = std::max<qint64>(0, qint64(std::floor((start - margin) * audio.sampleRate())));
        const qint64 b = std::min(audio.size(), qint64(std::ceil((end + margin) * audio.sampleRate())));
        const std::vector<float> slice(audio.data() + a, audio.data() + b);
        const double offset = double(a) / audio.sampleRate();
        auto windows = segment(AudioBuffer(Resampler::resample(slice, audio.sampleRate(), rate), rate), start - offset,
                               std::min(end, audio.durationSeconds()) - offset);
        if (windows) {
            for (AttentionWindow &w : windows.value()) {
                w.start += offset;
                w.end += offset;
                for (double &t : w.melTimes)
                    t += offset;
                for (double &t : w.waveTimes)
                    t += offset;
            }
        }
        return windows;
    }
    const qint64 window = windowSamples();
    const qint64 first = qint64(std::llround(start * rate));
    const qint64 last = std::min(audio.size(), qint64(std::llround(end * rate)));
    std::vector<qint64> offsets;
    if (last - first <= window)
        offsets.push_back((first + last) / 2 - window / 2);
    else
        for (qint64 o = first; o < last; o += window)
            offsets.push_back(o);
    try {
        torch::NoGradGuard guard;
        const detail::TrainableSpec &spec = *d->spec;
        std::vector<AttentionWindow> out;
        for (qint64 o : offsets) {
            // The window's samples, silence outside the audio.
            at::Tensor wave = at::zeros({1, window}, at::kFloat);
            float *w = wave.data_ptr<float>();
            for (qint64 i = std::max<qint64>(0, -o); i < window && o + i < audio.size(); ++i)
                w[i] = audio.data()[o + i];
            // The Tagger's path: the front end on exactly one chunk, then the body.
            at::Tensor f = d->net->features(wave);
            f = detail::padFrames(spec, f, spec.frames).narrow(2, 0, spec.frames);
            const auto [mel, wav] = d->net->attention(f.unsqueeze(1));
            AttentionWindow a;
            a.start = double(o) / rate;
            a.end = double(o + window) / rate;
            a.heads = int(mel.size(1));
            a.mel = toVector(mel[0]);
            a.wave = toVector(wav[0]);
            for (int64_t t = 0; t < mel.size(2); ++t)
                a.melTimes.push_back(a.start + double(t * kMelFramesPerStep + kMelFramesPerStep / 2) * spec.hop / rate);
            for (int64_t t = 0; t < wav.size(2); ++t)
                a.waveTimes.push_back(a.start + (double(t) * kWaveStride + kWaveField / 2.0) / rate);
            out.push_back(std::move(a));
        }
        return out;
    } catch (const std::exception &e) {
        return R::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

} // namespace taglane::engine
