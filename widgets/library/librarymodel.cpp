// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/library/librarymodel.h"

#include "widgets/timeline/timeruler.h"

#include "engine/library/storequery.h"
#include "engine/library/tagsearch.h"
#include "engine/store/storereader.h"

#include <QBrush>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QSet>
#include <QThread>

namespace taglane::widgets {

/// One read's outcome, made on the worker thread.
struct LibraryModel::Loaded
{
    QVector<engine::LibraryEntry> entries;
    QHash<qint64, int> hits;
    QString error;
};

namespace {

/// What one read needs; copied into the worker.
struct LoadRequest
{
    QString storePath;
    engine::LibraryFilter filter;
    qint64 filterTagId = 0;
    int activeTags = 0;
    std::optional<engine::TagQuery> query;
};

bool filters(const engine::LibraryFilter &f)
{
    return !f.tag.isEmpty() || f.verdict.has_value();
}

/// Worker thread: the catalogue, then the tracks that pass the filter and
/// the search. Each connection is made and dropped on this thread.
void load(const LoadRequest &request, QVector<engine::LibraryEntry> &entries, QHash<qint64, int> &hits,
          QString &error)
{
    auto list = engine::LibraryCatalogue::list(request.storePath, 3);
    if (!list) {
        error = list.error();
        return;
    }
    entries = std::move(list).value();
    std::optional<QSet<qint64>> keep;
    if (filters(request.filter)) {
        auto connection = engine::StoreQuery::open(request.storePath);
        if (!connection) {
            error = connection.error();
            return;
        }
        const engine::StoreReader reader(connection.value()->db(), request.storePath);
        const auto rows = reader.library(request.filter, request.filterTagId, request.activeTags);
        if (!rows) {
            error = rows.error();
            return;
        }
        QSet<qint64> ids;
        for (const engine::LibraryRow &row : rows.value())
            ids.insert(row.trackId);
        keep = ids;
    }
    if (request.query) {
        engine::TagSearch::Options options;
        options.scope = engine::TagSearch::Scope::Segments;
        const auto found = engine::TagSearch::run(request.storePath, *request.query, options);
        if (!found) {
            error = found.error();
            return;
        }
        QSet<qint64> ids;
        for (const engine::SearchHit &hit : found.value()) {
            ++hits[hit.trackId];
            if (!keep || keep->contains(hit.trackId))
                ids.insert(hit.trackId);
        }
        keep = ids;
    }
    if (keep) {
        QVector<engine::LibraryEntry> kept;
        for (engine::LibraryEntry &e : entries) {
            if (keep->contains(e.row.trackId))
                kept.append(std::move(e));
        }
        entries = std::move(kept);
    }
}

QString stateName(engine::LibraryEntry::FileState state)
{
    switch (state) {
    case engine::LibraryEntry::FileState::Missing: return LibraryModel::tr("missing");
    case engine::LibraryEntry::FileState::Changed: return LibraryModel::tr("changed");
    case engine::LibraryEntry::FileState::Present: break;
    }
    return LibraryModel::tr("present");
}

QString modelsText(const engine::LibraryEntry &e)
{
    QStringList versions;
    for (const engine::LibraryModelRun &run : e.runs) {
        if (!versions.contains(run.modelVersion))
            versions << run.modelVersion;
    }
    return versions.join(QStringLiteral(", "));
}

QString topTagsText(const engine::LibraryEntry &e)
{
    QStringList parts;
    for (const auto &tag : e.topTags)
        parts << QStringLiteral("%1 %2").arg(tag.first).arg(double(tag.second), 0, 'f', 2);
    return parts.join(QStringLiteral(", "));
}

} // namespace

LibraryModel::LibraryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

LibraryModel::~LibraryModel()
{
    // A read takes well under a second; its thread must not outlive the program.
    if (m_thread)
        m_thread->wait();
}

void LibraryModel::setStore(engine::AnnotationStore *store)
{
    m_store = store;
    refresh();
}

void LibraryModel::setFilter(const engine::LibraryFilter &filter)
{
    m_filter = filter;
    refresh();
}

void LibraryModel::setQuery(const std::optional<engine::TagQuery> &query)
{
    m_query = query;
    refresh();
}

void LibraryModel::refresh()
{
    if (!m_store || !m_store->isOpen()) {
        ++m_generation;   // a read under way is for another store
        m_again = false;
        beginResetModel();
        m_entries.clear();
        m_hits.clear();
        endResetModel();
        m_error.clear();
        if (!m_loading)
            Q_EMIT loaded(QString());
        return;
    }
    if (m_loading) {
        m_again = true;
        return;
    }
    startLoad();
}

void LibraryModel::startLoad()
{
    LoadRequest request;
    request.storePath = m_store->path();
    request.filter = m_filter;
    request.filterTagId = m_filter.tag.isEmpty() ? 0 : m_store->tagId(m_filter.tag);
    request.activeTags = int(m_store->vocabulary().size());
    request.query = m_query;
    m_loading = true;
    m_again = false;
    const qint64 generation = ++m_generation;
    auto result = std::make_shared<Loaded>();
    QThread *thread = QThread::create([request, result]() {
        load(request, result->entries, result->hits, result->error);
    });
    connect(thread, &QThread::finished, this, [this, generation, result]() { onLoaded(generation, result); });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_thread = thread;
    thread->start(QThread::LowPriority);
}

void LibraryModel::onLoaded(qint64 generation, const std::shared_ptr<Loaded> &result)
{
    m_loading = false;
    if (generation == m_generation) {
        m_error = result->error;
        if (result->error.isEmpty()) {
            beginResetModel();
            m_entries = std::move(result->entries);
            m_hits = std::move(result->hits);
            endResetModel();
        }
    }
    if (m_again || (generation != m_generation && m_store && m_store->isOpen())) {
        startLoad();
        return;
    }
    Q_EMIT loaded(m_error);
}

int LibraryModel::hits(int r) const
{
    return m_hits.value(m_entries.at(r).row.trackId);
}

int LibraryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int LibraryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(ColumnCount);
}

QVariant LibraryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const engine::LibraryEntry &e = m_entries.at(index.row());
    const engine::LibraryRow &r = e.row;
    switch (role) {
    case PathRole: return r.path;
    case TrackIdRole: return r.trackId;
    case FileStateRole: return int(e.file);
    case HitsRole: return m_hits.value(r.trackId);
    case Qt::ToolTipRole:
        if (index.column() == StateColumn && e.file == engine::LibraryEntry::FileState::Missing)
            return tr("The file is not at %1. Add its new folder to the library to find it again.")
                .arg(QDir::toNativeSeparators(r.path));
        if (index.column() == StateColumn && e.file == engine::LibraryEntry::FileState::Changed)
            return tr("The file at %1 holds other content now.").arg(QDir::toNativeSeparators(r.path));
        if (index.column() == TopTagsColumn && !e.topTagsModel.isEmpty())
            return tr("Highest mean probability over the segments, by %1").arg(e.topTagsModel);
        return QDir::toNativeSeparators(r.path);
    case Qt::ForegroundRole:
        if (e.file != engine::LibraryEntry::FileState::Present)
            return QBrush(index.column() == StateColumn ? QColor(0xd0, 0x50, 0x40) : QColor(0x90, 0x90, 0x90));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == DurationColumn || index.column() == SegmentsColumn || index.column() == ReviewedColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        switch (index.column()) {
        case FileColumn: return QFileInfo(r.path).fileName().toLower();
        case FolderColumn: return QFileInfo(r.path).absolutePath().toLower();
        case DurationColumn: return r.durationSeconds;
        case SegmentsColumn: return r.segmentCount;
        case ModelsColumn: return modelsText(e).toLower();
        case ReviewedColumn: return r.reviewedShare;
        case TopTagsColumn: return e.topTags.isEmpty() ? -1.0 : double(e.topTags.constFirst().second);
        case StateColumn: return int(e.file);
        case LastEditColumn: return r.lastEdit.isValid() ? r.lastEdit.toMSecsSinceEpoch() : qint64(0);
        }
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case FileColumn: return QFileInfo(r.path).fileName();
        case FolderColumn: return QDir::toNativeSeparators(QFileInfo(r.path).absolutePath());
        case DurationColumn: return TimeRuler::formatTime(r.durationSeconds, 0.1);
        case SegmentsColumn: return r.segmentCount;
        case ModelsColumn: return modelsText(e);
        case ReviewedColumn:
            return QStringLiteral("%1 %").arg(r.reviewedShare * 100.0, 0, 'f',
                                              r.reviewedShare > 0 && r.reviewedShare < 0.01 ? 2 : 0);
        case TopTagsColumn: return topTagsText(e);
        case StateColumn: return stateName(e.file);
        case LastEditColumn:
            return r.lastEdit.isValid() ? QLocale().toString(r.lastEdit.toLocalTime(), QLocale::ShortFormat) : tr("never");
        }
        return {};
    default: return {};
    }
}

QVariant LibraryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case FileColumn: return tr("File");
    case FolderColumn: return tr("Folder");
    case DurationColumn: return tr("Duration");
    case SegmentsColumn: return tr("Segments");
    case ModelsColumn: return tr("Tagged by");
    case ReviewedColumn: return tr("Reviewed");
    case TopTagsColumn: return tr("Top tags");
    case StateColumn: return tr("State");
    case LastEditColumn: return tr("Last edit");
    }
    return {};
}

} // namespace taglane::widgets
