// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: the Review Queue and Search docks, going to a queued cell or a
// search hit in any track, and refreshing the queue after tagging and retraining.
#include "app/gui/mainwindow.h"

#include "widgets/models/inferencecontroller.h"
#include "widgets/review/cellnavigator.h"
#include "widgets/review/reviewqueuemodel.h"
#include "widgets/review/reviewqueueview.h"
#include "widgets/search/searchview.h"
#include "widgets/track/trackview.h"
#include "widgets/training/retraindialog.h"
#include "widgets/window/statusmessages.h"

#include "engine/store/annotationstore.h"

#include <QAction>
#include <QDockWidget>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenu>
#include <QTableView>

namespace taglane::app {

void MainWindow::createReviewDocks()
{
    m_navigator = new widgets::CellNavigator(m_track, this);
    m_navigator->setOpener([this](const QString &path) { openFile(path); });
    auto say = [this](const QString &text) {
        if (m_messages)
            m_messages->show(text, 8000);
    };
    connect(m_navigator, &widgets::CellNavigator::failed, this, say);

    m_reviewQueue = new widgets::ReviewQueueView(m_navigator, this);
    m_reviewDock = new QDockWidget(tr("Review Queue"), this);
    m_reviewDock->setObjectName(QStringLiteral("reviewQueueDock"));
    m_reviewDock->setWidget(m_reviewQueue);
    // A tab beside the Models dock: the queue wants height, the models are not
    // needed while reviewing.
    addDockWidget(Qt::RightDockWidgetArea, m_reviewDock);
    tabifyDockWidget(m_modelDock, m_reviewDock);
    m_reviewDock->hide();
    connect(m_reviewDock->toggleViewAction(), &QAction::triggered, m_reviewDock, [this](bool on) {
        if (on)
            m_reviewDock->raise();
    });
    connect(m_reviewQueue, &widgets::ReviewQueueView::message, this, say);
    connect(m_navigator, &widgets::CellNavigator::arrived, this,
            [this, say](const QString &path, qint64 segmentId, const QString &tag) {
                if (segmentId != 0 && m_reviewQueue->currentRow() >= 0 && m_reviewDock->isVisible())
                    say(tr("%1: is \"%2\" present here? Y present, N absent, Backspace clear, . skip")
                            .arg(QFileInfo(path).fileName(), tag));
            });
    // "." and Ctrl+Right anywhere in the window; they bring the dock up so that
    // Y / N / Backspace land in it.
    QAction *next = m_reviewQueue->nextAction();
    addAction(next);
    connect(next, &QAction::triggered, this, [this]() {
        if (!m_reviewDock->isVisible() || m_reviewQueue->visibleRegion().isEmpty()) {
            m_reviewDock->show();
            m_reviewDock->raise();
            m_reviewQueue->tableView()->setFocus();
        }
    });

    m_search = new widgets::SearchView(m_navigator, this);
    m_searchDock = new QDockWidget(tr("Search"), this);
    m_searchDock->setObjectName(QStringLiteral("searchDock"));
    m_searchDock->setWidget(m_search);
    addDockWidget(Qt::BottomDockWidgetArea, m_searchDock);
    m_searchDock->hide();
    connect(m_search, &widgets::SearchView::message, this, say);
    connect(m_searchDock->toggleViewAction(), &QAction::triggered, m_search, [this](bool on) {
        if (on)
            m_search->queryEdit()->setFocus();
    });

    // New predictions reorder the queue: after tagging the open track (its
    // predictions are queued to the store by then) and after a retrain.
    connect(m_inference, &widgets::InferenceController::finished, this, [this]() {
        if (m_store->isOpen())
            m_reviewQueue->refreshWhenDurable(m_store->lastEditSeq());
    });
}

void MainWindow::addReviewMenuEntries(QMenu *view, QMenu *play)
{
    view->addAction(m_reviewDock->toggleViewAction());
    view->addAction(m_searchDock->toggleViewAction());
    m_reviewDock->toggleViewAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_4));
    m_searchDock->toggleViewAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_5));
    play->addSeparator();
    play->addAction(m_reviewQueue->nextAction());
}

void MainWindow::setReviewStore(engine::AnnotationStore *store)
{
    m_reviewQueue->setStore(store);
    m_search->setStore(store);
}

void MainWindow::watchRetrainForReview(widgets::RetrainDialog *dialog)
{
    connect(dialog, &widgets::RetrainDialog::versionWritten, m_reviewQueue, &widgets::ReviewQueueView::refresh);
}

} // namespace taglane::app
