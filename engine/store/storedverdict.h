// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/store/verdict.h"

#include <QString>

namespace taglane::engine {

/// One curator's verdict as a row of the store (schema 6), with the track
/// it belongs to. Value type; any thread.
struct StoredVerdict
{
    qint64 trackId = 0;
    qint64 segmentId = 0;
    qint64 tagId = 0;
    QString curator;
    Verdict verdict = Verdict::Unknown;
};

} // namespace taglane::engine
