// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/arrangementplanner.h"

#include "engine/corpus/seededrandom.h"

#include <cmath>

namespace taglane::engine {

namespace {

const std::vector<Instrument> &harmonicFamilies()
{
    static const std::vector<Instrument> list = {Instrument::Piano, Instrument::AcousticGuitar,
                                                 Instrument::ElectricGuitar, Instrument::Strings,
                                                 Instrument::Organ, Instrument::Synth};
    return list;
}

double barSeconds(int bpm)
{
    return 4.0 * 60.0 / bpm;
}

int minBars(int bpm)
{
    return int(std::ceil(ArrangementPlanner::minSegmentSeconds / barSeconds(bpm) - 1e-9));
}

int maxBars(int bpm)
{
    return int(std::floor(ArrangementPlanner::maxSegmentSeconds / barSeconds(bpm) + 1e-9));
}

/// Degrees 0..6 of the scale, one chord per bar; triads are stacked in the scale.
const std::vector<std::vector<int>> &progressions(bool major)
{
    static const std::vector<std::vector<int>> majorList = {
        {0, 4, 5, 3},  // I-V-vi-IV
        {0, 3, 4, 0},  // I-IV-V-I
        {0, 5, 3, 4},  // I-vi-IV-V
        {0, 1, 4, 0},  // I-ii-V-I
    };
    static const std::vector<std::vector<int>> minorList = {
        {0, 5, 2, 6},  // i-VI-III-VII
        {0, 3, 4, 0},  // i-iv-v-i
        {0, 5, 6, 0},  // i-VI-VII-i
        {0, 3, 0, 4},  // i-iv-i-v
    };
    return major ? majorList : minorList;
}

} // namespace

int ArrangementPlanner::progressionCount(bool major)
{
    return int(progressions(major).size());
}

const std::vector<int> &ArrangementPlanner::progression(bool major, int index)
{
    const auto &list = progressions(major);
    return list[size_t(index) % list.size()];
}

int ArrangementPlanner::chordOfBar(const SegmentArrangement &segment, int bar)
{
    // A segment of three bars or more closes on the tonic (a cadence), so
    // the key and mode are heard in every segment.
    if (segment.bars >= 3 && bar == segment.bars - 1)
        return 0;
    const auto &p = progression(segment.major, segment.progression);
    return p[size_t(bar) % p.size()];
}

SegmentArrangement ArrangementPlanner::drawArrangement(SeededRandom &random)
{
    SegmentArrangement a;
    a.seed = random.next();
    a.fast = random.chance(0.5);
    a.loud = random.chance(0.5);
    a.major = random.chance(0.5);
    const bool solo = random.chance(0.3);
    a.bpm = a.fast ? random.uniformInt(116, 160) : random.uniformInt(60, 84);
    a.keyRoot = random.uniformInt(0, 11);
    a.progression = random.uniformInt(0, progressionCount(a.major) - 1);

    a.roles.fill(Role::Silent);
    const Instrument harmony = random.pick(harmonicFamilies());
    a.roles[size_t(harmony)] = Role::Harmony;
    if (!solo) {
        // One to four more families, drums and bass more often than the rest.
        std::vector<double> weights(InstrumentFamily::count, 1.0);
        weights[size_t(Instrument::Drums)] = 3.0;
        weights[size_t(Instrument::Bass)] = 3.0;
        weights[size_t(harmony)] = 0.0;
        const int extra = random.uniformInt(1, 4);
        for (int k = 0; k < extra; ++k) {
            const int f = random.weighted(weights);
            weights[size_t(f)] = 0.0;
            const Instrument family = Instrument(f);
            a.roles[size_t(f)] = family == Instrument::Drums ? Role::Groove
                                 : family == Instrument::Bass ? Role::Bass
                                                              : Role::Harmony;
        }
        // The melody goes to one melodic family other than the chord carrier.
        std::vector<int> candidates;
        for (int f = 0; f < InstrumentFamily::count; ++f)
            if (a.roles[size_t(f)] == Role::Harmony && Instrument(f) != harmony && InstrumentFamily::at(f).melodic)
                candidates.push_back(f);
        if (!candidates.empty())
            a.roles[size_t(random.pick(candidates))] = Role::Melody;
    }
    for (int f = 0; f < InstrumentFamily::count; ++f) {
        a.programs[size_t(f)] = random.pick(InstrumentFamily::at(f).programs);
        a.styles[size_t(f)] = random.uniformInt(0, 1);
    }
    return a;
}

bool ArrangementPlanner::sameArrangement(const SegmentArrangement &a, const SegmentArrangement &b)
{
    return a.roles == b.roles && a.fast == b.fast && a.loud == b.loud && a.major == b.major;
}

TrackPlan ArrangementPlanner::plan(quint64 corpusSeed, int index)
{
    SeededRandom random(SeededRandom::derive(corpusSeed, quint64(index)));
    TrackPlan plan;
    plan.stem = QStringLiteral("track_%1").arg(index + 1, 4, 10, QLatin1Char('0'));
    const int count = random.uniformInt(minSegments, maxSegments);
    for (int s = 0; s < count; ++s) {
        SegmentArrangement a = drawArrangement(random);
        for (int attempt = 0; attempt < 16 && !plan.segments.empty() && sameArrangement(a, plan.segments.back());
             ++attempt)
            a = drawArrangement(random);
        plan.segments.push_back(a);
    }

    // Whole bars per segment, redrawn until the track length fits.
    std::vector<int> bars(size_t(count), 1);
    double total = 0.0;
    for (int attempt = 0; attempt < 10000; ++attempt) {
        total = 0.0;
        for (int s = 0; s < count; ++s) {
            const int bpm = plan.segments[size_t(s)].bpm;
            bars[size_t(s)] = random.uniformInt(minBars(bpm), maxBars(bpm));
            total += std::round(bars[size_t(s)] * barSeconds(bpm) * 1000.0) / 1000.0;
        }
        if (total >= minTrackSeconds && total <= maxTrackSeconds)
            break;
        // Practically unreachable; the extreme choice always fits.
        if (attempt == 9999)
            for (int s = 0; s < count; ++s)
                bars[size_t(s)] = total < minTrackSeconds ? maxBars(plan.segments[size_t(s)].bpm)
                                                          : minBars(plan.segments[size_t(s)].bpm);
    }
    qint64 startMs = 0;
    for (int s = 0; s < count; ++s) {
        SegmentArrangement &a = plan.segments[size_t(s)];
        a.bars = bars[size_t(s)];
        const qint64 lengthMs = qint64(std::llround(a.bars * barSeconds(a.bpm) * 1000.0));
        a.start = double(startMs) / 1000.0;
        a.end = double(startMs + lengthMs) / 1000.0;
        startMs += lengthMs;
    }
    plan.duration = double(startMs) / 1000.0;
    return plan;
}

} // namespace taglane::engine
