// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace taglane::tests {

/// What one run of taglane-cli printed and returned.
struct CliRun
{
    int exitCode = -1;   ///< -1 when it crashed or timed out
    QString out;
    QString err;
};

/// Runs taglane-cli (TAGLANE_CLI_PATH) as a user would, waiting up to five
/// minutes; a crash or time-out gives exit code -1.
inline CliRun runCli(const QStringList &args, const QString &workingDir = {})
{
    QProcess p;
    if (!workingDir.isEmpty())
        p.setWorkingDirectory(workingDir);
    p.start(QStringLiteral(TAGLANE_CLI_PATH), args);
    CliRun r;
    if (!p.waitForFinished(300000)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace taglane::tests
