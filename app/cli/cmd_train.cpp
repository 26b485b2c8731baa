// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commandline.h"
#include "app/cli/commands.h"

#include "engine/model/modelbundle.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
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

const QString kCommand = QStringLiteral("taglane-cli train");

int usageError(const QString &message)
{
    return taglane::app::usageError(kCommand, message);
}

/// Why path cannot be read as a labelled folder (what names the role, e.g.
/// "training folder"); empty when it is a folder.
QString folderProblem(const QString &path, const QString &what)
{
    const QFileInfo info(path);
    if (!info.exists())
        return tr("the %1 %2 does not exist.").arg(what, path);
    if (!info.isDir())
        return tr("%1 is a file, not a folder: the %2 must be a folder of audio files with CAL500exp CSVs.").arg(path, what);
    return {};
}

} // namespace

int runTrain(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Trains a tagging model on a folder of audio with CAL500exp CSVs (the synth-corpus layout) and writes a "
           "model bundle. Labels are partial: empty CSV cells are left out of the loss. Ctrl+C stops after the "
           "current batch and keeps the best epoch so far."));
    parser.addHelpOption();
    const QCommandLineOption dataOption(QStringLiteral("data"), tr("training folder"), QStringLiteral("DIR"));
    const QCommandLineOption valOption(QStringLiteral("val-data"),
                                       tr("validation folder (default: 15% of the training tracks)"), QStringLiteral("DIR"));
    const QCommandLineOption archOption(QStringLiteral("arch"), tr("default, tvcnn, tvcnn-lstm, scatter-gru, scatter-lstm, scatter-cnn, cnn-sam, fusion-linear, mia-ernn, "
                                           "mia-ernn-af, mia-ernn-se, mia-ernn-am, mia-ernn-et or mat-gru (default: default)"),
                                        QStringLiteral("NAME"), QStringLiteral("default"));
    const QCommandLineOption outOption(QStringLiteral("out"), tr("output bundle folder (NAME.tlmodel)"), QStringLiteral("BUNDLE"));
    const QCommandLineOption epochsOption(QStringLiteral("epochs"), tr("maximum epochs (default 20)"), QStringLiteral("N"),
                                          QStringLiteral("20"));
    const QCommandLineOption batchOption(QStringLiteral("batch"), tr("batch size (default 32)"), QStringLiteral("N"),
                                         QStringLiteral("32"));
    const QCommandLineOption lrOption(QStringLiteral("lr"), tr("Adam learning rate (default 0.001)"), QStringLiteral("X"),
                                      QStringLiteral("0.001"));
    const QCommandLineOption alphaOption(QStringLiteral("alpha"), tr("positive-penalty weight, >= 1 (default 1)"),
                                         QStringLiteral("X"), QStringLiteral("1"));
    const QCommandLineOption penaltyOption(
        QStringLiteral("attention-penalty"),
        tr("cnn-sam: weight W of the attention penalty W ||AA^T - I||_F^2 added to the loss (default 0 = off)"),
        QStringLiteral("W"), QStringLiteral("0"));
    const QCommandLineOption dropFramesOption(
        QStringLiteral("drop-frames"),
        tr("mia-ernn kinds and mat-gru: fraction F of feature frames removed as missing, in training and (stored "
           "in the bundle, a fixed draw) at inference; 0 <= F < 1 (default 0)"),
        QStringLiteral("F"), QStringLiteral("0"));
    const QCommandLineOption flipOption(QStringLiteral("flip-labels"),
                                        tr("label noise: flip each known training label with probability P, 0..0.5 "
                                           "(default 0; validation labels are never flipped)"),
                                        QStringLiteral("P"), QStringLiteral("0"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), tr("random seed (default 1)"), QStringLiteral("N"),
                                        QStringLiteral("1"));
    const QCommandLineOption patienceOption(QStringLiteral("patience"),
                                            tr("early stopping: epochs without a better validation loss (default 3; 0 = off)"),
                                            QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption initOption(QStringLiteral("init"), tr("fine-tune from this bundle"), QStringLiteral("BUNDLE"));
    const QCommandLineOption resumeOption(QStringLiteral("resume"), tr("continue from this checkpoint"),
                                          QStringLiteral("CHECKPOINT"));
    const QCommandLineOption checkpointOption(QStringLiteral("checkpoint"),
                                              tr("checkpoint written after every epoch (default: BUNDLE.ckpt)"),
                                              QStringLiteral("FILE"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"), tr("CPU threads (default 0 = all)"),
                                           QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption nameOption(QStringLiteral("name"), tr("model name in the manifest"), QStringLiteral("TEXT"));
    const QCommandLineOption quietOption(QStringLiteral("quiet"), tr("no progress display"));
    const QCommandLineOption cosineOption(QStringLiteral("cosine"),
                                          tr("let the learning rate fall from --lr to 0 along a half cosine over --epochs"));
    const QCommandLineOption windowsOption(
        QStringLiteral("windows"),
        tr("where the training windows go: 'fixed' (every half window along each track) or 'novelty' (inside the "
           "segments self-similarity novelty finds, never across their boundaries). Default: fixed"),
        QStringLiteral("fixed|novelty"), QStringLiteral("fixed"));
    parser.addOptions({dataOption, valOption, archOption, outOption, epochsOption, batchOption, lrOption, alphaOption,
                       penaltyOption, dropFramesOption, flipOption, seedOption, patienceOption, initOption, resumeOption, checkpointOption, threadsOption, nameOption,
                       quietOption, cosineOption, windowsOption});
    if (const auto done = parseCommandLine(parser, kCommand, args))
        return *done;
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!parser.isSet(dataOption))
        return usageError(tr("--data DIR is required."));
    if (!parser.isSet(outOption))
        return usageError(tr("--out BUNDLE is required."));

    const auto windows = ExampleBuilder::parseWindows(parser.value(windowsOption));
    if (!windows)
        return usageError(windows.error());
    TrainingConfig config;
    config.architecture = ExampleBuilder::resolveArchitecture(parser.value(archOption));
    if (config.architecture.isEmpty())
        return usageError(tr("unknown architecture \"%1\" (known: default, tvcnn, tvcnn-lstm, scatter-gru, scatter-lstm, scatter-cnn, cnn-sam, fusion-linear, mia-ernn, mia-ernn-af, mia-ernn-se, mia-ernn-am, mia-ernn-et, mat-gru).").arg(parser.value(archOption)));
    if (auto bad = readNumber(parser, epochsOption, {1, 100000}, config.epochs, kCommand))
        return *bad;
    if (auto bad = readNumber(parser, batchOption, {1, 65536}, config.batchSize, kCommand))
        return *bad;
    if (auto bad = readNumber(parser, lrOption, {0.0, 10.0, true}, config.learningRate, kCommand))
        return *bad;
    if (auto bad = readNumber(parser, alphaOption, {1.0, 1000.0}, config.alpha, kCommand))
        return *bad;
    if (auto bad = readNumber(parser, penaltyOption, {0.0, 1000.0}, config.attentionPenalty, kCommand))
        return *bad;
    if (config.attentionPenalty > 0.0 && config.architecture != QLatin1String("cnn-sam"))
        return usageError(tr("--attention-penalty applies only to --arch cnn-sam."));
    if (auto bad = readNumber(parser, dropFramesOption, {0.0, 0.99}, config.dropFrames, kCommand))
        return *bad;
    if (config.dropFrames > 0.0 && !config.architecture.startsWith(QLatin1String("mia-ernn"))
        && config.architecture != QLatin1String("mat-gru"))
        return usageError(tr("--drop-frames applies only to the mia-ernn architectures and mat-gru."));
    if (auto bad = readNumber(parser, flipOption, {0.0, 0.5}, config.flipLabels, kCommand))
        return *bad;
    if (auto bad = readNumber(parser, seedOption, {quint64(0), std::numeric_limits<quint64>::max()}, config.seed, kCommand))
        return *bad;
    if (auto bad = readNumber(parser, patienceOption, {0, 100000}, config.patience, kCommand))
        return *bad;
    if (auto bad = readNumber(parser, threadsOption, {0, 1024}, config.threads, kCommand))
        return *bad;
    config.initBundle = parser.value(initOption);
    config.resumeFrom = parser.value(resumeOption);
    config.modelName = parser.value(nameOption);
    config.cosineDecay = parser.isSet(cosineOption);
    const QString bundle = parser.value(outOption);
    config.checkpointPath = parser.isSet(checkpointOption) ? parser.value(checkpointOption)
                                                           : QFileInfo(bundle).absoluteFilePath() + QStringLiteral(".ckpt");
    const bool quiet = parser.isSet(quietOption);

    // Everything that can be checked before the (slow) feature extraction.
    if (QFileInfo::exists(bundle)) {
        err << kCommand << ": " << tr("%1 already exists; choose a new folder for the trained model.").arg(bundle) << "\n";
        return 1;
    }
    const QString data = parser.value(dataOption);
    if (const QString problem = folderProblem(data, tr("training folder")); !problem.isEmpty()) {
        err << kCommand << ": " << problem << "\n";
        return 1;
    }
    if (parser.isSet(valOption)) {
        if (const QString problem = folderProblem(parser.value(valOption), tr("validation folder")); !problem.isEmpty()) {
            err << kCommand << ": " << problem << "\n";
            return 1;
        }
    }
    if (!config.resumeFrom.isEmpty()) {
        const QFileInfo checkpoint(config.resumeFrom);
        if (!checkpoint.exists()) {
            err << kCommand << ": " << tr("the checkpoint %1 (--resume) does not exist.").arg(config.resumeFrom) << "\n";
            return 1;
        }
        if (!checkpoint.isFile()) {
            err << kCommand << ": " << tr("the checkpoint %1 (--resume) is not a file.").arg(config.resumeFrom) << "\n";
            return 1;
        }
    }

    // The tag order: the init bundle's tags first (so its outputs keep their
    // rows), then new tags of the data in first-seen order.
    Vocabulary tags;
    if (!config.initBundle.isEmpty()) {
        auto init = ModelBundle::open(config.initBundle);
        if (!init) {
            err << "taglane-cli train: " << init.error() << "\n";
            return 2;
        }
        tags = init->manifest().tags;
    }

    QElapsedTimer clock;
    clock.start();
    if (!quiet)
        err << tr("Reading %1 ...").arg(data) << "\n" << Qt::flush;
    auto all = ExampleBuilder::fromFolder(data, config.architecture, {}, 0, {}, windows.value());
    if (!all) {
        err << "taglane-cli train: " << all.error() << "\n";
        return 1;
    }
    if (!tags.isEmpty()) {
        QVector<Tag> merged = tags.tags();
        for (const Tag &t : all->tags.tags())
            if (tags.indexOf(t.name) < 0)
                merged << t;
        tags = Vocabulary(merged);
        all = ExampleBuilder::fromFolder(data, config.architecture, tags, 0, {}, windows.value());
        if (!all) {
            err << "taglane-cli train: " << all.error() << "\n";
            return 1;
        }
    }
    for (const QString &w : all->warnings)
        err << tr("warning: ") << w << "\n";
    TrainingExamples train, val;
    if (parser.isSet(valOption)) {
        train = all.value();
        auto v = ExampleBuilder::fromFolder(parser.value(valOption), config.architecture, train.tags, 0, {}, windows.value());
        if (!v) {
            err << "taglane-cli train: " << v.error() << "\n";
            return 1;
        }
        val = v.value();
        config.validationSource = tr("the separate folder %1").arg(QFileInfo(parser.value(valOption)).fileName());
    } else {
        // Validation tracks are held out of the training folder, never shared with training.
        const int tracks = Trainer::trackCount(all.value());
        if (tracks < 2) {
            err << kCommand << ": "
                << tr("%1 holds %2 usable track(s); at least 2 are needed to hold tracks out for validation. Give a "
                      "validation folder with --val-data.")
                       .arg(data)
                       .arg(tracks)
                << "\n";
            return 1;
        }
        Trainer::splitByTrack(all.value(), config.validationFraction, config.seed, train, val);
        config.validationSource = tr("%1 of the %2 tracks of the training folder, held out (drawn from seed %3)")
                                      .arg(Trainer::trackCount(val))
                                      .arg(tracks)
                                      .arg(config.seed);
    }
    if (!quiet) {
        err << tr("%1: %2 training examples (%3 tracks), %4 validation examples (%5 tracks), %6 tags; features in %7 s")
                   .arg(config.architecture)
                   .arg(train.count())
                   .arg(Trainer::trackCount(train))
                   .arg(val.count())
                   .arg(Trainer::trackCount(val))
                   .arg(train.tags.size())
                   .arg(clock.elapsed() / 1000.0, 0, 'f', 1)
            << "\n"
            << Qt::flush;
    }

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    qint64 lastReport = -1000;
    QElapsedTimer throttle;
    throttle.start();
    auto report = [&](const TrainingProgress &p) {
        if (quiet)
            return;
        if (p.epochDone) {
            err << "\r" << tr("epoch %1/%2  train loss %3  validation loss %4  (%5 s)")
                               .arg(p.epoch)
                               .arg(p.epochs)
                               .arg(p.trainLoss, 0, 'f', 4)
                               .arg(p.valLoss, 0, 'f', 4)
                               .arg(p.seconds, 0, 'f', 1)
                << "\n"
                << Qt::flush;
        } else if (throttle.elapsed() - lastReport >= 500) {
            lastReport = throttle.elapsed();
            err << "\r" << tr("epoch %1/%2  batch %3/%4  loss %5")
                               .arg(p.epoch)
                               .arg(p.epochs)
                               .arg(p.batch)
                               .arg(p.batches)
                               .arg(p.trainLoss, 0, 'f', 4)
                << Qt::flush;
        }
    };
    auto result = Trainer::train(config, train, val, report, &g_cancel);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!result) {
        err << "taglane-cli train: " << result.error() << "\n";
        return 1;
    }
    const Status written = result->writeBundle(bundle);
    if (!written) {
        err << "taglane-cli train: " << written.error() << "\n";
        return 1;
    }
    out << tr("Wrote %1 (%2, %3 tags): %4 epochs in %5 s, best epoch %6 with validation loss %7%8")
               .arg(bundle, result->manifest.architecture)
               .arg(result->manifest.tags.size())
               .arg(result->epochsRun)
               .arg(result->seconds, 0, 'f', 1)
               .arg(result->bestEpoch)
               .arg(result->bestValLoss, 0, 'f', 4)
               .arg(result->cancelled ? tr(" (stopped by the user)") : result->stoppedEarly ? tr(" (early stop)") : QString())
        << "\n";
    return result->cancelled ? 1 : 0;
}

} // namespace taglane::app
