// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/training/retraindialog.h"

#include "widgets/evaluation/evaluationview.h"
#include "widgets/models/modelfolders.h"
#include "widgets/training/retraincontroller.h"
#include "widgets/training/retrainlossplot.h"

#include "engine/curation/tagnames.h"
#include "engine/store/annotationstore.h"
#include "engine/train/retrainer.h"

#include <QButtonGroup>
#include <QCloseEvent>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace taglane::widgets {

namespace {
QString displayNames(const QStringList &identifiers)
{
    QStringList shown;
    for (const QString &id : identifiers)
        shown << engine::TagNames::displayName(id);
    return shown.join(QStringLiteral(", "));
}
} // namespace

RetrainDialog::RetrainDialog(engine::AnnotationStore *store, const QString &baseFolder,
                             const QList<qint64> &selectedTracks, const QString &modelsFolder, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_baseFolder(baseFolder)
    , m_selected(selectedTracks)
    , m_modelsFolder(modelsFolder)
    , m_controller(new RetrainController(this))
{
    setWindowTitle(tr("Retrain Model"));
    resize(1180, 760);
    if (!baseFolder.isEmpty()) {   // none: the plan asks to select one
        auto bundle = engine::ModelBundle::open(baseFolder);
        if (bundle.ok())
            m_base = bundle->manifest();
        else
            m_baseError = bundle.error();
    }
    const ModelFolders::NewVersion version =
        ModelFolders::nextVersion(baseFolder, m_base.name.isEmpty() ? QFileInfo(baseFolder).completeBaseName() : m_base.name,
                                  modelsFolder);
    m_outputFolder = version.folder;

    m_heading = new QLabel(this);
    m_heading->setWordWrap(true);
    m_heading->setText(tr("<b>Retrain %1</b><br>Fine-tunes the current model on your curated verdicts and writes a "
                          "new version to your models folder. Part of the curated segments is held out to compare "
                          "the two versions.")
                           .arg((m_base.name.isEmpty() ? QFileInfo(baseFolder).fileName() : m_base.name).toHtmlEscaped()));

    m_pages = new QStackedWidget(this);
    for (int i = 0; i < 3; ++i)
        m_pages->addWidget(new QWidget(m_pages));
    buildSetupPage(m_pages->widget(0));
    buildRunningPage(m_pages->widget(1));
    buildResultsPage(m_pages->widget(2));
    m_name->setText(version.name);

    m_start = new QPushButton(tr("&Start Retrain"), this);
    m_start->setDefault(true);
    connect(m_start, &QPushButton::clicked, this, &RetrainDialog::startRetrain);
    m_close = new QPushButton(tr("Close"), this);
    connect(m_close, &QPushButton::clicked, this, &RetrainDialog::reject);
    m_cancel = new QPushButton(tr("&Cancel Retrain"), this);
    connect(m_cancel, &QPushButton::clicked, m_controller, &RetrainController::cancel);
    m_use = new QPushButton(tr("&Use New Model"), this);
    m_use->setToolTip(tr("Make the new version the current model (and tag the open track with it)"));
    connect(m_use, &QPushButton::clicked, this, &RetrainDialog::useNewModel);
    m_keep = new QPushButton(tr("&Keep Current"), this);
    m_keep->setToolTip(tr("Keep using the current model; the new version stays in your models folder"));
    connect(m_keep, &QPushButton::clicked, this, &RetrainDialog::keepCurrent);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    for (QPushButton *b : {m_start, m_cancel, m_use, m_keep, m_close})
        buttons->addWidget(b);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(m_pages, 1);
    layout->addLayout(buttons);

    connect(m_controller, &RetrainController::progress, this, &RetrainDialog::onProgress);
    connect(m_controller, &RetrainController::finished, this, &RetrainDialog::onFinished);
    connect(m_controller, &RetrainController::failed, this, &RetrainDialog::onFailed);
    connect(m_controller, &RetrainController::cancelled, this, &RetrainDialog::onCancelled);

    showPage(Page::Setup);
    reload();
}

RetrainDialog::~RetrainDialog() = default;

void RetrainDialog::buildSetupPage(QWidget *page)
{
    m_allTracks = new QRadioButton(tr("All tracks in the library"), page);
    m_selectedTracks = new QRadioButton(m_selected.isEmpty() ? tr("Only the tracks selected in the library (none is selected)")
                                                             : tr("Only the %n track(s) selected in the library", nullptr,
                                                                  int(m_selected.size())),
                                        page);
    m_selectedTracks->setEnabled(!m_selected.isEmpty());
    (m_selected.isEmpty() ? m_allTracks : m_selectedTracks)->setChecked(true);
    auto *scope = new QButtonGroup(page);
    scope->addButton(m_allTracks);
    scope->addButton(m_selectedTracks);
    connect(m_allTracks, &QRadioButton::toggled, this, &RetrainDialog::reload);

    m_tags = new QTableWidget(0, 4, page);
    m_tags->setHorizontalHeaderLabels({tr("Tag"), tr("Present"), tr("Absent"), tr("Note")});
    m_tags->verticalHeader()->hide();
    m_tags->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_tags->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tags->setSelectionMode(QAbstractItemView::NoSelection);
    m_tags->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tags->horizontalHeader()->setStretchLastSection(true);
    m_tags->setAlternatingRowColors(true);

    m_summary = new QLabel(page);
    m_summary->setWordWrap(true);
    m_name = new QLineEdit(page);
    m_epochs = new QSpinBox(page);
    m_epochs->setRange(0, 100);
    m_epochs->setSpecialValueText(tr("automatic"));
    m_epochs->setToolTip(tr("Passes over the curated segments; training stops early when the held-out loss stops improving"));
    m_holdOut = new QSpinBox(page);
    m_holdOut->setRange(10, 50);
    m_holdOut->setValue(25);
    m_holdOut->setSuffix(tr(" %"));
    m_holdOut->setToolTip(tr("Share of the curated segments of each tag kept out of training to compare the two versions"));
    m_problem = new QLabel(page);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #e07060"));
    m_problem->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("New version:"), m_name);
    form->addRow(tr("Epochs:"), m_epochs);
    form->addRow(tr("Held out:"), m_holdOut);

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Learn from the curated segments of:"), page));
    layout->addWidget(m_allTracks);
    layout->addWidget(m_selectedTracks);
    layout->addWidget(m_tags, 1);
    layout->addWidget(m_summary);
    layout->addLayout(form);
    layout->addWidget(m_problem);
}

void RetrainDialog::buildRunningPage(QWidget *page)
{
    m_runStatus = new QLabel(tr("Preparing..."), page);
    m_runStatus->setWordWrap(true);
    m_progress = new QProgressBar(page);
    m_progress->setRange(0, 0);
    m_progress->setTextVisible(true);
    m_loss = new RetrainLossPlot(page);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_runStatus);
    layout->addWidget(m_progress);
    layout->addWidget(m_loss, 1);
}

void RetrainDialog::buildResultsPage(QWidget *page)
{
    m_resultSummary = new QLabel(page);
    m_resultSummary->setWordWrap(true);
    m_resultSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_evaluation = new EvaluationView(page);
    m_evaluation->setSourceBarVisible(false);
    m_resultLoss = new RetrainLossPlot(page);
    auto *tabs = new QTabWidget(page);
    tabs->addTab(m_evaluation, tr("Held-out metrics"));
    tabs->addTab(m_resultLoss, tr("Loss curve"));
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_resultSummary);
    layout->addWidget(tabs, 1);
}

RetrainDialog::Page RetrainDialog::page() const
{
    return Page(m_pages->currentIndex());
}

bool RetrainDialog::isRunning() const
{
    return m_controller->isRunning();
}

void RetrainDialog::setSelectedOnly(bool selectedOnly)
{
    (selectedOnly && !m_selected.isEmpty() ? m_selectedTracks : m_allTracks)->setChecked(true);
    reload();
}

void RetrainDialog::setEpochs(int epochs)
{
    m_epochs->setValue(epochs);
}

void RetrainDialog::setHoldOutFraction(double fraction)
{
    m_holdOut->setValue(int(std::lround(fraction * 100.0)));
}

QString RetrainDialog::problemText() const
{
    return m_problem->isVisible() || !m_problem->text().isEmpty() ? m_problem->text() : QString();
}

void RetrainDialog::setTagMapping(const engine::TagMapping &mapping)
{
    m_mapping = mapping;
    reload();
}

void RetrainDialog::reload()
{
    if (isRunning())
        return;
    m_curated.clear();
    QString readError;
    if (!m_store || !m_store->isOpen()) {
        readError = tr("No annotation store is open, so there are no curated labels to learn from.");
    } else {
        QVector<qint64> ids;
        if (m_selectedTracks->isChecked())
            ids = QVector<qint64>(m_selected.begin(), m_selected.end());
        auto curated = engine::Retrainer::curatedFromStore(*m_store, ids);
        if (curated.ok())
            m_curated = curated.value();
        else
            readError = curated.error();
    }
    m_folded.clear();
    if (!m_mapping.isEmpty() && m_baseError.isEmpty())
        m_curated = m_mapping.fold(m_curated, m_base.tags.names(), &m_folded);
    m_plan = RetrainPlan::make(m_curated, m_base, m_baseError);
    if (!readError.isEmpty() && m_plan.canStart())
        m_plan.problem = readError;
    showPlan();
}

void RetrainDialog::showPlan()
{
    m_tags->setRowCount(0);
    const QColor muted(0x80, 0x86, 0x90), highlight(0xf0, 0xc0, 0x50);
    for (const RetrainPlan::TagCount &count : std::as_const(m_plan.tags)) {
        const int row = m_tags->rowCount();
        m_tags->insertRow(row);
        auto *name = new QTableWidgetItem(engine::TagNames::displayName(count.tag.name));
        name->setData(Qt::UserRole, count.tag.name);
        name->setToolTip(count.tag.name);
        auto *present = new QTableWidgetItem(QString::number(count.present));
        auto *absent = new QTableWidgetItem(QString::number(count.absent));
        present->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        absent->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        QString note;
        if (count.isNew())
            note = tr("new tag: the output layer grows");
        else if (count.present + count.absent == 0)
            note = tr("no curated segments (kept as it is)");
        if (count.present + count.absent > 0 && (count.present == 0 || count.absent == 0))
            note = (note.isEmpty() ? QString() : note + QStringLiteral("; "))
                   + tr("only %1 examples: no before/after figure").arg(count.present == 0 ? tr("absent") : tr("present"));
        QStringList relatedShown;
        for (const QString &other : m_mapping.related(count.tag.name))
            relatedShown << engine::TagNames::displayName(other);
        if (!relatedShown.isEmpty())
            note = (note.isEmpty() ? QString() : note + QStringLiteral("; "))
                   + tr("related: %1").arg(relatedShown.join(QStringLiteral(", ")));
        auto *noteItem = new QTableWidgetItem(note);
        if (count.isNew()) {
            QFont bold = name->font();
            bold.setBold(true);
            name->setFont(bold);
            name->setForeground(highlight);
            noteItem->setForeground(highlight);
        } else if (count.present + count.absent == 0) {
            for (QTableWidgetItem *item : {name, present, absent, noteItem})
                item->setForeground(muted);
        }
        m_tags->setItem(row, 0, name);
        m_tags->setItem(row, 1, present);
        m_tags->setItem(row, 2, absent);
        m_tags->setItem(row, 3, noteItem);
    }
    QString summary = tr("%n curated segment(s)", nullptr, m_plan.segments) + QLatin1Char(' ')
                      + tr("on %n track(s).", nullptr, m_plan.tracks);
    if (!m_plan.newTags.isEmpty())
        summary += QLatin1Char(' ') + tr("New tags grow the model's output layer: %1.").arg(displayNames(m_plan.newTags));
    if (!m_folded.isEmpty())
        summary += QLatin1Char(' ') + tr("Verdicts of related tags count for the model's tag: %1.").arg(m_folded.join(QStringLiteral(", ")));
    m_summary->setText(summary);
    showProblem(m_plan.problem);
    m_start->setEnabled(m_plan.canStart());
}

void RetrainDialog::showProblem(const QString &text)
{
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
}

engine::RetrainRequest RetrainDialog::request() const
{
    engine::RetrainRequest r;
    r.baseBundle = m_baseFolder;
    r.curated = m_curated;
    r.tags = m_plan.outputTags;
    r.outputFolder = m_outputFolder;
    r.modelName = m_name->text().trimmed();
    r.holdOutFraction = m_holdOut->value() / 100.0;
    r.epochs = m_epochs->value();
    return r;
}

bool RetrainDialog::startRetrain()
{
    if (isRunning())
        return false;
    if (!m_plan.canStart()) {
        showProblem(m_plan.problem);
        return false;
    }
    // Another retrain (or a second dialog) may have taken the name meanwhile.
    if (QFileInfo::exists(m_outputFolder))
        m_outputFolder = ModelFolders::nextVersion(m_baseFolder, m_base.name, m_modelsFolder).folder;
    m_loss->clear();
    m_progress->setRange(0, 0);
    m_runStatus->setText(tr("Preparing the curated segments (reading audio, computing features)..."));
    showPage(Page::Running);
    if (!m_controller->start(request())) {
        showPage(Page::Setup);
        showProblem(m_controller->lastError());
        return false;
    }
    return true;
}

void RetrainDialog::onProgress(const engine::TrainingProgress &p)
{
    m_loss->addProgress(p);
    if (p.epoch < 1) {
        // Before the first epoch the engine prepares the curated tracks.
        m_progress->setRange(0, std::max(1, p.batches));
        m_progress->setValue(p.batch);
        m_progress->setFormat(tr("Preparing %p%"));
        m_runStatus->setText(tr("Reading the curated tracks and computing what the current model hears in them: "
                                "%1 of %2 (%3 s)")
                                 .arg(p.batch)
                                 .arg(p.batches)
                                 .arg(p.seconds, 0, 'f', 0));
        return;
    }
    m_progress->setFormat(tr("Training %p%"));
    const int epochs = std::max(1, p.epochs);
    const double fraction = ((p.epoch - 1) + (p.batches > 0 ? double(p.batch) / p.batches : 1.0)) / epochs;
    m_progress->setRange(0, 1000);
    m_progress->setValue(int(std::clamp(fraction, 0.0, 1.0) * 1000.0));
    QString text = tr("Epoch %1 of %2, step %3 of %4: training loss %5")
                       .arg(p.epoch)
                       .arg(p.epochs)
                       .arg(p.batch)
                       .arg(p.batches)
                       .arg(p.trainLoss, 0, 'f', 4);
    const auto &epochsDone = m_controller->epochs();
    if (!epochsDone.empty() && std::isfinite(epochsDone.back().valLoss))
        text += tr(", held-out loss %1 after epoch %2").arg(epochsDone.back().valLoss, 0, 'f', 4).arg(epochsDone.back().epoch);
    text += tr(" (%1 s)").arg(p.seconds, 0, 'f', 0);
    m_runStatus->setText(text);
}

void RetrainDialog::onFinished()
{
    const engine::RetrainOutcome &o = m_controller->outcome();
    Q_EMIT versionWritten(o.bundleFolder);
    EvaluationView::Side before, after;
    before.label = tr("Before");
    before.tags = o.tags;
    before.input = o.heldOutBefore;
    before.report = o.before;
    before.unscored = o.newTags;
    after.label = tr("After");
    after.tags = o.tags;
    after.input = o.heldOut;
    after.report = o.after;
    m_evaluation->showComparison(before, after);
    if (!o.newTags.isEmpty())
        m_evaluation->showCurvesFor(o.newTags.front());
    m_resultLoss->setHistory(o.history.empty() ? m_controller->epochs() : o.history);

    QString text = tr("<b>%1</b> was trained on %2 curated segments in %3 s; %4 held-out segments compare it with "
                      "the current model below (\"n/a\": the current model has no output for that tag).")
                       .arg(o.manifest.name.toHtmlEscaped())
                       .arg(o.trainSegments)
                       .arg(o.seconds, 0, 'f', 1)
                       .arg(o.heldOutSegments);
    if (!o.newTags.isEmpty())
        text += QStringLiteral("<br>") + tr("New tags: %1.").arg(displayNames(o.newTags).toHtmlEscaped());
    text += QStringLiteral("<br>") + tr("Saved as %1").arg(QDir::toNativeSeparators(o.bundleFolder).toHtmlEscaped());
    if (!o.warnings.isEmpty())
        text += QStringLiteral("<br><span style=\"color:#f0c050\">%1</span>")
                    .arg(o.warnings.join(QStringLiteral(" ")).toHtmlEscaped());
    m_resultSummary->setText(text);
    showPage(Page::Results);
}

void RetrainDialog::onFailed(const QString &message)
{
    showPage(Page::Setup);
    showProblem(tr("The retrain failed: %1").arg(message));
    if (m_closeWhenStopped)
        QDialog::reject();
}

void RetrainDialog::onCancelled()
{
    showPage(Page::Setup);
    showProblem(tr("The retrain was cancelled; no new version was written."));
    m_problem->setStyleSheet(QString());
    if (m_closeWhenStopped)
        QDialog::reject();
}

void RetrainDialog::showPage(Page page)
{
    m_pages->setCurrentIndex(int(page));
    m_problem->setStyleSheet(QStringLiteral("color: #e07060"));
    m_start->setVisible(page == Page::Setup);
    m_close->setVisible(page == Page::Setup);
    m_cancel->setVisible(page == Page::Running);
    m_use->setVisible(page == Page::Results);
    m_keep->setVisible(page == Page::Results);
    if (page == Page::Results)
        m_use->setDefault(true);
    else if (page == Page::Setup)
        m_start->setDefault(true);
}

void RetrainDialog::useNewModel()
{
    const QString folder = m_controller->outcome().bundleFolder;
    if (!folder.isEmpty())
        Q_EMIT useModelRequested(folder);
    accept();
}

void RetrainDialog::keepCurrent()
{
    QDialog::reject();
}

bool RetrainDialog::confirmCancel()
{
    const auto answer = QMessageBox::question(this, tr("Retrain Model"),
                                              tr("A retrain is running. Cancel it? Nothing of it will be kept."),
                                              QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    return answer == QMessageBox::Yes;
}

void RetrainDialog::reject()
{
    if (!isRunning()) {
        QDialog::reject();
        return;
    }
    if (confirmCancel())
        cancelAndClose();
}

void RetrainDialog::cancelAndClose()
{
    if (!isRunning()) {
        QDialog::reject();
        return;
    }
    m_closeWhenStopped = true;
    m_runStatus->setText(tr("Cancelling..."));
    m_controller->cancel();
}

void RetrainDialog::closeEvent(QCloseEvent *event)
{
    if (isRunning()) {
        event->ignore();
        reject();
        return;
    }
    QDialog::closeEvent(event);
}

} // namespace taglane::widgets
