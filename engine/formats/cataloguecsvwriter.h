// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/tracklabels.h"

#include <QByteArray>
#include <QString>
#include <QVector>

namespace taglane::engine {

/// Catalogue CSV, one file for a library, long format:
/// `file,start,end,tag,value,source,confidence,curator,modified`, one row per
/// (segment, tag) cell that has a verdict or a probability.
/// - verdict: value 1 / 0, source `curator`, confidence 1, curator and
///   modified from the verdict;
/// - otherwise: value 1 when probability >= threshold else 0, source
///   `model:<version>`, confidence = the probability, modified = model time.
/// Spreadsheet-safe: formula-injection escaping, RFC 4180 quoting, CRLF.
/// Stateless; any thread.
class CatalogueCsvWriter
{
public:
    static QString headerLine();
    /// The rows of one track, without header.
    static QString rows(const TrackLabels &labels, float threshold = 0.5f);
    static QByteArray toCsv(const QVector<TrackLabels> &tracks, float threshold = 0.5f);
    /// Writes atomically; fails with a sentence naming the file.
    static Status write(const QString &path, const QVector<TrackLabels> &tracks, float threshold = 0.5f);
};

} // namespace taglane::engine
