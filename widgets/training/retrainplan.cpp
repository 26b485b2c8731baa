// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/training/retrainplan.h"

#include "engine/train/trainablearchitecture.h"

#include <QCoreApplication>
#include <QHash>

#include <cmath>

namespace taglane::widgets {

RetrainPlan RetrainPlan::make(const QVector<engine::LabelledTrack> &curated, const engine::ModelManifest &base,
                              const QString &baseError)
{
    RetrainPlan plan;
    QHash<QString, int> row;
    for (const engine::Tag &tag : base.tags.tags()) {
        row.insert(tag.name, int(plan.tags.size()));
        plan.tags.push_back({tag, 0, 0, true});
    }
    for (const engine::LabelledTrack &track : curated) {
        bool trackHasVerdict = false;
        for (int s = 0; s < track.segments.size(); ++s) {
            bool segmentHasVerdict = false;
            for (int t = 0; t < track.tags.size(); ++t) {
                const float v = track.value(s, t);
                if (std::isnan(v))
                    continue;
                const engine::Tag &tag = track.tags.at(t);
                auto it = row.find(tag.name);
                if (it == row.end()) {
                    it = row.insert(tag.name, int(plan.tags.size()));
                    plan.tags.push_back({tag, 0, 0, false});
                }
                TagCount &count = plan.tags[it.value()];
                (v >= 0.5f ? count.present : count.absent)++;
                segmentHasVerdict = true;
            }
            if (segmentHasVerdict)
                ++plan.segments;
            trackHasVerdict = trackHasVerdict || segmentHasVerdict;
        }
        if (trackHasVerdict)
            ++plan.tracks;
    }
    QVector<engine::Tag> output = base.tags.tags();
    for (const TagCount &count : std::as_const(plan.tags)) {
        if (count.isNew()) {
            plan.newTags << count.tag.name;
            output << count.tag;
        }
    }
    plan.outputTags = engine::Vocabulary(output);

    if (!baseError.isEmpty()) {
        plan.problem = QCoreApplication::translate("RetrainPlan", "The current model cannot be read: %1").arg(baseError);
    } else if (base.architecture.isEmpty()) {
        plan.problem = QCoreApplication::translate("RetrainPlan", "Select the model to retrain in the model panel first.");
    } else if (!engine::TrainableArchitecture::describe(base.architecture, std::max(1, base.tags.size())).ok()) {
        plan.problem = QCoreApplication::translate("RetrainPlan", "%1 is a %2 model, which Taglane can use but not train (imported models keep their "
                          "published weights). Select a Taglane model, such as the default one, to retrain.")
                           .arg(base.name, base.architecture);
    } else if (plan.segments == 0) {
        plan.problem = QCoreApplication::translate("RetrainPlan", "No curated segments: mark segments present or absent in the tag lane (or import "
                          "labels) before retraining.");
    }
    return plan;
}

} // namespace taglane::widgets
