// SPDX-License-Identifier: GPL-3.0-or-later
// `taglane-cli tag --model BUNDLE FILE` with a malformed bundle: exit 2 and
// a message naming the bundle and the problem, never a crash or exit 0 with
// NaN tags.
#include "clirunner.h"
#include "testsupport.h"
#include "weightsfile.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

void put(QByteArray &b, quint32 v, int width)
{
    for (int i = 0; i < width; ++i)
        b.append(char((v >> (8 * i)) & 0xFF));
}

/// Two seconds of a 440 Hz tone, 16 kHz mono 16-bit PCM.
QByteArray toneWav()
{
    const int rate = 16000;
    const int n = 2 * rate;
    QByteArray pcm;
    for (int i = 0; i < n; ++i)
        put(pcm, quint32(quint16(qint16(8000 * std::sin(2 * M_PI * 440.0 * i / rate)))), 2);
    QByteArray wav("RIFF");
    put(wav, quint32(36 + pcm.size()), 4);
    wav.append("WAVEfmt ");
    put(wav, 16, 4);
    put(wav, 1, 2);
    put(wav, 1, 2);
    put(wav, rate, 4);
    put(wav, rate * 2, 4);
    put(wav, 2, 2);
    put(wav, 16, 2);
    wav.append("data");
    put(wav, quint32(pcm.size()), 4);
    return wav + pcm;
}

} // namespace

class tst_CliBadModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tagRefusesBadWeights_data();
    void tagRefusesBadWeights();
    void tagRefusesBadManifest_data();
    void tagRefusesBadManifest();

private:
    QString bundle(const QString &name, const QJsonObject &manifest, const QByteArray &weights);

    QString m_dir;
    QString m_wav;
    QJsonObject m_manifest;
    QByteArray m_weights;
};

QString tst_CliBadModel::bundle(const QString &name, const QJsonObject &manifest, const QByteArray &weights)
{
    const QString folder = m_dir + QLatin1Char('/') + name + QStringLiteral(".tlmodel");
    QDir().mkpath(folder);
    if (!writeAll(folder + QStringLiteral("/manifest.json"), QJsonDocument(manifest).toJson())
        || !writeAll(folder + QStringLiteral("/weights.pt"), weights))
        return {};
    return folder;
}

void tst_CliBadModel::initTestCase()
{
    const QString source = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel");
    m_weights = readAll(source + QStringLiteral("/weights.pt"));
    m_manifest = QJsonDocument::fromJson(readAll(source + QStringLiteral("/manifest.json"))).object();
    if (m_weights.isEmpty() || m_manifest.isEmpty())
        QSKIP("resources/models/instruments.tlmodel is absent");
    m_dir = taglane::tests::tempDir(QStringLiteral("cli-badmodel"));
    m_wav = m_dir + QStringLiteral("/tone.wav");
    QVERIFY(writeAll(m_wav, toneWav()));
    // The control: the same bundle written the same way tags the file.
    const QString good = bundle(QStringLiteral("good"), m_manifest, m_weights);
    const auto r = taglane::tests::runCli({QStringLiteral("tag"), m_wav, QStringLiteral("--model"), good, QStringLiteral("--out"),
                                           m_dir + QStringLiteral("/out-good"), QStringLiteral("--device"), QStringLiteral("cpu")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
}

void tst_CliBadModel::tagRefusesBadWeights_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty file") << "empty" << "is empty";
    QTest::newRow("garbage") << "garbage" << "not a PyTorch state dict";
    QTest::newRow("truncated zip") << "truncated" << "damaged";
    QTest::newRow("empty record") << "zero-record" << "holds 0 bytes";
    QTest::newRow("half record") << "half-record" << "but its record holds";
    QTest::newRow("NaN weight") << "nan" << "NaN or infinite";
    QTest::newRow("flipped byte") << "flipped" << "CRC-32";
}

void tst_CliBadModel::tagRefusesBadWeights()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    const QByteArray first = taglane::tests::recordData(m_weights, "data/0");
    QVERIFY(first.size() >= 16);
    QByteArray weights;
    if (kind == QLatin1String("garbage"))
        weights = QByteArray(4096, '\x17');
    else if (kind == QLatin1String("truncated"))
        weights = m_weights.left(m_weights.size() - 100);
    else if (kind == QLatin1String("zero-record"))
        weights = taglane::tests::withRecordData(m_weights, "data/0", QByteArray());
    else if (kind == QLatin1String("half-record"))
        weights = taglane::tests::withRecordData(m_weights, "data/0", first.left(first.size() / 2));
    else if (kind == QLatin1String("nan"))
        weights = taglane::tests::withRecordData(m_weights, "data/0", QByteArray(first).replace(0, 4, taglane::tests::floatBytes(NAN)));
    else if (kind == QLatin1String("flipped"))
        weights = taglane::tests::withFlippedByte(m_weights, "data/0", 3);
    const QString folder = bundle(QStringLiteral("weights-") + kind, m_manifest, weights);
    QVERIFY(!folder.isEmpty());
    const QString out = m_dir + QStringLiteral("/out-") + kind;
    const auto r = taglane::tests::runCli({QStringLiteral("tag"), QStringLiteral("--model"), folder, m_wav, QStringLiteral("--out"), out,
                                           QStringLiteral("--device"), QStringLiteral("cpu")});
    qInfo().noquote() << r.err.trimmed();
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(folder), qPrintable(r.err));
    QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    QVERIFY2(QDir(out).entryList(QDir::Files).isEmpty(), "tag wrote output from a bad model");
}

void tst_CliBadModel::tagRefusesBadManifest_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bands 0") << "bands" << QJsonValue(0) << "\"features.bands\" is 0";
    QTest::newRow("hop -512") << "hop" << QJsonValue(-512) << "\"features.hop\" is -512";
    QTest::newRow("unknown type") << "type" << QJsonValue(QStringLiteral("chroma")) << "\"features.type\" is \"chroma\"";
    QTest::newRow("chunk 2^40") << "chunkSamples" << QJsonValue(double(qint64(1) << 40)) << "\"chunkSamples\"";
}

void tst_CliBadModel::tagRefusesBadManifest()
{
    QFETCH(QString, field);
    QFETCH(QJsonValue, value);
    QFETCH(QString, expected);
    QJsonObject manifest = m_manifest;
    if (field == QLatin1String("chunkSamples")) {
        manifest[field] = value;
    } else {
        QJsonObject features = manifest.value(QStringLiteral("features")).toObject();
        features[field] = value;
        manifest[QStringLiteral("features")] = features;
    }
    const QString name = QStringLiteral("manifest-") + field;
    const QString folder = bundle(name, manifest, m_weights);
    QVERIFY(!folder.isEmpty());
    const auto r = taglane::tests::runCli({QStringLiteral("tag"), QStringLiteral("--model"), folder, m_wav, QStringLiteral("--out"),
                                           m_dir + QStringLiteral("/out-") + name, QStringLiteral("--device"), QStringLiteral("cpu")});
    qInfo().noquote() << r.err.trimmed();
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(folder), qPrintable(r.err));
    QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    QVERIFY2(!r.err.contains(QStringLiteral("allocat"), Qt::CaseInsensitive), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(tst_CliBadModel)
#include "tst_cli_badmodel.moc"
