// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QString>

namespace taglane::engine {

/// One line of the store's edit log. Value type; any thread.
struct EditLogEntry
{
    qint64 seq = 0;            ///< edit sequence number, increasing
    QDateTime at;              ///< UTC
    QString actor;             ///< "curator" or a model version
    QString kind;              ///< "track", "segmentation", "vocabulary", "model", "verdicts", "predictions"
    qint64 trackId = 0;        ///< 0 when the edit is not about one track
    QString detail;            ///< compact JSON describing the edit
};

} // namespace taglane::engine
