// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/statedict.h"

#include "testsupport.h"

#include <QFile>
#include <QTest>

using namespace taglane::engine;

class tst_StateDict : public QObject
{
    Q_OBJECT

private:
    static void writeFile(const QString &path, const QByteArray &bytes)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }

private Q_SLOTS:
    void loadsMusicnnCheckpoint()
    {
        TAGLANE_REQUIRE_SHARED(path, "fixtures/pretrained/mtat-musicnn.pth");
        const auto dict = loadStateDict(path);
        QVERIFY2(dict.ok(), qPrintable(dict.error()));
        QCOMPARE(int(dict->size()), 72);

        const TensorData &fb = dict->at(QStringLiteral("spec.mel_scale.fb"));
        QCOMPARE(fb.shape, (std::vector<int64_t>{257, 96}));
        QCOMPARE(int64_t(fb.values.size()), int64_t(257 * 96));
        const TensorData &window = dict->at(QStringLiteral("spec.spectrogram.window"));
        QCOMPARE(window.shape, (std::vector<int64_t>{512}));
        // Periodic Hann: w[0] = 0, w[256] = 1, w[128] = 0.5.
        QVERIFY(std::abs(window.values[0]) < 1e-7f);
        QVERIFY(std::abs(window.values[256] - 1.0f) < 1e-6f);
        QVERIFY(std::abs(window.values[128] - 0.5f) < 1e-6f);
        QCOMPARE(dict->at(QStringLiteral("layers.0.conv.weight")).shape, (std::vector<int64_t>{204, 1, 67, 7}));
        QCOMPARE(dict->at(QStringLiteral("dense2.weight")).shape, (std::vector<int64_t>{50, 200}));
        // num_batches_tracked is int64 in the file; it arrives as a float scalar.
        const TensorData &tracked = dict->at(QStringLiteral("spec_bn.num_batches_tracked"));
        QVERIFY(tracked.shape.empty());
        QCOMPARE(int(tracked.values.size()), 1);

        int64_t total = 0;
        for (const auto &[name, t] : dict.value())
            total += t.elementCount();
        QCOMPARE(total, int64_t(811402));   // the figure the spec gives
    }

    void roundTripsThroughOwnWriter()
    {
        StateDict dict;
        dict[QStringLiteral("a.weight")] = TensorData{{2, 3}, {1, 2, 3, 4, 5, 6}};
        dict[QStringLiteral("b.scalar")] = TensorData{{}, {7.5f}};
        const QString path = taglane::tests::tempDir(QStringLiteral("statedict-roundtrip")) + QStringLiteral("/w.pt");
        const Status saved = saveStateDict(dict, path);
        QVERIFY2(saved.ok(), qPrintable(saved.error()));
        const auto back = loadStateDict(path);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(int(back->size()), 2);
        QCOMPARE(back->at(QStringLiteral("a.weight")).shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(back->at(QStringLiteral("a.weight")).values, (std::vector<float>{1, 2, 3, 4, 5, 6}));
        QCOMPARE(back->at(QStringLiteral("b.scalar")).values, (std::vector<float>{7.5f}));

        TensorData bad{{4}, {1, 2}};
        dict[QStringLiteral("bad")] = bad;
        QVERIFY(!serializeStateDict(dict).ok());
    }

    void rejectsBadFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
        QTest::newRow("text") << QByteArray("hello, this is not a model\n") << QStringLiteral("not a PyTorch");
        QTest::newRow("legacy") << QByteArray::fromHex("80028a0a6cfc9c46f9206aa85019") << QStringLiteral("legacy");
        QTest::newRow("truncated zip") << QByteArray() << QStringLiteral("damaged");
        QTest::newRow("altered zip") << QByteArray() << QStringLiteral("damaged");
    }

    void rejectsBadFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const QString dir = taglane::tests::tempDir(QStringLiteral("statedict-bad"));
        if (QByteArray(QTest::currentDataTag()) == "truncated zip") {
            TAGLANE_REQUIRE_SHARED(good, "fixtures/pretrained/mtat-fcn.pth");
            QFile f(good);
            QVERIFY(f.open(QIODevice::ReadOnly));
            bytes = f.readAll().left(5000);
        } else if (QByteArray(QTest::currentDataTag()) == "altered zip") {
            StateDict d;
            d[QStringLiteral("x")] = TensorData{{1}, {1}};
            const auto serialized = serializeStateDict(d);
            QVERIFY(serialized.ok());
            // Turn the pickle's EMPTY_DICT opcode into EMPTY_LIST: the archive stays a
            // zip but its payload no longer matches (the entry checksum fails).
            bytes = serialized.value();
            const int tag = bytes.indexOf("restore_type_tag");
            QVERIFY(tag > 0);
            const int emptyDict = bytes.indexOf('}', tag);
            QVERIFY(emptyDict > tag);
            bytes[emptyDict] = ']';
        }
        const QString path = dir + QStringLiteral("/bad.pth");
        writeFile(path, bytes);
        const auto result = loadStateDict(path);
        QVERIFY(!result.ok());
        qInfo().noquote() << result.error();
        QVERIFY2(result.error().contains(path), qPrintable(result.error()));
        QVERIFY2(result.error().contains(expected), qPrintable(result.error()));
    }

    void rejectsMissingFile()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("statedict-missing")) + QStringLiteral("/none.pth");
        const auto result = loadStateDict(path);
        QVERIFY(!result.ok());
        QVERIFY(result.error().contains(QStringLiteral("does not exist")));
    }
};

QTEST_GUILESS_MAIN(tst_StateDict)
#include "tst_statedict.moc"
