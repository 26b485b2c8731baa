// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/store/annotationstore.h"

#include <QPair>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QMimeData;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;

namespace taglane::widgets {

class LibraryModel;

/// The library (a dock's contents): all tracks in the annotation store with
/// their duration, the model versions that tagged them, share reviewed, top
/// tags and file state; sortable, filtered by tag and verdict and by a
/// search (a TagQuery such as `strings >= 0.8 and not strings curated`:
/// tracks with a segment that matches). Searches can be saved under a name
/// (QSettings "library/savedSearches", "name\tquery" lines, shared with the
/// Search dock and read again whenever the drop-down opens). Double-clicking
/// a row asks to open the track; dropping folders or audio files asks to add
/// them to the library. Rows are read on a worker thread and refreshed when
/// the store reports durable edits, at most once a second. GUI thread (the
/// store's owner thread).
class LibraryView : public QWidget
{
    Q_OBJECT

public:
    explicit LibraryView(QWidget *parent = nullptr);

    void setStore(engine::AnnotationStore *store);
    LibraryModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    QLineEdit *searchField() const { return m_search; }
    QToolButton *savedSearchesButton() const { return m_saved; }

    /// Filter: tag name (empty = any) and verdict index (0 any, 1 present,
    /// 2 absent, 3 not reviewed).
    void setFilter(const QString &tag, int verdictIndex);
    /// Shows only tracks where `query` has a hit (empty: no search). False,
    /// with the parse error shown under the table, when it does not parse.
    bool setSearch(const QString &query);
    QString search() const;
    /// Stores the current search under `name` (replacing one of that name).
    /// False when there is no search or no name.
    bool saveSearch(const QString &name);
    /// The saved searches (name, query), as the settings hold them now.
    static QVector<QPair<QString, QString>> savedSearches();
    static QString savedSearchesKey();

    /// Paths of the selected rows (in view order).
    QStringList selectedPaths() const;
    /// Track ids of the selected rows.
    QList<qint64> selectedTrackIds() const;
    /// Number of rows shown.
    int visibleRows() const;
    /// A read of the rows is under way.
    bool isLoading() const;
    /// The line under the table (counts, or what went wrong).
    QString summaryText() const;

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void openRequested(const QString &path);
    /// Folders or audio files were dropped on the view.
    void addRequested(const QStringList &paths);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void applyFilter();
    void applySearch();
    void updateTagChoices();
    void scheduleRefresh();
    void onLoaded(const QString &error);
    void fillSavedMenu();
    void askToSaveSearch();
    void restoreSelection();
    static QStringList droppedPaths(const QMimeData *mime);

    QPointer<engine::AnnotationStore> m_store;
    LibraryModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QComboBox *m_tag = nullptr;
    QComboBox *m_verdict = nullptr;
    QLineEdit *m_search = nullptr;
    QToolButton *m_saved = nullptr;
    QMenu *m_savedMenu = nullptr;
    QToolButton *m_save = nullptr;
    QLabel *m_summary = nullptr;
    QString m_searchError;
    QList<qint64> m_keptSelection;
    qint64 m_keptCurrent = 0;
    int m_keptScroll = 0;
    QTimer m_throttle;
};

} // namespace taglane::widgets
