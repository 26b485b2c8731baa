// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/curation/tagmapping.h"

#include "widgets/training/retrainplan.h"

#include "engine/model/modelbundle.h"
#include "engine/train/retrainer.h"

#include <QDialog>
#include <QList>
#include <QPointer>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QStackedWidget;
class QTableWidget;

namespace taglane::engine {
class AnnotationStore;
}

namespace taglane::widgets {

class EvaluationView;
class RetrainController;
class RetrainLossPlot;

/// "Retrain model": fine-tunes the current model on the store's curated
/// verdicts. Three pages: what it will learn from (all tracks or the
/// library's selection, curated segments per tag, new tags that grow the
/// output layer, options), the run (progress, cancel, live loss curve) and
/// the result (held-out metrics before and after, curves, "Use new model" /
/// "Keep current"). Curated labels are read here, on the store's owner
/// thread; training runs on the controller's worker thread. GUI thread.
class RetrainDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Page { Setup, Running, Results };

    /// `baseFolder` is the current model's bundle; new versions go into
    /// `modelsFolder` (the user's model folder).
    RetrainDialog(engine::AnnotationStore *store, const QString &baseFolder, const QList<qint64> &selectedTracks,
                  const QString &modelsFolder, QWidget *parent = nullptr);
    ~RetrainDialog() override;

    RetrainController *controller() const { return m_controller; }
    EvaluationView *evaluationView() const { return m_evaluation; }
    RetrainLossPlot *lossPlot() const { return m_loss; }
    QTableWidget *tagTable() const { return m_tags; }
    Page page() const;
    const RetrainPlan &plan() const { return m_plan; }

    /// Curated segments of the selected tracks only (when there is a selection).
    void setSelectedOnly(bool selectedOnly);
    void setEpochs(int epochs);                ///< 0 = the retrainer's default
    /// Related tags (see engine::TagMapping): verdicts of a curated tag the
    /// model lacks count for the model's related tag instead of growing the
    /// output layer. Reloads the plan.
    void setTagMapping(const engine::TagMapping &mapping);
    /// "strings -> Instrument_-_Strings" per related tag folded in the plan.
    QStringList foldedTags() const { return m_folded; }
    void setHoldOutFraction(double fraction);
    /// Where the new version will be written.
    QString outputFolder() const { return m_outputFolder; }
    /// The message shown when the retrain cannot start or failed; empty when none.
    QString problemText() const;
    /// The request Start would submit (curated labels as read last).
    engine::RetrainRequest request() const;
    bool isRunning() const;

public Q_SLOTS:
    /// Reads the curated labels again (owner thread of the store) and updates the plan.
    void reload();
    /// Starts the retrain; false when it cannot start (problemText() says why).
    bool startRetrain();
    /// Switches to the new version (useModelRequested) and closes.
    void useNewModel();
    /// Closes; the new version stays in the models folder.
    void keepCurrent();
    void reject() override;
    /// Cancels a running retrain without asking and closes once it stopped
    /// (at once when none runs). For closing the main window.
    void cancelAndClose();

Q_SIGNALS:
    /// A new version was written (listed in the model panel from now on).
    void versionWritten(const QString &folder);
    void useModelRequested(const QString &folder);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildSetupPage(QWidget *page);
    void buildRunningPage(QWidget *page);
    void buildResultsPage(QWidget *page);
    void showPlan();
    void showPage(Page page);
    void showProblem(const QString &text);
    void onProgress(const engine::TrainingProgress &progress);
    void onFinished();
    void onFailed(const QString &message);
    void onCancelled();
    bool confirmCancel();

    QPointer<engine::AnnotationStore> m_store;
    QString m_baseFolder;
    QString m_baseError;
    engine::ModelManifest m_base;
    QList<qint64> m_selected;
    QString m_modelsFolder;
    QString m_outputFolder;
    QVector<engine::LabelledTrack> m_curated;
    RetrainPlan m_plan;
    RetrainController *m_controller = nullptr;
    bool m_closeWhenStopped = false;

    QStackedWidget *m_pages = nullptr;
    QLabel *m_heading = nullptr;
    QRadioButton *m_allTracks = nullptr;
    QRadioButton *m_selectedTracks = nullptr;
    QTableWidget *m_tags = nullptr;
    engine::TagMapping m_mapping;
    QStringList m_folded;
    QLabel *m_summary = nullptr;
    QLineEdit *m_name = nullptr;
    QSpinBox *m_epochs = nullptr;
    QSpinBox *m_holdOut = nullptr;
    QLabel *m_problem = nullptr;
    QLabel *m_runStatus = nullptr;
    QProgressBar *m_progress = nullptr;
    RetrainLossPlot *m_loss = nullptr;
    QLabel *m_resultSummary = nullptr;
    EvaluationView *m_evaluation = nullptr;
    RetrainLossPlot *m_resultLoss = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_close = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_use = nullptr;
    QPushButton *m_keep = nullptr;
};

} // namespace taglane::widgets
