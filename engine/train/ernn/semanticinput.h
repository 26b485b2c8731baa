// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <vector>

namespace taglane::engine {

class LdaModel;

/// The semantic input of MIA-ERNN at inference, when the tags are not known.
/// Value type; any thread.
struct SemanticInput
{
    enum class Source { Verdicts, Predictions, None };
    std::vector<double> mixture;  ///< [topics]; all zero when Source::None
    Source source = Source::None;

    /// The LDA topic mixture of a tag document built from the track's
    /// curated verdicts (per tag: -1 unknown, 0 absent, 1 present) and the
    /// model's first-pass probabilities: a tag is a word when its verdict
    /// is present, or when its verdict is unknown and its probability is at
    /// least `threshold`; an absent verdict always removes the tag. Source
    /// is Verdicts when any verdict is known, else Predictions; an empty
    /// document gives the zero vector (Source::None). Fails on sizes that
    /// do not match the model's words or on an unfitted model.
    static Result<SemanticInput> compute(const LdaModel &lda, const std::vector<int> &verdicts,
                                         const std::vector<float> &firstPass, double threshold = 0.5);
};

} // namespace taglane::engine
