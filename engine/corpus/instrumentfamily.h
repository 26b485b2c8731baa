// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <vector>

namespace taglane::engine {

/// The instrument families of the synthetic corpus, in vocabulary order.
enum class Instrument {
    Piano,
    AcousticGuitar,
    ElectricGuitar,
    Bass,
    Strings,
    Brass,
    Woodwind,
    Organ,
    Synth,
    Drums,
};

/// How one family is voiced: its tag, General MIDI programs, MIDI channel
/// and mix. Constant data; any thread.
class InstrumentFamily
{
public:
    static constexpr int count = 10;

    Instrument id;
    const char *tagName;          ///< e.g. "Instrument_-_Piano"
    const char *displayName;      ///< e.g. "piano"
    std::vector<int> programs;    ///< General MIDI programs (0-based) that belong to the family
    int channel;                  ///< 0-based MIDI channel; drums use 9 (GM channel 10)
    int pan;                      ///< CC10
    double balance;               ///< scales CC7 so the families mix evenly
    bool harmonic;                ///< can carry the chords (and play alone)
    bool melodic;                 ///< can carry a melody
    int melodyLow;                ///< melody range, MIDI keys
    int melodyHigh;

    static const InstrumentFamily &of(Instrument instrument);
    static const InstrumentFamily &at(int index) { return of(Instrument(index)); }
};

} // namespace taglane::engine
