// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "app/cli/commandline.h"

#include "engine/formats/labelexporter.h"
#include "engine/formats/labelformat.h"
#include "engine/formats/storelabels.h"
#include "engine/store/annotationstore.h"
#include "engine/store/storelocation.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

namespace taglane::app {

namespace {

using namespace taglane::engine;

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

const QString kCommand = QStringLiteral("taglane-cli export");

} // namespace

int runExport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Exports the labels of an annotation store: the whole library, or the tracks named (by id, path, file "
           "name or stem). Per-track formats write <stem><suffix> per track; the catalogue writes one catalogue.csv.\n"
           "Curator verdicts are written as such; a cell the curator never judged is written from the model "
           "(present when its probability >= the threshold).\n"
           "Where several curators judged a cell, the tag's rule (taglane-cli store rule) decides its verdict; a cell "
           "it leaves unresolved is written as unjudged, and their number is reported.\n"
           "Exit status: 0 when every track was exported, 1 when some failed, 2 on a usage or store error."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("TRACK"), tr("tracks to export (default: all)"), QStringLiteral("[TRACK...]"));
    const QCommandLineOption storeOption(QStringLiteral("store"), tr("the annotation store: an SQLite file or a postgresql://USER:PASSWORD@HOST:PORT/DB URI"), QStringLiteral("DB"));
    const QCommandLineOption formatOption(QStringLiteral("format"),
                                          tr("cal500exp, catalogue, jams, audacity or sv"), QStringLiteral("FORMAT"));
    const QCommandLineOption outOption(QStringLiteral("out"), tr("output folder (created if needed)"), QStringLiteral("DIR"));
    const QCommandLineOption valuesOption(QStringLiteral("values"),
                                          tr("CAL500exp: 'soft' (probabilities) or 'hard' (0/1). Default: soft"),
                                          QStringLiteral("MODE"), QStringLiteral("soft"));
    const QCommandLineOption thresholdOption(QStringLiteral("threshold"),
                                             tr("probability from which a tag counts as present. Default: 0.5"),
                                             QStringLiteral("P"), QStringLiteral("0.5"));
    const QCommandLineOption curatorOption(QStringLiteral("curator"), tr("curator name written to JAMS"),
                                           QStringLiteral("NAME"));
    const QCommandLineOption headerOption(QStringLiteral("sv-header"), tr("Sonic Visualiser: write a header line"));
    parser.addOptions({storeOption, formatOption, outOption, valuesOption, thresholdOption, curatorOption, headerOption});

    QTextStream out(stdout);
    QTextStream err(stderr);
    const auto usageError = [](const QString &message) { return taglane::app::usageError(kCommand, message); };
    if (const auto done = parseCommandLine(parser, kCommand, args))
        return *done;
    if (!parser.isSet(storeOption))
        return usageError(tr("--store DB is required."));
    if (!parser.isSet(outOption))
        return usageError(tr("--out DIR is required."));
    if (!parser.isSet(formatOption))
        return usageError(tr("--format FORMAT is required (%1).").arg(LabelFormats::names().join(QStringLiteral(", "))));
    const auto format = LabelFormats::parse(parser.value(formatOption));
    if (!format)
        return usageError(format.error());
    LabelExporter::Options options;
    const QString values = parser.value(valuesOption).toLower();
    if (values != QLatin1String("soft") && values != QLatin1String("hard"))
        return usageError(tr("--values must be soft or hard."));
    options.cal500Hard = values == QLatin1String("hard");
    bool ok = false;
    options.threshold = parser.value(thresholdOption).toFloat(&ok);
    if (!ok || !(options.threshold >= 0.0f && options.threshold <= 1.0f))
        return usageError(tr("--threshold must be a number from 0 to 1."));
    options.curatorName = parser.value(curatorOption);
    options.svHeader = parser.isSet(headerOption);

    AnnotationStore store;
    // Read-only: an export never creates, upgrades or moves a store.
    const auto opened = store.open(parser.value(storeOption), AnnotationStore::OpenMode::ReadOnly);
    if (!opened) {
        err << kCommand << ": " << opened.error() << "\n";
        return 2;
    }
    const auto ids = StoreLabels::selectTracks(store, parser.positionalArguments());
    if (!ids) {
        err << kCommand << ": " << ids.error() << "\n";
        return 2;
    }
    QVector<TrackLabels> tracks;
    QStringList failures;
    int unresolvedCells = 0;
    for (qint64 id : ids.value()) {
        int unresolved = 0;
        auto labels = StoreLabels::exportTrack(store, id, &unresolved);
        unresolvedCells += unresolved;
        if (!labels) {
            failures << labels.error();
            continue;
        }
        tracks << std::move(labels).value();
    }
    if (tracks.isEmpty() && failures.isEmpty()) {
        err << tr("%1 holds no tracks: nothing to export.\n").arg(StoreLocation::redacted(parser.value(storeOption)));
        return 0;
    }
    const auto written = LabelExporter::write(parser.value(outOption), format.value(), tracks, options);
    if (!written) {
        err << kCommand << ": " << written.error() << "\n";
        return 1;
    }
    for (const QString &path : written.value())
        out << path << "\n";
    err << tr("Exported %1 tracks as %2 to %3.\n").arg(tracks.size()).arg(LabelFormats::name(format.value()), parser.value(outOption));
    if (unresolvedCells > 0)
        err << tr("%1 cell(s) where curators disagree and the tag's rule decides nothing were written as unjudged "
                  "(see taglane-cli store rule).\n").arg(unresolvedCells);
    if (!failures.isEmpty()) {
        for (const QString &f : std::as_const(failures))
            err << "  " << f << "\n";
        return 1;
    }
    return 0;
}

} // namespace taglane::app
