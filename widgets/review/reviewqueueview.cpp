// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/review/reviewqueueview.h"

#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/review/cellnavigator.h"
#include "widgets/review/reviewqueuemodel.h"
#include "widgets/track/trackview.h"

#include "engine/curation/trackdocument.h"
#include "engine/store/annotationstore.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QSpinBox>
#include <QTableView>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>

#include <limits>

namespace taglane::widgets {

using engine::ReviewQueue;

ReviewQueueView::ReviewQueueView(CellNavigator *navigator, QWidget *parent)
    : QWidget(parent)
    , m_navigator(navigator)
    , m_cells(new ReviewQueueModel(this))
{
    m_strategy = new QComboBox(this);
    m_strategy->addItem(tr("Uncertainty"), QStringLiteral("uncertainty"));
    m_strategy->setItemData(0, tr("Probability closest to 0.5 first"), Qt::ToolTipRole);
    m_strategy->addItem(tr("Disagreement"), QStringLiteral("disagreement"));
    m_strategy->setItemData(1, tr("Largest spread between the model versions that scored the cell first"), Qt::ToolTipRole);
    m_strategy->addItem(tr("Diverse"), QStringLiteral("diverse"));
    m_strategy->setItemData(2, tr("Uncertain cells mixed across tracks and tags"), Qt::ToolTipRole);
    m_model = new QComboBox(this);
    m_model->setToolTip(tr("Probabilities of this model version (default: per track the version that tagged it last)"));
    m_limit = new QSpinBox(this);
    m_limit->setRange(10, 5000);
    m_limit->setValue(100);
    m_limit->setSingleStep(50);
    m_limit->setToolTip(tr("How many cells to list"));

    m_table = new QTableView(this);
    m_table->setModel(m_cells);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(ReviewQueueModel::TrackColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(ReviewQueueModel::TagColumn, QHeaderView::ResizeToContents);
    m_table->setColumnHidden(ReviewQueueModel::ScoreColumn, true);
    m_status = new QLabel(tr("No annotation store."), this);
    m_status->setWordWrap(true);

    m_next = new QAction(tr("&Next Queued Cell"), this);
    m_next->setShortcuts({QKeySequence(Qt::Key_Period), QKeySequence(Qt::CTRL | Qt::Key_Right)});
    m_next->setShortcutContext(Qt::WindowShortcut);
    m_next->setToolTip(tr("Go to the next cell of the review queue and play it (. or Ctrl+Right)"));
    connect(m_next, &QAction::triggered, this, [this]() { next(); });
    auto answerAction = [this](const QString &text, const QKeySequence &key, int verdict, const QString &tip) {
        auto *a = new QAction(text, this);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        a->setToolTip(tip);
        connect(a, &QAction::triggered, this, [this, verdict]() { answer(verdict); });
        addAction(a);
        return a;
    };
    m_present = answerAction(tr("Present"), QKeySequence(Qt::Key_Y), TagLaneModel::Present,
                             tr("The tag is present in this segment; go on to the next cell (Y)"));
    m_absent = answerAction(tr("Absent"), QKeySequence(Qt::Key_N), TagLaneModel::Absent,
                            tr("The tag is absent from this segment; go on to the next cell (N)"));
    m_clear = answerAction(tr("Clear"), QKeySequence(Qt::Key_Backspace), TagLaneModel::Unknown,
                           tr("Clear this cell's verdict; go on to the next cell (Backspace)"));
    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setToolTip(tr("Build the queue again from the store"));
    connect(refresh, &QAction::triggered, this, &ReviewQueueView::refresh);

    auto *form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("&Strategy:"), m_strategy);
    form->addRow(tr("&Model:"), m_model);
    form->addRow(tr("&Cells:"), m_limit);
    auto *buttons = new QHBoxLayout;
    for (QAction *a : {m_next, m_present, m_absent, m_clear, refresh}) {
        auto *b = new QToolButton(this);
        b->setDefaultAction(a);
        if (a == m_next)
            b->setText(tr("Next"));
        buttons->addWidget(b);
    }
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);

    connect(m_strategy, &QComboBox::currentIndexChanged, this, &ReviewQueueView::refresh);
    connect(m_model, &QComboBox::currentIndexChanged, this, &ReviewQueueView::refresh);
    connect(m_limit, &QSpinBox::valueChanged, this, &ReviewQueueView::refresh);
    connect(m_table, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &index) { goToRow(index.row()); });
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) { goToRow(index.row()); });
    if (m_navigator && m_navigator->trackView())
        m_navigator->trackView()->tagLaneView()->installEventFilter(this);
    populateModels();
}

ReviewQueueView::~ReviewQueueView()
{
    ++m_ticket;   // a late result is dropped
    if (m_thread)
        m_thread->wait();
}

void ReviewQueueView::setStore(engine::AnnotationStore *store)
{
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    m_answered.clear();
    m_refreshSeq = 0;
    m_built = false;
    m_current = {0, 0};
    if (m_store)
        connect(m_store, &engine::AnnotationStore::durable, this, &ReviewQueueView::onDurable);
    populateModels();
    refresh();
}

void ReviewQueueView::populateModels()
{
    const QString chosen = m_model->currentData().toString();
    QSignalBlocker block(m_model);
    m_model->clear();
    m_model->addItem(tr("Newest per track"), QString());
    if (m_store && m_store->isOpen())
        for (const QString &v : m_store->modelVersions())
            m_model->addItem(v, v);
    const int index = m_model->findData(chosen);
    m_model->setCurrentIndex(index >= 0 ? index : 0);
}

ReviewQueue::Options ReviewQueueView::options() const
{
    ReviewQueue::Options o;
    o.strategy = ReviewQueue::parseStrategy(m_strategy->currentData().toString()).value();
    o.modelVersion = m_model->currentData().toString();
    o.limit = m_limit->value();
    return o;
}

int ReviewQueueView::currentRow() const
{
    return m_current.first == 0 ? -1 : m_cells->rowOf(m_current.first, m_current.second);
}

void ReviewQueueView::refresh()
{
    if (!m_store || !m_store->isOpen()) {
        m_cells->setCells({});
        m_status->setText(tr("No annotation store."));
        return;
    }
    if (m_thread) {
        m_again = true;
        return;
    }
    m_again = false;
    const QString path = m_store->path();
    const ReviewQueue::Options options = this->options();
    const qint64 snapshot = m_store->durableSeq();
    const int ticket = ++m_ticket;
    m_status->setText(tr("Building the queue..."));
    QPointer<ReviewQueueView> self(this);
    m_thread = QThread::create([self, path, options, snapshot, ticket]() {
        auto cells = ReviewQueue::build(path, options);
        QMetaObject::invokeMethod(qApp, [self, snapshot, ticket, cells = std::move(cells)]() {
            if (self)
                self->onBuilt(ticket, snapshot, cells);
        });
    });
    connect(m_thread, &QThread::finished, m_thread, &QObject::deleteLater);
    m_thread->start(QThread::LowPriority);
}

void ReviewQueueView::refreshWhenDurable(qint64 seq)
{
    if (!m_store)
        return;
    if (m_store->durableSeq() >= seq)
        refresh();
    else
        m_refreshSeq = std::max(m_refreshSeq, seq);
}

void ReviewQueueView::onDurable(qint64 seq)
{
    if (m_refreshSeq > 0 && seq >= m_refreshSeq) {
        m_refreshSeq = 0;
        refresh();
    }
}

void ReviewQueueView::onBuilt(int ticket, qint64 snapshot, const engine::Result<QVector<engine::ReviewCell>> &cells)
{
    if (ticket != m_ticket)
        return;
    m_thread = nullptr;   // it deletes itself once finished
    if (m_again || !m_store) {
        refresh();
        return;
    }
    m_built = true;
    if (!cells) {
        m_cells->setCells({});
        m_status->setText(cells.error());
        Q_EMIT message(cells.error());
        Q_EMIT refreshed(0);
        return;
    }
    // Answers the build saw committed no longer need hiding.
    for (auto it = m_answered.begin(); it != m_answered.end();)
        it = it.value() <= snapshot ? m_answered.erase(it) : std::next(it);
    QVector<engine::ReviewCell> listed;
    for (const engine::ReviewCell &c : cells.value())
        if (!m_answered.contains({c.segmentId, c.tagId}))
            listed << c;
    m_cells->setCells(listed);
    populateModels();
    const int row = currentRow();
    if (row >= 0)
        m_table->selectRow(row);
    const auto strategy = options().strategy;
    if (listed.isEmpty())
        m_status->setText(strategy == ReviewQueue::Strategy::Disagreement
                              ? tr("No uncurated cell was scored by two or more model versions.")
                              : tr("No uncurated cells with predictions: tag the library first."));
    else
        m_status->setText(tr("%n cell(s) to review, most useful first.", nullptr, int(listed.size())));
    Q_EMIT refreshed(int(listed.size()));
    if (m_goWhenBuilt) {
        m_goWhenBuilt = false;
        if (!listed.isEmpty())
            goToRow(0);
        else
            Q_EMIT message(m_status->text());
    }
}

bool ReviewQueueView::next()
{
    if (m_cells->rowCount() == 0) {
        if (!m_store || !m_store->isOpen()) {
            Q_EMIT message(tr("Open an annotation store first."));
            return false;
        }
        if (isBuilding() || !m_built) {
            m_goWhenBuilt = true;
            if (!isBuilding())
                refresh();
            Q_EMIT message(tr("Building the review queue..."));
            return false;
        }
        Q_EMIT message(m_status->text());
        return false;
    }
    const int row = currentRow();
    const int target = row < 0 ? 0 : row + 1;
    if (target >= m_cells->rowCount()) {
        Q_EMIT message(tr("End of the review queue; it is refreshed after each answer."));
        return false;
    }
    return goToRow(target);
}

bool ReviewQueueView::goToRow(int row)
{
    if (row < 0 || row >= m_cells->rowCount() || !m_navigator)
        return false;
    const engine::ReviewCell cell = m_cells->cell(row);
    m_current = {cell.segmentId, cell.tagId};
    m_table->selectRow(row);
    m_table->scrollTo(m_cells->index(row, 0));
    if (isVisible() && !m_navigator->trackView()->tagLaneView()->hasFocus())
        m_table->setFocus();
    m_navigator->goToCell(cell.trackPath, cell.segmentId, {cell.tag}, true);
    return true;
}

bool ReviewQueueView::laneShowsCurrent() const
{
    const int row = currentRow();
    if (row < 0 || !m_navigator || !m_navigator->isOpen(m_cells->cell(row).trackPath))
        return false;
    const TagLaneView *lane = m_navigator->trackView()->tagLaneView();
    const TagLaneModel *model = lane->model();
    const engine::ReviewCell &cell = m_cells->cell(row);
    return lane->hasSelection() && lane->selectedRows() == QVector<int>{model->rowOfTag(cell.tag)}
           && lane->selectedColumns() == QVector<int>{model->columnOfSegment(cell.segmentId)};
}

bool ReviewQueueView::answer(int verdict)
{
    const int row = currentRow();
    if (row < 0) {
        Q_EMIT message(tr("Go to a queued cell first (. or Ctrl+Right)."));
        return false;
    }
    const engine::ReviewCell cell = m_cells->cell(row);
    if (!m_navigator || !m_navigator->isOpen(cell.trackPath)) {
        Q_EMIT message(tr("%1 is still opening.").arg(QFileInfo(cell.trackPath).fileName()));
        return false;
    }
    TagLaneView *lane = m_navigator->trackView()->tagLaneView();
    TagLaneModel *model = lane->model();
    const int laneRow = model->rowOfTag(cell.tag);
    const int column = model->columnOfSegment(cell.segmentId);
    if (laneRow < 0 || column < 0) {
        Q_EMIT message(tr("The lane does not show %1 at %2; refresh the queue.")
                           .arg(cell.tag, ReviewQueueModel::formatSpan(cell.start, cell.end)));
        return false;
    }
    // The lane's own verdict path: one undoable command on the track's stack.
    lane->selectCell(laneRow, column);
    lane->setVerdictOnSelection(verdict);
    const engine::TrackDocument *doc = m_navigator->trackView()->document();
    const bool saved = doc->store() && doc->lastEditSeq() > 0;
    const qint64 seq = saved ? doc->lastEditSeq() : std::numeric_limits<qint64>::max();
    int target = row + 1;
    if (verdict == TagLaneModel::Unknown) {
        m_answered.remove({cell.segmentId, cell.tagId});
    } else {
        m_answered.insert({cell.segmentId, cell.tagId}, seq);
        m_cells->removeCell(row);
        target = row;
    }
    if (saved)
        refreshWhenDurable(seq);
    if (target < m_cells->rowCount())
        return goToRow(target);
    m_current = {0, 0};
    Q_EMIT message(tr("That was the last queued cell; the queue is being refreshed."));
    return true;
}

bool ReviewQueueView::eventFilter(QObject *watched, QEvent *event)
{
    // In the lane, Y / N / Backspace on the queued cell answer the queue
    // (and move on); on any other selection they stay the lane's.
    if (event->type() == QEvent::KeyPress && m_navigator && watched == m_navigator->trackView()->tagLaneView()) {
        auto *key = static_cast<QKeyEvent *>(event);
        const bool plain = (key->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier;
        int verdict = -1;
        switch (key->key()) {
        case Qt::Key_Y: verdict = TagLaneModel::Present; break;
        case Qt::Key_N: verdict = TagLaneModel::Absent; break;
        case Qt::Key_Backspace:
        case Qt::Key_Delete: verdict = TagLaneModel::Unknown; break;
        default: break;
        }
        if (plain && verdict >= 0 && laneShowsCurrent()) {
            answer(verdict);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace taglane::widgets
