// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLocale>
#include <QTranslator>

class QCoreApplication;

namespace taglane::widgets {

/// A translator that also finds messages of namespaced classes. tr() in a
/// Q_OBJECT class of `namespace taglane::widgets { ... }` asks for the context
/// "taglane::widgets::ModelPanel", while lupdate (6.4) records C++17 nested
/// namespaces as the bare class name, "ModelPanel"; without this fallback
/// every window, dock and dialog stayed English although the .qm holds its
/// strings. Messages of file-local tr() helpers, which lupdate files under
/// the enclosing namespace ("taglane::app", "taglane::engine"), are found
/// there. Install before any widget is built, on the main thread (GUI and CLI).
class ContextTranslator : public QTranslator
{
    Q_OBJECT
public:
    explicit ContextTranslator(QObject *parent = nullptr);

    QString translate(const char *context, const char *sourceText, const char *disambiguation = nullptr,
                      int n = -1) const override;

    /// Installs Taglane's translation for `locale` (from :/i18n) and Qt's own
    /// (qtbase) when installed. Returns whether Taglane's was found; an
    /// English locale needs none.
    static bool installFor(QCoreApplication &app, const QLocale &locale);
};

} // namespace taglane::widgets
