// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/library/libraryview.h"

#include "widgets/library/librarymodel.h"

#include "engine/store/annotationstore.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace taglane::widgets {

LibraryView::LibraryView(QWidget *parent)
    : QWidget(parent)
    , m_model(new LibraryModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(LibraryModel::SortRole);
    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(LibraryModel::FileColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        const QString path = index.data(LibraryModel::PathRole).toString();
        if (!path.isEmpty())
            Q_EMIT openRequested(path);
    });

    m_tag = new QComboBox(this);
    m_tag->setEditable(true);
    m_tag->setInsertPolicy(QComboBox::NoInsert);
    m_tag->setToolTip(tr("Only tracks with a segment judged for this tag"));
    m_verdict = new QComboBox(this);
    m_verdict->addItems({tr("any verdict"), tr("present"), tr("absent"), tr("not reviewed")});
    m_summary = new QLabel(this);
    connect(m_tag, &QComboBox::currentTextChanged, this, &LibraryView::applyFilter);
    connect(m_verdict, &QComboBox::currentIndexChanged, this, &LibraryView::applyFilter);

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Tag:"), this));
    filters->addWidget(m_tag, 2);
    filters->addWidget(m_verdict, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_summary);

    m_throttle.setSingleShot(true);
    m_throttle.setInterval(1000);
    connect(&m_throttle, &QTimer::timeout, this, &LibraryView::refresh);
    updateTagChoices();
}

void LibraryView::setStore(engine::AnnotationStore *store)
{
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    if (store)
        connect(store, &engine::AnnotationStore::durable, this, &LibraryView::scheduleRefresh);
    m_model->setStore(store);
    updateTagChoices();
    refresh();
}

void LibraryView::scheduleRefresh()
{
    if (!m_throttle.isActive())
        m_throttle.start();
}

void LibraryView::updateTagChoices()
{
    const QString current = m_tag->currentText();
    const QSignalBlocker block(m_tag);
    m_tag->clear();
    m_tag->addItem(QString());
    if (m_store && m_store->isOpen())
        m_tag->addItems(m_store->vocabulary().names());
    m_tag->setCurrentText(current);
    m_tag->lineEdit()->setPlaceholderText(tr("any tag"));
}

void LibraryView::setFilter(const QString &tag, int verdictIndex)
{
    const QSignalBlocker b1(m_tag), b2(m_verdict);
    m_tag->setCurrentText(tag);
    m_verdict->setCurrentIndex(std::clamp(verdictIndex, 0, 3));
    applyFilter();
}

void LibraryView::applyFilter()
{
    engine::LibraryFilter filter;
    filter.tag = m_tag->currentText().trimmed();
    switch (m_verdict->currentIndex()) {
    case 1: filter.verdict = engine::Verdict::Present; break;
    case 2: filter.verdict = engine::Verdict::Absent; break;
    case 3: filter.verdict = engine::Verdict::Unknown; break;
    default: break;
    }
    m_model->setFilter(filter);
    refresh();
}

void LibraryView::refresh()
{
    m_throttle.stop();
    const QString error = m_model->refresh();
    if (!error.isEmpty()) {
        m_summary->setText(error);
        return;
    }
    if (!m_store || !m_store->isOpen()) {
        m_summary->setText(tr("No annotation store is open."));
        return;
    }
    if (m_tag->count() <= 1)
        updateTagChoices();
    double seconds = 0.0;
    for (const auto &row : m_model->rows())
        seconds += row.durationSeconds;
    m_summary->setText(tr("%n track(s), %1 h of audio", nullptr, m_model->rowCount()).arg(seconds / 3600.0, 0, 'f', 1));
}

QStringList LibraryView::selectedPaths() const
{
    QStringList paths;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        paths << index.data(LibraryModel::PathRole).toString();
    return paths;
}

QList<qint64> LibraryView::selectedTrackIds() const
{
    QList<qint64> ids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        ids << index.data(LibraryModel::TrackIdRole).toLongLong();
    return ids;
}

int LibraryView::visibleRows() const
{
    return m_proxy->rowCount();
}

} // namespace taglane::widgets
