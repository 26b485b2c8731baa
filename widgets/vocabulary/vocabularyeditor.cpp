// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/vocabulary/vocabularyeditor.h"

#include "widgets/lane/taglanemodel.h"
#include "widgets/track/trackview.h"
#include "widgets/vocabulary/vocabularymodel.h"

#include "engine/store/annotationstore.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace taglane::widgets {

VocabularyEditor::VocabularyEditor(TrackView *view, engine::AnnotationStore *store, QWidget *parent)
    : QDialog(parent)
    , m_view(view)
    , m_store(store)
    , m_model(new VocabularyModel(this))
{
    setWindowTitle(tr("Vocabulary"));
    engine::Vocabulary start;
    if (view)
        start = view->tagLaneModel()->vocabulary();
    if (start.isEmpty() && store && store->isOpen())
        start = store->vocabulary();
    m_model->setVocabulary(start);

    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(VocabularyModel::NameColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(VocabularyModel::CategoryColumn, QHeaderView::ResizeToContents);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);

    auto *add = new QPushButton(tr("&Add..."), this);
    auto *remove = new QPushButton(tr("&Remove"), this);
    auto *import = new QPushButton(tr("&Import list..."), this);
    import->setToolTip(tr("Add the tags of a CAL500-style vocabulary list (one tag per line, optional tab and category)"));
    connect(add, &QPushButton::clicked, this, &VocabularyEditor::addTag);
    connect(remove, &QPushButton::clicked, this, &VocabularyEditor::removeSelected);
    connect(import, &QPushButton::clicked, this, &VocabularyEditor::chooseImportFile);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addWidget(import);
    buttons->addStretch(1);

    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    auto *hint = new QLabel(tr("Double-click a name or category to change it. Renaming or removing a tag keeps "
                               "its stored verdicts under the old name; they stop counting."),
                            this);
    hint->setWordWrap(true);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel, this);
    connect(box->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &VocabularyEditor::apply);
    connect(box, &QDialogButtonBox::accepted, this, [this]() {
        if (apply())
            accept();
    });
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    layout->addWidget(hint);
    layout->addWidget(m_note);
    layout->addWidget(m_message);
    layout->addWidget(box);
    resize(620, 640);

    connect(m_model, &VocabularyModel::editRefused, this, &VocabularyEditor::showMessage);
    connect(m_model, &QAbstractItemModel::modelReset, this, &VocabularyEditor::updateNote);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &VocabularyEditor::updateNote);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &VocabularyEditor::updateNote);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &VocabularyEditor::updateNote);
    updateNote();
}

void VocabularyEditor::setModelTags(const QStringList &names)
{
    m_model->setModelTags(names);
    updateNote();
}

QString VocabularyEditor::modelNote() const
{
    return m_note->text();
}

QString VocabularyEditor::lastMessage() const
{
    return m_message->text();
}

void VocabularyEditor::showMessage(const QString &text)
{
    m_message->setText(text);
}

void VocabularyEditor::updateNote()
{
    if (!m_model->hasModel()) {
        m_note->setText(tr("%n tag(s). Select a model to see which tags it predicts.", nullptr, m_model->rowCount()));
        return;
    }
    const QStringList missing = m_model->tagsWithoutModelOutput();
    if (missing.isEmpty()) {
        m_note->setText(tr("%n tag(s); the current model predicts every one.", nullptr, m_model->rowCount()));
        return;
    }
    QStringList shown = missing.mid(0, 8);
    if (missing.size() > 8)
        shown << QStringLiteral("...");
    m_note->setText(tr("%n tag(s) have no model output yet: %1", nullptr, int(missing.size()))
                        .arg(shown.join(QStringLiteral(", "))));
}

void VocabularyEditor::addTag()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Add Tag"), tr("Tag name (a CAL500-style prefix such as "
                                                                        "\"Instrument_-_\" sets the category):"),
                                               QLineEdit::Normal, QString(), &ok);
    if (!ok)
        return;
    const QString error = m_model->addTag(name);
    showMessage(error);
    if (error.isEmpty())
        m_table->scrollToBottom();
}

void VocabularyEditor::removeSelected()
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    for (int row : rows)
        m_model->removeTag(row);
}

void VocabularyEditor::chooseImportFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import Vocabulary"), QDir::homePath(),
                                                      tr("Vocabulary lists (*.txt *.tsv *.csv);;All files (*)"));
    if (!path.isEmpty())
        importFile(path);
}

bool VocabularyEditor::importFile(const QString &path, bool replace)
{
    QString error;
    const int added = m_model->importFile(path, replace, &error);
    if (added < 0) {
        showMessage(error);
        return false;
    }
    showMessage(tr("Added %n tag(s).", nullptr, added));
    return true;
}

bool VocabularyEditor::apply()
{
    const engine::Vocabulary vocabulary = m_model->vocabulary();
    if (vocabulary.isEmpty()) {
        showMessage(tr("The vocabulary is empty; add tags before applying it."));
        return false;
    }
    if (m_view)
        m_view->setVocabulary(vocabulary);
    if (m_store && m_store->isOpen() && !m_store->isReadOnly())
        m_store->setVocabulary(vocabulary);
    showMessage(tr("Applied %n tag(s).", nullptr, vocabulary.size()));
    Q_EMIT applied(vocabulary);
    return true;
}

} // namespace taglane::widgets
