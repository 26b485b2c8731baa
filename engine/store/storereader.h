// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/store/editlogentry.h"
#include "engine/store/labelgrid.h"
#include "engine/store/libraryfilter.h"
#include "engine/store/libraryrow.h"
#include "engine/store/storeop.h"
#include "engine/store/storedverdict.h"
#include "engine/store/trackrecord.h"
#include "engine/store/verdictrule.h"

#include <QSet>
#include <QSqlDatabase>
#include <QVector>

#include <optional>

namespace taglane::engine {

/// The store's read queries over one connection. They see committed data
/// only; AnnotationStore adds what is still queued. Thread of the connection.
class StoreReader
{
public:
    explicit StoreReader(QSqlDatabase db, QString fileName) : m_db(std::move(db)), m_fileName(std::move(fileName)) {}

    std::optional<TrackRecord> track(qint64 id) const;
    std::optional<TrackRecord> trackByPath(const QString &path) const;
    QVector<TrackRecord> tracksByHash(const QString &contentHash) const;

    /// Segments of the track's current segmentation and their labels for the
    /// given columns. `modelVersion` empty: the model that tagged it last.
    /// `queuedSegmentation` (id, segments): a segmentation saved but not yet
    /// committed, shown instead of the stored current one. The grid's
    /// verdicts stay Unknown: every curator's verdicts go to `votes` by cell
    /// (AnnotationStore picks the view).
    Result<LabelGrid> labelGrid(qint64 trackId, const QVector<StoredTag> &columns, const QString &modelVersion,
                                const std::optional<QPair<qint64, Segmentation>> &queuedSegmentation,
                                QHash<int, QVector<CuratorVerdict>> *votes) const;
    /// Every curator's verdicts on the current segments of every track.
    Result<QVector<StoredVerdict>> currentVerdicts() const;
    /// The verdict rules by tag id (tags without one use the majority).
    Result<QHash<qint64, VerdictRule>> verdictRules() const;
    Result<QVector<LibraryRow>> library(const LibraryFilter &filter, qint64 filterTagId, int activeTags) const;
    Result<QVector<EditLogEntry>> editLog(qint64 trackId, qint64 beforeSeq, int limit) const;

    /// All tags (active ones with their position), model versions, and the
    /// highest ids in use, read once when the store opens. Each fails with a
    /// sentence naming the store when the query fails: an empty answer would
    /// hide every verdict, and an id of 0 would reuse ids already taken.
    Result<QVector<StoredTag>> tags() const;
    /// Ids of the tags that hold at least one verdict.
    Result<QSet<qint64>> tagsWithVerdicts() const;
    Result<QHash<QString, qint64>> modelVersionIds() const;
    Result<qint64> maxId(const QString &table, const QString &column = QStringLiteral("id")) const;

private:
    QString failure(const QString &what, const QString &error) const;
    QSqlDatabase m_db;
    QString m_fileName;
};

} // namespace taglane::engine
