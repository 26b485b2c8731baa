// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/importedfile.h"
#include "engine/formats/importoptions.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// Reads a CAL500exp per-track segment CSV (header Start_Time,End_Time,
/// <tags...>; one row per segment; cells 0/1, a number in [0, 1], or empty
/// for no label). See ImportOptions::Cal500Values for how cells become
/// verdicts or probabilities. The track's `file` is the CSV's stem.
/// Stateless; any thread.
class Cal500CsvReader
{
public:
    static Result<ImportedFile> parse(const QByteArray &bytes, const QString &source, const ImportOptions &options = {});
    static Result<ImportedFile> read(const QString &path, const ImportOptions &options = {});
};

} // namespace taglane::engine
