// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/phraseplanner.h"

#include "engine/corpus/arrangementplanner.h"
#include "engine/corpus/phrasecomposer.h"
#include "engine/corpus/seededrandom.h"

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

using S = PhrasePlanner::Section;

/// Song forms; each is trimmed or used whole (3-8 sections).
const std::vector<std::vector<S>> &forms()
{
    static const std::vector<std::vector<S>> list = {
        {S::Intro, S::Verse, S::Chorus, S::Verse, S::Chorus, S::Outro},
        {S::Intro, S::Verse, S::PreChorus, S::Chorus, S::Break, S::Chorus, S::Outro},
        {S::Verse, S::Verse, S::Bridge, S::Verse},
        {S::Intro, S::Verse, S::Chorus, S::Bridge, S::Chorus, S::Outro},
        {S::Break, S::Verse, S::Chorus, S::Break, S::Verse, S::Chorus, S::Bridge, S::Chorus},
        {S::Intro, S::Chorus, S::Verse, S::Break, S::Chorus},
        {S::Verse, S::PreChorus, S::Chorus, S::Verse, S::PreChorus, S::Chorus, S::Outro},
        {S::Intro, S::Bridge, S::Verse, S::Outro},
    };
    return list;
}

const std::vector<Instrument> &harmonicFamilies()
{
    static const std::vector<Instrument> list = {Instrument::Piano, Instrument::AcousticGuitar,
                                                 Instrument::ElectricGuitar, Instrument::Strings,
                                                 Instrument::Organ, Instrument::Synth};
    return list;
}

bool isHarmonic(int f)
{
    return InstrumentFamily::at(f).harmonic;
}

/// Manners per family (PhraseComposer's Manner values), drawn per section.
const std::vector<int> &mannersOf(Instrument family)
{
    using M = PhraseComposer::Manner;
    static const std::vector<std::vector<int>> table = {
        {M::Broken, M::Comping, M::Arpeggio, M::Stabs, M::Broken, M::Pad},      // piano
        {M::Strum, M::Arpeggio, M::Strum},                                      // acoustic guitar
        {M::PowerChords, M::Strum, M::Arpeggio, M::Stabs},                      // electric guitar
        {PhraseComposer::BassHeld, PhraseComposer::BassRootFifth, PhraseComposer::BassOctaves,
         PhraseComposer::BassWalking, PhraseComposer::BassSyncopated},          // bass
        {M::Pad, M::CounterLine, M::Stabs, M::Arpeggio, M::Pad},                // strings
        {M::Stabs, M::Pad, M::CounterLine},                                     // brass
        {M::CounterLine, M::Arpeggio, M::Pad},                                  // woodwind
        {M::Pad, M::Comping, M::Stabs},                                         // organ
        {M::Arpeggio, M::Pad, M::Stabs, M::Arpeggio},                           // synth
        {0},                                                                    // drums
    };
    return table[size_t(family)];
}

/// Textures: how many and which kinds of parts play.
enum Texture { DrumsAlone, SoloPitched, OneWithDrums, Duo, Band };

Texture drawTexture(SeededRandom &r, S section)
{
    // Weights: drums alone, solo, one + drums, duo, band (3-5).
    std::vector<double> w;
    switch (section) {
    case S::Intro: w = {0.15, 0.40, 0.15, 0.20, 0.10}; break;
    case S::Verse: w = {0.03, 0.20, 0.17, 0.30, 0.30}; break;
    case S::PreChorus: w = {0.05, 0.15, 0.20, 0.25, 0.35}; break;
    case S::Chorus: w = {0.0, 0.10, 0.10, 0.20, 0.60}; break;
    case S::Bridge: w = {0.05, 0.30, 0.15, 0.25, 0.25}; break;
    case S::Break: w = {0.45, 0.20, 0.25, 0.05, 0.05}; break;
    case S::Outro: w = {0.05, 0.45, 0.10, 0.25, 0.15}; break;
    case S::SectionCount: w = {1, 1, 1, 1, 1}; break;
    }
    return Texture(r.weighted(w));
}

/// Chord functions: tonic, predominant, dominant.
enum Function { Tonic, Predominant, Dominant };

int degreeOf(SeededRandom &r, Function f, bool major)
{
    if (major) {
        switch (f) {
        case Tonic: return std::vector<int>{0, 5, 2}[size_t(r.weighted({0.6, 0.3, 0.1}))];
        case Predominant: return std::vector<int>{3, 1}[size_t(r.weighted({0.6, 0.4}))];
        case Dominant: return std::vector<int>{4, 6}[size_t(r.weighted({0.85, 0.15}))];
        }
    }
    switch (f) {
    case Tonic: return std::vector<int>{0, 2}[size_t(r.weighted({0.75, 0.25}))];
    case Predominant: return std::vector<int>{3, 5}[size_t(r.weighted({0.5, 0.5}))];
    case Dominant: return std::vector<int>{4, 6}[size_t(r.weighted({0.4, 0.6}))];
    }
    return 0;
}

/// One scale degree per half bar: a chain of functions with a harmonic
/// rhythm of one chord per bar, two per bar or one per two bars; the
/// section closes on the tonic (its last chord) so the mode is heard.
std::vector<int> drawChords(SeededRandom &r, int bars, bool major, bool fast)
{
    const int slots = 2 * bars;
    const int rhythm = r.weighted(fast ? std::vector<double>{0.55, 0.15, 0.30} : std::vector<double>{0.55, 0.35, 0.10});
    const int span = rhythm == 0 ? 2 : rhythm == 1 ? 1 : 4;  // half bars per chord
    std::vector<int> chords(size_t(slots), 0);
    Function f = r.chance(0.75) ? Tonic : Predominant;
    int degree = f == Tonic ? 0 : degreeOf(r, f, major);
    for (int slot = 0; slot < slots; slot += span) {
        for (int k = slot; k < std::min(slots, slot + span); ++k)
            chords[size_t(k)] = degree;
        const std::vector<double> next = f == Tonic       ? std::vector<double>{0.2, 0.5, 0.3}
                                         : f == Predominant ? std::vector<double>{0.2, 0.2, 0.6}
                                                            : std::vector<double>{0.75, 0.1, 0.15};
        const Function g = Function(r.weighted(next));
        int d = degreeOf(r, g, major);
        for (int attempt = 0; attempt < 4 && d == degree && slots > span; ++attempt)
            d = degreeOf(r, g, major);
        f = g;
        degree = d;
    }
    // The cadence: the last chord (at least one bar) is the tonic.
    if (bars >= 2)
        for (int k = std::max(0, slots - std::max(2, span)); k < slots; ++k)
            chords[size_t(k)] = 0;
    return chords;
}

double barSeconds(int bpm)
{
    return 240.0 / bpm;
}

int minBars(int bpm)
{
    return int(std::ceil(ArrangementPlanner::minSegmentSeconds / barSeconds(bpm) - 1e-9));
}

int maxBars(int bpm)
{
    return int(std::floor(ArrangementPlanner::maxSegmentSeconds / barSeconds(bpm) + 1e-9));
}

} // namespace

double PhrasePlanner::maxDrift(int bpm)
{
    // Local tempo runs from bpm / (1 + |a|) to bpm / (1 - |a|).
    const bool fast = bpm >= 116;
    const double low = fast ? (bpm >= 140 ? 140.0 : 116.0) : 60.0;
    const double high = fast ? (bpm >= 140 ? 160.0 : 139.5) : 84.0;
    double a = 0.05;
    a = std::min(a, bpm / low - 1.0);
    a = std::min(a, 1.0 - bpm / high);
    return std::max(0.0, a);
}

const char *PhrasePlanner::sectionName(int section)
{
    static const char *const names[] = {"intro", "verse", "prechorus", "chorus", "bridge", "break", "outro"};
    return section >= 0 && section < SectionCount ? names[section] : "section";
}

const char *PhrasePlanner::grooveName(int groove)
{
    static const char *const names[] = {"rock", "halftime", "fouronfloor", "funk", "shuffle",
                                        "bossa", "breakbeat", "ballad", "toms"};
    return groove >= 0 && groove < GrooveCount ? names[groove] : "groove";
}

TrackPlan PhrasePlanner::plan(quint64 corpusSeed, int index)
{
    // A stream of its own, so that a phrase corpus and a classic corpus of
    // the same seed share nothing.
    SeededRandom random(SeededRandom::derive(corpusSeed ^ 0x5048524153450000ull, quint64(index)));
    TrackPlan plan;
    plan.stem = QStringLiteral("track_%1").arg(index + 1, 4, 10, QLatin1Char('0'));

    std::vector<S> form = random.pick(forms());
    while (int(form.size()) > ArrangementPlanner::maxSegments)
        form.pop_back();

    // The track: key, mode, tempo, band, groove, kit, feel.
    const int trackKey = random.uniformInt(0, 11);
    const bool trackMajor = random.chance(0.5);
    const bool trackFast = random.chance(0.5);
    const int trackBpm = trackFast ? random.uniformInt(116, 160) : random.uniformInt(60, 84);
    const int trackGroove = random.uniformInt(0, GrooveCount - 1);
    static const std::vector<int> kits = {0, 8, 16, 24, 25, 32, 40, 48};
    const int kit = random.pick(kits);
    const double trackSwing = random.chance(0.25) ? random.uniformReal(0.1, 1.0 / 3.0) : 0.0;
    const double humanise = random.uniformReal(0.002, 0.016);
    std::vector<int> band;  // preferred families of this track
    {
        std::vector<int> all;
        for (int f = 0; f < InstrumentFamily::count; ++f)
            all.push_back(f);
        random.shuffle(all);
        band.assign(all.begin(), all.begin() + random.uniformInt(4, 7));
    }
    auto drawFamily = [&](const std::vector<int> &allowed, const std::array<Role, InstrumentFamily::count> &taken) {
        std::vector<double> w(InstrumentFamily::count, 0.0);
        for (int f : allowed)
            if (taken[size_t(f)] == Role::Silent) {
                w[size_t(f)] = std::find(band.begin(), band.end(), f) != band.end() ? 4.0 : 1.0;
                // Brass and woodwind carry no chords, so they get fewer chances: more weight.
                if (f == int(Instrument::Brass) || f == int(Instrument::Woodwind))
                    w[size_t(f)] *= 2.5;
            }
        return random.weighted(w);
    };

    for (size_t si = 0; si < form.size(); ++si) {
        const S section = form[si];
        SegmentArrangement a;
        a.generator = Generator::Phrase;
        a.section = int(section);
        a.seed = random.next();
        // Tempo: the track's, or a change of feel in bridges, breaks and now and then anywhere.
        const double tempoChange = section == S::Bridge || section == S::Break ? 0.45 : 0.2;
        a.fast = random.chance(tempoChange) ? !trackFast : trackFast;
        a.bpm = a.fast == trackFast ? std::clamp(trackBpm + random.uniformInt(-3, 3), a.fast ? 116 : 60, a.fast ? 160 : 84)
                                    : (a.fast ? random.uniformInt(116, 160) : random.uniformInt(60, 84));
        // Key: the track's, the relative key in bridges and choruses, or the parallel mode.
        a.major = trackMajor;
        a.keyRoot = trackKey;
        if ((section == S::Bridge || section == S::Chorus) && random.chance(0.35)) {
            a.major = !trackMajor;
            a.keyRoot = (trackKey + (trackMajor ? 9 : 3)) % 12;
        } else if (random.chance(0.2)) {
            a.major = !trackMajor;
        } else if (random.chance(0.15)) {
            a.keyRoot = (trackKey + random.pick(std::vector<int>{2, 5, 7, 10})) % 12;
        }
        // Dynamics follow an energy curve: choruses and bridges loud, intros and breaks quiet.
        const double loudness = section == S::Chorus ? 0.8 : section == S::Bridge || section == S::PreChorus ? 0.55
                                : section == S::Verse ? 0.4 : 0.3;
        a.loud = random.chance(loudness);
        a.groove = random.chance(0.7) ? trackGroove : random.uniformInt(0, GrooveCount - 1);
        a.swing = a.groove == Shuffle ? std::max(trackSwing, 0.25) : (a.fast ? 0.0 : trackSwing);
        a.humanise = humanise;
        a.drift = random.chance(0.5) ? random.uniformReal(-1.0, 1.0) * maxDrift(a.bpm) : 0.0;

        // Texture.
        a.roles.fill(Role::Silent);
        std::vector<int> all, harmonic, melodic, pitched;
        for (int f = 0; f < InstrumentFamily::count; ++f) {
            all.push_back(f);
            if (isHarmonic(f))
                harmonic.push_back(f);
            if (InstrumentFamily::at(f).melodic && f != int(Instrument::Bass))
                melodic.push_back(f);
            if (f != int(Instrument::Drums) && f != int(Instrument::Bass))
                pitched.push_back(f);
        }
        const int drums = int(Instrument::Drums), bass = int(Instrument::Bass);
        switch (drawTexture(random, section)) {
        case DrumsAlone:
            a.roles[size_t(drums)] = Role::Groove;
            break;
        case SoloPitched: {
            // A chord instrument alone, or a melody instrument alone outlining the chords.
            const int f = drawFamily(random.chance(0.75) ? harmonic : pitched, a.roles);
            a.roles[size_t(f)] = isHarmonic(f) ? Role::Harmony : Role::Melody;
            break;
        }
        case OneWithDrums: {
            a.roles[size_t(drums)] = Role::Groove;
            const int f = drawFamily(random.chance(0.2) ? std::vector<int>{bass} : pitched, a.roles);
            a.roles[size_t(f)] = f == bass ? Role::Bass : isHarmonic(f) ? Role::Harmony : Role::Melody;
            break;
        }
        case Duo:
        case Band:
            break;
        }
        if (a.instrumentCount() == 0) {
            // Duo or band: a chord carrier, then melody, bass, drums and more chords.
            const bool isDuo = random.chance(0.5) && section != S::Chorus;
            const int count = isDuo ? 2 : random.weighted({0, 0, 0, 0.4, 0.35, 0.25});
            const int chordsBy = drawFamily(harmonic, a.roles);
            a.roles[size_t(chordsBy)] = Role::Harmony;
            std::vector<int> order = {0, 1, 2, 3};  // melody, bass, drums, chords
            random.shuffle(order);
            if (!isDuo) {
                // Bands usually have bass and drums.
                std::stable_partition(order.begin(), order.end(), [&](int k) { return (k == 1 || k == 2) && random.chance(0.8); });
            }
            for (int k = 0; a.instrumentCount() < count && k < 12; ++k) {
                const int what = order[size_t(k % 4)];
                int f = -1;
                if (what == 0) {
                    f = drawFamily(melodic, a.roles);
                    if (a.roles[size_t(f)] == Role::Silent)
                        a.roles[size_t(f)] = Role::Melody;
                } else if (what == 1 && a.roles[size_t(bass)] == Role::Silent) {
                    a.roles[size_t(bass)] = Role::Bass;
                } else if (what == 2 && a.roles[size_t(drums)] == Role::Silent) {
                    a.roles[size_t(drums)] = Role::Groove;
                } else if (what == 3) {
                    f = drawFamily(pitched, a.roles);
                    if (a.roles[size_t(f)] == Role::Silent)
                        a.roles[size_t(f)] = Role::Harmony;
                }
            }
        }
        for (int f = 0; f < InstrumentFamily::count; ++f) {
            a.programs[size_t(f)] = f == drums ? kit : random.pick(InstrumentFamily::at(f).programs);
            const auto &manners = mannersOf(Instrument(f));
            a.styles[size_t(f)] = manners.empty() ? 0 : random.pick(manners);
        }
        plan.segments.push_back(a);
    }

    // Whole bars per section, redrawn until the track length fits.
    const int count = int(plan.segments.size());
    std::vector<int> bars(size_t(count), 1);
    for (int attempt = 0; attempt < 10000; ++attempt) {
        double total = 0.0;
        for (int s = 0; s < count; ++s) {
            const int bpm = plan.segments[size_t(s)].bpm;
            // Phrases of 2 or 4 bars where they fit.
            int b = random.uniformInt(minBars(bpm), maxBars(bpm));
            if (b > 4 && random.chance(0.6))
                b -= b % 2;
            bars[size_t(s)] = std::max(b, minBars(bpm));
            total += std::round(bars[size_t(s)] * barSeconds(bpm) * 1000.0) / 1000.0;
        }
        if (total >= ArrangementPlanner::minTrackSeconds && total <= ArrangementPlanner::maxTrackSeconds)
            break;
        if (attempt == 9999)
            for (int s = 0; s < count; ++s)
                bars[size_t(s)] = total < ArrangementPlanner::minTrackSeconds ? maxBars(plan.segments[size_t(s)].bpm)
                                                                              : minBars(plan.segments[size_t(s)].bpm);
    }
    qint64 startMs = 0;
    for (int s = 0; s < count; ++s) {
        SegmentArrangement &a = plan.segments[size_t(s)];
        a.bars = bars[size_t(s)];
        a.chords = drawChords(random, a.bars, a.major, a.fast);
        const qint64 lengthMs = qint64(std::llround(a.bars * barSeconds(a.bpm) * 1000.0));
        a.start = double(startMs) / 1000.0;
        a.end = double(startMs + lengthMs) / 1000.0;
        startMs += lengthMs;
    }
    plan.duration = double(startMs) / 1000.0;
    return plan;
}

} // namespace taglane::engine
