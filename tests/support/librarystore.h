// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A store with a small library made in process: tracks with fixed segments,
// model versions whose probabilities the test chooses, and verdicts, for
// the review queue and search tests. The test keeps the numbers it wrote, so
// expected orders are computed from them, never written down.

#include "engine/store/annotationstore.h"

#include <QHash>
#include <QRandomGenerator>
#include <QStringList>
#include <QVector>

namespace taglane::tests {

struct LibraryCellKey
{
    int track = 0;
    int segment = 0;
    int tag = 0;
    bool operator==(const LibraryCellKey &o) const { return track == o.track && segment == o.segment && tag == o.tag; }
};

inline size_t qHash(const LibraryCellKey &k, size_t seed = 0)
{
    return ::qHash((k.track * 1000 + k.segment) * 100 + k.tag, seed);
}

struct LibraryStore
{
    QStringList paths;                    ///< per track
    QStringList tags;
    QStringList versions;                 ///< in the order they tagged
    int segments = 0;                     ///< per track, each segmentSeconds long
    double segmentSeconds = 4.0;
    /// version -> cell -> probability (only the tracks it tagged)
    QHash<QString, QHash<LibraryCellKey, float>> probabilities;
    QHash<LibraryCellKey, engine::Verdict> verdicts;
    QHash<LibraryCellKey, QString> curators;
    QVector<qint64> trackIds;
    QVector<QVector<qint64>> segmentIds;  ///< [track][segment]

    double start(int segment) const { return segment * segmentSeconds; }
};

/// Adds `tracks` tracks (fake paths under /library) of `segments` segments.
inline bool addLibraryTracks(engine::AnnotationStore &store, LibraryStore &lib, int tracks, int segments)
{
    using namespace engine;
    lib.segments = segments;
    for (int t = 0; t < tracks; ++t) {
        TrackRecord r;
        r.path = QStringLiteral("/library/track%1.wav").arg(t, 2, 10, QLatin1Char('0'));
        r.contentHash = QStringLiteral("%1").arg(t + 1, 40, 16, QLatin1Char('0'));
        r.durationSeconds = segments * lib.segmentSeconds;
        const auto added = store.addTrack(r);
        if (!added)
            return false;
        QVector<Segment> segs;
        for (int s = 0; s < segments; ++s)
            segs << Segment{0, lib.start(s), lib.start(s) + lib.segmentSeconds};
        const auto saved = store.saveSegmentation(added->id, Segmentation::fromSegments(segs).value(), SegmentSource::Fixed);
        if (!saved)
            return false;
        QVector<qint64> ids;
        for (const Segment &s : saved->segments())
            ids << s.id;
        lib.paths << r.path;
        lib.trackIds << added->id;
        lib.segmentIds << ids;
    }
    return true;
}

/// Stores a version's probabilities for the given tracks: value(track, segment, tag).
template <typename F>
bool tagLibrary(engine::AnnotationStore &store, LibraryStore &lib, const QString &version, const QVector<int> &tracks, F value)
{
    using namespace engine;
    ModelManifest m;
    m.name = version;
    m.version = version;
    m.tags = Vocabulary::fromNames(lib.tags);
    if (!store.registerModelVersion(m))
        return false;
    const QVector<qint64> tagIds = store.tagIds(lib.tags, true);
    if (!lib.versions.contains(version))
        lib.versions << version;
    for (int t : tracks) {
        PredictionBatch b;
        b.trackId = lib.trackIds.at(t);
        b.modelVersion = version;
        b.tagIds = tagIds;
        for (int s = 0; s < lib.segments; ++s) {
            b.segmentIds << lib.segmentIds.at(t).at(s);
            for (int g = 0; g < lib.tags.size(); ++g) {
                const float p = value(t, s, g);
                b.probabilities << p;
                lib.probabilities[version].insert({t, s, g}, p);
            }
        }
        if (!store.storePredictions(b))
            return false;
    }
    return true;
}

inline bool setLibraryVerdict(engine::AnnotationStore &store, LibraryStore &lib, LibraryCellKey k, engine::Verdict v,
                              const QString &curator = QStringLiteral("curator"))
{
    const QVector<qint64> tagIds = store.tagIds({lib.tags.at(k.tag)}, true);
    const qint64 seq = store.setVerdicts(lib.trackIds.at(k.track), {engine::VerdictEdit{lib.segmentIds.at(k.track).at(k.segment), tagIds.at(0), v}},
                                         curator);
    lib.verdicts.insert(k, v);
    lib.curators.insert(k, curator);
    return seq > 0;
}

} // namespace taglane::tests
