// SPDX-License-Identifier: GPL-3.0-or-later
// The student's training examples from cached teacher targets.
#include <torch/torch.h>

#include "engine/audio/audiodecoder.h"
#include "engine/train/distill.h"
#include "engine/train/trainablenet_p.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <limits>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Distillation", text);
}

} // namespace

Result<TrainingExamples> Distillation::examples(const QVector<TeacherTargets> &targets, const QString &architecture,
                                                const Vocabulary &tags, const ProgressSink &progress)
{
    using R = Result<TrainingExamples>;
    const detail::TrainableSpec *spec = detail::findTrainableSpec(ExampleBuilder::resolveArchitecture(architecture));
    if (!spec)
        return R::failure(tr("\"%1\" is not a trainable architecture.").arg(architecture));
    if (spec->sequence != 1)
        return R::failure(tr("The %1 architecture takes sequences; a student must take single windows.").arg(spec->name));
    if (tags.isEmpty())
        return R::failure(tr("The student needs at least one tag."));
    TrainingExamples ex;
    ex.architecture = spec->name;
    ex.tags = tags;
    ex.bands = spec->bands;
    ex.frames = spec->frames;
    ex.sequence = 1;
    const int n = tags.size();
    torch::NoGradGuard noGrad;
    detail::TrainableNet frontEnd = detail::createTrainableNet(*spec, n);
    for (int ti = 0; ti < targets.size(); ++ti) {
        if (progress.cancelled())
            return R::failure(tr("Cancelled."));
        const TeacherTargets &t = targets.at(ti);
        if (isReservedForEvaluation(t.audioPath)) {
            return R::failure(tr("%1 is reserved for evaluation (wesnoth-1.16-music); it must never be trained, "
                                 "validated or tuned on.")
                                  .arg(t.audioPath));
        }
        if (t.sampleRate != spec->sampleRate)
            return R::failure(tr("The teacher targets of %1 are at %2 Hz; the %3 student takes %4 Hz.")
                                  .arg(t.audioPath)
                                  .arg(t.sampleRate)
                                  .arg(spec->name)
                                  .arg(spec->sampleRate));
        if (t.hopSamples % spec->hop != 0)
            return R::failure(tr("The teacher targets of %1 have a hop of %2 samples, not a multiple of the student's "
                                 "STFT hop (%3).")
                                  .arg(t.audioPath)
                                  .arg(t.hopSamples)
                                  .arg(spec->hop));
        std::vector<int> column(size_t(n), -1);
        for (int c = 0; c < n; ++c)
            column[size_t(c)] = t.tags.indexOf(tags.at(c).name);
        const int teacherTags = t.tags.size();
        if (!t.windowAudioPath.isEmpty()) {
            // The windows' own audio, as the Tagger gives it to the network
            // (each chunk framed on its own).
            QFile raw(t.windowAudioPath);
            if (!raw.open(QIODevice::ReadOnly)) {
                ex.warnings << tr("%1 could not be read: %2").arg(t.windowAudioPath, raw.errorString());
                continue;
            }
            const QByteArray bytes = raw.readAll();
            const qint64 need = spec->chunkSamples();
            if (need > t.chunkSamples || bytes.size() != qint64(t.windows()) * t.chunkSamples * qint64(sizeof(float))) {
                ex.warnings << tr("%1 does not hold the windows of its targets; skipped.").arg(t.windowAudioPath);
                continue;
            }
            const at::Tensor all = at::from_blob(const_cast<char *>(bytes.constData()), {t.windows(), t.chunkSamples}, at::kFloat);
            const at::Tensor feats = frontEnd->features(all.narrow(1, 0, need).contiguous()).contiguous();  // [W, bands, T]
            if (feats.size(2) != spec->frames) {
                ex.warnings << tr("%1: %2 frames per window, not %3; skipped.").arg(t.windowAudioPath).arg(feats.size(2)).arg(spec->frames);
                continue;
            }
            const int trackIndex = ex.trackNames.size();
            ex.trackNames << QFileInfo(t.audioPath).fileName();
            const float *fp = feats.data_ptr<float>();
            for (int w = 0; w < t.windows(); ++w) {
                ex.features.insert(ex.features.end(), fp + size_t(w) * spec->bands * spec->frames,
                                   fp + size_t(w + 1) * spec->bands * spec->frames);
                const float *p = t.probabilities.data() + size_t(w) * size_t(teacherTags);
                for (int c = 0; c < n; ++c)
                    ex.labels.push_back(column[size_t(c)] >= 0 ? p[column[size_t(c)]]
                                                               : std::numeric_limits<float>::quiet_NaN());
                ex.trackOf.push_back(trackIndex);
            }
            if (ti == 0 || ti + 1 == targets.size() || ti % 8 == 0)
                progress(double(ti + 1) / targets.size());
            continue;
        }
        DecodeOptions options;
        options.analysisRate = spec->sampleRate;
        auto decoded = AudioDecoder::decode(t.audioPath, options);
        if (!decoded) {
            ex.warnings << decoded.error();
            continue;
        }
        const AudioBuffer &audio = decoded->mono;
        if (audio.size() < spec->nFft) {
            ex.warnings << tr("%1 is too short to train on.").arg(t.audioPath);
            continue;
        }
        at::Tensor wave = at::from_blob(const_cast<float *>(audio.data()), {1, audio.size()}, at::kFloat);
        const at::Tensor feats = frontEnd->features(wave)[0].contiguous();  // [bands, T]
        const qint64 frameCount = feats.size(1);
        const float *fp = feats.data_ptr<float>();
        const int trackIndex = ex.trackNames.size();
        ex.trackNames << QFileInfo(t.audioPath).fileName();
        for (int w = 0; w < t.windows(); ++w) {
            const qint64 first = t.starts[size_t(w)] / spec->hop;
            if (first + spec->frames > frameCount)
                continue;
            for (int b = 0; b < spec->bands; ++b) {
                const float *row = fp + b * frameCount + first;
                ex.features.insert(ex.features.end(), row, row + spec->frames);
            }
            const float *p = t.probabilities.data() + size_t(w) * size_t(teacherTags);
            for (int c = 0; c < n; ++c)
                ex.labels.push_back(column[size_t(c)] >= 0 ? p[column[size_t(c)]]
                                                           : std::numeric_limits<float>::quiet_NaN());
            ex.trackOf.push_back(trackIndex);
        }
        if (ti == 0 || ti + 1 == targets.size() || ti % 8 == 0)
            progress(double(ti + 1) / targets.size());
    }
    if (ex.count() == 0)
        return R::failure(tr("No training examples could be cut from the %1 tracks given.").arg(targets.size()));
    if (ex.count() > 0)
        ex.hopFrames = int(targets.constFirst().hopSamples / spec->hop);
    return ex;
}

} // namespace taglane::engine
