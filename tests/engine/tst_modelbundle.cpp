// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/modelbundle.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace taglane::engine;

namespace {

ModelManifest sampleManifest()
{
    ModelManifest m;
    m.name = QStringLiteral("Test model");
    m.architecture = QStringLiteral("musicnn");
    m.tags = Vocabulary::fromNames({QStringLiteral("guitar"), QStringLiteral("Emotion-Calming_/_Soothing"),
                                    QStringLiteral("Instrument_-_Piano")});
    m.sampleRate = 16000;
    m.features = QJsonObject{{QStringLiteral("n_fft"), 512}, {QStringLiteral("hop_length"), 256}};
    m.chunkSamples = 48000;
    m.version = QStringLiteral("v2");
    m.parentVersion = QStringLiteral("v1");
    m.created = QDateTime(QDate(2024, 5, 6), QTime(7, 8, 9, 123), Qt::UTC);
    m.training = QJsonObject{{QStringLiteral("tracks"), 12}};
    m.metrics = QJsonObject{{QStringLiteral("rocAuc"), 0.9}};
    return m;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(bytes);
}

QStringList hiddenEntries(const QString &dir)
{
    return QDir(dir).entryList(QDir::Hidden | QDir::AllEntries | QDir::NoDotAndDotDot).filter(QRegularExpression(QStringLiteral("^\\.")));
}

} // namespace

class tst_ModelBundle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void manifestRoundTrip()
    {
        const ModelManifest m = sampleManifest();
        // Through text, as it is stored.
        const QByteArray text = QJsonDocument(m.toJson()).toJson();
        const auto back = ModelManifest::fromJson(QJsonDocument::fromJson(text).object(), QStringLiteral("test"));
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->name, m.name);
        QCOMPARE(back->architecture, m.architecture);
        QCOMPARE(back->tags.names(), m.tags.names());
        QCOMPARE(back->tags.at(1).category, QStringLiteral("Emotion"));
        QCOMPARE(back->tags.at(2).category, m.tags.at(2).category);
        QCOMPARE(back->sampleRate, 16000);
        QCOMPARE(back->features, m.features);
        QCOMPARE(back->chunkSamples, qint64(48000));
        QCOMPARE(back->version, m.version);
        QCOMPARE(back->parentVersion, m.parentVersion);
        QCOMPARE(back->created, m.created);
        QCOMPARE(back->training, m.training);
        QCOMPARE(back->metrics, m.metrics);
    }

    void manifestRejectsBadJson_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("format") << QStringLiteral("format") << QJsonValue(QStringLiteral("other")) << QStringLiteral("not a Taglane");
        QTest::newRow("future version") << QStringLiteral("formatVersion") << QJsonValue(99) << QStringLiteral("99");
        QTest::newRow("no architecture") << QStringLiteral("architecture") << QJsonValue(QString()) << QStringLiteral("architecture");
        QTest::newRow("no tags") << QStringLiteral("tags") << QJsonValue(QJsonArray()) << QStringLiteral("no tags");
        QTest::newRow("rate") << QStringLiteral("sampleRate") << QJsonValue(0) << QStringLiteral("sample rate");
        QTest::newRow("chunk") << QStringLiteral("chunkSamples") << QJsonValue(-5) << QStringLiteral("chunk");
    }

    void manifestRejectsBadJson()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QFETCH(QString, expected);
        QJsonObject json = sampleManifest().toJson();
        json[field] = value;
        const auto result = ModelManifest::fromJson(json, QStringLiteral("bad/manifest.json"));
        QVERIFY(!result.ok());
        QVERIFY2(result.error().contains(QStringLiteral("bad/manifest.json")), qPrintable(result.error()));
        QVERIFY2(result.error().contains(expected), qPrintable(result.error()));
    }

    void writeThenOpen()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("bundle-write"));
        const QString folder = dir + QStringLiteral("/model.tlmodel");
        const QByteArray weights("weights-bytes-1");
        const Status written = ModelBundle::write(folder, sampleManifest(), weights);
        QVERIFY2(written.ok(), qPrintable(written.error()));
        const auto bundle = ModelBundle::open(folder);
        QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
        QCOMPARE(bundle->manifest().tags.names(), sampleManifest().tags.names());
        QCOMPARE(bundle->manifest().version, QStringLiteral("v2"));
        QCOMPARE(readAll(bundle->weightsPath()), weights);
        QVERIFY(QFileInfo::exists(folder + QStringLiteral("/manifest.json")));
        QVERIFY(hiddenEntries(dir).isEmpty());

        // Replacing an existing bundle swaps it whole.
        ModelManifest second = sampleManifest();
        second.version = QStringLiteral("v3");
        QVERIFY(ModelBundle::write(folder, second, QByteArray("weights-bytes-2")).ok());
        const auto reopened = ModelBundle::open(folder);
        QVERIFY(reopened.ok());
        QCOMPARE(reopened->manifest().version, QStringLiteral("v3"));
        QCOMPARE(readAll(reopened->weightsPath()), QByteArray("weights-bytes-2"));
        QVERIFY(hiddenEntries(dir).isEmpty());

        // A trailing slash names the same folder.
        QVERIFY(ModelBundle::write(folder + QLatin1Char('/'), sampleManifest(), QByteArray("weights-bytes-3")).ok());
        QCOMPARE(readAll(folder + QStringLiteral("/weights.pt")), QByteArray("weights-bytes-3"));
        QVERIFY(hiddenEntries(dir).isEmpty());
        QVERIFY(hiddenEntries(folder).isEmpty());
    }

    void failedWriteLeavesNothing()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("bundle-fail"));
        // Empty weights: refused before anything is created.
        const QString folder = dir + QStringLiteral("/empty.tlmodel");
        QVERIFY(!ModelBundle::write(folder, sampleManifest(), QByteArray()).ok());
        QVERIFY(!QFileInfo::exists(folder));

        // The target is a file: refused, the file is untouched.
        const QString file = dir + QStringLiteral("/file.tlmodel");
        writeAll(file, "precious");
        const Status status = ModelBundle::write(file, sampleManifest(), QByteArray("w"));
        QVERIFY(!status.ok());
        QVERIFY2(status.error().contains(file), qPrintable(status.error()));
        QCOMPARE(readAll(file), QByteArray("precious"));
        QVERIFY(hiddenEntries(dir).isEmpty());
    }

    void openRejectsBrokenBundles()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("bundle-open"));
        QVERIFY(!ModelBundle::open(dir + QStringLiteral("/missing.tlmodel")).ok());

        const QString noManifest = dir + QStringLiteral("/nomanifest.tlmodel");
        QDir().mkpath(noManifest);
        auto r = ModelBundle::open(noManifest);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("manifest.json")), qPrintable(r.error()));

        const QString badJson = dir + QStringLiteral("/badjson.tlmodel");
        QDir().mkpath(badJson);
        writeAll(badJson + QStringLiteral("/manifest.json"), "{ not json");
        writeAll(badJson + QStringLiteral("/weights.pt"), "w");
        r = ModelBundle::open(badJson);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("JSON")), qPrintable(r.error()));

        const QString noWeights = dir + QStringLiteral("/noweights.tlmodel");
        QVERIFY(ModelBundle::write(noWeights, sampleManifest(), QByteArray("w")).ok());
        QFile::remove(noWeights + QStringLiteral("/weights.pt"));
        r = ModelBundle::open(noWeights);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("weights.pt")), qPrintable(r.error()));
    }
};

QTEST_GUILESS_MAIN(tst_ModelBundle)
#include "tst_modelbundle.moc"
