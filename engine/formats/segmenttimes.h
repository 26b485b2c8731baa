// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace taglane::engine {

class Segmentation;

/// The one rule every reader (import, train, evaluate) applies to the
/// times of a segment, and the check against the audio's length that only
/// the code that knows the audio can make. Stateless; any thread.
///
/// A segment is [start, end) with both times finite, 0 <= start < end and
/// end no later than ImportOptions::maxSeconds. An instant (start == end)
/// is not a segment: the formats that have instants (Audacity point labels,
/// Sonic Visualiser regions of duration 0) skip them with a warning before
/// this rule is applied; in every other format start == end is an error.
class SegmentTimes
{
public:
    /// Empty when [start, end) is a valid segment, else the reason, naming
    /// the columns `startName` / `endName`.
    static QString check(double start, double end, double maxSeconds, const QString &startName,
                         const QString &endName);

    /// How far (seconds) the last segment may run past the end of audio
    /// lasting `audioSeconds`: label files round their times and decoders
    /// report lengths a frame or two apart; 0.25 s, or 0.5 % of a long track.
    static double lengthTolerance(double audioSeconds);

    /// Empty when every segment ends within the audio (plus the
    /// tolerance), else the reason naming the first segment that does not
    /// and `audioPath`. An unknown length (audioSeconds <= 0) is not checked.
    static QString checkLength(const Segmentation &segments, double audioSeconds, const QString &audioPath);
};

} // namespace taglane::engine
