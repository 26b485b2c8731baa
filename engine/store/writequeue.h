// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/store/storeop.h"
#include "engine/store/trackrecord.h"
#include "engine/store/verdict.h"

#include <QHash>
#include <QMutex>
#include <QPair>
#include <QWaitCondition>

#include <atomic>
#include <deque>
#include <map>
#include <optional>
#include <vector>

namespace taglane::engine {

/// The hand-over between the threads that make edits and the store's
/// writer thread. Pushing takes a mutex for a few microseconds and never
/// touches the disk. It also remembers edits that are not yet committed, so
/// reads on the owner thread can show them. Every method is thread-safe.
class WriteQueue
{
public:
    using CellKey = QPair<qint64, qint64>;   ///< (segment id, tag id)
    using CuratorCellKey = QPair<QString, CellKey>;   ///< (curator, cell)
    struct PendingVerdict
    {
        Verdict verdict = Verdict::Unknown;
        qint64 seq = 0;
        qint64 atMs = 0;
    };

    /// Sequence numbers continue after `lastSeq` (the store's highest).
    void reset(qint64 lastSeq);

    /// Gives `op` the next sequence number and queues it; returns the number.
    qint64 push(StoreOp op);
    /// Opens a group: every op pushed until endGroup() (from any thread)
    /// joins it, and the writer takes none of them before endGroup(). With
    /// `keep` false the group's ops are cancelled: the writer reports them
    /// as not saved and writes none. Groups do not nest; beginGroup()
    /// returns false while one is open.
    bool beginGroup();
    void endGroup(bool keep);
    /// Waits up to `timeoutMs` for work or stop(); takes ops up to about
    /// `maxWeight` rows (at least one op), never part of a group only.
    /// Empty when stopped and drained.
    std::vector<StoreOp> takeBatch(int maxWeight, int timeoutMs);
    /// The writer settled every edit up to `seq` (committed or reported failed).
    void markDurable(qint64 seq);
    /// The writer could not save edit `seq` (call before markDurable).
    void markFailed(qint64 seq, const QString &message);
    /// The first edit numbered in (afterSeq, upToSeq] that could not be
    /// saved, with the reason; nullopt when none failed (so far).
    std::optional<QPair<qint64, QString>> firstFailure(qint64 afterSeq, qint64 upToSeq) const;
    /// Asks the writer to drain what is queued and finish.
    void stop();
    bool stopping() const;

    qint64 lastSeq() const;
    qint64 durableSeq() const { return m_durable.load(); }
    /// Blocks until `seq` is durable or `timeoutMs` passes. Never on the GUI thread.
    bool waitForDurable(qint64 seq, int timeoutMs);

    /// Verdicts queued but not yet committed, latest per curator and cell.
    QHash<CuratorCellKey, PendingVerdict> pendingVerdicts() const;
    /// Tracks queued but not yet committed.
    QVector<TrackRecord> pendingTracks() const;
    /// The newest segmentation queued for a track and not yet committed: (id, segments).
    std::optional<QPair<qint64, Segmentation>> pendingSegmentation(qint64 trackId) const;
    /// Source of the newest queued segmentation of a track (nullopt: none queued).
    std::optional<SegmentSource> pendingSegmentationSource(qint64 trackId) const;

private:
    mutable QMutex m_mutex;
    QWaitCondition m_workAvailable;
    QWaitCondition m_durableChanged;
    std::deque<StoreOp> m_ops;
    qint64 m_lastSeq = 0;
    std::atomic<qint64> m_durable{0};
    bool m_stop = false;
    qint64 m_openGroup = 0;                                      ///< group id (its first seq) while open
    std::map<qint64, QString> m_failures;                        ///< seq -> why it was not saved
    QHash<CuratorCellKey, PendingVerdict> m_pendingVerdicts;
    std::deque<QPair<qint64, CuratorCellKey>> m_pendingOrder;     ///< (seq, curator and cell) in push order
    QHash<qint64, QPair<TrackRecord, qint64>> m_pendingTracks;   ///< id -> (track, seq)
    struct PendingSegmentation
    {
        qint64 id = 0;
        Segmentation segmentation;
        qint64 seq = 0;
        SegmentSource source = SegmentSource::Import;
    };
    QHash<qint64, PendingSegmentation> m_pendingSegmentations;   ///< track id -> newest queued
};

} // namespace taglane::engine
