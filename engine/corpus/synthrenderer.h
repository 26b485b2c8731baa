// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/corpus/segmentarrangement.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace taglane::engine {

/// Renders planned tracks offline with FluidSynth (no audio driver, no
/// reverb or chorus so nothing rings past a segment) and writes them as
/// 16-bit PCM WAV in blocks, so memory does not grow with track length.
/// One instance per thread; not thread-safe. Creating it loads the
/// soundfonts (samples are loaded on first use of a preset). With several
/// soundfonts, a ProgramChange event's data2 says which one (index into the
/// list) plays the part; when that one lacks the preset, the same preset of
/// the next soundfont that has it plays instead, then another program of
/// the same family (drums: the standard kit), so a labelled part never
/// falls silent or changes family.
class SynthRenderer
{
public:
    struct Stats
    {
        qint64 frames = 0;
        qint64 clippedSamples = 0;  ///< samples that hit full scale
        float peak = 0.0f;          ///< largest absolute sample before clipping
        int substitutedPresets = 0; ///< program changes played by another soundfont or program
    };

    static constexpr int blockFrames = 4096;
    /// Silence rendered (and dropped) before each segment when FluidSynth's
    /// reverb or chorus is on, so their tails do not reach the next segment.
    static constexpr double flushSeconds = 1.5;

    /// FluidSynth's own effects and tuning for one track (augmentation).
    /// Reverb and chorus are flushed at every segment boundary; keep the
    /// room size at or below 0.6 so that flushSeconds suffices.
    struct Effects
    {
        bool reverb = false;
        double roomSize = 0.4, damping = 0.3, width = 0.6, reverbLevel = 0.5;
        bool chorus = false;
        double chorusLevel = 1.5, chorusSpeedHz = 0.8, chorusDepthMs = 4.0;
        double detuneCents = 0.0;  ///< every channel, by pitch bend (range 2 semitones)
    };

    /// Fails with a sentence naming the soundfont when it cannot be loaded,
    /// or when the rate is outside 8000-96000 Hz. Any thread.
    static Result<std::unique_ptr<SynthRenderer>> create(const QString &soundfont, int sampleRate);
    /// The same with several soundfonts (at least one); a reserved soundfont
    /// (see SoundfontLibrary) is refused.
    static Result<std::unique_ptr<SynthRenderer>> create(const QStringList &soundfonts, int sampleRate);
    /// `effects`: FluidSynth's reverb and chorus units exist (off until a
    /// track's Effects turn them on); needed by renderTrackAudio's effects.
    static Result<std::unique_ptr<SynthRenderer>> create(const QStringList &soundfonts, int sampleRate,
                                                         bool effects);
    ~SynthRenderer();
    SynthRenderer(const SynthRenderer &) = delete;
    SynthRenderer &operator=(const SynthRenderer &) = delete;

    int sampleRate() const;
    int soundfontCount() const;
    /// Whether soundfont `index` has the preset (bank 128 = drum kits).
    bool hasPreset(int index, int bank, int program) const;

    /// Renders the whole track to `wavPath` (written to a temporary name and
    /// renamed when complete). Progress goes from 0 to 1 over the track;
    /// when cancelled, the partial file is removed and a failure returned.
    Result<Stats> renderTrack(const TrackPlan &plan, const QString &wavPath, int channels,
                              const ProgressSink &progress = {});

    /// Renders the whole track into memory (interleaved stereo floats, before
    /// 16-bit conversion), segment by segment from a reset synthesiser, with
    /// these effects. Empty when cancelled.
    std::vector<float> renderTrackAudio(const TrackPlan &plan, const Effects &effects,
                                        const ProgressSink &progress = {});
    /// Writes interleaved audio (`channels` 1 or 2) as 16-bit PCM WAV through
    /// a temporary name, clipping at full scale (counted in the stats).
    static Result<Stats> writeWav(const QString &wavPath, const std::vector<float> &audio, int channels, int rate);
    /// Substituted presets of the last renderTrackAudio call.
    int lastSubstitutions() const;

    /// Renders one segment alone into memory: interleaved stereo floats
    /// (before 16-bit conversion), plus `tailSeconds` after its end (which
    /// should be silent). For tests and previews.
    std::vector<float> renderSegment(const SegmentArrangement &segment, double tailSeconds = 0.0);

private:
    struct Private;
    explicit SynthRenderer(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace taglane::engine
