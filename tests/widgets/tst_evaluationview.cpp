// SPDX-License-Identifier: GPL-3.0-or-later
// The evaluation view scores a labelled folder (a small synthetic corpus)
// with a model on a worker thread and fills its per-tag table and
// curves with what ModelEvaluator computes; summary rows stay at the bottom
// when sorting; a folder without labels is a message, not a crash; an
// evaluation can be cancelled.
#include "widgets/evaluation/evaluationplot.h"
#include "widgets/evaluation/evaluationview.h"
#include "widgets/models/modellistmodel.h"

#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/model/tagger.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"
#include "engine/train/modelevaluator.h"

#include "basemodel.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QHeaderView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QtTest>

#include <cmath>

using namespace taglane;


class tst_EvaluationView : public QObject
{
    Q_OBJECT

private:
    QString m_corpus;
    QString m_base;
    std::unique_ptr<widgets::ModelListModel> m_models;

    static QString shown(double value) { return std::isfinite(value) ? QString::number(value, 'f', 3) : QStringLiteral("n/a"); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        engine::configureTorchThreads(1);
        m_corpus = tests::tempDir(QStringLiteral("evaluationview")) + QStringLiteral("/corpus");
        engine::SynthCorpusOptions options;
        options.tracks = 2;
        options.seed = 8080;
        options.channels = 1;
        options.outDir = m_corpus;
        QVERIFY(engine::SynthCorpusGenerator::generate(options).ok());
        m_base = taglane::tests::trainBaseModel(m_corpus, QFileInfo(m_corpus).absolutePath() + QStringLiteral("/models/base.tlmodel"));
        QVERIFY(!m_base.isEmpty());
        m_models = std::make_unique<widgets::ModelListModel>();
        m_models->setFolders({{QFileInfo(m_base).absolutePath(), widgets::ModelFolders::Origin::Bundled}});
    }

    void fillsTableFromRealEvaluation()
    {
        widgets::EvaluationView view;
        QAbstractItemModelTester tester(view.tableView()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.setModelList(m_models.get());
        QVERIFY(view.selectModel(m_base));
        view.setDataFolder(m_corpus);
        QSignalSpy finished(&view, &widgets::EvaluationView::evaluationFinished);
        QSignalSpy failed(&view, &widgets::EvaluationView::evaluationFailed);
        QVERIFY(view.startEvaluation());
        QVERIFY(view.isRunning());   // on the worker thread
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() > 0, 120000);
        QVERIFY2(failed.isEmpty(), qPrintable(view.errorText()));

        const auto expected = engine::ModelEvaluator::evaluate(m_base, m_corpus);
        QVERIFY(expected.ok());
        const engine::ModelEvaluation &e = expected.value();
        QVERIFY(!view.isComparison());
        QCOMPARE(view.tagRowCount(), e.manifest.tags.size());
        QCOMPARE(view.headerText(2), QStringLiteral("ROC-AUC"));
        int defined = 0;
        for (int t = 0; t < e.manifest.tags.size(); ++t) {
            const QString tag = e.manifest.tags.at(t).name;
            const engine::TagMetrics &m = e.report.perTag[size_t(t)];
            QCOMPARE(view.cellText(tag, 1), QStringLiteral("%1 / %2").arg(m.positives).arg(m.negatives));
            QCOMPARE(view.cellText(tag, 2), shown(m.rocAuc));
            QCOMPARE(view.cellText(tag, 3), shown(m.averagePrecision));
            QCOMPARE(view.cellText(tag, 4), shown(m.f1));
            defined += std::isfinite(m.rocAuc) ? 1 : 0;
        }
        QVERIFY(defined > 0);
        QCOMPARE(view.cellText(widgets::EvaluationView::macroLabel(), 2), shown(e.report.macroRocAuc));
        QCOMPARE(view.cellText(widgets::EvaluationView::microLabel(), 4), shown(e.report.microF1));

        // Sorting by ROC-AUC (descending): values never rise, summary rows last.
        QTableView *table = view.tableView();
        table->sortByColumn(2, Qt::DescendingOrder);
        QAbstractItemModel *model = table->model();
        const int rows = model->rowCount();
        QCOMPARE(model->index(rows - 2, 0).data().toString(), widgets::EvaluationView::macroLabel());
        QCOMPARE(model->index(rows - 1, 0).data().toString(), widgets::EvaluationView::microLabel());
        double previous = 2.0;
        for (int r = 0; r < view.tagRowCount(); ++r) {
            const QString text = model->index(r, 2).data().toString();
            const double value = text == QLatin1String("n/a") ? -1.0 : text.toDouble();
            QVERIFY2(value <= previous, qPrintable(QStringLiteral("row %1: %2 after %3").arg(r).arg(value).arg(previous)));
            previous = value;
        }
        table->sortByColumn(2, Qt::AscendingOrder);
        QCOMPARE(model->index(rows - 1, 0).data().toString(), widgets::EvaluationView::microLabel());

        // Curves: pooled by default, one tag when chosen.
        QVERIFY(view.curveTag().isEmpty());
        QCOMPARE(view.rocPlot()->curveCount(), 1);
        QCOMPARE(view.prPlot()->curveCount(), 1);
        for (int t = 0; t < e.manifest.tags.size(); ++t) {
            if (std::isfinite(e.report.perTag[size_t(t)].rocAuc)) {
                view.showCurvesFor(e.manifest.tags.at(t).name);
                QCOMPARE(view.curveTag(), e.manifest.tags.at(t).name);
                QCOMPARE(view.rocPlot()->curveCount(), 1);
                break;
            }
        }
    }

    void folderWithoutLabelsIsAMessage()
    {
        widgets::EvaluationView view;
        view.setModelList(m_models.get());
        QVERIFY(view.selectModel(m_base));
        const QString empty = tests::tempDir(QStringLiteral("evaluationview-empty"));
        QFile audioOnly(empty + QStringLiteral("/notes.txt"));
        QVERIFY(audioOnly.open(QIODevice::WriteOnly));
        audioOnly.close();
        view.setDataFolder(empty);
        QSignalSpy failed(&view, &widgets::EvaluationView::evaluationFailed);
        QSignalSpy finished(&view, &widgets::EvaluationView::evaluationFinished);
        QVERIFY(view.startEvaluation());
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() + finished.count() > 0, 30000);
        QCOMPARE(finished.count(), 0);
        QVERIFY(!view.errorText().isEmpty());
        QCOMPARE(view.tagRowCount(), 0);

        // A folder that does not exist is refused before any work starts.
        view.setDataFolder(empty + QStringLiteral("/missing"));
        QVERIFY(!view.startEvaluation());
        QVERIFY(!view.isRunning());
    }

    void cancels()
    {
        widgets::EvaluationView view;
        view.setModelList(m_models.get());
        QVERIFY(view.selectModel(m_base));
        view.setDataFolder(m_corpus);
        QSignalSpy cancelled(&view, &widgets::EvaluationView::evaluationCancelled);
        QSignalSpy finished(&view, &widgets::EvaluationView::evaluationFinished);
        QVERIFY(view.startEvaluation());
        view.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!view.isRunning(), 60000);
        QCOMPARE(cancelled.count() + finished.count(), 1);
        QCOMPARE(cancelled.count(), 1);
    }
};

QTEST_MAIN(tst_EvaluationView)
#include "tst_evaluationview.moc"
