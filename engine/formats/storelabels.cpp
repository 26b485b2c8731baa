// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/storelabels.h"

#include "engine/audio/audiodecoder.h"
#include "engine/formats/audiomatch.h"
#include "engine/formats/segmenttimes.h"
#include "engine/store/annotationstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <map>

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

Result<QVector<qint64>> StoreLabels::importItems(AnnotationStore &store, const QVector<StoreImportItem> &items)
{
    using R = Result<QVector<qint64>>;
    if (!store.isOpen() || store.isReadOnly())
        return R::failure(tr("The annotation store is not open for writing."));
    for (const StoreImportItem &item : items)
        if (!item.labels.isConsistent())
            return R::failure(tr("%1: the labels are incomplete.").arg(item.origin));

    // 1. Vocabulary: the active tags, then new ones in order of appearance.
    Vocabulary active = store.vocabulary();
    QVector<Tag> tags = active.tags();
    QSet<QString> known;
    for (const Tag &t : tags)
        known.insert(t.name);
    for (const StoreImportItem &item : items)
        for (const Tag &t : item.labels.tags.tags())
            if (!known.contains(t.name)) {
                known.insert(t.name);
                tags << t;
            }
    if (tags.size() != active.size())
        store.setVocabulary(Vocabulary(tags));

    QVector<qint64> ids;
    for (const StoreImportItem &item : items) {
        const TrackLabels &labels = item.labels;
        const auto track = store.addTrackFile(item.audioPath, item.durationSeconds, item.sampleRate, item.channels);
        if (!track)
            return R::failure(track.error());
        const qint64 trackId = track->id;
        ids << trackId;
        // Fresh ids for the imported segments.
        QVector<Segment> plain = labels.segments.segments();
        for (Segment &s : plain)
            s.id = 0;
        const auto fresh = Segmentation::fromSegments(plain, item.origin);
        if (!fresh)
            return R::failure(fresh.error());
        const auto saved = store.saveSegmentation(trackId, fresh.value(), SegmentSource::Import, item.origin);
        if (!saved)
            return R::failure(saved.error());
        const QVector<qint64> tagIds = store.tagIds(labels.tags.names(), true);

        // Verdicts, one edit per curator.
        std::map<QString, QVector<VerdictEdit>> byCurator;
        bool anyProbability = false;
        for (int s = 0; s < labels.segments.size(); ++s) {
            for (int t = 0; t < labels.tags.size(); ++t) {
                const LabelCell &c = labels.cell(s, t);
                anyProbability = anyProbability || c.hasProbability();
                if (c.verdict == Verdict::Unknown)
                    continue;
                const QString actor = c.curator.isEmpty() ? QStringLiteral("import") : c.curator;
                byCurator[actor].push_back(VerdictEdit{saved->at(s).id, tagIds.at(t), c.verdict});
            }
        }
        for (const auto &[actor, edits] : byCurator)
            store.setVerdicts(trackId, edits, actor);

        if (anyProbability) {
            ModelManifest manifest;
            manifest.version = labels.modelVersion.isEmpty() ? QStringLiteral("import") : labels.modelVersion;
            manifest.name = tr("Imported labels");
            manifest.architecture = QStringLiteral("import");
            manifest.tags = labels.tags;
            manifest.created = labels.modelTime.isValid() ? labels.modelTime : QDateTime::currentDateTimeUtc();
            const auto model = store.registerModelVersion(manifest);
            if (!model)
                return R::failure(model.error());
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
            if (!stored)
                return R::failure(stored.error());
        }
    }
    if (!store.waitForDurable(store.lastEditSeq(), 60000))
        return R::failure(tr("The annotation store %1 did not confirm the import within a minute.").arg(store.path()));
    return ids;
}

Result<TrackLabels> StoreLabels::exportTrack(const AnnotationStore &store, qint64 trackId)
{
    using R = Result<TrackLabels>;
    const auto track = store.track(trackId);
    if (!track)
        return R::failure(tr("The store %1 has no track %2.").arg(store.path()).arg(trackId));
    const auto grid = store.labelGrid(trackId);
    if (!grid)
        return R::failure(grid.error());
    if (grid->segmentationId == 0)
        return R::failure(tr("%1 has no segments in %2.").arg(track->path, store.path()));
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
