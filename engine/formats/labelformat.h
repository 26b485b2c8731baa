// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QString>
#include <QStringList>

namespace taglane::engine {

/// The exchange formats Taglane reads and writes (specs/formats.md).
enum class LabelFormat {
    Cal500Exp,          ///< per-track segment CSV, Start_Time,End_Time,<tags...>
    Catalogue,          ///< one long-format CSV for a library
    Jams,               ///< JAMS, namespace tag_open
    Audacity,           ///< Audacity label track (start TAB end TAB title)
    SonicVisualiser,    ///< Sonic Visualiser region layer CSV (time,value,duration,label)
};

/// Names and file suffixes of the formats. Stateless; any thread.
class LabelFormats
{
public:
    /// "cal500exp", "catalogue", "jams", "audacity", "sv".
    static QString name(LabelFormat format);
    /// Inverse of name(), case-insensitive; also "csv", "catalog" and
    /// "sonic-visualiser". The error lists the valid names.
    static Result<LabelFormat> parse(const QString &name);
    static QStringList names();
    /// ".csv", ".csv", ".jams", ".txt", ".csv" (SV files are "<stem>.sv.csv").
    static QString suffix(LabelFormat format);
    /// True when one file holds one track (all but the catalogue).
    static bool isPerTrack(LabelFormat format) { return format != LabelFormat::Catalogue; }
};

} // namespace taglane::engine
