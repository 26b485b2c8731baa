// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// --curator NAME for the commands that write verdicts.

#include "app/cli/commandline.h"

#include "engine/store/annotationstore.h"
#include "engine/store/verdictrule.h"

namespace taglane::app {

/// The --curator option: whose verdicts the command writes (and reads back).
inline QCommandLineOption curatorOption()
{
    return QCommandLineOption(QStringLiteral("curator"),
                              QCoreApplication::translate("cli", "the curator the verdicts are written for (each curator "
                                                                 "keeps their own verdicts). Default: the login name (%1)")
                                  .arg(engine::loginCurator()),
                              QStringLiteral("NAME"));
}

/// Gives `store` the curator of --curator (or the login name) before it is
/// opened. Returns the usage exit status 2 after a message for a bad name.
inline std::optional<int> applyCurator(const QCommandLineParser &parser, const QCommandLineOption &option,
                                       engine::AnnotationStore &store, const QString &command)
{
    const QString name = parser.isSet(option) ? parser.value(option) : engine::loginCurator();
    if (const engine::Status s = store.setCurator(name); !s)
        return usageError(command, QCoreApplication::translate("cli", "--curator: %1").arg(s.error()));
    return std::nullopt;
}

} // namespace taglane::app
