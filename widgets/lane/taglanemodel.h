// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/curation/segmentrow.h"
#include "engine/curation/tagmapping.h"
#include "engine/model/vocabulary.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPair>
#include <QVector>

#include <vector>

namespace taglane::engine {
class TrackDocument;
}

namespace taglane::widgets {

/// The tag lane as a table over a TrackDocument: one row per tag shown
/// (grouped by category, in the vocabulary's order within a category unless
/// sorted by probability; rows whose name does not match the filter are
/// left out), one column per segment. Within a category the model's tags
/// come in the model's output order, then the other tags in the
/// vocabulary's. A tag that the tag mapping relates to a tag with a row sits
/// directly below it, in its group (RelatedRole names the partner), and a
/// verdict on either is shown on the other (RelatedVerdictRole). Which tags are shown follows one rule
/// in every state of a track (before tagging, after, after reopening): the
/// model's tags (setModelTags) plus every tag with a verdict on the track;
/// with showAllTags, the whole vocabulary of the document. A cell holds the current model version's
/// probability (or none yet) and a curator verdict with its provenance.
/// The model owns its document; edits of the document show up here.
/// GUI thread only.
class TagLaneModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Verdict { Unknown = 0, Present = 1, Absent = 2 };
    enum Role {
        TagNameRole = Qt::UserRole + 1,   ///< QString, full tag name (rows and headers)
        CategoryRole,                     ///< QString
        ProbabilityRole,                  ///< double in [0, 1], or invalid QVariant when none
        VerdictRole,                      ///< int (Verdict)
        SegmentStartRole,                 ///< double seconds (horizontal header)
        SegmentEndRole,                   ///< double seconds (horizontal header)
        SegmentIdRole,                    ///< qint64 stable segment id (horizontal header and cells)
        VerdictActorRole,                 ///< QString: who set the verdict ("curator", a model version), empty if none
        VerdictTimeRole,                  ///< QDateTime (UTC) of the verdict, invalid if none
        AboveThresholdRole,               ///< bool: probability >= threshold()
        PeakRole,                         ///< double: highest probability of the row (vertical header)
        MeanRole,                         ///< double: mean probability of the row (vertical header)
        RelatedRole,                      ///< QString (vertical header): the tag with a row this one is related to
                                          ///< and placed under, empty when none
        RelatedVerdictRole,               ///< int (Verdict) of a related tag on the segment where this row has
                                          ///< none of its own, else Unknown
        CompletionRole,                   ///< double: the value "Complete My Review" suggests for a cell
                                          ///< without a verdict (about 1 present, 0 absent), else invalid
        ConflictRole,                     ///< bool: curators disagree on the cell (TrackDocument::hasConflict)
    };
    enum class RowOrder { Vocabulary, PeakProbability, MeanProbability };

    struct Segment
    {
        double start = 0.0;
        double end = 0.0;
    };

    explicit TagLaneModel(QObject *parent = nullptr);
    ~TagLaneModel() override;

    engine::TrackDocument *document() const { return m_doc; }

    /// Replaces the rows (and clears the cells).
    void setVocabulary(const engine::Vocabulary &vocabulary);
    const engine::Vocabulary &vocabulary() const;
    /// Replaces the columns (and clears the cells); segment ids become 1, 2, ...
    void setSegments(const QVector<Segment> &segments);
    const QVector<Segment> &segments() const { return m_segments; }

    void setProbability(int row, int column, double probability);
    /// Sets a verdict directly (not undoable; editing goes through commands).
    void setVerdict(int row, int column, Verdict verdict);

    /// Indices of the document tags the mapping relates to the row's tag
    /// (shown or not).
    QVector<int> relatedTagsOfRow(int row) const { return m_rowRelated.value(row); }
    /// Index of the document tag shown in a row.
    int tagIndexOfRow(int row) const { return m_rowToTag.value(row, -1); }
    int rowOfTag(const QString &name) const;
    QString tagNameOfRow(int row) const;
    qint64 segmentIdOfColumn(int column) const;
    int columnOfSegment(qint64 id) const;
    /// Category of a row, and whether the row starts a new category group.
    QString categoryOfRow(int row) const;
    bool startsCategory(int row) const;
    /// "Calming / Soothing" for "Emotion-Calming_/_Soothing": the name without its category prefix.
    static QString displayName(const engine::Tag &tag);

    /// Cells at or above the threshold are marked; "accept suggestions" uses it.
    double threshold() const { return m_threshold; }
    void setThreshold(double threshold);
    /// Rows sorted within their category (Vocabulary: the vocabulary's order).
    RowOrder rowOrder() const { return m_order; }
    void setRowOrder(RowOrder order);
    /// Shows only tags whose name, display name or category contains `text` (case-insensitive).
    QString filterText() const { return m_filter; }
    void setFilterText(const QString &text);
    /// The tags of the model whose probabilities the lane shows (or, before
    /// any tagging, of the model that will tag the track).
    void setModelTags(const QStringList &names);
    QStringList modelTags() const { return m_modelTags; }
    /// Shows every tag of the document's vocabulary, not only the model's
    /// tags and those with verdicts.
    bool showAllTags() const { return m_showAll; }
    void setShowAllTags(bool all);
    /// Which tags of different vocabularies are related (Edit > Related Tags).
    void setTagMapping(const engine::TagMapping &mapping);
    const engine::TagMapping &tagMapping() const { return m_mapping; }
    /// Suggestions of "Complete My Review", keyed by (segment id, tag name):
    /// shown on cells that have no verdict (CompletionRole, a mark in the
    /// lane, the tooltip). Replaces the previous ones; kept until cleared
    /// (a verdict hides a cell's suggestion, its undo shows it again).
    using Completion = QHash<QPair<qint64, QString>, double>;
    void setCompletion(const Completion &values);
    void clearCompletion();
    const Completion &completion() const { return m_completion; }
    /// The suggested value of a cell, NaN when none is shown there.
    double completionAt(int row, int column) const;
    /// Re-applies the sort (e.g. once inference finished).
    void resort();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void thresholdChanged(double threshold);

private:
    bool isCell(const QModelIndex &index) const
    {
        return index.isValid() && index.model() == this && index.row() < rowCount() && index.column() < columnCount();
    }
    void rebuildRows();
    void groupRelatedRows();
    engine::CellLabel relatedLabel(int row, int column, QString *relatedTag = nullptr) const;
    void onDidReset();
    void rowStats(int tag, double *peak, double *mean) const;
    QString cellToolTip(int row, int column) const;

    engine::TrackDocument *m_doc = nullptr;
    QVector<int> m_rowToTag;
    QVector<int> m_rowPartner;   // per row: the tag (index) it is grouped under as related, or -1
    QVector<QVector<int>> m_rowRelated;   // per row: tags the mapping relates to its tag
    engine::TagMapping m_mapping;
    QVector<Segment> m_segments;
    double m_threshold = 0.5;
    RowOrder m_order = RowOrder::Vocabulary;
    QString m_filter;
    QStringList m_modelTags;
    bool m_showAll = true;   // a bare model shows its vocabulary; TrackView applies the rule
    bool m_inReset = false;
    Completion m_completion;
};

} // namespace taglane::widgets
