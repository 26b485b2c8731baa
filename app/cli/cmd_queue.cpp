// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "app/cli/commandline.h"
#include "app/cli/storemodel.h"

#include "engine/library/reviewqueue.h"
#include "engine/store/annotationstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace taglane::app {

namespace {

using namespace taglane::engine;

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

const QString kCommand = QStringLiteral("taglane-cli queue");

} // namespace

int runQueue(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Lists the cells (segment x tag) not curated yet, those whose verdict would teach the model most first.\n"
           "  uncertainty   probability closest to 0.5 (the version that tagged each track last, or --model)\n"
           "  disagreement  largest spread between the model versions that scored the same segment and tag\n"
           "  diverse       uncertain cells mixed across tracks and tags"));
    parser.addHelpOption();
    const QCommandLineOption storeOption(QStringLiteral("store"), tr("the annotation store: an SQLite file or a postgresql://USER:PASSWORD@HOST:PORT/DB URI"), QStringLiteral("DB"));
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         tr("a model version in the store, or a bundle / bundled model name"),
                                         QStringLiteral("M"));
    const QCommandLineOption limitOption(QStringLiteral("limit"), tr("cells to list. Default: 20"), QStringLiteral("N"),
                                         QStringLiteral("20"));
    const QCommandLineOption strategyOption(QStringLiteral("strategy"),
                                            tr("uncertainty, disagreement or diverse. Default: uncertainty"),
                                            QStringLiteral("S"), QStringLiteral("uncertainty"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        tr("write a JSON array of {track, start, end, tag, probability, ...}"));
    parser.addOptions({storeOption, modelOption, limitOption, strategyOption, jsonOption});
    if (const auto done = parseCommandLine(parser, kCommand, args))
        return *done;
    if (!parser.isSet(storeOption))
        return usageError(kCommand, tr("--store DB is required."));
    if (!parser.positionalArguments().isEmpty())
        return usageError(kCommand, tr("unexpected argument '%1'.").arg(parser.positionalArguments().constFirst()));
    ReviewQueue::Options options;
    if (const auto bad = readNumber(parser, limitOption, NumberRange<int>{1, 1000000}, options.limit, kCommand))
        return *bad;
    const auto strategy = ReviewQueue::parseStrategy(parser.value(strategyOption));
    if (!strategy)
        return usageError(kCommand, strategy.error());
    options.strategy = strategy.value();

    QTextStream out(stdout);
    QTextStream err(stderr);
    if (const auto failed = resolveStoreModel(parser.value(storeOption), parser.value(modelOption), kCommand,
                                              options.modelVersion))
        return *failed;
    const auto cells = ReviewQueue::build(parser.value(storeOption), options);
    if (!cells) {
        err << kCommand << ": " << cells.error() << "\n";
        return 2;
    }
    if (parser.isSet(jsonOption)) {
        QJsonArray array;
        for (const ReviewCell &c : cells.value()) {
            QJsonObject o{{QStringLiteral("track"), c.trackPath},
                          {QStringLiteral("trackId"), c.trackId},
                          {QStringLiteral("segmentId"), c.segmentId},
                          {QStringLiteral("start"), c.start},
                          {QStringLiteral("end"), c.end},
                          {QStringLiteral("tag"), c.tag},
                          {QStringLiteral("probability"), double(c.probability)},
                          {QStringLiteral("model"), c.modelVersion},
                          {QStringLiteral("score"), c.score}};
            if (!c.byModel.isEmpty()) {
                QJsonObject models;
                for (const auto &m : c.byModel)
                    models.insert(m.first, double(m.second));
                o.insert(QStringLiteral("models"), models);
            }
            array.append(o);
        }
        out << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        out << tr("score\tprobability\tstart\tend\ttag\ttrack\n");
        for (const ReviewCell &c : cells.value()) {
            out << QString::number(c.score, 'f', 3) << '\t' << QString::number(double(c.probability), 'f', 3) << '\t'
                << QString::number(c.start, 'f', 2) << '\t' << QString::number(c.end, 'f', 2) << '\t' << c.tag << '\t'
                << c.trackPath << "\n";
        }
    }
    if (cells->isEmpty() && options.strategy == ReviewQueue::Strategy::Disagreement)
        err << tr("No uncurated cell was scored by two or more model versions.\n");
    else if (cells->isEmpty())
        err << tr("No uncurated cells with predictions (tag the library first: taglane-cli tag --store DB).\n");
    return 0;
}

} // namespace taglane::app
