// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QtGlobal>

namespace taglane::engine {

/// A curator's verdict on one (segment, tag) cell. The numbers are stored in
/// the annotation store and must not change.
enum class Verdict : qint8 {
    Unknown = 0,   ///< not reviewed; training masks the cell out
    Present = 1,
    Absent = 2,
};

/// "unknown", "present" or "absent". Any thread.
inline QString verdictName(Verdict v)
{
    switch (v) {
    case Verdict::Present: return QStringLiteral("present");
    case Verdict::Absent: return QStringLiteral("absent");
    case Verdict::Unknown: break;
    }
    return QStringLiteral("unknown");
}

/// The verdict stored as `value`, or Unknown for a value out of range. Any thread.
inline Verdict verdictFromInt(int value)
{
    return (value == 1 || value == 2) ? static_cast<Verdict>(value) : Verdict::Unknown;
}

} // namespace taglane::engine
