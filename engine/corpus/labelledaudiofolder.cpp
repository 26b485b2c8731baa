// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/labelledaudiofolder.h"

#include "engine/audio/audiodecoder.h"

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

QString unquote(QString field)
{
    field = field.trimmed();
    if (field.size() >= 2 && field.startsWith(QLatin1Char('"')) && field.endsWith(QLatin1Char('"')))
        field = field.mid(1, field.size() - 2).replace(QStringLiteral("\"\""), QStringLiteral("\""));
    return field;
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

Result<LabelledTrack> LabelledAudioFolder::readCsv(const QString &path, const Vocabulary &categories)
{
    using R = Result<LabelledTrack>;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return R::failure(tr("%1: cannot read: %2").arg(path, file.errorString()));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));

    LabelledTrack track;
    track.labelsPath = path;
    track.stem = QFileInfo(path).completeBaseName();
    QVector<Segment> segments;
    int columns = 0;
    bool haveHeader = false;
    for (int i = 0; i < lines.size(); ++i) {
        QString line = lines[i];
        line.remove(QLatin1Char('\r'));
        if (line.trimmed().isEmpty())
            continue;
        const int lineNo = i + 1;
        const QStringList fields = line.split(QLatin1Char(','));
        if (!haveHeader) {
            haveHeader = true;
            if (fields.size() < 3 || unquote(fields[0]).compare(QLatin1String("Start_Time"), Qt::CaseInsensitive) != 0
                || unquote(fields[1]).compare(QLatin1String("End_Time"), Qt::CaseInsensitive) != 0)
                return R::failure(tr("%1, line %2: the header must be Start_Time,End_Time followed by tags.")
                                      .arg(path).arg(lineNo));
            QVector<Tag> tags;
            QSet<QString> seen;
            for (int c = 2; c < fields.size(); ++c) {
                const QString name = unquote(fields[c]);
                if (name.isEmpty())
                    return R::failure(tr("%1, line %2: column %3 has no tag name.").arg(path).arg(lineNo).arg(c + 1));
                if (seen.contains(name))
                    return R::failure(tr("%1, line %2: the tag %3 appears twice.").arg(path).arg(lineNo).arg(name));
                seen.insert(name);
                const int known = categories.indexOf(name);
                tags.push_back({name, known >= 0 ? categories.at(known).category : Vocabulary::categoryOf(name)});
            }
            track.tags = Vocabulary(tags);
            columns = int(fields.size());
            continue;
        }
        if (fields.size() != columns)
            return R::failure(tr("%1, line %2: %3 fields where the header has %4.")
                                  .arg(path).arg(lineNo).arg(fields.size()).arg(columns));
        bool okStart = false, okEnd = false;
        Segment s;
        s.id = segments.size() + 1;
        s.start = unquote(fields[0]).toDouble(&okStart);
        s.end = unquote(fields[1]).toDouble(&okEnd);
        if (!okStart || !okEnd)
            return R::failure(tr("%1, line %2: the start and end times must be numbers.").arg(path).arg(lineNo));
        segments.push_back(s);
        for (int c = 2; c < columns; ++c) {
            const QString text = unquote(fields[c]);
            if (text.isEmpty()) {
                track.values.push_back(std::numeric_limits<float>::quiet_NaN());
                continue;
            }
            bool ok = false;
            const double v = text.toDouble(&ok);
            if (!ok || !(v >= 0.0 && v <= 1.0))
                return R::failure(tr("%1, line %2: the value \"%3\" of %4 is not a number from 0 to 1.")
                                      .arg(path).arg(lineNo).arg(text, track.tags.at(c - 2).name));
            if (v != 0.0 && v != 1.0)
                track.hard = false;
            track.values.push_back(float(v));
        }
    }
    if (!haveHeader)
        return R::failure(tr("%1: the file is empty.").arg(path));
    if (segments.isEmpty())
        return R::failure(tr("%1: there are no segment rows.").arg(path));
    auto seg = Segmentation::fromSegments(segments, path);
    if (!seg)
        return R::failure(seg.error());
    track.segments = seg.value();
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
            const double lastEnd = track->segments.at(track->segments.size() - 1).end;
            if (lastEnd > track->durationSeconds + 1.0)
                result.warnings << tr("%1: the labels run to %2 s but the audio lasts %3 s.")
                                       .arg(csvPath).arg(lastEnd).arg(track->durationSeconds);
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
