// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/curation/segmentrow.h"
#include "engine/model/vocabulary.h"
#include "engine/segment/segmentation.h"
#include "engine/segment/segmentmapper.h"
#include "engine/store/segmentsource.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QVector>

namespace taglane::engine {

class AnnotationStore;
struct ModelManifest;

/// The curation state of one open track, without torch or widgets: its
/// segmentation (segments keep stable ids through edits), and per (segment,
/// tag) cell the model probabilities (one set per model version; one version
/// is "current") and the curator verdict with its provenance.
///
/// Edits are plain operations; undo commands (widgets/commands) call them
/// and find their targets by segment id and tag name. Structural edits are
/// planned first (planSplit, planMerge, planMoveBoundary, planResegment give
/// a RowChange without touching the document) and then applied (apply /
/// revert), so that a command can replay them exactly.
///
/// Boundaries edited by hand are clamped so that no segment gets shorter
/// than minimumEditedSeconds (0.5 s); a split closer than that to a segment
/// edge is refused.
///
/// With a store attached (attachStore), every change is queued to it at
/// once: the store's edit API is asynchronous, so nothing here blocks on the
/// disk; lastEditSeq() is the store's number of the latest edit (wait for
/// AnnotationStore::durable). Segment ids are then store ids.
///
/// Owner thread only (the GUI thread in the app).
class TrackDocument : public QObject
{
    Q_OBJECT

public:
    static constexpr double minimumEditedSeconds = 0.5;

    struct CellEdit
    {
        qint64 segmentId = 0;
        QString tag;
        CellLabel label;
    };

    explicit TrackDocument(QObject *parent = nullptr);
    ~TrackDocument() override;

    // ---- structure

    /// Replaces everything: these tags, these segments (their ids kept),
    /// all cells unknown and without probabilities.
    void reset(const Vocabulary &tags, const QVector<Segment> &segments);
    /// Replaces the segments (their ids kept; id 0 gets a fresh one) and
    /// clears the cells, keeping the tags. Persists as a new segmentation
    /// (store ids replace local ones). Not undoable: for a first layout.
    void adoptSegmentation(const QVector<Segment> &segments, SegmentSource source);
    /// Changes the tag list; cells of tags that stay (same name) keep their
    /// labels and probabilities, new tags start unknown.
    void setTags(const Vocabulary &tags);
    const Vocabulary &tags() const { return m_tags; }
    int tagIndex(const QString &name) const { return m_tags.indexOf(name); }

    int segmentCount() const { return m_rows.size(); }
    const Segment &segment(int index) const { return m_rows.at(index).segment; }
    QVector<Segment> segments() const;
    int indexOfSegment(qint64 id) const;
    /// Index of the segment holding `seconds`, or -1.
    int segmentAt(double seconds) const;
    const QVector<SegmentRow> &rows() const { return m_rows; }
    double duration() const { return m_duration; }
    void setDuration(double seconds) { m_duration = seconds; }
    SegmentSource segmentSource() const { return m_source; }

    // ---- probabilities

    QString currentModelVersion() const { return m_currentVersion; }
    /// Every model version with probabilities on some segment, sorted by name.
    QStringList modelVersions() const;
    void setCurrentModelVersion(const QString &version);
    /// Probability of the current version, NaN when none.
    float probability(int segment, int tag) const;
    float probability(int segment, int tag, const QString &version) const;
    /// Sets one segment's values for `version`: values[c] goes to tag
    /// columnTags[c] (a document tag index, or -1 to skip).
    void setProbabilities(const QString &version, int segment, const std::vector<float> &values,
                          const QVector<int> &columnTags);
    void setProbability(const QString &version, int segment, int tag, float value);
    void clearProbabilities(const QString &version);

    // ---- verdicts

    const CellLabel &label(int segment, int tag) const { return m_rows.at(segment).labels.at(tag); }
    /// Writes the labels as given (actor and time included). Edits naming an
    /// unknown segment id or tag are skipped; returns how many were applied.
    int applyCells(const QVector<CellEdit> &edits);
    /// The labels these cells hold now (for undo).
    QVector<CellEdit> currentCells(const QVector<CellEdit> &edits) const;
    /// True where other curators' verdicts (as loaded from the store) and
    /// this curator's current verdict on the cell are not all the same: one
    /// says present, another absent.
    bool hasConflict(int segment, int tag) const;

    // ---- structural edits

    Result<RowChange> planSplit(double seconds, double minSeconds = minimumEditedSeconds) const;
    /// Merge the segment with the next one; cells follow the re-segmentation rule.
    Result<RowChange> planMerge(qint64 segmentId) const;
    /// Moves the boundary between segment `leftSegmentId` and the next one to
    /// `seconds`, clamped to keep both at least minSeconds long. Cells stay.
    Result<RowChange> planMoveBoundary(qint64 leftSegmentId, double seconds,
                                       double minSeconds = minimumEditedSeconds) const;
    /// A new segmentation; cells follow the rule documented in Resegmenter.
    Result<RowChange> planResegment(const QVector<Segment> &target) const;
    /// Replaces change.before by change.after (found by the first segment's
    /// id); segments with id 0 get ids, written back into `change`.
    Status apply(RowChange &change, SegmentSource source = SegmentSource::Curator);
    /// Replaces change.after by change.before.
    Status revert(const RowChange &change, SegmentSource source = SegmentSource::Curator);

    // ---- persistence

    /// Every later change is queued to `store` for track `trackId`. The
    /// current segmentation and cells are written when writeAll is true.
    void attachStore(AnnotationStore *store, qint64 trackId, bool writeAll = false);
    AnnotationStore *store() const;
    /// Queues the whole document (segmentation, every cell, probabilities)
    /// to the store again, keeping segment ids: after writes failed, this
    /// saves what the curator sees. Thread of the document.
    void resaveToStore();
    qint64 trackId() const { return m_trackId; }
    /// Replaces the document with the track's last state in the store
    /// (current segmentation, verdicts, probabilities of the last model).
    /// Returns false when the store holds no segmentation for the track.
    Result<bool> loadFromStore(AnnotationStore *store, qint64 trackId);
    /// Stores the probabilities of `version` (registering the model if needed).
    Status persistPredictions(const ModelManifest &manifest);
    /// The store's number of the last edit this document queued (0: none).
    qint64 lastEditSeq() const { return m_lastSeq; }

Q_SIGNALS:
    void aboutToReset();
    /// Segments or tags changed: views re-read everything.
    void didReset();
    /// Labels of segments [firstSegment, lastSegment] x tags [firstTag, lastTag] changed.
    void labelsChanged(int firstSegment, int lastSegment, int firstTag, int lastTag);
    /// Probabilities of segments [firstSegment, lastSegment] changed (any tag).
    void probabilitiesChanged(int firstSegment, int lastSegment);
    /// A store write was refused (read-only store, unknown track, ...).
    void storeError(const QString &message);

private:
    Status replace(const QVector<SegmentRow> &from, QVector<SegmentRow> &to, SegmentSource source);
    SegmentRow emptyRow(const Segment &segment) const;
    void persistSegmentation(SegmentSource source, bool keepIds, int firstChanged = 0, int lastChanged = -1);
    void persistLabels(const QVector<CellEdit> &edits);
    void persistRowLabels(int first, int last);
    void persistRowPredictions(int first, int last);
    QVector<qint64> storeTagIds();

    Vocabulary m_tags;
    QVector<SegmentRow> m_rows;
    /// (segment id, tag name) -> LabelGrid::others bits, from loadFromStore.
    QHash<QPair<qint64, QString>, quint8> m_otherVerdicts;
    QString m_currentVersion;
    double m_duration = 0.0;
    SegmentSource m_source = SegmentSource::Fixed;
    qint64 m_nextLocalId = 1;

    QPointer<AnnotationStore> m_store;
    qint64 m_trackId = 0;
    qint64 m_lastSeq = 0;
};

} // namespace taglane::engine
