// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/eval/evalinput.h"
#include "engine/eval/metricsreport.h"
#include "engine/model/vocabulary.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;
class QThread;

namespace taglane::widgets {

class EvaluationPlot;
class ModelListModel;

/// The evaluation view: a per-tag metrics table (sortable; macro and micro
/// rows stay at the bottom) and ROC / precision-recall curves (QCustomPlot)
/// of a chosen tag, for one model or for two side by side ("before" and
/// "after"). Its source bar picks a model (and optionally a second one to
/// compare with) and a labelled folder (audio + CAL500exp CSVs) and runs
/// ModelEvaluator on a worker thread with progress and cancel; the retrain
/// dialog hides that bar and shows a retrain's held-out comparison.
/// GUI thread.
class EvaluationView : public QWidget
{
    Q_OBJECT

public:
    /// What one model scored and its metrics, in its own tag order.
    struct Side
    {
        QString label;                 ///< column heading: "Before", a model name, ...
        engine::Vocabulary tags;       ///< columns of input and report
        engine::EvalInput input;
        engine::MetricsReport report;
        QStringList unscored;          ///< tags this model does not predict (shown "n/a")
    };

    explicit EvaluationView(QWidget *parent = nullptr);
    ~EvaluationView() override;

    // ---- choosing and running an evaluation

    /// The models the source bar offers (the model panel's list).
    void setModelList(ModelListModel *models);
    void setSourceBarVisible(bool visible);
    bool selectModel(const QString &folder);
    /// A second model shown as "before" next to the first; empty for none.
    bool selectCompareModel(const QString &folder);
    void setDataFolder(const QString &folder);
    QString modelFolder() const;
    QString compareFolder() const;
    QString dataFolder() const;

    /// Evaluates the chosen model(s) on the data folder on a worker thread.
    /// False (and evaluationFailed) when something is missing or one runs.
    bool startEvaluation();
    bool isRunning() const { return m_running; }
    /// The message shown for the last failure; empty when none.
    QString errorText() const { return m_errorText; }

    // ---- results

    void showSingle(const Side &side);
    /// Rows: the after side's tags, then tags only the before side has.
    void showComparison(const Side &before, const Side &after);
    void clearResults();
    bool isComparison() const { return m_comparison; }

    QTableView *tableView() const { return m_table; }
    /// Rows of tags (without the summary rows).
    int tagRowCount() const { return m_tagRows; }
    int columnCount() const;
    QString headerText(int column) const;
    /// A cell as shown, found by the row's first column (a tag name, or a
    /// summary row's label such as "Macro") whatever the sort order.
    QString cellText(const QString &rowName, int column) const;
    /// Below this many present or absent segments a tag's figures are
    /// flagged, and the warning below the table lists it.
    static constexpr int minReliableCount = 10;
    /// The warning about tags with too few examples; empty when none.
    QString smallSampleWarning() const;
    /// The summary row labels.
    static QString macroLabel();
    static QString microLabel();
    static QString sharedMacroLabel();

    /// The tag whose curves are shown; empty = all tags pooled (micro).
    void showCurvesFor(const QString &tag);
    QString curveTag() const;
    EvaluationPlot *rocPlot() const { return m_roc; }
    EvaluationPlot *prPlot() const { return m_pr; }

public Q_SLOTS:
    void cancel();

Q_SIGNALS:
    void evaluationStarted();
    void evaluationProgress(double fraction);
    void evaluationFinished();
    void evaluationFailed(const QString &message);
    void evaluationCancelled();

private:
    struct Job;
    void fillModelChoices();
    void chooseDataFolder();
    void setRunning(bool running);
    void showError(const QString &message);
    void onJobDone(const std::shared_ptr<Job> &job);
    void rebuildTable();
    void updateCurves();
    void updateCurveChoices();

    QPointer<ModelListModel> m_models;
    QWidget *m_sourceBar = nullptr;
    QComboBox *m_model = nullptr;
    QComboBox *m_compare = nullptr;
    QLineEdit *m_data = nullptr;
    QPushButton *m_evaluate = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_smallSample = nullptr;   ///< tags with fewer than minReliableCount of a class
    QStandardItemModel *m_items = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QComboBox *m_curveTag = nullptr;
    EvaluationPlot *m_roc = nullptr;
    EvaluationPlot *m_pr = nullptr;

    Side m_before;
    Side m_after;      ///< the only side when not comparing
    bool m_comparison = false;
    int m_tagRows = 0;
    QString m_errorText;
    bool m_running = false;
    std::shared_ptr<Job> m_job;
    QPointer<QThread> m_thread;
};

} // namespace taglane::widgets
