// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/importedfile.h"
#include "engine/formats/importoptions.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// Reads an Audacity label track: `start<TAB>end<TAB>title` per line, the
/// title a list of tags separated by ';'. Listed tags become present
/// verdicts; other tags of the file absent (ImportOptions::unlistedAbsent).
/// Lines beginning with '\' (frequency ranges) are skipped, and so are point
/// labels (start == end), with a warning. Labels may come in any order but
/// must not overlap; two labels with the same span are merged. The track's
/// `file` is the label file's stem. Stateless; any thread.
class AudacityLabelReader
{
public:
    static Result<ImportedFile> parse(const QByteArray &bytes, const QString &source, const ImportOptions &options = {});
    static Result<ImportedFile> read(const QString &path, const ImportOptions &options = {});
};

} // namespace taglane::engine
