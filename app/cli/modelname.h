// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/models/modelfolders.h"

#include <QDir>
#include <QFileInfo>
#include <QString>

namespace taglane::app {

/// What --model names: an existing path as it is; otherwise a bundled model's
/// name ("default" for the real-music model, "instruments" for the 14-tag
/// synthetic one: NAME.tlmodel in a bundled model folder, see
/// widgets::ModelFolders::searchFolders); otherwise the argument unchanged,
/// so that opening it reports the missing folder. Any thread.
inline QString resolveModelArgument(const QString &nameOrPath)
{
    if (nameOrPath.isEmpty() || QFileInfo::exists(nameOrPath))
        return nameOrPath;
    if (nameOrPath.contains(QLatin1Char('/')))
        return nameOrPath;
    QString stem = nameOrPath;
    if (stem.endsWith(QLatin1String(".tlmodel")))
        stem.chop(8);
    for (const widgets::ModelFolders::Folder &folder : widgets::ModelFolders::searchFolders()) {
        if (folder.origin != widgets::ModelFolders::Origin::Bundled)
            continue;
        const QString candidate = QDir(folder.path).filePath(stem + QStringLiteral(".tlmodel"));
        if (QFileInfo::exists(candidate + QStringLiteral("/manifest.json")))
            return candidate;
    }
    return nameOrPath;
}

} // namespace taglane::app
