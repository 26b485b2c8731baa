// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QTest>

namespace taglane::tests {

/// Path of a file under ../shared, or empty when the folder is absent.
inline QString sharedPath(const QString &relative)
{
    const QString path = QDir(QStringLiteral(TAGLANE_SHARED_DIR)).filePath(relative);
    return QFileInfo::exists(path) ? path : QString();
}

/// A fresh temporary folder for one test function.
inline QString tempDir(const QString &name)
{
    QString base = qEnvironmentVariable("TAGLANE_TEST_TMP");
    if (base.isEmpty())
        base = QDir::tempPath() + QStringLiteral("/taglane-tests");
    QDir dir(base + QLatin1Char('/') + name);
    dir.removeRecursively();
    dir.mkpath(QStringLiteral("."));
    return dir.absolutePath();
}

} // namespace taglane::tests

/// Skips the current test with a clear message when a shared fixture is missing.
#define TAGLANE_REQUIRE_SHARED(var, relative)                                                    \
    const QString var = taglane::tests::sharedPath(QStringLiteral(relative));                    \
    if (var.isEmpty())                                                                           \
        QSKIP(qPrintable(QStringLiteral("../shared/%1 is absent; skipping").arg(QStringLiteral(relative))))
