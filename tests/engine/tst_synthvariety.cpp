// SPDX-License-Identifier: GPL-3.0-or-later
// The corpus's sources of variety: several soundfonts (drawn per part,
// reproducibly; the reserved ones refused), and the second arrangement
// generator ("phrase") with labels that match its notes and audio.
#include "engine/corpus/arrangementplanner.h"
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/corpus/midicomposer.h"
#include "engine/corpus/phrasecomposer.h"
#include "engine/corpus/phraseplanner.h"
#include "engine/corpus/segmentcomposer.h"
#include "engine/corpus/soundfontlibrary.h"
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

double rms(const std::vector<float> &stereo, int rate, double from, double to)
{
    const size_t a = size_t(std::max(0.0, from) * rate) * 2;
    const size_t b = std::min(stereo.size(), size_t(to * rate) * 2);
    double sum = 0.0;
    for (size_t i = a; i < b; ++i)
        sum += double(stereo[i]) * stereo[i];
    return b > a ? std::sqrt(sum / double(b - a)) : 0.0;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// The installed soundfonts (paths), at most `limit`.
QStringList installedSoundfonts(int limit = 8)
{
    QStringList paths;
    for (const QString &name : SoundfontLibrary::installed())
        if (paths.size() < limit)
            paths << SoundfontLibrary::resolve(name).value();
    return paths;
}

SynthCorpusOptions phraseOptions(int tracks, quint64 seed)
{
    SynthCorpusOptions o;
    o.generator = Generator::Phrase;
    o.tracks = tracks;
    o.seed = seed;
    return o;
}

} // namespace

class TestSynthVariety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void soundfontDrawIsSeededAndUsesSeveral();
    void reservedSoundfontsAreRefused();
    void shortNamesResolve();
    void everySoundfontPlaysEveryFamily();
    void phrasePlanRespectsRangesAndVaries();
    void phraseNotesMatchLabels();
    void phraseTempoStaysInItsClass();
    void phrasePartsSoundWhereLabelled();
    void drumsAloneLeaveModeUnknown();
    void phraseCorpusIsReproducibleWithSeveralSoundfonts();
};

void TestSynthVariety::soundfontDrawIsSeededAndUsesSeveral()
{
    for (Generator g : {Generator::Classic, Generator::Phrase}) {
        SynthCorpusOptions o;
        o.generator = g;
        o.tracks = 20;
        o.seed = 5;
        const auto single = SynthCorpusGenerator::plan(o);
        o.soundfonts = {QStringLiteral("a.sf2"), QStringLiteral("b.sf2"), QStringLiteral("c.sf3")};
        const auto first = SynthCorpusGenerator::plan(o);
        const auto again = SynthCorpusGenerator::plan(o);
        QCOMPARE(first.size(), single.size());
        QVector<int> used(3, 0);
        for (size_t t = 0; t < first.size(); ++t) {
            QCOMPARE(first[t].segments.size(), single[t].segments.size());
            for (size_t s = 0; s < first[t].segments.size(); ++s) {
                const SegmentArrangement &a = first[t].segments[s];
                QVERIFY(a.soundfonts == again[t].segments[s].soundfonts);
                for (quint8 i : single[t].segments[s].soundfonts)
                    QCOMPARE(int(i), 0);
                QSet<int> inSegment;
                for (int f = 0; f < InstrumentFamily::count; ++f) {
                    QVERIFY(a.soundfonts[size_t(f)] < 3);
                    if (a.plays(Instrument(f))) {
                        ++used[a.soundfonts[size_t(f)]];
                        inSegment.insert(a.soundfonts[size_t(f)]);
                    }
                }
                // The draw changes which soundfont plays, never the notes.
                auto withList = SegmentComposer::compose(a);
                auto withOne = SegmentComposer::compose(single[t].segments[s]);
                QCOMPARE(withList.size(), withOne.size());
                for (size_t e = 0; e < withList.size(); ++e) {
                    QCOMPARE(withList[e].time, withOne[e].time);
                    QCOMPARE(withList[e].data1, withOne[e].data1);
                    if (withList[e].type == MidiEvent::ProgramChange)
                        QCOMPARE(int(withList[e].data2), int(a.soundfonts[withList[e].channel == 9
                                                                              ? size_t(Instrument::Drums)
                                                                              : size_t(withList[e].channel)]));
                    else
                        QCOMPARE(withList[e].data2, withOne[e].data2);
                }
            }
        }
        // Every soundfont plays a fair share of the parts.
        const int total = used[0] + used[1] + used[2];
        for (int i = 0; i < 3; ++i)
            QVERIFY2(used[i] > total / 5, qPrintable(QStringLiteral("soundfont %1: %2 of %3 parts").arg(i).arg(used[i]).arg(total)));
        // A different seed draws differently.
        o.seed = 6;
        const auto other = SynthCorpusGenerator::plan(o);
        QVERIFY(other[0].segments[0].soundfonts != first[0].segments[0].soundfonts
                || other[1].segments[0].soundfonts != first[1].segments[0].soundfonts);
    }
}

void TestSynthVariety::reservedSoundfontsAreRefused()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("synthvariety_reserved"));
    // A file that looks like a soundfont, under each reserved name and behind a link.
    const QByteArray riff = QByteArray("RIFF") + QByteArray(4, '\0') + QByteArray("sfbk") + QByteArray(64, '\0');
    const QStringList names = {QStringLiteral("TimGM6mb.sf2"), QStringLiteral("sf_GMbank.sf2"),
                               QStringLiteral("timgm6mb-copy.SF3")};
    QStringList paths;
    for (const QString &n : names) {
        QFile f(QDir(dir).filePath(n));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(riff);
        paths << f.fileName();
    }
    const QString link = QDir(dir).filePath(QStringLiteral("default-GM.sf2"));
    QVERIFY(QFile::link(paths[0], link));
    paths << link;
    for (const QString &p : paths) {
        QVERIFY2(!SoundfontLibrary::reservedReason(p).isEmpty(), qPrintable(p));
        const auto resolved = SoundfontLibrary::resolve(p);
        QVERIFY(!resolved.ok());
        QVERIFY2(resolved.error().contains(QLatin1String("reserved")) && resolved.error().contains(p),
                 qPrintable(resolved.error()));
        const auto renderer = SynthRenderer::create(p, 22050);
        QVERIFY(!renderer.ok());
        QVERIFY2(renderer.error().contains(QLatin1String("reserved")), qPrintable(renderer.error()));
        // Also inside a list, and through the generator: nothing is written.
        SynthCorpusOptions o;
        o.tracks = 1;
        o.outDir = QDir(dir).filePath(QStringLiteral("out"));
        o.soundfonts = {QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2"), p};
        const auto r = SynthCorpusGenerator::generate(o);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QLatin1String("reserved")), qPrintable(r.error()));
        QVERIFY(QDir(o.outDir).entryList(QDir::Files).isEmpty());
    }
    QVERIFY(!SoundfontLibrary::resolveList({QStringLiteral("fluid,") + paths[1]}).ok());
    // The Debian paths of the reserved packages are refused without being installed.
    QVERIFY(!SoundfontLibrary::reservedReason(QStringLiteral("/usr/share/sounds/sf2/TimGM6mb.sf2")).isEmpty());
    QVERIFY(!SoundfontLibrary::reservedReason(QStringLiteral("/usr/share/sounds/sf2/sf_GMbank.sf2")).isEmpty());
    QVERIFY(SoundfontLibrary::reservedReason(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")).isEmpty());
}

void TestSynthVariety::shortNamesResolve()
{
    const auto missing = SoundfontLibrary::resolve(QStringLiteral("/nonexistent/x.sf2"));
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().contains(QLatin1String("/nonexistent/x.sf2")));
    QVERIFY(!SoundfontLibrary::resolveList({QStringLiteral("fluid,fluid")}).ok());
    QVERIFY(!SoundfontLibrary::resolveList({QString()}).ok());
    for (const QString &name : SoundfontLibrary::installed()) {
        const auto path = SoundfontLibrary::resolve(name);
        QVERIFY2(path.ok(), qPrintable(path.error()));
        QVERIFY(QFileInfo(path.value()).isFile());
        QCOMPARE(SoundfontLibrary::label(path.value()), name);
    }
    if (SoundfontLibrary::installed().size() < 2)
        QSKIP("fewer than two of the corpus soundfonts are installed (scripts/install-deps.sh)");
    const auto list = SoundfontLibrary::resolveList({SoundfontLibrary::installed().join(QLatin1Char(','))});
    QVERIFY2(list.ok(), qPrintable(list.error()));
    QCOMPARE(list->size(), SoundfontLibrary::installed().size());
}

void TestSynthVariety::everySoundfontPlaysEveryFamily()
{
    const QStringList soundfonts = installedSoundfonts();
    if (soundfonts.size() < 2)
        QSKIP("fewer than two of the corpus soundfonts are installed (scripts/install-deps.sh)");
    auto renderer = SynthRenderer::create(soundfonts, 22050);
    QVERIFY2(renderer.ok(), qPrintable(renderer.error()));
    QCOMPARE(renderer.value()->soundfontCount(), soundfonts.size());
    SegmentArrangement base;
    base.bpm = 160;
    base.bars = 2;
    base.end = 3.0;
    base.seed = 17;
    base.keyRoot = 2;
    auto alone = [&](int f, int program, int sf) {
        SegmentArrangement a = base;
        a.roles.fill(Role::Silent);
        const Instrument family = Instrument(f);
        a.roles[size_t(f)] = family == Instrument::Drums         ? Role::Groove
                             : family == Instrument::Bass        ? Role::Bass
                             : InstrumentFamily::at(f).harmonic ? Role::Harmony
                                                                 : Role::Melody;
        a.programs[size_t(f)] = program;
        a.soundfonts[size_t(f)] = quint8(sf);
        return a;
    };
    auto sounds = [&](const SegmentArrangement &a, const QString &what) {
        const auto audio = renderer.value()->renderSegment(a, 0.3);
        QVERIFY2(rms(audio, 22050, 0, 1.5) > 1e-3, qPrintable(what));
        QVERIFY2(rms(audio, 22050, 1.5, 3.0) > 1e-3, qPrintable(what));
        QVERIFY2(rms(audio, 22050, 3.001, 3.3) < 1e-5, qPrintable(what));
    };
    // Every program of every family (and every kit the phrase generator
    // uses) is in at least one soundfont, so a substitute always exists.
    const std::vector<int> kits = {0, 8, 16, 24, 25, 32, 40, 48};
    int missing = 0;
    SegmentArrangement lacking;
    QString lackingWhat;
    for (int f = 0; f < InstrumentFamily::count; ++f) {
        const bool drums = Instrument(f) == Instrument::Drums;
        for (int program : drums ? kits : InstrumentFamily::at(f).programs) {
            int have = 0;
            for (int sf = 0; sf < soundfonts.size(); ++sf) {
                if (renderer.value()->hasPreset(sf, drums ? 128 : 0, program)) {
                    ++have;
                } else if (lackingWhat.isEmpty()) {
                    lacking = alone(f, program, sf);
                    lackingWhat = QStringLiteral("%1 lacks %2 program %3 (substituted)")
                                      .arg(SoundfontLibrary::label(soundfonts[sf]),
                                           QLatin1String(InstrumentFamily::at(f).displayName))
                                      .arg(program);
                    ++missing;
                } else {
                    ++missing;
                }
            }
            QVERIFY2(have > 0 || drums, qPrintable(QStringLiteral("no soundfont has %1 program %2")
                                                       .arg(QLatin1String(InstrumentFamily::at(f).displayName))
                                                       .arg(program)));
        }
    }
    qInfo("%d (soundfont, preset) pairs missing among %lld soundfonts", missing, qlonglong(soundfonts.size()));
    // Each family from each soundfont (one program each, rotating) sounds
    // through a short segment and is silent after it.
    for (int sf = 0; sf < soundfonts.size(); ++sf)
        for (int f = 0; f < InstrumentFamily::count; ++f) {
            const bool drums = Instrument(f) == Instrument::Drums;
            const auto &programs = drums ? kits : InstrumentFamily::at(f).programs;
            const int program = programs[size_t(sf) % programs.size()];
            sounds(alone(f, program, sf), QStringLiteral("%1 %2 program %3")
                                              .arg(SoundfontLibrary::label(soundfonts[sf]),
                                                   QLatin1String(InstrumentFamily::at(f).displayName))
                                              .arg(program));
        }
    // A preset a soundfont lacks is played by a substitute, not silence.
    if (!lackingWhat.isEmpty())
        sounds(lacking, lackingWhat);
}

void TestSynthVariety::phrasePlanRespectsRangesAndVaries()
{
    const auto plans = SynthCorpusGenerator::plan(phraseOptions(200, 31));
    QSet<int> counts, grooves, keys, sections, kits;
    int drumsAlone = 0, soloPitched = 0, oneWithDrums = 0, ensembles = 0, segments = 0, drifting = 0;
    QVector<int> tagCounts(SynthVocabulary::TagCount, 0);
    for (const TrackPlan &p : plans) {
        const int n = int(p.segments.size());
        QVERIFY2(n >= 3 && n <= 8, qPrintable(p.stem));
        counts.insert(n);
        QVERIFY2(p.duration >= 30.0 && p.duration <= 120.0, qPrintable(p.stem));
        double t = 0.0;
        for (const SegmentArrangement &s : p.segments) {
            QCOMPARE(s.generator, Generator::Phrase);
            QCOMPARE(s.start, t);
            QVERIFY(s.duration() >= 3.0 - 1e-9 && s.duration() <= 16.0 + 1e-9);
            QVERIFY(std::fabs(s.duration() - s.bars * 240.0 / s.bpm) < 0.001);
            QVERIFY(s.fast ? (s.bpm >= 116 && s.bpm <= 160) : (s.bpm >= 60 && s.bpm <= 84));
            QCOMPARE(int(s.chords.size()), 2 * s.bars);
            QVERIFY(std::fabs(s.drift) <= PhrasePlanner::maxDrift(s.bpm) + 1e-12);
            const int instruments = s.instrumentCount();
            QVERIFY(instruments >= 1 && instruments <= 5);
            const bool drums = s.plays(Instrument::Drums);
            drumsAlone += instruments == 1 && drums;
            soloPitched += instruments == 1 && !drums;
            oneWithDrums += instruments == 2 && drums;
            ensembles += instruments >= 3;
            drifting += s.drift != 0.0;
            grooves.insert(s.groove);
            keys.insert(s.keyRoot);
            sections.insert(s.section);
            if (drums)
                kits.insert(s.programs[size_t(Instrument::Drums)]);
            const auto row = SynthVocabulary::labels(s);
            for (int tag = 0; tag < SynthVocabulary::TagCount; ++tag)
                tagCounts[tag] += row[size_t(tag)];
            ++segments;
            t = s.end;
        }
        QCOMPARE(t, p.duration);
    }
    QVERIFY(counts.size() >= 4);
    QCOMPARE(grooves.size(), int(PhrasePlanner::GrooveCount));
    QCOMPARE(keys.size(), 12);
    QCOMPARE(sections.size(), int(PhrasePlanner::SectionCount));
    QVERIFY(kits.size() >= 6);
    // Every texture occurs, and every tag is both present and absent, none rare.
    QVERIFY(drumsAlone > 10 && soloPitched > 50 && oneWithDrums > 50 && ensembles > 200);
    QVERIFY(drifting > segments / 5);
    for (int tag = 0; tag < SynthVocabulary::TagCount; ++tag)
        qInfo("%s: %d of %d segments", qPrintable(SynthVocabulary::vocabulary().at(tag).name), tagCounts[tag], segments);
    for (int tag = 0; tag < SynthVocabulary::TagCount; ++tag)
        QVERIFY2(tagCounts[tag] > segments / 10 && tagCounts[tag] < segments * 9 / 10,
                 qPrintable(QStringLiteral("%1: %2 of %3")
                                .arg(SynthVocabulary::vocabulary().at(tag).name)
                                .arg(tagCounts[tag]).arg(segments)));
    // Not the classic generator's music.
    SynthCorpusOptions classic = phraseOptions(1, 31);
    classic.generator = Generator::Classic;
    QVERIFY(SynthCorpusGenerator::plan(classic)[0].segments[0].roles != plans[0].segments[0].roles
            || SynthCorpusGenerator::plan(classic)[0].segments[0].bpm != plans[0].segments[0].bpm);
}

void TestSynthVariety::phraseNotesMatchLabels()
{
    int inversions = 0, rootPosition = 0, wideMelodies = 0;
    for (const TrackPlan &p : SynthCorpusGenerator::plan(phraseOptions(40, 8))) {
        for (const SegmentArrangement &s : p.segments) {
            const auto events = SegmentComposer::compose(s);
            QCOMPARE(events.back().type, MidiEvent::AllSoundsOff);
            QCOMPARE(events.back().time, s.duration());
            const auto &scale = s.major ? kMajor : kMinor;
            QSet<int> scaleClasses;
            for (int iv : scale)
                scaleClasses.insert((s.keyRoot + iv) % 12);
            QSet<int> sounding;
            QVector<int> notesPerChannel(16, 0);
            QVector<double> firstOn(16, 1e9), lastOff(16, -1.0);
            std::array<int, 16> lowest, highest;
            lowest.fill(128);
            highest.fill(-1);
            int lastBarLowest = 128;
            for (const MidiEvent &e : events) {
                QVERIFY(e.time >= 0.0 && e.time <= s.duration());
                if (e.type == MidiEvent::NoteOff)
                    lastOff[e.channel] = std::max(lastOff[e.channel], e.time);
                if (e.type != MidiEvent::NoteOn)
                    continue;
                firstOn[e.channel] = std::min(firstOn[e.channel], e.time);
                sounding.insert(e.channel);
                ++notesPerChannel[e.channel];
                QVERIFY(e.time < s.duration() - MidiComposer::releaseMargin);
                QVERIFY(e.data2 > 0);
                if (e.channel == 9)
                    continue;
                QVERIFY2(scaleClasses.contains(e.data1 % 12), qPrintable(p.stem));
                lowest[e.channel] = std::min(lowest[e.channel], int(e.data1));
                highest[e.channel] = std::max(highest[e.channel], int(e.data1));
                if (e.time >= PhraseComposer::beatTime(s, 4.0 * (s.bars - 1)) + 0.05)
                    lastBarLowest = std::min(lastBarLowest, int(e.data1));
            }
            const auto row = SynthVocabulary::labels(s);
            for (int f = 0; f < InstrumentFamily::count; ++f) {
                const int ch = InstrumentFamily::at(f).channel;
                QCOMPARE(sounding.contains(ch), row[size_t(f)] == 1);
                if (row[size_t(f)])  // a labelled part plays through the segment, not a note or two
                    QVERIFY2(firstOn[ch] < 0.5 * s.duration() && lastOff[ch] > 0.6 * s.duration(),
                             qPrintable(QStringLiteral("%1 %2: notes from %3 s to %4 s of %5 s").arg(p.stem,
                                 QLatin1String(InstrumentFamily::at(f).displayName)).arg(firstOn[ch]).arg(lastOff[ch]).arg(s.duration())));
                if (s.roles[size_t(f)] == Role::Melody && highest[ch] - lowest[ch] >= 12)
                    ++wideMelodies;
            }
            // The mode is heard: the section closes on the tonic chord, and
            // the lowest note of its last bar belongs to it.
            if (s.bars >= 2) {
                QCOMPARE(s.chords.back(), 0);
                if (lastBarLowest < 128) {
                    const QSet<int> tonic = {s.keyRoot % 12, (s.keyRoot + scale[2]) % 12, (s.keyRoot + scale[4]) % 12};
                    QVERIFY2(tonic.contains(lastBarLowest % 12), qPrintable(p.stem));
                }
            }
            // Voice-led chords: pads and comping land on inversions as well as root position.
            for (int f : {int(Instrument::Strings), int(Instrument::Organ), int(Instrument::Synth)}) {
                if (s.roles[size_t(f)] != Role::Harmony || s.styles[size_t(f)] != PhraseComposer::Pad)
                    continue;
                double lastTime = -1.0;
                int low = 128;
                for (const MidiEvent &e : events) {
                    if (e.type != MidiEvent::NoteOn || e.channel != InstrumentFamily::at(f).channel)
                        continue;
                    if (e.time > lastTime + 0.05 && low < 128) {
                        // The chord that started at lastTime.
                        int beat = 0;
                        while (beat < 4 * s.bars && PhraseComposer::beatTime(s, beat + 1) <= lastTime + 0.05)
                            ++beat;
                        const int degree = PhraseComposer::chordAt(s, beat);
                        const int root = (s.keyRoot + scale[size_t(degree)]) % 12;
                        (low % 12 == root ? rootPosition : inversions) += 1;
                        low = 128;
                    }
                    if (e.time > lastTime + 0.05)
                        lastTime = e.time;
                    low = std::min(low, int(e.data1));
                }
            }
        }
    }
    QVERIFY2(inversions > 20 && rootPosition > 20, qPrintable(QStringLiteral("%1 inversions, %2 root position")
                                                                 .arg(inversions).arg(rootPosition)));
    QVERIFY(wideMelodies > 20);
}

void TestSynthVariety::phraseTempoStaysInItsClass()
{
    int checked = 0;
    for (const TrackPlan &p : SynthCorpusGenerator::plan(phraseOptions(120, 77))) {
        for (const SegmentArrangement &s : p.segments) {
            QCOMPARE(PhraseComposer::beatTime(s, 0.0), 0.0);
            QVERIFY(std::fabs(PhraseComposer::beatTime(s, 4.0 * s.bars) - s.duration()) < 1e-9);
            // The tempo of every beat keeps the segment's labels: fast or slow,
            // and (inside fast) on the same side of 140 BPM as its nominal tempo.
            for (int b = 0; b < 4 * s.bars; ++b) {
                const double bpm = 60.0 / (PhraseComposer::beatTime(s, b + 1) - PhraseComposer::beatTime(s, b));
                if (s.fast) {
                    QVERIFY2(bpm >= 116.0 - 0.5 && bpm <= 160.5, qPrintable(QString::number(bpm)));
                    // (segment ends are whole milliseconds: 0.05 BPM of slack)
                    QCOMPARE(bpm >= 140.0 - 0.05, s.bpm >= 140);
                } else {
                    QVERIFY2(bpm >= 59.5 && bpm <= 84.5, qPrintable(QString::number(bpm)));
                }
                ++checked;
            }
        }
    }
    QVERIFY(checked > 1000);
}

void TestSynthVariety::phrasePartsSoundWhereLabelled()
{
    QStringList soundfonts = installedSoundfonts(3);
    if (soundfonts.isEmpty())
        QSKIP("no corpus soundfont is installed");
    SynthCorpusOptions o = phraseOptions(2, 3);
    o.soundfonts = soundfonts;
    auto renderer = SynthRenderer::create(soundfonts, 22050);
    QVERIFY2(renderer.ok(), qPrintable(renderer.error()));
    int checked = 0;
    for (const TrackPlan &p : SynthCorpusGenerator::plan(o)) {
        for (const SegmentArrangement &s : p.segments) {
            for (int f = 0; f < InstrumentFamily::count; ++f) {
                if (!s.plays(Instrument(f)))
                    continue;
                SegmentArrangement alone = s;
                for (int g = 0; g < InstrumentFamily::count; ++g)
                    if (g != f)
                        alone.roles[size_t(g)] = Role::Silent;
                const auto audio = renderer.value()->renderSegment(alone, 0.5);
                const QString what = QStringLiteral("%1 %2 in [%3, %4)")
                                         .arg(p.stem, QLatin1String(InstrumentFamily::at(f).displayName))
                                         .arg(s.start).arg(s.end);
                const double half = s.duration() / 2.0;
                QVERIFY2(rms(audio, 22050, 0, half) > 1e-3, qPrintable(what));
                QVERIFY2(rms(audio, 22050, half, s.duration()) > 1e-3, qPrintable(what));
                QVERIFY2(rms(audio, 22050, s.duration() + 0.001, s.duration() + 0.5) < 1e-5, qPrintable(what));
                ++checked;
            }
        }
    }
    QVERIFY(checked >= 10);
}

void TestSynthVariety::drumsAloneLeaveModeUnknown()
{
    // A planned phrase track with drums alone somewhere: its CSV leaves the
    // mode cell empty there (unknown), and the reader sees NaN.
    for (const TrackPlan &p : SynthCorpusGenerator::plan(phraseOptions(60, 4))) {
        int alone = -1;
        for (size_t s = 0; s < p.segments.size() && alone < 0; ++s)
            if (!p.segments[s].modeAudible())
                alone = int(s);
        if (alone < 0)
            continue;
        QCOMPARE(p.segments[size_t(alone)].instrumentCount(), 1);
        QVERIFY(p.segments[size_t(alone)].plays(Instrument::Drums));
        QVERIFY(!SynthVocabulary::known(p.segments[size_t(alone)], SynthVocabulary::MajorMode));
        QVERIFY(SynthVocabulary::known(p.segments[size_t(alone)], SynthVocabulary::SoloTexture));
        const QString dir = taglane::tests::tempDir(QStringLiteral("synthvariety_mode"));
        const QString csv = QDir(dir).filePath(QStringLiteral("x.csv"));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(SynthCorpusGenerator::labelsCsv(p));
        f.close();
        const auto read = LabelledAudioFolder::readCsv(csv);
        QVERIFY2(read.ok(), qPrintable(read.error()));
        const LabelledTrack &t = read.value();
        QVERIFY(std::isnan(t.value(alone, SynthVocabulary::MajorMode)));
        QCOMPARE(t.value(alone, SynthVocabulary::SoloTexture), 1.0f);
        QCOMPARE(t.value(alone, int(Instrument::Drums)), 1.0f);
        for (int s = 0; s < int(p.segments.size()); ++s)
            if (p.segments[size_t(s)].modeAudible())
                QCOMPARE(t.value(s, SynthVocabulary::MajorMode), p.segments[size_t(s)].major ? 1.0f : 0.0f);
        return;
    }
    QFAIL("no phrase track of 60 has drums alone");
}

void TestSynthVariety::phraseCorpusIsReproducibleWithSeveralSoundfonts()
{
    QStringList soundfonts = installedSoundfonts(3);
    if (soundfonts.size() < 2)
        QSKIP("fewer than two of the corpus soundfonts are installed (scripts/install-deps.sh)");
    SynthCorpusOptions o = phraseOptions(1, 12);
    o.soundfonts = soundfonts;
    o.channels = 1;
    o.outDir = taglane::tests::tempDir(QStringLiteral("synthvariety_a"));
    const auto first = SynthCorpusGenerator::generate(o);
    QVERIFY2(first.ok(), qPrintable(first.error()));
    SynthCorpusOptions again = o;
    again.outDir = taglane::tests::tempDir(QStringLiteral("synthvariety_b"));
    QVERIFY(SynthCorpusGenerator::generate(again).ok());
    const QStringList files = QDir(o.outDir).entryList(QDir::Files, QDir::Name);
    QCOMPARE(files.size(), 4);
    for (const QString &f : files)
        QVERIFY2(readAll(QDir(o.outDir).filePath(f)) == readAll(QDir(again.outDir).filePath(f)), qPrintable(f));
    // The manifest names the generator and which soundfont played each part.
    const QByteArray manifest = readAll(QDir(o.outDir).filePath(QStringLiteral("corpus.json")));
    QVERIFY(manifest.contains("\"arrangement\": \"phrase\""));
    QVERIFY(manifest.contains("\"soundfont\": \"" + SoundfontLibrary::label(soundfonts[0]).toUtf8() + "\""));
    // A different soundfont list renders different audio from the same notes.
    SynthCorpusOptions swapped = o;
    std::reverse(swapped.soundfonts.begin(), swapped.soundfonts.end());
    swapped.outDir = taglane::tests::tempDir(QStringLiteral("synthvariety_c"));
    QVERIFY(SynthCorpusGenerator::generate(swapped).ok());
    QCOMPARE(readAll(QDir(o.outDir).filePath(QStringLiteral("track_0001.csv"))),
             readAll(QDir(swapped.outDir).filePath(QStringLiteral("track_0001.csv"))));
    QVERIFY(readAll(QDir(o.outDir).filePath(QStringLiteral("track_0001.wav")))
            != readAll(QDir(swapped.outDir).filePath(QStringLiteral("track_0001.wav"))));
}

QTEST_GUILESS_MAIN(TestSynthVariety)
#include "tst_synthvariety.moc"
