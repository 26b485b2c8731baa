// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/model/modelbundle.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace taglane::widgets {

/// Where Taglane looks for model bundles (NAME.tlmodel folders) and what it
/// finds there. Stateless; any thread (scan() blocks on file I/O).
class ModelFolders
{
public:
    enum class Origin { User, EnvironmentPath, Bundled };

    struct Folder
    {
        QString path;
        Origin origin = Origin::User;
    };

    /// One bundle found, or a folder named *.tlmodel that could not be read.
    struct Entry
    {
        QString folder;                  ///< absolute path of the NAME.tlmodel folder
        Origin origin = Origin::User;
        engine::ModelManifest manifest;  ///< valid when error is empty
        QString error;                   ///< why the bundle could not be opened
        bool ok() const { return error.isEmpty(); }
    };

    /// The user's model folder: DataFolder::path() + "/models" (not created here).
    static QString userFolder();
    /// User folder, then the TAGLANE_MODEL_PATH folders (':'-separated), then
    /// the bundled ones (<prefix>/share/taglane/models next to the
    /// executable's bin folder, and <source>/resources/models when run from
    /// a build tree), without duplicates. Folders need not exist.
    static QVector<Folder> searchFolders();
    /// The model Taglane ships (default.tlmodel in a bundled folder), used
    /// when no model is chosen; empty when it is not installed.
    static QString bundledDefault();
    /// Every *.tlmodel folder directly inside the given folders, sorted by
    /// manifest name within a folder; a bundle seen twice is listed once.
    static QVector<Entry> scan(const QVector<Folder> &folders);
    static QString originName(Origin origin);
    /// "my model" -> "my_model": a file-system safe bundle folder stem.
    static QString safeStem(const QString &name);

    /// Where a retrained version of a bundle goes and what it is called.
    struct NewVersion
    {
        QString folder;   ///< "<into>/<stem>-v<N>.tlmodel", not existing yet
        QString name;     ///< "<base name> v<N>"
        int number = 2;
    };
    /// The next free version of `baseFolder` inside `intoFolder`: the base's
    /// folder stem and manifest name without a "-vN" / " vN" suffix, then the
    /// smallest N >= 2 (and above the base's own N) whose folder does not
    /// exist yet. Any thread (checks the file system).
    static NewVersion nextVersion(const QString &baseFolder, const QString &baseName, const QString &intoFolder);
};

} // namespace taglane::widgets
