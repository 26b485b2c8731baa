// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/corpus/midievent.h"
#include "engine/corpus/segmentarrangement.h"

#include <vector>

namespace taglane::engine {

/// Writes the music of one segment from its arrangement: a chord
/// progression in the segment's key (one chord per 4/4 bar), a melody from
/// the scale (chord tones on beats 1 and 3, stepwise motion between them),
/// bass on the chord roots, drum grooves with a fill, and per-family
/// accompaniment idioms (piano block chords or broken chords, guitar
/// finger-picking, strums or power chords, sustained strings, organ and
/// pads, brass stabs, synth arpeggios). A solo instrument plays chords and,
/// when it can, the melody too. Dynamics set velocities and channel volume.
///
/// Every note ends `releaseMargin` seconds before the segment does, the
/// channels fade out over the last `fadeSeconds`, and the last event
/// silences all channels at the boundary, so no sound leaks into the next
/// segment and the labels stay exact. Stateless; any thread.
class MidiComposer
{
public:
    static constexpr double releaseMargin = 0.15;
    /// Expression (CC11) falls to 0 in `fadeSteps` steps over the last `fadeSeconds`.
    static constexpr double fadeSeconds = 0.12;
    static constexpr int fadeSteps = 8;
    /// Channel value of an AllSoundsOff event that means every channel.
    static constexpr quint8 allChannels = 255;

    /// Events in time order, times relative to the segment's start. The
    /// same arrangement (seed included) always gives the same events, and
    /// each family's part depends only on the seed and its own role, so
    /// adding or removing one family leaves the others' notes unchanged.
    static std::vector<MidiEvent> compose(const SegmentArrangement &segment);

    /// Appends the ending every generator shares (the fade of each playing
    /// channel and the AllSoundsOff at the boundary) and sorts the events.
    static void finish(std::vector<MidiEvent> &events, const SegmentArrangement &segment);
};

} // namespace taglane::engine
