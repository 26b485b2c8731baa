// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace taglane::engine {

/// One timed instruction for the synthesiser, in seconds from the start of
/// its segment. Value type.
struct MidiEvent
{
    enum Type : quint8 { AllSoundsOff, ProgramChange, Control, NoteOff, NoteOn };

    double time = 0.0;
    Type type = NoteOn;
    quint8 channel = 0;
    quint8 data1 = 0;  ///< key, controller or program
    quint8 data2 = 0;  ///< velocity or controller value; for a program change, the soundfont index

    /// Time order; at the same time, set-up before note-offs before note-ons.
    bool operator<(const MidiEvent &other) const
    {
        return time != other.time ? time < other.time : type < other.type;
    }
};

} // namespace taglane::engine
