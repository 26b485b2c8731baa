// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commandline.h"
#include "app/cli/commands.h"
#include "app/cli/modelname.h"

#include "engine/eval/metrics.h"
#include "engine/formats/atomicwrite.h"
#include "engine/model/modelbundle.h"
#include "engine/train/modelevaluator.h"
#include "widgets/evaluation/evaluationplot.h"
#include "widgets/models/modelfolders.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTextStream>

#include <algorithm>
#include <cmath>

namespace taglane::app {

namespace {

using namespace taglane::engine;

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

const QString kCommand = QStringLiteral("taglane-cli evaluate");

int usageError(const QString &message)
{
    return taglane::app::usageError(kCommand, message);
}

QString cell(double v)
{
    return std::isfinite(v) ? QString::number(v, 'f', 3) : QStringLiteral("  -  ");
}

bool writePlots(const ModelEvaluation &ev, const QString &dir, QTextStream &err)
{
    if (!QDir().mkpath(dir)) {
        err << "taglane-cli evaluate: " << tr("the folder %1 could not be created.").arg(dir) << "\n";
        return false;
    }
    const int n = ev.input.tags;
    for (auto kind : {widgets::EvaluationPlot::Kind::Roc, widgets::EvaluationPlot::Kind::PrecisionRecall}) {
        const bool roc = kind == widgets::EvaluationPlot::Kind::Roc;
        QVector<widgets::EvaluationPlot::Curve> curves;
        for (int t = 0; t < n; ++t) {
            const TagMetrics &m = ev.report.perTag[size_t(t)];
            auto points = roc ? Metrics::rocCurve(ev.input, t) : Metrics::precisionRecallCurve(ev.input, t);
            if (points.empty())
                continue;
            curves.push_back({QStringLiteral("%1 (%2)").arg(ev.manifest.tags.at(t).name,
                                                            cell(roc ? m.rocAuc : m.averagePrecision)),
                              points});
        }
        auto micro = roc ? Metrics::rocCurve(ev.input, -1) : Metrics::precisionRecallCurve(ev.input, -1);
        widgets::EvaluationPlot plot(kind);
        plot.setTitle(roc ? tr("ROC per tag - %1 (macro AUC %2)").arg(ev.manifest.name, cell(ev.report.macroRocAuc))
                          : tr("Precision-recall per tag - %1 (MAP %2)").arg(ev.manifest.name, cell(ev.report.meanAveragePrecision)));
        plot.setCurves(curves);
        const QString path = QDir(dir).filePath(roc ? QStringLiteral("roc.png") : QStringLiteral("pr.png"));
        if (!plot.savePng(path, 1000, 800)) {
            err << "taglane-cli evaluate: " << tr("the plot %1 could not be written.").arg(path) << "\n";
            return false;
        }
        widgets::EvaluationPlot microPlot(kind);
        microPlot.setTitle(roc ? tr("ROC, all cells pooled (micro AUC %1)").arg(cell(ev.report.microRocAuc))
                               : tr("Precision-recall, all cells pooled (AP %1)").arg(cell(ev.report.microAveragePrecision)));
        microPlot.setCurves({{tr("micro"), micro}});
        const QString microPath = QDir(dir).filePath(roc ? QStringLiteral("roc-micro.png") : QStringLiteral("pr-micro.png"));
        if (!microPlot.savePng(microPath, 700, 600)) {
            err << "taglane-cli evaluate: " << tr("the plot %1 could not be written.").arg(microPath) << "\n";
            return false;
        }
    }
    return true;
}

} // namespace

int runEvaluate(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Evaluates a model bundle on a folder of audio with CAL500exp CSVs, segment by segment: per-tag and "
           "macro/micro ROC-AUC, PR-AUC (average precision), precision, recall, F1 and mean average accuracy."));
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"), tr("model: a bundle folder, or a bundled model's name (default, instruments); default: default"),
                                         QStringLiteral("BUNDLE"));
    const QCommandLineOption dataOption(QStringLiteral("data"), tr("labelled folder"), QStringLiteral("DIR"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), tr("write the metrics as JSON"), QStringLiteral("FILE"));
    const QCommandLineOption plotsOption(QStringLiteral("plots"), tr("write ROC and PR plots (PNG) into this folder"),
                                         QStringLiteral("DIR"));
    const QCommandLineOption thresholdOption(QStringLiteral("threshold"), tr("decision threshold (default 0.5)"),
                                             QStringLiteral("X"), QStringLiteral("0.5"));
    const QCommandLineOption recordOption(QStringLiteral("record"),
                                          tr("store the metrics in the bundle's manifest (\"metrics\"), e.g. after a "
                                             "held-out evaluation"));
    const QCommandLineOption calibrateOption(
        QStringLiteral("calibrate"),
        tr("instead of evaluating: choose per-tag decision thresholds on --data (a validation folder, never the test "
           "folder) and fold them into the bundle's output bias, so that 0.5 stays the threshold; rewrites the bundle"));
    parser.addOptions({modelOption, dataOption, jsonOption, plotsOption, thresholdOption, recordOption, calibrateOption});
    if (const auto done = parseCommandLine(parser, kCommand, args))
        return *done;
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!parser.isSet(dataOption))
        return usageError(tr("--data DIR is required."));
    double threshold = 0.5;
    if (auto bad = readNumber(parser, thresholdOption, {0.0, 1.0}, threshold, kCommand))
        return *bad;
    QString model = resolveModelArgument(parser.value(modelOption));
    if (model.isEmpty()) {
        model = widgets::ModelFolders::bundledDefault();
        if (model.isEmpty())
            return usageError(tr("no --model was given and the default model (default.tlmodel) was not found."));
    }
    if (parser.isSet(plotsOption) && !qobject_cast<QApplication *>(QCoreApplication::instance()))
        return usageError(tr("--plots needs the GUI libraries (run taglane-cli with --plots on its command line)."));

    const QFileInfo data(parser.value(dataOption));
    if (!data.exists()) {
        err << kCommand << ": " << tr("the data folder %1 does not exist.").arg(parser.value(dataOption)) << "\n";
        return 1;
    }
    if (!data.isDir()) {
        err << kCommand << ": "
            << tr("%1 is a file, not a folder: --data must be a folder of audio files with CAL500exp CSVs.")
                   .arg(parser.value(dataOption))
            << "\n";
        return 1;
    }

    if (parser.isSet(calibrateOption)) {
        if (parser.isSet(recordOption) || parser.isSet(jsonOption) || parser.isSet(plotsOption))
            return usageError(tr("--calibrate cannot be combined with --record, --json or --plots."));
        auto calibration = ModelEvaluator::calibrate(model, parser.value(dataOption));
        if (!calibration) {
            err << "taglane-cli evaluate: " << calibration.error() << "\n";
            return 1;
        }
        const Status applied = ModelEvaluator::applyCalibration(model, calibration.value());
        if (!applied) {
            err << "taglane-cli evaluate: " << applied.error() << "\n";
            return 1;
        }
        out << tr("Calibrated %1 on %2 (%3 segments): bias shift per tag, F1 at 0.5 before and after")
                   .arg(model, parser.value(dataOption))
                   .arg(calibration->segments)
            << "\n";
        double before = 0.0, after = 0.0;
        for (int t = 0; t < calibration->tags.size(); ++t) {
            out << QStringLiteral("%1  %2  %3  %4\n")
                       .arg(calibration->tags.at(t), -36)
                       .arg(calibration->shifts[size_t(t)], 6, 'f', 2)
                       .arg(cell(calibration->f1Before[size_t(t)]), 7)
                       .arg(cell(calibration->f1After[size_t(t)]), 7);
            before += calibration->f1Before[size_t(t)];
            after += calibration->f1After[size_t(t)];
        }
        const int count = std::max<int>(1, calibration->tags.size());
        out << QStringLiteral("%1  %2  %3  %4\n")
                   .arg(tr("macro"), -36)
                   .arg(QString(), 6)
                   .arg(cell(before / count), 7)
                   .arg(cell(after / count), 7);
        return 0;
    }

    auto ev = ModelEvaluator::evaluate(model, parser.value(dataOption), threshold);
    if (!ev) {
        err << "taglane-cli evaluate: " << ev.error() << "\n";
        return 1;
    }
    for (const QString &w : ev->warnings)
        err << tr("warning: ") << w << "\n";

    const MetricsReport &r = ev->report;
    out << tr("Model %1 (%2) on %3: %4 tracks, %5 segments, threshold %6, %7 s")
               .arg(ev->manifest.name, ev->manifest.architecture, parser.value(dataOption))
               .arg(ev->tracks)
               .arg(ev->input.examples)
               .arg(threshold)
               .arg(ev->seconds, 0, 'f', 1)
        << "\n";
    out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7  %8\n")
               .arg(tr("tag"), -36)
               .arg(QStringLiteral("ROC-AUC"), 7)
               .arg(QStringLiteral("PR-AUC"), 7)
               .arg(QStringLiteral("prec."), 7)
               .arg(QStringLiteral("recall"), 7)
               .arg(QStringLiteral("F1"), 7)
               .arg(QStringLiteral("avg.acc"), 7)
               .arg(QStringLiteral("pos/n"), 9);
    for (size_t t = 0; t < r.perTag.size(); ++t) {
        const TagMetrics &m = r.perTag[t];
        out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7  %8\n")
                   .arg(ev->manifest.tags.at(int(t)).name, -36)
                   .arg(cell(m.rocAuc), 7)
                   .arg(cell(m.averagePrecision), 7)
                   .arg(cell(m.precision), 7)
                   .arg(cell(m.recall), 7)
                   .arg(cell(m.f1), 7)
                   .arg(cell(m.balancedAccuracy), 7)
                   .arg(QStringLiteral("%1/%2").arg(m.positives).arg(m.known), 9);
    }
    out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
               .arg(tr("macro"), -36)
               .arg(cell(r.macroRocAuc), 7)
               .arg(cell(r.meanAveragePrecision), 7)
               .arg(cell(r.macroPrecision), 7)
               .arg(cell(r.macroRecall), 7)
               .arg(cell(r.macroF1), 7)
               .arg(cell(r.meanAverageAccuracy), 7);
    out << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
               .arg(tr("micro"), -36)
               .arg(cell(r.microRocAuc), 7)
               .arg(cell(r.microAveragePrecision), 7)
               .arg(cell(r.microPrecision), 7)
               .arg(cell(r.microRecall), 7)
               .arg(cell(r.microF1), 7);
    out.flush();

    if (parser.isSet(jsonOption)) {
        const Status written =
            AtomicWrite::write(parser.value(jsonOption), QJsonDocument(ev->toJson(parser.value(dataOption))).toJson());
        if (!written) {
            err << kCommand << ": " << written.error() << "\n";
            return 1;
        }
    }
    if (parser.isSet(plotsOption) && !writePlots(ev.value(), parser.value(plotsOption), err))
        return 1;
    if (parser.isSet(recordOption)) {
        auto bundle = ModelBundle::open(model);
        QFile weights(bundle ? bundle->weightsPath() : QString());
        if (!bundle || !weights.open(QIODevice::ReadOnly)) {
            err << "taglane-cli evaluate: " << tr("the bundle %1 could not be reopened to record the metrics.").arg(model) << "\n";
            return 1;
        }
        ModelManifest manifest = bundle->manifest();
        QJsonObject metrics = ev->toJson(QFileInfo(parser.value(dataOption)).fileName());
        metrics.remove(QStringLiteral("seconds"));
        manifest.metrics = metrics;
        const Status written = ModelBundle::write(model, manifest, weights.readAll());
        if (!written) {
            err << "taglane-cli evaluate: " << written.error() << "\n";
            return 1;
        }
    }
    return 0;
}

} // namespace taglane::app
