// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/writequeue.h"

#include <QDeadlineTimer>
#include <QMutexLocker>

namespace taglane::engine {

void WriteQueue::reset(qint64 lastSeq)
{
    QMutexLocker lock(&m_mutex);
    m_ops.clear();
    m_pendingVerdicts.clear();
    m_pendingOrder.clear();
    m_pendingTracks.clear();
    m_pendingSegmentations.clear();
    m_lastSeq = lastSeq;
    m_durable.store(lastSeq);
    m_stop = false;
    m_openGroup = 0;
    m_failures.clear();
}

bool WriteQueue::beginGroup()
{
    QMutexLocker lock(&m_mutex);
    if (m_openGroup != 0)
        return false;
    m_openGroup = m_lastSeq + 1;
    return true;
}

void WriteQueue::endGroup(bool keep)
{
    QMutexLocker lock(&m_mutex);
    if (m_openGroup == 0)
        return;
    if (!keep) {
        for (StoreOp &op : m_ops) {
            if (op.group == m_openGroup)
                op.cancelled = true;
        }
    }
    m_openGroup = 0;
    m_workAvailable.wakeAll();
}

qint64 WriteQueue::push(StoreOp op)
{
    QMutexLocker lock(&m_mutex);
    op.seq = ++m_lastSeq;
    op.group = m_openGroup;
    if (const auto *v = std::get_if<SetVerdictsOp>(&op.payload)) {
        for (const VerdictEdit &e : v->edits) {
            const CuratorCellKey key{v->curator, CellKey{e.segmentId, e.tagId}};
            m_pendingVerdicts.insert(key, {e.verdict, op.seq, op.atMs});
            m_pendingOrder.push_back({op.seq, key});
        }
    } else if (const auto *t = std::get_if<AddTrackOp>(&op.payload)) {
        m_pendingTracks.insert(t->track.id, {t->track, op.seq});
    } else if (const auto *s = std::get_if<SaveSegmentationOp>(&op.payload)) {
        m_pendingSegmentations.insert(s->trackId, {s->segmentationId, s->segmentation, op.seq, s->source});
    } else if (const auto *r = std::get_if<RelinkTrackOp>(&op.payload)) {
        // A queued track that moves before it is written is shown at its new path.
        if (auto it = m_pendingTracks.find(r->trackId); it != m_pendingTracks.end()) {
            it->first.path = r->path;
            it->second = op.seq;
        }
    }
    const qint64 seq = op.seq;
    m_ops.push_back(std::move(op));
    m_workAvailable.wakeOne();
    return seq;
}

std::vector<StoreOp> WriteQueue::takeBatch(int maxWeight, int timeoutMs)
{
    QMutexLocker lock(&m_mutex);
    // An open group is held back whole; ops queued before it can go.
    const auto takeable = [this]() { return !m_ops.empty() && (m_openGroup == 0 || m_ops.front().group != m_openGroup); };
    if (!takeable() && !m_stop)
        m_workAvailable.wait(&m_mutex, QDeadlineTimer(timeoutMs));
    std::vector<StoreOp> batch;
    int weight = 0;
    while (takeable()) {
        const StoreOp &next = m_ops.front();
        const bool sameGroup = !batch.empty() && next.group != 0 && next.group == batch.back().group;
        if (!batch.empty() && !sameGroup && weight + next.weight() > maxWeight)
            break;
        weight += next.weight();
        batch.push_back(std::move(m_ops.front()));
        m_ops.pop_front();
    }
    return batch;
}

void WriteQueue::markDurable(qint64 seq)
{
    QMutexLocker lock(&m_mutex);
    if (seq > m_durable.load())
        m_durable.store(seq);
    while (!m_pendingOrder.empty() && m_pendingOrder.front().first <= seq) {
        const auto it = m_pendingVerdicts.constFind(m_pendingOrder.front().second);
        if (it != m_pendingVerdicts.constEnd() && it->seq <= seq)
            m_pendingVerdicts.erase(it);
        m_pendingOrder.pop_front();
    }
    for (auto it = m_pendingTracks.begin(); it != m_pendingTracks.end();) {
        if (it->second <= seq)
            it = m_pendingTracks.erase(it);
        else
            ++it;
    }
    for (auto it = m_pendingSegmentations.begin(); it != m_pendingSegmentations.end();) {
        if (it->seq <= seq)
            it = m_pendingSegmentations.erase(it);
        else
            ++it;
    }
    m_durableChanged.wakeAll();
}

void WriteQueue::stop()
{
    QMutexLocker lock(&m_mutex);
    m_stop = true;
    m_workAvailable.wakeAll();
}

void WriteQueue::markFailed(qint64 seq, const QString &message)
{
    QMutexLocker lock(&m_mutex);
    m_failures.emplace(seq, message);
}

std::optional<QPair<qint64, QString>> WriteQueue::firstFailure(qint64 afterSeq, qint64 upToSeq) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_failures.upper_bound(afterSeq);
    if (it == m_failures.end() || it->first > upToSeq)
        return std::nullopt;
    return qMakePair(it->first, it->second);
}

bool WriteQueue::stopping() const
{
    QMutexLocker lock(&m_mutex);
    return m_stop && m_ops.empty();
}

qint64 WriteQueue::lastSeq() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastSeq;
}

bool WriteQueue::waitForDurable(qint64 seq, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QMutexLocker lock(&m_mutex);
    while (m_durable.load() < seq) {
        if (!m_durableChanged.wait(&m_mutex, deadline))
            return m_durable.load() >= seq;
    }
    return true;
}

QHash<WriteQueue::CuratorCellKey, WriteQueue::PendingVerdict> WriteQueue::pendingVerdicts() const
{
    QMutexLocker lock(&m_mutex);
    return m_pendingVerdicts;
}

QVector<TrackRecord> WriteQueue::pendingTracks() const
{
    QMutexLocker lock(&m_mutex);
    QVector<TrackRecord> tracks;
    for (const auto &entry : m_pendingTracks)
        tracks << entry.first;
    return tracks;
}

} // namespace taglane::engine

namespace taglane::engine {

std::optional<QPair<qint64, Segmentation>> WriteQueue::pendingSegmentation(qint64 trackId) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_pendingSegmentations.constFind(trackId);
    if (it == m_pendingSegmentations.constEnd())
        return std::nullopt;
    return qMakePair(it->id, it->segmentation);
}

std::optional<SegmentSource> WriteQueue::pendingSegmentationSource(qint64 trackId) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_pendingSegmentations.constFind(trackId);
    if (it == m_pendingSegmentations.constEnd())
        return std::nullopt;
    return it->source;
}

} // namespace taglane::engine
