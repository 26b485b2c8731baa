// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/library/libraryview.h"

#include "widgets/library/librarymodel.h"

#include "engine/library/audiofiles.h"
#include "engine/library/tagquery.h"
#include "engine/store/annotationstore.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QScrollBar>
#include <QSet>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace taglane::widgets {

LibraryView::LibraryView(QWidget *parent)
    : QWidget(parent)
    , m_model(new LibraryModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    setAcceptDrops(true);
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
    m_table->setColumnWidth(LibraryModel::FileColumn, 200);
    m_table->setColumnWidth(LibraryModel::FolderColumn, 200);
    m_table->setColumnWidth(LibraryModel::ModelsColumn, 160);
    m_table->setColumnWidth(LibraryModel::TopTagsColumn, 260);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        const QString path = index.data(LibraryModel::PathRole).toString();
        if (path.isEmpty())
            return;
        if (index.data(LibraryModel::FileStateRole).toInt() == int(engine::LibraryEntry::FileState::Missing)) {
            m_summary->setText(tr("%1 is missing. Add the folder it moved to (File > Add Folder to Library) to find "
                                  "it again; its verdicts are kept.").arg(QFileInfo(path).fileName()));
            return;
        }
        Q_EMIT openRequested(path);
    });
    connect(m_model, &LibraryModel::loaded, this, &LibraryView::onLoaded);
    // A refresh replaces the rows: keep the selection, the current row and the scroll position.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, [this]() {
        m_keptSelection = selectedTrackIds();
        m_keptCurrent = m_table->currentIndex().data(LibraryModel::TrackIdRole).toLongLong();
        m_keptScroll = m_table->verticalScrollBar()->value();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &LibraryView::restoreSelection);

    m_tag = new QComboBox(this);
    m_tag->setEditable(true);
    m_tag->setInsertPolicy(QComboBox::NoInsert);
    m_tag->setToolTip(tr("Only tracks with a segment judged for this tag"));
    m_verdict = new QComboBox(this);
    m_verdict->addItems({tr("any verdict"), tr("present"), tr("absent"), tr("not reviewed")});
    connect(m_tag, &QComboBox::currentTextChanged, this, &LibraryView::applyFilter);
    connect(m_verdict, &QComboBox::currentIndexChanged, this, &LibraryView::applyFilter);

    m_search = new QLineEdit(this);
    m_search->setClearButtonEnabled(true);
    m_search->setPlaceholderText(tr("Search, e.g. strings >= 0.8 and not strings curated"));
    m_search->setToolTip(tr("Only tracks with a segment that matches. Conditions: TAG >= 0.8 (also > < <= = !=), "
                            "[TAG] curated [present|absent], [TAG] curator = NAME; combine with and, or, not "
                            "and parentheses. Press Enter to apply."));
    connect(m_search, &QLineEdit::returnPressed, this, &LibraryView::applySearch);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.trimmed().isEmpty() && m_model->query())
            applySearch();   // the clear button ends the search
    });
    m_savedMenu = new QMenu(this);
    connect(m_savedMenu, &QMenu::aboutToShow, this, &LibraryView::fillSavedMenu);
    m_saved = new QToolButton(this);
    m_saved->setText(tr("Saved"));
    m_saved->setToolTip(tr("Saved searches (also those saved in the Search dock)"));
    m_saved->setMenu(m_savedMenu);
    m_saved->setPopupMode(QToolButton::InstantPopup);
    m_save = new QToolButton(this);
    m_save->setText(tr("Save Search..."));
    m_save->setToolTip(tr("Save the search under a name"));
    connect(m_save, &QToolButton::clicked, this, &LibraryView::askToSaveSearch);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Tag:"), this));
    filters->addWidget(m_tag, 2);
    filters->addWidget(m_verdict, 1);
    filters->addSpacing(12);
    filters->addWidget(new QLabel(tr("Search:"), this));
    filters->addWidget(m_search, 4);
    filters->addWidget(m_saved);
    filters->addWidget(m_save);
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
    updateTagChoices();
    m_model->setStore(store);
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
}

bool LibraryView::setSearch(const QString &query)
{
    if (m_search->text() != query) {
        const QSignalBlocker block(m_search);
        m_search->setText(query);
    }
    const QString text = query.trimmed();
    m_searchError.clear();
    if (text.isEmpty()) {
        m_model->setQuery(std::nullopt);
        return true;
    }
    int position = -1;
    const auto parsed = engine::TagQuery::parse(text, &position);
    if (!parsed) {
        m_searchError = tr("Search: %1").arg(parsed.error());
        m_summary->setText(m_searchError);
        if (position >= 0)
            m_search->setCursorPosition(position);
        return false;
    }
    m_model->setQuery(parsed.value());
    return true;
}

QString LibraryView::search() const
{
    return m_model->query() ? m_model->query()->text() : QString();
}

void LibraryView::applySearch()
{
    setSearch(m_search->text());
}

QString LibraryView::savedSearchesKey()
{
    return QStringLiteral("library/savedSearches");
}

QVector<QPair<QString, QString>> LibraryView::savedSearches()
{
    QVector<QPair<QString, QString>> searches;
    for (const QString &line : QSettings().value(savedSearchesKey()).toStringList()) {
        const int tab = line.indexOf(QLatin1Char('\t'));
        if (tab <= 0 || line.mid(tab + 1).trimmed().isEmpty())
            continue;   // not "name\tquery": ignored, kept in the settings as it is
        searches.append({line.left(tab), line.mid(tab + 1)});
    }
    return searches;
}

bool LibraryView::saveSearch(const QString &name)
{
    const QString query = m_search->text().trimmed();
    const QString cleanName = QString(name).replace(QLatin1Char('\t'), QLatin1Char(' ')).trimmed();
    if (query.isEmpty() || cleanName.isEmpty())
        return false;
    // Read fresh: the Search dock may have written the key since.
    QSettings settings;
    QStringList lines = settings.value(savedSearchesKey()).toStringList();
    lines.erase(std::remove_if(lines.begin(), lines.end(),
                               [&](const QString &line) { return line.section(QLatin1Char('\t'), 0, 0) == cleanName; }),
                lines.end());
    lines << cleanName + QLatin1Char('\t') + query;
    settings.setValue(savedSearchesKey(), lines);
    m_summary->setText(tr("Saved the search as \"%1\".").arg(cleanName));
    return true;
}

void LibraryView::askToSaveSearch()
{
    if (m_search->text().trimmed().isEmpty()) {
        m_summary->setText(tr("Type a search first, then save it."));
        return;
    }
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save Search"), tr("Name of the search:"), QLineEdit::Normal,
                                               QString(), &ok);
    if (ok)
        saveSearch(name);
}

void LibraryView::fillSavedMenu()
{
    m_savedMenu->clear();
    const auto searches = savedSearches();
    for (const auto &search : searches) {
        QAction *a = m_savedMenu->addAction(search.first);
        a->setToolTip(search.second);
        a->setStatusTip(search.second);
        const QString query = search.second;
        connect(a, &QAction::triggered, this, [this, query]() { setSearch(query); });
    }
    if (searches.isEmpty())
        m_savedMenu->addAction(tr("No saved searches"))->setEnabled(false);
    m_savedMenu->addSeparator();
    QAction *clear = m_savedMenu->addAction(tr("Show All Tracks"), this, [this]() { setSearch(QString()); });
    clear->setEnabled(m_model->query().has_value());
}

void LibraryView::refresh()
{
    m_throttle.stop();
    if (m_tag->count() <= 1)
        updateTagChoices();
    m_model->refresh();
}

void LibraryView::onLoaded(const QString &error)
{
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
    int missing = 0;
    for (const auto &e : m_model->entries()) {
        seconds += e.row.durationSeconds;
        missing += e.file == engine::LibraryEntry::FileState::Missing ? 1 : 0;
    }
    QString text = tr("%n track(s), %1 h of audio", nullptr, m_model->rowCount()).arg(seconds / 3600.0, 0, 'f', 1);
    if (missing > 0)
        text += tr(", %n missing", nullptr, missing);
    if (m_model->query())
        text += tr(" matching the search");
    m_summary->setText(m_searchError.isEmpty() ? text : m_searchError);
}

QString LibraryView::summaryText() const
{
    return m_summary->text();
}

QStringList LibraryView::droppedPaths(const QMimeData *mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl &url : mime->urls()) {
        if (!url.isLocalFile())
            continue;
        const QString path = url.toLocalFile();
        const QFileInfo info(path);
        if (info.isDir() || (info.isFile() && engine::AudioFiles::hasAudioSuffix(path)))
            paths << path;
    }
    return paths;
}

void LibraryView::dragEnterEvent(QDragEnterEvent *event)
{
    if (!droppedPaths(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void LibraryView::dropEvent(QDropEvent *event)
{
    const QStringList paths = droppedPaths(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    Q_EMIT addRequested(paths);
}

void LibraryView::restoreSelection()
{
    if (m_keptSelection.isEmpty() && m_keptCurrent == 0)
        return;
    const QSet<qint64> wanted(m_keptSelection.begin(), m_keptSelection.end());
    QItemSelection selection;
    QModelIndex current;
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        const QModelIndex index = m_proxy->index(r, 0);
        const qint64 id = index.data(LibraryModel::TrackIdRole).toLongLong();
        if (wanted.contains(id))
            selection.select(index, m_proxy->index(r, LibraryModel::ColumnCount - 1));
        if (id == m_keptCurrent)
            current = index;
    }
    QItemSelectionModel *model = m_table->selectionModel();
    if (current.isValid())
        model->setCurrentIndex(current, QItemSelectionModel::NoUpdate);
    model->select(selection, QItemSelectionModel::ClearAndSelect);
    m_table->verticalScrollBar()->setValue(m_keptScroll);
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

bool LibraryView::isLoading() const
{
    return m_model->isLoading();
}

} // namespace taglane::widgets
