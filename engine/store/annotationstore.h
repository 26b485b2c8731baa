// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/model/modelbundle.h"
#include "engine/model/vocabulary.h"
#include "engine/segment/segmentation.h"
#include "engine/store/editlogentry.h"
#include "engine/store/labelgrid.h"
#include "engine/store/libraryfilter.h"
#include "engine/store/libraryrow.h"
#include "engine/store/predictionbatch.h"
#include "engine/store/segmentsource.h"
#include "engine/store/storedverdict.h"
#include "engine/store/storeopenreport.h"
#include "engine/store/trackrecord.h"
#include "engine/store/verdictedit.h"
#include "engine/store/verdictrule.h"

#include <QHash>
#include <QMutex>
#include <QSet>
#include <QObject>

#include <atomic>
#include <memory>
#include <optional>

class QLockFile;

namespace taglane::engine {

class StoreConnection;
class StoreReader;
class StoreWriter;
class WriteQueue;
struct StoreLocation;
struct StoreOp;
struct StoredTag;

/// The durable annotation store: tracks, segmentations, vocabulary, model
/// versions, curator verdicts, model predictions and an edit log in one
/// SQLite file (WAL mode), or in a PostgreSQL database named by a
/// postgresql:// URI (same schema, writer thread and acknowledgements; see
/// StoreLocation and openPostgres below).
///
/// Threads. The "owner thread" is the thread that calls open() (the GUI
/// thread in the app); reads run there on the owner's own connection. Edits
/// (addTrack, saveSegmentation, setVocabulary, registerModelVersion,
/// setVerdicts, storePredictions) never touch the disk: they give ids at
/// once, queue the change and return an edit sequence number. A writer
/// thread with its own connection commits queued edits in small
/// transactions, normally within milliseconds and always well within a
/// second, and durable() reports the highest committed sequence number.
/// Edit methods other than addTrack may be called from any thread while the
/// store is open; stop calling them before close(). Reads show committed
/// data plus queued tracks, segmentations and verdicts; the library summary
/// shows committed data only (refresh it on durable()). Reads touch the disk
/// (a label grid takes well under a millisecond, the library view a few).
///
/// One writer per store: open() takes a QLockFile "<store>.lock" next to the
/// database (a lock left by a killed process is taken over). A second
/// instance gets "in use" (ReadWrite) or a read-only store
/// (ReadWriteElseReadOnly). A damaged file is moved aside (see open()).
/// On PostgreSQL the lock is a session advisory lock held by the owner's
/// connection (released when it closes or the process dies); there is no
/// lock file, quick_check, journal mode or damaged-file handling there.
class AnnotationStore : public QObject
{
    Q_OBJECT
public:
    enum class OpenMode {
        ReadWrite,               ///< create if missing; fail if another instance holds the store
        ReadOnly,                ///< never writes, takes no lock; the store must exist at the current schema
        ReadWriteElseReadOnly,   ///< ReadWrite, or read-only when another instance holds the store
    };

    explicit AnnotationStore(QObject *parent = nullptr);
    /// Waits for queued edits to be committed, then closes. Owner thread.
    ~AnnotationStore() override;

    /// The curator whose verdicts this store's verdict edits write and whose
    /// verdicts its Curator view shows (schema 6 keeps one verdict per
    /// curator and cell; another curator's are kept, never overwritten).
    /// Default: loginCurator(). Set it before open(): a store older than
    /// schema 6 gives its verdicts to this curator when it is upgraded.
    /// Fails (changing nothing) for a name checkCuratorName() refuses.
    /// Any thread; edits queued before keep the curator they were made by.
    Status setCurator(const QString &name);
    QString curator() const;        ///< any thread

    /// Opens or creates the store at `path`, applying schema migrations.
    /// A store from a newer Taglane is refused and left untouched. A damaged
    /// file (not SQLite, or failing `PRAGMA quick_check`) opened for writing
    /// is renamed to "<path>.damaged-<time>" (with its -wal/-shm files), a
    /// new store is created and the report says so; read-only, it is an error.
    /// The calling thread becomes the owner thread.
    Result<StoreOpenReport> open(const QString &path, OpenMode mode = OpenMode::ReadWrite);
    /// Commits what is queued (this waits for the disk) and closes. Owner thread.
    void close();

    bool isOpen() const;            ///< any thread
    bool isReadOnly() const;        ///< any thread
    /// The path or URI given to open() (an SQLite path made absolute); any thread.
    QString path() const;
    /// path() for messages: a PostgreSQL URI without its password; any thread.
    QString displayName() const;

    // ---- edits: return 0 / a failure when the store is closed or read-only

    /// Adds a track, or returns the known one with the same path and content
    /// hash. The id is final at once. Owner thread (it looks the path up).
    Result<TrackRecord> addTrack(TrackRecord track);
    /// addTrack for a file: reads its size and ContentHash (up to 2 MiB of
    /// disk reads: call it where that is acceptable). Owner thread.
    Result<TrackRecord> addTrackFile(const QString &path, double durationSeconds, int sampleRate = 0, int channels = 0);
    /// Records that the track's file now lies at `path` (a moved or renamed
    /// file, found again by its content hash); the track keeps its id,
    /// segments, verdicts and predictions. Returns the edit number. Owner
    /// thread (as addTrack).
    Result<qint64> relinkTrack(qint64 trackId, const QString &path);
    /// Saves a segmentation as the track's current one and returns it with
    /// store segment ids. With keepIds, segments carrying an id this store
    /// gave to the same track keep it (and their labels); others get new ids.
    /// Any thread (as the edits below).
    Result<Segmentation> saveSegmentation(qint64 trackId, const Segmentation &segmentation, SegmentSource source,
                                          const QString &origin = {}, bool keepIds = false);
    /// Makes `vocabulary` the active one (order and categories). A tag that
    /// leaves it while curator verdicts name it stays active, after the
    /// given tags (so no verdict is ever hidden); other tags that leave it
    /// become inactive. Returns the edit number.
    qint64 setVocabulary(const Vocabulary &vocabulary);
    /// Store id of a model version, registering it if new.
    Result<qint64> registerModelVersion(const ModelManifest &manifest);
    /// Sets verdicts of cells of one track (Unknown clears); one edit, one number.
    qint64 setVerdicts(qint64 trackId, const QVector<VerdictEdit> &edits, const QString &actor = QStringLiteral("curator"));
    qint64 setVerdict(qint64 trackId, qint64 segmentId, qint64 tagId, Verdict verdict);
    /// Sets how cells of a tag that several curators judged are decided for
    /// training and export (LabelView::Resolved). Returns the edit number,
    /// 0 when the store is not writable or the tag unknown. Any thread.
    qint64 setVerdictRule(qint64 tagId, const VerdictRule &rule);
    /// Stores model probabilities; the batch's model version must be registered.
    Result<qint64> storePredictions(const PredictionBatch &batch);

    /// Edits made between beginAtomic() and endAtomic(true) commit in one
    /// transaction: all of them or none (an import of one file uses this).
    /// endAtomic(false) abandons them: none is written, each is reported
    /// through writeFailed. Edits other threads make meanwhile join the
    /// group. Groups do not nest: false when one is open or the store is not
    /// writable. Owner thread.
    bool beginAtomic();
    void endAtomic(bool keep = true);
    /// Re-reads the vocabulary from disk, dropping tags that edits which
    /// failed had added in memory. Call once those edits are settled (after
    /// waitForSaved reported the failure). Owner thread. When the disk
    /// cannot be read the tags in memory stay as they were and the failure
    /// is returned.
    Status reloadTags();

    // ---- vocabulary lookups: any thread, no disk access

    Vocabulary vocabulary() const;                  ///< the active tags in order
    qint64 tagId(const QString &name) const;        ///< 0 when unknown
    /// Ids for tag names; unknown names get 0. With addMissing, unknown
    /// names are added at the end of the active vocabulary and inactive ones
    /// named here become active again: a tag that a model outputs or a
    /// verdict names is always a tag of the store (shown, counted, trained
    /// on and exported).
    QVector<qint64> tagIds(const QStringList &names, bool addMissing = false);
    QStringList modelVersions() const;
    /// The rule of a tag (Majority when none was set), queued ones included.
    VerdictRule verdictRule(qint64 tagId) const;

    // ---- reads: owner thread

    std::optional<TrackRecord> track(qint64 id) const;
    /// The newest track added with this path.
    std::optional<TrackRecord> findTrackByPath(const QString &path) const;
    /// Tracks with this content hash (to find a moved or renamed file).
    QVector<TrackRecord> findTracksByHash(const QString &contentHash) const;
    /// Segments x active tags of the track's current segmentation, with
    /// verdicts (queued ones included) and the probabilities of `modelVersion`
    /// (empty: the model that tagged the track last). `view` Curator: this
    /// store's curator's verdicts (what a curator sees and edits); Resolved:
    /// each tag's VerdictRule over every curator's verdicts (what training,
    /// retraining and export use; an unresolved cell is Unknown there).
    Result<LabelGrid> labelGrid(qint64 trackId, const QString &modelVersion = {},
                                LabelView view = LabelView::Curator) const;
    /// Every curator's committed verdicts on the current segments of every
    /// track (inter-curator agreement), ordered by track, segment, tag, curator.
    Result<QVector<StoredVerdict>> curatorVerdicts() const;
    /// One row per track, ordered by path.
    Result<QVector<LibraryRow>> librarySummary(const LibraryFilter &filter = {}) const;
    /// Newest first; trackId 0 for all tracks; beforeSeq 0 to start at the newest.
    Result<QVector<EditLogEntry>> editLog(qint64 trackId = 0, int limit = 200, qint64 beforeSeq = 0) const;

    // ---- durability

    qint64 lastEditSeq() const;     ///< highest number given out; any thread
    qint64 durableSeq() const;      ///< highest committed number; any thread
    /// Blocks until edit `seq` is settled (committed, or reported through
    /// writeFailed); for tools, tests and shutdown, never the GUI thread
    /// (which listens to durable()). Any thread.
    bool waitForDurable(qint64 seq, int timeoutMs = 5000) const;
    /// Blocks until every edit numbered in (afterSeq, upToSeq] is settled;
    /// a failure when one of them could not be saved (naming the first) or
    /// when they did not settle in time. What a tool reports as saved must
    /// have passed this. Any thread, never the GUI thread.
    Status waitForSaved(qint64 afterSeq, qint64 upToSeq, int timeoutMs = 60000) const;
    /// waitForSaved without waiting: also a failure while the edits are not
    /// all settled yet (check after durable(upToSeq)). Any thread.
    Status savedStatus(qint64 afterSeq, qint64 upToSeq) const;

Q_SIGNALS:
    /// Every edit up to `seq` is settled: committed to disk (synchronous=FULL),
    /// or reported through writeFailed. Emitted in the owner thread.
    void durable(qint64 seq);
    /// Edit `seq` could not be saved. Emitted in the owner thread.
    void writeFailed(qint64 seq, const QString &message);
    /// Edits commit again after writeFailed (the disk has room again, say).
    /// Emitted in the owner thread.
    void writesRecovered();

private:
    Result<StoreOpenReport> openWritable(const QString &file, StoreOpenReport report);
    Result<StoreOpenReport> openReadOnly(const QString &file, StoreOpenReport report);
    /// open() for a PostgreSQL database (annotationstorepg.cpp).
    Result<StoreOpenReport> openPostgres(const StoreLocation &location, OpenMode mode);
    Status finishOpen(const QString &file, bool readOnly);
    qint64 submit(StoreOp op);
    Status checkWritable() const;
    QVector<StoredTag> activeTags() const;
    /// Gives the inactive tag at m_tags[index] the next active position and
    /// adds it to `changed`. Caller holds m_mapMutex.
    void activateLocked(int index, QVector<StoredTag> &changed);

    QString m_path;
    QString m_display;
    bool m_readOnly = false;
    std::unique_ptr<QLockFile> m_lock;
    std::unique_ptr<StoreConnection> m_read;
    std::unique_ptr<StoreReader> m_reader;
    std::shared_ptr<WriteQueue> m_queue;
    std::unique_ptr<StoreWriter> m_writer;

    mutable QMutex m_mapMutex;                   ///< guards the tag and model maps
    QVector<StoredTag> m_tags;                   ///< all tags known to the store
    QHash<QString, int> m_tagIndex;              ///< name -> index in m_tags
    QHash<qint64, int> m_tagIndexById;           ///< id -> index in m_tags
    QSet<qint64> m_tagsWithVerdicts;             ///< tags a verdict has named (they stay active)
    QHash<QString, qint64> m_models;             ///< version -> id
    QHash<qint64, VerdictRule> m_rules;          ///< tag id -> rule (none: majority)
    QString m_curator = loginCurator();          ///< guarded by m_mapMutex
    std::atomic<qint64> m_lastTrackId{0};
    std::atomic<qint64> m_lastSegmentationId{0};
    std::atomic<qint64> m_lastSegmentId{0};
    std::atomic<qint64> m_lastTagId{0};
    std::atomic<qint64> m_lastModelId{0};
};

} // namespace taglane::engine
