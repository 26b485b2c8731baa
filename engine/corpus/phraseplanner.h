// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/corpus/segmentarrangement.h"

namespace taglane::engine {

class SeededRandom;

/// The second arrangement generator ("phrase"), planned differently from
/// ArrangementPlanner: a track is a song form (intro, verses, choruses,
/// bridge, break, outro) drawn from a small grammar; the track has a key,
/// tempo, band and groove, and each section varies them by its role
/// (modulation to the relative key, a change of tempo feel, an energy
/// curve for the dynamics); a texture planner decides per section between
/// drums alone, one pitched instrument alone, one with drums, a duo and a
/// band of three to five; the harmony is a chain of tonic, predominant and
/// dominant functions with one or two chords per bar or one per two bars.
/// Sections are 3-16 s of whole bars, tracks 30-120 s, with the tag
/// definitions of SynthVocabulary (116-160 BPM fast, 60-84 slow; tempo
/// drift stays inside the class and on the same side of 140 BPM).
/// PhraseComposer writes the notes. Stateless; any thread.
class PhrasePlanner
{
public:
    enum Section { Intro, Verse, PreChorus, Chorus, Bridge, Break, Outro, SectionCount };
    /// Drum grooves (PhraseComposer draws the notes).
    enum Groove { Rock, HalfTime, FourOnFloor, Funk, Shuffle, Bossa, Breakbeat, Ballad, Toms, GrooveCount };

    /// The plan of track `index` of a phrase corpus with this seed.
    static TrackPlan plan(quint64 corpusSeed, int index);
    /// The largest |drift| that keeps the instantaneous tempo of `bpm`
    /// inside its tag class (and on its side of 140 BPM).
    static double maxDrift(int bpm);
    static const char *sectionName(int section);
    static const char *grooveName(int groove);
};

} // namespace taglane::engine
