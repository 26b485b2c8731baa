// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/synthrenderer.h"

#include "engine/corpus/instrumentfamily.h"
#include "engine/corpus/midicomposer.h"
#include "engine/corpus/segmentcomposer.h"
#include "engine/corpus/soundfontlibrary.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <fluidsynth.h>
#include <sndfile.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

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
    std::vector<int> sfontIds;
    std::set<std::array<int, 3>> pinned;  ///< presets kept loaded (sfont id, bank, program)
    int substituted = 0;
    bool effectsUnits = false;
    double detuneCents = 0.0;
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

    bool has(int index, int bank, int program) const
    {
        if (index < 0 || index >= int(sfontIds.size()))
            return false;
        fluid_sfont_t *sf = fluid_synth_get_sfont_by_id(synth, sfontIds[size_t(index)]);
        return sf && fluid_sfont_get_preset(sf, bank, program) != nullptr;
    }

    /// Plays `program` of soundfont `wanted` on the channel, or the nearest
    /// substitute of the same family (see the class comment).
    void selectProgram(int channel, int wanted, int program)
    {
        const int n = int(sfontIds.size());
        if (wanted >= n)
            wanted = 0;
        const bool drums = channel == InstrumentFamily::of(Instrument::Drums).channel;
        const int bank = drums ? 128 : 0;
        std::vector<int> programs = {program};
        if (drums) {
            programs.push_back(0);
        } else if (channel < InstrumentFamily::count) {
            for (int p : InstrumentFamily::at(channel).programs)
                if (p != program)
                    programs.push_back(p);
        }
        for (size_t k = 0; k < programs.size(); ++k) {
            for (int i = 0; i < n; ++i) {
                const int sf = (wanted + i) % n;
                if (!has(sf, bank, programs[k]))
                    continue;
                if (k > 0 || i > 0)
                    ++substituted;
                // With dynamic sample loading FluidSynth frees a preset's samples
                // when no channel uses it; pinning keeps them, so an SF3's samples
                // are decompressed once per corpus, not at every program change.
                const std::array<int, 3> key = {sfontIds[size_t(sf)], bank, programs[k]};
                if (pinned.insert(key).second)
                    fluid_synth_pin_preset(synth, key[0], key[1], key[2]);
                fluid_synth_program_select(synth, channel, sfontIds[size_t(sf)], bank, programs[k]);
                applyDetune(channel);
                return;
            }
        }
        // No soundfont has any program of the family: FluidSynth's own choice.
        ++substituted;
        fluid_synth_program_change(synth, channel, program);
        applyDetune(channel);
    }

    void applyDetune(int channel)
    {
        if (detuneCents == 0.0)
            return;
        // Pitch-bend range is two semitones (200 cents) over 8192 steps.
        const int value = std::clamp(8192 + int(std::lround(detuneCents / 200.0 * 8192.0)), 0, 16383);
        fluid_synth_pitch_bend(synth, channel, value);
    }

    void setEffects(const Effects &fx)
    {
        detuneCents = fx.detuneCents;
        if (!effectsUnits)
            return;
        fluid_synth_reverb_on(synth, -1, fx.reverb ? 1 : 0);
        fluid_synth_chorus_on(synth, -1, fx.chorus ? 1 : 0);
        if (fx.reverb) {
            fluid_synth_set_reverb_group_roomsize(synth, -1, fx.roomSize);
            fluid_synth_set_reverb_group_damp(synth, -1, fx.damping);
            fluid_synth_set_reverb_group_width(synth, -1, fx.width);
            fluid_synth_set_reverb_group_level(synth, -1, fx.reverbLevel);
        }
        if (fx.chorus) {
            fluid_synth_set_chorus_group_nr(synth, -1, 3);
            fluid_synth_set_chorus_group_level(synth, -1, fx.chorusLevel);
            fluid_synth_set_chorus_group_speed(synth, -1, fx.chorusSpeedHz);
            fluid_synth_set_chorus_group_depth(synth, -1, fx.chorusDepthMs);
        }
    }

    /// Sends to the effects per channel, after the segment's set-up events.
    void sendEffects(const SegmentArrangement &segment, const Effects &fx)
    {
        for (int f = 0; f < InstrumentFamily::count; ++f) {
            if (segment.roles[size_t(f)] == Role::Silent)
                continue;
            const int ch = InstrumentFamily::at(f).channel;
            fluid_synth_cc(synth, ch, 91, fx.reverb ? 90 : 0);
            fluid_synth_cc(synth, ch, 93, fx.chorus ? 80 : 0);
        }
    }

    void apply(const MidiEvent &e)
    {
        switch (e.type) {
        case MidiEvent::AllSoundsOff:
            fluid_synth_all_sounds_off(synth, e.channel == MidiComposer::allChannels ? -1 : int(e.channel));
            break;
        case MidiEvent::ProgramChange:
            selectProgram(e.channel, e.data2, e.data1);
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
            for (const MidiEvent &e : SegmentComposer::compose(s))
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
    return create(QStringList{soundfont}, sampleRate);
}

int SynthRenderer::soundfontCount() const
{
    return int(d->sfontIds.size());
}

bool SynthRenderer::hasPreset(int index, int bank, int program) const
{
    return d->has(index, bank, program);
}

Result<std::unique_ptr<SynthRenderer>> SynthRenderer::create(const QStringList &soundfonts, int sampleRate)
{
    return create(soundfonts, sampleRate, false);
}

Result<std::unique_ptr<SynthRenderer>> SynthRenderer::create(const QStringList &soundfonts, int sampleRate,
                                                             bool effects)
{
    using R = Result<std::unique_ptr<SynthRenderer>>;
    if (sampleRate < 8000 || sampleRate > 96000)
        return R::failure(tr("The sample rate %1 Hz is outside 8000-96000 Hz.").arg(sampleRate));
    if (soundfonts.isEmpty())
        return R::failure(tr("No soundfont given."));
    if (soundfonts.size() > 250)
        return R::failure(tr("At most 250 soundfonts can play one corpus (got %1).").arg(soundfonts.size()));
    for (const QString &soundfont : soundfonts) {
        if (QString why = SoundfontLibrary::reservedReason(soundfont); !why.isEmpty())
            return R::failure(why);
        if (!QFileInfo(soundfont).isFile())
            return R::failure(tr("%1: the soundfont does not exist.").arg(soundfont));
        // SoundFont 2 (and SF3, its compressed form) is a RIFF file of form
        // "sfbk"; checking first keeps FluidSynth's loaders from complaining
        // about other files on stderr.
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
    fluid_settings_setint(d->settings, "synth.reverb.active", effects ? 1 : 0);
    fluid_settings_setint(d->settings, "synth.chorus.active", effects ? 1 : 0);
    d->effectsUnits = effects;
    fluid_settings_setint(d->settings, "synth.cpu-cores", 1);
    fluid_settings_setint(d->settings, "synth.polyphony", 256);
    fluid_settings_setint(d->settings, "synth.dynamic-sample-loading", 1);
    d->synth = new_fluid_synth(d->settings);
    if (!d->synth)
        return R::failure(tr("FluidSynth could not create a synthesiser at %1 Hz.").arg(sampleRate));
    for (const QString &soundfont : soundfonts) {
        const int id = fluid_synth_sfload(d->synth, QFile::encodeName(soundfont).constData(), 1);
        if (id == FLUID_FAILED)
            return R::failure(tr("%1: FluidSynth cannot load this soundfont.").arg(soundfont));
        d->sfontIds.push_back(id);
    }
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
    d->setEffects(Effects{});
    d->substituted = 0;
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
    stats.substitutedPresets = d->substituted;
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

Result<SynthRenderer::Stats> SynthRenderer::writeWav(const QString &wavPath, const std::vector<float> &audio,
                                                     int channels, int rate)
{
    using R = Result<Stats>;
    channels = channels == 1 ? 1 : 2;
    const QString partPath = wavPath + QStringLiteral(".part");
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE *file = sf_open(QFile::encodeName(partPath).constData(), SFM_WRITE, &info);
    if (!file)
        return R::failure(tr("%1: cannot write: %2").arg(partPath, QString::fromLocal8Bit(sf_strerror(nullptr))));
    Stats stats;
    std::vector<short> pcm(audio.size());
    for (size_t i = 0; i < audio.size(); ++i) {
        const float x = audio[i];
        stats.peak = std::max(stats.peak, std::fabs(x));
        if (x >= 1.0f || x <= -1.0f)
            ++stats.clippedSamples;
        pcm[i] = short(std::lround(std::clamp(double(x), -1.0, 1.0) * 32767.0));
    }
    const sf_count_t frames = sf_count_t(audio.size()) / channels;
    if (sf_writef_short(file, pcm.data(), frames) != frames) {
        const QString why = QString::fromLocal8Bit(sf_strerror(file));
        sf_close(file);
        QFile::remove(partPath);
        return R::failure(tr("%1: cannot write: %2").arg(wavPath, why));
    }
    stats.frames = frames;
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

int SynthRenderer::lastSubstitutions() const
{
    return d->substituted;
}

std::vector<float> SynthRenderer::renderTrackAudio(const TrackPlan &plan, const Effects &effects,
                                                   const ProgressSink &progress)
{
    d->substituted = 0;
    const qint64 total = qint64(std::llround(plan.duration * d->rate));
    std::vector<float> out;
    out.reserve(size_t(total) * 2);
    for (const SegmentArrangement &s : plan.segments) {
        // A fresh synthesiser per segment: its reverb and chorus start empty,
        // so no tail of the previous segment's instruments reaches this one.
        d->reset();
        d->setEffects(effects);
        if (d->effectsUnits && (effects.reverb || effects.chorus)) {
            // FluidSynth's reset leaves its reverb and chorus lines ringing;
            // 1.5 s of silence, thrown away, lets them decay (room sizes up to
            // 0.6 decay by 60 dB in about that time).
            for (qint64 left = qint64(flushSeconds * d->rate); left > 0; left -= blockFrames) {
                const int n = int(std::min<qint64>(left, blockFrames));
                fluid_synth_write_float(d->synth, n, d->left.data(), 0, 1, d->right.data(), 0, 1);
            }
        }
        const std::vector<TimedEvent> events = d->schedule({s}, s.start);
        const qint64 first = qint64(std::llround(s.start * d->rate));
        const qint64 last = qint64(std::llround(s.end * d->rate));
        size_t next = 0;
        bool sent = false;
        for (qint64 frame = 0; frame < last - first;) {
            if (progress.cancelled())
                return {};
            // Effect sends go after the set-up events at time 0.
            while (!sent && next < events.size() && events[next].frame <= 0)
                d->apply(events[next++].event);
            if (!sent) {
                d->sendEffects(s, effects);
                sent = true;
            }
            const int length = d->step(events, next, frame, last - first);
            for (int i = 0; i < length; ++i) {
                out.push_back(d->left[size_t(i)]);
                out.push_back(d->right[size_t(i)]);
            }
            frame += length;
        }
        progress(double(last) / double(std::max<qint64>(1, total)));
    }
    out.resize(size_t(total) * 2, 0.0f);
    return out;
}

std::vector<float> SynthRenderer::renderSegment(const SegmentArrangement &segment, double tailSeconds)
{
    d->reset();
    d->setEffects(Effects{});
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
