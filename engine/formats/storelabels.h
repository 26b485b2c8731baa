// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/tracklabels.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace taglane::engine {

class AnnotationStore;

/// Imported labels ready for the store: the labels and the audio file they
/// belong to (with what probing it found).
struct StoreImportItem
{
    TrackLabels labels;
    QString audioPath;          ///< absolute path of an existing audio file
    double durationSeconds = 0.0;
    int sampleRate = 0;
    int channels = 0;
    QString origin;             ///< the label file, recorded with the segmentation
};

/// Glue between the importers / exporters and the AnnotationStore.
/// All functions run on the store's owner thread.
class StoreLabels
{
public:
    /// The audio file imported labels belong to, found by AudioMatch::find()
    /// from labels.file in audioDir (whole stem first; ambiguity is an
    /// error naming the candidates). Probes the audio (header only) and
    /// fails when a segment ends after the audio does (beyond
    /// SegmentTimes::lengthTolerance()). The error names the label file `source`.
    static Result<StoreImportItem> resolve(const TrackLabels &labels, const QString &audioDir, const QString &source);

    /// Writes every item: tags the active vocabulary lacks are appended to
    /// it, each track is added (or found by path and content hash), its
    /// segmentation saved as the current one (source Import), verdicts set
    /// (actor: the cell's curator or "import") and probabilities stored under
    /// their model version (registered as an "import" model when new). Call
    /// it only once every file has been read and resolved, so that a bad
    /// file changes nothing. Waits until the edits are durable. Returns the
    /// track ids.
    static Result<QVector<qint64>> importItems(AnnotationStore &store, const QVector<StoreImportItem> &items);

    /// What queueItems() queued: per label file, its track ids and the range
    /// of edit numbers (afterSeq, upToSeq] that must commit for it to count.
    struct QueuedFile
    {
        QString origin;
        QVector<qint64> trackIds;
        qint64 afterSeq = 0;
        qint64 upToSeq = 0;
        QString error;            ///< non-empty when the file could not be queued (nothing of it is)
    };
    /// importItems() without waiting: each file's edits are queued as one
    /// atomic group; check each file with AnnotationStore::savedStatus once
    /// the store is durable up to the last upToSeq (for the GUI thread).
    /// Fails only when the store is not writable; a file that cannot be
    /// queued is abandoned (nothing of it is written) and carries an error.
    static Result<QVector<QueuedFile>> queueItems(AnnotationStore &store, const QVector<StoreImportItem> &items);

    /// The labels of a track's current segmentation, active tags, verdicts
    /// and the probabilities of the model that tagged it last.
    /// Verdicts are the resolved ones (LabelView::Resolved): where curators
    /// disagree and the tag's rule decides nothing the cell is left out
    /// (unknown); `unresolved` (when given) gets the number of such cells.
    static Result<TrackLabels> exportTrack(const AnnotationStore &store, qint64 trackId, int *unresolved = nullptr);

    /// Track ids for selectors (a track id, a path, a file name or a stem);
    /// all tracks (by path) for an empty list. An unmatched or ambiguous
    /// selector is an error naming it.
    static Result<QVector<qint64>> selectTracks(const AnnotationStore &store, const QStringList &selectors);
};

} // namespace taglane::engine
