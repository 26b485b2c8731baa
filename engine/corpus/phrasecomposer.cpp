// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/phrasecomposer.h"

#include "engine/corpus/midicomposer.h"
#include "engine/corpus/phraseplanner.h"
#include "engine/corpus/seededrandom.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace taglane::engine {

namespace {

constexpr std::array<int, 7> kMajorScale = {0, 2, 4, 5, 7, 9, 11};
constexpr std::array<int, 7> kMinorScale = {0, 2, 3, 5, 7, 8, 10};

int floorDiv(int a, int b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int mod(int a, int b)
{
    return ((a % b) + b) % b;
}

/// Playable ranges per family (MIDI keys) for melodies and lines.
constexpr std::array<std::array<int, 2>, InstrumentFamily::count> kRanges = {{
    {48, 96}, {52, 84}, {52, 88}, {28, 55}, {55, 96}, {52, 84}, {58, 96}, {48, 91}, {48, 96}, {0, 0},
}};

/// One drum groove: 16 steps per bar per voice; 'x' accent, 'o' hit, 'g' ghost.
struct GrooveVoices
{
    const char *kick;
    const char *snare;
    int snareKey;
    const char *hat;
    int hatKey;
    const char *extra;
    int extraKey;
};

const GrooveVoices &grooveVoices(int groove)
{
    static const GrooveVoices table[PhrasePlanner::GrooveCount] = {
        {"x.......x.o.....", "....x.......x...", 38, "o.o.o.o.o.o.o.o.", 42, "................", 46},  // rock
        {"x.....o.........", "........x.......", 38, "o.o.o.o.o.o.o.o.", 42, "..............o.", 46},  // half time
        {"x...x...x...x...", "....x.......x...", 39, "..o...o...o...o.", 46, "o...o...o...o...", 42},  // four on the floor
        {"x..o......o.....", "....x..g.g..x..g", 38, "oooooooooooooooo", 42, "................", 46},  // funk
        {"x.......o.......", "....o.......o...", 38, "o...o.o.o...o.o.", 51, "....o.......o...", 44},  // shuffle
        {"x..ox..ox..ox..o", "o..o..o...o..o..", 37, "o.o.o.o.o.o.o.o.", 42, "................", 70},  // bossa
        {"x.x.......x.....", "....x..g.o..x...", 38, "o.o.o.o.o.o.o.o.", 42, "..............o.", 46},  // breakbeat
        {"x.......o.......", "....o.......o...", 37, "o...o...o...o...", 51, "................", 44},  // ballad
        {"x.......x.......", "o..o..o.o..o..o.", 45, "..o...o...o...o.", 41, "o.......o.......", 43},  // toms
    };
    return table[std::clamp(groove, 0, PhrasePlanner::GrooveCount - 1)];
}

class PhraseScore
{
public:
    explicit PhraseScore(const SegmentArrangement &a)
        : m_a(a), m_scale(a.major ? kMajorScale : kMinorScale), m_limit(a.duration() - MidiComposer::releaseMargin),
          m_beats(4.0 * a.bars)
    {
    }

    std::vector<MidiEvent> events;

    double beats() const { return m_beats; }

    // --- time ------------------------------------------------------------
    double swung(double beat) const
    {
        const double frac = beat - std::floor(beat);
        return std::fabs(frac - 0.5) < 1e-9 ? beat + m_a.swing * 0.5 : beat;
    }

    // --- harmony ---------------------------------------------------------
    int keyOfStep(int step) const { return 12 * floorDiv(step, 7) + m_scale[size_t(mod(step, 7))] + m_a.keyRoot; }
    int degreeAt(double beat) const { return PhraseComposer::chordAt(m_a, beat); }
    std::array<int, 3> chordClasses(int degree) const
    {
        return {mod(keyOfStep(degree), 12), mod(keyOfStep(degree + 2), 12), mod(keyOfStep(degree + 4), 12)};
    }
    bool inChord(int key, int degree) const
    {
        const auto pcs = chordClasses(degree);
        const int pc = mod(key, 12);
        return pc == pcs[0] || pc == pcs[1] || pc == pcs[2];
    }
    bool inScale(int key) const
    {
        const int pc = mod(key - m_a.keyRoot, 12);
        return std::find(m_scale.begin(), m_scale.end(), pc) != m_scale.end();
    }
    static int atOrAbove(int pitchClass, int low) { return low + mod(pitchClass - low, 12); }
    /// Chord tones from `low` upwards.
    std::vector<int> tonesFrom(int degree, int low, int count) const
    {
        std::vector<int> keys;
        for (int key = std::max(0, low); int(keys.size()) < count && key < 128; ++key)
            if (inChord(key, degree))
                keys.push_back(key);
        return keys;
    }
    /// The close-position voicing of `voices` notes in [low, high] nearest
    /// to `previous` (smallest total motion); any inversion.
    std::vector<int> voiceLead(int degree, int voices, int low, int high, const std::vector<int> &previous) const
    {
        std::vector<int> best;
        double bestCost = std::numeric_limits<double>::max();
        const double centre = 0.5 * (low + high);
        for (int bottom = low; bottom <= high; ++bottom) {
            if (!inChord(bottom, degree))
                continue;
            const auto v = tonesFrom(degree, bottom, voices);
            if (int(v.size()) < voices || v.back() > high)
                continue;
            double cost = 0.0;
            if (previous.size() == v.size()) {
                for (size_t i = 0; i < v.size(); ++i)
                    cost += std::abs(v[i] - previous[i]);
            } else {
                cost = std::fabs(0.5 * (v.front() + v.back()) - centre);
            }
            if (cost < bestCost) {
                bestCost = cost;
                best = v;
            }
        }
        if (best.empty())
            best = tonesFrom(degree, low, voices);
        return best;
    }

    // --- notes -----------------------------------------------------------
    int velocity(SeededRandom &r, bool accent, int offset = 0) const
    {
        const int base = m_a.loud ? 104 : 56;
        return std::clamp(base + offset + (accent ? 8 : 0) + r.uniformInt(-7, 7), 1, 127);
    }
    void note(SeededRandom &r, int channel, int key, double start, double length, int vel, double delay = 0.0)
    {
        if (key < 0 || key > 127 || start >= m_beats)
            return;
        const double jitter = m_a.humanise > 0.0 ? r.uniformReal(-m_a.humanise, m_a.humanise) : 0.0;
        const double on = std::max(0.0, PhraseComposer::beatTime(m_a, swung(start)) + jitter + delay);
        const double off = std::min(PhraseComposer::beatTime(m_a, std::min(m_beats, swung(start) + length)), m_limit);
        if (on >= m_limit - 0.03 || off <= on + 0.02)
            return;
        events.push_back({on, MidiEvent::NoteOn, quint8(channel), quint8(key), quint8(vel)});
        events.push_back({off, MidiEvent::NoteOff, quint8(channel), quint8(key), 0});
    }
    void chord(SeededRandom &r, int channel, const std::vector<int> &keys, double start, double length, int vel,
               double spread = 0.0, bool downwards = false)
    {
        for (size_t i = 0; i < keys.size(); ++i) {
            const size_t k = downwards ? keys.size() - 1 - i : i;
            note(r, channel, keys[k], start, length, vel - int(i) % 2 * 3, spread * double(i));
        }
    }

    void setup(Instrument family, SeededRandom &r)
    {
        const InstrumentFamily &f = InstrumentFamily::of(family);
        const auto ch = quint8(f.channel);
        const int volume = std::clamp(int(std::lround((m_a.loud ? 112.0 : 86.0) * f.balance)) + r.uniformInt(-3, 3)
                                          + m_a.mixOffsets[size_t(family)],
                                      1, 127);
        events.push_back({0.0, MidiEvent::ProgramChange, ch, quint8(m_a.programs[size_t(family)]),
                          m_a.soundfonts[size_t(family)]});
        events.push_back({0.0, MidiEvent::Control, ch, 7, quint8(volume)});
        events.push_back({0.0, MidiEvent::Control, ch, 10, quint8(std::clamp(f.pan + r.uniformInt(-16, 16), 0, 127))});
        events.push_back({0.0, MidiEvent::Control, ch, 11, 127});
        events.push_back({0.0, MidiEvent::Control, ch, 64, 0});
    }

    /// Spans of constant harmony: (start beat, length in beats, degree).
    struct Span
    {
        double start;
        double length;
        int degree;
    };
    std::vector<Span> spans() const
    {
        std::vector<Span> out;
        for (double b = 0.0; b < m_beats; b += 2.0) {
            const int d = degreeAt(b);
            if (!out.empty() && out.back().degree == d)
                out.back().length += 2.0;
            else
                out.push_back({b, 2.0, d});
        }
        return out;
    }

    // --- parts -----------------------------------------------------------
    void melody(Instrument family, SeededRandom &r);
    void counterLine(Instrument family, SeededRandom &r);
    void accompaniment(Instrument family, int manner, SeededRandom &r);
    void bass(int manner, SeededRandom &r);
    void drums(SeededRandom &r);

private:
    const SegmentArrangement &m_a;
    std::array<int, 7> m_scale;
    double m_limit;
    double m_beats;
};

void PhraseScore::melody(Instrument family, SeededRandom &r)
{
    const int ch = InstrumentFamily::of(family).channel;
    const auto range = kRanges[size_t(family)];
    // One to three octaves inside what the family can play.
    const int octaves = std::min(r.weighted({0.0, 0.45, 0.4, 0.15}), (range[1] - range[0]) / 12);
    const int span = 12 * std::max(1, octaves);
    const int low = r.uniformInt(range[0], std::max(range[0], range[1] - span));
    const int high = low + span;
    static const std::vector<std::vector<double>> slowRhythms = {
        {2, 2}, {1, 1, 2}, {1.5, 0.5, 2}, {1, 0.5, 0.5, 2}, {3, 1}, {0.5, 0.5, 1, 2}, {1, 1, 1, 1}};
    static const std::vector<std::vector<double>> fastRhythms = {
        {1, 1, 1, 1}, {0.5, 0.5, 1, 0.5, 0.5, 1}, {1, 0.5, 0.5, 2}, {0.75, 0.75, 0.5, 2}, {0.5, 0.5, 0.5, 0.5, 2},
        {1.5, 0.5, 1, 1}};
    const auto &rhythms = m_a.fast ? fastRhythms : slowRhythms;
    // The motif: a rhythm and its contour in scale steps.
    const std::vector<double> motifRhythm = r.pick(rhythms);
    std::vector<int> contour;
    for (size_t i = 0; i < motifRhythm.size(); ++i)
        contour.push_back(std::vector<int>{-2, -1, 1, 2, 3, -3, 4, -4, 7, -7}[size_t(
            r.weighted({1.0, 3.0, 3.0, 1.0, 0.8, 0.8, 0.4, 0.4, 0.2, 0.2}))]);
    const std::vector<double> answerRhythm = r.pick(rhythms);
    int step = 7 * 5;
    while (keyOfStep(step) < low + span / 3)
        step += 7;
    while (keyOfStep(step) > high - span / 3)
        step -= 7;
    int direction = 1;
    for (int bar = 0; bar < m_a.bars; ++bar) {
        const int inPhrase = bar % 4;
        const bool cadence = inPhrase == 3 || bar == m_a.bars - 1;
        const std::vector<double> rhythm = cadence ? std::vector<double>{2, 2}
                                           : inPhrase == 1 ? answerRhythm
                                                           : motifRhythm;
        double beat = 0.0;
        for (size_t i = 0; i < rhythm.size(); ++i) {
            const double at = bar * 4.0 + beat;
            const int degree = degreeAt(at);
            const bool strong = std::fmod(beat, 2.0) == 0.0;
            if (inPhrase == 2 && i == 0)
                step += r.pick(std::vector<int>{-2, -1, 1, 2});  // the motif again, a step away
            else if (i < contour.size() && !cadence)
                step += inPhrase == 1 ? -contour[i] * direction : contour[i] * direction;
            else
                step += r.uniformInt(-1, 1);
            if (strong) {
                for (int d = 0; d <= 3; ++d) {
                    if (inChord(keyOfStep(step + d), degree)) {
                        step += d;
                        break;
                    }
                    if (inChord(keyOfStep(step - d), degree)) {
                        step -= d;
                        break;
                    }
                }
            }
            while (keyOfStep(step) > high) {
                step -= 7;
                direction = -direction;
            }
            while (keyOfStep(step) < low) {
                step += 7;
                direction = -direction;
            }
            const bool rest = !strong && !cadence && r.chance(0.08);
            if (!rest)
                note(r, ch, keyOfStep(step), at, rhythm[i] * (r.chance(0.2) ? 0.55 : 0.93),
                     velocity(r, beat == 0.0, strong ? 6 : 2));
            beat += rhythm[i];
        }
    }
}

void PhraseScore::counterLine(Instrument family, SeededRandom &r)
{
    const int ch = InstrumentFamily::of(family).channel;
    const auto range = kRanges[size_t(family)];
    const int low = std::max(range[0], r.uniformInt(range[0], range[0] + 12));
    const int high = std::min(range[1], low + 19);
    int current = (low + high) / 2;
    const double every = m_a.fast ? 2.0 : r.pick(std::vector<double>{1.0, 2.0});
    for (double b = 0.0; b < m_beats; b += every) {
        const int degree = degreeAt(b);
        int best = -1;
        for (int k = low; k <= high; ++k)
            if (inChord(k, degree) && (best < 0 || std::abs(k - current) < std::abs(best - current)
                                       || (std::abs(k - current) == std::abs(best - current) && r.chance(0.5))))
                best = k;
        if (best < 0)
            continue;
        // A passing tone of the scale on the way, now and then.
        if (every >= 2.0 && std::abs(best - current) >= 3 && b + every < m_beats - 4.0 && r.chance(0.5)) {
            int passing = (best + current) / 2;
            while (!inScale(passing))
                ++passing;
            note(r, ch, current, b, 0.95, velocity(r, true, -4));
            note(r, ch, passing, b + 1.0, 0.95, velocity(r, false, -6));
        } else {
            note(r, ch, best, b, every * 0.95, velocity(r, true, -4));
        }
        current = best;
    }
}

void PhraseScore::accompaniment(Instrument family, int manner, SeededRandom &r)
{
    using M = PhraseComposer::Manner;
    const int ch = InstrumentFamily::of(family).channel;
    const int reg = r.uniformInt(-5, 7);  // register of this part
    std::vector<int> voices;
    switch (manner) {
    case M::Pad: {
        const int n = r.uniformInt(3, 4);
        for (const Span &s : spans()) {
            voices = voiceLead(s.degree, n, 48 + reg, 74 + reg, voices);
            chord(r, ch, voices, s.start, s.length - 0.08, velocity(r, true, -10));
        }
        break;
    }
    case M::Stabs: {
        static const std::vector<std::vector<double>> patterns = {
            {0, 1.5, 3}, {0.5, 1.5, 2.5, 3.5}, {0, 0.75, 2, 2.75}, {1, 3}, {0, 2.5}, {0, 1, 2, 3}};
        const auto &p = r.pick(patterns);
        const double length = r.uniformReal(0.15, 0.35);
        for (int bar = 0; bar < m_a.bars; ++bar)
            for (double t : p) {
                voices = voiceLead(degreeAt(bar * 4.0 + t), 3, 55 + reg, 79 + reg, voices);
                chord(r, ch, voices, bar * 4.0 + t, length, velocity(r, t == 0.0, -2));
            }
        break;
    }
    case M::Arpeggio: {
        const double rate = m_a.bpm > 140 ? r.pick(std::vector<double>{0.5, 1.0 / 3.0})
                                          : r.pick(std::vector<double>{0.5, 0.25, 1.0 / 3.0});
        const int octaves = r.uniformInt(1, 2);
        const int pattern = r.uniformInt(0, 3);  // up, down, up-down, broken
        const int low = family == Instrument::AcousticGuitar || family == Instrument::ElectricGuitar ? 45 + reg
                                                                                                      : 52 + reg;
        int i = 0;
        int degree = -1;
        std::vector<int> tones;
        const int steps = int(std::llround(m_beats / rate));
        for (int k = 0; k < steps; ++k, ++i) {
            const double t = k * rate;
            if (degreeAt(t) != degree) {
                degree = degreeAt(t);
                tones = tonesFrom(degree, low, 3 * octaves + 1);
                i = 0;
            }
            const int n = int(tones.size());
            int index = 0;
            switch (pattern) {
            case 0: index = i % n; break;
            case 1: index = n - 1 - i % n; break;
            case 2: {
                const int period = std::max(1, 2 * n - 2);
                const int p = i % period;
                index = p < n ? p : period - p;
                break;
            }
            default: index = std::array<int, 4>{0, 2, 1, 3}[size_t(i % 4)] % n; break;
            }
            note(r, ch, tones[size_t(index)], t, rate * r.uniformReal(0.7, 1.6), velocity(r, std::fmod(t, 1.0) == 0.0, -8));
        }
        break;
    }
    case M::Strum: {
        static const std::vector<std::vector<double>> strokes = {
            {0, 1, 2, 3}, {0, 1, 1.5, 2.5, 3, 3.5}, {0, 0.5, 1.5, 2, 2.5, 3.5}, {0, 2}, {0, 1.5, 3}};
        const auto &p = r.pick(strokes);
        const double spread = r.uniformReal(0.008, 0.025);
        for (int bar = 0; bar < m_a.bars; ++bar)
            for (size_t i = 0; i < p.size(); ++i) {
                const double at = bar * 4.0 + p[i];
                const int degree = degreeAt(at);
                const int root = atOrAbove(chordClasses(degree)[0], 40 + std::max(0, reg));
                auto shape = tonesFrom(degree, root, 6);
                const bool up = std::fmod(p[i], 1.0) != 0.0;
                if (up)
                    shape.erase(shape.begin(), shape.begin() + 2);  // up strokes hit the top strings
                const double next = i + 1 < p.size() ? p[i + 1] : 4.0;
                chord(r, ch, shape, at, next - p[i], velocity(r, i == 0, up ? -12 : 0), spread, up);
            }
        break;
    }
    case M::Broken: {
        static const std::vector<std::array<int, 4>> figures = {{0, 2, 1, 2}, {0, 1, 2, 1}, {0, 2, 3, 2}, {0, 3, 1, 2}};
        const auto fig = r.pick(figures);
        const bool rightHand = r.chance(0.5);
        for (const Span &s : spans()) {
            voices = voiceLead(s.degree, 4, 40 + reg, 64 + reg, voices);
            for (double t = 0; t < s.length; t += 0.5)
                note(r, ch, voices[size_t(fig[size_t(int(t * 2) % 4)])], s.start + t, 0.5, velocity(r, t == 0.0, -10));
            if (rightHand)
                chord(r, ch, voiceLead(s.degree, 3, 64 + reg, 84, {}), s.start, s.length - 0.1, velocity(r, true, -6));
        }
        break;
    }
    case M::Comping: {
        static const std::vector<std::vector<double>> rhythms = {{0, 2}, {0, 1, 2, 3}, {0, 1.5, 2.5}, {0.5, 2, 3.5}};
        const auto &p = r.pick(rhythms);
        for (int bar = 0; bar < m_a.bars; ++bar)
            for (size_t i = 0; i < p.size(); ++i) {
                const double at = bar * 4.0 + p[i];
                const double next = i + 1 < p.size() ? p[i + 1] : 4.0;
                voices = voiceLead(degreeAt(at), 4, 50 + reg, 76 + reg, voices);
                chord(r, ch, voices, at, (next - p[i]) * 0.8, velocity(r, i == 0, -6));
            }
        break;
    }
    case M::PowerChords: {
        const double every = m_a.fast ? 0.5 : r.pick(std::vector<double>{0.5, 1.0, 2.0});
        for (double t = 0.0; t < m_beats; t += every) {
            const int degree = degreeAt(t);
            int step = degree;
            while (keyOfStep(step) < 40)
                step += 7;
            // Root, the scale's fifth above it and the octave: in the key even on the diminished chord.
            const std::vector<int> power = {keyOfStep(step), keyOfStep(step + 4), keyOfStep(step + 7)};
            chord(r, ch, power, t, every * 0.8, velocity(r, std::fmod(t, 2.0) == 0.0, -4));
        }
        break;
    }
    case M::CounterLine:
    default:
        counterLine(family, r);
        break;
    }
}

void PhraseScore::bass(int manner, SeededRandom &r)
{
    using B = PhraseComposer::BassManner;
    const int ch = InstrumentFamily::of(Instrument::Bass).channel;
    const int floor = r.uniformInt(28, 35);
    auto rootStep = [&](int degree) {
        int step = degree;
        while (keyOfStep(step) < floor)
            step += 7;
        while (keyOfStep(step) >= floor + 12)
            step -= 7;
        return step;
    };
    for (int bar = 0; bar < m_a.bars; ++bar) {
        for (int half = 0; half < 2; ++half) {
            const double at = bar * 4.0 + half * 2.0;
            const int degree = degreeAt(at);
            const int root = rootStep(degree);
            switch (manner) {
            case B::BassHeld:
                note(r, ch, keyOfStep(root), at, 1.9, velocity(r, half == 0));
                break;
            case B::BassRootFifth:
                note(r, ch, keyOfStep(root), at, 0.95, velocity(r, true));
                note(r, ch, keyOfStep(root + (r.chance(0.7) ? 4 : 2)), at + 1.0, 0.95, velocity(r, false));
                break;
            case B::BassOctaves:
                for (int e = 0; e < 4; ++e)
                    note(r, ch, keyOfStep(root + (e % 2) * 7), at + e * 0.5, 0.45, velocity(r, e == 0));
                break;
            case B::BassWalking: {
                const int next = rootStep(degreeAt(std::min(m_beats - 0.01, at + 2.0)));
                note(r, ch, keyOfStep(root), at, 0.95, velocity(r, true));
                // Approach the next root by a scale step from above or below.
                // (The last bar stays on the tonic chord: its third instead.)
                const int approach = next + (r.chance(0.5) ? 1 : -1);
                const bool lastBar = bar == m_a.bars - 1;
                note(r, ch, keyOfStep(lastBar ? root + 2 : approach), at + 1.0, 0.95, velocity(r, false));
                break;
            }
            case B::BassSyncopated:
            default: {
                static const std::vector<std::vector<double>> riffs = {{0, 0.75, 1.5}, {0, 1.5}, {0, 0.5, 1.5}};
                const auto &riff = riffs[size_t((bar + half) % 3)];
                for (size_t i = 0; i < riff.size(); ++i)
                    note(r, ch, keyOfStep(root + (i == 1 ? 7 : 0)), at + riff[i], 0.4, velocity(r, i == 0));
                break;
            }
            }
        }
    }
}

void PhraseScore::drums(SeededRandom &r)
{
    const int ch = InstrumentFamily::of(Instrument::Drums).channel;
    const GrooveVoices &g = grooveVoices(m_a.groove);
    const bool alone = m_a.instrumentCount() == 1;
    const bool fills = r.chance(0.8);
    const bool crash = m_a.section == PhrasePlanner::Chorus || m_a.section == PhrasePlanner::Bridge || r.chance(0.3);
    static const std::vector<std::vector<int>> fillKeys = {
        {38, 38, 50, 50, 47, 47, 45, 45}, {50, 47, 45, 41, 50, 47, 45, 41}, {38, 38, 38, 38, 38, 38, 38, 38},
        {45, 45, 41, 41, 38, 38, 36, 49}};
    const auto &fill = r.pick(fillKeys);
    auto hit = [&](char c, int key, double at, int offset) {
        if (c == '.')
            return;
        const int extra = c == 'x' ? 10 : c == 'g' ? -30 : 0;
        note(r, ch, key, at, 0.25, velocity(r, false, offset + extra));
    };
    for (int bar = 0; bar < m_a.bars; ++bar) {
        const bool fillBar = fills && m_a.bars >= 2 && (bar == m_a.bars - 1 || (alone && bar % 4 == 3));
        if (bar == 0 && crash)
            note(r, ch, 49, 0.0, 0.5, velocity(r, true));
        for (int step = 0; step < 16; ++step) {
            const double at = bar * 4.0 + step * 0.25;
            if (fillBar && step >= 8) {
                if (step % 2 == 0 || m_a.bpm < 100)
                    note(r, ch, fill[size_t(step - 8)], at, 0.25, velocity(r, step == 8, -2));
                continue;
            }
            hit(g.kick[step], 36, at, 0);
            hit(g.snare[step], g.snareKey, at, -2);
            hit(g.hat[step], g.hatKey, at, -12);
            hit(g.extra[step], g.extraKey, at, -14);
            // Drums alone vary the kick now and then.
            if (alone && bar % 2 == 1 && step == 14 && r.chance(0.6))
                note(r, ch, 36, at, 0.25, velocity(r, false, -6));
        }
    }
}

} // namespace

double PhraseComposer::beatTime(const SegmentArrangement &segment, double beat)
{
    const double total = 4.0 * segment.bars;
    const double u = std::clamp(beat / total, 0.0, 1.0);
    return segment.duration() * (u + segment.drift * u * (1.0 - u));
}

int PhraseComposer::chordAt(const SegmentArrangement &segment, double beat)
{
    if (segment.chords.empty())
        return 0;
    const int slot = std::clamp(int(std::floor(beat / 2.0 + 1e-9)), 0, int(segment.chords.size()) - 1);
    return segment.chords[size_t(slot)];
}

std::vector<MidiEvent> PhraseComposer::compose(const SegmentArrangement &segment)
{
    PhraseScore score(segment);
    const bool solo = segment.solo();
    for (int f = 0; f < InstrumentFamily::count; ++f) {
        const Role role = segment.roles[size_t(f)];
        if (role == Role::Silent)
            continue;
        const Instrument family = Instrument(f);
        SeededRandom random(SeededRandom::derive(segment.seed, quint64(f) + 0x7000));
        score.setup(family, random);
        switch (role) {
        case Role::Groove:
            score.drums(random);
            break;
        case Role::Bass:
            score.bass(segment.styles[size_t(f)], random);
            break;
        case Role::Melody:
            score.melody(family, random);
            break;
        case Role::Harmony: {
            score.accompaniment(family, segment.styles[size_t(f)], random);
            // A chord instrument alone sings the tune over its chords half the time.
            if (solo && InstrumentFamily::of(family).melodic && random.chance(0.5)) {
                SeededRandom tune(SeededRandom::derive(segment.seed, quint64(f) + 0x7100));
                score.melody(family, tune);
            }
            break;
        }
        case Role::Silent:
            break;
        }
    }
    MidiComposer::finish(score.events, segment);
    return std::move(score.events);
}

} // namespace taglane::engine
