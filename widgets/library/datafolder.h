// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace taglane::widgets {

/// Where Taglane keeps what it saves for the user: the annotation store
/// (taglane.sqlite) and the user's model folder (models/). It is
/// GenericDataLocation + "/Taglane", ~/.local/share/Taglane/ on Linux, as the
/// README says. Versions before 0.x used AppDataLocation, which Qt builds
/// from organisation and application name: ~/.local/share/Taglane/Taglane/.
/// GUI thread.
class DataFolder
{
public:
    /// The data folder (not created here).
    static QString path();
    /// The folder earlier versions used (AppDataLocation).
    static QString legacyPath();

    /// Moves what the legacy folder holds (the store with its -wal and -shm
    /// files, models/, anything else) into path(), entry by entry, never
    /// over something already there: an entry whose name is taken stays
    /// where it is, and the returned messages say so. Nothing is deleted but
    /// the legacy folder itself once it is empty. Returns one message per
    /// entry moved or kept (empty when there was nothing to move).
    static QStringList migrateLegacy();
};

} // namespace taglane::widgets
