// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/store/storedialect.h"
#include "engine/store/storeop.h"

#include <QSet>
#include <QString>
#include <QThread>

#include <memory>

namespace taglane::engine {

class StoreConnection;
class WriteQueue;
struct WriterStatements;

/// The annotation store's writer thread. It opens its own connection in
/// run(), takes queued edits from the WriteQueue and commits them in small
/// transactions (synchronous=FULL, so a commit survives a crash and a power
/// cut; on PostgreSQL synchronous_commit=on), then marks them durable. Started and stopped by AnnotationStore;
/// the signals arrive queued in the thread that owns this object.
class StoreWriter : public QThread
{
    Q_OBJECT
public:
    /// Owner thread.
    StoreWriter(QString path, std::shared_ptr<WriteQueue> queue, QObject *parent = nullptr);
    ~StoreWriter() override;

    /// Largest number of rows in one transaction (an op is never split).
    static constexpr int kMaxBatchRows = 20000;

Q_SIGNALS:
    /// Every edit up to `seq` is committed (or was reported through writeFailed).
    void durable(qint64 seq);
    /// Edit `seq` could not be saved; `message` says why.
    void writeFailed(qint64 seq, const QString &message);
    /// A transaction committed after earlier edits had failed: the store
    /// takes writes again.
    void writesRecovered();

protected:
    void run() override;

private:
    bool applyBatch(const std::vector<StoreOp> &ops, QString *error);
    /// Applies ops one unit at a time (a group, or a single op outside any),
    /// after their batch failed; reports the units that cannot be saved.
    void applyUnits(const std::vector<StoreOp> &ops);
    void fail(const StoreOp &op, const QString &message);
    bool apply(const StoreOp &op, QString *error);
    bool applyOp(const AddTrackOp &op, const StoreOp &base, QString *error);
    bool applyOp(const SaveSegmentationOp &op, const StoreOp &base, QString *error);
    bool applyOp(const SetVocabularyOp &op, const StoreOp &base, QString *error);
    bool applyOp(const RegisterModelOp &op, const StoreOp &base, QString *error);
    bool applyOp(const SetVerdictsOp &op, const StoreOp &base, QString *error);
    bool applyOp(const StorePredictionsOp &op, const StoreOp &base, QString *error);
    bool applyOp(const RelinkTrackOp &op, const StoreOp &base, QString *error);
    bool applyOp(const SetVerdictRuleOp &op, const StoreOp &base, QString *error);
    bool log(const StoreOp &op, const QString &kind, qint64 trackId, const QString &detail, QString *error);
    bool refreshTrackCounters(QString *error);
    /// Ranks the tags of the tracks in m_rankedTracks again (schema 5).
    bool refreshTagRanks(QString *error);

    QString m_path;
    QString m_name;                            ///< m_path for messages (no password)
    std::shared_ptr<WriteQueue> m_queue;
    StoreDialect m_dialect;                    ///< of the writer's connection (set in run())
    StoreConnection *m_connection = nullptr;   ///< lives only inside run()
    WriterStatements *m_statements = nullptr;  ///< lives only inside run()
    QSet<qint64> m_touchedTracks;              ///< tracks whose summary counters need refreshing
    QHash<qint64, qint64> m_touchedAt;         ///< track -> latest edit time in the batch
    QSet<qint64> m_rankedTracks;               ///< tracks whose predictions or segments changed in the batch
    bool m_allTracksTouched = false;
    bool m_failing = false;                    ///< the last unit written failed
};

} // namespace taglane::engine
