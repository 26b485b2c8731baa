// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/store/verdict.h"

namespace taglane::engine {

/// One cell of a verdict edit: segment and tag are store ids
/// (AnnotationStore::saveSegmentation and AnnotationStore::tagId give them).
/// Setting Verdict::Unknown clears the cell. Value type; any thread.
struct VerdictEdit
{
    qint64 segmentId = 0;
    qint64 tagId = 0;
    Verdict verdict = Verdict::Unknown;
};

} // namespace taglane::engine
