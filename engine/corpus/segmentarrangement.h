// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/corpus/instrumentfamily.h"

#include <QString>

#include <array>
#include <vector>

namespace taglane::engine {

/// What an instrument does in a segment.
enum class Role { Silent, Harmony, Melody, Bass, Groove };

/// Which arrangement generator wrote a segment (see SegmentComposer).
enum class Generator : quint8 { Classic, Phrase };

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
    /// Which soundfont (index into the corpus's list) plays each family.
    std::array<quint8, InstrumentFamily::count> soundfonts{};
    /// Which per-channel volume offset (CC7 steps, from augmentation's mix levels) each family gets.
    std::array<qint8, InstrumentFamily::count> mixOffsets{};

    Generator generator = Generator::Classic;
    // Phrase generator only (the classic one leaves them as they are):
    int groove = 0;              ///< drum and bass groove
    double swing = 0.0;          ///< 0 = straight; up to 1/3 beat delay of off-beat eighths
    double drift = 0.0;          ///< tempo warp: beat u in [0,1] of the segment sounds at u + drift*u*(1-u)
    double humanise = 0.0;       ///< timing jitter, seconds (standard deviation-like spread)
    int section = 0;             ///< form role of the section (PhrasePlanner::Section)
    std::vector<int> chords;     ///< scale degree per half bar

    bool plays(Instrument i) const { return roles[size_t(i)] != Role::Silent; }
    /// Whether any pitched family plays, so that the mode can be heard
    /// (drums alone leave Song-Major_Mode unknown).
    bool modeAudible() const;
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
