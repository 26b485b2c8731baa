// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/corpus/segmentarrangement.h"

namespace taglane::engine {

class SeededRandom;

/// Draws the plan of one synthetic track: 3-8 segments of 3-16 s (whole
/// bars of the segment's tempo) adding up to 30-120 s, each with its own
/// arrangement. Consecutive segments always differ in instruments or in an
/// attribute. Stateless; any thread.
class ArrangementPlanner
{
public:
    static constexpr double minTrackSeconds = 30.0;
    static constexpr double maxTrackSeconds = 120.0;
    static constexpr double minSegmentSeconds = 3.0;
    static constexpr double maxSegmentSeconds = 16.0;
    static constexpr int minSegments = 3;
    static constexpr int maxSegments = 8;

    /// The plan of track `index` of the corpus with this seed.
    static TrackPlan plan(quint64 corpusSeed, int index);
    /// One arrangement drawn from `random` (span and bars unset).
    static SegmentArrangement drawArrangement(SeededRandom &random);
    /// Number of progressions per mode.
    static int progressionCount(bool major);
    /// Scale degrees (0 = tonic) of progression `index`, one chord per bar.
    static const std::vector<int> &progression(bool major, int index);
    /// The scale degree of the chord in `bar` of a segment: its progression
    /// repeated, except that a segment of 3 bars or more ends on the tonic.
    static int chordOfBar(const SegmentArrangement &segment, int bar);

private:
    static bool sameArrangement(const SegmentArrangement &a, const SegmentArrangement &b);
};

} // namespace taglane::engine
