// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A store over two real (tone) WAV files with fixed segments, model
// predictions the test chooses and a few verdicts, for the review queue and
// search widget tests: the tracks open in a TrackView, and the test keeps
// the numbers it wrote so expected orders and hits are computed here.

#include "tonewav.h"

#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"

#include <QHash>
#include <QStringList>
#include <QVector>

#include <cmath>
#include <functional>

namespace taglane::tests {

struct ReviewLibrary
{
    static constexpr int segments = 6;
    static constexpr double segmentSeconds = 4.0;
    QStringList paths;                        ///< per track
    QStringList tags;
    QVector<qint64> trackIds;
    QVector<QVector<qint64>> segmentIds;      ///< [track][segment]
    QStringList versions;                     ///< in the order they tagged
    /// version -> (track, segment, tag) packed by key() -> probability
    QHash<QString, QHash<int, float>> probabilities;
    QHash<int, engine::Verdict> verdicts;     ///< by key()
    QHash<int, QString> newest;               ///< track -> version that tagged it last

    static int key(int track, int segment, int tag) { return (track * 100 + segment) * 100 + tag; }
    static int trackOf(int k) { return k / 10000; }
    static int segmentOf(int k) { return (k / 100) % 100; }
    static int tagOf(int k) { return k % 100; }
    float probability(int track, int segment, int tag) const
    {
        return probabilities.value(newest.value(track)).value(key(track, segment, tag), NAN);
    }
};

/// Writes `count` tone files into `dir` and adds them with fixed segments.
inline bool addReviewTracks(engine::AnnotationStore &store, ReviewLibrary &lib, const QString &dir, int count)
{
    using namespace engine;
    const double seconds = ReviewLibrary::segments * ReviewLibrary::segmentSeconds;
    store.setVocabulary(Vocabulary::fromNames(lib.tags));
    for (int t = 0; t < count; ++t) {
        const QString path = dir + QStringLiteral("/track%1.wav").arg(t);
        if (!writeToneWav(path, seconds, 220.0 * (t + 1)))
            return false;
        const auto added = store.addTrackFile(path, seconds, 16000, 1);
        if (!added)
            return false;
        const auto saved = store.saveSegmentation(added->id, Segmentation::fixedWindows(seconds, ReviewLibrary::segmentSeconds),
                                                  SegmentSource::Fixed);
        if (!saved || saved->size() != ReviewLibrary::segments)
            return false;
        QVector<qint64> ids;
        for (const Segment &s : saved->segments())
            ids << s.id;
        lib.paths << path;
        lib.trackIds << added->id;
        lib.segmentIds << ids;
    }
    return true;
}

/// Stores a version's probabilities value(track, segment, tag) for `tracks`.
inline bool tagReviewTracks(engine::AnnotationStore &store, ReviewLibrary &lib, const QString &version,
                            const QVector<int> &tracks, const std::function<float(int, int, int)> &value)
{
    using namespace engine;
    ModelManifest m;
    m.name = version;
    m.version = version;
    m.tags = Vocabulary::fromNames(lib.tags);
    if (!store.registerModelVersion(m))
        return false;
    const QVector<qint64> tagIds = store.tagIds(lib.tags, true);
    lib.versions << version;
    for (int t : tracks) {
        PredictionBatch b;
        b.trackId = lib.trackIds.at(t);
        b.modelVersion = version;
        b.tagIds = tagIds;
        for (int s = 0; s < ReviewLibrary::segments; ++s) {
            b.segmentIds << lib.segmentIds.at(t).at(s);
            for (int g = 0; g < lib.tags.size(); ++g) {
                const float p = value(t, s, g);
                b.probabilities << p;
                lib.probabilities[version].insert(ReviewLibrary::key(t, s, g), p);
            }
        }
        if (!store.storePredictions(b))
            return false;
        lib.newest.insert(t, version);
    }
    return true;
}

inline bool setReviewVerdict(engine::AnnotationStore &store, ReviewLibrary &lib, int track, int segment, int tag,
                             engine::Verdict v)
{
    const qint64 tagId = store.tagId(lib.tags.at(tag));
    const qint64 seq = store.setVerdicts(lib.trackIds.at(track), {engine::VerdictEdit{lib.segmentIds.at(track).at(segment), tagId, v}});
    lib.verdicts.insert(ReviewLibrary::key(track, segment, tag), v);
    return seq > 0;
}

} // namespace taglane::tests
