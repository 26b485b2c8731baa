// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/audiodecoder.h"
#include "engine/corpus/arrangementplanner.h"
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/corpus/midicomposer.h"
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/corpus/synthrenderer.h"
#include "engine/corpus/synthvocabulary.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QtTest>

#include <array>
#include <cmath>

using namespace taglane::engine;

namespace {

const std::array<int, 7> kMajor = {0, 2, 4, 5, 7, 9, 11};
const std::array<int, 7> kMinor = {0, 2, 3, 5, 7, 8, 10};

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeText(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

/// RMS of interleaved stereo samples from `from` to `to` seconds.
double rms(const std::vector<float> &stereo, int rate, double from, double to)
{
    const size_t a = size_t(std::max(0.0, from) * rate) * 2;
    const size_t b = std::min(stereo.size(), size_t(to * rate) * 2);
    double sum = 0.0;
    for (size_t i = a; i < b; ++i)
        sum += double(stereo[i]) * stereo[i];
    return b > a ? std::sqrt(sum / double(b - a)) : 0.0;
}

/// Energy of the fourth difference over the energy of the signal (mono
/// mix): a steep high-pass, so it grows with the share of high frequencies
/// such as cymbals and hats.
double brightness(const std::vector<float> &stereo)
{
    double e = 0.0, d = 0.0;
    std::array<double, 5> x{};
    for (size_t i = 0; i + 1 < stereo.size(); i += 2) {
        for (size_t k = 4; k > 0; --k)
            x[k] = x[k - 1];
        x[0] = 0.5 * (double(stereo[i]) + stereo[i + 1]);
        const double dd = x[0] - 4.0 * x[1] + 6.0 * x[2] - 4.0 * x[3] + x[4];
        e += x[0] * x[0];
        d += dd * dd;
    }
    return e > 0.0 ? d / e : 0.0;
}

/// Pitch classes of the triad on `degree` of the segment's scale.
QSet<int> chordClasses(const SegmentArrangement &s, int degree)
{
    const auto &scale = s.major ? kMajor : kMinor;
    QSet<int> pcs;
    for (int k : {0, 2, 4})
        pcs.insert((s.keyRoot + scale[size_t((degree + k) % 7)]) % 12);
    return pcs;
}

} // namespace

class TestSynthCorpus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void planRespectsRanges();
    void labelsFollowTheArrangement();
    void composedNotesMatchLabelsAndHarmony();
    void corpusFilesAreWellFormed();
    void sameSeedGivesIdenticalFiles();
    void quietSegmentsAreQuieter();
    void labelledInstrumentsSound();
    void drumsAddBrightness();
    void cancellationRemovesPartialFiles();
    void badOptionsAreReported();
    void readerMatchesLabelsByStem();
    void readerRejectsMalformedCsv();

private:
    bool m_haveSoundfont = false;
    SynthCorpusOptions m_options;
    QString m_dir;
};

void TestSynthCorpus::initTestCase()
{
    m_options.tracks = 3;
    m_options.seed = 7;
    m_haveSoundfont = QFileInfo::exists(m_options.soundfont);
    if (!m_haveSoundfont)
        return;
    m_dir = taglane::tests::tempDir(QStringLiteral("synthcorpus_a"));
    m_options.outDir = m_dir;
    const auto summary = SynthCorpusGenerator::generate(m_options);
    QVERIFY2(summary.ok(), qPrintable(summary.error()));
    QCOMPARE(summary->tracks, 3);
    // Hardly anything reaches full scale.
    QVERIFY(double(summary->clippedSamples) < 1e-5 * summary->audioSeconds * 22050 * 2);
}

#define REQUIRE_SOUNDFONT()                                                                                \
    if (!m_haveSoundfont)                                                                                  \
    QSKIP("The General MIDI soundfont (package fluid-soundfont-gm) is not installed")

void TestSynthCorpus::planRespectsRanges()
{
    const auto plans = SynthCorpusGenerator::plan(12345, 300);
    QSet<int> counts;
    for (const TrackPlan &p : plans) {
        const int n = int(p.segments.size());
        QVERIFY2(n >= 3 && n <= 8, qPrintable(p.stem));
        counts.insert(n);
        QVERIFY(p.duration >= 30.0 && p.duration <= 120.0);
        double t = 0.0;
        for (size_t i = 0; i < p.segments.size(); ++i) {
            const SegmentArrangement &s = p.segments[i];
            QCOMPARE(s.start, t);
            QVERIFY2(s.duration() >= 3.0 - 1e-9 && s.duration() <= 16.0 + 1e-9,
                     qPrintable(QStringLiteral("%1 segment %2: %3 s").arg(p.stem).arg(i).arg(s.duration())));
            QVERIFY(std::fabs(s.end * 1000.0 - std::round(s.end * 1000.0)) < 1e-6);  // whole milliseconds
            QVERIFY(s.fast ? (s.bpm >= 116 && s.bpm <= 160) : (s.bpm >= 60 && s.bpm <= 84));
            // whole bars of 4/4 at the segment's tempo
            QVERIFY(std::fabs(s.duration() - s.bars * 240.0 / s.bpm) < 0.001);
            if (i > 0) {
                const SegmentArrangement &prev = p.segments[i - 1];
                QVERIFY(prev.roles != s.roles || prev.fast != s.fast || prev.loud != s.loud || prev.major != s.major);
            }
            t = s.end;
        }
        QCOMPARE(t, p.duration);
    }
    QCOMPARE(counts.size(), 6);  // every count from 3 to 8 occurs
}

void TestSynthCorpus::labelsFollowTheArrangement()
{
    const Vocabulary vocab = SynthVocabulary::vocabulary();
    QCOMPARE(vocab.size(), 14);
    QCOMPARE(vocab.indexOf(QStringLiteral("Instrument_-_Drum_Set")), int(Instrument::Drums));
    QCOMPARE(vocab.at(SynthVocabulary::Loud).name, QStringLiteral("Song-Loud"));
    QCOMPARE(vocab.categories(), (QStringList{QStringLiteral("Instrument"), QStringLiteral("Song characteristic")}));
    QVector<int> tagCounts(vocab.size(), 0);
    int segments = 0;
    for (const TrackPlan &p : SynthCorpusGenerator::plan(99, 100)) {
        for (const SegmentArrangement &s : p.segments) {
            const auto row = SynthVocabulary::labels(s);
            int instruments = 0;
            for (int f = 0; f < InstrumentFamily::count; ++f) {
                QCOMPARE(row[size_t(f)] == 1, s.plays(Instrument(f)));
                instruments += row[size_t(f)];
            }
            QVERIFY(instruments >= 1 && instruments <= 5);
            QCOMPARE(row[SynthVocabulary::SoloTexture] == 1, instruments == 1);
            if (instruments == 1) {  // a solo instrument carries harmony on its own
                for (int f = 0; f < InstrumentFamily::count; ++f)
                    if (row[size_t(f)])
                        QVERIFY(InstrumentFamily::at(f).harmonic);
            }
            QCOMPARE(row[SynthVocabulary::FastTempo] == 1, s.fast);
            QCOMPARE(row[SynthVocabulary::MajorMode] == 1, s.major);
            for (int t = 0; t < vocab.size(); ++t)
                tagCounts[t] += row[size_t(t)];
            ++segments;
        }
    }
    // Every tag is both present and absent somewhere.
    for (int t = 0; t < vocab.size(); ++t)
        QVERIFY2(tagCounts[t] > 0 && tagCounts[t] < segments, qPrintable(vocab.at(t).name));
}

void TestSynthCorpus::composedNotesMatchLabelsAndHarmony()
{
    int checkedStrongBeats = 0;
    for (const TrackPlan &p : SynthCorpusGenerator::plan(3, 40)) {
        for (const SegmentArrangement &s : p.segments) {
            const auto events = MidiComposer::compose(s);
            QVERIFY(!events.empty());
            QCOMPARE(events.back().type, MidiEvent::AllSoundsOff);
            QCOMPARE(events.back().time, s.duration());
            const auto &scale = s.major ? kMajor : kMinor;
            QSet<int> scaleClasses;
            for (int iv : scale)
                scaleClasses.insert((s.keyRoot + iv) % 12);
            QSet<int> sounding;
            for (const MidiEvent &e : events) {
                QVERIFY(e.time >= 0.0 && e.time <= s.duration());
                if (e.type != MidiEvent::NoteOn)
                    continue;
                sounding.insert(e.channel);
                QVERIFY(e.time < s.duration() - MidiComposer::releaseMargin);
                QVERIFY(e.data2 > 0);
                if (e.channel == 9)
                    continue;
                // Pitched notes come from the key's scale.
                QVERIFY2(scaleClasses.contains(e.data1 % 12), qPrintable(p.stem));
                const double beats = e.time / s.beatSeconds();
                const int bar = int(beats / 4.0 + 1e-9);
                const double inBar = beats - bar * 4.0;
                const int degree = ArrangementPlanner::chordOfBar(s, bar);
                const Instrument family = Instrument(e.channel);
                // Bass on chord roots and fifths; melodies on chord tones at beats 1 and 3.
                if (family == Instrument::Bass) {
                    QVERIFY(chordClasses(s, degree).contains(e.data1 % 12));
                    if (std::fabs(inBar) < 1e-6) {
                        const int root = (s.keyRoot + scale[size_t(degree)]) % 12;
                        QCOMPARE(e.data1 % 12, root);
                    }
                }
                if (s.roles[size_t(family)] == Role::Melody
                    && (std::fabs(inBar) < 1e-6 || std::fabs(inBar - 2.0) < 1e-6)) {
                    QVERIFY(chordClasses(s, degree).contains(e.data1 % 12));
                    ++checkedStrongBeats;
                }
            }
            // A family has notes exactly where its tag is 1.
            const auto row = SynthVocabulary::labels(s);
            for (int f = 0; f < InstrumentFamily::count; ++f)
                QCOMPARE(sounding.contains(InstrumentFamily::at(f).channel), row[size_t(f)] == 1);
        }
    }
    QVERIFY(checkedStrongBeats > 100);
}

void TestSynthCorpus::corpusFilesAreWellFormed()
{
    REQUIRE_SOUNDFONT();
    auto vocab = Vocabulary::load(QDir(m_dir).filePath(QStringLiteral("vocabulary.tsv")));
    QVERIFY2(vocab.ok(), qPrintable(vocab.error()));
    QCOMPARE(vocab->names(), SynthVocabulary::vocabulary().names());
    QCOMPARE(vocab->at(0).category, QStringLiteral("Instrument"));
    QCOMPARE(vocab->at(SynthVocabulary::FastTempo).category, QStringLiteral("Song characteristic"));

    auto folder = LabelledAudioFolder::read(m_dir);
    QVERIFY2(folder.ok(), qPrintable(folder.error()));
    QVERIFY2(folder->warnings.isEmpty(), qPrintable(folder->warnings.join(QLatin1Char('\n'))));
    QCOMPARE(folder->tracks.size(), 3);
    const auto plans = SynthCorpusGenerator::plan(m_options.seed, m_options.tracks);
    for (int i = 0; i < 3; ++i) {
        const LabelledTrack &t = folder->tracks[i];
        const TrackPlan &p = plans[size_t(i)];
        QCOMPARE(t.stem, p.stem);
        QVERIFY(t.hard);
        QCOMPARE(t.tags.names(), SynthVocabulary::vocabulary().names());
        QCOMPARE(t.tags.at(SynthVocabulary::Loud).category, QStringLiteral("Song characteristic"));
        QVERIFY(t.segments.size() >= 3 && t.segments.size() <= 8);
        QCOMPARE(t.segments.at(0).start, 0.0);
        for (int s = 0; s < t.segments.size(); ++s) {
            QVERIFY(t.segments.at(s).duration() >= 3.0 - 1e-6 && t.segments.at(s).duration() <= 16.0 + 1e-6);
            if (s > 0)
                QCOMPARE(t.segments.at(s).start, t.segments.at(s - 1).end);
            const auto row = SynthVocabulary::labels(p.segments[size_t(s)]);
            for (int tag = 0; tag < t.tags.size(); ++tag)
                QCOMPARE(t.value(s, tag), float(row[size_t(tag)]));
        }
        const double end = t.segments.at(t.segments.size() - 1).end;
        QVERIFY(end >= 30.0 && end <= 120.0);
        auto info = AudioDecoder::probe(t.audioPath);
        QVERIFY2(info.ok(), qPrintable(info.error()));
        QCOMPARE(info->sampleRate, 22050);
        QCOMPARE(info->channels, 2);
        QVERIFY(info->encoding.contains(QStringLiteral("16")));
        QVERIFY(std::fabs(info->durationSeconds() - end) <= 1.0 / 22050);
    }
    QVERIFY(QFileInfo::exists(QDir(m_dir).filePath(QStringLiteral("corpus.json"))));
    QVERIFY(QDir(m_dir).entryList({QStringLiteral("*.part")}, QDir::Files).isEmpty());
}

void TestSynthCorpus::sameSeedGivesIdenticalFiles()
{
    REQUIRE_SOUNDFONT();
    SynthCorpusOptions again = m_options;
    again.outDir = taglane::tests::tempDir(QStringLiteral("synthcorpus_b"));
    QVERIFY(SynthCorpusGenerator::generate(again).ok());
    const QStringList files = QDir(m_dir).entryList(QDir::Files, QDir::Name);
    QCOMPARE(QDir(again.outDir).entryList(QDir::Files, QDir::Name), files);
    QCOMPARE(files.size(), 3 * 2 + 2);
    for (const QString &f : files)
        QVERIFY2(readAll(QDir(m_dir).filePath(f)) == readAll(QDir(again.outDir).filePath(f)), qPrintable(f));

    SynthCorpusOptions other = m_options;
    other.seed = 8;
    other.tracks = 1;
    other.outDir = taglane::tests::tempDir(QStringLiteral("synthcorpus_c"));
    QVERIFY(SynthCorpusGenerator::generate(other).ok());
    for (const char *name : {"track_0001.csv", "track_0001.wav"})
        QVERIFY(readAll(QDir(m_dir).filePath(QLatin1String(name)))
                != readAll(QDir(other.outDir).filePath(QLatin1String(name))));
}

void TestSynthCorpus::quietSegmentsAreQuieter()
{
    REQUIRE_SOUNDFONT();
    // In the rendered files: every loud segment is louder than every quiet one.
    double quietMax = 0.0, loudMin = 1e9;
    int quiet = 0, loud = 0;
    const auto plans = SynthCorpusGenerator::plan(m_options.seed, m_options.tracks);
    for (const TrackPlan &p : plans) {
        DecodeOptions decode;
        decode.analysisRate = 0;
        auto audio = AudioDecoder::decode(QDir(m_dir).filePath(p.stem + QStringLiteral(".wav")), decode);
        QVERIFY2(audio.ok(), qPrintable(audio.error()));
        const float *x = audio->mono.data();
        const int rate = audio->info.sampleRate;
        for (const SegmentArrangement &s : p.segments) {
            double sum = 0.0;
            const qint64 a = qint64((s.start + 0.2) * rate), b = qint64((s.end - 0.2) * rate);
            for (qint64 i = a; i < b; ++i)
                sum += double(x[i]) * x[i];
            const double level = std::sqrt(sum / double(b - a));
            if (s.loud) {
                loudMin = std::min(loudMin, level);
                ++loud;
            } else {
                quietMax = std::max(quietMax, level);
                ++quiet;
            }
        }
    }
    if (quiet > 0 && loud > 0)
        QVERIFY2(quietMax < loudMin, qPrintable(QStringLiteral("quiet up to %1, loud from %2").arg(quietMax).arg(loudMin)));

    // The same segment rendered loud is at least 6 dB above its quiet version.
    auto renderer = SynthRenderer::create(m_options.soundfont, 22050);
    QVERIFY2(renderer.ok(), qPrintable(renderer.error()));
    for (const SegmentArrangement &original : plans[0].segments) {
        SegmentArrangement s = original;
        s.loud = true;
        const auto louder = renderer.value()->renderSegment(s);
        s.loud = false;
        const auto softer = renderer.value()->renderSegment(s);
        QCOMPARE(louder.size(), softer.size());
        QVERIFY(rms(louder, 22050, 0, s.duration()) > 2.0 * rms(softer, 22050, 0, s.duration()));
    }
}

void TestSynthCorpus::labelledInstrumentsSound()
{
    REQUIRE_SOUNDFONT();
    // Each family labelled in a segment, rendered alone, is clearly audible
    // through the segment (first and second half), fades out by its end and
    // is silent after it.
    auto renderer = SynthRenderer::create(m_options.soundfont, 22050);
    QVERIFY(renderer.ok());
    int checked = 0;
    for (const TrackPlan &p : SynthCorpusGenerator::plan(m_options.seed, m_options.tracks)) {
        for (const SegmentArrangement &s : p.segments) {
            for (int f = 0; f < InstrumentFamily::count; ++f) {
                if (!s.plays(Instrument(f)))
                    continue;
                SegmentArrangement alone = s;
                for (int g = 0; g < InstrumentFamily::count; ++g)
                    if (g != f)
                        alone.roles[size_t(g)] = Role::Silent;
                const auto audio = renderer.value()->renderSegment(alone, 0.5);
                const double half = s.duration() / 2.0;
                const QString what = QStringLiteral("%1 %2 in [%3, %4)")
                                         .arg(p.stem, QLatin1String(InstrumentFamily::at(f).displayName))
                                         .arg(s.start).arg(s.end);
                QVERIFY2(rms(audio, 22050, 0, half) > 1e-3, qPrintable(what));
                QVERIFY2(rms(audio, 22050, half, s.duration()) > 1e-3, qPrintable(what));
                QVERIFY2(rms(audio, 22050, s.duration() - 0.01, s.duration()) < 0.1 * rms(audio, 22050, 0, s.duration()),
                         qPrintable(what));
                QVERIFY2(rms(audio, 22050, s.duration() + 0.001, s.duration() + 0.5) < 1e-5, qPrintable(what));
                ++checked;
            }
        }
    }
    QVERIFY(checked >= 10);
}

void TestSynthCorpus::drumsAddBrightness()
{
    REQUIRE_SOUNDFONT();
    auto renderer = SynthRenderer::create(m_options.soundfont, 22050);
    QVERIFY(renderer.ok());
    int checked = 0;
    for (const TrackPlan &p : SynthCorpusGenerator::plan(m_options.seed, 6)) {
        for (const SegmentArrangement &s : p.segments) {
            if (!s.plays(Instrument::Drums) || checked >= 6)
                continue;
            SegmentArrangement without = s;
            without.roles[size_t(Instrument::Drums)] = Role::Silent;
            const double with = brightness(renderer.value()->renderSegment(s));
            const double none = brightness(renderer.value()->renderSegment(without));
            qInfo("%s at %.3f s: brightness %.4f with drums, %.4f without", qPrintable(p.stem), s.start, with, none);
            QVERIFY2(with > 1.25 * none, qPrintable(QStringLiteral("%1 at %2 s: %3 with drums, %4 without")
                                                       .arg(p.stem).arg(s.start).arg(with).arg(none)));
            ++checked;
        }
    }
    QVERIFY(checked >= 3);
}

void TestSynthCorpus::cancellationRemovesPartialFiles()
{
    REQUIRE_SOUNDFONT();
    std::atomic_bool cancel{false};
    ProgressSink progress;
    progress.cancel = &cancel;
    double last = 0.0;
    progress.report = [&](double f) {
        last = f;
        if (f > 0.2)
            cancel.store(true);
    };
    SynthCorpusOptions options = m_options;
    options.outDir = taglane::tests::tempDir(QStringLiteral("synthcorpus_cancel"));
    const auto result = SynthCorpusGenerator::generate(options, progress);
    QVERIFY(!result.ok());
    QVERIFY(result.error().contains(QStringLiteral("cancelled")));
    QVERIFY(last > 0.2 && last < 1.0);
    QVERIFY(QDir(options.outDir).entryList({QStringLiteral("*.part")}, QDir::Files).isEmpty());
    // Finished tracks stay complete: each WAV has its CSV.
    for (const QString &wav : QDir(options.outDir).entryList({QStringLiteral("*.wav")}, QDir::Files))
        QVERIFY(QFileInfo::exists(QDir(options.outDir).filePath(QFileInfo(wav).completeBaseName() + ".csv")));
}

void TestSynthCorpus::badOptionsAreReported()
{
    SynthCorpusOptions options = m_options;
    options.outDir = taglane::tests::tempDir(QStringLiteral("synthcorpus_bad"));
    options.soundfont = QStringLiteral("/nonexistent/none.sf2");
    auto r = SynthCorpusGenerator::generate(options);
    QVERIFY(!r.ok());
    QVERIFY(r.error().contains(QStringLiteral("/nonexistent/none.sf2")));

    const QString notSf2 = QDir(options.outDir).filePath(QStringLiteral("fake.sf2"));
    QVERIFY(writeText(notSf2, "this is not a soundfont"));
    options.soundfont = notSf2;
    r = SynthCorpusGenerator::generate(options);
    QVERIFY(!r.ok());
    QVERIFY(r.error().contains(notSf2));

    options = m_options;
    options.outDir = taglane::tests::tempDir(QStringLiteral("synthcorpus_bad"));
    options.sampleRate = 1000;
    r = SynthCorpusGenerator::generate(options);
    QVERIFY(!r.ok());
    QVERIFY(r.error().contains(QStringLiteral("1000")));
    options.sampleRate = 22050;
    options.tracks = 0;
    QVERIFY(!SynthCorpusGenerator::generate(options).ok());
}

void TestSynthCorpus::readerMatchesLabelsByStem()
{
    const QString root = taglane::tests::tempDir(QStringLiteral("synthcorpus_reader"));
    // A tiny valid WAV for every audio file (the reader reads headers only).
    QByteArray wav;
    {
        const QString tmp = QDir(root).filePath(QStringLiteral("tmp.wav"));
        QByteArray pcm(2 * 22050 * 40, '\0');
        QByteArray header("RIFF");
        auto le32 = [](quint32 v) { QByteArray b(4, 0); for (int i = 0; i < 4; ++i) b[i] = char((v >> (8 * i)) & 0xff); return b; };
        auto le16 = [](quint16 v) { QByteArray b(2, 0); b[0] = char(v & 0xff); b[1] = char(v >> 8); return b; };
        header += le32(quint32(36 + pcm.size())) + "WAVEfmt " + le32(16) + le16(1) + le16(1) + le32(22050)
                  + le32(44100) + le16(2) + le16(16) + "data" + le32(quint32(pcm.size()));
        wav = header + pcm;  // 40 s of silence, mono 16-bit
        Q_UNUSED(tmp);
    }
    const QByteArray header = "Start_Time,End_Time,Instrument_-_Piano,Song-Loud\n";
    QVERIFY(writeText(root + "/audio/alpha.wav", wav));
    QVERIFY(writeText(root + "/audio/beta.wav", wav));   // no labels
    QVERIFY(writeText(root + "/audio/delta.wav", wav));  // malformed labels
    QVERIFY(writeText(root + "/audio/Gamma.wav", wav));
    QVERIFY(writeText(root + "/labels/SegLabelHard/alpha.csv", header + "0,5,1,0\n5,12.5,0,1\n"));
    QVERIFY(writeText(root + "/labels/SegLabelSoft/alpha.csv", header + "0,5,0.9,0.2\n5,12.5,0.1,0.7\n"));
    QVERIFY(writeText(root + "/labels/SegLabelHard/delta.csv", header + "0,5,1,2\n"));
    QVERIFY(writeText(root + "/labels/SegLabelHard/gamma.csv", header + "0,3,1,\r\n3,9,0,1\r\n"));
    QVERIFY(writeText(root + "/labels/SegLabelHard/orphan.csv", header + "0,5,1,0\n"));

    auto r = LabelledAudioFolder::read(root);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    QCOMPARE(r->tracks.size(), 2);
    const LabelledTrack &alpha = r->tracks[0].stem == QLatin1String("alpha") ? r->tracks[0] : r->tracks[1];
    const LabelledTrack &gamma = r->tracks[0].stem == QLatin1String("alpha") ? r->tracks[1] : r->tracks[0];
    QVERIFY(alpha.labelsPath.contains(QStringLiteral("SegLabelHard")));
    QVERIFY(alpha.hard);
    QCOMPARE(alpha.segments.size(), 2);
    QCOMPARE(alpha.segments.at(1).end, 12.5);
    QCOMPARE(alpha.value(0, 0), 1.0f);
    QCOMPARE(alpha.value(1, 1), 1.0f);
    QCOMPARE(alpha.tags.at(0).category, QStringLiteral("Instrument"));
    QCOMPARE(alpha.durationSeconds, 40.0);
    QCOMPARE(gamma.stem, QStringLiteral("Gamma"));  // matched regardless of case
    QVERIFY(std::isnan(gamma.value(0, 1)));          // empty cell = unknown
    const QString warnings = r->warnings.join(QLatin1Char('\n'));
    QVERIFY2(warnings.contains(QStringLiteral("beta.wav")), qPrintable(warnings));
    QVERIFY2(warnings.contains(QStringLiteral("delta.csv, line 2")), qPrintable(warnings));
    QVERIFY2(warnings.contains(QStringLiteral("orphan.csv")), qPrintable(warnings));

    // Labels next to the audio win over any others; an explicit labels folder is searched instead.
    QVERIFY(writeText(root + "/audio/alpha.csv", header + "0,20,0,0\n"));
    r = LabelledAudioFolder::read(root);
    QVERIFY(r.ok());
    for (const LabelledTrack &t : r->tracks)
        if (t.stem == QLatin1String("alpha"))
            QCOMPARE(t.segments.size(), 1);
    LabelledAudioFolder::Options options;
    options.labelsFolder = root + "/labels/SegLabelSoft";
    r = LabelledAudioFolder::read(root + "/audio", options);
    QVERIFY(r.ok());
    QCOMPARE(r->tracks.size(), 1);
    QVERIFY(!r->tracks[0].hard);
    QCOMPARE(r->tracks[0].value(0, 0), 0.9f);

    QVERIFY(!LabelledAudioFolder::read(root + "/nothing-here").ok());
    QVERIFY(!LabelledAudioFolder::read(root + "/labels").ok());  // CSVs but no audio
}

void TestSynthCorpus::readerRejectsMalformedCsv()
{
    const QString root = taglane::tests::tempDir(QStringLiteral("synthcorpus_csv"));
    const struct
    {
        const char *text;
        const char *needle;
    } cases[] = {
        {"", "empty"},
        {"Begin,End,Tag\n0,1,1\n", "header"},
        {"Start_Time,End_Time,A,A\n0,1,1,1\n", "twice"},
        {"Start_Time,End_Time,A\n0,1,1,1\n", "line 2"},
        {"Start_Time,End_Time,A\nzero,1,1\n", "numbers"},
        {"Start_Time,End_Time,A\n0,1,1.5\n", "1.5"},
        {"Start_Time,End_Time,A\n0,5,1\n4,8,0\n", "before the previous one ends"},
        {"Start_Time,End_Time,A\n", "no segment"},
    };
    int i = 0;
    for (const auto &c : cases) {
        const QString path = QDir(root).filePath(QStringLiteral("case%1.csv").arg(i++));
        QVERIFY(writeText(path, c.text));
        const auto r = LabelledAudioFolder::readCsv(path);
        QVERIFY2(!r.ok(), c.text);
        QVERIFY2(r.error().contains(path), qPrintable(r.error()));
        QVERIFY2(r.error().contains(QLatin1String(c.needle)), qPrintable(r.error()));
    }
}

QTEST_GUILESS_MAIN(TestSynthCorpus)
#include "tst_synthcorpus.moc"
