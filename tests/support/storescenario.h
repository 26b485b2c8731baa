// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One store history written through the normal AnnotationStore API (tracks,
// segmentations, a resegmentation keeping ids, vocabulary, two model
// versions, predictions, verdicts, a cleared verdict, a relinked file), and
// a text picture of what the store then answers through its reads and the
// library's queries: to run the same history on SQLite and on PostgreSQL
// and compare.

#include "engine/library/librarycatalogue.h"
#include "engine/library/reviewqueue.h"
#include "engine/library/tagquery.h"
#include "engine/library/tagsearch.h"
#include "engine/store/annotationstore.h"

#include <QCryptographicHash>
#include <cmath>
#include <QStringList>

namespace taglane::tests {

inline engine::Vocabulary scenarioVocabulary()
{
    using engine::Tag;
    return engine::Vocabulary({Tag{QStringLiteral("Emotion-Happy"), QStringLiteral("Emotion")},
                               Tag{QStringLiteral("Genre-Rock"), QStringLiteral("Genre")},
                               Tag{QStringLiteral("Instrument_-_Piano"), QStringLiteral("Instrument")}});
}

/// Writes the history; returns an empty string or what went wrong.
inline QString fillScenario(engine::AnnotationStore &store)
{
    using namespace taglane::engine;
    const qint64 start = store.lastEditSeq();
    store.setVocabulary(scenarioVocabulary());
    const QVector<qint64> tags = store.tagIds(scenarioVocabulary().names());
    ModelManifest m1, m2;
    m1.version = QStringLiteral("v1");
    m1.name = QStringLiteral("first");
    m2.version = QStringLiteral("v2");
    m2.parentVersion = QStringLiteral("v1");
    if (!store.registerModelVersion(m1) || !store.registerModelVersion(m2))
        return QStringLiteral("registerModelVersion failed");
    QVector<qint64> tracks;
    // Paths whose order differs between bytewise and locale-aware collations.
    const QStringList names{QStringLiteral("b-track.flac"), QStringLiteral("A track.wav"), QStringLiteral("a_track.ogg")};
    for (int i = 0; i < names.size(); ++i) {
        TrackRecord t;
        t.path = QStringLiteral("/music/") + names.at(i);
        t.contentHash = QString::fromLatin1(QCryptographicHash::hash(names.at(i).toUtf8(), QCryptographicHash::Sha1).toHex());
        t.durationSeconds = 20.0 + 10.0 * i + 0.1;
        t.sampleRate = 44100;
        t.channels = 2;
        t.sizeBytes = 1000 + i;
        const auto added = store.addTrack(t);
        if (!added)
            return added.error();
        tracks << added->id;
    }
    for (int i = 0; i < tracks.size(); ++i) {
        const auto seg = store.saveSegmentation(tracks[i], Segmentation::fixedWindows(20.0 + 10.0 * i + 0.1, 10.0 / 3.0),
                                                SegmentSource::Fixed);
        if (!seg)
            return seg.error();
        QVector<qint64> segIds;
        for (const Segment &s : seg->segments())
            segIds << s.id;
        for (int v = 0; v < 2; ++v) {
            PredictionBatch b;
            b.trackId = tracks[i];
            b.modelVersion = v == 0 ? QStringLiteral("v1") : QStringLiteral("v2");
            b.segmentIds = segIds;
            b.tagIds = tags;
            for (int r = 0; r < segIds.size(); ++r) {
                for (int c = 0; c < tags.size(); ++c)
                    b.probabilities << float(std::fmod(0.137 * (r + 1) * (c + 2) + 0.29 * v + 0.05 * i, 1.0));
            }
            if (!store.storePredictions(b))
                return QStringLiteral("storePredictions failed");
        }
        QVector<VerdictEdit> edits;
        for (int r = 0; r < segIds.size(); r += 2)
            edits << VerdictEdit{segIds[r], tags[r % tags.size()], r % 4 == 0 ? Verdict::Present : Verdict::Absent};
        store.setVerdicts(tracks[i], edits, i == 1 ? QStringLiteral("ann") : QStringLiteral("curator"));
        if (i == 0) {
            store.setVerdict(tracks[i], segIds[0], tags[0], Verdict::Unknown);
            // A curator's resegmentation keeping the first two segments' ids.
            QVector<Segment> split{{segIds[0], 0.0, 2.5}, {0, 2.5, 3.5}, {segIds[1], 3.5, 20.1}};
            const auto resplit = store.saveSegmentation(tracks[i], Segmentation::fromSegments(split).value(),
                                                        SegmentSource::Curator, QStringLiteral("split"), true);
            if (!resplit)
                return resplit.error();
        }
    }
    if (!store.relinkTrack(tracks[2], QStringLiteral("/music/moved/a_track.ogg")))
        return QStringLiteral("relinkTrack failed");
    const Status saved = store.waitForSaved(start, store.lastEditSeq());
    return saved ? QString() : saved.error();
}

/// What the store and the library queries answer, as lines of text (times as "set"/"unset").
inline QStringList describeStore(engine::AnnotationStore &store)
{
    using namespace taglane::engine;
    QStringList lines;
    const auto num = [](double v) { return QString::number(v, 'g', 17); };
    const Vocabulary vocabulary = store.vocabulary();
    for (const Tag &t : vocabulary.tags())
        lines << QStringLiteral("tag %1 %2").arg(t.name, t.category);
    QStringList models = store.modelVersions();
    models.sort();
    lines << QStringLiteral("models ") + models.join(QLatin1Char(','));
    const auto library = store.librarySummary();
    if (!library)
        return {QStringLiteral("librarySummary failed: ") + library.error()};
    for (const LibraryRow &r : library.value()) {
        lines << QStringLiteral("row %1 %2 %3 %4 %5 %6 %7")
                     .arg(r.trackId).arg(r.path, r.contentHash, num(r.durationSeconds)).arg(r.segmentCount)
                     .arg(r.reviewedCells).arg(r.lastEdit.isValid() ? QStringLiteral("set") : QStringLiteral("unset"));
        const auto t = store.track(r.trackId);
        lines << QStringLiteral("track %1 %2 %3 %4").arg(t->sizeBytes).arg(t->sampleRate).arg(t->channels)
                     .arg(t->added.isValid() ? QStringLiteral("set") : QStringLiteral("unset"));
        for (const QString &version : {QString(), QStringLiteral("v1")}) {
            const auto grid = store.labelGrid(r.trackId, version);
            if (!grid)
                return {QStringLiteral("labelGrid failed: ") + grid.error()};
            QString cells;
            for (int row = 0; row < grid->rows(); ++row) {
                cells += QStringLiteral("[%1 %2 %3]").arg(grid->segmentation.at(row).id)
                             .arg(num(grid->segmentation.at(row).start), num(grid->segmentation.at(row).end));
                for (int c = 0; c < grid->columns(); ++c)
                    cells += QStringLiteral(" %1:%2").arg(int(grid->verdict(row, c)))
                                 .arg(grid->hasProbability(row, c) ? num(grid->probability(row, c)) : QStringLiteral("-"));
            }
            lines << QStringLiteral("grid %1 %2 %3 %4").arg(grid->modelVersion).arg(int(grid->source)).arg(grid->segmentationId).arg(cells);
        }
    }
    const LibraryFilter filters[] = {{QStringLiteral("Genre-Rock"), Verdict::Absent}, {QStringLiteral("Emotion-Happy"), std::nullopt},
                                     {QString(), Verdict::Unknown}, {QStringLiteral("Genre-Rock"), Verdict::Unknown}};
    for (const LibraryFilter &f : filters) {
        QStringList ids;
        const auto filtered = store.librarySummary(f);
        for (const LibraryRow &r : filtered.value())
            ids << QString::number(r.trackId);
        lines << QStringLiteral("filter %1 %2: %3").arg(f.tag).arg(f.verdict ? int(*f.verdict) : -1).arg(ids.join(QLatin1Char(',')));
    }
    const auto log = store.editLog(0, 1000);
    for (const EditLogEntry &e : log.value())
        lines << QStringLiteral("log %1 %2 %3 %4 %5").arg(e.seq).arg(e.actor, e.kind).arg(e.trackId).arg(e.detail);
    for (const auto strategy : {ReviewQueue::Strategy::Uncertainty, ReviewQueue::Strategy::Disagreement, ReviewQueue::Strategy::Diverse}) {
        ReviewQueue::Options options;
        options.strategy = strategy;
        options.limit = 8;
        const auto cells = ReviewQueue::build(store.path(), options);
        if (!cells)
            return {QStringLiteral("ReviewQueue failed: ") + cells.error()};
        for (const ReviewCell &c : cells.value())
            lines << QStringLiteral("queue %1 %2 %3 %4 %5 %6").arg(int(strategy)).arg(c.trackPath).arg(c.segmentId)
                         .arg(c.tag, c.modelVersion, num(c.score));
    }
    for (const QString &text : {QStringLiteral("Genre-Rock >= 0.5 and not Genre-Rock curated"), QStringLiteral("Emotion-Happy curated present or curator = ann")}) {
        const auto query = TagQuery::parse(text);
        if (!query)
            return {QStringLiteral("TagQuery failed: ") + query.error()};
        for (const auto scope : {TagSearch::Scope::Segments, TagSearch::Scope::Tracks}) {
            TagSearch::Options options;
            options.scope = scope;
            const auto hits = TagSearch::run(store.path(), query.value(), options);
            if (!hits)
                return {QStringLiteral("TagSearch failed: ") + hits.error()};
            for (const SearchHit &h : hits.value())
                lines << QStringLiteral("hit %1 %2 %3 %4").arg(text, h.trackPath).arg(h.segmentId).arg(num(h.start));
        }
    }
    const auto catalogue = LibraryCatalogue::list(store.path());
    if (!catalogue)
        return {QStringLiteral("LibraryCatalogue failed: ") + catalogue.error()};
    for (const LibraryEntry &e : catalogue.value()) {
        QString top;
        for (const auto &[tag, p] : e.topTags)
            top += QStringLiteral(" %1=%2").arg(tag, num(p));
        lines << QStringLiteral("catalogue %1 %2 %3 %4%5").arg(e.row.path).arg(int(e.file)).arg(e.runs.size()).arg(e.topTagsModel, top);
    }
    return lines;
}

} // namespace taglane::tests
