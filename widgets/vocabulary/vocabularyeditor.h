// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/store/annotationstore.h"

#include "engine/model/vocabulary.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QTableView;

namespace taglane::widgets {

class TrackView;
class VocabularyModel;

/// The vocabulary editor: add, rename, recategorise and remove tags, import a
/// CAL500-style list, see which tags the current model does not predict, and
/// apply the result to the track view and the annotation store. GUI thread.
class VocabularyEditor : public QDialog
{
    Q_OBJECT

public:
    VocabularyEditor(TrackView *view, engine::AnnotationStore *store, QWidget *parent = nullptr);

    VocabularyModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    /// The current model's tags (empty: no model selected).
    void setModelTags(const QStringList &names);
    /// The text of the "no model output" note.
    QString modelNote() const;
    QString lastMessage() const;

    /// Imports a vocabulary file (adds tags not here yet). False with the message shown on failure.
    bool importFile(const QString &path, bool replace = false);
    /// Makes the edited vocabulary the track view's and the store's. False when it is empty.
    bool apply();

Q_SIGNALS:
    void applied(const taglane::engine::Vocabulary &vocabulary);

private:
    void addTag();
    void removeSelected();
    void chooseImportFile();
    void updateNote();
    void showMessage(const QString &text);

    QPointer<TrackView> m_view;
    QPointer<engine::AnnotationStore> m_store;
    VocabularyModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_note = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace taglane::widgets
