// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/eval/agreement.h"
#include "engine/store/storedverdict.h"

namespace taglane::engine {

class AnnotationStore;

/// The verdicts of an annotation store's curators as Agreement's input.
/// Raters are the curators (sorted by name), tags those of the active
/// vocabulary that hold a verdict (in vocabulary order), items the
/// segments that hold one (track, then segment order); a rating is 1 for
/// present, 0 for absent, -1 where the curator gave no verdict on that
/// segment and tag. Stateless.
class VerdictAgreement
{
public:
    /// From rows (as AnnotationStore::curatorVerdicts gives them); `tagIds`
    /// and `tagNames` are parallel: the tags in the order wanted. Rows of
    /// other tags are ignored. Any thread.
    static AgreementInput input(const QVector<StoredVerdict> &verdicts, const QVector<qint64> &tagIds,
                                const QStringList &tagNames);
    /// From an open store's committed verdicts. Owner thread of the store.
    static Result<AgreementInput> fromStore(const AnnotationStore &store);
};

} // namespace taglane::engine
