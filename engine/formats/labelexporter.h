// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/labelformat.h"
#include "engine/formats/tracklabels.h"

#include <QByteArray>
#include <QSet>
#include <QString>
#include <QVector>

namespace taglane::engine {

/// One entry point for every writer. Stateless; any thread; blocks on file I/O.
class LabelExporter
{
public:
    struct Options
    {
        float threshold = 0.5f;        ///< probability >= threshold counts as present
        bool cal500Hard = false;       ///< CAL500exp: 0/1 only (SegLabelHard) instead of soft values
        QString curatorName;           ///< JAMS curator annotation's curator.name
        bool svHeader = false;         ///< Sonic Visualiser: a lower-case header line
    };

    /// The file contents of one track (the catalogue: a one-track catalogue).
    static QByteArray toBytes(const TrackLabels &labels, LabelFormat format, const Options &options);
    /// Writes a per-track format to `<dir>/<stem><suffix>`, the stem taken
    /// from labels.file, with "-2", "-3", ... when `used` already holds the
    /// name; or, for the catalogue, all tracks to `<dir>/catalogue.csv`.
    /// Returns the paths written.
    static Result<QStringList> write(const QString &dir, LabelFormat format, const QVector<TrackLabels> &tracks,
                                     const Options &options);
};

} // namespace taglane::engine
