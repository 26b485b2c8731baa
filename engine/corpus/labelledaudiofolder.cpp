// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/labelledaudiofolder.h"

#include "engine/audio/audiodecoder.h"
#include "engine/formats/cal500csvreader.h"
#include "engine/formats/segmenttimes.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <cmath>
#include <limits>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("LabelledAudioFolder", text);
}

QStringList filesUnder(const QString &folder, const QStringList &suffixes)
{
    QStringList files;
    QDirIterator it(folder, QDir::Files | QDir::Readable, QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
    while (it.hasNext()) {
        const QString path = it.next();
        if (suffixes.contains(QFileInfo(path).suffix().toLower()))
            files << path;
    }
    files.sort();
    return files;
}

/// The CSV for one audio file among those with its stem (see the class comment).
QString chooseCsv(const QString &audioPath, const QStringList &candidates, QStringList &warnings)
{
    if (candidates.size() == 1)
        return candidates.first();
    const QString audioDir = QFileInfo(audioPath).absolutePath();
    for (const QString &c : candidates)
        if (QFileInfo(c).absolutePath() == audioDir)
            return c;
    for (const QString &c : candidates)
        if (QFileInfo(c).absoluteDir().dirName().contains(QLatin1String("hard"), Qt::CaseInsensitive))
            return c;
    warnings << tr("%1: several label files match (%2); using the first.")
                    .arg(audioPath, candidates.join(QStringLiteral(", ")));
    return candidates.first();
}

} // namespace

// readCsv() reads with Cal500CsvReader, so under the same rules as
// `taglane-cli import` (RFC 4180, strict UTF-8, SegmentTimes::check(), the
// size limits, un-escaped tag names); read() also skips, with a warning,
// labels that run past the end of their audio (SegmentTimes::checkLength())
// when it probes the audio.
Result<LabelledTrack> LabelledAudioFolder::readCsv(const QString &path, const Vocabulary &categories)
{
    using R = Result<LabelledTrack>;
    // The importer's reader and rules (RFC 4180, strict UTF-8, the one
    // rule for times, size limits, un-escaped tag names), every value read
    // as it is.
    ImportOptions options;
    options.cal500Values = ImportOptions::Cal500Values::Soft;
    auto imported = Cal500CsvReader::read(path, options);
    if (!imported)
        return R::failure(imported.error());
    TrackLabels &labels = imported->tracks.front();
    if (labels.tags.isEmpty())
        return R::failure(tr("%1: the header must be Start_Time,End_Time followed by tags.").arg(path));

    LabelledTrack track;
    track.labelsPath = path;
    track.stem = QFileInfo(path).completeBaseName();
    QVector<Tag> tags;
    tags.reserve(labels.tags.size());
    for (const Tag &t : labels.tags.tags()) {
        const int known = categories.indexOf(t.name);
        tags.push_back({t.name, known >= 0 ? categories.at(known).category : Vocabulary::categoryOf(t.name)});
    }
    track.tags = Vocabulary(tags);
    track.segments = labels.segments;
    track.values.reserve(labels.cells.size());
    for (const LabelCell &c : labels.cells) {
        track.values.push_back(c.probability);   // NaN for an empty cell
        if (c.hasProbability() && c.probability != 0.0f && c.probability != 1.0f)
            track.hard = false;
    }
    return track;
}

Result<LabelledFolder> LabelledAudioFolder::read(const QString &folder, const Options &options,
                                                 const ProgressSink &progress)
{
    using R = Result<LabelledFolder>;
    if (!QFileInfo(folder).isDir())
        return R::failure(tr("%1: the folder does not exist.").arg(folder));
    const QString labelsRoot = options.labelsFolder.isEmpty() ? folder : options.labelsFolder;
    if (!QFileInfo(labelsRoot).isDir())
        return R::failure(tr("%1: the labels folder does not exist.").arg(labelsRoot));

    Vocabulary categories;
    for (const QString &root : {labelsRoot, folder}) {
        const QString vocabPath = QDir(root).filePath(QStringLiteral("vocabulary.tsv"));
        if (categories.isEmpty() && QFileInfo::exists(vocabPath)) {
            auto v = Vocabulary::load(vocabPath);
            if (v)
                categories = v.value();
        }
    }

    LabelledFolder result;
    const QStringList audio = filesUnder(folder, AudioDecoder::supportedSuffixes());
    const QStringList csvs = filesUnder(labelsRoot, {QStringLiteral("csv")});
    QHash<QString, QStringList> csvByStem;
    for (const QString &c : csvs)
        csvByStem[QFileInfo(c).completeBaseName().toLower()] << c;
    QSet<QString> audioStems;
    for (const QString &a : audio)
        audioStems.insert(QFileInfo(a).completeBaseName().toLower());

    for (int i = 0; i < audio.size(); ++i) {
        if (progress.cancelled())
            return R::failure(tr("Reading %1 was cancelled.").arg(folder));
        progress(double(i) / double(audio.size()));
        const QString &audioPath = audio[i];
        const QString stem = QFileInfo(audioPath).completeBaseName();
        QStringList candidates = csvByStem.value(stem.toLower());
        // An exact-case match beats one that differs only in case.
        QStringList exact;
        for (const QString &c : candidates)
            if (QFileInfo(c).completeBaseName() == stem)
                exact << c;
        if (!exact.isEmpty())
            candidates = exact;
        if (candidates.isEmpty()) {
            result.warnings << tr("%1: no label file %2.csv; skipped.").arg(audioPath, stem);
            continue;
        }
        const QString csvPath = chooseCsv(audioPath, candidates, result.warnings);
        auto track = readCsv(csvPath, categories);
        if (!track) {
            result.warnings << track.error() + tr(" Skipped.");
            continue;
        }
        track->audioPath = audioPath;
        track->stem = stem;
        if (options.probeAudio) {
            auto info = AudioDecoder::probe(audioPath);
            if (!info) {
                result.warnings << info.error() + tr(" Skipped.");
                continue;
            }
            track->durationSeconds = info->durationSeconds();
            // The same length rule as `import` (the CSV reader cannot know the audio).
            if (const QString problem = SegmentTimes::checkLength(track->segments, track->durationSeconds, audioPath);
                !problem.isEmpty()) {
                result.warnings << tr("%1: %2 Skipped.").arg(csvPath, problem);
                continue;
            }
        }
        result.tracks.push_back(std::move(track).value());
    }
    for (const QString &c : csvs) {
        if (!audioStems.contains(QFileInfo(c).completeBaseName().toLower()))
            result.warnings << tr("%1: no audio file with this stem.").arg(c);
    }
    progress(1.0);
    if (result.tracks.isEmpty())
        return R::failure(tr("%1: no audio file with CAL500exp labels was found.").arg(folder));
    return result;
}

} // namespace taglane::engine
