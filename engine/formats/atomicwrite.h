// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// Writes a whole file through a temporary file in the same folder and a
/// rename, so readers see the old file or the new one, never half of it.
/// Stateless; any thread.
class AtomicWrite
{
public:
    static Status write(const QString &path, const QByteArray &bytes);
};

} // namespace taglane::engine
