// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/models/modelfolders.h"

#include <QAbstractListModel>

namespace taglane::widgets {

/// The model bundles found in the model folders, one row each. GUI thread.
class ModelListModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role { FolderRole = Qt::UserRole + 1, ArchitectureRole, VersionRole, ErrorRole, ParentVersionRole };

    explicit ModelListModel(QObject *parent = nullptr);

    /// Scans these folders (ModelFolders::searchFolders() when never set). Blocks
    /// briefly: it reads each manifest.json.
    void refresh();
    void setFolders(const QVector<ModelFolders::Folder> &folders);
    const QVector<ModelFolders::Folder> &folders() const { return m_folders; }

    const ModelFolders::Entry &entry(int row) const { return m_entries.at(row); }
    int rowOfFolder(const QString &folder) const;
    /// The row of the (readable) bundle with this manifest version; -1 when none.
    int rowOfVersion(const QString &version) const;
    /// The row of the bundle this one was trained from; -1 when it has no
    /// parent or the parent is not listed.
    int parentRow(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    QVector<ModelFolders::Folder> m_folders;
    QVector<ModelFolders::Entry> m_entries;
};

} // namespace taglane::widgets
