// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/importedfile.h"
#include "engine/formats/importoptions.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// Reads a JAMS file's `tag_open` annotations. The observations in `data`
/// are the data: each {time, duration, value, confidence} labels the segment
/// [time, time + duration): in a curator annotation (data_source "curator"
/// or annotator.type "curator") as present (confidence 1 or null) or absent
/// (confidence 0), in a model annotation with the confidence. When the
/// annotation's sandbox.taglane holds segments, tags and a matrix (as
/// JamsWriter writes) and agrees with the observations, the matrix is read
/// instead, which restores every cell (those below the threshold, segments
/// without observations); a sandbox that disagrees (the observations were
/// edited) is ignored with a warning. A sandbox naming a tag twice is an
/// error. Other namespaces are skipped with a warning. Errors name the
/// file and the line (syntax) or the JSON path (content).
/// Stateless; any thread.
class JamsReader
{
public:
    static Result<ImportedFile> parse(const QByteArray &bytes, const QString &source, const ImportOptions &options = {});
    static Result<ImportedFile> read(const QString &path, const ImportOptions &options = {});
};

} // namespace taglane::engine
