// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/review/cellnavigator.h"

#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/playback/segmentplayback.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/track/trackview.h"

#include "engine/curation/trackdocument.h"

#include <QFileInfo>

#include <algorithm>

namespace taglane::widgets {

namespace {
QString normalPath(const QString &path)
{
    const QFileInfo info(path);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? info.absoluteFilePath() : canonical;
}
} // namespace

CellNavigator::CellNavigator(TrackView *track, QObject *parent)
    : QObject(parent)
    , m_track(track)
    , m_opener([track](const QString &path) { track->openFile(path); })
{
    connect(track, &TrackView::trackLoaded, this, &CellNavigator::onLoaded);
    connect(track, &TrackView::loadFailed, this, &CellNavigator::onLoadFailed);
    connect(track, &TrackView::loadCancelled, this, [this](const QString &path) {
        if (!m_pending.path.isEmpty() && normalPath(path) == normalPath(m_pending.path))
            m_pending = {};
    });
}

TrackView *CellNavigator::trackView() const
{
    return m_track;
}

bool CellNavigator::isOpen(const QString &path) const
{
    return m_track && m_track->hasTrack() && normalPath(m_track->filePath()) == normalPath(path);
}

bool CellNavigator::goToCell(const QString &path, qint64 segmentId, const QStringList &tags, bool play)
{
    const Request request{path, segmentId, tags, play};
    if (isOpen(path)) {
        m_pending = {};
        return select(request);
    }
    if (!QFileInfo::exists(path)) {
        m_pending = {};
        Q_EMIT failed(tr("%1 is missing (moved or deleted?); relink the library to find it again.")
                          .arg(QFileInfo(path).fileName()));
        return false;
    }
    m_pending = request;
    m_opener(path);
    return false;
}

void CellNavigator::onLoaded(const QString &path)
{
    if (m_pending.path.isEmpty() || normalPath(path) != normalPath(m_pending.path))
        return;
    const Request request = m_pending;
    m_pending = {};
    // After every other trackLoaded handler (the window restores the cursor
    // where the track was left): the cell's segment wins.
    QMetaObject::invokeMethod(this, [this, request]() {
        if (isOpen(request.path) && m_pending.path.isEmpty())
            select(request);
    }, Qt::QueuedConnection);
}

void CellNavigator::onLoadFailed(const QString &path, const QString &message)
{
    if (m_pending.path.isEmpty() || normalPath(path) != normalPath(m_pending.path))
        return;
    m_pending = {};
    Q_EMIT failed(message);
}

bool CellNavigator::select(const Request &request)
{
    TagLaneView *lane = m_track->tagLaneView();
    TagLaneModel *model = m_track->tagLaneModel();
    if (request.segmentId == 0) {
        Q_EMIT arrived(request.path, 0, QString());
        return true;
    }
    const int column = model->columnOfSegment(request.segmentId);
    if (column < 0) {
        Q_EMIT failed(tr("That segment of %1 is gone: the track was re-segmented since (refresh the list).")
                          .arg(QFileInfo(request.path).fileName()));
        return false;
    }
    auto findRow = [&]() {
        for (const QString &tag : request.tags)
            if (const int row = model->rowOfTag(tag); row >= 0)
                return row;
        return -1;
    };
    int row = findRow();
    if (row < 0 && !request.tags.isEmpty() && !model->filterText().isEmpty()) {
        model->setFilterText(QString());   // the lane's tag filter hid it
        row = findRow();
    }
    QString tag = row >= 0 ? model->tagNameOfRow(row) : QString();
    if (row < 0) {
        if (model->rowCount() == 0) {
            Q_EMIT failed(tr("The lane of %1 shows no tags.").arg(QFileInfo(request.path).fileName()));
            return false;
        }
        row = 0;
        tag = model->tagNameOfRow(0);
    }
    const QString category = model->categoryOfRow(row);
    if (lane->isCollapsed(category))
        lane->setCollapsed(category, false);
    lane->selectCell(row, column);
    if (const int top = lane->rowTop(row); top >= 0
        && (top < lane->verticalOffset() || top + TagLaneView::rowHeight > lane->verticalOffset() + lane->height()))
        lane->setVerticalOffset(std::max(0, top - lane->height() / 3));
    const engine::TrackDocument *doc = m_track->document();
    const int index = doc->indexOfSegment(request.segmentId);
    if (index >= 0) {
        TimeAxis *axis = m_track->timeAxis();
        const auto &segment = doc->segment(index);
        // Zoomed in too far to see the whole segment: show it whole.
        if (segment.end - segment.start > axis->visibleDuration())
            axis->setVisibleRange(std::max(0.0, segment.start - 1.0), (segment.end - segment.start) * 1.5);
        axis->setCursor(segment.start);
        axis->ensureCursorVisible();
    }
    if (request.play)
        m_track->segmentPlayback()->playSelection();
    Q_EMIT arrived(request.path, request.segmentId, tag);
    return true;
}

} // namespace taglane::widgets
