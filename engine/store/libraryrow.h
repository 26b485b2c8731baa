// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QString>

namespace taglane::engine {

/// One line of the library view. Value type; any thread.
struct LibraryRow
{
    qint64 trackId = 0;
    QString path;
    QString contentHash;
    double durationSeconds = 0.0;
    int segmentCount = 0;              ///< in the current segmentation
    qint64 reviewedCells = 0;          ///< cells with a verdict, active tags only
    double reviewedShare = 0.0;        ///< reviewedCells / (segments x active tags), 0 when empty
    QDateTime lastEdit;                ///< UTC; invalid when never edited
};

} // namespace taglane::engine
