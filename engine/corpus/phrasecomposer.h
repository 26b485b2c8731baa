// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/corpus/midievent.h"
#include "engine/corpus/segmentarrangement.h"

#include <vector>

namespace taglane::engine {

/// Writes the notes of a segment planned by PhrasePlanner, in ways of its
/// own: chords voice-led from chord to chord (each voice moves to the
/// nearest chord tone, so inversions arise), in registers drawn per part;
/// manners per family (sustained pads, staccato stabs, arpeggios of one to
/// two octaves in eighths, triplets or sixteenths, guitar strums with down
/// and up strokes, broken chords, comping rhythms, power chords, counter
/// lines); melodies built from a one-bar motif, repeated, sequenced and
/// closed by a cadence, over one to three octaves; bass lines held, root
/// and fifth, octaves, walking or syncopated; a library of drum grooves
/// (rock, half time, four on the floor, funk, shuffle, bossa, breakbeat,
/// ballad, toms) with fills and crashes, on any GM kit; humanised timing
/// and velocity, swing, and tempo drift within the segment.
///
/// All pitched notes come from the segment's scale (major or natural
/// minor) and the harmony closes on the tonic; every note ends
/// MidiComposer::releaseMargin before the segment does and the ending is
/// MidiComposer::finish, so labels stay exact. Stateless; any thread.
class PhraseComposer
{
public:
    enum Manner { Pad, Stabs, Arpeggio, Strum, Broken, Comping, PowerChords, CounterLine };
    enum BassManner { BassHeld, BassRootFifth, BassOctaves, BassWalking, BassSyncopated };

    static std::vector<MidiEvent> compose(const SegmentArrangement &segment);
    /// Seconds from the segment's start at which `beat` falls (tempo drift
    /// applied; no swing or humanising).
    static double beatTime(const SegmentArrangement &segment, double beat);
    /// The scale degree of the chord sounding at `beat`.
    static int chordAt(const SegmentArrangement &segment, double beat);
};

} // namespace taglane::engine
