// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commandline.h"
#include "app/cli/commands.h"
#include "app/cli/modelname.h"

#include "engine/eval/metricsreport.h"
#include "engine/formats/atomicwrite.h"
#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"
#include "engine/store/storelocation.h"
#include "engine/train/retrainer.h"
#include "widgets/models/modelfolders.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>
#include <limits>

namespace taglane::app {

namespace {

using namespace taglane::engine;

const QString kCommand = QStringLiteral("taglane-cli retrain");

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

QString cell(double v)
{
    return std::isfinite(v) ? QString::number(v, 'f', 3) : QStringLiteral("  -  ");
}

QString delta(double before, double after)
{
    return std::isfinite(before) && std::isfinite(after) ? QString::asprintf("%+.3f", after - before) : QStringLiteral("  -  ");
}

QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

QJsonObject reportJson(const MetricsReport &r, const Vocabulary &tags)
{
    QJsonObject o;
    QJsonObject macro;
    macro.insert(QStringLiteral("roc_auc"), number(r.macroRocAuc));
    macro.insert(QStringLiteral("pr_auc"), number(r.meanAveragePrecision));
    macro.insert(QStringLiteral("f1"), number(r.macroF1));
    o.insert(QStringLiteral("macro"), macro);
    QJsonObject micro;
    micro.insert(QStringLiteral("roc_auc"), number(r.microRocAuc));
    micro.insert(QStringLiteral("f1"), number(r.microF1));
    o.insert(QStringLiteral("micro"), micro);
    QJsonObject perTag;
    for (size_t t = 0; t < r.perTag.size() && int(t) < tags.size(); ++t) {
        const TagMetrics &m = r.perTag[t];
        QJsonObject e;
        e.insert(QStringLiteral("roc_auc"), number(m.rocAuc));
        e.insert(QStringLiteral("pr_auc"), number(m.averagePrecision));
        e.insert(QStringLiteral("f1"), number(m.f1));
        e.insert(QStringLiteral("positives"), m.positives);
        e.insert(QStringLiteral("known"), m.known);
        perTag.insert(tags.at(int(t)).name, e);
    }
    o.insert(QStringLiteral("per_tag"), perTag);
    return o;
}

} // namespace

int runRetrain(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Retrains a model on the curated verdicts of an annotation store (present/absent per segment and tag), "
           "holding out part of the curated segments, and prints the held-out metrics before and after. Tags the "
           "store has verdicts for and the model lacks are added to the model."));
    parser.addHelpOption();
    const QCommandLineOption storeOption(QStringLiteral("store"), tr("annotation store (read only): an SQLite file or a postgresql:// URI"), QStringLiteral("STORE"));
    const QCommandLineOption modelOption(QStringLiteral("model"), tr("base model: a bundle folder, or a bundled model's name (default, instruments); default: default"),
                                         QStringLiteral("BUNDLE"));
    const QCommandLineOption outOption(QStringLiteral("out"), tr("new model bundle folder (must not exist)"), QStringLiteral("BUNDLE"));
    const QCommandLineOption tracksOption(QStringLiteral("tracks"), tr("only these tracks: store ids or audio paths, comma separated"),
                                          QStringLiteral("SEL,..."));
    const QCommandLineOption holdOutOption(QStringLiteral("holdout"), tr("share of the curated segments held out (default 0.25)"),
                                           QStringLiteral("F"), QStringLiteral("0.25"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), tr("write the before/after metrics as JSON"), QStringLiteral("OUT"));
    const QCommandLineOption nameOption(QStringLiteral("name"), tr("name of the new model"), QStringLiteral("NAME"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), tr("seed of the hold-out draw (default 1)"), QStringLiteral("N"),
                                        QStringLiteral("1"));
    const QCommandLineOption epochsOption(QStringLiteral("epochs"), tr("epochs (default: the retrainer's)"), QStringLiteral("N"),
                                          QStringLiteral("0"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"), tr("CPU threads (default: all)"), QStringLiteral("N"),
                                           QStringLiteral("0"));
    const QCommandLineOption quietOption(QStringLiteral("quiet"), tr("no progress on stderr"));
    parser.addOptions({storeOption, modelOption, outOption, tracksOption, holdOutOption, jsonOption, nameOption, seedOption,
                       epochsOption, threadsOption, quietOption});
    if (const auto done = parseCommandLine(parser, kCommand, args))
        return *done;
    if (!parser.isSet(storeOption))
        return usageError(kCommand, tr("--store STORE is required."));
    if (!parser.isSet(outOption))
        return usageError(kCommand, tr("--out BUNDLE is required."));
    double holdOut = 0.25;
    if (auto bad = readNumber(parser, holdOutOption, {0.0, 1.0, false, true}, holdOut, kCommand))
        return *bad;
    quint64 seed = 1;
    if (auto bad = readNumber(parser, seedOption, {quint64(0), std::numeric_limits<quint64>::max()}, seed, kCommand))
        return *bad;
    int epochs = 0;
    if (auto bad = readNumber(parser, epochsOption, {0, 10000}, epochs, kCommand))
        return *bad;
    int threads = 0;
    if (auto bad = readNumber(parser, threadsOption, {0, 1024}, threads, kCommand))
        return *bad;
    bool ok = false;
    QString model = resolveModelArgument(parser.value(modelOption));
    if (model.isEmpty()) {
        model = widgets::ModelFolders::bundledDefault();
        if (model.isEmpty())
            return usageError(kCommand, tr("no --model was given and the default model (default.tlmodel) was not found."));
    }
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QString out_ = parser.value(outOption);
    if (QFileInfo::exists(out_)) {
        err << kCommand << ": " << tr("%1 already exists; choose a new folder for the retrained model.").arg(out_) << "\n";
        return 1;
    }
    const QString storePath = parser.value(storeOption);
    if (!StoreLocation::isPostgresUri(storePath) && !QFileInfo::exists(storePath)) {
        err << kCommand << ": " << tr("the store %1 does not exist.").arg(storePath) << "\n";
        return 1;
    }

    AnnotationStore store;
    auto opened = store.open(storePath, AnnotationStore::OpenMode::ReadOnly);
    if (!opened) {
        err << kCommand << ": " << opened.error() << "\n";
        return 1;
    }
    QVector<qint64> ids;
    for (const QString &sel : parser.value(tracksOption).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qint64 id = sel.trimmed().toLongLong(&ok);
        if (ok) {
            ids << id;
            continue;
        }
        const auto track = store.findTrackByPath(QFileInfo(sel.trimmed()).absoluteFilePath());
        if (!track) {
            err << kCommand << ": " << tr("the store %1 has no track %2.").arg(StoreLocation::redacted(storePath), sel) << "\n";
            return 1;
        }
        ids << track->id;
    }
    auto curated = Retrainer::curatedFromStore(store, ids);
    if (!curated) {
        err << kCommand << ": " << curated.error() << "\n";
        return 1;
    }
    if (curated->isEmpty()) {
        // Say what the store holds: "0 tracks given" would hide the tracks it has.
        int held = ids.size();
        if (ids.isEmpty()) {
            auto rows = store.librarySummary();
            held = rows ? int(rows->size()) : 0;
        }
        err << kCommand << ": "
            << (ids.isEmpty() ? tr("the store %1 holds %2 track(s), but none has a curated verdict (a tag marked present "
                                   "or absent in a segment); curate some segments first.")
                              : tr("none of the %2 track(s) chosen with --tracks in the store %1 has a curated verdict (a "
                                   "tag marked present or absent in a segment); curate some segments first."))
                   .arg(storePath)
                   .arg(held)
            << "\n";
        return 1;
    }
    store.close();

    RetrainRequest request;
    request.baseBundle = model;
    request.curated = curated.value();
    request.outputFolder = out_;
    request.modelName = parser.value(nameOption);
    request.holdOutFraction = holdOut;
    request.seed = seed;
    request.threads = threads;
    request.epochs = epochs;
    const bool quiet = parser.isSet(quietOption);
    auto outcome = Retrainer::run(request, [&](const TrainingProgress &p) {
        if (quiet)
            return;
        if (p.epoch == 0)
            err << tr("embedding track %1/%2").arg(p.batch).arg(p.batches) << "\n";
        else if (p.epochDone)
            err << tr("epoch %1/%2: loss %3, held-out loss %4").arg(p.epoch).arg(p.epochs).arg(p.trainLoss, 0, 'f', 4).arg(cell(p.valLoss))
                << "\n";
        err.flush();
    });
    if (!outcome) {
        err << kCommand << ": " << outcome.error() << "\n";
        return 1;
    }
    for (const QString &w : outcome->warnings)
        err << tr("warning: ") << w << "\n";
    const RetrainOutcome &o = outcome.value();
    out << tr("Retrained %1 on %2 curated tracks: %3 segments trained on, %4 held out; %5 s")
               .arg(model)
               .arg(request.curated.size())
               .arg(o.trainSegments)
               .arg(o.heldOutSegments)
               .arg(o.seconds, 0, 'f', 1)
        << "\n";
    if (!o.newTags.isEmpty())
        out << tr("New tags: %1").arg(o.newTags.join(QStringLiteral(", "))) << "\n";
    out << tr("New model: %1 (version %2, parent %3)").arg(o.bundleFolder, o.manifest.version, o.manifest.parentVersion) << "\n";
    out << QStringLiteral("%1  %2  %3  %4  %5\n")
               .arg(tr("held-out ROC-AUC"), -36)
               .arg(tr("before"), 7)
               .arg(tr("after"), 7)
               .arg(tr("change"), 7)
               .arg(QStringLiteral("pos/n"), 9);
    for (int t = 0; t < o.tags.size(); ++t) {
        const TagMetrics &b = o.before.perTag.size() > size_t(t) ? o.before.perTag[size_t(t)] : TagMetrics();
        const TagMetrics &a = o.after.perTag.size() > size_t(t) ? o.after.perTag[size_t(t)] : TagMetrics();
        out << QStringLiteral("%1  %2  %3  %4  %5\n")
                   .arg(o.tags.at(t).name, -36)
                   .arg(cell(b.rocAuc), 7)
                   .arg(cell(a.rocAuc), 7)
                   .arg(delta(b.rocAuc, a.rocAuc), 7)
                   .arg(QStringLiteral("%1/%2").arg(a.positives).arg(a.known), 9);
    }
    out << QStringLiteral("%1  %2  %3  %4\n")
               .arg(tr("macro ROC-AUC"), -36)
               .arg(cell(o.before.macroRocAuc), 7)
               .arg(cell(o.after.macroRocAuc), 7)
               .arg(delta(o.before.macroRocAuc, o.after.macroRocAuc), 7);
    out << QStringLiteral("%1  %2  %3  %4\n")
               .arg(tr("macro F1"), -36)
               .arg(cell(o.before.macroF1), 7)
               .arg(cell(o.after.macroF1), 7)
               .arg(delta(o.before.macroF1, o.after.macroF1), 7);
    if (o.cancelled)
        out << tr("(cancelled: the weights of the last finished epoch were kept)") << "\n";
    out.flush();

    if (parser.isSet(jsonOption)) {
        QJsonObject root;
        root.insert(QStringLiteral("base"), model);
        root.insert(QStringLiteral("model"), o.bundleFolder);
        root.insert(QStringLiteral("version"), o.manifest.version);
        root.insert(QStringLiteral("parent_version"), o.manifest.parentVersion);
        root.insert(QStringLiteral("curated_tracks"), request.curated.size());
        root.insert(QStringLiteral("train_segments"), o.trainSegments);
        root.insert(QStringLiteral("held_out_segments"), o.heldOutSegments);
        root.insert(QStringLiteral("new_tags"), QJsonArray::fromStringList(o.newTags));
        root.insert(QStringLiteral("seconds"), o.seconds);
        root.insert(QStringLiteral("before"), reportJson(o.before, o.tags));
        root.insert(QStringLiteral("after"), reportJson(o.after, o.tags));
        const Status written = AtomicWrite::write(parser.value(jsonOption), QJsonDocument(root).toJson());
        if (!written) {
            err << kCommand << ": " << written.error() << "\n";
            return 1;
        }
    }
    return 0;
}

} // namespace taglane::app
