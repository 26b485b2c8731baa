// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/search/searchview.h"

#include "widgets/review/cellnavigator.h"
#include "widgets/search/searchresultsmodel.h"

#include "engine/library/tagquery.h"
#include "engine/store/annotationstore.h"

#include <QApplication>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>

namespace taglane::widgets {

namespace {
using engine::TagQueryNode;

/// Tags the query names, in the order written, each once.
void collectTags(const TagQueryNode &node, QStringList &tags)
{
    if (!node.tag.isEmpty() && !tags.contains(node.tag))
        tags << node.tag;
    for (const TagQueryNode &child : node.children)
        collectTags(child, tags);
}
} // namespace

SearchView::SearchView(CellNavigator *navigator, QWidget *parent)
    : QWidget(parent)
    , m_navigator(navigator)
    , m_results(new SearchResultsModel(this))
{
    m_query = new QLineEdit(this);
    m_query->setPlaceholderText(tr("e.g. strings >= 0.8 and not strings curated"));
    m_query->setClearButtonEnabled(true);
    m_query->setToolTip(tr("Conditions: TAG >= x (also >, <=, <, =, !=) on the model's probability (a track: its "
                           "mean); [TAG] curated [present|absent]; [TAG] curator = NAME. Combine them with and, or, "
                           "not and parentheses; quote a tag with spaces or one that is a keyword."));
    m_scope = new QComboBox(this);
    m_scope->addItem(tr("Segments"));
    m_scope->addItem(tr("Tracks"));
    m_scope->setToolTip(tr("Match segments, or whole tracks"));
    m_run = new QPushButton(tr("Search"), this);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("searchError"));
    m_error->setTextFormat(Qt::RichText);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #ff7a6e;"));
    m_error->hide();
    m_count = new QLabel(this);
    m_table = new QTableView(this);
    m_table->setModel(m_results);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(SearchResultsModel::TrackColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("Name for this search"));
    m_save = new QPushButton(tr("Save Search"), this);
    m_save->setToolTip(tr("Keep this query; the Library dock offers saved searches as filters"));
    m_saved = new QComboBox(this);
    m_saved->setToolTip(tr("Run a saved search"));

    auto *top = new QHBoxLayout;
    top->addWidget(m_query, 1);
    top->addWidget(m_scope);
    top->addWidget(m_run);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_saved, 1);
    bottom->addWidget(m_name, 1);
    bottom->addWidget(m_save);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_error);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_count);
    layout->addLayout(bottom);

    connect(m_query, &QLineEdit::returnPressed, this, &SearchView::search);
    connect(m_run, &QPushButton::clicked, this, &SearchView::search);
    connect(m_scope, &QComboBox::currentIndexChanged, this, [this]() {
        if (!m_query->text().trimmed().isEmpty())
            search();
    });
    connect(m_save, &QPushButton::clicked, this, [this]() { saveSearch(m_name->text()); });
    connect(m_saved, &QComboBox::activated, this, [this](int index) {
        const QString query = m_saved->itemData(index).toString();
        if (query.isEmpty())
            return;
        m_query->setText(query);
        m_name->setText(m_saved->itemText(index));
        search();
    });
    connect(m_table, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &index) { activate(index.row()); });
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) { activate(index.row()); });
    populateSaved();
}

SearchView::~SearchView()
{
    ++m_ticket;
    if (m_thread)
        m_thread->wait();
}

void SearchView::setStore(engine::AnnotationStore *store)
{
    m_store = store;
    m_results->setHits({}, false);
    m_count->clear();
}

bool SearchView::search()
{
    const QString text = m_query->text();
    if (text.trimmed().isEmpty()) {
        clearError();
        m_results->setHits({}, m_scope->currentIndex() == 1);
        m_count->setText(tr("Type a query, e.g. strings >= 0.8 and not strings curated"));
        return false;
    }
    int position = 0;
    const auto query = engine::TagQuery::parse(text, &position);
    if (!query) {
        m_results->setHits({}, m_scope->currentIndex() == 1);
        m_count->clear();
        showError(query.error(), text, position);
        Q_EMIT searched(-1);
        return false;
    }
    if (!m_store || !m_store->isOpen()) {
        showError(tr("No annotation store is open."), QString(), -1);
        Q_EMIT searched(-1);
        return false;
    }
    clearError();
    m_queryTags.clear();
    collectTags(query->root(), m_queryTags);
    engine::TagSearch::Options options;
    options.scope = m_scope->currentIndex() == 1 ? engine::TagSearch::Scope::Tracks : engine::TagSearch::Scope::Segments;
    const bool tracks = options.scope == engine::TagSearch::Scope::Tracks;
    const QString path = m_store->path();
    const int ticket = ++m_ticket;
    m_runningText = text;
    m_count->setText(tr("Searching..."));
    QPointer<SearchView> self(this);
    m_thread = QThread::create([self, path, q = query.value(), options, ticket, tracks]() {
        int errorPosition = 0;
        auto hits = engine::TagSearch::run(path, q, options, &errorPosition);
        QMetaObject::invokeMethod(qApp, [self, ticket, hits = std::move(hits), errorPosition, tracks]() {
            if (self)
                self->onDone(ticket, hits, errorPosition, tracks);
        });
    });
    connect(m_thread, &QThread::finished, m_thread, &QObject::deleteLater);
    m_thread->start(QThread::LowPriority);
    return true;
}

void SearchView::onDone(int ticket, const engine::Result<QVector<engine::SearchHit>> &hits, int position, bool tracks)
{
    if (ticket != m_ticket)
        return;
    m_thread = nullptr;
    if (!hits) {
        m_results->setHits({}, tracks);
        m_count->clear();
        // An unknown tag has a place in the query; a store problem has none.
        showError(hits.error(), m_runningText, hits.error().contains(QLatin1String("Unknown tag")) ? position : -1);
        Q_EMIT searched(-1);
        return;
    }
    m_results->setHits(hits.value(), tracks);
    m_table->resizeColumnToContents(SearchResultsModel::TimeColumn);
    m_count->setText(tracks ? tr("%n track(s) match.", nullptr, int(hits->size()))
                            : tr("%n segment(s) match.", nullptr, int(hits->size())));
    Q_EMIT searched(int(hits->size()));
}

void SearchView::showError(const QString &message, const QString &query, int position)
{
    m_errorText = message;
    m_errorPosition = position;
    QString html = message.toHtmlEscaped();
    if (position >= 0 && !query.isEmpty()) {
        // Non-breaking spaces: rich text would fold ordinary ones.
        const QString caret = QStringLiteral("&nbsp;").repeated(position) + QLatin1Char('^');
        html += QStringLiteral("<br><tt>%1<br>%2</tt>")
                    .arg(query.toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;")), caret);
        m_query->setFocus();
        m_query->setCursorPosition(position);
        if (position < query.size())
            m_query->setSelection(position, 1);
    }
    m_error->setText(html);
    m_error->setToolTip(message);
    m_error->show();
    m_error->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
}

void SearchView::clearError()
{
    m_errorText.clear();
    m_errorPosition = -1;
    m_error->clear();
    m_error->hide();
}

bool SearchView::activate(int row)
{
    if (row < 0 || row >= m_results->rowCount() || !m_navigator)
        return false;
    const engine::SearchHit hit = m_results->hits().at(row);
    m_navigator->goToCell(hit.trackPath, m_results->tracks() ? 0 : hit.segmentId, m_queryTags, false);
    return true;
}

QVector<QPair<QString, QString>> SearchView::savedSearches()
{
    QVector<QPair<QString, QString>> out;
    for (const QString &entry : QSettings().value(QLatin1String(savedSearchesKey)).toStringList()) {
        const int tab = entry.indexOf(QLatin1Char('\t'));
        if (tab > 0)
            out.append({entry.left(tab), entry.mid(tab + 1)});
    }
    return out;
}

bool SearchView::saveSearch(const QString &name)
{
    const QString text = m_query->text().trimmed();
    if (text.isEmpty()) {
        showError(tr("Type a query to save."), QString(), -1);
        return false;
    }
    int position = 0;
    const auto query = engine::TagQuery::parse(text, &position);
    if (!query) {
        showError(query.error(), text, position);
        return false;
    }
    // Tabs and line breaks would break the "name<TAB>query" entries.
    QString clean = name.simplified();
    if (clean.isEmpty())
        clean = text.simplified();
    const QString queryText = QString(text).replace(QLatin1Char('\t'), QLatin1Char(' ')).replace(QLatin1Char('\n'), QLatin1Char(' '));
    QStringList entries = QSettings().value(QLatin1String(savedSearchesKey)).toStringList();
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const QString &e) { return e.section(QLatin1Char('\t'), 0, 0) == clean; }),
                  entries.end());
    entries << clean + QLatin1Char('\t') + queryText;
    QSettings settings;
    settings.setValue(QLatin1String(savedSearchesKey), entries);
    settings.sync();
    clearError();
    populateSaved();
    Q_EMIT message(tr("Saved the search \"%1\"; the Library dock offers it as a filter.").arg(clean));
    return true;
}

void SearchView::populateSaved()
{
    m_saved->clear();
    m_saved->addItem(tr("Saved searches..."), QString());
    for (const auto &[name, query] : savedSearches()) {
        m_saved->addItem(name, query);
        m_saved->setItemData(m_saved->count() - 1, query, Qt::ToolTipRole);
    }
    m_saved->setEnabled(m_saved->count() > 1);
}

} // namespace taglane::widgets
