// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QString>

namespace taglane::engine {

/// One of N disjoint shares of a library, so that N jobs (a Slurm job
/// array) tag one library without overlap. A track belongs to shard
/// 1 + (h mod N), h being the first 60 bits of its content hash: the
/// assignment depends only on the audio, not on paths, the order tracks were
/// added or the store, so a re-run or a moved file stays in its shard.
/// Value type; any thread.
struct LibraryShard
{
    int index = 1;          ///< 1..count
    int count = 1;

    /// "I/N" with 1 <= I <= N <= 100000; the message says what is wrong.
    static Result<LibraryShard> parse(const QString &text);
    /// The shard (1..count) of a track by its content hash (lowercase hex,
    /// as ContentHash writes it); 0 for a hash that is not hex.
    static int shardOf(const QString &contentHash, int count);
    bool contains(const QString &contentHash) const { return shardOf(contentHash, count) == index; }
    bool isWhole() const { return count == 1; }
};

} // namespace taglane::engine
