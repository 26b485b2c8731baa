// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/midicomposer.h"

#include "engine/corpus/arrangementplanner.h"
#include "engine/corpus/seededrandom.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

namespace taglane::engine {

namespace {

constexpr std::array<int, 7> kMajorScale = {0, 2, 4, 5, 7, 9, 11};
constexpr std::array<int, 7> kMinorScale = {0, 2, 3, 5, 7, 8, 10};  // natural minor

// General MIDI percussion keys.
constexpr int kKick = 36, kSnare = 38, kClosedHat = 42, kOpenHat = 46, kRide = 51, kCrash = 49;
constexpr int kLowTom = 45, kMidTom = 47, kHighTom = 50;

int floorDiv(int a, int b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int mod(int a, int b)
{
    return ((a % b) + b) % b;
}

/// Builds the events of one segment; beats are converted to seconds here.
class Score
{
public:
    explicit Score(const SegmentArrangement &a)
        : m_a(a), m_scale(a.major ? kMajorScale : kMinorScale),
          m_limit(a.duration() - MidiComposer::releaseMargin)
    {
    }

    std::vector<MidiEvent> events;

    // --- harmony -------------------------------------------------------
    int chordDegree(int bar) const { return ArrangementPlanner::chordOfBar(m_a, bar); }
    /// MIDI key of scale step `step` (7 steps per octave, step 35 = the tonic above middle C's octave).
    int keyOfStep(int step) const
    {
        return 12 * floorDiv(step, 7) + m_scale[size_t(mod(step, 7))] + m_a.keyRoot;
    }
    /// Pitch classes of the triad on a degree: root, third, fifth.
    std::array<int, 3> chordClasses(int degree) const
    {
        return {mod(keyOfStep(degree), 12), mod(keyOfStep(degree + 2), 12), mod(keyOfStep(degree + 4), 12)};
    }
    bool isChordStep(int step, int degree) const
    {
        const int d = mod(step - degree, 7);
        return d == 0 || d == 2 || d == 4;
    }
    static int atOrAbove(int pitchClass, int low) { return low + mod(pitchClass - low, 12); }
    /// `count` chord tones upwards from the root at or above `low`.
    std::vector<int> voicing(int degree, int low, int count) const
    {
        const auto pcs = chordClasses(degree);
        std::vector<int> keys;
        for (int key = atOrAbove(pcs[0], low); int(keys.size()) < count && key < 120; ++key)
            if (mod(key, 12) == pcs[0] || mod(key, 12) == pcs[1] || mod(key, 12) == pcs[2])
                keys.push_back(key);
        return keys;
    }

    // --- notes ---------------------------------------------------------
    int velocity(SeededRandom &r, bool accent, int offset = 0) const
    {
        const int base = m_a.loud ? 104 : 56;
        const int v = base + offset + (accent ? 8 : 0) + r.uniformInt(-6, 6);
        return std::clamp(v, 1, 127);
    }
    /// A note from beat `start` of bar `bar`, `length` beats long.
    void note(int channel, int key, int bar, double start, double length, int vel, double delaySeconds = 0.0)
    {
        const double beat = m_a.beatSeconds();
        const double on = (bar * 4.0 + start) * beat + delaySeconds;
        const double off = std::min(on + length * beat, m_limit);
        if (on >= m_limit - 0.03 || off <= on || key < 0 || key > 127)
            return;
        events.push_back({on, MidiEvent::NoteOn, quint8(channel), quint8(key), quint8(vel)});
        events.push_back({off, MidiEvent::NoteOff, quint8(channel), quint8(key), 0});
    }
    void chord(int channel, const std::vector<int> &keys, int bar, double start, double length, int vel,
               double spreadSeconds = 0.0, bool downwards = false)
    {
        for (size_t i = 0; i < keys.size(); ++i) {
            const size_t k = downwards ? keys.size() - 1 - i : i;
            note(channel, keys[k], bar, start, length, vel, spreadSeconds * double(i));
        }
    }

    // --- parts ---------------------------------------------------------
    void setup(Instrument family)
    {
        const InstrumentFamily &f = InstrumentFamily::of(family);
        const auto ch = quint8(f.channel);
        const int volume = std::clamp(
            int(std::lround((m_a.loud ? 112.0 : 86.0) * f.balance)) + m_a.mixOffsets[size_t(family)], 1, 127);
        events.push_back({0.0, MidiEvent::ProgramChange, ch, quint8(m_a.programs[size_t(family)]),
                          m_a.soundfonts[size_t(family)]});
        events.push_back({0.0, MidiEvent::Control, ch, 7, quint8(volume)});
        events.push_back({0.0, MidiEvent::Control, ch, 10, quint8(f.pan)});
        events.push_back({0.0, MidiEvent::Control, ch, 11, 127});
        events.push_back({0.0, MidiEvent::Control, ch, 64, 0});
    }

    void melody(Instrument family, SeededRandom &r)
    {
        const InstrumentFamily &f = InstrumentFamily::of(family);
        static const std::vector<std::vector<double>> slowRhythms = {
            {2, 2}, {1, 1, 2}, {2, 1, 1}, {1, 1, 1, 1}, {3, 1}};
        static const std::vector<std::vector<double>> fastRhythms = {
            {1, 1, 1, 1}, {0.5, 0.5, 1, 1, 1}, {1, 0.5, 0.5, 1, 1}, {1.5, 0.5, 2}, {0.5, 0.5, 0.5, 0.5, 1, 1}};
        // Start on the tonic chord's root nearest the middle of the range.
        const int middle = (f.melodyLow + f.melodyHigh) / 2;
        int step = 35;
        while (keyOfStep(step) < middle - 6)
            step += 7;
        while (keyOfStep(step) > middle + 6)
            step -= 7;
        step += chordDegree(0);
        int direction = r.chance(0.5) ? 1 : -1;
        for (int bar = 0; bar < m_a.bars; ++bar) {
            const int degree = chordDegree(bar);
            const auto &rhythm = r.pick(m_a.fast ? fastRhythms : slowRhythms);
            double beat = 0.0;
            for (double length : rhythm) {
                const bool strong = std::fmod(beat, 2.0) == 0.0;
                if (strong) {
                    // Nearest chord tone, ties broken at random.
                    int best = step;
                    for (int d = 0; d <= 3; ++d) {
                        const bool up = isChordStep(step + d, degree);
                        const bool down = isChordStep(step - d, degree);
                        if (up || down) {
                            best = up && down ? (r.chance(0.5) ? step + d : step - d) : (up ? step + d : step - d);
                            break;
                        }
                    }
                    step = best;
                } else if (r.chance(0.8)) {
                    if (r.chance(0.25))
                        direction = -direction;
                    step += direction;
                }
                // Octave shifts keep a chord tone a chord tone.
                while (keyOfStep(step) > f.melodyHigh) {
                    step -= 7;
                    direction = -1;
                }
                while (keyOfStep(step) < f.melodyLow) {
                    step += 7;
                    direction = 1;
                }
                const bool rest = !strong && r.chance(0.1);
                const int vel = velocity(r, beat == 0.0, 6);
                if (!rest)
                    note(f.channel, keyOfStep(step), bar, beat, length * 0.92, vel);
                beat += length;
            }
        }
    }

    void bass(SeededRandom &r, int style)
    {
        const int ch = InstrumentFamily::of(Instrument::Bass).channel;
        for (int bar = 0; bar < m_a.bars; ++bar) {
            const auto pcs = chordClasses(chordDegree(bar));
            const int root = atOrAbove(pcs[0], 36);
            const int fifth = atOrAbove(pcs[2], root);
            if (m_a.fast && style == 1) {
                for (int e = 0; e < 8; ++e)
                    note(ch, e == 6 ? root + 12 : root, bar, e * 0.5, 0.45, velocity(r, e % 4 == 0));
            } else if (m_a.fast) {
                const int keys[4] = {root, root, fifth, root};
                for (int b = 0; b < 4; ++b)
                    note(ch, keys[b], bar, b, 0.9, velocity(r, b == 0));
            } else {
                note(ch, root, bar, 0, 1.9, velocity(r, true));
                note(ch, style == 1 ? fifth : root, bar, 2, 1.9, velocity(r, false));
            }
        }
    }

    void drums(SeededRandom &r, int style)
    {
        const int ch = InstrumentFamily::of(Instrument::Drums).channel;
        const double hit = 0.25;
        for (int bar = 0; bar < m_a.bars; ++bar) {
            const bool fill = m_a.bars >= 2 && bar == m_a.bars - 1;
            if (bar == 0)
                note(ch, kCrash, bar, 0, hit, velocity(r, true));
            // Kick and snare: backbeat on 2 and 4.
            std::vector<double> kicks = m_a.fast ? std::vector<double>{0, 1.5, 2} : std::vector<double>{0, 2};
            if (style == 1)
                kicks.push_back(m_a.fast ? 2.5 : 2.5);
            for (double k : kicks)
                if (!(fill && k >= 3))
                    note(ch, kKick, bar, k, hit, velocity(r, k == 0));
            note(ch, kSnare, bar, 1, hit, velocity(r, true));
            if (!fill)
                note(ch, kSnare, bar, 3, hit, velocity(r, true));
            // Time keeping: hats (or ride) in eighths when fast, quarters or eighths when slow.
            const double step = m_a.fast || style == 1 ? 0.5 : 1.0;
            const int cymbal = style == 1 && !m_a.fast ? kRide : kClosedHat;
            for (double t = 0; t < 4.0; t += step) {
                if (fill && t >= 3)
                    break;
                const int key = m_a.fast && t == 3.5 ? kOpenHat : cymbal;
                note(ch, key, bar, t, hit, velocity(r, false, std::fmod(t, 1.0) == 0.0 ? -8 : -16));
            }
            if (fill) {
                const int toms[4] = {kSnare, kHighTom, kMidTom, kLowTom};
                for (int i = 0; i < 4; ++i)
                    note(ch, toms[i], bar, 3 + i * 0.25, hit, velocity(r, i == 0));
            }
        }
    }

    void harmony(Instrument family, SeededRandom &r, int style, bool withMelody)
    {
        const int ch = InstrumentFamily::of(family).channel;
        for (int bar = 0; bar < m_a.bars; ++bar) {
            const int degree = chordDegree(bar);
            switch (family) {
            case Instrument::Piano:
                if (style == 0 || withMelody) {
                    // Left-hand broken chord under a melody, or under right-hand chords.
                    const auto v = voicing(degree, 43, 4);
                    const int pattern[8] = {0, 2, 1, 2, 3, 2, 1, 2};
                    for (int e = 0; e < 8; ++e)
                        note(ch, v[size_t(pattern[e])], bar, e * 0.5, 0.5, velocity(r, e == 0, -10));
                }
                if (style == 1 || !withMelody) {
                    const auto rh = voicing(degree, 60, 3);
                    const double every = m_a.fast ? 1.0 : 2.0;
                    for (double t = 0; t < 4.0; t += every)
                        chord(ch, rh, bar, t, every * 0.9, velocity(r, t == 0, -4));
                }
                break;
            case Instrument::AcousticGuitar:
                if (style == 0) {
                    const auto v = voicing(degree, 40, 6);
                    const int pattern[8] = {0, 2, 3, 4, 1, 5, 3, 4};
                    for (int e = 0; e < 8; ++e)
                        note(ch, v[size_t(pattern[e])], bar, e * 0.5, 1.0, velocity(r, e == 0, -4));
                } else {
                    const auto v = voicing(degree, 40, 5);
                    const std::vector<double> strums = m_a.fast ? std::vector<double>{0, 1, 1.5, 2.5, 3, 3.5}
                                                                : std::vector<double>{0, 1, 2, 3};
                    for (size_t i = 0; i < strums.size(); ++i) {
                        const double next = i + 1 < strums.size() ? strums[i + 1] : 4.0;
                        const bool up = std::fmod(strums[i], 1.0) != 0.0;
                        chord(ch, v, bar, strums[i], next - strums[i], velocity(r, i == 0, up ? -10 : 0), 0.012, up);
                    }
                }
                break;
            case Instrument::ElectricGuitar:
                if (style == 0 && !withMelody) {
                    const int root = atOrAbove(chordClasses(degree)[0], 40);
                    const std::vector<int> power = {root, root + 7, root + 12};
                    const double every = m_a.fast ? 0.5 : 2.0;
                    for (double t = 0; t < 4.0; t += every)
                        chord(ch, power, bar, t, every * 0.85, velocity(r, t == 0, -4));
                } else {
                    const auto v = voicing(degree, 48, 4);
                    const int pattern[8] = {0, 1, 2, 3, 2, 1, 2, 3};
                    for (int e = 0; e < 8; ++e)
                        note(ch, v[size_t(pattern[e])], bar, e * 0.5, 0.6, velocity(r, e == 0, -8));
                }
                break;
            case Instrument::Strings:
            case Instrument::Organ:
                if (style == 0 || family == Instrument::Strings) {
                    chord(ch, voicing(degree, 48, 4), bar, 0, style == 0 ? 4.0 : 2.0, velocity(r, true, -6));
                    if (style == 1)
                        chord(ch, voicing(degree, 48, 4), bar, 2, 2.0, velocity(r, false, -6));
                } else {
                    note(ch, voicing(degree, 36, 1)[0], bar, 0, 4.0, velocity(r, true, -6));
                    for (int b = 0; b < 4; ++b)
                        chord(ch, voicing(degree, 55, 3), bar, b, 0.8, velocity(r, b == 0, -6));
                }
                break;
            case Instrument::Synth:
                if (style == 0 || withMelody) {
                    chord(ch, voicing(degree, 48, 4), bar, 0, 4.0, velocity(r, true, -8));
                } else {
                    const auto v = voicing(degree, 60, 6);
                    const double every = m_a.fast ? 0.25 : 0.5;
                    const int cycle[10] = {0, 1, 2, 3, 4, 5, 4, 3, 2, 1};
                    int i = 0;
                    for (double t = 0; t < 4.0; t += every, ++i)
                        note(ch, v[size_t(cycle[i % 10])], bar, t, every * 0.9, velocity(r, t == 0, -10));
                }
                break;
            case Instrument::Brass:
                if (style == 0) {
                    chord(ch, voicing(degree, 55, 3), bar, 0, 0.5, velocity(r, true));
                    chord(ch, voicing(degree, 55, 3), bar, 2.5, 0.5, velocity(r, false));
                } else {
                    chord(ch, voicing(degree, 55, 3), bar, 0, 1.9, velocity(r, true, -6));
                    chord(ch, voicing(degree, 55, 3), bar, 2, 1.9, velocity(r, false, -6));
                }
                break;
            case Instrument::Woodwind: {
                // A slow counter-line of chord tones, moving to the nearest one.
                for (int half = 0; half < 2; ++half) {
                    const auto tones = voicing(degree, 62, 6);
                    int best = tones[0];
                    for (int k : tones)
                        if (std::abs(k - m_counterLine) < std::abs(best - m_counterLine))
                            best = k;
                    m_counterLine = best;
                    note(ch, best, bar, half * 2.0, 1.9, velocity(r, half == 0, -6));
                }
                break;
            }
            case Instrument::Bass:
            case Instrument::Drums:
                break;
            }
        }
    }

private:
    const SegmentArrangement &m_a;
    std::array<int, 7> m_scale;
    double m_limit;
    int m_counterLine = 72;
};

} // namespace

std::vector<MidiEvent> MidiComposer::compose(const SegmentArrangement &segment)
{
    Score score(segment);
    const bool solo = segment.solo();
    for (int f = 0; f < InstrumentFamily::count; ++f) {
        const Role role = segment.roles[size_t(f)];
        if (role == Role::Silent)
            continue;
        const Instrument family = Instrument(f);
        score.setup(family);
        SeededRandom random(SeededRandom::derive(segment.seed, quint64(f)));
        const int style = segment.styles[size_t(f)];
        switch (role) {
        case Role::Groove:
            score.drums(random, style);
            break;
        case Role::Bass:
            score.bass(random, style);
            break;
        case Role::Melody:
            score.melody(family, random);
            break;
        case Role::Harmony: {
            const bool withMelody = solo && InstrumentFamily::of(family).melodic;
            score.harmony(family, random, style, withMelody);
            if (withMelody) {
                SeededRandom melodyRandom(SeededRandom::derive(segment.seed, quint64(f) + 100));
                score.melody(family, melodyRandom);
            }
            break;
        }
        case Role::Silent:
            break;
        }
    }
    finish(score.events, segment);
    return std::move(score.events);
}

void MidiComposer::finish(std::vector<MidiEvent> &events, const SegmentArrangement &segment)
{
    // Fade every channel out over the last moments (expression, CC11), then
    // silence everything at the boundary: no click, and nothing rings on.
    for (int f = 0; f < InstrumentFamily::count; ++f) {
        if (segment.roles[size_t(f)] == Role::Silent)
            continue;
        const auto channel = quint8(InstrumentFamily::at(f).channel);
        for (int k = 1; k <= fadeSteps; ++k) {
            const double t = segment.duration() - fadeSeconds * (1.0 - double(k) / (fadeSteps + 1));
            events.push_back({t, MidiEvent::Control, channel, 11,
                              quint8(std::lround(127.0 * (1.0 - double(k) / fadeSteps)))});
        }
    }
    events.push_back({segment.duration(), MidiEvent::AllSoundsOff, allChannels, 0, 0});
    std::stable_sort(events.begin(), events.end());
}

} // namespace taglane::engine
