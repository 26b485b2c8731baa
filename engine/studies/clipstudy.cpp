// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/studies/clipstudy.h"

#include "engine/audio/audiodecoder.h"
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/eval/metrics.h"
#include "engine/studies/clipjoin.h"
#include "engine/studies/fftfeatures.h"
#include "engine/train/trainablearchitecture.h"
#include "engine/train/trainingexamples.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

const QString kFrontEnd = QStringLiteral("taglane-cnn");

QString tr(const char *text)
{
    return QCoreApplication::translate("ClipStudy", text);
}

struct Folder
{
    QVector<LabelledTrack> tracks;
    TrainingExamples clips;           ///< one long-term frame per clip, hop = one clip
    std::vector<float> fft;           ///< [clips][dim]
    std::vector<int> clipIndexInTrack;
};

Result<Folder> load(const QString &folder, const Vocabulary &tags, int clipFrames, QStringList &warnings)
{
    using R = Result<Folder>;
    LabelledAudioFolder::Options options;
    options.probeAudio = false;
    auto read = LabelledAudioFolder::read(folder, options);
    if (!read)
        return R::failure(read.error());
    warnings += read->warnings;
    Folder f;
    f.tracks = read->tracks;
    auto clips = ExampleBuilder::fromTracks(f.tracks, kFrontEnd, tags, clipFrames);
    if (!clips)
        return R::failure(clips.error());
    f.clips = std::move(clips.value());
    warnings += f.clips.warnings;
    f.clipIndexInTrack.resize(size_t(f.clips.count()));
    for (int i = 0, k = 0; i < f.clips.count(); ++i) {
        k = (i > 0 && f.clips.trackOf[size_t(i)] == f.clips.trackOf[size_t(i - 1)]) ? k + 1 : 0;
        f.clipIndexInTrack[size_t(i)] = k;
    }
    return f;
}

const LabelledTrack *trackNamed(const Folder &f, const QString &fileName)
{
    for (const LabelledTrack &t : f.tracks)
        if (QFileInfo(t.audioPath).fileName() == fileName)
            return &t;
    return nullptr;
}

/// FFT features of every clip of f, on the clip's own samples (same grid).
Status computeFft(Folder &f, const FftFeatures &features, int hop, int clipFrames, const ProgressSink &progress)
{
    const int dim = features.dimension();
    f.fft.assign(size_t(f.clips.count()) * size_t(dim), 0.0f);
    const qint64 clipSamples = qint64(clipFrames) * hop;
    for (int ti = 0; ti < f.clips.trackNames.size(); ++ti) {
        if (progress.cancelled())
            return Status::failure(tr("Cancelled."));
        const LabelledTrack *track = trackNamed(f, f.clips.trackNames.at(ti));
        if (!track)
            return Status::failure(tr("The clips name %1, which the folder does not hold.").arg(f.clips.trackNames.at(ti)));
        DecodeOptions options;
        options.analysisRate = features.settings().sampleRate;
        auto decoded = AudioDecoder::decode(track->audioPath, options);
        if (!decoded)
            return Status::failure(decoded.error());
        const AudioBuffer &audio = decoded->mono;
        for (int i = 0; i < f.clips.count(); ++i) {
            if (f.clips.trackOf[size_t(i)] != ti)
                continue;
            const qint64 from = qint64(f.clipIndexInTrack[size_t(i)]) * clipSamples;
            const qint64 count = std::max<qint64>(0, std::min(clipSamples, audio.size() - from));
            const std::vector<float> v = features.compute(audio.data() + std::min(from, audio.size()), count);
            std::copy(v.begin(), v.end(), f.fft.begin() + long(size_t(i) * size_t(dim)));
        }
    }
    return {};
}

/// Clip, segment and track metrics of clip probabilities on the test folder.
void score(const Folder &test, const std::vector<float> &probs, double clipSeconds, double threshold,
           ClipStudySystem &out, int &segmentsOut)
{
    const int tags = test.clips.tags.size();
    auto build = [&](const std::vector<double> &scores, const std::vector<float> &truth, int rows) {
        EvalInput in;
        in.examples = rows;
        in.tags = tags;
        in.scores = scores;
        in.truth.assign(truth.size(), 0);
        in.known.assign(truth.size(), 0);
        for (size_t c = 0; c < truth.size(); ++c) {
            if (!std::isnan(truth[c]) && std::isfinite(scores[c])) {
                in.truth[c] = truth[c] > 0.5f ? 1 : 0;
                in.known[c] = 1;
            } else {
                in.scores[c] = 0.0;
            }
        }
        auto r = Metrics::compute(in, threshold);
        return r ? r.value() : MetricsReport{};
    };
    // Clip level.
    std::vector<double> clipScores(probs.begin(), probs.end());
    out.clip = build(clipScores, test.clips.labels, test.clips.count());
    // Segment and track level.
    std::vector<double> segScores, trackMean, trackMax;
    std::vector<float> segTruth, truthMajority, truthPresence;
    int segments = 0, tracks = 0;
    for (int ti = 0; ti < test.clips.trackNames.size(); ++ti) {
        const LabelledTrack *track = trackNamed(test, test.clips.trackNames.at(ti));
        if (!track)
            continue;
        std::vector<float> p;
        std::vector<double> centres;
        for (int i = 0; i < test.clips.count(); ++i) {
            if (test.clips.trackOf[size_t(i)] != ti)
                continue;
            p.insert(p.end(), probs.begin() + long(size_t(i) * size_t(tags)), probs.begin() + long(size_t(i + 1) * size_t(tags)));
            centres.push_back((test.clipIndexInTrack[size_t(i)] + 0.5) * clipSeconds);
        }
        const int clips = int(centres.size());
        if (clips == 0)
            continue;
        const std::vector<double> s = ClipJoin::segmentScores(p, centres, tags, track->segments);
        segScores.insert(segScores.end(), s.begin(), s.end());
        for (int seg = 0; seg < track->segments.size(); ++seg)
            for (int t = 0; t < tags; ++t) {
                const int column = track->tags.indexOf(test.clips.tags.at(t).name);
                segTruth.push_back(column < 0 ? std::nanf("") : track->value(seg, column));
            }
        segments += track->segments.size();
        const std::vector<double> mean = ClipJoin::joinTrack(p, clips, tags, ClipJoinRule::Mean);
        const std::vector<double> max = ClipJoin::joinTrack(p, clips, tags, ClipJoinRule::Max);
        trackMean.insert(trackMean.end(), mean.begin(), mean.end());
        trackMax.insert(trackMax.end(), max.begin(), max.end());
        const std::vector<float> maj = ClipJoin::trackTruth(*track, test.clips.tags, TrackTruthRule::Majority);
        const std::vector<float> pres = ClipJoin::trackTruth(*track, test.clips.tags, TrackTruthRule::Presence);
        truthMajority.insert(truthMajority.end(), maj.begin(), maj.end());
        truthPresence.insert(truthPresence.end(), pres.begin(), pres.end());
        ++tracks;
    }
    out.segment = build(segScores, segTruth, segments);
    out.track = build(trackMean, truthMajority, tracks);
    out.trackPresence = build(trackMax, truthPresence, tracks);
    segmentsOut = segments;
}

QString num(double v)
{
    return std::isnan(v) ? QStringLiteral("  -  ") : QString::number(v, 'f', 3);
}

} // namespace

Result<ClipStudyReport> ClipStudy::run(const ClipStudyOptions &options, const ProgressSink &progress)
{
    using R = Result<ClipStudyReport>;
    ClipStudyReport report;
    auto arch = TrainableArchitecture::describe(kFrontEnd, 1);
    if (!arch)
        return R::failure(arch.error());
    const int clipFrames = options.clipFrames > 0 ? options.clipFrames : arch->frames;
    if (clipFrames != arch->frames)
        return R::failure(tr("The clip length must be %1 frames (the front end's long-term frame).").arg(arch->frames));
    report.clipSeconds = double(clipFrames) * arch->hop / arch->sampleRate;

    QElapsedTimer clock;
    clock.start();
    auto train = load(options.trainFolder, {}, clipFrames, report.warnings);
    if (!train)
        return R::failure(train.error());
    report.tags = train->clips.tags;
    Folder validation;
    if (!options.validationFolder.isEmpty()) {
        auto v = load(options.validationFolder, report.tags, clipFrames, report.warnings);
        if (!v)
            return R::failure(v.error());
        validation = std::move(v.value());
    }
    auto test = load(options.testFolder, report.tags, clipFrames, report.warnings);
    if (!test)
        return R::failure(test.error());
    report.cnn.featureSeconds = clock.elapsed() / 1000.0;
    progress(0.1);

    // Baseline: FFT features on the same clip grid, binary-relevance logistic regression.
    report.baseline.name = QStringLiteral("FFT + logistic");
    clock.restart();
    FftFeatureSettings fs;
    fs.sampleRate = arch->sampleRate;
    const FftFeatures features(fs);
    for (Folder *f : {&train.value(), &test.value()})
        if (Status s = computeFft(*f, features, arch->hop, clipFrames, progress); !s)
            return R::failure(s.error());
    report.baseline.featureSeconds = clock.elapsed() / 1000.0;
    clock.restart();
    MultiLabelLogistic logistic;
    if (Status s = logistic.fit(train->fft, train->clips.count(), features.dimension(), train->clips.labels,
                                report.tags.size(), options.baseline);
        !s)
        return R::failure(s.error());
    report.baseline.trainSeconds = clock.elapsed() / 1000.0;
    report.baseline.parameters = qint64(report.tags.size()) * (features.dimension() + 1);
    clock.restart();
    const std::vector<float> baseProbs = logistic.predict(test->fft, test->clips.count());
    report.baseline.predictSeconds = clock.elapsed() / 1000.0;
    progress(0.3);

    // The clip CNN.
    report.cnn.name = QStringLiteral("clip CNN");
    ClipCnn cnn;
    auto trained = cnn.train(train->clips, validation.clips, options.cnn, progress.cancel);
    if (!trained)
        return R::failure(trained.error());
    report.cnnTraining = trained.value();
    report.cnn.trainSeconds = trained->seconds;
    report.cnn.parameters = cnn.parameterCount();
    clock.restart();
    auto cnnProbs = cnn.predict(test->clips);
    if (!cnnProbs)
        return R::failure(cnnProbs.error());
    report.cnn.predictSeconds = clock.elapsed() / 1000.0;
    progress(0.95);

    report.trainClips = train->clips.count();
    report.validationClips = validation.clips.count();
    report.testClips = test->clips.count();
    report.testTracks = test->clips.trackNames.size();
    score(test.value(), cnnProbs.value(), report.clipSeconds, options.threshold, report.cnn, report.testSegments);
    score(test.value(), baseProbs, report.clipSeconds, options.threshold, report.baseline, report.testSegments);
    progress(1.0);
    return report;
}

QString ClipStudyReport::table() const
{
    QString out;
    auto line = [&](const QString &s) { out += s + QLatin1Char('\n'); };
    line(QStringLiteral("Clip study: %1 s clips; train %2 clips, validation %3, test %4 clips in %5 tracks, %6 segments")
             .arg(clipSeconds, 0, 'f', 2)
             .arg(trainClips)
             .arg(validationClips)
             .arg(testClips)
             .arg(testTracks)
             .arg(testSegments));
    line(QStringLiteral("%1 | %2 | %3")
             .arg(QStringLiteral("tag"), -32)
             .arg(QStringLiteral("track (mean join, majority): CNN P  R  | FFT P  R "), -50)
             .arg(QStringLiteral("segment: CNN P  R  | FFT P  R")));
    for (int t = 0; t < tags.size(); ++t) {
        auto pr = [&](const MetricsReport &r) {
            if (size_t(t) >= r.perTag.size())
                return QStringLiteral("  -     -  ");
            return num(r.perTag[size_t(t)].precision) + QLatin1Char(' ') + num(r.perTag[size_t(t)].recall);
        };
        line(QStringLiteral("%1 | %2 | %3 | %4 | %5")
                 .arg(tags.at(t).name, -32)
                 .arg(pr(cnn.track))
                 .arg(pr(baseline.track))
                 .arg(pr(cnn.segment))
                 .arg(pr(baseline.segment)));
    }
    line(QString());
    line(QStringLiteral("%1 %2 %3 %4 %5 %6 %7")
             .arg(QStringLiteral("level / system"), -34)
             .arg(QStringLiteral("macroP"), 7)
             .arg(QStringLiteral("macroR"), 7)
             .arg(QStringLiteral("macroF1"), 7)
             .arg(QStringLiteral("microF1"), 7)
             .arg(QStringLiteral("mAUC"), 7)
             .arg(QStringLiteral("MAP"), 7));
    auto macro = [&](const QString &label, const MetricsReport &r) {
        line(QStringLiteral("%1 %2 %3 %4 %5 %6 %7")
                 .arg(label, -34)
                 .arg(num(r.macroPrecision), 7)
                 .arg(num(r.macroRecall), 7)
                 .arg(num(r.macroF1), 7)
                 .arg(num(r.microF1), 7)
                 .arg(num(r.macroRocAuc), 7)
                 .arg(num(r.meanAveragePrecision), 7));
    };
    for (const ClipStudySystem *s : {&cnn, &baseline}) {
        macro(QStringLiteral("track mean/majority, ") + s->name, s->track);
        macro(QStringLiteral("track max/presence, ") + s->name, s->trackPresence);
        macro(QStringLiteral("segment, ") + s->name, s->segment);
        macro(QStringLiteral("clip, ") + s->name, s->clip);
    }
    line(QString());
    for (const ClipStudySystem *s : {&cnn, &baseline})
        line(QStringLiteral("%1: %2 parameters, features %3 s, training %4 s, prediction %5 s")
                 .arg(s->name, -16)
                 .arg(s->parameters)
                 .arg(s->featureSeconds, 0, 'f', 1)
                 .arg(s->trainSeconds, 0, 'f', 1)
                 .arg(s->predictSeconds, 0, 'f', 2));
    line(QStringLiteral("clip CNN: %1 epochs run, best %2 (validation loss %3)")
             .arg(cnnTraining.epochsRun)
             .arg(cnnTraining.bestEpoch)
             .arg(cnnTraining.bestValLoss, 0, 'f', 4));
    return out;
}

} // namespace taglane::engine
