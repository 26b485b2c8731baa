// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/model/vocabulary.h"

#include <QAbstractTableModel>
#include <QVector>

#include <vector>

namespace taglane::widgets {

/// The tag lane as a table: one row per tag of the vocabulary (grouped by
/// category, in the vocabulary's order within a category), one column per
/// time segment. A cell holds a model probability (or none yet) and a
/// curator verdict. Until inference runs there are no segments, so the rows
/// are empty. GUI thread only.
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
    };

    struct Segment
    {
        double start = 0.0;
        double end = 0.0;
    };

    explicit TagLaneModel(QObject *parent = nullptr);

    /// Replaces the rows (and clears the cells).
    void setVocabulary(const engine::Vocabulary &vocabulary);
    const engine::Vocabulary &vocabulary() const { return m_vocabulary; }
    /// Replaces the columns (and clears the cells).
    void setSegments(const QVector<Segment> &segments);
    const QVector<Segment> &segments() const { return m_segments; }

    void setProbability(int row, int column, double probability);
    void setVerdict(int row, int column, Verdict verdict);

    /// Index of the vocabulary tag shown in a row.
    int tagIndexOfRow(int row) const { return m_rowToTag.value(row, -1); }
    int rowOfTag(const QString &name) const;
    /// Category of a row, and whether the row starts a new category group.
    QString categoryOfRow(int row) const;
    bool startsCategory(int row) const;
    /// "Calming / Soothing" for "Emotion-Calming_/_Soothing": the name without its category prefix.
    static QString displayName(const engine::Tag &tag);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    bool isCell(const QModelIndex &index) const
    {
        return index.isValid() && index.model() == this && index.row() < rowCount() && index.column() < columnCount();
    }
    size_t cell(int row, int column) const { return size_t(row) * size_t(m_segments.size()) + size_t(column); }
    void resetCells();

    engine::Vocabulary m_vocabulary;
    QVector<int> m_rowToTag;
    QVector<Segment> m_segments;
    std::vector<float> m_probability;   // NaN: none
    std::vector<qint8> m_verdict;
};

} // namespace taglane::widgets
