// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/importedfile.h"
#include "engine/formats/importoptions.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// Reads a JAMS file's `tag_open` annotations. An annotation whose
/// sandbox.taglane holds segments, tags and a matrix (as JamsWriter writes)
/// is read from the matrix, which restores every cell; otherwise each
/// observation {time, duration, value, confidence} labels the segment
/// [time, time + duration): a curator annotation (data_source "curator" or
/// annotator.type "curator") as present, a model annotation as the
/// confidence. Other namespaces are skipped with a warning. Errors name the
/// file and the line (syntax) or the JSON path (content).
/// Stateless; any thread.
class JamsReader
{
public:
    static Result<ImportedFile> parse(const QByteArray &bytes, const QString &source, const ImportOptions &options = {});
    static Result<ImportedFile> read(const QString &path, const ImportOptions &options = {});
};

} // namespace taglane::engine
