// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/train/trainablearchitecture.h"
#include "engine/train/trainingexamples.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace taglane::engine;

namespace {
constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
}

class TestTrainModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void studyFrontEnd()
    {
        // log-Mel 128 bins, window 2048, hop 1024, long-term frames of 128 frames.
        for (const QString &name : {QStringLiteral("tvcnn"), QStringLiteral("tvcnn-lstm")}) {
            auto a = TrainableArchitecture::describe(name, 14);
            QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error()));
            QCOMPARE(a->bands, 128);
            QCOMPARE(a->nFft, 2048);
            QCOMPARE(a->hop, 1024);
            QCOMPARE(a->frames, 128);
            QCOMPARE(a->sampleRate, 22050);
            // Centred framing: N samples give 1 + N / hop frames.
            QCOMPARE(1 + a->chunkSamples / a->hop, qint64(128));
        }
        QVERIFY(!TrainableArchitecture::describe(QStringLiteral("resnet"), 3).ok());
        QCOMPARE(TrainableArchitecture::describe(QStringLiteral("default"), 3)->name, QStringLiteral("taglane-cnn"));
    }

    void outputShapes_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("tvcnn") << QStringLiteral("tvcnn");
        QTest::newRow("tvcnn-lstm") << QStringLiteral("tvcnn-lstm");
        QTest::newRow("default") << QStringLiteral("default");
    }

    void outputShapes()
    {
        QFETCH(QString, name);
        auto shape = TrainableArchitecture::featureForwardShape(name, 14, 2, 3);
        QVERIFY2(shape.ok(), qPrintable(shape.ok() ? QString() : shape.error()));
        QCOMPARE(shape.value(), (std::vector<int64_t>{2, 3, 14}));
        auto wave = TrainableArchitecture::waveformForwardShape(name, 5, 2);
        QVERIFY2(wave.ok(), qPrintable(wave.ok() ? QString() : wave.error()));
        QCOMPARE(wave.value(), (std::vector<int64_t>{2, 5}));
    }

    void studyModelSizes()
    {
        // Dense 1000-800-600 after the convolutions; the LSTM of 500 adds
        // 4 * 500 * (1000 + 500 + 2) weights and widens dense2's input to 1500.
        const qint64 cnn = TrainableArchitecture::describe(QStringLiteral("tvcnn"), 10)->parameters;
        const qint64 lstm = TrainableArchitecture::describe(QStringLiteral("tvcnn-lstm"), 10)->parameters;
        QCOMPARE(lstm - cnn, qint64(4 * 500 * (1000 + 500 + 2) + 500 * 800));
        const qint64 dense = 1000LL * 800 + 800 + 800LL * 600 + 600 + 600LL * 10 + 10;
        QVERIFY(cnn > dense);
        // The compact default is much smaller.
        QVERIFY(TrainableArchitecture::describe(QStringLiteral("default"), 10)->parameters < cnn / 20);
    }

    void longTermFraming()
    {
        // 128-frame windows at hop 64.
        QCOMPARE(ExampleBuilder::longTermStarts(300, 128, 64), (std::vector<qint64>{0, 64, 128}));
        QCOMPARE(ExampleBuilder::longTermStarts(128, 128, 64), (std::vector<qint64>{0}));
        QVERIFY(ExampleBuilder::longTermStarts(127, 128, 64).empty());
        QCOMPARE(ExampleBuilder::longTermStarts(256, 128, 64).size(), size_t(3));
    }

    void meanAboveHalfAggregation()
    {
        // 4 frames x 3 tags.
        // tag 0: 1,1,1,0 -> mean 0.75 -> 1
        // tag 1: 1,1,0,0 -> mean 0.5  -> 0 (strictly above one half)
        // tag 2: 1,NaN,NaN,0 -> two known frames (half) with mean 0.5 -> 0
        const std::vector<float> frames = {1, 1, 1, 1, 1, kNan, 1, 0, kNan, 0, 0, 0};
        const auto agg = ExampleBuilder::aggregateFrameLabels(frames, 4, 3);
        QCOMPARE(agg.size(), size_t(3));
        QCOMPARE(agg[0], 1.0f);
        QCOMPARE(agg[1], 0.0f);
        QCOMPARE(agg[2], 0.0f);
        // Fewer than half the frames known: unknown.
        const std::vector<float> sparse = {1, kNan, kNan, kNan};
        QVERIFY(std::isnan(ExampleBuilder::aggregateFrameLabels(sparse, 4, 1)[0]));
        // Known frames only: 1,1,NaN,0 -> 2/3 -> present.
        const std::vector<float> partial = {1, 1, kNan, 0};
        QCOMPARE(ExampleBuilder::aggregateFrameLabels(partial, 4, 1)[0], 1.0f);
    }

    void frameLabelsFollowSegments()
    {
        LabelledTrack track;
        track.tags = Vocabulary::fromNames({QStringLiteral("x"), QStringLiteral("y")});
        auto seg = Segmentation::fromSegments({{1, 0.0, 1.0}, {2, 1.0, 2.0}});
        QVERIFY(seg.ok());
        track.segments = seg.value();
        track.values = {1, 0, 0, kNan};
        // The model asks for y, z (unknown to the track), x.
        const Vocabulary want = Vocabulary::fromNames({QStringLiteral("y"), QStringLiteral("z"), QStringLiteral("x")});
        // hop 1000 at 4000 Hz: frame f is centred at f / 4 s; frames 0..9.
        const auto labels = ExampleBuilder::frameLabels(track, want, 10, 1000, 4000);
        QCOMPARE(labels.size(), size_t(30));
        auto at = [&](int f, int t) { return labels[size_t(f * 3 + t)]; };
        QCOMPARE(at(0, 2), 1.0f);   // x in the first segment
        QCOMPARE(at(3, 2), 1.0f);   // 0.75 s
        QCOMPARE(at(4, 2), 0.0f);   // 1.0 s: second segment
        QCOMPARE(at(0, 0), 0.0f);
        QVERIFY(std::isnan(at(5, 0)));  // y unknown in the second segment
        QVERIFY(std::isnan(at(1, 1)));  // z never labelled
        QVERIFY(std::isnan(at(9, 2)));  // 2.25 s: no segment
    }
};

QTEST_GUILESS_MAIN(TestTrainModels)
#include "tst_trainmodels.moc"
