// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/importedfile.h"
#include "engine/formats/importoptions.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// Reads a Sonic Visualiser region layer CSV: rows `time,value,duration,label`
/// (an optional lower-case header line is skipped). Rows with the same time
/// and duration form one segment; the label is a tag (empty: a segment with
/// no tag). A value in [0, 1) is the model's probability, any other value a
/// present verdict; tags a segment does not list are absent
/// (ImportOptions::unlistedAbsent). Zero-duration rows (instants) are skipped
/// with a warning. The track's `file` is the file's stem without ".sv".
/// Stateless; any thread.
class SvRegionReader
{
public:
    static Result<ImportedFile> parse(const QByteArray &bytes, const QString &source, const ImportOptions &options = {});
    static Result<ImportedFile> read(const QString &path, const ImportOptions &options = {});
};

} // namespace taglane::engine
