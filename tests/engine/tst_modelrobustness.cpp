// SPDX-License-Identifier: GPL-3.0-or-later
// Malformed model bundles: weights.pt records of the wrong size, NaN or
// infinite weights, flipped bytes, weights of the wrong shape or of another
// architecture, and manifests whose features block or chunk length do not
// fit the architecture. Each gives a clean failure naming the file, never a
// crash, a read past a buffer or silently wrong tags.
#include "engine/model/frontendspec.h"
#include "engine/model/modelbundle.h"
#include "engine/model/statedict.h"
#include "engine/model/tagger.h"
#include "engine/train/retrainer.h"

#include "testsupport.h"
#include "weightsfile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <cmath>
#include <limits>

using namespace taglane::engine;
using namespace taglane::tests;

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

/// {"w": 3 x 4 floats 1..12}: one record, data/0, of 48 bytes.
QByteArray smallWeights()
{
    StateDict dict;
    dict[QStringLiteral("w")] = TensorData{{3, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}};
    const auto bytes = serializeStateDict(dict);
    return bytes.ok() ? bytes.value() : QByteArray();
}

/// A bundle folder written by hand (no checks on the way in).
QString writeBundle(const QString &folder, const QJsonObject &manifest, const QByteArray &weights)
{
    QDir().mkpath(folder);
    if (!writeAll(folder + QStringLiteral("/manifest.json"), QJsonDocument(manifest).toJson())
        || !writeAll(folder + QStringLiteral("/weights.pt"), weights))
        return {};
    return folder;
}

/// Sets a value at a dotted path ("features.hop"); an undefined value removes it.
QJsonObject withValue(QJsonObject json, const QString &path, const QJsonValue &value)
{
    const QStringList parts = path.split(QLatin1Char('.'));
    if (parts.size() == 1) {
        if (value.isUndefined())
            json.remove(path);
        else
            json[path] = value;
        return json;
    }
    json[parts.first()] = withValue(json.value(parts.first()).toObject(), parts.mid(1).join(QLatin1Char('.')), value);
    return json;
}

} // namespace

class tst_ModelRobustness : public QObject
{
    Q_OBJECT

private:
    QString m_default;
    QJsonObject m_manifest;
    QByteArray m_weights;
    QString m_dir;

    /// Tagger::load on a bundle written by hand: the error, empty when it loaded.
    QString loadError(const QString &name, const QJsonObject &manifest, const QByteArray &weights)
    {
        const QString folder = writeBundle(m_dir + QLatin1Char('/') + name + QStringLiteral(".tlmodel"), manifest, weights);
        if (folder.isEmpty())
            return QStringLiteral("could not write the bundle");
        const auto bundle = ModelBundle::open(folder);
        if (!bundle)
            return bundle.error();
        const auto tagger = Tagger::load(bundle.value(), DevicePreference::Cpu);
        return tagger ? QString() : tagger.error();
    }

private Q_SLOTS:
    void initTestCase()
    {
        configureTorchThreads(1);
        m_default = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel");
        m_weights = readAll(m_default + QStringLiteral("/weights.pt"));
        m_manifest = QJsonDocument::fromJson(readAll(m_default + QStringLiteral("/manifest.json"))).object();
        if (m_weights.isEmpty() || m_manifest.isEmpty())
            QSKIP("resources/models/instruments.tlmodel is absent");
        QVERIFY(!smallWeights().isEmpty());
        QCOMPARE(recordData(smallWeights(), "data/0").size(), qsizetype(48));
        m_dir = tempDir(QStringLiteral("model-robustness"));
        // The helpers' own rewrite of a valid file still loads, and so does the shipped model.
        const auto rewritten = parseStateDict(writeStoredZip(readStoredZip(m_weights)), QStringLiteral("rewritten"));
        QVERIFY2(rewritten.ok(), qPrintable(rewritten.error()));
        QCOMPARE(loadError(QStringLiteral("control"), m_manifest, m_weights), QString());
    }

    void recordOfWrongSizeIsRefused_data()
    {
        QTest::addColumn<int>("bytes");
        QTest::newRow("empty record") << 0;
        QTest::newRow("half record") << 24;
        QTest::newRow("one byte short") << 47;
    }

    void recordOfWrongSizeIsRefused()
    {
        QFETCH(int, bytes);
        const QByteArray zip = withRecordData(smallWeights(), "data/0", recordData(smallWeights(), "data/0").left(bytes));
        QVERIFY(!zip.isEmpty());
        const auto dict = parseStateDict(zip, QStringLiteral("short.pt"));
        QVERIFY2(!dict.ok(), "a record shorter than its tensor was read");
        QVERIFY2(dict.error().contains(QStringLiteral("short.pt")), qPrintable(dict.error()));
        QVERIFY2(dict.error().contains(QStringLiteral("\"w\"")), qPrintable(dict.error()));
        QVERIFY2(dict.error().contains(QStringLiteral("needs 48 bytes")), qPrintable(dict.error()));
        QVERIFY2(dict.error().contains(QStringLiteral("holds %1 bytes").arg(bytes)), qPrintable(dict.error()));
    }

    void malformedPickleIsRefused_data()
    {
        QTest::addColumn<QByteArray>("pickle");
        // PROTO 2, EMPTY_DICT, MARK, BINUNICODE of 2^31 bytes (the stream has 3), SETITEMS, STOP.
        QTest::newRow("string length past the end") << QByteArray("\x80\x02}(X\x00\x00\x00\x80" "abcu.", 14);
        // A dict, a mark and one key without a value: SETITEMS would read past the stack.
        QTest::newRow("odd SETITEMS") << QByteArray("\x80\x02}(X\x01\x00\x00\x00" "ku.", 12);
        // TUPLE2 on an empty stack.
        QTest::newRow("stack underflow") << QByteArray("\x80\x02\x86.", 3);
        // LONG_BINPUT at index 2^31: LibTorch would size its memo table by it.
        QTest::newRow("huge memo index") << QByteArray("\x80\x02}r\x00\x00\x00\x80.", 9);
        // BINGET of an index never stored.
        QTest::newRow("unset memo index") << QByteArray("\x80\x02h\x07.", 5);
    }

    void malformedPickleIsRefused()
    {
        QFETCH(QByteArray, pickle);
        const QByteArray zip = withRecordData(smallWeights(), "data.pkl", pickle);
        QVERIFY(!zip.isEmpty());
        const auto dict = parseStateDict(zip, QStringLiteral("pickle.pt"));
        QVERIFY(!dict.ok());
        QVERIFY2(dict.error().contains(QStringLiteral("pickle.pt")), qPrintable(dict.error()));
        QVERIFY2(dict.error().contains(QStringLiteral("its pickle is malformed at byte")), qPrintable(dict.error()));
    }

    void longerRecordIsRead()
    {
        // A storage larger than its tensor is legal (torch.save of a view).
        const QByteArray data = recordData(smallWeights(), "data/0") + floatBytes(99.0f);
        const auto dict = parseStateDict(withRecordData(smallWeights(), "data/0", data), QStringLiteral("long.pt"));
        QVERIFY2(dict.ok(), qPrintable(dict.error()));
        QCOMPARE(dict->at(QStringLiteral("w")).values.back(), 12.0f);
    }

    void nonFiniteWeightsAreRefusedOnLoad_data()
    {
        QTest::addColumn<float>("value");
        QTest::newRow("NaN") << std::numeric_limits<float>::quiet_NaN();
        QTest::newRow("+Inf") << std::numeric_limits<float>::infinity();
        QTest::newRow("-Inf") << -std::numeric_limits<float>::infinity();
    }

    void nonFiniteWeightsAreRefusedOnLoad()
    {
        QFETCH(float, value);
        QByteArray data = recordData(smallWeights(), "data/0");
        data.replace(8, 4, floatBytes(value));
        const auto dict = parseStateDict(withRecordData(smallWeights(), "data/0", data), QStringLiteral("nan.pt"));
        QVERIFY2(!dict.ok(), "non-finite weights were accepted");
        QVERIFY2(dict.error().contains(QStringLiteral("nan.pt")), qPrintable(dict.error()));
        QVERIFY2(dict.error().contains(QStringLiteral("\"w\" holds 1 NaN or infinite")), qPrintable(dict.error()));
    }

    void nonFiniteWeightsAreNotSaved()
    {
        for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
            StateDict dict;
            dict[QStringLiteral("fine")] = TensorData{{2}, {1, 2}};
            dict[QStringLiteral("layer.weight")] = TensorData{{2, 2}, {1, bad, 3, bad}};
            const auto bytes = serializeStateDict(dict);
            QVERIFY2(!bytes.ok(), "weights holding NaN or Inf were serialized");
            QVERIFY2(bytes.error().contains(QStringLiteral("\"layer.weight\" holds 2 NaN or infinite")), qPrintable(bytes.error()));
            const QString path = m_dir + QStringLiteral("/nan-save.pt");
            QVERIFY(!saveStateDict(dict, path).ok());
            QVERIFY(!QFileInfo::exists(path));
        }
    }

    void flippedByteFailsCrc()
    {
        const QByteArray flipped = withFlippedByte(m_weights, "data/0", 10);
        QVERIFY(!flipped.isEmpty());
        QVERIFY(flipped != m_weights);
        const auto dict = parseStateDict(flipped, QStringLiteral("flipped.pt"));
        QVERIFY2(!dict.ok(), "a flipped byte inside a tensor record went unnoticed");
        QVERIFY2(dict.error().contains(QStringLiteral("flipped.pt")), qPrintable(dict.error()));
        QVERIFY2(dict.error().contains(QStringLiteral("CRC-32")), qPrintable(dict.error()));
        QVERIFY2(dict.error().contains(QStringLiteral("data/0")), qPrintable(dict.error()));
    }

    void badWeightsFailTaggerLoad_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty file") << "empty" << "is empty";
        QTest::newRow("text") << "text" << "not a PyTorch state dict";
        QTest::newRow("truncated zip") << "truncated" << "damaged";
        QTest::newRow("empty record") << "zero-record" << "holds 0 bytes";
        QTest::newRow("half record") << "half-record" << "but its record holds";
        QTest::newRow("NaN weight") << "nan" << "NaN or infinite";
        QTest::newRow("flipped byte") << "flipped" << "CRC-32";
        QTest::newRow("wrong shape") << "shape" << "output.weight";
        QTest::newRow("missing key") << "missing" << "is missing";
        QTest::newRow("extra key") << "extra" << "does not have";
        QTest::newRow("another architecture") << "musicnn" << "is missing";
    }

    void badWeightsFailTaggerLoad()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        const auto dict = parseStateDict(m_weights, QStringLiteral("default"));
        QVERIFY(dict.ok());
        const QByteArray firstRecord = recordData(m_weights, "data/0");
        QVERIFY(firstRecord.size() >= 16);
        QByteArray weights;
        auto serialized = [](const StateDict &d) {
            const auto bytes = serializeStateDict(d);
            return bytes.ok() ? bytes.value() : QByteArray();
        };
        if (kind == QLatin1String("text")) {
            weights = QByteArray("this is not a model\n");
        } else if (kind == QLatin1String("truncated")) {
            weights = m_weights.left(m_weights.size() / 2);
        } else if (kind == QLatin1String("zero-record")) {
            weights = withRecordData(m_weights, "data/0", QByteArray());
        } else if (kind == QLatin1String("half-record")) {
            weights = withRecordData(m_weights, "data/0", firstRecord.left(firstRecord.size() / 2));
        } else if (kind == QLatin1String("nan")) {
            weights = withRecordData(m_weights, "data/0", QByteArray(firstRecord).replace(4, 4, floatBytes(NAN)));
        } else if (kind == QLatin1String("flipped")) {
            weights = withFlippedByte(m_weights, "data/0", 5);
        } else if (kind == QLatin1String("shape")) {
            StateDict d = dict.value();
            TensorData &out = d.at(QStringLiteral("output.weight"));
            out.shape[1] -= 1;
            out.values.resize(size_t(out.elementCount()));
            weights = serialized(d);
        } else if (kind == QLatin1String("missing")) {
            StateDict d = dict.value();
            d.erase(QStringLiteral("output.bias"));
            weights = serialized(d);
        } else if (kind == QLatin1String("extra")) {
            StateDict d = dict.value();
            d[QStringLiteral("surprise.weight")] = TensorData{{1}, {1}};
            weights = serialized(d);
        } else if (kind == QLatin1String("musicnn")) {
            TAGLANE_REQUIRE_SHARED(checkpoint, "fixtures/pretrained/mtat-musicnn.pth");
            weights = readAll(checkpoint);
        }
        if (kind != QLatin1String("empty"))
            QVERIFY(!weights.isEmpty());
        const QString error = loadError(QStringLiteral("weights-") + kind, m_manifest, weights);
        QVERIFY2(!error.isEmpty(), "Tagger::load accepted the bad weights");
        qInfo().noquote() << error;
        QVERIFY2(error.contains(QStringLiteral("weights-%1.tlmodel/weights.pt").arg(kind)), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void retrainRefusesDamagedBase()
    {
        // The base is read before any curated data is looked at: an empty record fails there, cleanly.
        const QString base = writeBundle(m_dir + QStringLiteral("/retrain-base.tlmodel"), m_manifest,
                                         withRecordData(m_weights, "data/0", QByteArray()));
        QVERIFY(!base.isEmpty());
        RetrainRequest request;
        request.baseBundle = base;
        request.outputFolder = m_dir + QStringLiteral("/retrained.tlmodel");
        const auto outcome = Retrainer::run(request);
        QVERIFY(!outcome.ok());
        QVERIFY2(outcome.error().contains(base + QStringLiteral("/weights.pt")), qPrintable(outcome.error()));
        QVERIFY2(outcome.error().contains(QStringLiteral("holds 0 bytes")), qPrintable(outcome.error()));
        QVERIFY(!QFileInfo::exists(request.outputFolder));
    }

    void featuresMustFitArchitecture_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bands 0") << "features.bands" << QJsonValue(0) << "\"features.bands\" is 0";
        QTest::newRow("bands 96") << "features.bands" << QJsonValue(96) << "\"features.bands\" is 96";
        QTest::newRow("hop -512") << "features.hop" << QJsonValue(-512) << "\"features.hop\" is -512";
        QTest::newRow("hop text") << "features.hop" << QJsonValue(QStringLiteral("512")) << "not a whole number";
        QTest::newRow("hop half") << "features.hop" << QJsonValue(512.5) << "not a whole number";
        QTest::newRow("no hop") << "features.hop" << QJsonValue(QJsonValue::Undefined) << "\"features.hop\" or";
        QTest::newRow("unknown type") << "features.type" << QJsonValue(QStringLiteral("chroma")) << "\"features.type\" is \"chroma\"";
        QTest::newRow("mel type") << "features.type" << QJsonValue(QStringLiteral("mel")) << "\"features.type\"";
        QTest::newRow("n_fft") << "features.n_fft" << QJsonValue(1024) << "\"features.n_fft\" is 1024";
        QTest::newRow("win_length") << "features.win_length" << QJsonValue(1024) << "\"features.win_length\"";
        QTest::newRow("window") << "features.window" << QJsonValue(QStringLiteral("hamming")) << "\"features.window\"";
        QTest::newRow("f_min") << "features.f_min" << QJsonValue(0) << "\"features.f_min\" is 0";
        QTest::newRow("f_max") << "features.f_max" << QJsonValue(8000) << "\"features.f_max\" is 8000";
        QTest::newRow("scale") << "features.scale" << QJsonValue(QStringLiteral("htk")) << "\"features.scale\"";
        QTest::newRow("frames") << "features.frames" << QJsonValue(128) << "\"features.frames\"";
        QTest::newRow("sequence") << "features.sequence" << QJsonValue(8) << "\"features.sequence\"";
        QTest::newRow("features not an object") << "features" << QJsonValue(3) << "\"features\" is not a JSON object";
        QTest::newRow("no features") << "features" << QJsonValue(QJsonValue::Undefined) << "\"features.type\" or";
        QTest::newRow("sample rate") << "sampleRate" << QJsonValue(22050) << "22050 Hz audio (\"sampleRate\")";
        QTest::newRow("sample rate 1e300") << "sampleRate" << QJsonValue(1e300) << "\"sampleRate\"";
        QTest::newRow("chunk 2^40") << "chunkSamples" << QJsonValue(double(qint64(1) << 40)) << "\"chunkSamples\"";
        QTest::newRow("chunk 1e300") << "chunkSamples" << QJsonValue(1e300) << "\"chunkSamples\"";
        QTest::newRow("chunk 48641") << "chunkSamples" << QJsonValue(48641) << "\"chunkSamples\"";
    }

    void featuresMustFitArchitecture()
    {
        QFETCH(QString, path);
        QFETCH(QJsonValue, value);
        QFETCH(QString, expected);
        const QString name = QStringLiteral("features-") + QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-'));
        const QString error = loadError(name, withValue(m_manifest, path, value), m_weights);
        QVERIFY2(!error.isEmpty(), "a manifest that does not fit the architecture was accepted");
        qInfo().noquote() << error;
        QVERIFY2(error.contains(name + QStringLiteral(".tlmodel")), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(!error.contains(QStringLiteral("allocat"), Qt::CaseInsensitive), qPrintable(error));
    }

    void importedFeaturesAreChecked()
    {
        // The block checkpoint import writes (kind, hop_length, n_mels, ...).
        QJsonObject manifest = m_manifest;
        manifest[QStringLiteral("architecture")] = QStringLiteral("musicnn");
        manifest[QStringLiteral("chunkSamples")] = 48000;
        manifest[QStringLiteral("features")] = QJsonObject{
            {QStringLiteral("kind"), QStringLiteral("mel")}, {QStringLiteral("n_fft"), 512},
            {QStringLiteral("win_length"), 512}, {QStringLiteral("hop_length"), 256},
            {QStringLiteral("window"), QStringLiteral("hann")}, {QStringLiteral("center"), true},
            {QStringLiteral("pad_mode"), QStringLiteral("reflect")}, {QStringLiteral("power"), 2.0},
            {QStringLiteral("n_mels"), 96}, {QStringLiteral("f_min"), 0.0}, {QStringLiteral("f_max"), 8000.0},
            {QStringLiteral("mel_scale"), QStringLiteral("htk")}};
        // That block fits musicnn: the failure is about the (taglane-cnn) weights, not the manifest.
        const QString fits = loadError(QStringLiteral("imported-ok"), manifest, m_weights);
        QVERIFY2(fits.contains(QStringLiteral("is not a musicnn checkpoint")), qPrintable(fits));

        const QString hop = loadError(QStringLiteral("imported-hop"), withValue(manifest, QStringLiteral("features.hop_length"), -512), m_weights);
        QVERIFY2(hop.contains(QStringLiteral("\"features.hop_length\" is -512; musicnn models need 256")), qPrintable(hop));
        const QString power = loadError(QStringLiteral("imported-power"), withValue(manifest, QStringLiteral("features.power"), 1.0), m_weights);
        QVERIFY2(power.contains(QStringLiteral("\"features.power\"")), qPrintable(power));
        const QString center = loadError(QStringLiteral("imported-center"), withValue(manifest, QStringLiteral("features.center"), false), m_weights);
        QVERIFY2(center.contains(QStringLiteral("\"features.center\"")), qPrintable(center));
        // musicnn takes chunks of any length, up to a limit that keeps memory bounded.
        const QString longChunk = loadError(QStringLiteral("imported-long"),
                                            withValue(manifest, QStringLiteral("chunkSamples"), 16000 * 120), m_weights);
        QVERIFY2(longChunk.contains(QStringLiteral("at most %1 samples").arg(16000 * FrontEndSpec::maxChunkSeconds)), qPrintable(longChunk));
    }
};

QTEST_GUILESS_MAIN(tst_ModelRobustness)
#include "tst_modelrobustness.moc"
