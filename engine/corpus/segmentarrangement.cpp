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

} // namespace taglane::engine
