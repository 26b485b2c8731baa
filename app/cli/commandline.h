// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <optional>

namespace taglane::app {

/// Prints "COMMAND: message" and a pointer to --help on stderr; returns the
/// usage exit status, 2.
inline int usageError(const QString &command, const QString &message)
{
    QTextStream err(stderr);
    err << command << ": " << message << "\n"
        << QCoreApplication::translate("cli", "Run '%1 --help' for the options.\n").arg(command);
    return 2;
}

/// Parses a command's arguments (without the program and command words).
/// Returns an exit status when the command is already over: 0 after
/// printing --help, 2 after a usage error; nothing when it should go on.
inline std::optional<int> parseCommandLine(QCommandLineParser &parser, const QString &command, const QStringList &args)
{
    if (!parser.parse(QStringList{command} + args))
        return usageError(command, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }
    return std::nullopt;
}

} // namespace taglane::app
