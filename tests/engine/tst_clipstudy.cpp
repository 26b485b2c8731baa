// SPDX-License-Identifier: GPL-3.0-or-later
// The clip-CNN study: joining clip probabilities, track truth from segment
// labels, the clip CNN on a toy problem, and the runner end to end on a tiny
// synthetic corpus.
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/studies/clipcnn.h"
#include "engine/studies/clipjoin.h"
#include "engine/studies/clipstudy.h"

#include "testsupport.h"

#include <QFileInfo>
#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace taglane::engine;

namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

Segmentation segments(const std::vector<std::pair<double, double>> &spans)
{
    QVector<Segment> list;
    for (const auto &[a, b] : spans) {
        Segment s;
        s.start = a;
        s.end = b;
        list << s;
    }
    return Segmentation::fromSegments(list).value();
}

/// Toy clips of 16 bands x 16 frames (dB): tag 0 = energy in the upper
/// bands, tag 1 = the first half of the clip louder than the second.
TrainingExamples toyClips(int n, quint64 seed)
{
    TrainingExamples ex;
    ex.architecture = QStringLiteral("toy");
    ex.tags = Vocabulary::fromNames({QStringLiteral("Bright"), QStringLiteral("Fading")});
    ex.bands = 16;
    ex.frames = 16;
    ex.hopFrames = 16;
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> noise(0.0f, 3.0f);
    std::bernoulli_distribution coin(0.5);
    ex.trackNames << QStringLiteral("toy");
    for (int i = 0; i < n; ++i) {
        const bool bright = coin(rng), fading = coin(rng);
        for (int b = 0; b < 16; ++b)
            for (int f = 0; f < 16; ++f) {
                float v = -60.0f + noise(rng);
                if (bright && b >= 10)
                    v += 20.0f;
                if (fading && f < 8)
                    v += 15.0f;
                ex.features.push_back(v);
            }
        ex.labels.push_back(bright ? 1.0f : 0.0f);
        ex.labels.push_back(fading ? 1.0f : 0.0f);
        ex.trackOf.push_back(0);
    }
    return ex;
}

} // namespace

class TestClipStudy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void joinTrack()
    {
        // Three clips, two tags.
        const std::vector<float> p = {0.2f, 0.9f, 0.4f, 0.1f, 0.9f, 0.2f};
        const std::vector<double> mean = ClipJoin::joinTrack(p, 3, 2, ClipJoinRule::Mean);
        const std::vector<double> max = ClipJoin::joinTrack(p, 3, 2, ClipJoinRule::Max);
        QCOMPARE(int(mean.size()), 2);
        QVERIFY(std::abs(mean[0] - 0.5) < 1e-6);
        QVERIFY(std::abs(mean[1] - 0.4) < 1e-6);
        QVERIFY(std::abs(max[0] - 0.9) < 1e-6);
        QVERIFY(std::abs(max[1] - 0.9) < 1e-6);
        QVERIFY(std::isnan(ClipJoin::joinTrack({}, 0, 2, ClipJoinRule::Mean)[1]));
    }

    void segmentScores()
    {
        const std::vector<float> p = {0.1f, 0.3f, 0.5f};  // one tag, clips centred at 1.5, 4.5, 7.5 s
        const std::vector<double> centres = {1.5, 4.5, 7.5};
        const Segmentation segs = segments({{0, 3}, {3, 9}, {9, 10}});
        const std::vector<double> s = ClipJoin::segmentScores(p, centres, 1, segs);
        QCOMPARE(int(s.size()), 3);
        QVERIFY(std::abs(s[0] - 0.1) < 1e-6);        // clip 0 alone
        QVERIFY(std::abs(s[1] - 0.4) < 1e-6);        // mean of clips 1 and 2
        QVERIFY(std::abs(s[2] - 0.5) < 1e-6);        // no centre inside: nearest (7.5 to 9.5)
    }

    void trackTruth()
    {
        LabelledTrack t;
        t.segments = segments({{0, 2}, {2, 7}, {7, 11}});
        t.tags = Vocabulary::fromNames({QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")});
        // A: +, -, + (6 of 11 s positive); B: +, -, - (2 of 11 s); C: unknown everywhere.
        t.values = {1, 1, kNan, 0, 0, kNan, 1, 0, kNan};
        const Vocabulary asked = Vocabulary::fromNames({QStringLiteral("B"), QStringLiteral("A"), QStringLiteral("C"),
                                                        QStringLiteral("Missing")});
        const std::vector<float> maj = ClipJoin::trackTruth(t, asked, TrackTruthRule::Majority);
        const std::vector<float> pres = ClipJoin::trackTruth(t, asked, TrackTruthRule::Presence);
        QCOMPARE(maj[0], 0.0f);
        QCOMPARE(maj[1], 1.0f);
        QCOMPARE(pres[0], 1.0f);
        QCOMPARE(pres[1], 1.0f);
        QVERIFY(std::isnan(maj[2]) && std::isnan(pres[2]));
        QVERIFY(std::isnan(maj[3]) && std::isnan(pres[3]));
        // The majority weighs by duration: make the short first segment the only negative.
        t.values = {0, 1, kNan, 1, 0, kNan, 1, 0, kNan};
        QCOMPARE(ClipJoin::trackTruth(t, asked, TrackTruthRule::Majority)[1], 1.0f);
    }

    void clipCnnLearnsToyTags()
    {
        const TrainingExamples train = toyClips(192, 1), val = toyClips(48, 2), test = toyClips(96, 3);
        ClipCnnConfig config;
        config.epochs = 8;
        config.batchSize = 16;
        config.threads = 1;
        config.patience = 0;
        ClipCnn cnn;
        QVERIFY(!cnn.predict(test).ok());  // untrained
        auto r = cnn.train(train, val, config);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        QCOMPARE(r->epochsRun, 8);
        QVERIFY(r->bestEpoch >= 1);
        QVERIFY(r->valLoss.back() < r->valLoss.front() || r->bestEpoch > 1);
        QCOMPARE(cnn.parameterCount(), ClipCnn::parameterCount(16, 16, 2));
        auto p = cnn.predict(test);
        QVERIFY(p.ok());
        QCOMPARE(int(p->size()), 96 * 2);
        for (int t = 0; t < 2; ++t) {
            int right = 0;
            for (int i = 0; i < 96; ++i)
                right += (p.value()[size_t(i * 2 + t)] >= 0.5f) == (test.labels[size_t(i * 2 + t)] > 0.5f) ? 1 : 0;
            QVERIFY2(right >= 86, qPrintable(QStringLiteral("tag %1: %2 of 96 right").arg(t).arg(right)));
        }
        // Same seed, same network.
        ClipCnn again;
        QVERIFY(again.train(train, val, config).ok());
        QCOMPARE(again.predict(test).value(), p.value());
    }

    void clipCnnRejectsBadInput()
    {
        ClipCnn cnn;
        QVERIFY(!cnn.train(TrainingExamples{}, {}, {}).ok());
        TrainingExamples broken = toyClips(8, 1);
        broken.labels.pop_back();
        QVERIFY(!cnn.train(broken, {}, {}).ok());
        ClipCnnConfig config;
        config.epochs = 1;
        QVERIFY(cnn.train(toyClips(8, 1), {}, config).ok());
        TrainingExamples other = toyClips(4, 2);
        other.bands = 8;
        other.features.resize(size_t(4 * 8 * 16));
        QVERIFY(!cnn.predict(other).ok());
    }

    void studyEndToEnd()
    {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_clipstudy"));
        for (const auto &[name, tracks, seed] : {std::tuple{QStringLiteral("train"), 3, 11},
                                                 std::tuple{QStringLiteral("test"), 2, 12}}) {
            SynthCorpusOptions o;
            o.tracks = tracks;
            o.seed = quint64(seed);
            o.channels = 1;
            o.outDir = dir + QLatin1Char('/') + name;
            QVERIFY(SynthCorpusGenerator::generate(o).ok());
        }
        ClipStudyOptions options;
        options.trainFolder = dir + QStringLiteral("/train");
        options.testFolder = dir + QStringLiteral("/test");
        options.cnn.epochs = 1;
        options.cnn.threads = 1;
        auto r = ClipStudy::run(options);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        QCOMPARE(r->testTracks, 2);
        QVERIFY(r->testSegments >= 6);  // 3 to 8 segments per track
        QVERIFY(r->trainClips > 3 * 9);  // tracks last at least 30 s, clips about 3 s
        QVERIFY(std::abs(r->clipSeconds - 96 * 512 / 16000.0) < 1e-9);
        QCOMPARE(int(r->cnn.track.perTag.size()), r->tags.size());
        QCOMPARE(int(r->baseline.segment.perTag.size()), r->tags.size());
        int segmentCells = 0;
        for (const TagMetrics &m : r->baseline.segment.perTag)
            segmentCells = std::max(segmentCells, m.known);
        QCOMPARE(segmentCells, r->testSegments);
        const QString table = r->table();
        for (const Tag &t : r->tags.tags())
            QVERIFY(table.contains(t.name));
    }
};

QTEST_GUILESS_MAIN(TestClipStudy)
#include "tst_clipstudy.moc"
