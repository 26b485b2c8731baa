// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/synthrenderer.h"

#include "engine/corpus/midicomposer.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <fluidsynth.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SynthRenderer", text);
}

/// Master gain: loud five-instrument ensembles peak near, not over, full scale.
constexpr double kGain = 0.35;

struct TimedEvent
{
    qint64 frame;
    MidiEvent event;
};

} // namespace

struct SynthRenderer::Private
{
    fluid_settings_t *settings = nullptr;
    fluid_synth_t *synth = nullptr;
    int rate = 22050;
    std::vector<float> left = std::vector<float>(size_t(blockFrames));
    std::vector<float> right = std::vector<float>(size_t(blockFrames));

    ~Private()
    {
        if (synth)
            delete_fluid_synth(synth);
        if (settings)
            delete_fluid_settings(settings);
    }

    void reset()
    {
        fluid_synth_system_reset(synth);
    }

    void apply(const MidiEvent &e)
    {
        switch (e.type) {
        case MidiEvent::AllSoundsOff:
            fluid_synth_all_sounds_off(synth, e.channel == MidiComposer::allChannels ? -1 : int(e.channel));
            break;
        case MidiEvent::ProgramChange:
            fluid_synth_program_change(synth, e.channel, e.data1);
            break;
        case MidiEvent::Control:
            fluid_synth_cc(synth, e.channel, e.data1, e.data2);
            break;
        case MidiEvent::NoteOff:
            fluid_synth_noteoff(synth, e.channel, e.data1);
            break;
        case MidiEvent::NoteOn:
            fluid_synth_noteon(synth, e.channel, e.data1, e.data2);
            break;
        }
    }

    /// All events of the listed segments, in absolute frames.
    std::vector<TimedEvent> schedule(const std::vector<SegmentArrangement> &segments, double offset) const
    {
        std::vector<TimedEvent> timed;
        for (const SegmentArrangement &s : segments)
            for (const MidiEvent &e : MidiComposer::compose(s))
                timed.push_back({qint64(std::llround((s.start - offset + e.time) * rate)), e});
        std::stable_sort(timed.begin(), timed.end(),
                         [](const TimedEvent &a, const TimedEvent &b) { return a.frame < b.frame; });
        return timed;
    }

    /// Renders the next block: applies the events due at `frame` and returns
    /// how many frames were written to left/right (never past `total`).
    int step(const std::vector<TimedEvent> &events, size_t &next, qint64 frame, qint64 total)
    {
        while (next < events.size() && events[next].frame <= frame)
            apply(events[next++].event);
        qint64 stop = std::min(total, frame + blockFrames);
        if (next < events.size())
            stop = std::min(stop, std::max(events[next].frame, frame + 1));
        const int length = int(stop - frame);
        fluid_synth_write_float(synth, length, left.data(), 0, 1, right.data(), 0, 1);
        return length;
    }
};

SynthRenderer::SynthRenderer(std::unique_ptr<Private> d) : d(std::move(d)) {}

SynthRenderer::~SynthRenderer() = default;

int SynthRenderer::sampleRate() const
{
    return d->rate;
}

Result<std::unique_ptr<SynthRenderer>> SynthRenderer::create(const QString &soundfont, int sampleRate)
{
    using R = Result<std::unique_ptr<SynthRenderer>>;
    if (sampleRate < 8000 || sampleRate > 96000)
        return R::failure(tr("The sample rate %1 Hz is outside 8000-96000 Hz.").arg(sampleRate));
    if (!QFileInfo(soundfont).isFile())
        return R::failure(tr("%1: the soundfont does not exist.").arg(soundfont));
    {
        // SoundFont 2 is a RIFF file of form "sfbk"; checking first keeps
        // FluidSynth's loaders from complaining about other files on stderr.
        QFile file(soundfont);
        if (!file.open(QIODevice::ReadOnly))
            return R::failure(tr("%1: cannot read the soundfont: %2").arg(soundfont, file.errorString()));
        const QByteArray head = file.read(12);
        if (head.size() < 12 || !head.startsWith("RIFF") || head.mid(8, 4) != "sfbk")
            return R::failure(tr("%1: this is not a SoundFont 2 file.").arg(soundfont));
    }

    // FluidSynth's own warnings would go to stderr; our messages say what failed.
    fluid_set_log_function(FLUID_WARN, nullptr, nullptr);
    fluid_set_log_function(FLUID_INFO, nullptr, nullptr);
    fluid_set_log_function(FLUID_DBG, nullptr, nullptr);

    auto d = std::make_unique<Private>();
    d->rate = sampleRate;
    d->settings = new_fluid_settings();
    if (!d->settings)
        return R::failure(tr("FluidSynth could not create its settings."));
    fluid_settings_setnum(d->settings, "synth.sample-rate", double(sampleRate));
    fluid_settings_setnum(d->settings, "synth.gain", kGain);
    fluid_settings_setint(d->settings, "synth.reverb.active", 0);
    fluid_settings_setint(d->settings, "synth.chorus.active", 0);
    fluid_settings_setint(d->settings, "synth.cpu-cores", 1);
    fluid_settings_setint(d->settings, "synth.polyphony", 256);
    fluid_settings_setint(d->settings, "synth.dynamic-sample-loading", 1);
    d->synth = new_fluid_synth(d->settings);
    if (!d->synth)
        return R::failure(tr("FluidSynth could not create a synthesiser at %1 Hz.").arg(sampleRate));
    if (fluid_synth_sfload(d->synth, QFile::encodeName(soundfont).constData(), 1) == FLUID_FAILED)
        return R::failure(tr("%1: FluidSynth cannot load this soundfont.").arg(soundfont));
    return std::unique_ptr<SynthRenderer>(new SynthRenderer(std::move(d)));
}

Result<SynthRenderer::Stats> SynthRenderer::renderTrack(const TrackPlan &plan, const QString &wavPath, int channels,
                                                        const ProgressSink &progress)
{
    using R = Result<Stats>;
    channels = channels == 1 ? 1 : 2;
    const QString partPath = wavPath + QStringLiteral(".part");
    SF_INFO info{};
    info.samplerate = d->rate;
    info.channels = channels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE *file = sf_open(QFile::encodeName(partPath).constData(), SFM_WRITE, &info);
    if (!file)
        return R::failure(tr("%1: cannot write: %2").arg(partPath, QString::fromLocal8Bit(sf_strerror(nullptr))));

    d->reset();
    const std::vector<TimedEvent> events = d->schedule(plan.segments, 0.0);
    const qint64 total = qint64(std::llround(plan.duration * d->rate));
    std::vector<short> pcm(size_t(blockFrames) * size_t(channels));
    Stats stats;
    size_t next = 0;
    qint64 frame = 0;
    qint64 reported = 0;
    auto toPcm = [&](float x) {
        stats.peak = std::max(stats.peak, std::fabs(x));
        if (x >= 1.0f || x <= -1.0f)
            ++stats.clippedSamples;
        const double clamped = std::clamp(double(x), -1.0, 1.0);
        return short(std::lround(clamped * 32767.0));
    };
    while (frame < total) {
        if (progress.cancelled()) {
            sf_close(file);
            QFile::remove(partPath);
            return R::failure(tr("Rendering %1 was cancelled.").arg(wavPath));
        }
        const int length = d->step(events, next, frame, total);
        for (int i = 0; i < length; ++i) {
            if (channels == 1) {
                pcm[size_t(i)] = toPcm(0.5f * (d->left[size_t(i)] + d->right[size_t(i)]));
            } else {
                pcm[size_t(2 * i)] = toPcm(d->left[size_t(i)]);
                pcm[size_t(2 * i + 1)] = toPcm(d->right[size_t(i)]);
            }
        }
        if (sf_writef_short(file, pcm.data(), length) != length) {
            const QString why = QString::fromLocal8Bit(sf_strerror(file));
            sf_close(file);
            QFile::remove(partPath);
            return R::failure(tr("%1: cannot write: %2").arg(wavPath, why));
        }
        frame += length;
        if (frame - reported >= blockFrames || frame == total) {
            reported = frame;
            progress(double(frame) / double(total));
        }
    }
    stats.frames = total;
    if (sf_close(file) != 0) {
        QFile::remove(partPath);
        return R::failure(tr("%1: cannot finish writing the file.").arg(wavPath));
    }
    QFile::remove(wavPath);
    if (!QFile::rename(partPath, wavPath)) {
        QFile::remove(partPath);
        return R::failure(tr("%1: cannot move the rendered file into place.").arg(wavPath));
    }
    return stats;
}

std::vector<float> SynthRenderer::renderSegment(const SegmentArrangement &segment, double tailSeconds)
{
    d->reset();
    const std::vector<TimedEvent> events = d->schedule({segment}, segment.start);
    const qint64 total = qint64(std::llround((segment.duration() + std::max(0.0, tailSeconds)) * d->rate));
    std::vector<float> out;
    out.reserve(size_t(total) * 2);
    size_t next = 0;
    for (qint64 frame = 0; frame < total;) {
        const int length = d->step(events, next, frame, total);
        for (int i = 0; i < length; ++i) {
            out.push_back(d->left[size_t(i)]);
            out.push_back(d->right[size_t(i)]);
        }
        frame += length;
    }
    return out;
}

} // namespace taglane::engine
