// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/corpus/instrumentfamily.h"

#include <QString>

#include <array>
#include <vector>

namespace taglane::engine {

/// What an instrument does in a segment.
enum class Role { Silent, Harmony, Melody, Bass, Groove };

/// The drawn arrangement of one segment of a synthetic track: its span,
/// tempo, key, dynamics, texture and what each instrument family plays.
/// Value type; any thread.
struct SegmentArrangement
{
    double start = 0.0;          ///< seconds, whole milliseconds
    double end = 0.0;
    quint64 seed = 0;            ///< seeds the composition of this segment
    int bpm = 90;
    int bars = 4;
    int keyRoot = 0;             ///< pitch class of the tonic, 0 = C
    bool major = true;
    bool fast = false;
    bool loud = false;
    int progression = 0;         ///< index into the mode's progression list
    std::array<Role, InstrumentFamily::count> roles{};   ///< Silent = not in this segment
    std::array<int, InstrumentFamily::count> programs{}; ///< GM program per family (drums: kit)
    std::array<int, InstrumentFamily::count> styles{};   ///< idiom variant per family

    bool plays(Instrument i) const { return roles[size_t(i)] != Role::Silent; }
    int instrumentCount() const;
    /// One instrument only.
    bool solo() const { return instrumentCount() == 1; }
    double duration() const { return end - start; }
    double beatSeconds() const { return 60.0 / bpm; }
};

/// One planned track: name, duration and its segments in time order.
struct TrackPlan
{
    QString stem;
    double duration = 0.0;
    std::vector<SegmentArrangement> segments;
};

} // namespace taglane::engine
