// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/train/distillagreement.h"

#include "engine/audio/audiodecoder.h"
#include "engine/model/tagger.h"
#include "engine/train/distill.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DistillAgreement", text);
}

std::vector<int> topK(const std::vector<double> &v, int k)
{
    std::vector<int> index(v.size());
    std::iota(index.begin(), index.end(), 0);
    std::stable_sort(index.begin(), index.end(), [&](int a, int b) { return v[size_t(a)] > v[size_t(b)]; });
    index.resize(std::min(index.size(), size_t(std::max(0, k))));
    return index;
}

} // namespace

double DistillAgreement::pearson(const std::vector<double> &a, const std::vector<double> &b)
{
    const size_t n = std::min(a.size(), b.size());
    if (n == 0)
        return std::numeric_limits<double>::quiet_NaN();
    double ma = 0.0, mb = 0.0;
    for (size_t i = 0; i < n; ++i) {
        ma += a[i];
        mb += b[i];
    }
    ma /= double(n);
    mb /= double(n);
    double sab = 0.0, saa = 0.0, sbb = 0.0;
    for (size_t i = 0; i < n; ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    if (saa <= 0.0 || sbb <= 0.0)
        return std::numeric_limits<double>::quiet_NaN();
    return sab / std::sqrt(saa * sbb);
}

int DistillAgreement::topKOverlap(const std::vector<double> &a, const std::vector<double> &b, int k)
{
    const std::vector<int> ta = topK(a, k);
    const std::vector<int> tb = topK(b, k);
    int shared = 0;
    for (int i : ta)
        if (std::find(tb.begin(), tb.end(), i) != tb.end())
            ++shared;
    return shared;
}

Result<AgreementReport> DistillAgreement::measure(Tagger &teacher, Tagger &student, const QStringList &audioFiles,
                                                  qint64 segmentSamples, double stdThreshold, const ProgressSink &progress,
                                                  const QString &teacherCache)
{
    using R = Result<AgreementReport>;
    if (audioFiles.isEmpty())
        return R::failure(tr("No audio files to compare the models on."));
    if (teacher.sampleRate() != student.sampleRate())
        return R::failure(tr("The teacher takes %1 Hz and the student %2 Hz; they cannot tag the same segments.")
                              .arg(teacher.sampleRate())
                              .arg(student.sampleRate()));
    if (segmentSamples < 1)
        return R::failure(tr("The segment length must be at least one sample."));
    // Tags of the teacher that the student has, by name.
    const QStringList teacherTags = teacher.manifest().tags.names();
    const QStringList studentTags = student.manifest().tags.names();
    std::vector<int> tCol, sCol;
    AgreementReport report;
    report.stdThreshold = stdThreshold;
    for (int i = 0; i < teacherTags.size(); ++i) {
        const int j = studentTags.indexOf(teacherTags.at(i));
        if (j < 0)
            continue;
        tCol.push_back(i);
        sCol.push_back(j);
        AgreementReport::TagFigures f;
        f.tag = teacherTags.at(i);
        report.tags.push_back(f);
    }
    if (report.tags.empty())
        return R::failure(tr("The student (%1) shares no tag with the teacher (%2).")
                              .arg(student.manifest().name, teacher.manifest().name));
    const size_t n = report.tags.size();
    std::vector<std::vector<double>> tSeries(n), sSeries(n);
    std::vector<double> tSong, sSong;
    QElapsedTimer clock;
    double overlapSum = 0.0;
    for (int fi = 0; fi < audioFiles.size(); ++fi) {
        if (progress.cancelled())
            return R::failure(tr("Cancelled."));
        const QString &path = audioFiles.at(fi);
        DecodeOptions options;
        options.analysisRate = teacher.sampleRate();
        auto decoded = AudioDecoder::decode(path, options);
        if (!decoded)
            return R::failure(decoded.error());
        const AudioBuffer &audio = decoded->mono;
        std::vector<qint64> starts;
        for (qint64 s = 0; s + segmentSamples <= audio.size(); s += segmentSamples)
            starts.push_back(s);
        if (starts.empty())
            starts.push_back(0);
        Result<std::vector<std::vector<float>>> tRows = std::vector<std::vector<float>>{};
        const auto cached = teacherCache.isEmpty()
                                ? std::nullopt
                                : Distillation::cachedTargets(teacherCache, path, teacher.manifest().version, segmentSamples);
        if (cached && cached->starts == starts && cached->tags == teacherTags) {
            const size_t width = size_t(teacherTags.size());
            for (size_t r = 0; r < starts.size(); ++r)
                tRows.value().emplace_back(cached->probabilities.begin() + long(r * width),
                                           cached->probabilities.begin() + long((r + 1) * width));
            ++report.teacherCached;
        } else {
            clock.start();
            tRows = teacher.predict(audio, starts, 8);
            report.teacherSeconds += clock.nsecsElapsed() / 1e9;
            if (!tRows)
                return R::failure(tr("%1: the teacher failed: %2").arg(path, tRows.error()));
        }
        clock.start();
        auto sRows = student.predict(audio, starts, 8);
        report.studentSeconds += clock.nsecsElapsed() / 1e9;
        if (!sRows)
            return R::failure(tr("%1: the student failed: %2").arg(path, sRows.error()));
        tSong.assign(n, 0.0);
        sSong.assign(n, 0.0);
        for (size_t r = 0; r < starts.size(); ++r) {
            for (size_t c = 0; c < n; ++c) {
                const double tv = tRows.value()[r][size_t(tCol[c])];
                const double sv = sRows.value()[r][size_t(sCol[c])];
                tSeries[c].push_back(tv);
                sSeries[c].push_back(sv);
                tSong[c] += tv / double(starts.size());
                sSong[c] += sv / double(starts.size());
            }
        }
        const int overlap = topKOverlap(tSong, sSong, 5);
        report.top5Overlap.push_back(overlap);
        overlapSum += overlap;
        report.tracks << QFileInfo(path).fileName();
        report.segments += int(starts.size());
        report.audioSeconds += double(audio.size()) / teacher.sampleRate();
        progress(double(fi + 1) / audioFiles.size());
    }
    double pearsonSum = 0.0;
    for (size_t c = 0; c < n; ++c) {
        AgreementReport::TagFigures &f = report.tags[c];
        const std::vector<double> &t = tSeries[c];
        const double mean = std::accumulate(t.begin(), t.end(), 0.0) / double(t.size());
        double var = 0.0;
        for (double v : t)
            var += (v - mean) * (v - mean);
        f.teacherMean = mean;
        f.teacherStd = std::sqrt(var / double(t.size()));
        f.studentMean = std::accumulate(sSeries[c].begin(), sSeries[c].end(), 0.0) / double(t.size());
        f.pearson = pearson(t, sSeries[c]);
        f.varies = f.teacherStd >= stdThreshold;
        if (f.varies) {
            ++report.varyingTags;
            pearsonSum += std::isnan(f.pearson) ? 0.0 : f.pearson;
        }
    }
    report.meanPearson = report.varyingTags > 0 ? pearsonSum / report.varyingTags : std::numeric_limits<double>::quiet_NaN();
    report.meanTop5Overlap = overlapSum / audioFiles.size();
    return report;
}

} // namespace taglane::engine
