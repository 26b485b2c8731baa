// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QString>

namespace taglane::engine {

/// Finds the audio file imported labels belong to. Stateless; any thread;
/// lists one folder.
///
/// `name` is what the labels call their audio (TrackLabels::file): the
/// label file's whole stem (its name minus its own suffix: `take.1` for
/// `take.1.csv`, `take.1.sv.csv`, `take.1.jams` or `take.1.txt`), or an audio
/// file name or path that a catalogue or JAMS file holds. The match, in
/// order, first level that finds anything wins:
///  1. `name` as an existing path (absolute, or relative to audioDir when it
///     ends in a decodable suffix);
///  2. a file in audioDir named like `name` (its directories dropped);
///  3. a decodable file in audioDir whose whole stem is `name`
///     (`take.1` -> `take.1.wav`, never `take.wav`);
///  4. when `name` ends in a decodable suffix, a file whose stem is the stem
///     of `name` (`take.1.wav` -> `take.1.flac`);
///  5. levels 3 and 4 ignoring case.
/// A level that finds several files is an error naming them all; nothing is
/// ever matched by dropping a dotted part of a stem (`take.1` is not `take`).
class AudioMatch
{
public:
    /// The absolute path of the audio file, or an error naming `source`
    /// (the label file), `name` and the folder searched.
    static Result<QString> find(const QString &name, const QString &audioDir, const QString &source);
};

} // namespace taglane::engine
