// SPDX-License-Identifier: GPL-3.0-or-later
// TrackView's seam to tagging: the segmentation rule a tagging run follows,
// the rows the lane shows (the model's tags plus the tags with verdicts),
// and the progressive fill of an inference plan's rows. The rest of the
// view lives in trackview.cpp.
#include "widgets/track/trackview.h"

#include "widgets/lane/lanecontrols.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/timeline/timeaxis.h"

#include "engine/curation/trackdocument.h"
#include "engine/jobs/inferenceplan.h"
#include "engine/jobs/inferenceprogress.h"
#include "engine/jobs/inferenceresult.h"
#include "engine/model/modelbundle.h"

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

bool TrackView::sameBounds(const QVector<engine::Segment> &a, const QVector<engine::Segment> &b)
{
    if (a.size() != b.size())
        return false;
    for (int i = 0; i < a.size(); ++i)
        if (a.at(i).start != b.at(i).start || a.at(i).end != b.at(i).end)
            return false;
    return true;
}

engine::SegmentationSettings TrackView::inferenceSegmentation() const
{
    engine::SegmentationSettings s;
    s.mode = m_segmentRule == engine::SegmentSource::Fixed ? engine::SegmentationSettings::Mode::Fixed
                                                           : engine::SegmentationSettings::Mode::Chunks;
    s.windowSeconds = m_windowSeconds;
    return s;
}

void TrackView::setModelTags(const engine::Vocabulary &tags)
{
    m_selectedModelTags = tags;
    updateModelTags();
}

void TrackView::updateModelTags()
{
    engine::TrackDocument *doc = document();
    const QString version = doc->currentModelVersion();
    QStringList names;
    if (!version.isEmpty() && version == m_plan.modelVersion) {
        names = m_plan.tags.names();
    } else if (!version.isEmpty()) {
        // Reopened: the tags the current model gave probabilities for.
        for (int t = 0; t < doc->tags().size(); ++t)
            for (int s = 0; s < doc->segmentCount(); ++s)
                if (!std::isnan(doc->probability(s, t))) {
                    names << doc->tags().at(t).name;
                    break;
                }
    } else {
        // Before tagging: the tags of the model that will tag the track.
        QVector<engine::Tag> all = doc->tags().tags();
        for (const engine::Tag &tag : m_selectedModelTags.tags())
            if (doc->tags().indexOf(tag.name) < 0)
                all.push_back(tag);
        if (all.size() != doc->tags().size())
            doc->setTags(engine::Vocabulary(all));
        names = m_selectedModelTags.names();
    }
    m_tagModel->setModelTags(names);
}

void TrackView::beginInference(const engine::InferencePlan &plan)
{
    engine::TrackDocument *doc = document();
    m_plan = plan;
    m_planRows.clear();
    m_mappedSegments = 0;
    // The document's tags: the model's (in its order), then the rest of the
    // vocabulary; which of them have rows is the lane's rule (setModelTags).
    QVector<engine::Tag> all = plan.tags.tags();
    for (const engine::Tag &tag : doc->tags().tags())
        if (plan.tags.indexOf(tag.name) < 0)
            all.push_back(tag);
    const engine::Vocabulary tags(all);
    if (tags.names() != doc->tags().names())
        doc->setTags(tags);
    m_planColumnTags.clear();
    for (int c = 0; c < plan.tags.size(); ++c)
        m_planColumnTags.push_back(doc->tagIndex(plan.tags.at(c).name));
    if (m_axis->totalDuration() <= 0.0 && plan.durationSeconds > 0.0)
        m_axis->setTotalDuration(plan.durationSeconds);
    if (doc->duration() <= 0.0)
        doc->setDuration(plan.durationSeconds);
    const bool chunks = !plan.grid.isEmpty()
        && plan.segments.segments() == engine::Segmentation::fromChunkGrid(plan.grid).segments();
    if (doc->segmentCount() == 0 && !plan.segments.isEmpty()) {
        if (!chunks)
            m_windowSeconds = plan.segments.at(0).duration();
        doc->adoptSegmentation(plan.segments.segments(),
                               chunks ? engine::SegmentSource::ModelChunks : engine::SegmentSource::Fixed);
        m_segmentRule = doc->segmentSource();
    } else if (chunks && m_segmentRule == engine::SegmentSource::ModelChunks
               && doc->segmentSource() == engine::SegmentSource::ModelChunks
               && !sameBounds(doc->segments(), plan.segments.segments())) {
        // "Model chunks" means the grid of the model that tags now, not of
        // whichever model tagged first (verdicts carry over by overlap).
        applySegmentation(plan.segments.segments(), engine::SegmentSource::ModelChunks, m_windowSeconds);
    }
    m_planDirect = sameBounds(doc->segments(), plan.segments.segments());
    doc->clearProbabilities(plan.modelVersion);
    doc->setCurrentModelVersion(plan.modelVersion);
    updateModelTags();
    m_laneControls->showSegmentation(m_segmentRule, m_windowSeconds);
    updateLaneStatus();
}

void TrackView::addInferenceRows(const engine::InferenceProgress &progress)
{
    if (progress.segmentRows.empty())
        return;
    const size_t end = size_t(progress.firstSegment) + progress.segmentRows.size();
    if (m_planRows.size() < end)
        m_planRows.resize(end);
    for (size_t r = 0; r < progress.segmentRows.size(); ++r)
        m_planRows[size_t(progress.firstSegment) + r] = progress.segmentRows[r];
    engine::TrackDocument *doc = document();
    if (m_planDirect) {
        for (size_t r = 0; r < progress.segmentRows.size(); ++r)
            doc->setProbabilities(m_plan.modelVersion, progress.firstSegment + int(r), progress.segmentRows[r],
                                  m_planColumnTags);
        return;
    }
    fillFromPlanRows();
}

void TrackView::fillFromPlanRows()
{
    // The document's own segments (edited, re-segmented) get the overlap-weighted
    // mean of the plan segments, once every plan segment they overlap has arrived.
    engine::TrackDocument *doc = document();
    const engine::Segmentation &planSegs = m_plan.segments;
    int received = 0;
    while (received < int(m_planRows.size()) && !m_planRows[size_t(received)].empty())
        ++received;
    for (int s = m_mappedSegments; s < doc->segmentCount(); ++s) {
        const engine::Segment &seg = doc->segment(s);
        std::vector<double> sum(m_planColumnTags.size(), 0.0);
        double weight = 0.0;
        bool complete = true;
        for (int p = 0; p < planSegs.size() && planSegs.at(p).start < seg.end; ++p) {
            const double w = std::max(0.0, std::min(seg.end, planSegs.at(p).end) - std::max(seg.start, planSegs.at(p).start));
            if (w <= 0.0)
                continue;
            if (p >= received) {
                complete = false;
                break;
            }
            const auto &row = m_planRows[size_t(p)];
            for (size_t c = 0; c < row.size() && c < sum.size(); ++c)
                sum[c] += w * row[c];
            weight += w;
        }
        if (!complete)
            break;
        if (weight > 0.0) {
            std::vector<float> values(sum.size());
            for (size_t c = 0; c < sum.size(); ++c)
                values[c] = float(sum[c] / weight);
            doc->setProbabilities(m_plan.modelVersion, s, values, m_planColumnTags);
        }
        m_mappedSegments = s + 1;
    }
}

void TrackView::finishInference(const engine::InferenceResult &result)
{
    engine::InferenceProgress all;
    all.segmentRows = result.segmentRows;
    m_planRows.clear();
    m_mappedSegments = 0;
    addInferenceRows(all);
    engine::ModelManifest manifest;
    manifest.name = m_plan.modelName;
    manifest.architecture = m_plan.architecture;
    manifest.tags = m_plan.tags;
    manifest.version = m_plan.modelVersion;
    manifest.chunkSamples = m_plan.grid.chunkSamples();
    if (m_plan.grid.sampleRate() > 0)
        manifest.sampleRate = m_plan.grid.sampleRate();
    if (!manifest.version.isEmpty()) {
        const engine::Status s = document()->persistPredictions(manifest);
        if (!s)
            showMessage(s.error());
    }
    if (m_tagModel->rowOrder() != TagLaneModel::RowOrder::Vocabulary)
        m_tagModel->resort();
    updateLaneStatus();
    Q_EMIT labelsChanged();
}

} // namespace taglane::widgets
