// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/library/tagsearch.h"

#include <QPointer>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QThread;

namespace taglane::engine {
class AnnotationStore;
}

namespace taglane::widgets {

class CellNavigator;
class SearchResultsModel;

/// The Search dock: a TagQuery ("strings >= 0.8 and not strings curated")
/// over the library's segments or whole tracks, run on a worker thread
/// (engine TagSearch, committed data). A query that does not parse, or
/// names a tag the store does not know, shows the parser's message with a
/// caret under the position and selects it in the query field. Activating
/// a hit opens its track at the segment (selected in the lane, in the
/// query's first tag that has a row). "Save Search" keeps name + query in
/// QSettings "library/savedSearches" (a QStringList of "name<TAB>query",
/// which the Library dock offers as filters); the saved list recalls them.
/// GUI thread only.
class SearchView : public QWidget
{
    Q_OBJECT

public:
    static constexpr const char *savedSearchesKey = "library/savedSearches";

    explicit SearchView(CellNavigator *navigator, QWidget *parent = nullptr);
    ~SearchView() override;

    /// The store searched (null: nothing to search). Not owned.
    void setStore(engine::AnnotationStore *store);

    QLineEdit *queryEdit() const { return m_query; }
    QComboBox *scopeBox() const { return m_scope; }
    QTableView *tableView() const { return m_table; }
    SearchResultsModel *resultsModel() const { return m_results; }
    /// The parser's (or the search's) message and caret; hidden when the query is fine.
    QLabel *errorLabel() const { return m_error; }
    QLabel *countLabel() const { return m_count; }
    QLineEdit *nameEdit() const { return m_name; }
    QPushButton *saveButton() const { return m_save; }
    QComboBox *savedBox() const { return m_saved; }
    bool isSearching() const { return m_thread != nullptr; }
    /// The last error shown (empty when none) and its 0-based position in the query.
    QString errorText() const { return m_errorText; }
    int errorPosition() const { return m_errorPosition; }

    QSize sizeHint() const override { return QSize(640, 220); }

    /// "name<TAB>query" entries from the settings, as (name, query).
    static QVector<QPair<QString, QString>> savedSearches();

public Q_SLOTS:
    /// Parses the query field and runs it; false when it does not parse
    /// (the error is shown) or no store is open.
    bool search();
    /// Saves the query field under `name` (empty: the query itself),
    /// replacing a saved search of that name. False for an empty query or
    /// one that does not parse.
    bool saveSearch(const QString &name);
    /// Opens the hit of `row` (the track at its segment).
    bool activate(int row);

Q_SIGNALS:
    void message(const QString &text);
    /// A search finished with `hits` hits (-1: it failed).
    void searched(int hits);

private:
    void showError(const QString &message, const QString &query, int position);
    void clearError();
    void onDone(int ticket, const engine::Result<QVector<engine::SearchHit>> &hits, int position, bool tracks);
    void populateSaved();

    QPointer<CellNavigator> m_navigator;
    QPointer<engine::AnnotationStore> m_store;
    SearchResultsModel *m_results = nullptr;
    QLineEdit *m_query = nullptr;
    QComboBox *m_scope = nullptr;
    QPushButton *m_run = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_count = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_name = nullptr;
    QPushButton *m_save = nullptr;
    QComboBox *m_saved = nullptr;
    QPointer<QThread> m_thread;
    int m_ticket = 0;
    QString m_errorText;
    int m_errorPosition = -1;
    QString m_runningText;
    QStringList m_queryTags;   // tags the last query named, in order
};

} // namespace taglane::widgets
