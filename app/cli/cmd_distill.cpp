// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli distill: teacher targets, student training and agreement
// figures for a student distilled from a teacher on unlabelled audio.
#include "app/cli/commandline.h"
#include "app/cli/commands.h"
#include "app/cli/modelname.h"

#include "engine/model/modelbundle.h"
#include "engine/model/tagger.h"
#include "engine/train/distill.h"
#include "engine/train/distillagreement.h"
#include "engine/train/trainer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>
#include <csignal>
#include <limits>

namespace taglane::app {

namespace {

using namespace taglane::engine;

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

std::atomic_bool g_cancel{false};

void onSignal(int)
{
    g_cancel.store(true);
}

const QString kCommand = QStringLiteral("taglane-cli distill");

QTextStream &errStream()
{
    static QTextStream err(stderr);
    return err;
}

int fail(const QString &sub, const QString &message)
{
    errStream() << kCommand << " " << sub << ": " << message << "\n" << Qt::flush;
    return 1;
}

Result<std::shared_ptr<Tagger>> loadTagger(const QString &nameOrPath, const QString &role)
{
    const QString path = resolveModelArgument(nameOrPath);
    auto bundle = ModelBundle::open(path);
    if (!bundle)
        return Result<std::shared_ptr<Tagger>>::failure(tr("the %1 %2: %3").arg(role, nameOrPath, bundle.error()));
    return Tagger::load(bundle.value(), DevicePreference::Cpu);
}

int runTargets(const QStringList &args)
{
    const QString sub = QStringLiteral("targets");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Runs the teacher over every file of the list (windows every --hop samples) and caches its sigmoid outputs "
           "in the cache folder, one JSON file per track; files already cached by the same teacher are skipped."));
    parser.addHelpOption();
    const QCommandLineOption teacherOption(QStringLiteral("teacher"), tr("teacher bundle"), QStringLiteral("BUNDLE"));
    const QCommandLineOption filesOption(QStringLiteral("files"), tr("list of audio files, one a line"), QStringLiteral("LIST"));
    const QCommandLineOption cacheOption(QStringLiteral("cache"), tr("cache folder (created)"), QStringLiteral("DIR"));
    const QCommandLineOption hopOption(QStringLiteral("hop"), tr("hop between windows in samples (default 24064 = 1.504 s)"),
                                       QStringLiteral("N"), QString::number(Distillation::kDefaultHopSamples));
    const QCommandLineOption threadsOption(QStringLiteral("threads"), tr("CPU threads (default 1)"), QStringLiteral("N"),
                                           QStringLiteral("1"));
    const QCommandLineOption maxOption(QStringLiteral("max-windows"),
                                       tr("at most N windows per track, evenly spread (default 0 = all)"),
                                       QStringLiteral("N"), QStringLiteral("0"));
    parser.addOptions({teacherOption, filesOption, cacheOption, hopOption, threadsOption, maxOption});
    if (const auto done = parseCommandLine(parser, kCommand + QLatin1Char(' ') + sub, args))
        return *done;
    const QString cmd = kCommand + QLatin1Char(' ') + sub;
    if (!parser.isSet(teacherOption) || !parser.isSet(filesOption) || !parser.isSet(cacheOption))
        return usageError(cmd, tr("--teacher, --files and --cache are required."));
    qint64 hop = 0;
    int threads = 1;
    if (auto bad = readNumber(parser, hopOption, {qint64(1), qint64(1) << 30}, hop, cmd))
        return *bad;
    if (auto bad = readNumber(parser, threadsOption, {1, 1024}, threads, cmd))
        return *bad;
    int maxWindows = 0;
    if (auto bad = readNumber(parser, maxOption, {0, 1 << 30}, maxWindows, cmd))
        return *bad;
    auto files = Distillation::readFileList(parser.value(filesOption));
    if (!files)
        return fail(sub, files.error());
    configureTorchThreads(threads);
    auto teacher = loadTagger(parser.value(teacherOption), tr("teacher"));
    if (!teacher)
        return fail(sub, teacher.error());
    const QString cache = parser.value(cacheOption);
    if (!QDir().mkpath(cache))
        return fail(sub, tr("the cache folder %1 could not be created.").arg(cache));
    QElapsedTimer clock;
    clock.start();
    int made = 0, kept = 0;
    double audioSeconds = 0.0;
    for (int i = 0; i < files->size(); ++i) {
        const QString &file = files->at(i);
        if (Distillation::cachedTargets(cache, file, teacher.value()->manifest().version, hop)) {
            ++kept;
            continue;
        }
        auto targets = Distillation::computeTargets(*teacher.value(), file, hop, maxWindows);
        if (!targets) {
            errStream() << tr("warning: ") << targets.error() << "\n" << Qt::flush;
            continue;
        }
        const Status written = Distillation::writeTargets(Distillation::cacheFile(cache, file), targets.value());
        if (!written)
            return fail(sub, written.error());
        ++made;
        audioSeconds += double(targets->windows()) * hop / targets->sampleRate;
        errStream() << QStringLiteral("[%1/%2] %3: %4 windows\n").arg(i + 1).arg(files->size()).arg(file).arg(targets->windows())
                    << Qt::flush;
    }
    QTextStream(stdout) << tr("Teacher targets: %1 tracks computed (about %2 s of audio), %3 already cached, in %4 s\n")
                               .arg(made)
                               .arg(audioSeconds, 0, 'f', 0)
                               .arg(kept)
                               .arg(clock.elapsed() / 1000.0, 0, 'f', 1);
    return 0;
}

Result<QVector<TeacherTargets>> cachedFor(const QStringList &files, const QString &cache, const QString &sub)
{
    QVector<TeacherTargets> all;
    for (const QString &file : files) {
        if (Distillation::isReservedForEvaluation(file)) {
            return Result<QVector<TeacherTargets>>::failure(
                tr("%1 is reserved for evaluation (wesnoth-1.16-music); it must never be trained, validated or tuned on.")
                    .arg(file));
        }
        auto t = Distillation::readTargets(Distillation::cacheFile(cache, file));
        if (!t) {
            errStream() << kCommand << " " << sub << ": " << tr("warning: no teacher targets for %1 (%2); skipped.").arg(file, t.error())
                        << "\n";
            continue;
        }
        all << t.value();
    }
    if (all.isEmpty())
        return Result<QVector<TeacherTargets>>::failure(tr("none of the files has cached teacher targets; run 'distill targets' first."));
    return all;
}

int runDistillTrain(const QStringList &args)
{
    const QString sub = QStringLiteral("train");
    const QString cmd = kCommand + QLatin1Char(' ') + sub;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Trains a student on cached teacher targets (soft targets: binary cross-entropy against the teacher's "
           "probabilities) and writes a model bundle. Files of wesnoth-1.16-music are refused."));
    parser.addHelpOption();
    const QCommandLineOption filesOption(QStringLiteral("files"), tr("training files (list)"), QStringLiteral("LIST"));
    const QCommandLineOption valOption(QStringLiteral("val-files"), tr("validation files (list)"), QStringLiteral("LIST"));
    const QCommandLineOption cacheOption(QStringLiteral("cache"), tr("teacher-target cache folder"), QStringLiteral("DIR"));
    const QCommandLineOption archOption(QStringLiteral("arch"), tr("student architecture (default taglane-mtat-cnn)"),
                                        QStringLiteral("NAME"), QStringLiteral("taglane-mtat-cnn"));
    const QCommandLineOption tagsOption(QStringLiteral("tags"), tr("tag vocabulary (default: the teacher's tags)"),
                                        QStringLiteral("FILE"));
    const QCommandLineOption outOption(QStringLiteral("out"), tr("output bundle folder"), QStringLiteral("BUNDLE"));
    const QCommandLineOption epochsOption(QStringLiteral("epochs"), tr("epochs (default 20)"), QStringLiteral("N"),
                                          QStringLiteral("20"));
    const QCommandLineOption batchOption(QStringLiteral("batch"), tr("batch size (default 64)"), QStringLiteral("N"),
                                         QStringLiteral("64"));
    const QCommandLineOption lrOption(QStringLiteral("lr"), tr("Adam learning rate (default 0.002)"), QStringLiteral("X"),
                                      QStringLiteral("0.002"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), tr("random seed (default 1)"), QStringLiteral("N"),
                                        QStringLiteral("1"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"), tr("CPU threads (default 0 = all)"),
                                           QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption gainOption(QStringLiteral("augment-gain"), tr("random gain up to +-X dB (default 0)"),
                                        QStringLiteral("X"), QStringLiteral("0"));
    const QCommandLineOption eqOption(QStringLiteral("augment-eq"), tr("random EQ up to +-X dB (default 0)"),
                                      QStringLiteral("X"), QStringLiteral("0"));
    const QCommandLineOption noiseOption(QStringLiteral("augment-noise"), tr("probability of a noise floor (default 0)"),
                                         QStringLiteral("P"), QStringLiteral("0"));
    const QCommandLineOption maxBatchesOption(QStringLiteral("max-batches"), tr("batches per epoch at most (0 = all)"),
                                              QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption nameOption(QStringLiteral("name"), tr("model name in the manifest"), QStringLiteral("TEXT"));
    const QCommandLineOption quietOption(QStringLiteral("quiet"), tr("no progress display"));
    parser.addOptions({filesOption, valOption, cacheOption, archOption, tagsOption, outOption, epochsOption, batchOption,
                       lrOption, seedOption, threadsOption, gainOption, eqOption, noiseOption, maxBatchesOption,
                       nameOption, quietOption});
    if (const auto done = parseCommandLine(parser, cmd, args))
        return *done;
    if (!parser.isSet(filesOption) || !parser.isSet(cacheOption) || !parser.isSet(outOption))
        return usageError(cmd, tr("--files, --cache and --out are required."));
    TrainingConfig config;
    config.architecture = ExampleBuilder::resolveArchitecture(parser.value(archOption));
    if (config.architecture.isEmpty())
        return usageError(cmd, tr("unknown architecture \"%1\".").arg(parser.value(archOption)));
    if (auto bad = readNumber(parser, epochsOption, {1, 100000}, config.epochs, cmd))
        return *bad;
    if (auto bad = readNumber(parser, batchOption, {1, 65536}, config.batchSize, cmd))
        return *bad;
    if (auto bad = readNumber(parser, lrOption, {0.0, 10.0, true}, config.learningRate, cmd))
        return *bad;
    if (auto bad = readNumber(parser, seedOption, {quint64(0), std::numeric_limits<quint64>::max()}, config.seed, cmd))
        return *bad;
    if (auto bad = readNumber(parser, threadsOption, {0, 1024}, config.threads, cmd))
        return *bad;
    if (auto bad = readNumber(parser, gainOption, {0.0, 40.0}, config.augmentGainDb, cmd))
        return *bad;
    if (auto bad = readNumber(parser, eqOption, {0.0, 40.0}, config.augmentEqDb, cmd))
        return *bad;
    if (auto bad = readNumber(parser, noiseOption, {0.0, 1.0}, config.augmentNoise, cmd))
        return *bad;
    if (auto bad = readNumber(parser, maxBatchesOption, {0, 1 << 30}, config.maxBatchesPerEpoch, cmd))
        return *bad;
    config.cosineDecay = true;
    config.patience = 0;
    config.modelName = parser.value(nameOption);
    config.labelSource = tr("soft targets: the teacher's sigmoid outputs for the same window");
    const QString bundle = parser.value(outOption);
    if (QFileInfo::exists(bundle))
        return fail(sub, tr("%1 already exists; choose a new folder for the trained model.").arg(bundle));
    const QString cache = parser.value(cacheOption);
    auto files = Distillation::readFileList(parser.value(filesOption));
    if (!files)
        return fail(sub, files.error());
    QStringList valFiles;
    if (parser.isSet(valOption)) {
        auto v = Distillation::readFileList(parser.value(valOption));
        if (!v)
            return fail(sub, v.error());
        valFiles = v.value();
    }
    auto trainTargets = cachedFor(files.value(), cache, sub);
    if (!trainTargets)
        return fail(sub, trainTargets.error());
    Vocabulary tags;
    if (parser.isSet(tagsOption)) {
        auto v = Vocabulary::load(parser.value(tagsOption));
        if (!v)
            return fail(sub, v.error());
        tags = v.value();
    } else {
        tags = Vocabulary::fromNames(trainTargets->constFirst().tags);
    }
    const bool quiet = parser.isSet(quietOption);
    QElapsedTimer clock;
    clock.start();
    if (config.threads > 0)
        configureTorchThreads(config.threads);
    auto train = Distillation::examples(trainTargets.value(), config.architecture, tags);
    if (!train)
        return fail(sub, train.error());
    TrainingExamples val;
    if (!valFiles.isEmpty()) {
        auto valTargets = cachedFor(valFiles, cache, sub);
        if (!valTargets)
            return fail(sub, valTargets.error());
        auto v = Distillation::examples(valTargets.value(), config.architecture, tags);
        if (!v)
            return fail(sub, v.error());
        val = v.value();
        config.validationSource = tr("the files of %1").arg(QFileInfo(parser.value(valOption)).fileName());
    }
    for (const QString &w : train->warnings + val.warnings)
        errStream() << tr("warning: ") << w << "\n";
    if (!quiet)
        errStream() << tr("%1: %2 training windows (%3 tracks), %4 validation windows; features in %5 s\n")
                           .arg(config.architecture)
                           .arg(train->count())
                           .arg(Trainer::trackCount(train.value()))
                           .arg(val.count())
                           .arg(clock.elapsed() / 1000.0, 0, 'f', 1)
                    << Qt::flush;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QElapsedTimer throttle;
    throttle.start();
    qint64 last = -100000;
    auto report = [&](const TrainingProgress &p) {
        if (quiet)
            return;
        if (p.epochDone) {
            errStream() << tr("epoch %1/%2  train loss %3  validation loss %4  (%5 s)\n")
                               .arg(p.epoch)
                               .arg(p.epochs)
                               .arg(p.trainLoss, 0, 'f', 5)
                               .arg(p.valLoss, 0, 'f', 5)
                               .arg(p.seconds, 0, 'f', 1)
                        << Qt::flush;
        } else if (throttle.elapsed() - last >= 30000) {
            last = throttle.elapsed();
            errStream() << tr("epoch %1/%2  batch %3/%4  loss %5  (%6 s)\n")
                               .arg(p.epoch)
                               .arg(p.epochs)
                               .arg(p.batch)
                               .arg(p.batches)
                               .arg(p.trainLoss, 0, 'f', 5)
                               .arg(p.seconds, 0, 'f', 1)
                        << Qt::flush;
        }
    };
    auto result = Trainer::train(config, train.value(), val, report, &g_cancel);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!result)
        return fail(sub, result.error());
    QJsonObject training = result->manifest.training;
    training.insert(QStringLiteral("teacher"), trainTargets->constFirst().teacher);
    training.insert(QStringLiteral("distillation"), tr("%1 tracks of unlabelled audio, windows every %2 samples")
                                                         .arg(trainTargets->size())
                                                         .arg(trainTargets->constFirst().hopSamples));
    result->manifest.training = training;
    const Status written = result->writeBundle(bundle);
    if (!written)
        return fail(sub, written.error());
    QTextStream(stdout) << tr("Wrote %1 (%2, %3 tags): %4 epochs in %5 s (%6 s with features), validation loss %7\n")
                               .arg(bundle, result->manifest.architecture)
                               .arg(result->manifest.tags.size())
                               .arg(result->epochsRun)
                               .arg(result->seconds, 0, 'f', 1)
                               .arg(clock.elapsed() / 1000.0, 0, 'f', 1)
                               .arg(result->bestValLoss, 0, 'f', 5);
    return result->cancelled ? 1 : 0;
}

int runAgree(const QStringList &args)
{
    const QString sub = QStringLiteral("agree");
    const QString cmd = kCommand + QLatin1Char(' ') + sub;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Compares a student with its teacher on the files of a list: per-tag Pearson correlation of 3 s segment "
           "probabilities (mean over the tags whose teacher output varies), song-level top-5 agreement, and the "
           "inference time of each."));
    parser.addHelpOption();
    const QCommandLineOption teacherOption(QStringLiteral("teacher"), tr("teacher bundle"), QStringLiteral("BUNDLE"));
    const QCommandLineOption studentOption(QStringLiteral("student"), tr("student bundle or name"), QStringLiteral("BUNDLE"));
    const QCommandLineOption filesOption(QStringLiteral("files"), tr("list of audio files"), QStringLiteral("LIST"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), tr("write the figures as JSON"), QStringLiteral("FILE"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"), tr("CPU threads (default 1)"), QStringLiteral("N"),
                                           QStringLiteral("1"));
    const QCommandLineOption stdOption(QStringLiteral("min-std"), tr("a tag varies when the teacher's std is at least X (default 0.03)"),
                                       QStringLiteral("X"), QStringLiteral("0.03"));
    const QCommandLineOption teacherCacheOption(QStringLiteral("teacher-cache"),
                                                tr("teacher outputs cached by 'distill targets --hop 48000' (used where present)"),
                                                QStringLiteral("DIR"));
    parser.addOptions({teacherOption, studentOption, filesOption, jsonOption, threadsOption, stdOption, teacherCacheOption});
    if (const auto done = parseCommandLine(parser, cmd, args))
        return *done;
    if (!parser.isSet(teacherOption) || !parser.isSet(studentOption) || !parser.isSet(filesOption))
        return usageError(cmd, tr("--teacher, --student and --files are required."));
    int threads = 1;
    double minStd = 0.03;
    if (auto bad = readNumber(parser, threadsOption, {1, 1024}, threads, cmd))
        return *bad;
    if (auto bad = readNumber(parser, stdOption, {0.0, 1.0}, minStd, cmd))
        return *bad;
    auto files = Distillation::readFileList(parser.value(filesOption));
    if (!files)
        return fail(sub, files.error());
    configureTorchThreads(threads);
    auto teacher = loadTagger(parser.value(teacherOption), tr("teacher"));
    if (!teacher)
        return fail(sub, teacher.error());
    auto student = loadTagger(parser.value(studentOption), tr("student"));
    if (!student)
        return fail(sub, student.error());
    auto report = DistillAgreement::measure(*teacher.value(), *student.value(), files.value(),
                                            DistillAgreement::kSegmentSamples, minStd, {},
                                            parser.value(teacherCacheOption));
    if (!report)
        return fail(sub, report.error());
    QTextStream out(stdout);
    out << tr("%1 tracks, %2 segments of 3 s, %3 s of audio\n")
               .arg(report->tracks.size())
               .arg(report->segments)
               .arg(report->audioSeconds, 0, 'f', 0);
    out << QStringLiteral("%1 %2 %3 %4 %5\n")
               .arg(tr("tag"), -28)
               .arg(tr("pearson"), 8)
               .arg(tr("t.std"), 7)
               .arg(tr("t.mean"), 7)
               .arg(tr("s.mean"), 7);
    QJsonArray perTag;
    for (const auto &t : report->tags) {
        out << QStringLiteral("%1 %2 %3 %4 %5%6\n")
                   .arg(t.tag, -28)
                   .arg(t.pearson, 8, 'f', 3)
                   .arg(t.teacherStd, 7, 'f', 3)
                   .arg(t.teacherMean, 7, 'f', 3)
                   .arg(t.studentMean, 7, 'f', 3)
                   .arg(t.varies ? QString() : tr("  (does not vary)"));
        QJsonObject o;
        o.insert(QStringLiteral("tag"), t.tag);
        o.insert(QStringLiteral("pearson"), std::isnan(t.pearson) ? QJsonValue() : QJsonValue(t.pearson));
        o.insert(QStringLiteral("teacher_std"), t.teacherStd);
        o.insert(QStringLiteral("teacher_mean"), t.teacherMean);
        o.insert(QStringLiteral("student_mean"), t.studentMean);
        o.insert(QStringLiteral("varies"), t.varies);
        perTag.append(o);
    }
    const double speed = report->studentSeconds > 0 ? report->teacherSeconds / report->studentSeconds : 0.0;
    out << tr("mean Pearson over the %1 varying tags (teacher std >= %2): %3\n")
               .arg(report->varyingTags)
               .arg(minStd)
               .arg(report->meanPearson, 0, 'f', 4);
    out << tr("song-level top-5 agreement: %1 of 5 on average\n").arg(report->meanTop5Overlap, 0, 'f', 3);
    if (report->teacherCached > 0)
        out << tr("teacher outputs of %1 tracks read from the cache (not timed)\n").arg(report->teacherCached);
    if (report->teacherCached > 0) {
        // The teacher was not timed on every track: no speed ratio to state.
        out << tr("inference: student %1 s (%2 thread(s)); no speed ratio, the teacher was not timed on every track\n")
                   .arg(report->studentSeconds, 0, 'f', 2)
                   .arg(threads);
    } else {
        out << tr("inference: teacher %1 s, student %2 s (student %3x faster, %4 thread(s))\n")
                   .arg(report->teacherSeconds, 0, 'f', 2)
                   .arg(report->studentSeconds, 0, 'f', 2)
                   .arg(speed, 0, 'f', 2)
                   .arg(threads);
    }
    if (parser.isSet(jsonOption)) {
        QJsonObject o;
        o.insert(QStringLiteral("tracks"), int(report->tracks.size()));
        o.insert(QStringLiteral("segments"), report->segments);
        o.insert(QStringLiteral("audio_seconds"), report->audioSeconds);
        o.insert(QStringLiteral("varying_tags"), report->varyingTags);
        o.insert(QStringLiteral("mean_pearson"), report->meanPearson);
        o.insert(QStringLiteral("mean_top5_overlap"), report->meanTop5Overlap);
        o.insert(QStringLiteral("teacher_seconds"), report->teacherSeconds);
        o.insert(QStringLiteral("student_seconds"), report->studentSeconds);
        o.insert(QStringLiteral("per_tag"), perTag);
        QJsonArray perTrack;
        for (int i = 0; i < report->tracks.size(); ++i)
            perTrack.append(QJsonObject{{QStringLiteral("track"), report->tracks.at(i)},
                                        {QStringLiteral("top5_overlap"), report->top5Overlap[size_t(i)]}});
        o.insert(QStringLiteral("per_track"), perTrack);
        QFile file(parser.value(jsonOption));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(QJsonDocument(o).toJson()) < 0)
            return fail(sub, tr("%1 could not be written: %2").arg(parser.value(jsonOption), file.errorString()));
    }
    return 0;
}

} // namespace

int runDistill(const QStringList &args)
{
    const QString usage = tr("Usage: taglane-cli distill targets|train|agree [options]\n"
                             "  targets  run the teacher over unlabelled audio and cache its outputs\n"
                             "  train    train a student on the cached outputs (soft targets)\n"
                             "  agree    compare a student with its teacher (Pearson, top-5, speed)\n");
    if (args.isEmpty()) {
        errStream() << usage;
        return 2;
    }
    const QString word = args.first();
    if (word == QLatin1String("targets"))
        return runTargets(args.mid(1));
    if (word == QLatin1String("train"))
        return runDistillTrain(args.mid(1));
    if (word == QLatin1String("agree"))
        return runAgree(args.mid(1));
    if (word == QLatin1String("-h") || word == QLatin1String("--help")) {
        QTextStream(stdout) << usage;
        return 0;
    }
    errStream() << tr("taglane-cli distill: unknown step '%1'\n").arg(word) << usage;
    return 2;
}

} // namespace taglane::app
