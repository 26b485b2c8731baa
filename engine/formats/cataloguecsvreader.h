// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/importedfile.h"
#include "engine/formats/importoptions.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// Reads a catalogue CSV (file,start,end,tag,value,source,confidence,
/// curator,modified; the header names the columns, in any order). Fields
/// written with a formula-injection apostrophe get it removed. Rows with
/// source `curator` become verdicts (value 1 / 0, curator, modified); rows
/// with source `model:<version>` become probabilities (confidence, or the
/// value when confidence is empty), one model version per track. One
/// TrackLabels per file, in order of first appearance. Stateless; any thread.
class CatalogueCsvReader
{
public:
    static Result<ImportedFile> parse(const QByteArray &bytes, const QString &source, const ImportOptions &options = {});
    static Result<ImportedFile> read(const QString &path, const ImportOptions &options = {});
};

} // namespace taglane::engine
