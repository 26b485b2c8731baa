// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "app/cli/commandline.h"
#include "app/cli/curatoroption.h"

#include "engine/formats/labelformat.h"
#include "engine/formats/labelimporter.h"
#include "engine/formats/storelabels.h"
#include "engine/store/annotationstore.h"
#include "engine/store/storelocation.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QTextStream>

namespace taglane::app {

namespace {

using namespace taglane::engine;

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

const QString kCommand = QStringLiteral("taglane-cli import");

} // namespace

int runImport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Imports label files into an annotation store (created when missing). Every file is read and checked "
           "first; a malformed file is reported with its line and nothing is stored unless --keep-going is given.\n"
           "Exit status: 0 when every file was imported, 1 when a file was rejected, 2 on a usage or store error."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), tr("label files"), QStringLiteral("FILE..."));
    const QCommandLineOption storeOption(QStringLiteral("store"), tr("the annotation store: an SQLite file or a postgresql://USER:PASSWORD@HOST:PORT/DB URI"), QStringLiteral("DB"));
    const QCommandLineOption formatOption(QStringLiteral("format"),
                                          tr("cal500exp, catalogue, jams, audacity or sv"), QStringLiteral("FORMAT"));
    const QCommandLineOption audioOption(
        QStringLiteral("audio"),
        tr("folder of the audio files: a label file is matched to the audio file it names, or to the one with the "
           "same stem (a CAL500exp CSV <stem>.csv to <stem>.wav, .flac, ...). Default: the label file's folder"),
        QStringLiteral("DIR"));
    const QCommandLineOption valuesOption(
        QStringLiteral("values"),
        tr("CAL500exp cells: 'auto' (0/1 are curator verdicts, fractions model probabilities), 'hard' (>= 0.5 is "
           "present) or 'soft' (all probabilities). Default: auto"),
        QStringLiteral("MODE"), QStringLiteral("auto"));
    const QCommandLineOption modelOption(QStringLiteral("model-version"),
                                         tr("model version for probabilities whose file names none. Default: import"),
                                         QStringLiteral("VERSION"), QStringLiteral("import"));
    const QCommandLineOption unlistedOption(
        QStringLiteral("unlisted"),
        tr("Audacity / Sonic Visualiser: tags a segment does not list are 'absent' or 'unknown'. Default: absent"),
        QStringLiteral("MODE"), QStringLiteral("absent"));
    const QCommandLineOption keepGoingOption(QStringLiteral("keep-going"),
                                             tr("import the good files even when others are rejected"));
    const QCommandLineOption curator = curatorOption();
    parser.addOptions({storeOption, formatOption, audioOption, valuesOption, modelOption, unlistedOption, keepGoingOption,
                       curator});

    QTextStream out(stdout);
    QTextStream err(stderr);
    const auto usageError = [](const QString &message) { return taglane::app::usageError(kCommand, message); };
    if (const auto done = parseCommandLine(parser, kCommand, args))
        return *done;
    if (!parser.isSet(storeOption))
        return usageError(tr("--store DB is required."));
    if (!parser.isSet(formatOption))
        return usageError(tr("--format FORMAT is required (%1).").arg(LabelFormats::names().join(QStringLiteral(", "))));
    const auto format = LabelFormats::parse(parser.value(formatOption));
    if (!format)
        return usageError(format.error());
    if (parser.positionalArguments().isEmpty())
        return usageError(tr("no label file given."));

    ImportOptions options;
    const QString values = parser.value(valuesOption).toLower();
    if (values == QLatin1String("auto"))
        options.cal500Values = ImportOptions::Cal500Values::Auto;
    else if (values == QLatin1String("hard"))
        options.cal500Values = ImportOptions::Cal500Values::Hard;
    else if (values == QLatin1String("soft"))
        options.cal500Values = ImportOptions::Cal500Values::Soft;
    else
        return usageError(tr("--values must be auto, hard or soft."));
    options.modelVersion = parser.value(modelOption);
    if (options.modelVersion.trimmed().isEmpty())
        return usageError(tr("--model-version must not be empty."));
    const QString unlisted = parser.value(unlistedOption).toLower();
    if (unlisted != QLatin1String("absent") && unlisted != QLatin1String("unknown"))
        return usageError(tr("--unlisted must be absent or unknown."));
    options.unlistedAbsent = unlisted == QLatin1String("absent");
    const bool keepGoing = parser.isSet(keepGoingOption);

    // 1. Read and check every file, and find its audio, before touching the store.
    QVector<StoreImportItem> items;
    QStringList rejected;
    for (const QString &file : parser.positionalArguments()) {
        const auto imported = LabelImporter::read(file, format.value(), options);
        if (!imported) {
            rejected << imported.error();
            continue;
        }
        for (const QString &w : imported->warnings)
            err << tr("warning: %1\n").arg(w);
        const QString audioDir = parser.isSet(audioOption) ? parser.value(audioOption) : QFileInfo(file).absolutePath();
        QVector<StoreImportItem> fileItems;
        QString problem;
        for (const TrackLabels &labels : imported->tracks) {
            auto item = StoreLabels::resolve(labels, audioDir, file);
            if (!item) {
                problem = item.error();
                break;
            }
            fileItems << std::move(item).value();
        }
        if (!problem.isEmpty()) {
            rejected << problem;
            continue;
        }
        items << fileItems;
    }
    for (const QString &r : std::as_const(rejected))
        err << tr("rejected: %1\n").arg(r);
    if (!rejected.isEmpty() && !keepGoing) {
        err << QCoreApplication::translate("cli", "Nothing was imported: %n file(s) rejected (use --keep-going to "
                                                  "import the others).\n", nullptr, int(rejected.size()));
        return 1;
    }
    if (items.isEmpty()) {
        err << tr("Nothing to import.\n");
        return rejected.isEmpty() ? 0 : 1;
    }

    // 2. Write everything in one go.
    AnnotationStore store;
    if (const auto bad = applyCurator(parser, curator, store, kCommand))
        return *bad;
    const auto opened = store.open(parser.value(storeOption), AnnotationStore::OpenMode::ReadWrite);
    if (!opened) {
        err << kCommand << ": " << opened.error() << "\n";
        return 2;
    }
    for (const QString &m : opened->messages)
        err << kCommand << ": " << m << "\n";
    const auto ids = StoreLabels::importItems(store, items);
    if (!ids) {
        err << kCommand << ": " << ids.error() << "\n";
        return 2;
    }
    for (const StoreImportItem &item : std::as_const(items)) {
        err << tr("%1 -> %2: %3 segments, %4 tags\n")
                   .arg(item.origin, item.audioPath)
                   .arg(item.labels.segments.size())
                   .arg(item.labels.tags.size());
        out << item.audioPath << "\n";
    }
    store.close();
    err << tr("Imported %1 tracks into %2.\n").arg(items.size()).arg(StoreLocation::redacted(parser.value(storeOption)));
    return rejected.isEmpty() ? 0 : 1;
}

} // namespace taglane::app
