// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/semantic/reviewcompletion.h"
#include "engine/store/labelgrid.h"
#include "engine/store/verdictedit.h"

#include <QVector>

namespace taglane::engine {

/// The completed review of one track, in the grid's layout ([segment][tag]).
struct ReviewSuggestions
{
    int rows = 0;                   ///< segments of the grid
    int columns = 0;                ///< tags of the grid
    /// The completed value of each uncurated cell that was completed; NaN
    /// for curated cells and for tags left out (see skippedTags). Scores,
    /// not clipped: about 1 for present, about 0 for absent.
    QVector<double> values;
    QVector<int> skippedTags;       ///< grid columns lacking a probability on some unjudged cell (or on all)
    int curatedCells = 0;           ///< verdicts inside the completed tags
    int suggestedCells = 0;         ///< cells with a value
    int iterations = 0;
    bool converged = false;
    /// lambda used; 0 when the cross-validation found the model's
    /// probabilities better than any completion (the values are then P).
    double sideWeight = 0.0;

    double value(int row, int column) const { return values.at(row * columns + column); }
    bool hasValue(int row, int column) const;
};

/// "Complete my review" on a store's label grid: the tags with a model
/// probability in every segment not yet judged form the tag x segment
/// matrix (a judged cell needs none), verdicts are
/// its curated cells and the probabilities the side information of
/// ReviewCompletion. Stateless; any thread; blocks (tens of ms for 50 x 200).
class ReviewSuggester
{
public:
    /// With options.sideWeight 0 (the default) lambda is chosen on the track
    /// by ReviewCompletion::completeTuned (the probabilities compete); a
    /// given sideWeight is used as it is.
    /// Fails with a message when the grid has no segments, no probabilities
    /// (the track was never tagged by this model) or no verdict in the tags
    /// that have probabilities (nothing to complete from).
    static Result<ReviewSuggestions> complete(const LabelGrid &grid, const ReviewCompletionOptions &options = {});

    /// Verdict edits for suggested cells with value >= above (present) or
    /// <= below (absent); pass NaN to leave that side out.
    static QVector<VerdictEdit> edits(const LabelGrid &grid, const ReviewSuggestions &suggestions, double above,
                                      double below);
};

} // namespace taglane::engine
