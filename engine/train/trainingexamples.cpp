// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/audio/audiodecoder.h"
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/segment/novelty.h"
#include "engine/train/trainablenet_p.h"
#include "engine/train/trainingexamples.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <limits>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ExampleBuilder", text);
}

constexpr float kUnknown = std::numeric_limits<float>::quiet_NaN();

} // namespace

void TrainingExamples::append(const TrainingExamples &other)
{
    const int offset = trackNames.size();
    trackNames += other.trackNames;
    features.insert(features.end(), other.features.begin(), other.features.end());
    labels.insert(labels.end(), other.labels.begin(), other.labels.end());
    for (int t : other.trackOf)
        trackOf.push_back(t + offset);
    warnings += other.warnings;
}

TrainingExamples TrainingExamples::subset(const std::vector<int> &tracks) const
{
    TrainingExamples s = *this;
    s.features.clear();
    s.labels.clear();
    s.trackOf.clear();
    std::vector<char> keep(size_t(trackNames.size()), 0);
    for (int t : tracks)
        if (t >= 0 && t < int(keep.size()))
            keep[size_t(t)] = 1;
    const size_t fs = featureStride();
    const size_t ls = labelStride();
    for (int i = 0; i < count(); ++i) {
        if (!keep[size_t(trackOf[size_t(i)])])
            continue;
        s.features.insert(s.features.end(), features.begin() + long(i * fs), features.begin() + long((i + 1) * fs));
        s.labels.insert(s.labels.end(), labels.begin() + long(i * ls), labels.begin() + long((i + 1) * ls));
        s.trackOf.push_back(trackOf[size_t(i)]);
    }
    return s;
}

std::vector<float> ExampleBuilder::aggregateFrameLabels(const std::vector<float> &frameLabels, int frames, int tags)
{
    std::vector<float> out(size_t(tags), kUnknown);
    for (int t = 0; t < tags; ++t) {
        int known = 0;
        double sum = 0.0;
        for (int f = 0; f < frames; ++f) {
            const float v = frameLabels[size_t(f) * size_t(tags) + size_t(t)];
            if (!std::isnan(v)) {
                ++known;
                sum += v;
            }
        }
        if (2 * known >= frames && known > 0)
            out[size_t(t)] = sum / known > 0.5 ? 1.0f : 0.0f;
    }
    return out;
}

std::vector<float> ExampleBuilder::frameLabels(const LabelledTrack &track, const Vocabulary &tags, qint64 frameCount,
                                               int hop, int sampleRate)
{
    const int n = tags.size();
    std::vector<int> column(size_t(n), -1);
    for (int t = 0; t < n; ++t)
        column[size_t(t)] = track.tags.indexOf(tags.at(t).name);
    std::vector<float> out(size_t(frameCount) * size_t(n), kUnknown);
    for (qint64 f = 0; f < frameCount; ++f) {
        const int s = track.segments.indexAt(double(f) * hop / sampleRate);
        if (s < 0)
            continue;
        for (int t = 0; t < n; ++t) {
            if (column[size_t(t)] >= 0) {
                const float v = track.value(s, column[size_t(t)]);
                // Soft labels count as present above 0.5.
                out[size_t(f) * size_t(n) + size_t(t)] = std::isnan(v) ? kUnknown : (v > 0.5f ? 1.0f : 0.0f);
            }
        }
    }
    return out;
}

std::vector<qint64> ExampleBuilder::longTermStarts(qint64 frameCount, int frames, int hopFrames)
{
    std::vector<qint64> starts;
    if (hopFrames < 1)
        hopFrames = 1;
    for (qint64 s = 0; s + frames <= frameCount; s += hopFrames)
        starts.push_back(s);
    return starts;
}

std::vector<qint64> ExampleBuilder::segmentStarts(const QVector<Segment> &segments, qint64 frameCount, int frames,
                                                  int hopFrames, int hop, int sampleRate)
{
    std::vector<qint64> starts;
    if (frameCount < frames || frames < 1 || hop < 1 || sampleRate < 1)
        return starts;
    hopFrames = std::max(1, hopFrames);
    const double framesPerSecond = double(sampleRate) / hop;
    for (const Segment &seg : segments) {
        const qint64 a = std::clamp<qint64>(qint64(std::ceil(seg.start * framesPerSecond - 1e-9)), 0, frameCount);
        const qint64 b = std::clamp<qint64>(qint64(std::floor(seg.end * framesPerSecond + 1e-9)), 0, frameCount);
        if (b - a >= frames) {
            for (qint64 s = a; s + frames <= b; s += hopFrames)
                starts.push_back(s);
        } else if (b > a) {
            starts.push_back(std::clamp<qint64>((a + b - frames) / 2, 0, frameCount - frames));
        }
    }
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    return starts;
}

QString ExampleBuilder::windowsName(Windows windows)
{
    return windows == Windows::Novelty ? QStringLiteral("novelty") : QStringLiteral("fixed");
}

Result<ExampleBuilder::Windows> ExampleBuilder::parseWindows(const QString &name)
{
    if (name.compare(QLatin1String("fixed"), Qt::CaseInsensitive) == 0)
        return Windows::Fixed;
    if (name.compare(QLatin1String("novelty"), Qt::CaseInsensitive) == 0)
        return Windows::Novelty;
    return Result<Windows>::failure(tr("Unknown example windows \"%1\": use fixed or novelty.").arg(name));
}

QStringList ExampleBuilder::architectures()
{
    return detail::trainableSpecNames();
}

QString ExampleBuilder::resolveArchitecture(const QString &nameOrAlias)
{
    if (nameOrAlias.compare(QLatin1String("default"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("taglane-cnn");
    const detail::TrainableSpec *spec = detail::findTrainableSpec(nameOrAlias);
    return spec ? spec->name : QString();
}

Result<TrainingExamples> ExampleBuilder::fromTracks(const QVector<LabelledTrack> &tracks, const QString &architecture,
                                                    const Vocabulary &tagsIn, int hopFrames, const ProgressSink &progress,
                                                    Windows windows)
{
    using R = Result<TrainingExamples>;
    const detail::TrainableSpec *spec = detail::findTrainableSpec(resolveArchitecture(architecture));
    if (!spec) {
        return R::failure(tr("\"%1\" is not a trainable architecture (known: default, %2).")
                              .arg(architecture, architectures().join(QStringLiteral(", "))));
    }
    Vocabulary tags = tagsIn;
    if (tags.isEmpty()) {
        QVector<Tag> list;
        QStringList seen;
        for (const LabelledTrack &t : tracks)
            for (const Tag &tag : t.tags.tags())
                if (!seen.contains(tag.name)) {
                    seen << tag.name;
                    list << tag;
                }
        tags = Vocabulary(list);
    }
    TrainingExamples ex;
    ex.architecture = spec->name;
    ex.tags = tags;
    ex.bands = spec->bands;
    ex.frames = spec->frames;
    ex.sequence = spec->sequence;
    ex.hopFrames = hopFrames > 0 ? hopFrames : spec->frames / 2;
    ex.windows = windowsName(windows);
    const int n = tags.size();
    torch::NoGradGuard noGrad;
    detail::TrainableNet frontEnd = detail::createTrainableNet(*spec, std::max(1, n));
    for (int ti = 0; ti < tracks.size(); ++ti) {
        if (progress.cancelled())
            return R::failure(tr("Cancelled."));
        const LabelledTrack &track = tracks.at(ti);
        DecodeOptions options;
        options.analysisRate = spec->sampleRate;
        auto decoded = AudioDecoder::decode(track.audioPath, options);
        if (!decoded) {
            ex.warnings << decoded.error();
            continue;
        }
        const AudioBuffer &audio = decoded->mono;
        if (audio.size() < spec->nFft) {
            ex.warnings << tr("%1 is too short to train on.").arg(track.audioPath);
            continue;
        }
        at::Tensor wave = at::from_blob(const_cast<float *>(audio.data()), {1, audio.size()}, at::kFloat);
        at::Tensor feats = frontEnd->features(wave)[0].contiguous();  // [bands, T]
        const qint64 frameCount = feats.size(1);
        const std::vector<float> fl = frameLabels(track, tags, frameCount, spec->hop, spec->sampleRate);
        std::vector<qint64> starts;
        if (windows == Windows::Novelty) {
            const auto novelty = noveltySegmentation(audio);
            if (novelty)
                starts = segmentStarts(novelty->segments.segments(), frameCount, spec->frames, ex.hopFrames, spec->hop,
                                       spec->sampleRate);
            else
                ex.warnings << tr("%1: no novelty segments (%2); its windows are placed at a fixed hop.")
                                   .arg(track.audioPath, novelty.error());
        }
        if (starts.empty())
            starts = longTermStarts(frameCount, spec->frames, ex.hopFrames);
        const int seq = spec->sequence;
        const int seqStride = std::max(1, seq / 2);
        const int trackIndex = ex.trackNames.size();
        ex.trackNames << QFileInfo(track.audioPath).fileName();
        const float *fp = feats.data_ptr<float>();
        for (size_t first = 0; first + size_t(seq) <= starts.size(); first += size_t(seqStride)) {
            for (int s = 0; s < seq; ++s) {
                const qint64 start = starts[first + size_t(s)];
                for (int b = 0; b < spec->bands; ++b) {
                    const float *row = fp + b * frameCount + start;
                    ex.features.insert(ex.features.end(), row, row + spec->frames);
                }
                std::vector<float> window(fl.begin() + long(start * n), fl.begin() + long((start + spec->frames) * n));
                const std::vector<float> agg = aggregateFrameLabels(window, spec->frames, n);
                ex.labels.insert(ex.labels.end(), agg.begin(), agg.end());
            }
            ex.trackOf.push_back(trackIndex);
        }
        progress(double(ti + 1) / tracks.size());
    }
    if (ex.count() == 0)
        return R::failure(tr("No training examples could be cut from the %1 tracks given.").arg(tracks.size()));
    return ex;
}

Result<TrainingExamples> ExampleBuilder::fromFolder(const QString &folder, const QString &architecture,
                                                    const Vocabulary &tags, int hopFrames, const ProgressSink &progress,
                                                    Windows windows)
{
    LabelledAudioFolder::Options options;
    options.probeAudio = false;
    auto read = LabelledAudioFolder::read(folder, options);
    if (!read)
        return Result<TrainingExamples>::failure(read.error());
    auto ex = fromTracks(read->tracks, architecture, tags, hopFrames, progress, windows);
    if (ex)
        ex->warnings = read->warnings + ex->warnings;
    return ex;
}

} // namespace taglane::engine
