// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/corpus/segmentarrangement.h"
#include "engine/model/vocabulary.h"

#include <vector>

namespace taglane::engine {

/// The tags of the synthetic corpus and how an arrangement sets them.
///
/// Category "Instrument": one tag per family (Instrument_-_Piano ...
/// Instrument_-_Drum_Set), 1 exactly in the segments where that family
/// plays notes. Category "Song characteristic": one binary tag per
/// attribute pair, 1 for the named side and 0 for the other:
/// Song-Fast_Tempo (116-160 BPM; 0 = slow, 60-84 BPM), Song-Loud (0 = quiet),
/// Song-Major_Mode (0 = natural minor), Song-Solo_Texture (one instrument;
/// 0 = an ensemble of two to five). Stateless; any thread.
class SynthVocabulary
{
public:
    enum Attribute { FastTempo = InstrumentFamily::count, Loud, MajorMode, SoloTexture, TagCount };

    static Vocabulary vocabulary();
    /// 0/1 per tag, in vocabulary order.
    static std::vector<quint8> labels(const SegmentArrangement &segment);
    /// Whether the segment's audio decides the tag: Song-Major_Mode is
    /// unknown (an empty CSV cell) where drums play alone; every other tag
    /// is always known.
    static bool known(const SegmentArrangement &segment, int tag);
};

} // namespace taglane::engine
