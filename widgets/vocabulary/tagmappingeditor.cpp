// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/vocabulary/tagmappingeditor.h"

#include "widgets/library/datafolder.h"

#include "engine/curation/tagnames.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace taglane::widgets {

namespace {
void fill(QComboBox *box, const QStringList &names)
{
    const QString current = box->currentData().toString();
    box->clear();
    for (const QString &name : names)
        box->addItem(engine::TagNames::withIdentifier(name), name);
    const int at = box->findData(current);
    if (at >= 0)
        box->setCurrentIndex(at);
}
} // namespace

QString TagMappingEditor::defaultPath()
{
    return DataFolder::path() + QStringLiteral("/tag-mapping.tsv");
}

TagMappingEditor::TagMappingEditor(const QString &path, QWidget *parent)
    : QDialog(parent)
    , m_path(path)
{
    setWindowTitle(tr("Related Tags"));
    auto *intro = new QLabel(tr("Tags of different vocabularies that mean the same thing (musicnn's \"strings\" and "
                                "the default model's Strings). Retrain lists them together and counts a verdict on a "
                                "tag the model lacks for the model's related tag."),
                             this);
    intro->setWordWrap(true);
    m_table = new QTableWidget(0, 2, this);
    m_table->setHorizontalHeaderLabels({tr("Tag"), tr("Related tag")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_a = new QComboBox(this);
    m_b = new QComboBox(this);
    for (QComboBox *box : {m_a, m_b}) {
        box->setEditable(true);   // a tag no list holds yet can be typed
        box->setInsertPolicy(QComboBox::NoInsert);
        box->setMinimumContentsLength(18);
    }
    auto *add = new QPushButton(tr("&Relate"), this);
    connect(add, &QPushButton::clicked, this, [this]() {
        auto idOf = [](QComboBox *box) {
            const int i = box->findText(box->currentText());
            return i >= 0 ? box->itemData(i).toString() : box->currentText().trimmed();
        };
        addPair(idOf(m_a), idOf(m_b));
    });
    auto *remove = new QPushButton(tr("Re&move"), this);
    connect(remove, &QPushButton::clicked, this, &TagMappingEditor::removeSelected);
    auto *suggest = new QPushButton(tr("&Suggest by Name"), this);
    suggest->setToolTip(tr("Relate the tags of the two lists whose display names agree"));
    connect(suggest, &QPushButton::clicked, this, &TagMappingEditor::addSuggestions);
    auto *row = new QHBoxLayout;
    row->addWidget(m_a, 1);
    row->addWidget(new QLabel(QStringLiteral("\u2194"), this));
    row->addWidget(m_b, 1);
    row->addWidget(add);
    auto *tools = new QHBoxLayout;
    tools->addWidget(remove);
    tools->addWidget(suggest);
    tools->addStretch(1);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Close, this);
    connect(buttons->button(QDialogButtonBox::Save), &QPushButton::clicked, this, &TagMappingEditor::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_table, 1);
    layout->addLayout(row);
    layout->addLayout(tools);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    resize(640, 460);

    auto loaded = engine::TagMapping::load(path);
    if (loaded) {
        m_mapping = loaded.value();
    } else {
        m_loadFailed = true;
        showMessage(loaded.error());
    }
    rebuild();
}

void TagMappingEditor::setKnownTags(const QStringList &left, const QStringList &right)
{
    m_left = left;
    m_right = right;
    fill(m_a, left);
    fill(m_b, right);
}

QString TagMappingEditor::message() const
{
    return m_message->text();
}

bool TagMappingEditor::addPair(const QString &a, const QString &b)
{
    if (!m_mapping.add(a, b)) {
        showMessage(a.trimmed() == b.trimmed() ? tr("A tag cannot be related to itself.")
                    : a.trimmed().isEmpty() || b.trimmed().isEmpty() ? tr("Choose two tags to relate.")
                                                                       : tr("%1 and %2 are related already.")
                                                                             .arg(engine::TagNames::displayName(a),
                                                                                  engine::TagNames::displayName(b)));
        return false;
    }
    showMessage(tr("%1 and %2 are related (not saved yet).")
                    .arg(engine::TagNames::withIdentifier(a.trimmed()), engine::TagNames::withIdentifier(b.trimmed())));
    rebuild();
    return true;
}

void TagMappingEditor::removeSelected()
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    const QVector<engine::TagMapping::Pair> pairs = m_mapping.pairs();
    for (int row : rows) {
        if (row >= 0 && row < pairs.size())
            m_mapping.remove(pairs[row].first, pairs[row].second);
    }
    rebuild();
}

int TagMappingEditor::addSuggestions()
{
    int added = 0;
    for (const auto &pair : engine::TagMapping::suggestions(m_left, m_right, m_mapping))
        added += m_mapping.add(pair.first, pair.second) ? 1 : 0;
    showMessage(tr("%n pair(s) suggested by name (not saved yet).", nullptr, added));
    rebuild();
    return added;
}

bool TagMappingEditor::save()
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QString keptAside;
    if (m_loadFailed && QFileInfo::exists(m_path)) {
        // The file that did not read is kept, not overwritten.
        keptAside = m_path + QStringLiteral(".unreadable-") + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
        if (!QFile::rename(m_path, keptAside)) {
            showMessage(tr("%1 could not be read and could not be moved aside; nothing was saved.").arg(m_path));
            return false;
        }
    }
    const engine::Status written = m_mapping.save(m_path);
    if (!written) {
        showMessage(written.error());
        return false;
    }
    m_loadFailed = false;
    QString text = tr("Saved %n pair(s) to %1.", nullptr, m_mapping.size()).arg(QDir::toNativeSeparators(m_path));
    if (!keptAside.isEmpty())
        text += QLatin1Char(' ') + tr("The file that could not be read was kept as %1.").arg(QDir::toNativeSeparators(keptAside));
    showMessage(text);
    Q_EMIT saved(m_mapping);
    return true;
}

void TagMappingEditor::rebuild()
{
    m_table->setRowCount(0);
    for (const auto &pair : m_mapping.pairs()) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        int column = 0;
        for (const QString &id : {pair.first, pair.second}) {
            auto *item = new QTableWidgetItem(engine::TagNames::withIdentifier(id));
            item->setData(Qt::UserRole, id);
            item->setToolTip(id);
            m_table->setItem(row, column++, item);
        }
    }
}

void TagMappingEditor::showMessage(const QString &text)
{
    m_message->setText(text);
}

} // namespace taglane::widgets
