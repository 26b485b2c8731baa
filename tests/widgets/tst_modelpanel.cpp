// SPDX-License-Identifier: GPL-3.0-or-later
// The model panel lists bundles from TAGLANE_MODEL_PATH and shows a manifest;
// the import dialog writes a bundle from a published checkpoint on a worker
// thread and shows the engine's message for a bad one.
#include "widgets/models/importcheckpointdialog.h"
#include "widgets/models/modelfolders.h"
#include "widgets/models/modellistmodel.h"
#include "widgets/models/modelpanel.h"
#include "widgets/models/weightscheck.h"

#include "engine/model/modelbundle.h"

#include "testsupport.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QLabel>
#include <QListView>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

using namespace taglane;

class tst_ModelPanel : public QObject
{
    Q_OBJECT

private:
    static engine::ModelManifest manifest(const QString &name, const QString &arch, const QString &version)
    {
        engine::ModelManifest m;
        m.name = name;
        m.architecture = arch;
        m.tags = engine::Vocabulary::fromNames({QStringLiteral("guitar"), QStringLiteral("piano"), QStringLiteral("vocal")});
        m.sampleRate = 16000;
        m.chunkSamples = 48000;
        m.version = version;
        m.parentVersion = QStringLiteral("parent-1234");
        m.created = QDateTime(QDate(2026, 3, 4), QTime(5, 6, 7), Qt::UTC);
        m.training = QJsonObject{{QStringLiteral("tracks"), 42}, {QStringLiteral("corpus"), QStringLiteral("synthetic")}};
        m.metrics = QJsonObject{{QStringLiteral("roc_auc_macro"), 0.875}};
        return m;
    }

    /// A copy of the shipped default bundle (real weights) in `folder`.
    static bool copyDefault(const QString &folder)
    {
        const QString from = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/default.tlmodel");
        QDir().mkpath(folder);
        for (const char *file : {"manifest.json", "weights.pt"}) {
            QFile::remove(folder + QLatin1Char('/') + QLatin1String(file));
            if (!QFile::copy(from + QLatin1Char('/') + QLatin1String(file), folder + QLatin1Char('/') + QLatin1String(file)))
                return false;
        }
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Keep the user's own models folder out of the listing.
        QStandardPaths::setTestModeEnabled(true);
        QDir(widgets::ModelFolders::userFolder()).removeRecursively();
    }

    void listsBundlesFromModelPath()
    {
        const QString a = tests::tempDir(QStringLiteral("modelpanel-a"));
        const QString b = tests::tempDir(QStringLiteral("modelpanel-b"));
        QVERIFY(engine::ModelBundle::write(a + QStringLiteral("/zeta.tlmodel"),
                                           manifest(QStringLiteral("Zeta model"), QStringLiteral("fcn"), QStringLiteral("v-zeta")),
                                           QByteArray("not weights")).ok());
        QVERIFY(engine::ModelBundle::write(a + QStringLiteral("/alpha.tlmodel"),
                                           manifest(QStringLiteral("Alpha model"), QStringLiteral("musicnn"), QStringLiteral("v-alpha")),
                                           QByteArray("not weights")).ok());
        QVERIFY(engine::ModelBundle::write(b + QStringLiteral("/crnn.tlmodel"),
                                           manifest(QStringLiteral("Crnn model"), QStringLiteral("crnn"), QStringLiteral("v-crnn")),
                                           QByteArray("not weights")).ok());
        QDir(b).mkpath(QStringLiteral("broken.tlmodel"));          // no manifest
        QDir(b).mkpath(QStringLiteral("not-a-bundle"));            // ignored: wrong suffix
        qputenv("TAGLANE_MODEL_PATH", (a + QLatin1Char(':') + b + QStringLiteral(":/nonexistent")).toUtf8());

        widgets::ModelPanel panel;
        widgets::ModelListModel *models = panel.models();
        // The four from TAGLANE_MODEL_PATH come first; only bundles Taglane
        // ships (resources/models) may follow them.
        int fromPath = 0;
        for (int row = 0; row < models->rowCount(); ++row) {
            if (models->entry(row).origin == widgets::ModelFolders::Origin::EnvironmentPath)
                QCOMPARE(row, fromPath++);
            else
                QCOMPARE(models->entry(row).origin, widgets::ModelFolders::Origin::Bundled);
        }
        QCOMPARE(fromPath, 4);
        // Sorted by name within a folder, folders in TAGLANE_MODEL_PATH order.
        QCOMPARE(models->entry(0).manifest.name, QStringLiteral("Alpha model"));
        QCOMPARE(models->entry(1).manifest.name, QStringLiteral("Zeta model"));
        QCOMPARE(models->entry(2).manifest.name, QStringLiteral("Crnn model"));
        QVERIFY(!models->entry(3).ok());
        QVERIFY(!models->entry(3).error.isEmpty());
        QCOMPARE(models->entry(0).origin, widgets::ModelFolders::Origin::EnvironmentPath);

        QVERIFY(panel.selectFolder(b + QStringLiteral("/crnn.tlmodel")));
        QCOMPARE(QFileInfo(panel.selectedFolder()).fileName(), QStringLiteral("crnn.tlmodel"));
        const QString details = panel.detailsText();
        for (const char *expected : {"Crnn model", "crnn", "v-crnn", "parent-1234", "guitar", "48000", "16000",
                                     "2026", "synthetic", "roc_auc_macro", "0.875"})
            QVERIFY2(details.contains(QLatin1String(expected)), qPrintable(QStringLiteral("missing %1 in: %2")
                                                                               .arg(QLatin1String(expected), details)));
        // An unreadable bundle cannot be chosen for tagging, and says why.
        panel.listView()->setCurrentIndex(models->index(3));
        QVERIFY(panel.selectedFolder().isEmpty());
        QVERIFY(panel.detailsText().contains(QStringLiteral("broken.tlmodel")));

        // A bundle added later appears on refresh; the selection stays.
        QVERIFY(panel.selectFolder(a + QStringLiteral("/zeta.tlmodel")));
        QVERIFY(engine::ModelBundle::write(b + QStringLiteral("/beta.tlmodel"),
                                           manifest(QStringLiteral("Beta model"), QStringLiteral("fcn"), QStringLiteral("v-beta")),
                                           QByteArray("x")).ok());
        const int before = models->rowCount();
        panel.refresh();
        QCOMPARE(models->rowCount(), before + 1);
        QCOMPARE(QFileInfo(panel.selectedFolder()).fileName(), QStringLiteral("zeta.tlmodel"));
        qunsetenv("TAGLANE_MODEL_PATH");
    }

    void importedBundleSaysFromWhichCheckpoint()
    {
        // The importer records the checkpoint in the training summary; that
        // is not "trained from scratch".
        const QString dir = tests::tempDir(QStringLiteral("modelpanel-imported"));
        engine::ModelManifest m = manifest(QStringLiteral("Imported"), QStringLiteral("musicnn"), QStringLiteral("v-imp"));
        m.parentVersion.clear();
        m.tags = engine::Vocabulary::fromNames({QStringLiteral("Instrument_-_Strings"), QStringLiteral("Song-Fast_Tempo")});
        m.training = QJsonObject{{QStringLiteral("source"), QStringLiteral("imported checkpoint")},
                                 {QStringLiteral("checkpoint"), QStringLiteral("mtat-musicnn.pth")}};
        QVERIFY(engine::ModelBundle::write(dir + QStringLiteral("/imported.tlmodel"), m, QByteArray("w")).ok());
        engine::ModelManifest scratch = manifest(QStringLiteral("Scratch"), QStringLiteral("fcn"), QStringLiteral("v-scr"));
        scratch.parentVersion.clear();
        QVERIFY(engine::ModelBundle::write(dir + QStringLiteral("/scratch.tlmodel"), scratch, QByteArray("w")).ok());
        widgets::ModelPanel panel;
        panel.models()->setFolders({{dir, widgets::ModelFolders::Origin::User}});
        QVERIFY(panel.selectFolder(dir + QStringLiteral("/imported.tlmodel")));
        QVERIFY2(panel.detailsText().contains(QStringLiteral("imported from mtat-musicnn.pth")), qPrintable(panel.detailsText()));
        QVERIFY(!panel.detailsText().contains(QStringLiteral("scratch")));
        // Tags by their display names, as the lane shows them.
        QVERIFY2(panel.detailsText().contains(QStringLiteral("Strings, Fast Tempo")), qPrintable(panel.detailsText()));
        QVERIFY(!panel.detailsText().contains(QStringLiteral("Instrument_-_Strings")));
        QVERIFY(panel.selectFolder(dir + QStringLiteral("/scratch.tlmodel")));
        QVERIFY2(panel.detailsText().contains(QStringLiteral("trained from scratch")), qPrintable(panel.detailsText()));
    }

    void clickedModelIsRememberedAfterARestart()
    {
        const QString dir = tests::tempDir(QStringLiteral("modelpanel-remember"));
        for (const char *name : {"first", "second", "third"})
            QVERIFY(copyDefault(dir + QStringLiteral("/%1.tlmodel").arg(QLatin1String(name))));
        qputenv("TAGLANE_MODEL_PATH", dir.toUtf8());
        QSettings().clear();   // nothing remembered from an earlier run
        QString clicked;
        {
            widgets::ModelPanel panel;
            panel.show();
            QVERIFY(QTest::qWaitForWindowExposed(&panel));
            const int row = panel.models()->rowOfFolder(dir + QStringLiteral("/third.tlmodel"));
            QVERIFY(row >= 0);
            QListView *list = panel.listView();
            const QRect r = list->visualRect(panel.models()->index(row));
            QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, r.center());
            clicked = panel.selectedFolder();
            QCOMPARE(QFileInfo(clicked).fileName(), QStringLiteral("third.tlmodel"));
        }
        widgets::ModelPanel restarted;
        QCOMPARE(restarted.selectedFolder(), clicked);
        qunsetenv("TAGLANE_MODEL_PATH");
    }

    void bundleWithTruncatedWeightsIsRefused()
    {
        // The manifest reads, the weights do not: the panel says so when the
        // bundle is chosen, and it cannot be used for tagging or retraining.
        const QString dir = tests::tempDir(QStringLiteral("modelpanel-truncated"));
        const QString good = dir + QStringLiteral("/good.tlmodel");
        const QString bad = dir + QStringLiteral("/truncated.tlmodel");
        const QString flipped = dir + QStringLiteral("/flipped.tlmodel");
        QVERIFY(copyDefault(good));
        QVERIFY(copyDefault(bad));
        QVERIFY(copyDefault(flipped));
        QFile weights(bad + QStringLiteral("/weights.pt"));
        QVERIFY(weights.open(QIODevice::ReadWrite));
        QVERIFY(weights.resize(weights.size() / 2));
        weights.close();
        QFile other(flipped + QStringLiteral("/weights.pt"));
        QVERIFY(other.open(QIODevice::ReadWrite));
        QByteArray bytes = other.readAll();
        for (qsizetype i = bytes.size() / 3; i < bytes.size() / 3 + 64; ++i)
            bytes[i] = char(~bytes[i]);
        QVERIFY(other.seek(0) && other.write(bytes) == bytes.size());
        other.close();

        widgets::ModelPanel panel;
        panel.models()->setFolders({{dir, widgets::ModelFolders::Origin::User}});
        QSignalSpy changed(&panel, &widgets::ModelPanel::selectionChanged);
        for (const QString &folder : {bad, flipped}) {
            QVERIFY(panel.selectFolder(folder));
            QTRY_VERIFY_WITH_TIMEOUT(panel.weightsCheck()->isKnown(folder), 30000);
            QVERIFY2(!panel.weightsCheck()->problem(folder).isEmpty(), qPrintable(folder));
            QVERIFY(panel.selectedFolder().isEmpty());
            QVERIFY2(panel.detailsText().contains(QStringLiteral("cannot be used")), qPrintable(panel.detailsText()));
            QVERIFY2(panel.detailsText().contains(QFileInfo(folder).fileName()), qPrintable(panel.detailsText()));
            QVERIFY(changed.back().front().toString().isEmpty());
        }
        QVERIFY(panel.selectFolder(good));
        QTRY_VERIFY_WITH_TIMEOUT(panel.weightsCheck()->isKnown(good), 30000);
        QVERIFY2(panel.weightsCheck()->problem(good).isEmpty(), qPrintable(panel.weightsCheck()->problem(good)));
        QCOMPARE(panel.selectedFolder(), good);
    }

    void segmentationIsTheLaneBarsControl()
    {
        // One segmentation control (the lane bar's); the dock only states its rule.
        widgets::ModelPanel panel;
        for (const QComboBox *box : panel.findChildren<QComboBox *>())
            for (int i = 0; i < box->count(); ++i)
                QVERIFY2(!box->itemText(i).contains(QStringLiteral("chunk"), Qt::CaseInsensitive)
                             && !box->itemText(i).contains(QStringLiteral("Fixed windows")),
                         qPrintable(box->itemText(i)));
        const auto *rule = panel.findChild<QLabel *>(QStringLiteral("segmentationRule"));
        QVERIFY(rule);
        QVERIFY(rule->text().contains(QStringLiteral("lane bar")));
        panel.setBatchSize(16);
        QCOMPARE(panel.batchSize(), 16);
    }

    void importDialogWritesBundle()
    {
        TAGLANE_REQUIRE_SHARED(checkpoint, "fixtures/pretrained/mtat-musicnn.pth");
        TAGLANE_REQUIRE_SHARED(tags, "fixtures/pretrained/mtat-tags.txt");
        const QString dest = tests::tempDir(QStringLiteral("modelpanel-import"));
        widgets::ImportCheckpointDialog dialog(dest);
        dialog.setArchitecture(QStringLiteral("musicnn"));
        dialog.setCheckpointPath(checkpoint);
        dialog.setTagsPath(tags);
        dialog.setModelName(QStringLiteral("MTAT musicnn"));
        QCOMPARE(dialog.bundleFolder(), dest + QStringLiteral("/MTAT_musicnn.tlmodel"));
        QSignalSpy imported(&dialog, &widgets::ImportCheckpointDialog::imported);
        QSignalSpy failed(&dialog, &widgets::ImportCheckpointDialog::failed);
        QVERIFY(dialog.startImport());
        QVERIFY(dialog.isRunning());   // the work is on a worker thread
        QTRY_VERIFY_WITH_TIMEOUT(imported.count() + failed.count() > 0, 120000);
        QVERIFY2(failed.isEmpty(), qPrintable(dialog.errorText()));
        const QString folder = imported.front().front().toString();
        const auto bundle = engine::ModelBundle::open(folder);
        QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
        QCOMPARE(bundle->manifest().architecture, QStringLiteral("musicnn"));
        QCOMPARE(bundle->manifest().name, QStringLiteral("MTAT musicnn"));
        QCOMPARE(bundle->manifest().tags.size(), 50);

        // The panel lists it when its folder is searched; a second import
        // under the same name is refused before any work starts.
        widgets::ModelPanel panel;
        panel.models()->setFolders({{dest, widgets::ModelFolders::Origin::User}});
        QVERIFY(panel.selectFolder(folder));
        QVERIFY(panel.detailsText().contains(QStringLiteral("musicnn")));
        widgets::ImportCheckpointDialog again(dest);
        again.setCheckpointPath(checkpoint);
        again.setTagsPath(tags);
        again.setModelName(QStringLiteral("MTAT musicnn"));
        QVERIFY(!again.startImport());
        QVERIFY(again.errorText().contains(QStringLiteral("exists")));
    }

    void importDialogReportsBadCheckpoint()
    {
        TAGLANE_REQUIRE_SHARED(tags, "fixtures/pretrained/mtat-tags.txt");
        const QString dest = tests::tempDir(QStringLiteral("modelpanel-bad"));
        const QString bad = dest + QStringLiteral("/garbage.pth");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a torch checkpoint");
        f.close();

        widgets::ImportCheckpointDialog dialog(dest + QStringLiteral("/models"));
        QVERIFY(!dialog.startImport());   // no checkpoint chosen
        QVERIFY(!dialog.errorText().isEmpty());
        dialog.setArchitecture(QStringLiteral("fcn"));
        dialog.setCheckpointPath(bad);
        dialog.setTagsPath(tags);
        dialog.setModelName(QStringLiteral("bad"));
        QSignalSpy failed(&dialog, &widgets::ImportCheckpointDialog::failed);
        QSignalSpy imported(&dialog, &widgets::ImportCheckpointDialog::imported);
        QVERIFY(dialog.startImport());
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() + imported.count() > 0, 60000);
        QCOMPARE(imported.count(), 0);
        const QString message = failed.front().front().toString();
        QVERIFY2(message.contains(QStringLiteral("garbage.pth")), qPrintable(message));
        QCOMPARE(dialog.errorText(), message);
        QVERIFY(!QFileInfo::exists(dialog.bundleFolder()));
        QVERIFY(!dialog.isRunning());

        // A tags file that does not exist: the engine's message names it.
        dialog.setCheckpointPath(bad);
        dialog.setTagsPath(dest + QStringLiteral("/missing-tags.txt"));
        QVERIFY(dialog.startImport());
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() == 2, 60000);
        QVERIFY2(dialog.errorText().contains(QStringLiteral("missing-tags.txt")), qPrintable(dialog.errorText()));
    }
};

QTEST_MAIN(tst_ModelPanel)
#include "tst_modelpanel.moc"
