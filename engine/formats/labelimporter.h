// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/importedfile.h"
#include "engine/formats/importoptions.h"
#include "engine/formats/labelformat.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// One entry point for every importer. A malformed file is rejected whole
/// with a message naming the file, the line (or JSON path) and the problem.
/// Stateless; any thread; blocks on file I/O.
class LabelImporter
{
public:
    static Result<ImportedFile> parse(const QByteArray &bytes, const QString &source, LabelFormat format,
                                      const ImportOptions &options = {});
    static Result<ImportedFile> read(const QString &path, LabelFormat format, const ImportOptions &options = {});
};

} // namespace taglane::engine
