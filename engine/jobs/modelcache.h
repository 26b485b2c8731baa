// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/model/tagger.h"

#include <QString>

#include <memory>
#include <vector>

namespace taglane::engine {

/// Loaded models kept for reuse, keyed by bundle folder, model version and
/// device preference; the least recently used one goes when full. Not
/// thread-safe: it belongs to the thread that runs the models (the
/// inference worker, or the command line's main thread).
class ModelCache
{
public:
    explicit ModelCache(int capacity = 2) : m_capacity(std::max(1, capacity)) {}

    /// Opens the bundle's manifest (cheap) and returns the cached model for
    /// its version, loading it when absent. `fromCache` says which happened.
    /// Blocks while loading. Owning thread only.
    Result<std::shared_ptr<Tagger>> get(const QString &bundleFolder, DevicePreference device,
                                        bool *fromCache = nullptr);

    int size() const { return int(m_entries.size()); }
    /// Owning thread only.
    void clear() { m_entries.clear(); }

private:
    struct Entry
    {
        QString key;
        std::shared_ptr<Tagger> tagger;
    };
    std::vector<Entry> m_entries;   ///< most recently used last
    int m_capacity;
};

} // namespace taglane::engine
