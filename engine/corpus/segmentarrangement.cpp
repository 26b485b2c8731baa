// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/segmentarrangement.h"

namespace taglane::engine {

int SegmentArrangement::instrumentCount() const
{
    int n = 0;
    for (Role r : roles)
        n += r != Role::Silent ? 1 : 0;
    return n;
}

bool SegmentArrangement::modeAudible() const
{
    for (int f = 0; f < InstrumentFamily::count; ++f)
        if (roles[size_t(f)] != Role::Silent && Instrument(f) != Instrument::Drums)
            return true;
    return false;
}

} // namespace taglane::engine
