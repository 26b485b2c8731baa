// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/library/librarycatalogue.h"
#include "engine/library/tagquery.h"
#include "engine/store/annotationstore.h"
#include "engine/store/libraryfilter.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QThread>
#include <QVector>

#include <optional>

namespace taglane::widgets {

/// Every track in the annotation store as a table: file, folder, duration,
/// segments, the model versions that tagged it, share reviewed, top tags,
/// file state (present / missing / changed) and last edit. The rows are read
/// on a worker thread (engine::LibraryCatalogue with a connection of its
/// own, committed data only) and replace the old ones when the read ends;
/// a refresh asked for while one runs starts when it ends (the newest
/// request wins). Rows can be limited by a tag and verdict filter
/// (engine::LibraryFilter) and by a search (engine::TagQuery on segments:
/// tracks with at least one hit). GUI thread.
class LibraryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        FileColumn, FolderColumn, DurationColumn, SegmentsColumn, ModelsColumn, ReviewedColumn, TopTagsColumn,
        StateColumn, LastEditColumn, ColumnCount
    };
    enum Role { PathRole = Qt::UserRole + 1, TrackIdRole, SortRole, FileStateRole, HitsRole };

    explicit LibraryModel(QObject *parent = nullptr);
    ~LibraryModel() override;

    void setStore(engine::AnnotationStore *store);
    engine::AnnotationStore *store() const { return m_store; }
    void setFilter(const engine::LibraryFilter &filter);
    const engine::LibraryFilter &filter() const { return m_filter; }
    /// Only tracks where the query has a hit (std::nullopt: no search).
    void setQuery(const std::optional<engine::TagQuery> &query);
    const std::optional<engine::TagQuery> &query() const { return m_query; }
    /// Reads the rows again in the background; loaded() follows.
    void refresh();
    /// A read is running (or waiting to run).
    bool isLoading() const { return m_loading; }
    /// The last read's failure (empty when it worked; the old rows stay then).
    QString lastError() const { return m_error; }

    const engine::LibraryEntry &entry(int r) const { return m_entries.at(r); }
    const engine::LibraryRow &row(int r) const { return m_entries.at(r).row; }
    const QVector<engine::LibraryEntry> &entries() const { return m_entries; }
    /// Search hits of the row's track (0 without a search).
    int hits(int r) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    /// A read ended: the rows are new, or `error` says why they are not.
    void loaded(const QString &error);

private:
    struct Loaded;
    void startLoad();
    void onLoaded(qint64 generation, const std::shared_ptr<Loaded> &result);

    QPointer<engine::AnnotationStore> m_store;
    engine::LibraryFilter m_filter;
    std::optional<engine::TagQuery> m_query;
    QVector<engine::LibraryEntry> m_entries;
    QHash<qint64, int> m_hits;
    QString m_error;
    QPointer<QThread> m_thread;
    qint64 m_generation = 0;
    bool m_loading = false;
    bool m_again = false;
};

} // namespace taglane::widgets
