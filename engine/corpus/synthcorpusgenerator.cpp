// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/synthcorpusgenerator.h"

#include "engine/corpus/arrangementplanner.h"
#include "engine/corpus/augmentation.h"
#include "engine/corpus/phraseplanner.h"
#include "engine/corpus/seededrandom.h"
#include "engine/corpus/segmentcomposer.h"
#include "engine/corpus/soundfontlibrary.h"
#include "engine/corpus/synthrenderer.h"
#include "engine/corpus/synthvocabulary.h"
#include "engine/formats/atomicwrite.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SynthCorpusGenerator", text);
}

const char *const kNoteNames[12] = {"C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"};

QString roleName(Role role)
{
    switch (role) {
    case Role::Harmony: return QStringLiteral("harmony");
    case Role::Melody: return QStringLiteral("melody");
    case Role::Bass: return QStringLiteral("bass");
    case Role::Groove: return QStringLiteral("groove");
    case Role::Silent: break;
    }
    return QStringLiteral("silent");
}

/// Renders track `index` with its augmentation into `wav`.
Result<SynthRenderer::Stats> renderAugmented(SynthRenderer &renderer, const TrackPlan &plan, const QString &wav,
                                             const SynthCorpusOptions &options, int index,
                                             const ProgressSink &progress)
{
    using R = Result<SynthRenderer::Stats>;
    const TrackAugmentation a = Augmentation::draw(options.seed, index, options.augment);
    SynthRenderer::Effects fx;
    fx.reverb = a.reverb == 1;
    fx.roomSize = a.roomSize;
    fx.damping = a.damping;
    fx.reverbLevel = a.reverbLevel;
    fx.chorus = a.chorus == 1;
    fx.chorusSpeedHz = a.chorusRateHz;
    fx.chorusDepthMs = a.chorusDepthMs;
    fx.detuneCents = a.detuneCents;
    std::vector<float> audio = renderer.renderTrackAudio(plan, fx, progress);
    if (audio.empty() || progress.cancelled())
        return R::failure(tr("Rendering %1 was cancelled.").arg(wav));
    const int channels = options.channels == 1 ? 1 : 2;
    if (channels == 1) {
        for (size_t i = 0; i < audio.size() / 2; ++i)
            audio[i] = 0.5f * (audio[2 * i] + audio[2 * i + 1]);
        audio.resize(audio.size() / 2);
    }
    Augmentation::process(audio, channels, options.sampleRate, plan, a);
    if (a.codec) {
        const QString scratch = wav + (a.codec == 1 ? QStringLiteral(".part.mp3") : QStringLiteral(".part.ogg"));
        auto coded = Augmentation::codecRoundTrip(audio, channels, options.sampleRate, a.codec, a.codecQuality, scratch);
        if (!coded)
            return R::failure(coded.error());
        audio = std::move(coded.value());
    }
    auto stats = SynthRenderer::writeWav(wav, audio, channels, options.sampleRate);
    if (stats)
        stats->substitutedPresets = renderer.lastSubstitutions();
    return stats;
}

} // namespace

std::vector<TrackPlan> SynthCorpusGenerator::plan(quint64 seed, int tracks)
{
    std::vector<TrackPlan> plans;
    for (int i = 0; i < tracks; ++i)
        plans.push_back(ArrangementPlanner::plan(seed, i));
    return plans;
}

QStringList SynthCorpusGenerator::soundfontList(const SynthCorpusOptions &options)
{
    return options.soundfonts.isEmpty() ? QStringList{options.soundfont} : options.soundfonts;
}

std::vector<TrackPlan> SynthCorpusGenerator::plan(const SynthCorpusOptions &options)
{
    std::vector<TrackPlan> plans;
    for (int i = 0; i < options.tracks; ++i)
        plans.push_back(options.generator == Generator::Phrase ? PhrasePlanner::plan(options.seed, i)
                                                               : ArrangementPlanner::plan(options.seed, i));
    // MIDI-domain augmentation (tempo inside its class, mix levels) changes the plan itself.
    if (options.augment)
        for (int i = 0; i < int(plans.size()); ++i)
            Augmentation::applyToPlan(plans[size_t(i)], Augmentation::draw(options.seed, i, options.augment),
                                      options.seed, i);
    // Which soundfont plays each part: its own stream per segment and family,
    // so the music is the same whatever the list.
    const int n = int(soundfontList(options).size());
    if (n > 1)
        for (TrackPlan &p : plans)
            for (SegmentArrangement &s : p.segments)
                for (int f = 0; f < InstrumentFamily::count; ++f) {
                    SeededRandom r(SeededRandom::derive(s.seed, quint64(0x5F00 + f)));
                    s.soundfonts[size_t(f)] = quint8(r.uniformInt(0, n - 1));
                }
    return plans;
}

QByteArray SynthCorpusGenerator::labelsCsv(const TrackPlan &plan)
{
    QByteArray csv = "Start_Time,End_Time";
    for (const QString &name : SynthVocabulary::vocabulary().names())
        csv += ',' + name.toUtf8();
    csv += '\n';
    for (const SegmentArrangement &s : plan.segments) {
        csv += QByteArray::number(s.start, 'f', 3) + ',' + QByteArray::number(s.end, 'f', 3);
        const auto row = SynthVocabulary::labels(s);
        for (int t = 0; t < int(row.size()); ++t)
            csv += !SynthVocabulary::known(s, t) ? "," : row[size_t(t)] ? ",1" : ",0";
        csv += '\n';
    }
    return csv;
}

QByteArray SynthCorpusGenerator::manifest(const SynthCorpusOptions &options, const std::vector<TrackPlan> &plans)
{
    // Fields beyond the first corpus layout appear only when used, so a
    // default corpus stays byte-identical to what earlier versions wrote.
    const QStringList soundfonts = soundfontList(options);
    const bool extended = soundfonts.size() > 1 || options.generator != Generator::Classic || options.augment;
    QJsonArray tracks;
    for (const TrackPlan &p : plans) {
        QJsonArray segments;
        for (const SegmentArrangement &s : p.segments) {
            QJsonArray instruments;
            for (int f = 0; f < InstrumentFamily::count; ++f) {
                if (s.roles[size_t(f)] == Role::Silent)
                    continue;
                QJsonObject instrument{
                    {QStringLiteral("family"), QString::fromLatin1(InstrumentFamily::at(f).displayName)},
                    {QStringLiteral("program"), s.programs[size_t(f)]},
                    {QStringLiteral("role"), roleName(s.roles[size_t(f)])},
                    {QStringLiteral("style"), s.styles[size_t(f)]}};
                if (extended)
                    instrument.insert(QStringLiteral("soundfont"),
                                      SoundfontLibrary::label(soundfonts.value(s.soundfonts[size_t(f)])));
                instruments.append(instrument);
            }
            QJsonObject segment{
                {QStringLiteral("start"), s.start},
                {QStringLiteral("end"), s.end},
                {QStringLiteral("bpm"), s.bpm},
                {QStringLiteral("bars"), s.bars},
                {QStringLiteral("key"), QString::fromLatin1(kNoteNames[s.keyRoot]) +
                                            (s.major ? QStringLiteral(" major") : QStringLiteral(" minor"))},
                {QStringLiteral("progression"), s.progression},
                {QStringLiteral("loud"), s.loud},
                {QStringLiteral("instruments"), instruments}};
            if (extended) {
                segment.insert(QStringLiteral("modeAudible"), s.modeAudible());
                if (s.generator == Generator::Phrase) {
                    segment.insert(QStringLiteral("section"), QString::fromLatin1(PhrasePlanner::sectionName(s.section)));
                    segment.insert(QStringLiteral("groove"), QString::fromLatin1(PhrasePlanner::grooveName(s.groove)));
                    segment.insert(QStringLiteral("swing"), std::round(s.swing * 1000.0) / 1000.0);
                    segment.insert(QStringLiteral("drift"), std::round(s.drift * 10000.0) / 10000.0);
                    QJsonArray chords;
                    for (int c : s.chords)
                        chords.append(c);
                    segment.insert(QStringLiteral("chords"), chords);
                }
            }
            segments.append(segment);
        }
        QJsonObject track{{QStringLiteral("stem"), p.stem},
                          {QStringLiteral("audio"), p.stem + QStringLiteral(".wav")},
                          {QStringLiteral("labels"), p.stem + QStringLiteral(".csv")},
                          {QStringLiteral("duration"), p.duration},
                          {QStringLiteral("segments"), segments}};
        if (options.augment)
            track.insert(QStringLiteral("augmentation"),
                         Augmentation::describe(Augmentation::draw(options.seed, int(tracks.size()), options.augment)));
        tracks.append(track);
    }
    QJsonObject root{{QStringLiteral("generator"), QStringLiteral("taglane synth-corpus")},
                           {QStringLiteral("seed"), QString::number(options.seed)},
                           {QStringLiteral("sampleRate"), options.sampleRate},
                           {QStringLiteral("channels"), options.channels},
                           {QStringLiteral("soundfont"), QFileInfo(options.soundfont).fileName()},
                           {QStringLiteral("vocabulary"), QStringLiteral("vocabulary.tsv")},
                           {QStringLiteral("tracks"), tracks}};
    if (extended) {
        QJsonArray list;
        for (const QString &sf : soundfonts)
            list.append(SoundfontLibrary::label(sf));
        root.insert(QStringLiteral("soundfonts"), list);
        root.insert(QStringLiteral("arrangement"), SegmentComposer::name(options.generator));
        root.insert(QStringLiteral("augment"), Augmentation::kindList(options.augment));
    }
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Result<SynthCorpusSummary> SynthCorpusGenerator::generate(const SynthCorpusOptions &options,
                                                          const ProgressSink &progress)
{
    using R = Result<SynthCorpusSummary>;
    if (options.tracks < 1)
        return R::failure(tr("The number of tracks must be at least 1 (got %1).").arg(options.tracks));
    if (options.outDir.isEmpty())
        return R::failure(tr("No output folder given."));
    QDir dir(options.outDir);
    if (!dir.mkpath(QStringLiteral(".")))
        return R::failure(tr("%1: cannot create the output folder.").arg(options.outDir));

    const bool effects = options.augment & (Augmentation::Reverb | Augmentation::Chorus);
    auto renderer = SynthRenderer::create(soundfontList(options), options.sampleRate, effects);
    if (!renderer)
        return R::failure(renderer.error());

    const std::vector<TrackPlan> plans = plan(options);
    double totalSeconds = 0.0;
    for (const TrackPlan &p : plans)
        totalSeconds += p.duration;

    SynthCorpusSummary summary;
    auto writeSide = [&](const QString &name, const QByteArray &bytes) -> Status {
        const QString path = dir.absoluteFilePath(name);
        const Status s = AtomicWrite::write(path, bytes);
        if (s) {
            summary.files << path;
            summary.bytes += bytes.size();
        }
        return s;
    };

    double doneSeconds = 0.0;
    for (const TrackPlan &p : plans) {
        const QString wav = dir.absoluteFilePath(p.stem + QStringLiteral(".wav"));
        ProgressSink trackProgress;
        trackProgress.cancel = progress.cancel;
        trackProgress.report = [&](double f) { progress((doneSeconds + f * p.duration) / totalSeconds); };
        auto stats = options.augment ? renderAugmented(*renderer.value(), p, wav, options,
                                                       int(&p - plans.data()), trackProgress)
                                     : renderer.value()->renderTrack(p, wav, options.channels, trackProgress);
        if (!stats) {
            // The renderer writes WAV.part; when even its header could not be
            // written (a full disk) the empty part file must not stay.
            QFile::remove(wav + QStringLiteral(".part"));
            return R::failure(stats.error());
        }
        if (Status s = writeSide(p.stem + QStringLiteral(".csv"), labelsCsv(p)); !s) {
            QFile::remove(wav);
            return R::failure(s.error());
        }
        summary.files << wav;
        summary.bytes += QFileInfo(wav).size();
        summary.clippedSamples += stats->clippedSamples;
        summary.substitutedPresets += stats->substitutedPresets;
        summary.audioSeconds += p.duration;
        ++summary.tracks;
        doneSeconds += p.duration;
    }
    // The side files come last, so that they are there only when every
    // track is: a full disk or a cancel leaves finished tracks (each WAV with
    // its CSV) but no corpus.json naming tracks that are missing.
    if (Status s = writeSide(QStringLiteral("vocabulary.tsv"),
                             "# Taglane synthetic corpus: tag<TAB>category\n" +
                                 SynthVocabulary::vocabulary().toText().toUtf8());
        !s)
        return R::failure(s.error());
    if (Status s = writeSide(QStringLiteral("corpus.json"), manifest(options, plans)); !s)
        return R::failure(s.error());
    progress(1.0);
    return summary;
}

} // namespace taglane::engine
