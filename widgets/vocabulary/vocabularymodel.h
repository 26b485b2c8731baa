// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/model/vocabulary.h"

#include <QAbstractTableModel>
#include <QSet>

namespace taglane::widgets {

/// An editable vocabulary: one row per tag (name, category, whether the
/// current model has an output for it). Names are unique and not empty.
/// GUI thread.
class VocabularyModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, CategoryColumn, ModelColumn, ColumnCount };

    explicit VocabularyModel(QObject *parent = nullptr);

    void setVocabulary(const engine::Vocabulary &vocabulary);
    engine::Vocabulary vocabulary() const { return engine::Vocabulary(m_tags); }
    /// The current model's tag names (for the "model output" column).
    void setModelTags(const QStringList &names);
    bool hasModel() const { return m_hasModel; }
    /// Tags of the vocabulary the current model does not predict.
    QStringList tagsWithoutModelOutput() const;

    /// Each returns an empty string on success, else why not.
    QString addTag(const QString &name, const QString &category = {});
    QString renameTag(int row, const QString &name);
    QString setCategory(int row, const QString &category);
    QString removeTag(int row);
    /// Adds the tags of a vocabulary file (CAL500-style list, see
    /// engine::Vocabulary) that are not here yet; replace = start afresh.
    /// Returns the number added, or -1 with `error` set.
    int importFile(const QString &path, bool replace, QString *error);
    int rowOfTag(const QString &name) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    /// An edit through setData was refused.
    void editRefused(const QString &message);

private:
    QVector<engine::Tag> m_tags;
    QSet<QString> m_modelTags;
    bool m_hasModel = false;
};

} // namespace taglane::widgets
