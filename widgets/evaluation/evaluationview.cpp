// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/evaluation/evaluationview.h"

#include "widgets/evaluation/evaluationplot.h"
#include "widgets/models/modellistmodel.h"

#include "engine/curation/tagnames.h"
#include "engine/eval/metrics.h"
#include "engine/train/modelevaluator.h"

#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>

#include <atomic>
#include <cmath>
#include <limits>
#include <optional>

namespace taglane::widgets {

namespace {

constexpr int SortRole = Qt::UserRole + 1;
constexpr int PinRole = Qt::UserRole + 2;   ///< 0 for tag rows, 1.. for summary rows (kept at the bottom)
constexpr int IdRole = Qt::UserRole + 3;    ///< a tag row's identifier (the text is its display name)
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Sorts tag rows by the column's number (undefined values lowest); summary
/// rows stay below them in their own order whatever the sort order.
class PinnedSortProxy : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override
    {
        const int pinLeft = sourceModel()->index(left.row(), 0).data(PinRole).toInt();
        const int pinRight = sourceModel()->index(right.row(), 0).data(PinRole).toInt();
        const bool ascending = sortOrder() == Qt::AscendingOrder;
        if (pinLeft != pinRight)
            return ascending ? pinLeft < pinRight : pinLeft > pinRight;
        if (pinLeft != 0)
            return false;
        const QVariant a = left.data(SortRole), b = right.data(SortRole);
        if (a.typeId() == QMetaType::Double || b.typeId() == QMetaType::Double) {
            double x = a.toDouble(), y = b.toDouble();
            if (std::isnan(x))
                x = -std::numeric_limits<double>::infinity();
            if (std::isnan(y))
                y = -std::numeric_limits<double>::infinity();
            return x < y;
        }
        return QString::localeAwareCompare(a.toString(), b.toString()) < 0;
    }
};

QString number(double value)
{
    return std::isfinite(value) ? QString::number(value, 'f', 3) : EvaluationView::tr("n/a");
}

/// Known cells without a finite score (a tag the model does not predict)
/// become unknown, so curves and pooled figures leave them out.
engine::EvalInput withoutUnscored(engine::EvalInput input)
{
    const size_t cells = size_t(input.examples) * size_t(input.tags);
    if (input.scores.size() != cells)
        return input;
    if (input.known.empty())
        input.known.assign(cells, 1);
    for (size_t i = 0; i < cells && i < input.known.size(); ++i) {
        if (!std::isfinite(input.scores[i])) {
            input.known[i] = 0;
            input.scores[i] = 0.0;
        }
    }
    return input;
}

/// Mean of per-tag values over tags where both sides have a finite value.
std::pair<double, double> sharedMean(const std::vector<std::pair<double, double>> &pairs)
{
    double a = 0.0, b = 0.0;
    int n = 0;
    for (const auto &[x, y] : pairs) {
        if (std::isfinite(x) && std::isfinite(y)) {
            a += x;
            b += y;
            ++n;
        }
    }
    return n ? std::pair{a / n, b / n} : std::pair{nan, nan};
}

} // namespace

/// One evaluation run, shared with its worker thread.
struct EvaluationView::Job
{
    QString model;
    QString compare;
    QString data;
    std::atomic_bool cancel{false};
    std::optional<engine::Result<engine::ModelEvaluation>> first;   ///< the compared-with model ("before")
    std::optional<engine::Result<engine::ModelEvaluation>> second;  ///< the chosen model
};

EvaluationView::EvaluationView(QWidget *parent)
    : QWidget(parent)
    , m_items(new QStandardItemModel(this))
    , m_proxy(new PinnedSortProxy(this))
{
    // Source bar: model, optional model to compare with, labelled folder.
    m_sourceBar = new QWidget(this);
    m_model = new QComboBox(m_sourceBar);
    m_model->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_model->setMinimumContentsLength(18);
    m_compare = new QComboBox(m_sourceBar);
    m_compare->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_compare->setMinimumContentsLength(14);
    m_compare->setToolTip(tr("A second model scored on the same segments, shown as \"before\""));
    m_data = new QLineEdit(m_sourceBar);
    m_data->setPlaceholderText(tr("Folder with audio files and CAL500exp CSVs"));
    m_data->setMinimumWidth(220);
    auto *browse = new QPushButton(tr("&Browse..."), m_sourceBar);
    connect(browse, &QPushButton::clicked, this, &EvaluationView::chooseDataFolder);
    m_evaluate = new QPushButton(tr("&Evaluate"), m_sourceBar);
    m_evaluate->setDefault(true);
    connect(m_evaluate, &QPushButton::clicked, this, &EvaluationView::startEvaluation);
    m_cancel = new QPushButton(tr("Cancel"), m_sourceBar);
    m_cancel->setEnabled(false);
    connect(m_cancel, &QPushButton::clicked, this, &EvaluationView::cancel);
    m_progress = new QProgressBar(m_sourceBar);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(8);
    m_progress->hide();

    auto *sourceRow = new QHBoxLayout;
    sourceRow->addWidget(new QLabel(tr("Model:"), m_sourceBar));
    sourceRow->addWidget(m_model, 2);
    sourceRow->addWidget(new QLabel(tr("compared with:"), m_sourceBar));
    sourceRow->addWidget(m_compare, 1);
    auto *dataRow = new QHBoxLayout;
    dataRow->addWidget(new QLabel(tr("Labelled folder:"), m_sourceBar));
    dataRow->addWidget(m_data, 1);
    dataRow->addWidget(browse);
    dataRow->addWidget(m_evaluate);
    dataRow->addWidget(m_cancel);
    auto *sourceLayout = new QVBoxLayout(m_sourceBar);
    sourceLayout->setContentsMargins(0, 0, 0, 0);
    sourceLayout->addLayout(sourceRow);
    sourceLayout->addLayout(dataRow);
    sourceLayout->addWidget(m_progress);

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // Results: the table, and the curves of one tag.
    m_proxy->setSourceModel(m_items);
    m_proxy->setSortRole(SortRole);
    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setAlternatingRowColors(true);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        if (!current.isValid())
            return;
        const QModelIndex first = m_proxy->index(current.row(), 0);
        if (first.data(PinRole).toInt() == 0)
            showCurvesFor(first.data(IdRole).toString());
        else if (first.data(Qt::DisplayRole).toString() == microLabel())
            showCurvesFor({});
    });

    m_curveTag = new QComboBox(this);
    m_curveTag->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_curveTag->setMinimumContentsLength(20);
    connect(m_curveTag, &QComboBox::currentIndexChanged, this, &EvaluationView::updateCurves);
    m_roc = new EvaluationPlot(EvaluationPlot::Kind::Roc, this);
    m_pr = new EvaluationPlot(EvaluationPlot::Kind::PrecisionRecall, this);
    m_roc->setMinimumSize(260, 200);
    m_pr->setMinimumSize(260, 200);
    m_roc->followPalette();
    m_pr->followPalette();

    auto *curves = new QWidget(this);
    auto *curveRow = new QHBoxLayout;
    curveRow->addWidget(new QLabel(tr("Curves of:"), curves));
    curveRow->addWidget(m_curveTag, 1);
    auto *curveLayout = new QVBoxLayout(curves);
    curveLayout->setContentsMargins(0, 0, 0, 0);
    curveLayout->addLayout(curveRow);
    curveLayout->addWidget(m_roc, 1);
    curveLayout->addWidget(m_pr, 1);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(curves);
    splitter->setStretchFactor(0, 5);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_sourceBar);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);
    m_smallSample = new QLabel(this);
    m_smallSample->setObjectName(QStringLiteral("smallSampleWarning"));
    m_smallSample->setWordWrap(true);
    m_smallSample->setStyleSheet(QStringLiteral("color: #f0c050"));
    m_smallSample->hide();
    layout->addWidget(m_smallSample);
    clearResults();
    fillModelChoices();
}

EvaluationView::~EvaluationView()
{
    if (m_job)
        m_job->cancel = true;
    if (m_thread)
        m_thread->wait();
}

// ---- source bar

void EvaluationView::setModelList(ModelListModel *models)
{
    if (m_models)
        disconnect(m_models, nullptr, this, nullptr);
    m_models = models;
    if (models)
        connect(models, &QAbstractItemModel::modelReset, this, &EvaluationView::fillModelChoices);
    fillModelChoices();
}

void EvaluationView::fillModelChoices()
{
    const QString model = modelFolder(), compare = compareFolder();
    m_model->clear();
    m_compare->clear();
    m_compare->addItem(tr("(no other model)"), QString());
    if (m_models) {
        for (int row = 0; row < m_models->rowCount(); ++row) {
            const ModelFolders::Entry &e = m_models->entry(row);
            if (!e.ok())
                continue;
            m_model->addItem(e.manifest.name, e.folder);
            m_compare->addItem(e.manifest.name, e.folder);
            m_model->setItemData(m_model->count() - 1, QDir::toNativeSeparators(e.folder), Qt::ToolTipRole);
        }
    }
    selectModel(model);
    selectCompareModel(compare);
}

void EvaluationView::setSourceBarVisible(bool visible)
{
    m_sourceBar->setVisible(visible);
}

bool EvaluationView::selectModel(const QString &folder)
{
    for (int i = 0; i < m_model->count(); ++i) {
        if (!folder.isEmpty() && QFileInfo(m_model->itemData(i).toString()) == QFileInfo(folder)) {
            m_model->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

bool EvaluationView::selectCompareModel(const QString &folder)
{
    if (folder.isEmpty()) {
        m_compare->setCurrentIndex(0);
        return true;
    }
    for (int i = 1; i < m_compare->count(); ++i) {
        if (QFileInfo(m_compare->itemData(i).toString()) == QFileInfo(folder)) {
            m_compare->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

void EvaluationView::setDataFolder(const QString &folder)
{
    m_data->setText(QDir::toNativeSeparators(folder));
}

QString EvaluationView::modelFolder() const
{
    return m_model->currentData().toString();
}

QString EvaluationView::compareFolder() const
{
    return m_compare->currentData().toString();
}

QString EvaluationView::dataFolder() const
{
    return QDir::fromNativeSeparators(m_data->text().trimmed());
}

void EvaluationView::chooseDataFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Labelled Folder"),
                                                             dataFolder().isEmpty() ? QDir::homePath() : dataFolder());
    if (!folder.isEmpty())
        setDataFolder(folder);
}

bool EvaluationView::startEvaluation()
{
    if (m_running) {
        showError(tr("An evaluation is running already."));
        return false;
    }
    const QString model = modelFolder(), data = dataFolder();
    if (model.isEmpty()) {
        showError(tr("Choose a model to evaluate."));
        return false;
    }
    if (data.isEmpty() || !QFileInfo(data).isDir()) {
        showError(tr("Choose a folder holding audio files and their CAL500exp CSV labels."));
        return false;
    }
    auto job = std::make_shared<Job>();
    job->model = model;
    job->compare = compareFolder() == model ? QString() : compareFolder();
    job->data = data;
    m_job = job;
    m_errorText.clear();
    m_status->setText(tr("Evaluating %1 on %2...").arg(m_model->currentText(), QDir::toNativeSeparators(data)));

    QThread *thread = QThread::create([this, job]() {
        QElapsedTimer throttle;
        throttle.start();
        const int parts = job->compare.isEmpty() ? 1 : 2;
        auto sink = [this, job, &throttle, parts](int part) {
            engine::ProgressSink s;
            s.cancel = &job->cancel;
            s.report = [this, &throttle, part, parts](double f) {
                if (throttle.elapsed() < 100)
                    return;
                throttle.restart();
                const double overall = (part + f) / parts;
                QMetaObject::invokeMethod(this, [this, overall]() {
                    if (m_running) {
                        m_progress->setValue(int(overall * 1000.0));
                        Q_EMIT evaluationProgress(overall);
                    }
                }, Qt::QueuedConnection);
            };
            return s;
        };
        int part = 0;
        if (!job->compare.isEmpty()) {
            job->first = engine::ModelEvaluator::evaluate(job->compare, job->data, 0.5, sink(part++));
            if (!job->first->ok() || job->cancel)
                return;
        }
        job->second = engine::ModelEvaluator::evaluate(job->model, job->data, 0.5, sink(part));
    });
    thread->setParent(this);
    m_thread = thread;
    connect(thread, &QThread::finished, this, [this, job, thread]() {
        thread->deleteLater();
        onJobDone(job);
    });
    setRunning(true);
    thread->start();
    Q_EMIT evaluationStarted();
    return true;
}

void EvaluationView::cancel()
{
    if (m_running && m_job)
        m_job->cancel = true;
}

void EvaluationView::setRunning(bool running)
{
    m_running = running;
    m_evaluate->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_model->setEnabled(!running);
    m_compare->setEnabled(!running);
    m_data->setEnabled(!running);
    m_progress->setValue(0);
    m_progress->setVisible(running);
}

void EvaluationView::showError(const QString &message)
{
    m_errorText = message;
    m_status->setText(QStringLiteral("<span style=\"color:#e07060\">%1</span>").arg(message.toHtmlEscaped()));
    Q_EMIT evaluationFailed(message);
}

void EvaluationView::onJobDone(const std::shared_ptr<Job> &job)
{
    if (job != m_job)
        return;
    setRunning(false);
    if (job->cancel) {
        m_status->setText(tr("The evaluation was cancelled."));
        Q_EMIT evaluationCancelled();
        return;
    }
    for (const auto *result : {&job->first, &job->second}) {
        if (result->has_value() && !(*result)->ok()) {
            showError((*result)->error());
            return;
        }
    }
    if (!job->second) {
        showError(tr("The evaluation stopped without a result."));
        return;
    }
    auto side = [](const engine::ModelEvaluation &e) {
        Side s;
        s.label = e.manifest.name;
        s.tags = e.manifest.tags;
        s.input = e.input;
        s.report = e.report;
        return s;
    };
    const engine::ModelEvaluation &after = job->second->value();
    QStringList warnings = after.warnings;
    if (job->first) {
        const engine::ModelEvaluation &before = job->first->value();
        Side b = side(before), a = side(after);
        // Short column headings; the status line names the two models.
        b.label = tr("Before");
        a.label = tr("After");
        showComparison(b, a);
        warnings += before.warnings;
    } else {
        showSingle(side(after));
    }
    QString text = tr("%1 on %n track(s), %2 segments, in %3 s.", nullptr, after.tracks)
                       .arg(after.manifest.name)
                       .arg(after.input.examples)
                       .arg(after.seconds, 0, 'f', 1);
    if (job->first)
        text = tr("Before: %1. After: %2.").arg(job->first->value().manifest.name, after.manifest.name) + QLatin1Char(' ')
               + tr("%n track(s), %1 segments.", nullptr, after.tracks).arg(after.input.examples);
    if (!warnings.isEmpty())
        text += QLatin1Char(' ') + tr("%n file(s) skipped or doubtful: %1", nullptr, int(warnings.size()))
                                       .arg(warnings.mid(0, 3).join(QStringLiteral("; ")));
    m_status->setText(text.toHtmlEscaped());
    Q_EMIT evaluationFinished();
}

// ---- results

void EvaluationView::clearResults()
{
    m_before = {};
    m_after = {};
    m_comparison = false;
    rebuildTable();
    updateCurveChoices();
}

void EvaluationView::showSingle(const Side &side)
{
    m_comparison = false;
    m_before = {};
    m_after = side;
    m_after.input = withoutUnscored(side.input);
    rebuildTable();
    updateCurveChoices();
}

void EvaluationView::showComparison(const Side &before, const Side &after)
{
    m_comparison = true;
    m_before = before;
    m_after = after;
    m_before.input = withoutUnscored(before.input);
    m_after.input = withoutUnscored(after.input);
    rebuildTable();
    updateCurveChoices();
}

int EvaluationView::columnCount() const
{
    return m_items->columnCount();
}

QString EvaluationView::smallSampleWarning() const
{
    return m_smallSample->text();
}

QString EvaluationView::headerText(int column) const
{
    return m_items->headerData(column, Qt::Horizontal).toString();
}

QString EvaluationView::macroLabel()
{
    return tr("Macro (mean over tags)");
}

QString EvaluationView::microLabel()
{
    return tr("Micro (all cells pooled)");
}

QString EvaluationView::sharedMacroLabel()
{
    return tr("Macro, tags both models have");
}

QString EvaluationView::cellText(const QString &rowName, int column) const
{
    for (int row = 0; row < m_items->rowCount(); ++row) {
        const QStandardItem *first = m_items->item(row, 0);
        if (first->text() == rowName || first->data(IdRole).toString() == rowName) {
            const QStandardItem *item = m_items->item(row, column);
            return item ? item->text() : QString();
        }
    }
    return {};
}

void EvaluationView::rebuildTable()
{
    const QString selectedTag = curveTag();
    m_items->clear();
    m_tagRows = 0;
    QStringList headers{tr("Tag"), tr("Present /\nabsent")};
    if (m_comparison) {
        for (const QString &metric : {tr("ROC-AUC"), tr("PR-AUC"), tr("F1")}) {
            headers << tr("%1\n%2").arg(metric, m_before.label) << tr("%1\n%2").arg(metric, m_after.label);
        }
    } else {
        headers << tr("ROC-AUC") << tr("PR-AUC") << tr("F1") << tr("Precision") << tr("Recall");
    }
    m_items->setHorizontalHeaderLabels(headers);
    if (m_after.tags.isEmpty() && m_before.tags.isEmpty())
        return;

    const QColor better(0x6c, 0xc0, 0x70), worse(0xe0, 0x70, 0x60), muted(0x80, 0x86, 0x90);
    auto valueItem = [&](double value) {
        auto *item = new QStandardItem(number(value));
        item->setData(value, SortRole);
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (!std::isfinite(value))
            item->setForeground(muted);
        return item;
    };
    const QColor warning(0xf0, 0xc0, 0x50);
    QStringList small;   // "tag (present / absent)" of tags with too few examples of a class
    auto countItem = [&](int present, int absent) {
        auto *item = new QStandardItem(QStringLiteral("%1 / %2").arg(present).arg(absent));
        item->setData(double(present) + double(absent) * 1e-6, SortRole);
        item->setTextAlignment(Qt::AlignCenter);
        if (present + absent > 0 && std::min(present, absent) < minReliableCount) {
            item->setForeground(warning);
            item->setToolTip(tr("Fewer than %1 present or absent segments: the figures of this row say little.")
                                 .arg(minReliableCount));
        }
        return item;
    };
    auto pair = [&](QList<QStandardItem *> &row, double before, double after) {
        row << valueItem(before);
        QStandardItem *a = valueItem(after);
        if (std::isfinite(before) && std::isfinite(after) && std::abs(after - before) >= 0.005)
            a->setForeground(after > before ? better : worse);
        row << a;
    };

    // Rows: the (after) model's tags, then tags only the before side has.
    QStringList names = m_after.tags.names();
    for (const QString &name : m_before.tags.names()) {
        if (!names.contains(name))
            names << name;
    }
    std::vector<std::pair<double, double>> roc, pr, f1;
    int totalPresent = 0, totalAbsent = 0;
    for (const QString &name : std::as_const(names)) {
        const int ai = m_after.unscored.contains(name) ? -1 : m_after.tags.indexOf(name);
        const int bi = m_before.unscored.contains(name) ? -1 : m_before.tags.indexOf(name);
        const engine::TagMetrics none;
        const engine::TagMetrics &a = ai >= 0 && size_t(ai) < m_after.report.perTag.size() ? m_after.report.perTag[size_t(ai)] : none;
        const engine::TagMetrics &b = bi >= 0 && size_t(bi) < m_before.report.perTag.size() ? m_before.report.perTag[size_t(bi)] : none;
        const engine::TagMetrics &counts = ai >= 0 ? a : b;
        auto *tagItem = new QStandardItem(engine::TagNames::displayName(name));
        tagItem->setData(engine::TagNames::displayName(name), SortRole);
        tagItem->setData(name, IdRole);
        tagItem->setToolTip(name);
        tagItem->setData(0, PinRole);
        if (m_comparison && m_before.tags.indexOf(name) < 0)
            tagItem->setToolTip(tr("New tag: the earlier model has no output for it"));
        QList<QStandardItem *> row{tagItem, countItem(counts.positives, counts.negatives)};
        if (counts.positives + counts.negatives > 0 && std::min(counts.positives, counts.negatives) < minReliableCount)
            small << QStringLiteral("%1 (%2 / %3)").arg(engine::TagNames::displayName(name)).arg(counts.positives).arg(counts.negatives);
        totalPresent += counts.positives;
        totalAbsent += counts.negatives;
        if (m_comparison) {
            pair(row, b.rocAuc, a.rocAuc);
            pair(row, b.averagePrecision, a.averagePrecision);
            pair(row, b.f1, a.f1);
            roc.push_back({b.rocAuc, a.rocAuc});
            pr.push_back({b.averagePrecision, a.averagePrecision});
            f1.push_back({b.f1, a.f1});
        } else {
            row << valueItem(a.rocAuc) << valueItem(a.averagePrecision) << valueItem(a.f1) << valueItem(a.precision)
                << valueItem(a.recall);
        }
        m_items->appendRow(row);
        ++m_tagRows;
    }

    // Summary rows, kept at the bottom by the proxy.
    int pin = 0;
    auto summary = [&](const QString &label, const QVector<double> &values) {
        auto *labelItem = new QStandardItem(label);
        labelItem->setData(++pin, PinRole);
        QFont bold = labelItem->font();
        bold.setBold(true);
        labelItem->setFont(bold);
        // The cells pooled: every figure stands next to its counts.
        QList<QStandardItem *> row{labelItem, countItem(totalPresent, totalAbsent)};
        if (m_comparison) {
            for (int i = 0; i + 1 < values.size(); i += 2)
                pair(row, values[i], values[i + 1]);
        } else {
            for (double value : values)
                row << valueItem(value);
        }
        for (QStandardItem *item : row) {
            item->setData(pin, PinRole);
            QFont f = item->font();
            f.setBold(true);
            item->setFont(f);
        }
        m_items->appendRow(row);
    };
    const engine::MetricsReport &ar = m_after.report, &br = m_before.report;
    if (m_comparison) {
        summary(macroLabel(), {br.macroRocAuc, ar.macroRocAuc, br.meanAveragePrecision, ar.meanAveragePrecision,
                               br.macroF1, ar.macroF1});
        if (m_before.tags.names() != m_after.tags.names() || !m_before.unscored.isEmpty()) {
            const auto [rb, ra] = sharedMean(roc);
            const auto [pb, pa] = sharedMean(pr);
            const auto [fb, fa] = sharedMean(f1);
            summary(sharedMacroLabel(), {rb, ra, pb, pa, fb, fa});
        }
        summary(microLabel(), {br.microRocAuc, ar.microRocAuc, br.microAveragePrecision, ar.microAveragePrecision,
                               br.microF1, ar.microF1});
    } else {
        summary(macroLabel(), {ar.macroRocAuc, ar.meanAveragePrecision, ar.macroF1, ar.macroPrecision, ar.macroRecall});
        summary(microLabel(), {ar.microRocAuc, ar.microAveragePrecision, ar.microF1, ar.microPrecision, ar.microRecall});
    }
    m_proxy->sort(-1);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_smallSample->setText(small.isEmpty() ? QString()
                                           : tr("Too few examples: %n tag(s) have fewer than %1 present or absent "
                                                "segments, so their figures (a ROC-AUC of 1.000 on 3 present and 1 "
                                                "absent, say) say little: %2.",
                                                nullptr, int(small.size()))
                                                 .arg(minReliableCount)
                                                 .arg(small.mid(0, 8).join(QStringLiteral(", "))
                                                      + (small.size() > 8 ? QStringLiteral(", ...") : QString())));
    m_smallSample->setVisible(!small.isEmpty());
    // Compact number columns: the widest of "0.000" and the header's longest line.
    QHeaderView *header = m_table->horizontalHeader();
    for (int c = 1; c < m_items->columnCount(); ++c) {
        int width = fontMetrics().horizontalAdvance(QStringLiteral("0.000"));
        for (const QString &line : headers.value(c).split(QLatin1Char('\n')))
            width = std::max(width, fontMetrics().horizontalAdvance(line));
        header->setSectionResizeMode(c, QHeaderView::Interactive);
        header->resizeSection(c, width + 18);
    }
    if (!selectedTag.isEmpty())
        showCurvesFor(selectedTag);
}

// ---- curves

void EvaluationView::updateCurveChoices()
{
    const QString previous = curveTag();
    QSignalBlocker block(m_curveTag);
    m_curveTag->clear();
    m_curveTag->addItem(tr("All tags (micro)"), QString());
    QStringList names = m_after.tags.names();
    for (const QString &name : m_before.tags.names()) {
        if (!names.contains(name))
            names << name;
    }
    for (const QString &name : std::as_const(names))
        m_curveTag->addItem(engine::TagNames::displayName(name), name);
    const int index = m_curveTag->findData(previous);
    m_curveTag->setCurrentIndex(index >= 0 ? index : 0);
    block.unblock();
    updateCurves();
}

void EvaluationView::showCurvesFor(const QString &tag)
{
    const int index = m_curveTag->findData(tag);
    if (index >= 0)
        m_curveTag->setCurrentIndex(index);
}

QString EvaluationView::curveTag() const
{
    return m_curveTag->currentData().toString();
}

void EvaluationView::updateCurves()
{
    const QString tag = curveTag();
    QVector<EvaluationPlot::Curve> roc, pr;
    QVector<QColor> rocColors, prColors;
    auto add = [&](const Side &side, const QColor &color) {
        if (side.tags.isEmpty())
            return;
        const int index = tag.isEmpty() ? -1 : (side.unscored.contains(tag) ? -2 : side.tags.indexOf(tag));
        if (index < -1)
            return;
        const QString label = side.label.isEmpty() ? QString() : side.label + QStringLiteral(": ");
        double auc = nan, ap = nan;
        if (index >= 0 && size_t(index) < side.report.perTag.size()) {
            auc = side.report.perTag[size_t(index)].rocAuc;
            ap = side.report.perTag[size_t(index)].averagePrecision;
        } else if (index == -1) {
            auc = side.report.microRocAuc;
            ap = side.report.microAveragePrecision;
        }
        auto r = engine::Metrics::rocCurve(side.input, index);
        if (!r.empty()) {
            roc.push_back({tr("%1AUC %2").arg(label, number(auc)), std::move(r)});
            rocColors.push_back(color);
        }
        auto p = engine::Metrics::precisionRecallCurve(side.input, index);
        if (!p.empty()) {
            pr.push_back({tr("%1AP %2").arg(label, number(ap)), std::move(p)});
            prColors.push_back(color);
        }
    };
    if (m_comparison)
        add(m_before, QColor(0xf0, 0xa0, 0x40));
    add(m_after, QColor(0x5a, 0xb0, 0xf0));
    const QString title = tag.isEmpty() ? tr("All tags (micro)") : engine::TagNames::displayName(tag);
    m_roc->setTitle(tr("ROC: %1").arg(title));
    m_pr->setTitle(tr("Precision-recall: %1").arg(title));
    m_roc->setCurves(roc, rocColors);
    m_pr->setCurves(pr, prColors);
}

} // namespace taglane::widgets
