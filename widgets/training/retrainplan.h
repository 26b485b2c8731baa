// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/corpus/labelledtrack.h"
#include "engine/model/modelbundle.h"
#include "engine/model/vocabulary.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace taglane::widgets {

/// What a retrain would learn from, as the retrain dialog shows it before it
/// starts: curated segments per tag, the tags that grow the output layer,
/// and why it cannot start, if it cannot. Value type; any thread.
struct RetrainPlan
{
    struct TagCount
    {
        engine::Tag tag;
        int present = 0;        ///< curated segments marked present
        int absent = 0;         ///< curated segments marked absent
        bool inModel = false;   ///< the base model predicts this tag
        bool isNew() const { return !inModel && present + absent > 0; }
    };

    QVector<TagCount> tags;     ///< the base model's tags, then the other curated tags
    int tracks = 0;             ///< tracks with at least one verdict
    int segments = 0;           ///< segments with at least one verdict
    QStringList newTags;        ///< curated tags the base model lacks: the output layer grows
    engine::Vocabulary outputTags; ///< the new model's tags: the base's, then newTags
    QString problem;            ///< why the retrain cannot start; empty when it can

    bool canStart() const { return problem.isEmpty(); }

    /// Counts the verdicts of `curated` (tags matched by name). `base` is the
    /// manifest of the model to refine; `baseError` is non-empty when the
    /// bundle could not be read. Fails (problem set) for a model that cannot
    /// be trained, and when no segment carries a verdict.
    static RetrainPlan make(const QVector<engine::LabelledTrack> &curated, const engine::ModelManifest &base,
                            const QString &baseError = {});
};

} // namespace taglane::widgets
