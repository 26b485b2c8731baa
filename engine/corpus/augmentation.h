// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/corpus/segmentarrangement.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace taglane::engine {

/// What augmentation one track gets, drawn from the corpus seed (see
/// Augmentation::draw). Each kind is applied to about half the tracks when
/// enabled, so clean examples remain. Value type; any thread.
struct TrackAugmentation
{
    double gainDb = 0.0;            ///< whole track, -4..+2 dB (Song-Loud stays true)
    bool mix = false;               ///< per-part volume offsets (SegmentArrangement::mixOffsets)
    bool eq = false;                ///< low shelf, high shelf and one peak
    double lowShelfHz = 150.0, lowShelfDb = 0.0;
    double highShelfHz = 5000.0, highShelfDb = 0.0;
    double peakHz = 1000.0, peakDb = 0.0, peakQ = 1.0;
    int reverb = 0;                 ///< 0 none, 1 FluidSynth's, 2 convolution with a synthetic room
    double roomSize = 0.4, damping = 0.3, reverbLevel = 0.5;     ///< FluidSynth's reverb
    double rt60 = 0.5, wet = 0.25, predelayMs = 10.0;             ///< convolution
    int chorus = 0;                 ///< 0 none, 1 FluidSynth's, 2 a modulated delay
    double chorusRateHz = 0.8, chorusDepthMs = 3.0, chorusMix = 0.35;
    double drive = 0.0;             ///< soft clipping tanh(drive x)/drive; 0 = none
    double detuneCents = 0.0;       ///< pitch perturbation by pitch bend (every part)
    double tempoFactor = 1.0;       ///< scales each segment's tempo, inside its tag class
    double noiseSnrDb = 0.0;        ///< additive noise at this SNR over the track's RMS; 0 = none
    bool pinkNoise = false;
    int codec = 0;                  ///< 0 none, 1 MP3, 2 Ogg Vorbis round trip
    double codecQuality = 0.5;      ///< libsndfile compression level 0 (best) .. 1
    quint64 seed = 0;               ///< noise and room responses

    bool audio() const;             ///< any of the audio-domain kinds is on
};

/// Label-preserving augmentation of the synthetic corpus: the MIDI-domain
/// kinds (tempo inside its class, detune, mix levels) change the plan or the
/// synthesiser before rendering; the audio-domain kinds (gain, EQ, reverb,
/// chorus, distortion, noise, lossy codec) change the rendered audio. Reverb
/// and chorus act within each segment and fade out at its end, so nothing
/// an absent instrument played rings into the next segment. Stateless;
/// any thread.
class Augmentation
{
public:
    enum Kind : quint32 {
        Gain = 1u << 0,
        Mix = 1u << 1,
        Eq = 1u << 2,
        Reverb = 1u << 3,
        Chorus = 1u << 4,
        Distortion = 1u << 5,
        Pitch = 1u << 6,
        Tempo = 1u << 7,
        Noise = 1u << 8,
        Codec = 1u << 9,
        All = (1u << 10) - 1,
    };
    /// "gain,mix,eq,reverb,chorus,distortion,pitch,tempo,noise,codec", "all" or "none".
    static Result<quint32> parseKinds(const QString &list);
    static QStringList kindNames();
    static QString kindList(quint32 kinds);

    /// The augmentation of track `index` (its own stream of the corpus seed).
    static TrackAugmentation draw(quint64 corpusSeed, int index, quint32 kinds);
    /// Applies the MIDI-domain kinds to a plan: tempo (segment times are
    /// recomputed; a segment keeps its tempo when the new one would leave
    /// 3-16 s) and mix offsets.
    static void applyToPlan(TrackPlan &plan, const TrackAugmentation &augmentation, quint64 corpusSeed, int index);
    /// Applies the audio-domain kinds except the codec to interleaved audio
    /// of the whole track (`channels` 1 or 2).
    static void process(std::vector<float> &audio, int channels, int rate, const TrackPlan &plan,
                        const TrackAugmentation &augmentation);
    /// Encodes to MP3 (codec 1) or Ogg Vorbis (2) in memory-backed temporary
    /// file `scratchPath` and decodes again; the result has the same length
    /// (the codec's delay is removed). Fails with a sentence naming the file.
    static Result<std::vector<float>> codecRoundTrip(const std::vector<float> &audio, int channels, int rate,
                                                     int codec, double quality, const QString &scratchPath);
    /// A synthetic room impulse response (mono): a direct path, early
    /// reflections and exponentially decaying noise with this RT60.
    static std::vector<float> roomResponse(int rate, double rt60, double predelayMs, quint64 seed);
    static QJsonObject describe(const TrackAugmentation &augmentation);
};

} // namespace taglane::engine
