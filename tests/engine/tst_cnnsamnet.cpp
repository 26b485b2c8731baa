// SPDX-License-Identifier: GPL-3.0-or-later
// The cnn-sam body: logits and per-branch attention shapes for both branches
// and for each single-modality network (the parts fusion-linear fuses).
#include "engine/train/cnnsamnet.h"

#include <QTest>

using namespace taglane::engine;

namespace {

int64_t convOut(int64_t n, int64_t kernel, int64_t stride) { return (n - kernel) / stride + 1; }

} // namespace

class TestCnnSamNet : public QObject
{
    Q_OBJECT

private slots:
    void bothBranches()
    {
        const int bands = 64, frames = 96, tags = 7, batch = 3;
        const qint64 samples = 48000;
        const auto s = CnnSamShapes::probe(bands, frames, samples, tags, batch);
        QVERIFY2(s.ok(), qPrintable(s.error()));
        QCOMPARE(s.value().logits, (std::vector<int64_t>{batch, tags}));
        QCOMPARE(s.value().melAttention, (std::vector<int64_t>{batch, 4, frames / 8}));
        const int64_t wave = convOut(convOut(convOut(samples, 64, 16), 8, 4), 8, 4);
        QCOMPARE(s.value().waveAttention, (std::vector<int64_t>{batch, 4, wave}));
        QVERIFY(s.value().parameters > 0);
        qInfo("parameters (64 bands, 7 tags): %lld", s.value().parameters);
    }

    void singleBranches()
    {
        const auto mel = CnnSamShapes::probe(64, 96, 48000, 5, 2, true, false);
        QVERIFY2(mel.ok(), qPrintable(mel.error()));
        QCOMPARE(mel.value().logits, (std::vector<int64_t>{2, 5}));
        QVERIFY(mel.value().waveAttention.empty());
        QCOMPARE(mel.value().melAttention.size(), size_t(3));
        const auto wave = CnnSamShapes::probe(64, 96, 48000, 5, 2, false, true);
        QVERIFY2(wave.ok(), qPrintable(wave.error()));
        QVERIFY(wave.value().melAttention.empty());
        QCOMPARE(wave.value().waveAttention.size(), size_t(3));
        const auto both = CnnSamShapes::probe(64, 96, 48000, 5, 2);
        QVERIFY(both.value().parameters > mel.value().parameters);
        QVERIFY(both.value().parameters > wave.value().parameters);
    }

    void trainingLowersLoss()
    {
        const auto p = CnnSamTrainingProbe::run(40, 2.0, 0.0, 7);
        QVERIFY2(p.ok(), qPrintable(p.error()));
        qInfo("loss %.4f -> %.4f", p.value().lossBefore, p.value().lossAfter);
        QVERIFY2(p.value().lossAfter < 0.7 * p.value().lossBefore,
                 qPrintable(QStringLiteral("%1 -> %2").arg(p.value().lossBefore).arg(p.value().lossAfter)));
    }

    void penaltyTermLowersAttentionOverlap()
    {
        const auto off = CnnSamTrainingProbe::run(40, 1.0, 0.0, 11);
        const auto on = CnnSamTrainingProbe::run(40, 1.0, 10.0, 11);
        QVERIFY2(off.ok() && on.ok(), qPrintable(off.error() + on.error()));
        qInfo("attention penalty after 40 steps (weight 10): on %.4f off %.4f", on.value().penaltyAfter, off.value().penaltyAfter);
        QVERIFY2(on.value().penaltyAfter < off.value().penaltyAfter,
                 qPrintable(QStringLiteral("on %1 off %2").arg(on.value().penaltyAfter).arg(off.value().penaltyAfter)));
    }

    void badInputFailsClearly()
    {
        QVERIFY(!CnnSamShapes::probe(64, 96, 100, 5, 2).ok());
        QVERIFY(!CnnSamShapes::probe(64, 96, 48000, 5, 2, false, false).ok());
        QVERIFY(!CnnSamTrainingProbe::run(5, 0.5, 0.0, 1).ok());
    }
};

QTEST_GUILESS_MAIN(TestCnnSamNet)
#include "tst_cnnsamnet.moc"
