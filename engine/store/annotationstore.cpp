// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/annotationstore.h"

#include "engine/store/contenthash.h"
#include "engine/store/labelvotes.h"
#include "engine/store/storeconnection.h"
#include "engine/store/storefile.h"
#include "engine/store/storelocation.h"
#include "engine/store/storereader.h"
#include "engine/store/storerescue.h"
#include "engine/store/storeschema.h"
#include "engine/store/storesql_p.h"
#include "engine/store/storewriter.h"
#include "engine/store/writequeue.h"

#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QMutexLocker>
#include <QTimeZone>

#include <algorithm>

namespace taglane::engine {

AnnotationStore::AnnotationStore(QObject *parent) : QObject(parent) {}

AnnotationStore::~AnnotationStore()
{
    close();
}

bool AnnotationStore::isOpen() const { return m_reader != nullptr; }
bool AnnotationStore::isReadOnly() const { return m_readOnly; }
QString AnnotationStore::path() const { return m_path; }
QString AnnotationStore::displayName() const { return m_display; }

Status AnnotationStore::setCurator(const QString &name)
{
    if (const Status s = checkCuratorName(name); !s)
        return s;
    QMutexLocker lock(&m_mapMutex);
    m_curator = name;
    return {};
}

QString AnnotationStore::curator() const
{
    QMutexLocker lock(&m_mapMutex);
    return m_curator;
}

Result<StoreOpenReport> AnnotationStore::open(const QString &path, OpenMode mode)
{
    close();
    const QString file = QFileInfo(path).absoluteFilePath();
    StoreOpenReport report;
    if (path.trimmed().isEmpty())
        return Result<StoreOpenReport>::failure(tr("No annotation store was given (the path is empty)."));
    if (StoreLocation::isPostgresUri(path)) {
        // Not a file name: a PostgreSQL database (never an SQLite file called "postgresql:...").
        const Result<StoreLocation> location = StoreLocation::parse(path);
        if (!location)
            return Result<StoreOpenReport>::failure(location.error());
        Result<StoreOpenReport> result = openPostgres(location.value(), mode);
        if (!result)
            close();
        return result;
    }
    if (QFileInfo(file).isDir()) {
        return Result<StoreOpenReport>::failure(tr("Cannot open the annotation store %1: it is a folder, not a store "
                                                   "file. Give the path of a file in it (e.g. %2).")
                                                    .arg(file, QDir(file).filePath(QStringLiteral("taglane.sqlite"))));
    }
    if (QFileInfo::exists(file) && !QFileInfo(file).isFile())
        return Result<StoreOpenReport>::failure(tr("Cannot open the annotation store %1: it is not a regular file.").arg(file));
    if (mode == OpenMode::ReadOnly)
        return openReadOnly(file, report);

    if (!QFileInfo(file).absoluteDir().exists()) {
        return Result<StoreOpenReport>::failure(tr("Cannot open the annotation store %1: its folder does not exist.").arg(file));
    }
    auto lock = std::make_unique<QLockFile>(StoreFile::lockPath(file));
    lock->setStaleLockTime(0);   // only a lock whose process is gone is stale
    if (!lock->tryLock(0)) {
        if (lock->error() != QLockFile::LockFailedError) {
            return Result<StoreOpenReport>::failure(tr("Cannot open the annotation store %1: cannot create the lock file %2.")
                                                        .arg(file, StoreFile::lockPath(file)));
        }
        qint64 pid = 0;
        QString host, app;
        lock->getLockInfo(&pid, &host, &app);
        const QString holder = tr("another Taglane (%1, process %2 on %3)").arg(app).arg(pid).arg(host);
        if (mode == OpenMode::ReadWriteElseReadOnly && QFileInfo::exists(file)) {
            report.messages << tr("The annotation store %1 is in use by %2; it was opened read-only.").arg(file, holder);
            return openReadOnly(file, report);
        }
        return Result<StoreOpenReport>::failure(tr("The annotation store %1 is in use by %2. Close it there first.").arg(file, holder));
    }
    m_lock = std::move(lock);
    Result<StoreOpenReport> result = openWritable(file, report);
    if (!result)
        close();
    return result;
}

Result<StoreOpenReport> AnnotationStore::openWritable(const QString &file, StoreOpenReport report)
{
    using R = Result<StoreOpenReport>;
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool existed = QFileInfo(file).size() > 0;
        m_read = std::make_unique<StoreConnection>();
        QString error;
        QString damage;
        if (existed && !StoreFile::hasSqliteHeader(file)) {
            damage = tr("it is not an SQLite database");
        } else if (!m_read->open(file, QStringLiteral("owner"), false, &error)) {
            return R::failure(tr("Cannot open the annotation store %1: %2").arg(file, error));
        } else if (existed) {
            int code = 0;
            const QVariant check = storesql::scalar(m_read->db(), QStringLiteral("PRAGMA quick_check"), &error, &code);
            if (!check.isValid() && !storesql::isCorruption(code)) {
                // A full disk, an I/O error, a busy or unreadable file: not damage. Leave the file alone.
                return R::failure(tr("Cannot open the annotation store %1: %2. The file was left as it is.").arg(file, error));
            }
            if (!check.isValid())
                damage = error;
            else if (check.toString() != QLatin1String("ok"))
                damage = check.toString();
        }
        if (!damage.isEmpty()) {
            m_read.reset();
            const Result<QString> moved = StoreFile::moveAside(file);
            if (!moved) {
                return R::failure(tr("The annotation store %1 is damaged (%2), and it could not be moved aside: %3")
                                      .arg(file, damage, moved.error()));
            }
            report.movedAsidePath = moved.value();
            report.messages << tr("The annotation store %1 is damaged (%2). It was moved to %3, where it is kept "
                                  "for recovery, and a new store was created.")
                                   .arg(file, damage, moved.value());
            continue;
        }
        report.created = !existed;
        QSqlDatabase &db = m_read->db();
        const Result<int> found = StoreSchema::versionOf(db, file);
        if (!found)
            return R::failure(found.error());
        if (found.value() > StoreSchema::kCurrentVersion)
            return R::failure(StoreSchema::upgrade(db, file).error());   // the refusal message; changes nothing
        const QVariant journal = storesql::scalar(db, QStringLiteral("PRAGMA journal_mode = WAL"), &error);
        if (journal.toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
            report.messages << tr("The annotation store %1 could not use write-ahead logging: %2").arg(file, error);
        const Result<int> upgraded = StoreSchema::upgrade(db, file, curator());
        if (!upgraded)
            return R::failure(upgraded.error());
        report.schemaVersionFound = upgraded.value();
        report.schemaVersion = StoreSchema::kCurrentVersion;
        if (existed && upgraded.value() < StoreSchema::kCurrentVersion) {
            report.messages << tr("The annotation store %1 was upgraded from schema %2 to %3.")
                                   .arg(file).arg(upgraded.value()).arg(StoreSchema::kCurrentVersion);
            if (upgraded.value() < 6)
                report.messages << tr("Its verdicts from before curators were recorded now belong to the curator %1.")
                                       .arg(curator());
        }
        if (!report.movedAsidePath.isEmpty() && StoreFile::hasSqliteHeader(report.movedAsidePath)) {
            const Result<StoreRescue::Counts> rescued = StoreRescue::copyReadable(db, report.movedAsidePath);
            if (!rescued) {
                report.messages << rescued.error();
            } else {
                report.rescuedTracks = rescued->tracks;
                report.rescuedVerdicts = rescued->verdicts;
                report.messages << tr("Rescued from the damaged store: %n track(s), ", nullptr, int(rescued->tracks))
                                       + tr("%n verdict(s) and ", nullptr, int(rescued->verdicts))
                                       + tr("%n prediction(s); %1 row(s) could not be read.", nullptr, int(rescued->predictions))
                                             .arg(rescued->unreadable);
            }
        }
        storesql::exec(db, QStringLiteral("PRAGMA query_only = 1"), nullptr);   // the owner connection only reads
        const Status status = finishOpen(file, false);
        if (!status) {
            close();
            return R::failure(status.error());
        }
        return report;
    }
    return R::failure(tr("Cannot create a new annotation store at %1.").arg(file));
}

Result<StoreOpenReport> AnnotationStore::openReadOnly(const QString &file, StoreOpenReport report)
{
    using R = Result<StoreOpenReport>;
    if (!QFileInfo::exists(file))
        return R::failure(tr("Cannot open the annotation store %1 read-only: the file does not exist.").arg(file));
    const QString damaged = tr("The annotation store %1 is damaged (%2). Open it for writing to move it aside and start a new one.");
    if (!StoreFile::hasSqliteHeader(file))
        return R::failure(damaged.arg(file, tr("it is not an SQLite database")));
    m_read = std::make_unique<StoreConnection>();
    QString error;
    if (!m_read->open(file, QStringLiteral("reader"), true, &error))
        return R::failure(tr("Cannot open the annotation store %1 read-only: %2").arg(file, error));
    const Result<int> found = StoreSchema::versionOf(m_read->db(), file);
    if (!found) {
        close();
        return R::failure(found.error().contains(QLatin1String("not a Taglane")) ? found.error() : damaged.arg(file, found.error()));
    }
    if (found.value() != StoreSchema::kCurrentVersion) {
        const QString message = found.value() > StoreSchema::kCurrentVersion
            ? StoreSchema::upgrade(m_read->db(), file).error()
            : tr("The annotation store %1 uses an older schema (%2); open it for writing once to upgrade it.")
                  .arg(file).arg(found.value());
        close();
        return R::failure(message);
    }
    report.readOnly = true;
    report.schemaVersionFound = report.schemaVersion = found.value();
    const Status status = finishOpen(file, true);
    if (!status) {
        close();
        return R::failure(status.error());
    }
    return report;
}

Status AnnotationStore::finishOpen(const QString &file, bool readOnly)
{
    m_path = file;
    m_display = StoreLocation::redacted(file);
    m_readOnly = readOnly;
    m_reader = std::make_unique<StoreReader>(m_read->db(), m_display);
    // What the store holds is read once here; a store whose tags, models or
    // ids cannot be read is not opened (it would show no verdicts, and new
    // rows would take ids already in use).
    if (const Status tags = reloadTags(); !tags)
        return tags;
    const Result<QHash<QString, qint64>> models = m_reader->modelVersionIds();
    if (!models)
        return Status::failure(models.error());
    const Result<QHash<qint64, VerdictRule>> rules = m_reader->verdictRules();
    if (!rules)
        return Status::failure(rules.error());
    {
        QMutexLocker lock(&m_mapMutex);
        m_models = models.value();
        m_rules = rules.value();
    }
    const std::pair<std::atomic<qint64> *, const char *> ids[] = {
        {&m_lastTrackId, "tracks"},     {&m_lastSegmentationId, "segmentations"}, {&m_lastSegmentId, "segments"},
        {&m_lastTagId, "tags"},         {&m_lastModelId, "model_versions"},
    };
    for (const auto &[slot, table] : ids) {
        const Result<qint64> id = m_reader->maxId(QString::fromLatin1(table));
        if (!id)
            return Status::failure(id.error());
        *slot = id.value();
    }
    const Result<qint64> lastSeq = m_reader->maxId(QStringLiteral("edit_log"), QStringLiteral("seq"));
    if (!lastSeq)
        return Status::failure(lastSeq.error());
    m_queue = std::make_shared<WriteQueue>();
    m_queue->reset(lastSeq.value());
    if (readOnly)
        return {};
    m_writer = std::make_unique<StoreWriter>(file, m_queue);
    connect(m_writer.get(), &StoreWriter::durable, this, &AnnotationStore::durable);
    connect(m_writer.get(), &StoreWriter::writeFailed, this, &AnnotationStore::writeFailed);
    connect(m_writer.get(), &StoreWriter::writesRecovered, this, &AnnotationStore::writesRecovered);
    m_writer->start();
    return {};
}

Status AnnotationStore::reloadTags()
{
    if (!m_reader)
        return Status::failure(tr("The annotation store is not open."));
    const Result<QVector<StoredTag>> tags = m_reader->tags();
    if (!tags)
        return Status::failure(tags.error());
    const Result<QSet<qint64>> withVerdicts = m_reader->tagsWithVerdicts();
    if (!withVerdicts)
        return Status::failure(withVerdicts.error());
    QMutexLocker lock(&m_mapMutex);
    m_tags = tags.value();
    m_tagIndex.clear();
    m_tagIndexById.clear();
    for (int i = 0; i < m_tags.size(); ++i) {
        m_tagIndex.insert(m_tags.at(i).tag.name, i);
        m_tagIndexById.insert(m_tags.at(i).id, i);
    }
    m_tagsWithVerdicts = withVerdicts.value();
    return {};
}

void AnnotationStore::close()
{
    if (m_writer) {
        m_queue->stop();
        m_writer->wait();
        m_writer.reset();
    }
    m_reader.reset();
    m_read.reset();
    m_queue.reset();
    m_lock.reset();
    m_readOnly = false;
}

Status AnnotationStore::checkWritable() const
{
    if (!m_queue)
        return Status::failure(tr("The annotation store is not open."));
    if (m_readOnly)
        return Status::failure(tr("The annotation store %1 is open read-only.").arg(m_display));
    return {};
}

qint64 AnnotationStore::submit(StoreOp op)
{
    if (!checkWritable())
        return 0;
    op.atMs = QDateTime::currentMSecsSinceEpoch();
    if (op.actor.isEmpty())
        op.actor = QStringLiteral("curator");
    return m_queue->push(std::move(op));
}

Result<TrackRecord> AnnotationStore::addTrack(TrackRecord track)
{
    if (const Status s = checkWritable(); !s)
        return Result<TrackRecord>::failure(s.error());
    if (track.path.isEmpty() || track.contentHash.isEmpty())
        return Result<TrackRecord>::failure(tr("A track needs a path and a content hash to be added to %1.").arg(m_display));
    if (std::optional<TrackRecord> known = findTrackByPath(track.path); known && known->contentHash == track.contentHash)
        return *known;
    track.id = ++m_lastTrackId;
    if (!track.added.isValid())
        track.added = QDateTime::currentDateTimeUtc();
    submit(StoreOp{0, 0, {}, AddTrackOp{track}});
    return track;
}

Result<TrackRecord> AnnotationStore::addTrackFile(const QString &path, double durationSeconds, int sampleRate, int channels)
{
    const Result<QString> hash = ContentHash::ofFile(path);
    if (!hash)
        return Result<TrackRecord>::failure(hash.error());
    TrackRecord t;
    t.path = QFileInfo(path).absoluteFilePath();
    t.contentHash = hash.value();
    t.sizeBytes = QFileInfo(path).size();
    t.durationSeconds = durationSeconds;
    t.sampleRate = sampleRate;
    t.channels = channels;
    return addTrack(t);
}

Result<qint64> AnnotationStore::relinkTrack(qint64 trackId, const QString &path)
{
    if (const Status s = checkWritable(); !s)
        return Result<qint64>::failure(s.error());
    if (trackId <= 0 || trackId > m_lastTrackId)
        return Result<qint64>::failure(tr("The annotation store %1 has no track with id %2.").arg(m_display).arg(trackId));
    if (path.trimmed().isEmpty())
        return Result<qint64>::failure(tr("A track cannot be moved to an empty path in %1.").arg(m_display));
    return submit(StoreOp{0, 0, {}, RelinkTrackOp{trackId, QFileInfo(path).absoluteFilePath()}});
}

Result<Segmentation> AnnotationStore::saveSegmentation(qint64 trackId, const Segmentation &segmentation, SegmentSource source,
                                                       const QString &origin, bool keepIds)
{
    using R = Result<Segmentation>;
    if (const Status s = checkWritable(); !s)
        return R::failure(s.error());
    if (trackId <= 0 || trackId > m_lastTrackId)
        return R::failure(tr("The annotation store %1 has no track with id %2.").arg(m_display).arg(trackId));
    QVector<Segment> segments = segmentation.segments();
    QSet<qint64> used;
    for (Segment &s : segments) {
        const bool keep = keepIds && s.id > 0 && s.id <= m_lastSegmentId && !used.contains(s.id);
        if (!keep)
            s.id = ++m_lastSegmentId;
        used.insert(s.id);
    }
    R stored = Segmentation::fromSegments(segments, m_display);
    if (!stored)
        return stored;
    submit(StoreOp{0, 0, {}, SaveSegmentationOp{trackId, ++m_lastSegmentationId, source, origin, stored.value()}});
    return stored;
}

qint64 AnnotationStore::setVocabulary(const Vocabulary &vocabulary)
{
    if (!checkWritable())
        return 0;
    SetVocabularyOp op;
    {
        QMutexLocker lock(&m_mapMutex);
        // Tags holding verdicts keep their place after the given ones, in their old order.
        QVector<StoredTag> previous = m_tags;
        std::sort(previous.begin(), previous.end(), [](const StoredTag &a, const StoredTag &b) {
            return std::make_pair(a.position < 0, a.position) < std::make_pair(b.position < 0, b.position);
        });
        for (StoredTag &t : m_tags)
            t.position = -1;
        int next = 0;
        for (int i = 0; i < vocabulary.size(); ++i) {
            const Tag &tag = vocabulary.at(i);
            auto it = m_tagIndex.constFind(tag.name);
            if (it == m_tagIndex.constEnd()) {
                it = m_tagIndex.insert(tag.name, m_tags.size());
                m_tagIndexById.insert(m_lastTagId + 1, m_tags.size());
                m_tags.append(StoredTag{++m_lastTagId, tag, -1});
            }
            if (m_tags[*it].position >= 0)
                continue;   // named twice
            m_tags[*it].tag.category = tag.category;
            m_tags[*it].position = next++;
        }
        for (const StoredTag &old : std::as_const(previous)) {
            StoredTag &t = m_tags[m_tagIndexById.value(old.id)];
            if (t.position < 0 && m_tagsWithVerdicts.contains(t.id))
                t.position = next++;
        }
        op.tags = m_tags;
    }
    return submit(StoreOp{0, 0, {}, std::move(op)});
}

Result<qint64> AnnotationStore::registerModelVersion(const ModelManifest &manifest)
{
    if (const Status s = checkWritable(); !s)
        return Result<qint64>::failure(s.error());
    if (manifest.version.isEmpty())
        return Result<qint64>::failure(tr("A model without a version cannot be recorded in %1.").arg(m_display));
    qint64 id = 0;
    {
        QMutexLocker lock(&m_mapMutex);
        if (const auto it = m_models.constFind(manifest.version); it != m_models.constEnd())
            return *it;
        id = ++m_lastModelId;
        m_models.insert(manifest.version, id);
    }
    submit(StoreOp{0, 0, manifest.version, RegisterModelOp{id, manifest}});
    return id;
}

qint64 AnnotationStore::setVerdicts(qint64 trackId, const QVector<VerdictEdit> &edits, const QString &actor)
{
    if (edits.isEmpty() || trackId <= 0 || !checkWritable())
        return 0;
    SetVocabularyOp activated;
    {
        QMutexLocker lock(&m_mapMutex);
        for (const VerdictEdit &e : edits) {
            if (e.verdict == Verdict::Unknown)
                continue;
            m_tagsWithVerdicts.insert(e.tagId);
            const auto it = m_tagIndexById.constFind(e.tagId);
            if (it != m_tagIndexById.constEnd() && m_tags.at(*it).position < 0)
                activateLocked(*it, activated.tags);
        }
    }
    if (!activated.tags.isEmpty())
        submit(StoreOp{0, 0, {}, std::move(activated)});
    return submit(StoreOp{0, 0, actor, SetVerdictsOp{trackId, edits, curator()}});
}

qint64 AnnotationStore::setVerdictRule(qint64 tagId, const VerdictRule &rule)
{
    if (!checkWritable())
        return 0;
    {
        QMutexLocker lock(&m_mapMutex);
        if (!m_tagIndexById.contains(tagId))
            return 0;
        m_rules.insert(tagId, rule);
    }
    return submit(StoreOp{0, 0, {}, SetVerdictRuleOp{tagId, rule}});
}

VerdictRule AnnotationStore::verdictRule(qint64 tagId) const
{
    QMutexLocker lock(&m_mapMutex);
    return m_rules.value(tagId, VerdictRule{});
}

qint64 AnnotationStore::setVerdict(qint64 trackId, qint64 segmentId, qint64 tagId, Verdict verdict)
{
    return setVerdicts(trackId, {VerdictEdit{segmentId, tagId, verdict}});
}

Result<qint64> AnnotationStore::storePredictions(const PredictionBatch &batch)
{
    using R = Result<qint64>;
    if (const Status s = checkWritable(); !s)
        return R::failure(s.error());
    if (batch.probabilities.size() != batch.segmentIds.size() * batch.tagIds.size())
        return R::failure(tr("Predictions for %1 have %2 values for %3 segments x %4 tags.")
                              .arg(m_display).arg(batch.probabilities.size()).arg(batch.segmentIds.size()).arg(batch.tagIds.size()));
    qint64 modelId = 0;
    {
        QMutexLocker lock(&m_mapMutex);
        modelId = m_models.value(batch.modelVersion);
    }
    if (modelId == 0)
        return R::failure(tr("The model version \"%1\" is not recorded in %2.").arg(batch.modelVersion, m_display));
    SetVocabularyOp activated;
    {
        QMutexLocker lock(&m_mapMutex);
        for (const qint64 id : batch.tagIds) {
            const auto it = m_tagIndexById.constFind(id);
            if (it != m_tagIndexById.constEnd() && m_tags.at(*it).position < 0)
                activateLocked(*it, activated.tags);
        }
    }
    if (!activated.tags.isEmpty())
        submit(StoreOp{0, 0, {}, std::move(activated)});
    return submit(StoreOp{0, 0, batch.modelVersion, StorePredictionsOp{modelId, batch}});
}

Vocabulary AnnotationStore::vocabulary() const
{
    QVector<Tag> tags;
    for (const StoredTag &t : activeTags())
        tags << t.tag;
    return Vocabulary(tags);
}

QVector<StoredTag> AnnotationStore::activeTags() const
{
    QVector<StoredTag> active;
    {
        QMutexLocker lock(&m_mapMutex);
        for (const StoredTag &t : m_tags) {
            if (t.position >= 0)
                active << t;
        }
    }
    std::sort(active.begin(), active.end(), [](const StoredTag &a, const StoredTag &b) { return a.position < b.position; });
    return active;
}

qint64 AnnotationStore::tagId(const QString &name) const
{
    QMutexLocker lock(&m_mapMutex);
    const auto it = m_tagIndex.constFind(name);
    return it == m_tagIndex.constEnd() ? 0 : m_tags.at(*it).id;
}

QVector<qint64> AnnotationStore::tagIds(const QStringList &names, bool addMissing)
{
    QVector<qint64> ids;
    SetVocabularyOp added;
    const bool add = addMissing && checkWritable();
    {
        QMutexLocker lock(&m_mapMutex);
        for (const QString &name : names) {
            auto it = m_tagIndex.constFind(name);
            if (it == m_tagIndex.constEnd() && add) {
                it = m_tagIndex.insert(name, m_tags.size());
                m_tagIndexById.insert(m_lastTagId + 1, m_tags.size());
                m_tags.append(StoredTag{++m_lastTagId, Tag{name, Vocabulary::categoryOf(name)}, -1});
            }
            if (it != m_tagIndex.constEnd() && add && m_tags.at(*it).position < 0)
                activateLocked(*it, added.tags);
            ids << (it == m_tagIndex.constEnd() ? 0 : m_tags.at(*it).id);
        }
    }
    if (!added.tags.isEmpty())
        submit(StoreOp{0, 0, {}, std::move(added)});
    return ids;
}

void AnnotationStore::activateLocked(int index, QVector<StoredTag> &changed)
{
    int next = 0;
    for (const StoredTag &t : std::as_const(m_tags))
        next = std::max(next, t.position + 1);
    m_tags[index].position = next;
    changed << m_tags.at(index);
}

QStringList AnnotationStore::modelVersions() const
{
    QMutexLocker lock(&m_mapMutex);
    return m_models.keys();
}

std::optional<TrackRecord> AnnotationStore::track(qint64 id) const
{
    if (!m_reader)
        return std::nullopt;
    for (const TrackRecord &t : m_queue->pendingTracks()) {
        if (t.id == id)
            return t;
    }
    return m_reader->track(id);
}

std::optional<TrackRecord> AnnotationStore::findTrackByPath(const QString &path) const
{
    if (!m_reader)
        return std::nullopt;
    std::optional<TrackRecord> found;
    for (const TrackRecord &t : m_queue->pendingTracks()) {
        if (t.path == path && (!found || t.id > found->id))
            found = t;
    }
    return found ? found : m_reader->trackByPath(path);
}

QVector<TrackRecord> AnnotationStore::findTracksByHash(const QString &contentHash) const
{
    if (!m_reader)
        return {};
    QVector<TrackRecord> tracks = m_reader->tracksByHash(contentHash);
    for (const TrackRecord &t : m_queue->pendingTracks()) {
        if (t.contentHash == contentHash && std::none_of(tracks.begin(), tracks.end(), [&](const TrackRecord &k) { return k.id == t.id; }))
            tracks << t;
    }
    return tracks;
}

Result<LabelGrid> AnnotationStore::labelGrid(qint64 trackId, const QString &modelVersion, LabelView view) const
{
    if (!m_reader)
        return Result<LabelGrid>::failure(tr("The annotation store is not open."));
    // Taken before reading, so an edit committed meanwhile shows either way.
    const auto pending = m_queue->pendingVerdicts();
    const auto pendingSource = m_queue->pendingSegmentationSource(trackId);
    QHash<int, QVector<CuratorVerdict>> votes;
    Result<LabelGrid> grid = m_reader->labelGrid(trackId, activeTags(), modelVersion, m_queue->pendingSegmentation(trackId), &votes);
    if (!grid)
        return grid;
    LabelGrid &g = grid.value();
    if (pendingSource)
        g.source = *pendingSource;
    if (!pending.isEmpty()) {
        QHash<qint64, int> rowOf, columnOf;
        for (int r = 0; r < g.rows(); ++r)
            rowOf.insert(g.segmentation.at(r).id, r);
        for (int c = 0; c < g.columns(); ++c)
            columnOf.insert(g.tagIds.at(c), c);
        for (auto it = pending.constBegin(); it != pending.constEnd(); ++it) {
            const int r = rowOf.value(it.key().second.first, -1);
            const int c = columnOf.value(it.key().second.second, -1);
            if (r < 0 || c < 0)
                continue;
            QVector<CuratorVerdict> &cell = votes[g.cell(r, c)];
            const QString &who = it.key().first;
            cell.erase(std::remove_if(cell.begin(), cell.end(), [&](const CuratorVerdict &v) { return v.curator == who; }),
                       cell.end());
            if (it->verdict != Verdict::Unknown)
                cell.append(CuratorVerdict{who, it->verdict, it->atMs});
        }
    }
    QHash<qint64, VerdictRule> rules;
    {
        QMutexLocker lock(&m_mapMutex);
        rules = m_rules;
    }
    applyVotes(g, votes, view, curator(), rules);
    return grid;
}

Result<QVector<StoredVerdict>> AnnotationStore::curatorVerdicts() const
{
    if (!m_reader)
        return Result<QVector<StoredVerdict>>::failure(tr("The annotation store is not open."));
    return m_reader->currentVerdicts();
}

Result<QVector<LibraryRow>> AnnotationStore::librarySummary(const LibraryFilter &filter) const
{
    if (!m_reader)
        return Result<QVector<LibraryRow>>::failure(tr("The annotation store is not open."));
    return m_reader->library(filter, filter.tag.isEmpty() ? 0 : tagId(filter.tag), activeTags().size());
}

Result<QVector<EditLogEntry>> AnnotationStore::editLog(qint64 trackId, int limit, qint64 beforeSeq) const
{
    if (!m_reader)
        return Result<QVector<EditLogEntry>>::failure(tr("The annotation store is not open."));
    return m_reader->editLog(trackId, beforeSeq, limit);
}

bool AnnotationStore::beginAtomic()
{
    return checkWritable() && m_queue->beginGroup();
}

void AnnotationStore::endAtomic(bool keep)
{
    if (m_queue)
        m_queue->endGroup(keep);
}

Status AnnotationStore::waitForSaved(qint64 afterSeq, qint64 upToSeq, int timeoutMs) const
{
    if (!m_queue)
        return Status::failure(tr("The annotation store is not open."));
    if (!m_queue->waitForDurable(upToSeq, timeoutMs)) {
        return Status::failure(tr("The annotation store %1 did not confirm edits %2-%3 within %4 s; they may not be saved.")
                                   .arg(m_display).arg(afterSeq + 1).arg(upToSeq).arg(timeoutMs / 1000));
    }
    return savedStatus(afterSeq, upToSeq);
}

Status AnnotationStore::savedStatus(qint64 afterSeq, qint64 upToSeq) const
{
    if (!m_queue)
        return Status::failure(tr("The annotation store is not open."));
    if (m_queue->durableSeq() < upToSeq)
        return Status::failure(tr("Edits %1-%2 are not saved to %3 yet.").arg(afterSeq + 1).arg(upToSeq).arg(m_display));
    if (const auto failed = m_queue->firstFailure(afterSeq, upToSeq))
        return Status::failure(failed->second);
    return {};
}

qint64 AnnotationStore::lastEditSeq() const { return m_queue ? m_queue->lastSeq() : 0; }
qint64 AnnotationStore::durableSeq() const { return m_queue ? m_queue->durableSeq() : 0; }

bool AnnotationStore::waitForDurable(qint64 seq, int timeoutMs) const
{
    return m_queue && m_queue->waitForDurable(seq, timeoutMs);
}

} // namespace taglane::engine
