// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/models/modellistmodel.h"

#include <QColor>
#include <QDir>
#include <QFileInfo>

namespace taglane::widgets {

ModelListModel::ModelListModel(QObject *parent)
    : QAbstractListModel(parent)
    , m_folders(ModelFolders::searchFolders())
{
}

void ModelListModel::setFolders(const QVector<ModelFolders::Folder> &folders)
{
    m_folders = folders;
    refresh();
}

void ModelListModel::refresh()
{
    beginResetModel();
    m_entries = ModelFolders::scan(m_folders);
    endResetModel();
}

int ModelListModel::rowOfFolder(const QString &folder) const
{
    const QString wanted = QFileInfo(folder).canonicalFilePath();
    for (int i = 0; i < m_entries.size(); ++i) {
        if (QFileInfo(m_entries.at(i).folder).canonicalFilePath() == wanted)
            return i;
    }
    return -1;
}

int ModelListModel::rowOfVersion(const QString &version) const
{
    if (version.isEmpty())
        return -1;
    for (int i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).ok() && m_entries.at(i).manifest.version == version)
            return i;
    }
    return -1;
}

int ModelListModel::parentRow(int row) const
{
    if (row < 0 || row >= m_entries.size())
        return -1;
    return rowOfVersion(m_entries.at(row).manifest.parentVersion);
}

int ModelListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant ModelListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const ModelFolders::Entry &e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        if (!e.ok())
            return tr("%1 (unreadable)").arg(e.manifest.name);
    {
        QString text = tr("%1  [%2, %3 tags]").arg(e.manifest.name, e.manifest.architecture).arg(e.manifest.tags.size());
        const int parent = parentRow(index.row());
        if (parent >= 0)   // a second line: where this version comes from
            text += QStringLiteral("\n   \u21b3 ") + tr("retrained from %1").arg(m_entries.at(parent).manifest.name);
        return text;
    }
    case Qt::ToolTipRole:
    {
        if (!e.ok())
            return e.error;
        QString tip = tr("%1\n(%2)").arg(QDir::toNativeSeparators(e.folder), ModelFolders::originName(e.origin));
        if (!e.manifest.parentVersion.isEmpty()) {
            const int parent = parentRow(index.row());
            tip += QLatin1Char('\n') + (parent >= 0 ? tr("Retrained from %1").arg(m_entries.at(parent).manifest.name)
                                                    : tr("Retrained from version %1 (not found)").arg(e.manifest.parentVersion));
        }
        return tip;
    }
    case Qt::ForegroundRole:
        if (!e.ok())
            return QColor(0xd0, 0x70, 0x60);
        return {};
    case FolderRole: return e.folder;
    case ArchitectureRole: return e.manifest.architecture;
    case VersionRole: return e.manifest.version;
    case ErrorRole: return e.error;
    case ParentVersionRole: return e.manifest.parentVersion;
    default: return {};
    }
}

} // namespace taglane::widgets
