// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/vocabulary/vocabularymodel.h"

#include "engine/curation/tagnames.h"

#include <QColor>

namespace taglane::widgets {

VocabularyModel::VocabularyModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void VocabularyModel::setVocabulary(const engine::Vocabulary &vocabulary)
{
    beginResetModel();
    m_tags = vocabulary.tags();
    endResetModel();
}

void VocabularyModel::setModelTags(const QStringList &names)
{
    m_modelTags = QSet<QString>(names.begin(), names.end());
    m_hasModel = !names.isEmpty();
    if (!m_tags.isEmpty())
        Q_EMIT dataChanged(index(0, ModelColumn), index(rowCount() - 1, ModelColumn));
}

QStringList VocabularyModel::tagsWithoutModelOutput() const
{
    QStringList out;
    for (const engine::Tag &t : m_tags) {
        if (!m_modelTags.contains(t.name))
            out << t.name;
    }
    return out;
}

int VocabularyModel::rowOfTag(const QString &name) const
{
    for (int i = 0; i < m_tags.size(); ++i) {
        if (m_tags.at(i).name == name)
            return i;
    }
    return -1;
}

QString VocabularyModel::addTag(const QString &name, const QString &category)
{
    const QString clean = name.trimmed();
    if (clean.isEmpty())
        return tr("A tag needs a name.");
    if (rowOfTag(clean) >= 0)
        return tr("The vocabulary has a tag \"%1\" already.").arg(clean);
    const QString cat = category.trimmed().isEmpty() ? engine::Vocabulary::categoryOf(clean) : category.trimmed();
    beginInsertRows({}, rowCount(), rowCount());
    m_tags.push_back({clean, cat});
    endInsertRows();
    return {};
}

QString VocabularyModel::renameTag(int row, const QString &name)
{
    if (row < 0 || row >= m_tags.size())
        return tr("No such tag.");
    const QString clean = name.trimmed();
    if (clean.isEmpty())
        return tr("A tag needs a name.");
    if (clean == m_tags.at(row).name)
        return {};
    if (rowOfTag(clean) >= 0)
        return tr("The vocabulary has a tag \"%1\" already.").arg(clean);
    m_tags[row].name = clean;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    return {};
}

QString VocabularyModel::setCategory(int row, const QString &category)
{
    if (row < 0 || row >= m_tags.size())
        return tr("No such tag.");
    const QString clean = category.trimmed();
    if (clean.isEmpty())
        return tr("A category needs a name.");
    m_tags[row].category = clean;
    Q_EMIT dataChanged(index(row, CategoryColumn), index(row, CategoryColumn));
    return {};
}

QString VocabularyModel::removeTag(int row)
{
    if (row < 0 || row >= m_tags.size())
        return tr("No such tag.");
    beginRemoveRows({}, row, row);
    m_tags.remove(row);
    endRemoveRows();
    return {};
}

int VocabularyModel::importFile(const QString &path, bool replace, QString *error)
{
    const auto loaded = engine::Vocabulary::load(path);
    if (!loaded.ok()) {
        if (error)
            *error = loaded.error();
        return -1;
    }
    beginResetModel();
    if (replace)
        m_tags.clear();
    int added = 0;
    for (const engine::Tag &t : loaded->tags()) {
        if (rowOfTag(t.name) >= 0)
            continue;
        m_tags.push_back(t);
        ++added;
    }
    endResetModel();
    return added;
}

int VocabularyModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_tags.size());
}

int VocabularyModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(ColumnCount);
}

QVariant VocabularyModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_tags.size())
        return {};
    const engine::Tag &t = m_tags.at(index.row());
    const bool predicted = m_modelTags.contains(t.name);
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (index.column()) {
        // Shown by its display name (as everywhere in the GUI) beside the identifier that is edited.
        case NameColumn: return role == Qt::EditRole ? t.name : engine::TagNames::withIdentifier(t.name);
        case CategoryColumn: return t.category;
        case ModelColumn:
            if (role == Qt::EditRole)
                return predicted;
            return !m_hasModel ? tr("(no model)") : predicted ? tr("yes") : tr("no output yet");
        }
    }
    if (role == Qt::ForegroundRole && index.column() == ModelColumn && m_hasModel && !predicted)
        return QColor(0xe0, 0xa0, 0x50);
    if (role == Qt::ToolTipRole && index.column() == NameColumn)
        return tr("Shown as \"%1\"; stored and exported as %2").arg(engine::TagNames::displayName(t.name), t.name);
    if (role == Qt::ToolTipRole && index.column() == ModelColumn && m_hasModel && !predicted)
        return tr("The current model has no output for this tag; its cells stay empty until a model learns it.");
    return {};
}

bool VocabularyModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !index.isValid())
        return false;
    QString error;
    if (index.column() == NameColumn)
        error = renameTag(index.row(), value.toString());
    else if (index.column() == CategoryColumn)
        error = setCategory(index.row(), value.toString());
    else
        return false;
    if (!error.isEmpty()) {
        Q_EMIT editRefused(error);
        return false;
    }
    return true;
}

Qt::ItemFlags VocabularyModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() != ModelColumn)
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant VocabularyModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Tag");
    case CategoryColumn: return tr("Category");
    case ModelColumn: return tr("Model output");
    }
    return {};
}

} // namespace taglane::widgets
