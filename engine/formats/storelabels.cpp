// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/storelabels.h"

#include "engine/audio/audiodecoder.h"
#include "engine/curation/resegmenter.h"
#include "engine/formats/audiomatch.h"
#include "engine/formats/segmenttimes.h"
#include "engine/store/annotationstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("StoreLabels", text);
}
} // namespace

Result<StoreImportItem> StoreLabels::resolve(const TrackLabels &labels, const QString &audioDir, const QString &source)
{
    using R = Result<StoreImportItem>;
    const auto found = AudioMatch::find(labels.file, audioDir, source);
    if (!found)
        return R::failure(found.error());
    const QString audio = found.value();
    const auto info = AudioDecoder::probe(audio);
    if (!info)
        return R::failure(tr("%1: %2").arg(source, info.error()));
    // The readers cannot know the audio's length; this is where it is known.
    if (const QString problem = SegmentTimes::checkLength(labels.segments, info->durationSeconds(), audio);
        !problem.isEmpty())
        return R::failure(tr("%1: %2").arg(source, problem));
    StoreImportItem item;
    item.labels = labels;
    item.audioPath = audio;
    item.durationSeconds = info->durationSeconds();
    item.sampleRate = info->sampleRate;
    item.channels = info->channels;
    item.origin = source;
    return item;
}

namespace {

/// True when both segmentations have the same boundaries (within rounding).
bool sameBoundaries(const Segmentation &a, const Segmentation &b)
{
    if (a.size() != b.size())
        return false;
    for (int i = 0; i < a.size(); ++i) {
        if (std::abs(a.at(i).start - b.at(i).start) > 1e-6 || std::abs(a.at(i).end - b.at(i).end) > 1e-6)
            return false;
    }
    return true;
}

/// Queues the edits of one item (inside the caller's atomic group).
Status importOne(AnnotationStore &store, const StoreImportItem &item, qint64 *trackIdOut)
{
    const TrackLabels &labels = item.labels;
    const auto track = store.addTrackFile(item.audioPath, item.durationSeconds, item.sampleRate, item.channels);
    if (!track)
        return Status::failure(track.error());
    const qint64 trackId = track->id;
    *trackIdOut = trackId;

    // What the track holds now: an import adds or replaces the verdicts it
    // names and leaves every other verdict as it was.
    std::optional<LabelGrid> before;
    if (auto grid = store.labelGrid(trackId); grid && grid->segmentationId != 0)
        before = std::move(grid).value();

    QVector<Segment> plain = labels.segments.segments();
    const bool keepSegments = before && sameBoundaries(before->segmentation, labels.segments);
    for (int i = 0; i < plain.size(); ++i)
        plain[i].id = keepSegments ? before->segmentation.at(i).id : 0;
    const auto fresh = Segmentation::fromSegments(plain, item.origin);
    if (!fresh)
        return Status::failure(fresh.error());
    const auto saved = store.saveSegmentation(trackId, fresh.value(), SegmentSource::Import, item.origin, keepSegments);
    if (!saved)
        return Status::failure(saved.error());
    const QVector<qint64> tagIds = store.tagIds(labels.tags.names(), true);
    if (tagIds.contains(0))
        return Status::failure(tr("%1: the store could not take the file's tags.").arg(item.origin));

    // Verdicts by cell: carried over from the old segments (by overlap, as a
    // re-segmentation does) unless the segments stayed, then the file's.
    std::map<QString, std::map<std::pair<qint64, qint64>, Verdict>> byCurator;
    QSet<std::pair<qint64, qint64>> named;
    for (int s = 0; s < labels.segments.size(); ++s) {
        for (int t = 0; t < labels.tags.size(); ++t) {
            const LabelCell &c = labels.cell(s, t);
            if (c.verdict == Verdict::Unknown)
                continue;
            const QString actor = c.curator.isEmpty() ? QStringLiteral("import") : c.curator;
            const std::pair<qint64, qint64> key{saved->at(s).id, tagIds.at(t)};
            byCurator[actor][key] = c.verdict;
            named.insert(key);
        }
    }
    if (before && !keepSegments) {
        QVector<SegmentRow> oldRows;
        for (int r = 0; r < before->rows(); ++r) {
            SegmentRow row;
            row.segment = before->segmentation.at(r);
            for (int c = 0; c < before->columns(); ++c)
                row.labels << CellLabel{before->verdict(r, c), QStringLiteral("curator"), before->verdictTimes.at(before->cell(r, c))};
            oldRows << row;
        }
        const QVector<SegmentRow> carried = Resegmenter::remap(oldRows, saved->segments(), before->columns());
        for (const SegmentRow &row : carried) {
            for (int c = 0; c < row.labels.size(); ++c) {
                const std::pair<qint64, qint64> key{row.segment.id, before->tagIds.at(c)};
                if (row.labels.at(c).verdict != Verdict::Unknown && !named.contains(key))
                    byCurator[QStringLiteral("curator")][key] = row.labels.at(c).verdict;
            }
        }
    }
    for (const auto &[actor, cells] : byCurator) {
        QVector<VerdictEdit> edits;
        for (const auto &[key, verdict] : cells)
            edits.push_back(VerdictEdit{key.first, key.second, verdict});
        if (store.setVerdicts(trackId, edits, actor) <= 0)
            return Status::failure(tr("The annotation store %1 refused the verdicts of %2.").arg(store.path(), item.origin));
    }

    bool anyProbability = false;
    for (int s = 0; s < labels.segments.size() && !anyProbability; ++s) {
        for (int t = 0; t < labels.tags.size() && !anyProbability; ++t)
            anyProbability = labels.cell(s, t).hasProbability();
    }
    if (!anyProbability)
        return {};
    ModelManifest manifest;
    manifest.version = labels.modelVersion.isEmpty() ? QStringLiteral("import") : labels.modelVersion;
    manifest.name = tr("Imported labels");
    manifest.architecture = QStringLiteral("import");
    manifest.tags = labels.tags;
    manifest.created = labels.modelTime.isValid() ? labels.modelTime : QDateTime::currentDateTimeUtc();
    const auto model = store.registerModelVersion(manifest);
    if (!model)
        return Status::failure(model.error());
    PredictionBatch batch;
    batch.trackId = trackId;
    batch.modelVersion = manifest.version;
    batch.tagIds = tagIds;
    for (int s = 0; s < labels.segments.size(); ++s) {
        batch.segmentIds << saved->at(s).id;
        for (int t = 0; t < labels.tags.size(); ++t)
            batch.probabilities << labels.cell(s, t).probability;
    }
    const auto stored = store.storePredictions(batch);
    return stored ? Status() : Status::failure(stored.error());
}

} // namespace

Result<QVector<StoreLabels::QueuedFile>> StoreLabels::queueItems(AnnotationStore &store, const QVector<StoreImportItem> &items)
{
    using R = Result<QVector<QueuedFile>>;
    if (!store.isOpen() || store.isReadOnly())
        return R::failure(tr("The annotation store is not open for writing."));
    for (const StoreImportItem &item : items)
        if (!item.labels.isConsistent())
            return R::failure(tr("%1: the labels are incomplete.").arg(item.origin));

    // One transaction per label file: all of its labels or none.
    QVector<QueuedFile> queued;
    for (int first = 0; first < items.size();) {
        int end = first + 1;
        while (end < items.size() && items.at(end).origin == items.at(first).origin)
            ++end;
        QueuedFile file;
        file.origin = items.at(first).origin;
        file.afterSeq = store.lastEditSeq();
        if (!store.beginAtomic())
            return R::failure(tr("%1: the annotation store %2 cannot start an import.").arg(file.origin, store.path()));
        // Tags the vocabulary lacks join it (with the file's categories) as part of the file's labels.
        const Vocabulary active = store.vocabulary();
        QVector<Tag> tags = active.tags();
        for (int i = first; i < end; ++i) {
            for (const Tag &t : items.at(i).labels.tags.tags()) {
                if (!std::any_of(tags.begin(), tags.end(), [&](const Tag &k) { return k.name == t.name; }))
                    tags << t;
            }
        }
        if (tags.size() != active.size())
            store.setVocabulary(Vocabulary(tags));
        Status status;
        for (int i = first; i < end && status; ++i) {
            qint64 id = 0;
            status = importOne(store, items.at(i), &id);
            file.trackIds << id;
        }
        store.endAtomic(status.ok());
        file.upToSeq = store.lastEditSeq();
        if (!status) {
            store.waitForDurable(file.upToSeq, 60000);   // the abandoned edits settle, then the tags they added go
            file.error = status.error();
            if (const Status reloaded = store.reloadTags(); !reloaded)
                file.error += QLatin1Char('\n') + reloaded.error();
        }
        queued << file;
        first = end;
    }
    return queued;
}

Result<QVector<qint64>> StoreLabels::importItems(AnnotationStore &store, const QVector<StoreImportItem> &items)
{
    using R = Result<QVector<qint64>>;
    const auto queued = queueItems(store, items);
    if (!queued)
        return R::failure(queued.error());
    QVector<qint64> ids;
    QStringList failed;
    int saved = 0;
    for (const QueuedFile &file : queued.value()) {
        // A big file is one big transaction: give a loaded machine time rather than report too early.
        const Status status = file.error.isEmpty() ? store.waitForSaved(file.afterSeq, file.upToSeq, 30 * 60 * 1000)
                                                   : Status::failure(file.error);
        if (status) {
            ids << file.trackIds;
            ++saved;
        } else {
            failed << tr("%1 was not imported (nothing of it was saved): %2").arg(file.origin, status.error());
        }
    }
    if (failed.isEmpty())
        return ids;
    // The tags the failed files added exist only in memory.
    if (const Status reloaded = store.reloadTags(); !reloaded)
        failed << reloaded.error();
    return R::failure(failed.join(QLatin1Char('\n'))
                      + QCoreApplication::translate("StoreLabels", "\n%n label file(s) were imported.", nullptr, saved));
}

Result<TrackLabels> StoreLabels::exportTrack(const AnnotationStore &store, qint64 trackId, int *unresolved)
{
    using R = Result<TrackLabels>;
    const auto track = store.track(trackId);
    if (!track)
        return R::failure(tr("The store %1 has no track %2.").arg(store.path()).arg(trackId));
    // Every curator's verdicts decided by each tag's rule; an unresolved cell is left out (unknown).
    const auto grid = store.labelGrid(trackId, {}, LabelView::Resolved);
    if (!grid)
        return R::failure(grid.error());
    if (grid->segmentationId == 0)
        return R::failure(tr("%1 has no segments in %2.").arg(track->path, store.path()));
    if (unresolved)
        *unresolved = int(std::count(grid->unresolved.begin(), grid->unresolved.end(), true));
    return TrackLabels::fromLabelGrid(grid.value(), track->path, track->durationSeconds);
}

Result<QVector<qint64>> StoreLabels::selectTracks(const AnnotationStore &store, const QStringList &selectors)
{
    using R = Result<QVector<qint64>>;
    const auto rows = store.librarySummary();
    if (!rows)
        return R::failure(rows.error());
    QVector<qint64> ids;
    if (selectors.isEmpty()) {
        for (const LibraryRow &r : rows.value())
            ids << r.trackId;
        return ids;
    }
    for (const QString &sel : selectors) {
        QVector<qint64> matches;
        const QString clean = QFileInfo(sel).isFile() ? QFileInfo(sel).absoluteFilePath() : sel;
        bool isNumber = false;
        const qint64 asId = sel.toLongLong(&isNumber);
        for (const LibraryRow &r : rows.value()) {
            const QFileInfo info(r.path);
            if ((isNumber && r.trackId == asId) || r.path == clean || r.path == sel || info.fileName() == sel
                || info.completeBaseName() == sel)
                matches << r.trackId;
        }
        if (matches.isEmpty())
            return R::failure(tr("No track in %1 matches \"%2\".").arg(store.path(), sel));
        if (matches.size() > 1 && !isNumber)
            return R::failure(tr("\"%1\" matches %2 tracks in %3; give the full path.").arg(sel).arg(matches.size()).arg(store.path()));
        ids << matches.first();
    }
    return ids;
}

} // namespace taglane::engine
