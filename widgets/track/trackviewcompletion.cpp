// SPDX-License-Identifier: GPL-3.0-or-later
// TrackView's "Complete My Review": a snapshot of the open track's verdicts
// and current probabilities is completed on a worker thread
// (engine::ReviewSuggester); the suggestions go to the lane model, and
// "Accept Review Suggestions" turns them into one undoable verdict edit.
#include "widgets/track/trackview.h"

#include "widgets/lane/commands/setverdictscommand.h"
#include "widgets/lane/taglanemodel.h"

#include "engine/curation/trackdocument.h"
#include "engine/semantic/reviewsuggestions.h"

#include <QAction>
#include <QDateTime>
#include <QThread>
#include <QUndoStack>

#include <cmath>
#include <memory>

namespace taglane::widgets {

namespace {

const QString kCompletionActor = QStringLiteral("completion");

/// The open document as a store-like grid: segments, tags, the current
/// model's probabilities and the verdicts (GUI thread).
engine::LabelGrid snapshot(const engine::TrackDocument &doc)
{
    engine::LabelGrid grid;
    auto segmentation = engine::Segmentation::fromSegments(doc.segments());
    if (segmentation.ok())
        grid.segmentation = segmentation.value();
    for (int t = 0; t < doc.tags().size(); ++t)
        grid.tags << doc.tags().at(t);
    grid.tagIds = QVector<qint64>(grid.tags.size(), 0);
    grid.modelVersion = doc.currentModelVersion();
    const int rows = grid.segmentation.size();
    grid.probabilities.reserve(rows * grid.tags.size());
    grid.verdicts.reserve(rows * grid.tags.size());
    for (int s = 0; s < rows; ++s) {
        for (int t = 0; t < grid.tags.size(); ++t) {
            grid.probabilities << doc.probability(s, t);
            grid.verdicts << doc.label(s, t).verdict;
        }
    }
    grid.verdictTimes = QVector<qint64>(grid.verdicts.size(), 0);
    return grid;
}

struct CompletionJob
{
    engine::LabelGrid grid;
    engine::Result<engine::ReviewSuggestions> result = engine::Result<engine::ReviewSuggestions>::failure(QString());
};

} // namespace

void TrackView::createCompletionActions()
{
    m_completeReview = new QAction(tr("&Complete My Review"), this);
    m_completeReview->setToolTip(tr("Suggest every unreviewed cell from the verdicts given so far and the model's "
                                    "probabilities (low-rank completion); suggestions show as hollow diamonds"));
    connect(m_completeReview, &QAction::triggered, this, &TrackView::completeReview);
    m_acceptCompletion = new QAction(tr("Accept &Review Suggestions"), this);
    m_acceptCompletion->setToolTip(tr("Turn the suggestions of Complete My Review into verdicts: present at or "
                                      "above the threshold, absent below (one undo step)"));
    m_acceptCompletion->setEnabled(false);
    connect(m_acceptCompletion, &QAction::triggered, this, &TrackView::acceptCompletion);
    for (QAction *a : {m_completeReview, m_acceptCompletion}) {
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
    }
}

bool TrackView::completionRunning() const
{
    return !m_completionThread.isNull();   // until its result is handled
}

void TrackView::waitForCompletion()
{
    if (m_completionThread)
        m_completionThread->wait();
}

void TrackView::resetCompletion()
{
    ++m_completionTicket;
    m_tagModel->clearCompletion();
    if (m_acceptCompletion)
        m_acceptCompletion->setEnabled(false);
}

bool TrackView::completeReview()
{
    engine::TrackDocument *doc = document();
    if (!m_track || !doc || doc->segmentCount() == 0) {
        showMessage(tr("Open and tag a track first, then judge some cells."));
        return false;
    }
    if (completionRunning()) {
        showMessage(tr("The review is being completed already."));
        return false;
    }
    auto job = std::make_shared<CompletionJob>();
    job->grid = snapshot(*doc);
    const int ticket = m_completionTicket;
    // A few ms for a typical track; off the GUI thread all the same (a long
    // file with a large vocabulary takes an SVD per iteration).
    QThread *thread = QThread::create([job]() { job->result = engine::ReviewSuggester::complete(job->grid); });
    thread->setParent(this);
    m_completionThread = thread;
    m_completeReview->setEnabled(false);
    connect(thread, &QThread::finished, this, [this, job, thread, ticket]() {
        thread->deleteLater();
        m_completionThread = nullptr;
        m_completeReview->setEnabled(true);
        if (ticket != m_completionTicket)
            return;   // another track is open now
        if (!job->result.ok()) {
            showMessage(tr("Complete My Review: %1").arg(job->result.error()));
            Q_EMIT reviewCompletionFailed(job->result.error());
            return;
        }
        const engine::ReviewSuggestions &r = job->result.value();
        TagLaneModel::Completion values;
        for (int s = 0; s < r.rows; ++s)
            for (int t = 0; t < r.columns; ++t)
                if (r.hasValue(s, t))
                    values.insert({job->grid.segmentation.at(s).id, job->grid.tags.at(t).name}, r.value(s, t));
        m_tagModel->setCompletion(values);
        m_acceptCompletion->setEnabled(!values.isEmpty());
        showMessage(tr("Complete My Review: %n cell(s) suggested from %1 verdicts%2 (Edit > Accept Review "
                       "Suggestions applies them).", nullptr, int(values.size()))
                        .arg(r.curatedCells)
                        .arg(r.sideWeight > 0.0 ? QString()
                             : r.curatedCells < engine::ReviewCompletion::minimumCuratedForTuning
                                 ? tr("; too few verdicts to judge a completion by, so the suggestions are the "
                                      "model's probabilities")
                                 : tr("; the model's probabilities predicted your held-out verdicts best, so they "
                                      "are the suggestions")));
        Q_EMIT reviewCompleted(int(values.size()));
    });
    thread->start();
    return true;
}

int TrackView::acceptCompletion()
{
    engine::TrackDocument *doc = document();
    if (!doc || m_tagModel->completion().isEmpty())
        return 0;
    const double threshold = m_tagModel->threshold();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QVector<engine::TrackDocument::CellEdit> edits;
    const TagLaneModel::Completion &values = m_tagModel->completion();
    for (int s = 0; s < doc->segmentCount(); ++s) {
        const qint64 id = doc->segment(s).id;
        for (int t = 0; t < doc->tags().size(); ++t) {
            const QString &name = doc->tags().at(t).name;
            const auto it = values.constFind({id, name});
            if (it == values.constEnd() || doc->label(s, t).verdict != engine::Verdict::Unknown)
                continue;
            const engine::Verdict v = it.value() >= threshold ? engine::Verdict::Present : engine::Verdict::Absent;
            edits.push_back({id, name, engine::CellLabel{v, kCompletionActor, now}});
        }
    }
    if (edits.isEmpty())
        return 0;
    m_undoStack->push(new SetVerdictsCommand(doc, edits, tr("Accept %n review suggestion(s)", nullptr, int(edits.size()))));
    return int(edits.size());
}

} // namespace taglane::widgets
