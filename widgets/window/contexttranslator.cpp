// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/window/contexttranslator.h"

#include <QCoreApplication>
#include <QLibraryInfo>

#include <cstring>

namespace taglane::widgets {

ContextTranslator::ContextTranslator(QObject *parent)
    : QTranslator(parent)
{
}

QString ContextTranslator::translate(const char *context, const char *sourceText, const char *disambiguation,
                                     int n) const
{
    QString text = QTranslator::translate(context, sourceText, disambiguation, n);
    if (!text.isEmpty() || !context)
        return text;
    // "taglane::widgets::ModelPanel" -> "ModelPanel"
    const char *bare = nullptr;
    for (const char *p = std::strstr(context, "::"); p; p = std::strstr(p + 2, "::"))
        bare = p + 2;
    if (!bare || !*bare)
        return text;
    return QTranslator::translate(bare, sourceText, disambiguation, n);
}

bool ContextTranslator::installFor(QCoreApplication &app, const QLocale &locale)
{
    auto *own = new ContextTranslator(&app);
    const bool found = own->load(locale, QStringLiteral("taglane"), QStringLiteral("_"), QStringLiteral(":/i18n"));
    if (found)
        QCoreApplication::installTranslator(own);
    else
        delete own;
    auto *qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    return found;
}

} // namespace taglane::widgets
