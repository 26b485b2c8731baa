// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace taglane::engine {

/// How the importers turn values into labels. Value type; any thread.
struct ImportOptions
{
    /// CAL500exp cells: Auto reads an exact 0 or 1 as a curator verdict and a
    /// fraction as a model probability (a Taglane soft export holds both;
    /// a hard file only verdicts); Hard reads value >= 0.5 as present; Soft
    /// reads every value as a probability.
    enum class Cal500Values { Auto, Hard, Soft };
    Cal500Values cal500Values = Cal500Values::Auto;
    /// Model version recorded for probabilities whose file names none.
    QString modelVersion = QStringLiteral("import");
    /// Audacity / Sonic Visualiser list present tags only: tags of the file
    /// that a segment does not list are read as absent (else unknown).
    bool unlistedAbsent = true;
    /// Upper bound on segments x tags of one track (guards memory: about
    /// 50 bytes a cell; a 10-hour file in 3 s segments x 400 tags is 4.8 million).
    qint64 maxCells = 5'000'000;
    /// Times beyond this (seconds) are rejected as implausible.
    double maxSeconds = 1.0e7;
};

} // namespace taglane::engine
