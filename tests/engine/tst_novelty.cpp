// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/segment/framelabels.h"
#include "engine/segment/novelty.h"

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <cmath>
#include <random>

using namespace taglane::engine;

namespace {

constexpr int kRate = 16000;

enum class Texture { Tone440, LowNoise, HighTone, WhiteNoise, Chord110 };

/// Sections of clearly different spectra, with a faint noise floor.
AudioBuffer sections(const std::vector<std::pair<Texture, double>> &plan, unsigned seed = 7)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::vector<float> out;
    float lp = 0.0f;
    for (const auto &[texture, seconds] : plan) {
        const auto n = qint64(seconds * kRate);
        for (qint64 i = 0; i < n; ++i) {
            const double t = double(out.size()) / kRate;
            float v = 0.001f * gauss(rng);
            switch (texture) {
            case Texture::Tone440:
                v += float(0.3 * std::sin(2 * M_PI * 440 * t) + 0.1 * std::sin(2 * M_PI * 880 * t));
                break;
            case Texture::LowNoise:
                lp = 0.97f * lp + 0.03f * gauss(rng);
                v += 2.0f * lp;
                break;
            case Texture::HighTone:
                v += float(0.3 * std::sin(2 * M_PI * 3000 * t) + 0.2 * std::sin(2 * M_PI * 5100 * t));
                break;
            case Texture::WhiteNoise:
                v += 0.2f * gauss(rng);
                break;
            case Texture::Chord110:
                v += float(0.3 * std::sin(2 * M_PI * 110 * t) + 0.2 * std::sin(2 * M_PI * 165 * t)
                           + 0.1 * std::sin(2 * M_PI * 1320 * t));
                break;
            }
            out.push_back(v);
        }
    }
    return AudioBuffer(std::move(out), kRate);
}

} // namespace

class TestNovelty : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsSectionChanges()
    {
        // Changes at 7, 15, 21, 30 and 52 s; the 22 s section must be split.
        const std::vector<std::pair<Texture, double>> plan = {
            {Texture::Tone440, 7}, {Texture::LowNoise, 8}, {Texture::HighTone, 6},
            {Texture::WhiteNoise, 9}, {Texture::Chord110, 22}, {Texture::LowNoise, 8}};
        const std::vector<double> changes = {7, 15, 21, 30, 52};
        const AudioBuffer audio = sections(plan);
        QElapsedTimer clock;
        clock.start();
        const auto result = noveltySegmentation(audio);
        const double elapsed = clock.nsecsElapsed() / 1e9;
        QVERIFY2(result.ok(), qPrintable(result.error()));
        const Segmentation &seg = result->segments;
        QStringList bounds;
        for (int i = 1; i < seg.size(); ++i)
            bounds << QString::number(seg.at(i).start, 'f', 2);
        qInfo("%.0f s of audio in %.3f s; boundaries at %s (true changes 7, 15, 21, 30, 52)",
              audio.durationSeconds(), elapsed, qPrintable(bounds.join(QStringLiteral(", "))));
        QVERIFY(seg.size() >= int(changes.size()) + 1);
        QCOMPARE(seg.at(0).start, 0.0);
        QVERIFY(std::abs(seg.at(seg.size() - 1).end - audio.durationSeconds()) < 1e-9);
        for (int i = 0; i < seg.size(); ++i) {
            QVERIFY2(seg.at(i).duration() >= 3.0 - 1e-9 && seg.at(i).duration() <= 16.0 + 1e-9,
                     qPrintable(QStringLiteral("segment %1: [%2, %3)").arg(i).arg(seg.at(i).start).arg(seg.at(i).end)));
            if (i > 0)
                QCOMPARE(seg.at(i).start, seg.at(i - 1).end);
        }
        // Every true change has a boundary within 0.5 s.
        for (double c : changes) {
            double nearest = 1e9;
            for (int i = 1; i < seg.size(); ++i)
                nearest = std::min(nearest, std::abs(seg.at(i).start - c));
            QVERIFY2(nearest <= 0.5, qPrintable(QStringLiteral("change at %1 s: nearest boundary %2 s away")
                                                     .arg(c).arg(nearest)));
        }
        // Exactly one extra boundary, inside the over-long 22 s section.
        QCOMPARE(seg.size(), int(changes.size()) + 2);
        int inside = 0;
        for (int i = 1; i < seg.size(); ++i)
            if (seg.at(i).start > 30.5 && seg.at(i).start < 51.5)
                ++inside;
        QCOMPARE(inside, 1);
        QCOMPARE(result->curve.size(), size_t(std::ceil(audio.durationSeconds() / result->frameSeconds - 1e-9)));
        QVERIFY(std::abs(result->frameSeconds - 0.5) < 0.05);
    }

    void constantSignalSplitsEvenly()
    {
        const AudioBuffer audio = sections({{Texture::WhiteNoise, 45}});
        const auto result = noveltySegmentation(audio);
        QVERIFY2(result.ok(), qPrintable(result.error()));
        const Segmentation &seg = result->segments;
        QCOMPARE(seg.size(), 3);   // ceil(45 / 16)
        for (int i = 0; i < seg.size(); ++i)
            QVERIFY(std::abs(seg.at(i).duration() - 15.0) < 1e-6);
    }

    void shortAudioIsOneSegment()
    {
        const AudioBuffer audio = sections({{Texture::Tone440, 1.5}, {Texture::WhiteNoise, 1.0}});
        const auto result = noveltySegmentation(audio);
        QVERIFY2(result.ok(), qPrintable(result.error()));
        QCOMPARE(result->segments.size(), 1);
        QCOMPARE(result->segments.at(0).start, 0.0);
        QVERIFY(std::abs(result->segments.at(0).end - 2.5) < 1e-9);
    }

    void customLimitsAreHonoured()
    {
        NoveltySettings s;
        s.minSeconds = 4.0;
        s.maxSeconds = 9.0;
        const AudioBuffer audio = sections({{Texture::Tone440, 5}, {Texture::WhiteNoise, 3}, {Texture::Chord110, 25}});
        const auto result = noveltySegmentation(audio, s);
        QVERIFY2(result.ok(), qPrintable(result.error()));
        for (const Segment &x : result->segments.segments())
            QVERIFY2(x.duration() >= 4.0 - 1e-9 && x.duration() <= 9.0 + 1e-9,
                     qPrintable(QStringLiteral("[%1, %2)").arg(x.start).arg(x.end)));
    }

    void rejectsBadInput()
    {
        QVERIFY(!noveltySegmentation(AudioBuffer()).ok());
        NoveltySettings s;
        s.maxSeconds = 5.0;   // < 2 x minSeconds: cannot always be met
        const auto r = noveltySegmentation(sections({{Texture::Tone440, 10}}), s);
        QVERIFY(!r.ok());
        QVERIFY(!r.error().isEmpty());
    }

    void progressAndCancel()
    {
        const AudioBuffer audio = sections({{Texture::Tone440, 20}, {Texture::WhiteNoise, 20}});
        std::vector<double> reports;
        ProgressSink sink;
        sink.report = [&](double f) { reports.push_back(f); };
        QVERIFY(noveltySegmentation(audio, {}, sink).ok());
        QVERIFY(reports.size() >= 2);
        QCOMPARE(reports.back(), 1.0);
        for (size_t i = 1; i < reports.size(); ++i)
            QVERIFY(reports[i] >= reports[i - 1]);

        std::atomic_bool cancel{true};
        ProgressSink cancelled;
        cancelled.cancel = &cancel;
        const auto r = noveltySegmentation(audio, {}, cancelled);
        QVERIFY(!r.ok());
        QVERIFY(r.error().contains(QStringLiteral("cancel")));
    }

    void frameLabelsMeanWithThreshold()
    {
        // Two tags, hop 0.5 s, frame f centred at f * 0.5 s: 8 frames over 4 s.
        // Tag 0 is 1 in frames 0-2 and 0 after; tag 1 is 0.4 everywhere but 0.9 in frame 7.
        std::vector<float> v;
        for (int f = 0; f < 8; ++f) {
            v.push_back(f <= 2 ? 1.0f : 0.0f);
            v.push_back(f == 7 ? 0.9f : 0.4f);
        }
        const FrameLabels labels(2, 0.5, v);
        QCOMPARE(labels.frameCount(), qint64(8));
        auto segs = Segmentation::fromSegments({{1, 0.0, 2.0}, {2, 2.0, 4.0}});
        QVERIFY(segs.ok());
        // Segment 1: frames 0..3 -> tag0 mean 0.75, tag1 0.4. Segment 2: frames 4..7 -> 0, (0.4*3+0.9)/4 = 0.525.
        const auto means = labels.segmentMeans(segs.value());
        QCOMPARE(means.size(), size_t(2));
        QVERIFY(std::abs(means[0][0] - 0.75f) < 1e-6f);
        QVERIFY(std::abs(means[0][1] - 0.4f) < 1e-6f);
        QVERIFY(std::abs(means[1][0] - 0.0f) < 1e-6f);
        QVERIFY(std::abs(means[1][1] - 0.525f) < 1e-6f);
        const auto present = labels.segmentLabels(segs.value());
        QCOMPARE(present[0], (std::vector<bool>{true, false}));
        QCOMPARE(present[1], (std::vector<bool>{false, true}));
        // Exactly 0.5 counts as present.
        const FrameLabels half(1, 1.0, {0.0f, 1.0f});
        auto one = Segmentation::fromSegments({{1, 0.0, 2.0}});
        QCOMPARE(half.segmentLabels(one.value())[0], std::vector<bool>{true});
        QCOMPARE(half.segmentLabels(one.value(), 0.6f)[0], std::vector<bool>{false});
        // A span shorter than a hop takes the nearest frame.
        auto tiny = Segmentation::fromSegments({{1, 1.1, 1.3}});
        QCOMPARE(labels.framesIn(1.1, 1.3), (std::pair<qint64, qint64>(2, 3)));
        QVERIFY(std::abs(labels.segmentMeans(tiny.value())[0][0] - 1.0f) < 1e-6f);
    }
};

QTEST_GUILESS_MAIN(TestNovelty)
#include "tst_novelty.moc"
