// SPDX-License-Identifier: GPL-3.0-or-later
// Retraining from curated verdicts in the GUI: the retrain dialog reads the
// store's curated segments (counts per tag, a new tag that grows the output
// layer), refuses what cannot be trained, runs Retrainer::run on the
// controller's worker thread (progress, then finished, a new version next to
// the base with its parent recorded), shows "n/a" for the new tag's "before"
// figures; a cancelled retrain writes nothing; the model panel switches
// between versions and rolls back; re-tagging with the new version puts the
// new tag in the lane.
#include "widgets/evaluation/evaluationview.h"
#include "widgets/models/inferencecontroller.h"
#include "widgets/models/modelfolders.h"
#include "widgets/models/modellistmodel.h"
#include "widgets/models/modelpanel.h"
#include "widgets/training/retraincontroller.h"
#include "widgets/training/retraindialog.h"
#include "widgets/training/retrainlossplot.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/track/trackview.h"

#include "engine/curation/tagnames.h"
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/formats/labelimporter.h"
#include "engine/formats/storelabels.h"
#include "engine/model/modelbundle.h"
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/model/tagger.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"
#include "engine/store/annotationstore.h"

#include "basemodel.h"
#include "engine/curation/tagnames.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QPointer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QtTest>

using namespace taglane;

namespace {
const QString kNewTag = QStringLiteral("Curated-Test_Tag");

}

class tst_Retrain : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QString m_corpus;
    QString m_base;
    QString m_newVersion;
    int m_segments = 0;
    int m_newTagPresent = 0;
    std::unique_ptr<engine::AnnotationStore> m_store;

    /// Appends the new tag's column to every CSV of the corpus: present on
    /// every other segment.
    bool addNewTagColumn()
    {
        const QStringList csvs = QDir(m_corpus).entryList({QStringLiteral("*.csv")}, QDir::Files);
        for (const QString &name : csvs) {
            QFile file(m_corpus + QLatin1Char('/') + name);
            if (!file.open(QIODevice::ReadOnly))
                return false;
            const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            file.close();
            QStringList out{lines.front() + QLatin1Char(',') + kNewTag};
            for (int i = 1; i < lines.size(); ++i) {
                const bool present = i % 2 == 1;
                out << lines[i] + (present ? QStringLiteral(",1") : QStringLiteral(",0"));
                m_newTagPresent += present ? 1 : 0;
                ++m_segments;
            }
            if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
                return false;
            file.write(out.join(QLatin1Char('\n')).toUtf8() + "\n");
        }
        return !csvs.isEmpty();
    }

    bool importCorpus(engine::AnnotationStore &store)
    {
        QVector<engine::StoreImportItem> items;
        for (const QString &name : QDir(m_corpus).entryList({QStringLiteral("*.csv")}, QDir::Files)) {
            auto read = engine::LabelImporter::read(m_corpus + QLatin1Char('/') + name, engine::LabelFormat::Cal500Exp);
            if (!read.ok()) {
                qWarning("%s", qPrintable(read.error()));
                return false;
            }
            for (const engine::TrackLabels &labels : read->tracks) {
                auto item = engine::StoreLabels::resolve(labels, m_corpus, read->source);
                if (!item.ok()) {
                    qWarning("%s", qPrintable(item.error()));
                    return false;
                }
                items.push_back(item.value());
            }
        }
        return engine::StoreLabels::importItems(store, items).ok();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QDir(widgets::ModelFolders::userFolder()).removeRecursively();
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        engine::configureTorchThreads(1);
        m_dir = tests::tempDir(QStringLiteral("retrain"));
        m_corpus = m_dir + QStringLiteral("/corpus");
        engine::SynthCorpusOptions options;
        options.tracks = 3;
        options.seed = 5150;
        options.channels = 1;
        options.outDir = m_corpus;
        const auto generated = engine::SynthCorpusGenerator::generate(options);
        QVERIFY2(generated.ok(), qPrintable(generated.ok() ? QString() : generated.error()));
        // The base model learns the corpus's tags, before the curator's new one exists.
        m_base = taglane::tests::trainBaseModel(m_corpus, m_dir + QStringLiteral("/models/base.tlmodel"));
        QVERIFY(!m_base.isEmpty());
        qputenv("TAGLANE_MODEL_PATH", QFileInfo(m_base).absolutePath().toUtf8());
        QVERIFY(addNewTagColumn());
        m_store = std::make_unique<engine::AnnotationStore>();
        QVERIFY(m_store->open(m_dir + QStringLiteral("/store.sqlite")).ok());
        QVERIFY(importCorpus(*m_store));
    }

    void cleanupTestCase()
    {
        qunsetenv("TAGLANE_MODEL_PATH");
        m_store.reset();
    }

    void versionNaming()
    {
        const QString into = tests::tempDir(QStringLiteral("retrain-naming"));
        auto v = widgets::ModelFolders::nextVersion(QStringLiteral("/models/default.tlmodel"), QStringLiteral("Taglane default"), into);
        QCOMPARE(v.folder, into + QStringLiteral("/default-v2.tlmodel"));
        QCOMPARE(v.name, QStringLiteral("Taglane default v2"));
        QVERIFY(QDir().mkpath(v.folder));   // taken: the next number
        v = widgets::ModelFolders::nextVersion(QStringLiteral("/models/default.tlmodel"), QStringLiteral("Taglane default"), into);
        QCOMPARE(v.folder, into + QStringLiteral("/default-v3.tlmodel"));
        // A version of a version counts on from its number.
        v = widgets::ModelFolders::nextVersion(into + QStringLiteral("/default-v2.tlmodel"), QStringLiteral("Taglane default v2"), into);
        QCOMPARE(v.folder, into + QStringLiteral("/default-v3.tlmodel"));
        QCOMPARE(v.name, QStringLiteral("Taglane default v3"));
        v = widgets::ModelFolders::nextVersion(QStringLiteral("/m/mine-v7.tlmodel"), QStringLiteral("Mine v7"), into);
        QCOMPARE(v.number, 8);
        QCOMPARE(QFileInfo(v.folder).fileName(), QStringLiteral("mine-v8.tlmodel"));
    }

    void relatedTagCountsForTheModelsTag()
    {
        // With the curated tag related to one of the base model's tags, its
        // verdicts teach that output instead of growing a new one: every
        // segment holding a verdict of the related tag ends with a verdict of
        // the model's tag (where both hold one, the model tag's own wins, so
        // its own counts never drop).
        const auto base = engine::ModelBundle::open(m_base);
        QVERIFY(base.ok());
        const QString modelTag = base->manifest().tags.names().front();
        widgets::RetrainDialog dialog(m_store.get(), m_base, {}, widgets::ModelFolders::userFolder());
        QCOMPARE(dialog.plan().newTags, QStringList{kNewTag});
        int ownPresent = -1, ownAbsent = -1;
        for (const widgets::RetrainPlan::TagCount &count : dialog.plan().tags)
            if (count.tag.name == modelTag) {
                ownPresent = count.present;
                ownAbsent = count.absent;
            }
        QVERIFY(ownPresent >= 0);
        engine::TagMapping mapping;
        mapping.add(kNewTag, modelTag);
        dialog.setTagMapping(mapping);
        QVERIFY(dialog.plan().newTags.isEmpty());
        QCOMPARE(dialog.foldedTags(), QStringList{kNewTag + QStringLiteral(" -> ") + modelTag});
        QCOMPARE(dialog.plan().outputTags.size(), base->manifest().tags.size());
        bool noted = false;
        for (int row = 0; row < dialog.tagTable()->rowCount(); ++row) {
            if (dialog.tagTable()->item(row, 0)->data(Qt::UserRole).toString() == modelTag) {
                const int present = dialog.tagTable()->item(row, 1)->text().toInt();
                const int absent = dialog.tagTable()->item(row, 2)->text().toInt();
                QVERIFY2(present >= ownPresent && absent >= ownAbsent,
                         qPrintable(QStringLiteral("%1/%2 after, %3/%4 before").arg(present).arg(absent).arg(ownPresent).arg(ownAbsent)));
                QVERIFY2(present + absent >= m_segments && present + absent <= ownPresent + ownAbsent + m_segments,
                         qPrintable(QStringLiteral("%1 + %2 against %3 related segments").arg(present).arg(absent).arg(m_segments)));
                noted = dialog.tagTable()->item(row, 3)->text().contains(engine::TagNames::displayName(kNewTag));
            }
        }
        QVERIFY(noted);   // "related: Test Tag"
    }

    void dialogCountsCuratedSegments()
    {
        widgets::RetrainDialog dialog(m_store.get(), m_base, {}, widgets::ModelFolders::userFolder());
        const widgets::RetrainPlan &plan = dialog.plan();
        QVERIFY2(dialog.problemText().isEmpty(), qPrintable(dialog.problemText()));
        QCOMPARE(plan.tracks, 3);
        QCOMPARE(plan.segments, m_segments);
        QCOMPARE(plan.newTags, QStringList{kNewTag});
        // The new tag comes after the base model's tags, with the counts written.
        const auto base = engine::ModelBundle::open(m_base);
        QVERIFY(base.ok());
        QCOMPARE(plan.outputTags.size(), base->manifest().tags.size() + 1);
        QCOMPARE(plan.outputTags.at(plan.outputTags.size() - 1).name, kNewTag);
        bool found = false;
        for (int row = 0; row < dialog.tagTable()->rowCount(); ++row) {
            if (dialog.tagTable()->item(row, 0)->data(Qt::UserRole).toString() != kNewTag)
                continue;
            found = true;
            // Shown by its display name, as in the lane; the identifier in the tooltip.
            QCOMPARE(dialog.tagTable()->item(row, 0)->text(), QStringLiteral("Test Tag"));
            QCOMPARE(dialog.tagTable()->item(row, 0)->toolTip(), kNewTag);
            QCOMPARE(dialog.tagTable()->item(row, 1)->text().toInt(), m_newTagPresent);
            QCOMPARE(dialog.tagTable()->item(row, 2)->text().toInt(), m_segments - m_newTagPresent);
            QVERIFY(!dialog.tagTable()->item(row, 3)->text().isEmpty());   // "new tag: the output layer grows"
        }
        QVERIFY(found);
        // The version goes into the user's folder, named after the base.
        QCOMPARE(QFileInfo(dialog.outputFolder()).fileName(), QStringLiteral("base-v2.tlmodel"));
        QCOMPARE(QFileInfo(dialog.outputFolder()).absolutePath(), QDir(widgets::ModelFolders::userFolder()).absolutePath());
    }

    void refusesWhatCannotBeTrained()
    {
        // An imported architecture (musicnn) is used as it is, never trained.
        engine::ModelManifest m;
        m.name = QStringLiteral("Imported musicnn");
        m.architecture = QStringLiteral("musicnn");
        m.tags = engine::Vocabulary::fromNames({QStringLiteral("guitar"), QStringLiteral("piano")});
        m.chunkSamples = 48000;
        m.version = QStringLiteral("imported-1");
        const QString imported = m_dir + QStringLiteral("/imported.tlmodel");
        QVERIFY(engine::ModelBundle::write(imported, m, QByteArray("weights")).ok());
        widgets::RetrainDialog dialog(m_store.get(), imported, {}, m_dir + QStringLiteral("/versions"));
        QVERIFY(!dialog.problemText().isEmpty());
        QVERIFY2(dialog.problemText().contains(QStringLiteral("musicnn")), qPrintable(dialog.problemText()));
        QVERIFY(!dialog.startRetrain());
        QCOMPARE(dialog.page(), widgets::RetrainDialog::Page::Setup);

        // A store without verdicts: nothing to learn from.
        engine::AnnotationStore empty;
        QVERIFY(empty.open(m_dir + QStringLiteral("/empty.sqlite")).ok());
        widgets::RetrainDialog none(&empty, m_base, {}, m_dir + QStringLiteral("/versions"));
        QCOMPARE(none.plan().segments, 0);
        QVERIFY(!none.problemText().isEmpty());
        QVERIFY(!none.startRetrain());
        QVERIFY(!QFileInfo::exists(none.outputFolder()));
    }

    void retrainsAndComparesBeforeAfter()
    {
        widgets::RetrainDialog dialog(m_store.get(), m_base, {}, widgets::ModelFolders::userFolder());
        dialog.setEpochs(1);
        widgets::RetrainController *controller = dialog.controller();
        QStringList order;
        connect(controller, &widgets::RetrainController::progress, this, [&order]() {
            if (order.isEmpty() || order.back() != QLatin1String("progress"))
                order << QStringLiteral("progress");
        });
        connect(controller, &widgets::RetrainController::finished, this, [&order]() { order << QStringLiteral("finished"); });
        QSignalSpy failed(controller, &widgets::RetrainController::failed);
        QSignalSpy versionWritten(&dialog, &widgets::RetrainDialog::versionWritten);
        QVERIFY2(dialog.startRetrain(), qPrintable(dialog.problemText()));
        QVERIFY(controller->isRunning());
        QCOMPARE(dialog.page(), widgets::RetrainDialog::Page::Running);
        QTRY_VERIFY_WITH_TIMEOUT(!controller->isRunning(), 240000);
        QVERIFY2(failed.isEmpty(), qPrintable(controller->lastError()));
        QCOMPARE(order, (QStringList{QStringLiteral("progress"), QStringLiteral("finished")}));
        QVERIFY(dialog.lossPlot()->trainPointCount() > 0);
        QCOMPARE(dialog.page(), widgets::RetrainDialog::Page::Results);

        // The new version: written where announced, parent = the base's version.
        const engine::RetrainOutcome &outcome = controller->outcome();
        QCOMPARE(versionWritten.count(), 1);
        QCOMPARE(QFileInfo(outcome.bundleFolder).canonicalFilePath(), QFileInfo(dialog.outputFolder()).canonicalFilePath());
        const auto written = engine::ModelBundle::open(outcome.bundleFolder);
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error()));
        const auto base = engine::ModelBundle::open(m_base);
        QCOMPARE(written->manifest().parentVersion, base->manifest().version);
        QVERIFY(written->manifest().version != base->manifest().version);
        QVERIFY(written->manifest().tags.indexOf(kNewTag) >= 0);
        QCOMPARE(outcome.newTags, QStringList{kNewTag});
        m_newVersion = outcome.bundleFolder;

        // Before/after side by side: the new tag has no "before".
        widgets::EvaluationView *view = dialog.evaluationView();
        QVERIFY(view->isComparison());
        QCOMPARE(view->tagRowCount(), outcome.tags.size());
        int rocBefore = -1, rocAfter = -1;
        for (int c = 0; c < view->columnCount(); ++c) {
            if (view->headerText(c).startsWith(QStringLiteral("ROC-AUC")) && rocBefore < 0)
                rocBefore = c;
            else if (view->headerText(c).startsWith(QStringLiteral("ROC-AUC")))
                rocAfter = c;
        }
        QVERIFY(rocBefore > 0 && rocAfter == rocBefore + 1);
        QCOMPARE(view->cellText(kNewTag, rocBefore), QStringLiteral("n/a"));
        QCOMPARE(view->cellText(kNewTag, rocBefore + 2), QStringLiteral("n/a"));   // PR-AUC before
        const int newIndex = outcome.tags.indexOf(kNewTag);
        const double newAuc = outcome.after.perTag[size_t(newIndex)].rocAuc;
        if (std::isfinite(newAuc))
            QCOMPARE(view->cellText(kNewTag, rocAfter), QString::number(newAuc, 'f', 3));
        // An old tag with both classes held out has both figures.
        for (int t = 0; t < outcome.tags.size(); ++t) {
            const double before = outcome.before.perTag[size_t(t)].rocAuc;
            if (t != newIndex && std::isfinite(before)) {
                QCOMPARE(view->cellText(outcome.tags.at(t).name, rocBefore), QString::number(before, 'f', 3));
                break;
            }
        }
        QVERIFY(!view->cellText(widgets::EvaluationView::macroLabel(), rocAfter).isEmpty());
        QVERIFY(!view->cellText(widgets::EvaluationView::sharedMacroLabel(), rocAfter).isEmpty());
    }

    void cancelWritesNoVersion()
    {
        widgets::RetrainDialog dialog(m_store.get(), m_base, {}, m_dir + QStringLiteral("/cancelled"));
        dialog.setEpochs(20);
        QSignalSpy cancelled(dialog.controller(), &widgets::RetrainController::cancelled);
        QSignalSpy finished(dialog.controller(), &widgets::RetrainController::finished);
        // Cancel at the first report from the training epochs (the engine
        // has then begun the refit; what it keeps must not survive).
        int reportsAfterCancel = -1;
        connect(dialog.controller(), &widgets::RetrainController::progress, this,
                [&](const engine::TrainingProgress &p) {
                    if (reportsAfterCancel >= 0)
                        ++reportsAfterCancel;
                    else if (p.epoch >= 1) {
                        reportsAfterCancel = 0;
                        dialog.controller()->cancel();
                    }
                });
        QVERIFY2(dialog.startRetrain(), qPrintable(dialog.problemText()));
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isRunning(), 120000);
        QVERIFY(reportsAfterCancel >= 0);
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(finished.count(), 0);
        QVERIFY(!QFileInfo::exists(dialog.outputFolder()));
        QVERIFY(QDir(m_dir + QStringLiteral("/cancelled")).entryList({QStringLiteral("*.tlmodel")}, QDir::Dirs).isEmpty());
        QCOMPARE(dialog.page(), widgets::RetrainDialog::Page::Setup);
        QVERIFY(dialog.problemText().contains(QStringLiteral("cancelled")));
    }

    void closingDuringRetrainCancels()
    {
        // What the main window does when it is closed during a retrain.
        auto *dialog = new widgets::RetrainDialog(m_store.get(), m_base, {}, m_dir + QStringLiteral("/closed"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        QPointer<widgets::RetrainDialog> alive(dialog);
        dialog->show();
        QSignalSpy finished(dialog, &QDialog::finished);
        QSignalSpy cancelled(dialog->controller(), &widgets::RetrainController::cancelled);
        const QString output = dialog->outputFolder();
        QVERIFY(dialog->startRetrain());
        dialog->cancelAndClose();
        QVERIFY(dialog->isVisible());   // it waits for the worker, never blocking
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
        QCOMPARE(cancelled.count(), 1);
        QVERIFY(!QFileInfo::exists(output));
        QTRY_VERIFY(alive.isNull());   // deleted on close once the worker ended
    }

    void noModelSelected()
    {
        widgets::RetrainDialog dialog(m_store.get(), QString(), {}, m_dir + QStringLiteral("/versions"));
        QVERIFY(dialog.problemText().contains(QStringLiteral("Select the model")));
        QVERIFY(!dialog.startRetrain());
    }

    void panelSwitchesAndRollsBack()
    {
        if (m_newVersion.isEmpty())
            QSKIP("the retrain did not run");
        widgets::ModelPanel panel;
        const int row = panel.models()->rowOfFolder(m_newVersion);
        QVERIFY(row >= 0);
        QCOMPARE(panel.models()->parentRow(row), panel.models()->rowOfFolder(m_base));
        QVERIFY(panel.models()->index(row).data().toString().contains(QStringLiteral("retrained from ")));
        QSignalSpy changed(&panel, &widgets::ModelPanel::selectionChanged);
        QVERIFY(panel.selectFolder(m_newVersion));
        QCOMPARE(QFileInfo(panel.selectedFolder()), QFileInfo(m_newVersion));
        QCOMPARE(QFileInfo(panel.parentFolder(m_newVersion)), QFileInfo(m_base));
        QVERIFY(panel.rollBack());
        QCOMPARE(QFileInfo(panel.selectedFolder()), QFileInfo(m_base));
        QCOMPARE(QFileInfo(changed.back().front().toString()), QFileInfo(m_base));
        QVERIFY(!panel.rollBack());   // the base model has no parent
        QSignalSpy compare(&panel, &widgets::ModelPanel::compareRequested);
        QVERIFY(panel.selectFolder(m_newVersion));
        panel.compareSelected();
        QCOMPARE(compare.count(), 1);
        QCOMPARE(QFileInfo(compare.front().at(1).toString()), QFileInfo(m_base));
    }

    void retaggingShowsTheNewTag()
    {
        if (m_newVersion.isEmpty())
            QSKIP("the retrain did not run");
        const QString wav = QDir(m_corpus).entryInfoList({QStringLiteral("*.wav"), QStringLiteral("*.flac")}, QDir::Files).value(0).absoluteFilePath();
        QVERIFY(!wav.isEmpty());
        widgets::TrackView view;
        QSignalSpy loaded(&view, &widgets::TrackView::trackLoaded);
        view.openFile(wav);
        QVERIFY(loaded.wait(60000) || loaded.count() > 0);
        widgets::InferenceController inference(&view);
        QSignalSpy finished(&inference, &widgets::InferenceController::finished);
        QSignalSpy failed(&inference, &widgets::InferenceController::failed);
        auto laneHasNewTag = [&view]() {
            const widgets::TagLaneModel *lane = view.tagLaneModel();
            for (int r = 0; r < lane->rowCount(); ++r) {
                if (lane->headerData(r, Qt::Vertical, widgets::TagLaneModel::TagNameRole).toString() == kNewTag)
                    return lane->data(lane->index(r, 0), widgets::TagLaneModel::ProbabilityRole).isValid();
            }
            return false;
        };
        QVERIFY(inference.start(m_base, {}));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() > 0, 60000);
        QVERIFY2(failed.isEmpty(), qPrintable(inference.lastError()));
        QVERIFY(!laneHasNewTag());
        QVERIFY(inference.start(m_newVersion, {}));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() > 1, 60000);
        QVERIFY2(failed.isEmpty(), qPrintable(inference.lastError()));
        QVERIFY(laneHasNewTag());
    }
};

QTEST_MAIN(tst_Retrain)
#include "tst_retrain.moc"
