// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/synthcorpusgenerator.h"

#include "engine/corpus/arrangementplanner.h"
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

} // namespace

std::vector<TrackPlan> SynthCorpusGenerator::plan(quint64 seed, int tracks)
{
    std::vector<TrackPlan> plans;
    for (int i = 0; i < tracks; ++i)
        plans.push_back(ArrangementPlanner::plan(seed, i));
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
        for (quint8 v : SynthVocabulary::labels(s))
            csv += v ? ",1" : ",0";
        csv += '\n';
    }
    return csv;
}

QByteArray SynthCorpusGenerator::manifest(const SynthCorpusOptions &options, const std::vector<TrackPlan> &plans)
{
    QJsonArray tracks;
    for (const TrackPlan &p : plans) {
        QJsonArray segments;
        for (const SegmentArrangement &s : p.segments) {
            QJsonArray instruments;
            for (int f = 0; f < InstrumentFamily::count; ++f) {
                if (s.roles[size_t(f)] == Role::Silent)
                    continue;
                instruments.append(QJsonObject{
                    {QStringLiteral("family"), QString::fromLatin1(InstrumentFamily::at(f).displayName)},
                    {QStringLiteral("program"), s.programs[size_t(f)]},
                    {QStringLiteral("role"), roleName(s.roles[size_t(f)])},
                    {QStringLiteral("style"), s.styles[size_t(f)]}});
            }
            segments.append(QJsonObject{
                {QStringLiteral("start"), s.start},
                {QStringLiteral("end"), s.end},
                {QStringLiteral("bpm"), s.bpm},
                {QStringLiteral("bars"), s.bars},
                {QStringLiteral("key"), QString::fromLatin1(kNoteNames[s.keyRoot]) +
                                            (s.major ? QStringLiteral(" major") : QStringLiteral(" minor"))},
                {QStringLiteral("progression"), s.progression},
                {QStringLiteral("loud"), s.loud},
                {QStringLiteral("instruments"), instruments}});
        }
        tracks.append(QJsonObject{{QStringLiteral("stem"), p.stem},
                                  {QStringLiteral("audio"), p.stem + QStringLiteral(".wav")},
                                  {QStringLiteral("labels"), p.stem + QStringLiteral(".csv")},
                                  {QStringLiteral("duration"), p.duration},
                                  {QStringLiteral("segments"), segments}});
    }
    const QJsonObject root{{QStringLiteral("generator"), QStringLiteral("taglane synth-corpus")},
                           {QStringLiteral("seed"), QString::number(options.seed)},
                           {QStringLiteral("sampleRate"), options.sampleRate},
                           {QStringLiteral("channels"), options.channels},
                           {QStringLiteral("soundfont"), QFileInfo(options.soundfont).fileName()},
                           {QStringLiteral("vocabulary"), QStringLiteral("vocabulary.tsv")},
                           {QStringLiteral("tracks"), tracks}};
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

    auto renderer = SynthRenderer::create(options.soundfont, options.sampleRate);
    if (!renderer)
        return R::failure(renderer.error());

    const std::vector<TrackPlan> plans = plan(options.seed, options.tracks);
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
        auto stats = renderer.value()->renderTrack(p, wav, options.channels, trackProgress);
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
