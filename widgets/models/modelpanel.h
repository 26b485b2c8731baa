// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/models/modelfolders.h"

#include "engine/segment/segmentationsettings.h"

#include <QWidget>

class QAction;
class QComboBox;
class QDoubleSpinBox;
class QListView;
class QPushButton;
class QSpinBox;
class QTextBrowser;
class QToolButton;

namespace taglane::widgets {

class ModelListModel;
class WeightsCheck;

/// The model panel (a dock's contents): the bundles found in the model
/// folders, the selected one's manifest, an Import button (checkpoint to
/// bundle) and the settings of a tagging run (segments, batch size).
/// GUI thread.
class ModelPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ModelPanel(QWidget *parent = nullptr);

    ModelListModel *models() const { return m_models; }
    QListView *listView() const { return m_list; }

    /// The selected bundle's folder; empty when none (or an unreadable one,
    /// or one whose weights do not load) is selected.
    QString selectedFolder() const;
    /// Selects the bundle in this folder; false when it is not listed.
    bool selectFolder(const QString &folder);
    /// The manifest shown for the selection, as plain text.
    QString detailsText() const;

    int batchSize() const;
    void setBatchSize(int size);

    /// Puts the window's "Tag track" action on the panel's button.
    void setTagAction(QAction *action);
    /// Puts the window's "Retrain model" action on the panel's button.
    void setRetrainAction(QAction *action);
    /// The folder of the bundle the given one was retrained from; empty when
    /// it has no parent or the parent is not listed.
    QString parentFolder(const QString &folder) const;
    /// Where imported bundles go (the user's model folder unless set).
    void setImportFolder(const QString &folder) { m_importFolder = folder; }
    QString importFolder() const;

    /// The manifest as HTML (name, architecture, version, parent, tags,
    /// chunk length, sample rate, created, training summary, metrics).
    static QString manifestHtml(const ModelFolders::Entry &entry);

public Q_SLOTS:
    void refresh();
    /// Opens the import dialog; a bundle it writes is listed and selected.
    void importCheckpoint();
    /// Selects the version the selected one was retrained from; false when
    /// it has none (or it is not listed).
    bool rollBack();
    /// Asks to compare the selected version with its parent (or alone).
    void compareSelected();

    /// Loads the bundles' weights once, to refuse broken ones.
    WeightsCheck *weightsCheck() const { return m_weights; }

Q_SIGNALS:
    void selectionChanged(const QString &folder);
    /// Open the evaluation view on `folder`, compared with `other` (may be empty).
    void compareRequested(const QString &folder, const QString &other);

private:
    void showSelection();

    ModelListModel *m_models = nullptr;
    QListView *m_list = nullptr;
    QTextBrowser *m_details = nullptr;
    QSpinBox *m_batch = nullptr;
    QToolButton *m_tag = nullptr;
    QToolButton *m_retrain = nullptr;
    QPushButton *m_compare = nullptr;
    QPushButton *m_rollBack = nullptr;
    QString m_importFolder;
    WeightsCheck *m_weights = nullptr;
};

} // namespace taglane::widgets
