// SPDX-License-Identifier: GPL-3.0-or-later
// Augmentation of the synthetic corpus: seeded, label-preserving, and each
// kind changes the audio the way it says.
#include "engine/audio/audiodecoder.h"
#include "engine/corpus/augmentation.h"
#include "engine/corpus/soundfontlibrary.h"
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/corpus/synthrenderer.h"
#include "engine/corpus/synthvocabulary.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QtTest>

#include <cmath>

using namespace taglane::engine;

namespace {

constexpr int kRate = 22050;

double rms(const std::vector<float> &x, qint64 from, qint64 to, int channels = 1)
{
    double sum = 0.0;
    qint64 n = 0;
    for (qint64 i = from * channels; i < std::min<qint64>(qint64(x.size()), to * channels); ++i, ++n)
        sum += double(x[size_t(i)]) * x[size_t(i)];
    return n > 0 ? std::sqrt(sum / double(n)) : 0.0;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Two segments of 2 s: tones with a decaying envelope in the first, silence in the second (mono).
TrackPlan twoSegments()
{
    TrackPlan plan;
    plan.duration = 4.0;
    SegmentArrangement a, b;
    a.start = 0.0;
    a.end = 2.0;
    b.start = 2.0;
    b.end = 4.0;
    plan.segments = {a, b};
    return plan;
}

std::vector<float> tonesThenSilence()
{
    std::vector<float> x(size_t(4 * kRate), 0.0f);
    for (int i = 0; i < 2 * kRate - int(0.15 * kRate); ++i) {
        const double t = double(i) / kRate;
        const double env = std::exp(-3.0 * std::fmod(t, 0.5));
        x[size_t(i)] = float(0.3 * env * (std::sin(2 * M_PI * 220 * t) + 0.5 * std::sin(2 * M_PI * 1375 * t)));
    }
    return x;
}

} // namespace

class TestSynthAugment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kindsParse();
    void drawIsSeededAndIndependentPerKind();
    void tempoStaysInItsClass();
    void eachKindChangesTheAudioAndKeepsItsLength();
    void reverbAndChorusStayInsideTheirSegment();
    void codecRoundTripKeepsLengthAndAlignment_data();
    void codecRoundTripKeepsLengthAndAlignment();
    void segmentsRenderIndependentlyWithEffects();
    void augmentedCorpusKeepsLabels();
};

void TestSynthAugment::kindsParse()
{
    QCOMPARE(Augmentation::parseKinds(QStringLiteral("all")).value(), quint32(Augmentation::All));
    QCOMPARE(Augmentation::parseKinds(QStringLiteral("none")).value(), 0u);
    QCOMPARE(Augmentation::parseKinds(QStringLiteral("gain, EQ,codec")).value(),
             quint32(Augmentation::Gain | Augmentation::Eq | Augmentation::Codec));
    const auto bad = Augmentation::parseKinds(QStringLiteral("gain,flanger"));
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().contains(QLatin1String("flanger")) && bad.error().contains(QLatin1String("reverb")),
             qPrintable(bad.error()));
    QCOMPARE(Augmentation::kindList(Augmentation::All), Augmentation::kindNames().join(QLatin1Char(',')));
}

void TestSynthAugment::drawIsSeededAndIndependentPerKind()
{
    int counts[10] = {};
    for (int i = 0; i < 200; ++i) {
        const TrackAugmentation all = Augmentation::draw(9, i, Augmentation::All);
        const TrackAugmentation again = Augmentation::draw(9, i, Augmentation::All);
        QCOMPARE(all.gainDb, again.gainDb);
        QCOMPARE(all.seed, again.seed);
        QCOMPARE(all.peakHz, again.peakHz);
        // One kind alone gets the values it gets among all of them.
        const TrackAugmentation eq = Augmentation::draw(9, i, Augmentation::Eq);
        QCOMPARE(eq.eq, all.eq);
        QCOMPARE(eq.peakDb, all.peakDb);
        QCOMPARE(eq.gainDb, 0.0);
        QCOMPARE(eq.reverb, 0);
        const TrackAugmentation none = Augmentation::draw(9, i, 0);
        QVERIFY(!none.audio());
        QCOMPARE(none.tempoFactor, 1.0);
        QCOMPARE(none.detuneCents, 0.0);
        QVERIFY(all.gainDb >= -4.0 && all.gainDb <= 2.0);
        QVERIFY(all.tempoFactor >= 0.94 && all.tempoFactor <= 1.06);
        counts[0] += all.mix;
        counts[1] += all.eq;
        counts[2] += all.reverb != 0;
        counts[3] += all.chorus != 0;
        counts[4] += all.drive > 0.0;
        counts[5] += all.detuneCents != 0.0;
        counts[6] += all.tempoFactor != 1.0;
        counts[7] += all.noiseSnrDb > 0.0;
        counts[8] += all.codec == 1;
        counts[9] += all.codec == 2;
    }
    // Each kind reaches some tracks and leaves others clean.
    for (int k = 0; k < 10; ++k)
        QVERIFY2(counts[k] > 20 && counts[k] < 180, qPrintable(QStringLiteral("kind %1: %2 of 200").arg(k).arg(counts[k])));
    QVERIFY(Augmentation::draw(10, 0, Augmentation::All).seed != Augmentation::draw(9, 0, Augmentation::All).seed);
}

void TestSynthAugment::tempoStaysInItsClass()
{
    for (Generator g : {Generator::Classic, Generator::Phrase}) {
        SynthCorpusOptions o;
        o.generator = g;
        o.tracks = 60;
        o.seed = 21;
        const auto clean = SynthCorpusGenerator::plan(o);
        o.augment = Augmentation::Tempo;
        const auto faster = SynthCorpusGenerator::plan(o);
        int changed = 0;
        for (size_t t = 0; t < clean.size(); ++t) {
            double at = 0.0;
            for (size_t s = 0; s < clean[t].segments.size(); ++s) {
                const SegmentArrangement &a = clean[t].segments[s];
                const SegmentArrangement &b = faster[t].segments[s];
                QCOMPARE(SynthVocabulary::labels(b), SynthVocabulary::labels(a));
                QVERIFY(b.fast ? (b.bpm >= 116 && b.bpm <= 160) : (b.bpm >= 60 && b.bpm <= 84));
                QVERIFY(b.duration() >= 3.0 - 1e-9 && b.duration() <= 16.0 + 1e-9);
                QVERIFY(std::fabs(b.duration() - b.bars * 240.0 / b.bpm) < 0.001);
                QCOMPARE(b.start, at);
                at = b.end;
                changed += a.bpm != b.bpm;
            }
            QCOMPARE(faster[t].duration, at);
        }
        QVERIFY(changed > 20);
    }
}

void TestSynthAugment::eachKindChangesTheAudioAndKeepsItsLength()
{
    const TrackPlan plan = twoSegments();
    const std::vector<float> input = tonesThenSilence();
    const double inputRms = rms(input, 0, 2 * kRate);
    auto with = [&](auto set) {
        TrackAugmentation a;
        a.seed = 5;
        set(a);
        std::vector<float> x = input;
        Augmentation::process(x, 1, kRate, plan, a);
        return x;
    };
    auto differs = [&](const std::vector<float> &x) {
        double d = 0.0;
        for (size_t i = 0; i < x.size(); ++i)
            d = std::max(d, double(std::fabs(x[i] - input[i])));
        return d;
    };
    // Gain: exactly the level asked for.
    auto g = with([](TrackAugmentation &a) { a.gainDb = -3.0; });
    QCOMPARE(g.size(), input.size());
    QVERIFY(std::fabs(20.0 * std::log10(rms(g, 0, 2 * kRate) / inputRms) + 3.0) < 0.01);
    // EQ: a different sound of about the same level.
    auto e = with([](TrackAugmentation &a) {
        a.eq = true;
        a.lowShelfDb = 6.0;
        a.highShelfDb = -8.0;
        a.peakHz = 1375.0;
        a.peakDb = 6.0;
    });
    QCOMPARE(e.size(), input.size());
    QVERIFY(differs(e) > 0.01);
    QVERIFY(std::fabs(20.0 * std::log10(rms(e, 0, 2 * kRate) / inputRms)) < 8.0);
    // Distortion: never louder than the input, peaks squashed.
    auto d = with([](TrackAugmentation &a) { a.drive = 4.0; });
    QVERIFY(differs(d) > 0.01);
    for (size_t i = 0; i < d.size(); ++i)
        QVERIFY(std::fabs(d[i]) <= std::fabs(input[i]) + 1e-7);
    // Noise: at the SNR asked for (over the track's RMS), in the silent segment too.
    for (bool pink : {false, true}) {
        auto n = with([&](TrackAugmentation &a) {
            a.noiseSnrDb = 30.0;
            a.pinkNoise = pink;
        });
        const double noise = rms(n, 2 * kRate, 4 * kRate);
        const double snr = 20.0 * std::log10(rms(input, 0, 4 * kRate) / noise);
        QVERIFY2(std::fabs(snr - 30.0) < 2.0, qPrintable(QStringLiteral("pink %1: SNR %2 dB").arg(pink).arg(snr)));
    }
    // Reverb and chorus change the sound inside the segment.
    auto r = with([](TrackAugmentation &a) {
        a.reverb = 2;
        a.rt60 = 0.8;
        a.wet = 0.4;
    });
    QCOMPARE(r.size(), input.size());
    QVERIFY(differs(r) > 0.01);
    auto c = with([](TrackAugmentation &a) { a.chorus = 2; });
    QVERIFY(differs(c) > 0.01);
    // Nothing on: nothing changes.
    QCOMPARE(with([](TrackAugmentation &) {}), input);
}

void TestSynthAugment::reverbAndChorusStayInsideTheirSegment()
{
    // The first segment sounds until 0.15 s before its end; with a long
    // reverb and chorus the second (silent) segment must stay silent, and
    // the first must fade to nothing at the boundary.
    const TrackPlan plan = twoSegments();
    std::vector<float> x = tonesThenSilence();
    TrackAugmentation a;
    a.reverb = 2;
    a.rt60 = 1.0;
    a.wet = 0.4;
    a.chorus = 2;
    a.seed = 3;
    Augmentation::process(x, 1, kRate, plan, a);
    QVERIFY(rms(x, 2 * kRate - int(0.14 * kRate), 2 * kRate - int(0.12 * kRate)) > 1e-4);  // the tail is heard
    QVERIFY(rms(x, 2 * kRate - 20, 2 * kRate) < 1e-3);
    QCOMPARE(rms(x, 2 * kRate, 4 * kRate), 0.0);
    const auto room = Augmentation::roomResponse(kRate, 0.6, 10.0, 7);
    QVERIFY(room.size() >= size_t(0.6 * kRate));
    double early = 0.0, late = 0.0;
    for (size_t i = 0; i < room.size(); ++i)
        (i < size_t(0.1 * kRate) ? early : late) += double(room[i]) * room[i];
    QVERIFY(early > late);  // it decays
}

void TestSynthAugment::codecRoundTripKeepsLengthAndAlignment_data()
{
    QTest::addColumn<int>("codec");
    QTest::newRow("mp3") << 1;
    QTest::newRow("vorbis") << 2;
}

void TestSynthAugment::codecRoundTripKeepsLengthAndAlignment()
{
    QFETCH(int, codec);
    const std::vector<float> input = tonesThenSilence();
    const QString dir = taglane::tests::tempDir(QStringLiteral("synthaugment_codec"));
    const QString scratch = QDir(dir).filePath(codec == 1 ? QStringLiteral("x.mp3") : QStringLiteral("x.ogg"));
    const auto out = Augmentation::codecRoundTrip(input, 1, kRate, codec, 0.6, scratch);
    QVERIFY2(out.ok(), qPrintable(out.error()));
    QCOMPARE(out->size(), input.size());
    QVERIFY(!QFileInfo::exists(scratch));
    // Aligned: the decoded signal follows the original closely, but not exactly.
    double dot = 0.0, ee = 0.0, oo = 0.0, diff = 0.0;
    for (size_t i = 0; i < input.size(); ++i) {
        dot += double(input[i]) * out.value()[i];
        ee += double(input[i]) * input[i];
        oo += double(out.value()[i]) * out.value()[i];
        diff = std::max(diff, double(std::fabs(input[i] - out.value()[i])));
    }
    const double correlation = dot / std::sqrt(ee * oo);
    QVERIFY2(correlation > 0.95, qPrintable(QString::number(correlation)));
    QVERIFY(diff > 1e-4);
    // A file that cannot be written is reported with its name.
    const auto bad = Augmentation::codecRoundTrip(input, 1, kRate, codec, 0.6, QStringLiteral("/nonexistent/dir/x.mp3"));
    QVERIFY(!bad.ok());
    QVERIFY(bad.error().contains(QLatin1String("/nonexistent/dir/x.mp3")));
}

void TestSynthAugment::segmentsRenderIndependentlyWithEffects()
{
    const auto fluid = SoundfontLibrary::resolve(QStringLiteral("fluid"));
    if (!fluid.ok())
        QSKIP("The General MIDI soundfont (fluid-soundfont-gm) is not installed");
    auto renderer = SynthRenderer::create(QStringList{fluid.value()}, kRate, true);
    QVERIFY2(renderer.ok(), qPrintable(renderer.error()));
    SynthCorpusOptions o;
    o.tracks = 1;
    o.seed = 44;
    TrackPlan plan = SynthCorpusGenerator::plan(o)[0];
    plan.segments.resize(2);
    plan.duration = plan.segments[1].end;
    // The second segment plays nothing: with FluidSynth's reverb on, the
    // first segment's tail must not reach it.
    plan.segments[1].roles.fill(Role::Silent);
    SynthRenderer::Effects fx;
    fx.reverb = true;
    fx.roomSize = 0.6;  // the largest Augmentation::draw gives
    fx.reverbLevel = 0.9;
    fx.detuneCents = 30.0;
    for (bool chorus : {false, true}) {
        fx.chorus = chorus;
        const auto audio = renderer.value()->renderTrackAudio(plan, fx);
        QCOMPARE(qint64(audio.size()), 2 * qint64(std::llround(plan.duration * kRate)));
        const qint64 boundary = qint64(std::llround(plan.segments[1].start * kRate));
        const double before = rms(audio, 0, boundary, 2);
        const double after = rms(audio, boundary, qint64(audio.size() / 2), 2);
        QVERIFY2(before > 1e-3, qPrintable(QString::number(before)));
        QVERIFY2(after < 1e-3 * before, qPrintable(QStringLiteral("chorus %1: %2 after a segment of %3")
                                                       .arg(chorus).arg(after).arg(before)));
    }
    // The effects and the detune change the sound.
    TrackPlan first = plan;
    first.segments.resize(1);
    first.duration = first.segments[0].end;
    const auto dry = renderer.value()->renderTrackAudio(first, SynthRenderer::Effects{});
    for (int kind = 0; kind < 3; ++kind) {
        SynthRenderer::Effects one;
        one.reverb = kind == 0;
        one.chorus = kind == 1;
        one.detuneCents = kind == 2 ? 30.0 : 0.0;
        const auto wet = renderer.value()->renderTrackAudio(first, one);
        QCOMPARE(wet.size(), dry.size());
        double change = 0.0;
        for (size_t i = 0; i < dry.size(); ++i)
            change = std::max(change, double(std::fabs(dry[i] - wet[i])));
        QVERIFY2(change > 1e-3, qPrintable(QStringLiteral("effect %1").arg(kind)));
    }
}

void TestSynthAugment::augmentedCorpusKeepsLabels()
{
    SynthCorpusOptions o;
    if (!QFileInfo::exists(o.soundfont))
        QSKIP("The General MIDI soundfont (fluid-soundfont-gm) is not installed");
    o.generator = Generator::Phrase;
    o.tracks = 1;
    o.seed = 3;  // its track gets reverb, EQ and a codec among others
    o.channels = 1;
    o.augment = Augmentation::All;
    const TrackAugmentation a = Augmentation::draw(o.seed, 0, o.augment);
    qInfo() << Augmentation::describe(a);
    o.outDir = taglane::tests::tempDir(QStringLiteral("synthaugment_a"));
    const auto first = SynthCorpusGenerator::generate(o);
    QVERIFY2(first.ok(), qPrintable(first.error()));
    SynthCorpusOptions again = o;
    again.outDir = taglane::tests::tempDir(QStringLiteral("synthaugment_b"));
    QVERIFY(SynthCorpusGenerator::generate(again).ok());
    for (const QString &f : QDir(o.outDir).entryList(QDir::Files))
        QVERIFY2(readAll(QDir(o.outDir).filePath(f)) == readAll(QDir(again.outDir).filePath(f)), qPrintable(f));
    QVERIFY(QDir(o.outDir).entryList({QStringLiteral("*.part*")}, QDir::Files).isEmpty());
    // Labels are those of the (tempo-augmented) plan; the audio is as long as it.
    const TrackPlan plan = SynthCorpusGenerator::plan(o)[0];
    QCOMPARE(readAll(QDir(o.outDir).filePath(QStringLiteral("track_0001.csv"))), SynthCorpusGenerator::labelsCsv(plan));
    auto info = AudioDecoder::probe(QDir(o.outDir).filePath(QStringLiteral("track_0001.wav")));
    QVERIFY2(info.ok(), qPrintable(info.error()));
    QVERIFY(std::fabs(info->durationSeconds() - plan.duration) <= 1.0 / kRate);
    QVERIFY(readAll(QDir(o.outDir).filePath(QStringLiteral("corpus.json"))).contains("\"augmentation\""));
    // The clean corpus of the same options sounds different.
    SynthCorpusOptions clean = o;
    clean.augment = 0;
    clean.outDir = taglane::tests::tempDir(QStringLiteral("synthaugment_c"));
    QVERIFY(SynthCorpusGenerator::generate(clean).ok());
    QVERIFY(readAll(QDir(o.outDir).filePath(QStringLiteral("track_0001.wav")))
            != readAll(QDir(clean.outDir).filePath(QStringLiteral("track_0001.wav"))));
}

QTEST_GUILESS_MAIN(TestSynthAugment)
#include "tst_synthaugment.moc"
