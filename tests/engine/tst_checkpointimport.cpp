// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/checkpointimport.h"
#include "engine/model/statedict.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace taglane::engine;

class tst_CheckpointImport : public QObject
{
    Q_OBJECT

private:
    QString m_pretrained;
    Vocabulary m_tags;

    /// Imports checkpointPath as arch into a fresh folder; on failure checks
    /// that no bundle (and no temporary folder) was left behind.
    Result<ModelBundle> importInto(const QString &dirName, const QString &arch, const QString &checkpointPath,
                                   const Vocabulary &tags)
    {
        const QString dir = taglane::tests::tempDir(dirName + QStringLiteral("-out"));
        CheckpointImport request;
        request.architecture = arch;
        request.checkpointPath = checkpointPath;
        request.tags = tags;
        request.bundleFolder = dir + QStringLiteral("/out.tlmodel");
        auto result = importCheckpoint(request);
        if (!result.ok()) {
            const QStringList left = QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
            if (!left.isEmpty())
                return Result<ModelBundle>::failure(QStringLiteral("LEFT FILES BEHIND: ") + result.error());
        }
        return result;
    }

    /// The musicnn checkpoint, edited by fn, saved into a temp folder.
    template <typename Fn>
    QString editedCheckpoint(const QString &dirName, Fn fn)
    {
        auto dict = loadStateDict(m_pretrained + QStringLiteral("/mtat-musicnn.pth"));
        if (!dict.ok())
            return QString();
        fn(dict.value());
        const QString path = taglane::tests::tempDir(dirName) + QStringLiteral("/bad.pth");
        return saveStateDict(dict.value(), path).ok() ? path : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        TAGLANE_REQUIRE_SHARED(pretrained, "fixtures/pretrained");
        m_pretrained = pretrained;
        const auto tags = loadTagList(pretrained + QStringLiteral("/mtat-tags.txt"));
        QVERIFY2(tags.ok(), qPrintable(tags.error()));
        QCOMPARE(tags->size(), 50);
        QCOMPARE(tags->at(0).name, QStringLiteral("guitar"));
        m_tags = tags.value();
    }

    void importsEachArchitecture_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<qint64>("chunk");
        QTest::newRow("musicnn") << QStringLiteral("musicnn") << qint64(48000);
        QTest::newRow("fcn") << QStringLiteral("fcn") << qint64(464000);
        QTest::newRow("crnn") << QStringLiteral("crnn") << qint64(464000);
    }

    void importsEachArchitecture()
    {
        QFETCH(QString, arch);
        QFETCH(qint64, chunk);
        const QString checkpoint = m_pretrained + QStringLiteral("/mtat-%1.pth").arg(arch);
        const auto bundle = importInto(QStringLiteral("import-") + arch, arch, checkpoint, m_tags);
        QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
        QCOMPARE(bundle->manifest().architecture, arch);
        QCOMPARE(bundle->manifest().chunkSamples, chunk);
        QCOMPARE(bundle->manifest().sampleRate, 16000);
        QCOMPARE(bundle->manifest().tags.names(), m_tags.names());
        QVERIFY(!bundle->manifest().version.isEmpty());
        QVERIFY(bundle->manifest().parentVersion.isEmpty());

        // The bundle's weights are the checkpoint's, readable by the same reader.
        const auto original = loadStateDict(checkpoint);
        const auto stored = loadStateDict(bundle->weightsPath());
        QVERIFY2(stored.ok(), qPrintable(stored.error()));
        QCOMPARE(stored->size(), original->size());
        for (const auto &[name, tensor] : original.value()) {
            QVERIFY2(stored->count(name), qPrintable(name));
            QCOMPARE(stored->at(name).shape, tensor.shape);
            QVERIFY2(stored->at(name).values == tensor.values, qPrintable(name));
        }
    }

    void rejectsLegacyFormat()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("import-legacy-in"));
        const QString path = dir + QStringLiteral("/bad.pth");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        // Legacy torch.save files start with a pickled magic number.
        f.write(QByteArray::fromHex("80028a0a6cfc9c46f9206aa850192e"));
        f.close();
        const auto result = importInto(QStringLiteral("import-legacy"), QStringLiteral("musicnn"), path, m_tags);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().contains(QStringLiteral("legacy")), qPrintable(result.error()));
        QVERIFY2(result.error().contains(QStringLiteral("torch.save")), qPrintable(result.error()));
        QVERIFY2(!result.error().contains(QStringLiteral("LEFT FILES")), qPrintable(result.error()));
    }

    void rejectsMissingKey()
    {
        const QString path = editedCheckpoint(QStringLiteral("import-missing"), [](StateDict &d) {
            d.erase(QStringLiteral("layer3.bn.running_var"));
        });
        QVERIFY(!path.isEmpty());
        const auto result = importInto(QStringLiteral("import-missing"), QStringLiteral("musicnn"), path, m_tags);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().contains(QStringLiteral("\"layer3.bn.running_var\" is missing")), qPrintable(result.error()));
        QVERIFY2(!result.error().contains(QStringLiteral("LEFT FILES")), qPrintable(result.error()));
    }

    void rejectsWrongShape()
    {
        const QString path = editedCheckpoint(QStringLiteral("import-shape"), [](StateDict &d) {
            d[QStringLiteral("dense1.weight")] = TensorData{{200, 1505}, std::vector<float>(200 * 1505, 0.0f)};
        });
        QVERIFY(!path.isEmpty());
        const auto result = importInto(QStringLiteral("import-shape"), QStringLiteral("musicnn"), path, m_tags);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().contains(QStringLiteral("dense1.weight")), qPrintable(result.error()));
        QVERIFY2(result.error().contains(QStringLiteral("200 x 1505")), qPrintable(result.error()));
        QVERIFY2(result.error().contains(QStringLiteral("200 x 1506")), qPrintable(result.error()));
        QVERIFY2(!result.error().contains(QStringLiteral("LEFT FILES")), qPrintable(result.error()));
    }

    void rejectsUnexpectedKey()
    {
        const QString path = editedCheckpoint(QStringLiteral("import-extra"), [](StateDict &d) {
            d[QStringLiteral("layer4.conv.weight")] = TensorData{{1}, {0.0f}};
        });
        QVERIFY(!path.isEmpty());
        const auto result = importInto(QStringLiteral("import-extra"), QStringLiteral("musicnn"), path, m_tags);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().contains(QStringLiteral("layer4.conv.weight")), qPrintable(result.error()));
    }

    void rejectsTagCountMismatch()
    {
        QStringList names = m_tags.names();
        names.removeLast();
        const auto result = importInto(QStringLiteral("import-tags"), QStringLiteral("fcn"),
                                       m_pretrained + QStringLiteral("/mtat-fcn.pth"), Vocabulary::fromNames(names));
        QVERIFY(!result.ok());
        QVERIFY2(result.error().contains(QStringLiteral("dense.weight")), qPrintable(result.error()));
        QVERIFY2(result.error().contains(QStringLiteral("50 outputs")), qPrintable(result.error()));
        QVERIFY2(result.error().contains(QStringLiteral("49 tags")), qPrintable(result.error()));
        QVERIFY2(!result.error().contains(QStringLiteral("LEFT FILES")), qPrintable(result.error()));
    }

    void rejectsWrongArchitecture()
    {
        auto result = importInto(QStringLiteral("import-arch"), QStringLiteral("crnn"),
                                 m_pretrained + QStringLiteral("/mtat-fcn.pth"), m_tags);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().contains(QStringLiteral("layer5")), qPrintable(result.error()));
        result = importInto(QStringLiteral("import-arch"), QStringLiteral("resnet"),
                            m_pretrained + QStringLiteral("/mtat-fcn.pth"), m_tags);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().contains(QStringLiteral("resnet")), qPrintable(result.error()));
    }

    void failedImportKeepsExistingBundle()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("import-keep"));
        CheckpointImport request;
        request.architecture = QStringLiteral("fcn");
        request.checkpointPath = m_pretrained + QStringLiteral("/mtat-fcn.pth");
        request.tags = m_tags;
        request.bundleFolder = dir + QStringLiteral("/keep.tlmodel");
        const auto first = importCheckpoint(request);
        QVERIFY2(first.ok(), qPrintable(first.error()));
        const QString version = first->manifest().version;

        request.architecture = QStringLiteral("musicnn");   // wrong for this file
        QVERIFY(!importCheckpoint(request).ok());
        const auto still = ModelBundle::open(request.bundleFolder);
        QVERIFY2(still.ok(), qPrintable(still.error()));
        QCOMPARE(still->manifest().architecture, QStringLiteral("fcn"));
        QCOMPARE(still->manifest().version, version);
    }

    void tagListErrors()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("import-taglist"));
        QVERIFY(!loadTagList(dir + QStringLiteral("/none.txt")).ok());
        QFile f(dir + QStringLiteral("/dup.txt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("rock\npop\nrock\n");
        f.close();
        const auto dup = loadTagList(f.fileName());
        QVERIFY(!dup.ok());
        QVERIFY2(dup.error().contains(QStringLiteral("rock")), qPrintable(dup.error()));
    }
};

QTEST_GUILESS_MAIN(tst_CheckpointImport)
#include "tst_checkpointimport.moc"
