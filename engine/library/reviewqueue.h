// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QPair>
#include <QString>
#include <QVector>

namespace taglane::engine {

/// One uncurated cell (segment x tag) the review queue asks about. Value
/// type; any thread.
struct ReviewCell
{
    qint64 trackId = 0;
    QString trackPath;
    qint64 segmentId = 0;
    double start = 0.0;
    double end = 0.0;
    qint64 tagId = 0;
    QString tag;
    QString modelVersion;          ///< the version `probability` is from; empty for the mean of byModel
    float probability = 0.0f;
    /// What ordered the cell, higher first: 0.5 - |p - 0.5| (uncertainty,
    /// diverse) or the spread max - min of the versions' probabilities (disagreement).
    double score = 0.0;
    QVector<QPair<QString, float>> byModel;   ///< disagreement: each version's probability
};

/// Orders the cells not yet curated by what a verdict on them would teach
/// the model:
///  - Uncertainty: |p - 0.5| ascending, p from the chosen version (default:
///    per track, the version that tagged it last);
///  - Disagreement: the spread between the versions that tagged the same
///    segment and tag, largest first (cells only one version scored are left
///    out); with a version chosen, only cells it scored, with its probability;
///  - Diverse: the 10 x N most uncertain cells, picked greedily so that each
///    pick favours the tracks and tags picked least so far (then the most
///    uncertain): the first N mix tracks and tags.
/// The most uncertain cells are read from the store's index of predictions
/// near 0.5 (schema 4) while it holds enough uncurated cells, so the first
/// hundred take milliseconds on a library of millions of cells; otherwise
/// every prediction is sorted (seconds at that scale). Disagreement reads the
/// spreads the store keeps per cell (schema 4), largest first.
/// Cells are those of each track's current segmentation and active tags.
/// Runs on the calling thread with a read connection of its own
/// (StoreQuery): committed data only.
class ReviewQueue
{
public:
    enum class Strategy { Uncertainty, Disagreement, Diverse };

    struct Options
    {
        Strategy strategy = Strategy::Uncertainty;
        QString modelVersion;      ///< empty: see above
        int limit = 50;
    };

    /// "uncertainty", "disagreement" or "diverse"; the message lists them. Any thread.
    static Result<Strategy> parseStrategy(const QString &name);
    static QString strategyName(Strategy strategy);

    /// The first `limit` cells, most useful first. Fails with a sentence
    /// naming the store (or the unknown model version).
    static Result<QVector<ReviewCell>> build(const QString &storePath, const Options &options);
};

} // namespace taglane::engine
