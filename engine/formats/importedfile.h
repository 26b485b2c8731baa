// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/formats/labelformat.h"
#include "engine/formats/tracklabels.h"

#include <QStringList>
#include <QVector>

namespace taglane::engine {

/// What one label file held: one track (or several for a catalogue), each
/// TrackLabels complete and consistent, plus notes on what was skipped.
/// `file` of each track is the audio file the label file names, or the label
/// file's stem when it names none. Value type; any thread.
struct ImportedFile
{
    QString source;              ///< the label file
    LabelFormat format = LabelFormat::Cal500Exp;
    QVector<TrackLabels> tracks;
    QStringList warnings;        ///< "<file>, line <n>: ..." for skipped lines
};

} // namespace taglane::engine
