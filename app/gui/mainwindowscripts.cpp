// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow's automation for screenshots and demos: tag the opened file
// (hidden options --tag-with, --cursor, --screenshot) and, when the
// environment variable TAGLANE_SCRIPT_RETRAIN names a file prefix, retrain
// the model and save the retrain dialog, the lane and optionally an
// evaluation (TAGLANE_SCRIPT_EVALUATE: a labelled folder) as PNGs.
#include "app/gui/mainwindow.h"

#include "widgets/evaluation/evaluationview.h"
#include "widgets/export/exportdialog.h"
#include "widgets/models/inferencecontroller.h"
#include "widgets/models/modellistmodel.h"
#include "widgets/models/modelpanel.h"
#include "widgets/playback/nowplayingpanel.h"
#include "widgets/training/retraincontroller.h"
#include "widgets/training/retraindialog.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/track/trackview.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTimer>

#include <algorithm>
#include <memory>

namespace taglane::app {

void MainWindow::scriptTagging(const QString &bundle, double cursorSeconds, const QString &screenshot)
{
    if (!bundle.isEmpty() && !m_models->selectFolder(bundle)) {
        m_models->models()->setFolders(m_models->models()->folders() + QVector<widgets::ModelFolders::Folder>{
                                           {QFileInfo(bundle).absolutePath(), widgets::ModelFolders::Origin::EnvironmentPath}});
        m_models->selectFolder(bundle);
    }
    auto *once = new QObject(this);
    connect(m_track, &widgets::TrackView::trackLoaded, once, [this, once, bundle]() {
        delete once;
        if (!bundle.isEmpty())
            m_inference->start(bundle, m_track->inferenceSegmentation(), m_models->batchSize());
    });
    // Retrain screenshots: tag the opened file, then retrain (see scriptRetrain).
    const QString retrainPrefix = qEnvironmentVariable("TAGLANE_SCRIPT_RETRAIN");
    if (!retrainPrefix.isEmpty()) {
        const int epochs = qEnvironmentVariableIntValue("TAGLANE_SCRIPT_RETRAIN_EPOCHS");
        auto *afterTagging = new QObject(this);
        connect(m_inference, &widgets::InferenceController::finished, afterTagging, [this, afterTagging, retrainPrefix, epochs]() {
            delete afterTagging;
            scriptRetrain(retrainPrefix, epochs > 0 ? epochs : 2, qEnvironmentVariable("TAGLANE_SCRIPT_EVALUATE"));
        });
        return;
    }
    auto finish = [this, cursorSeconds, screenshot]() {
        m_track->timeAxis()->setCursor(cursorSeconds);
        m_nowPlaying->update();
        if (screenshot.isEmpty())
            return;
        QTimer::singleShot(1500, this, [this, screenshot]() {
            grab().save(screenshot);
            close();
        });
    };
    connect(m_inference, &widgets::InferenceController::finished, this, finish);
    connect(m_inference, &widgets::InferenceController::failed, this, [this, screenshot]() {
        if (!screenshot.isEmpty())
            QTimer::singleShot(500, this, &QWidget::close);
    });
}

void MainWindow::scriptExport(const QString &folder)
{
    QTimer::singleShot(300, this, [this, folder]() {
        auto fail = [this](const QString &why) {
            qWarning("export failed: %s", qPrintable(why));
            QTimer::singleShot(100, this, []() { QCoreApplication::exit(3); });
        };
        m_exportAction->trigger();
        auto *dialog = findChild<widgets::ExportDialog *>();
        if (!dialog)
            return fail(QStringLiteral("File > Export opened no dialog"));
        dialog->setFormat(QStringLiteral("catalogue"));
        dialog->setScope(widgets::ExportDialog::Scope::WholeLibrary);
        dialog->setOutputFolder(folder);
        connect(dialog, &widgets::ExportDialog::exportFinished, this,
                [this, fail](const QStringList &written, const QStringList &errors) {
                    if (!errors.isEmpty() || written.isEmpty())
                        return fail(errors.join(QLatin1Char('\n')));
                    qInfo("exported %s", qPrintable(written.join(QLatin1Char(' '))));
                    QTimer::singleShot(100, this, &QWidget::close);
                });
        if (!dialog->startExport())
            fail(dialog->statusText());
    });
}

void MainWindow::scriptRetrain(const QString &prefix, int epochs, const QString &evaluateFolder)
{
    QTimer::singleShot(800, this, [this, prefix, epochs, evaluateFolder]() {
        retrainModel();
        widgets::RetrainDialog *dialog = m_retrain;
        if (!dialog)
            return;
        dialog->setEpochs(epochs);
        auto shots = std::make_shared<int>(0);
        connect(dialog->controller(), &widgets::RetrainController::progress, dialog,
                [dialog, prefix, epochs, shots](const engine::TrainingProgress &p) {
                    const bool late = p.epoch >= std::max(1, (epochs * 2) / 3) && p.batch * 2 >= p.batches;
                    if (*shots == 0 && late) {
                        *shots = 1;
                        dialog->grab().save(prefix + QStringLiteral("-running.png"));
                    }
                });
        connect(dialog->controller(), &widgets::RetrainController::failed, this, [this](const QString &message) {
            qWarning("retrain failed: %s", qPrintable(message));
            QTimer::singleShot(300, this, &QWidget::close);
        });
        connect(dialog->controller(), &widgets::RetrainController::finished, dialog, [this, dialog, prefix, evaluateFolder]() {
            QTimer::singleShot(1200, dialog, [this, dialog, prefix, evaluateFolder]() {
                dialog->grab().save(prefix + QStringLiteral("-results.png"));
                connect(m_inference, &widgets::InferenceController::finished, this, [this, prefix, evaluateFolder]() {
                    QTimer::singleShot(1500, this, [this, prefix, evaluateFolder]() {
                        grab().save(prefix + QStringLiteral("-lane.png"));
                        if (evaluateFolder.isEmpty()) {
                            close();
                            return;
                        }
                        const QString current = m_models->selectedFolder();
                        widgets::EvaluationView *view = showEvaluation(current, m_models->parentFolder(current));
                        view->setDataFolder(evaluateFolder);
                        connect(view, &widgets::EvaluationView::evaluationFinished, this, [this, view, prefix]() {
                            QTimer::singleShot(800, this, [this, view, prefix]() {
                                view->window()->grab().save(prefix + QStringLiteral("-evaluation.png"));
                                close();
                            });
                        });
                        connect(view, &widgets::EvaluationView::evaluationFailed, this, &QWidget::close);
                        view->startEvaluation();
                    });
                });
                const bool retag = m_track->hasTrack();
                dialog->useNewModel();
                if (!retag)
                    QTimer::singleShot(500, this, &QWidget::close);
            });
        });
        dialog->grab().save(prefix + QStringLiteral("-setup.png"));
        if (!dialog->startRetrain()) {
            qWarning("retrain did not start: %s", qPrintable(dialog->problemText()));
            QTimer::singleShot(300, this, &QWidget::close);
        }
    });
}

} // namespace taglane::app
