// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace taglane::engine {

/// The General MIDI soundfonts the synthetic corpus may render with, by
/// short name (`fluid`, `musescore`, `opl3`, `fluidmono`) or path, and the
/// ones it must never use: TimGM6mb and csound's sf_GMbank are kept for
/// independent evaluation, so they are refused by file name (also when a
/// link such as default-GM.sf2 points at them). Stateless; any thread.
class SoundfontLibrary
{
public:
    struct Known
    {
        const char *name;         ///< short name, e.g. "musescore"
        const char *package;      ///< Debian package that ships it
        QStringList candidates;   ///< where the package puts it, first found wins
    };

    /// The short names this library knows, in a fixed order.
    static const std::vector<Known> &known();
    /// Short names whose file is installed.
    static QStringList installed();
    /// The path of a short name or the path itself; fails with a sentence
    /// naming the soundfont when it is missing or reserved.
    static Result<QString> resolve(const QString &nameOrPath);
    /// Resolves a comma-separated list (or a list of items); no duplicates.
    static Result<QStringList> resolveList(const QStringList &items);
    /// Empty when `path` may be used; otherwise why not (reserved for
    /// evaluation), naming the file.
    static QString reservedReason(const QString &path);
    /// A short label for a path: its short name when known, else the file name.
    static QString label(const QString &path);
};

} // namespace taglane::engine
