// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/store/trackrecord.h"

#include <QVector>

namespace taglane::engine {

/// BatchTagger::untaggedTracks for a thread that does not own the store:
/// the library tracks that a model version has no committed prediction run
/// for, by path, read in one statement over a connection of its own
/// (StoreQuery), so the GUI can read the list of a large library on a worker
/// thread. The same tracks in the same order as BatchTagger::untaggedTracks
/// (which reads committed runs too). Calling thread; any thread.
class UntaggedTracks
{
public:
    static Result<QVector<TrackRecord>> list(const QString &storePath, const QString &modelVersion);
};

} // namespace taglane::engine
