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
    if (bare && *bare) {
        text = QTranslator::translate(bare, sourceText, disambiguation, n);
        if (!text.isEmpty())
            return text;
    }
    // A file-local tr() helper (QCoreApplication::translate("cli", ...) or
    // ("Agreement", ...)) called at namespace scope: lupdate cannot see the
    // context the helper passes and records the enclosing namespace instead.
    for (const char *layer : {"taglane::app", "taglane::engine", "taglane::widgets"}) {
        if (std::strcmp(context, layer) == 0)
            continue;
        text = QTranslator::translate(layer, sourceText, disambiguation, n);
        if (!text.isEmpty())
            return text;
    }
    return text;
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
