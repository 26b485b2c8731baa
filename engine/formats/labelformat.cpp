// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/labelformat.h"

#include <QCoreApplication>

namespace taglane::engine {

QString LabelFormats::name(LabelFormat format)
{
    switch (format) {
    case LabelFormat::Cal500Exp: return QStringLiteral("cal500exp");
    case LabelFormat::Catalogue: return QStringLiteral("catalogue");
    case LabelFormat::Jams: return QStringLiteral("jams");
    case LabelFormat::Audacity: return QStringLiteral("audacity");
    case LabelFormat::SonicVisualiser: break;
    }
    return QStringLiteral("sv");
}

QStringList LabelFormats::names()
{
    return {QStringLiteral("cal500exp"), QStringLiteral("catalogue"), QStringLiteral("jams"),
            QStringLiteral("audacity"), QStringLiteral("sv")};
}

Result<LabelFormat> LabelFormats::parse(const QString &text)
{
    const QString n = text.trimmed().toLower();
    if (n == QLatin1String("cal500exp") || n == QLatin1String("cal500") || n == QLatin1String("csv"))
        return LabelFormat::Cal500Exp;
    if (n == QLatin1String("catalogue") || n == QLatin1String("catalog"))
        return LabelFormat::Catalogue;
    if (n == QLatin1String("jams"))
        return LabelFormat::Jams;
    if (n == QLatin1String("audacity"))
        return LabelFormat::Audacity;
    if (n == QLatin1String("sv") || n == QLatin1String("sonic-visualiser") || n == QLatin1String("sonicvisualiser"))
        return LabelFormat::SonicVisualiser;
    return Result<LabelFormat>::failure(QCoreApplication::translate("LabelFormats", "Unknown format '%1' (use %2).")
                                            .arg(text, names().join(QStringLiteral(", "))));
}

QString LabelFormats::suffix(LabelFormat format)
{
    switch (format) {
    case LabelFormat::Jams: return QStringLiteral(".jams");
    case LabelFormat::Audacity: return QStringLiteral(".txt");
    case LabelFormat::SonicVisualiser: return QStringLiteral(".sv.csv");
    case LabelFormat::Cal500Exp:
    case LabelFormat::Catalogue: break;
    }
    return QStringLiteral(".csv");
}

} // namespace taglane::engine
