// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace taglane::engine {

/// One span [start, end) of a track, in seconds. The id stays with the
/// segment through edits so that undo commands can find it again.
struct Segment
{
    qint64 id = 0;
    double start = 0.0;
    double end = 0.0;

    double duration() const { return end - start; }
    bool operator==(const Segment &other) const
    {
        return id == other.id && start == other.start && end == other.end;
    }
};

} // namespace taglane::engine
