// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/instrumentfamily.h"

namespace taglane::engine {

const InstrumentFamily &InstrumentFamily::of(Instrument instrument)
{
    // Programs are General MIDI (0-based): only sounds every listener would
    // name as the family (no electric piano for "piano", no synth bass for "bass").
    static const InstrumentFamily families[count] = {
        {Instrument::Piano, "Instrument_-_Piano", "piano", {0, 1, 2}, 0, 64, 1.0, true, true, 60, 84},
        {Instrument::AcousticGuitar, "Instrument_-_Acoustic_Guitar", "acoustic guitar", {24, 25}, 1, 42, 1.0, true,
         false, 55, 76},
        {Instrument::ElectricGuitar, "Instrument_-_Electric_Guitar", "electric guitar", {26, 27, 29, 30}, 2, 86,
         0.8, true, true, 55, 79},
        {Instrument::Bass, "Instrument_-_Bass", "bass", {32, 33, 34}, 3, 64, 1.0, false, false, 33, 52},
        {Instrument::Strings, "Instrument_-_Strings", "strings", {48, 49, 40, 42}, 4, 50, 0.85, true, true, 60, 84},
        {Instrument::Brass, "Instrument_-_Brass", "brass", {56, 57, 61}, 5, 78, 0.8, false, true, 58, 79},
        {Instrument::Woodwind, "Instrument_-_Woodwind", "woodwind", {65, 68, 71, 73}, 6, 56, 0.9, false, true, 62,
         86},
        {Instrument::Organ, "Instrument_-_Organ", "organ", {16, 17, 19}, 7, 72, 0.7, true, true, 60, 84},
        {Instrument::Synth, "Instrument_-_Synthesizer", "synthesizer", {80, 81, 89, 90}, 8, 38, 0.7, true, true, 60,
         84},
        {Instrument::Drums, "Instrument_-_Drum_Set", "drum set", {0, 8, 16, 32}, 9, 64, 0.95, false, false, 0, 0},
    };
    return families[int(instrument)];
}

} // namespace taglane::engine
