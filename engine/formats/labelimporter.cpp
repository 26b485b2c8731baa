// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/labelimporter.h"

#include "engine/formats/audacitylabelreader.h"
#include "engine/formats/cal500csvreader.h"
#include "engine/formats/cataloguecsvreader.h"
#include "engine/formats/importtext.h"
#include "engine/formats/jamsreader.h"
#include "engine/formats/svregionreader.h"

namespace taglane::engine {

Result<ImportedFile> LabelImporter::parse(const QByteArray &bytes, const QString &source, LabelFormat format,
                                          const ImportOptions &options)
{
    switch (format) {
    case LabelFormat::Cal500Exp: return Cal500CsvReader::parse(bytes, source, options);
    case LabelFormat::Catalogue: return CatalogueCsvReader::parse(bytes, source, options);
    case LabelFormat::Jams: return JamsReader::parse(bytes, source, options);
    case LabelFormat::Audacity: return AudacityLabelReader::parse(bytes, source, options);
    case LabelFormat::SonicVisualiser: break;
    }
    return SvRegionReader::parse(bytes, source, options);
}

Result<ImportedFile> LabelImporter::read(const QString &path, LabelFormat format, const ImportOptions &options)
{
    const auto bytes = ImportText::readFile(path);
    if (!bytes)
        return Result<ImportedFile>::failure(bytes.error());
    return parse(bytes.value(), path, format, options);
}

} // namespace taglane::engine
