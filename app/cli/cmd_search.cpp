// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "app/cli/commandline.h"
#include "app/cli/storemodel.h"

#include "engine/library/tagquery.h"
#include "engine/library/tagsearch.h"
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

const QString kCommand = QStringLiteral("taglane-cli search");

/// "COMMAND: message", the query and a caret under `position`; exit status 2.
int queryError(const QString &message, const QString &query, int position)
{
    QTextStream err(stderr);
    err << kCommand << ": " << message << "\n";
    err << "  " << query << "\n";
    err << "  " << QString(std::max(0, position), QLatin1Char(' ')) << "^\n";
    return 2;
}

} // namespace

int runSearch(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Finds segments (or whole tracks) of the library by their tags, e.g.\n"
           "  taglane-cli search --store DB 'strings >= 0.8 and not strings curated'\n"
           "  taglane-cli search --store DB --tracks '(piano > 0.5 or guitar > 0.5) and curator = anna'\n"
           "Conditions: TAG >= x (also >, <=, <, =, !=) on the model's probability (a track: its mean over "
           "segments); [TAG] curated [present|absent]; [TAG] curator = NAME. Combine them with and, or, not and "
           "parentheses; quote a tag that holds spaces or is a keyword (\"Instrument - Piano\")."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("QUERY"), tr("the query (one argument: quote it in the shell)"));
    const QCommandLineOption storeOption(QStringLiteral("store"), tr("the annotation store: an SQLite file or a postgresql://USER:PASSWORD@HOST:PORT/DB URI"), QStringLiteral("DB"));
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         tr("probabilities of this model version (or bundle / bundled model name); "
                                            "default: per track the version that tagged it last"),
                                         QStringLiteral("M"));
    const QCommandLineOption tracksOption(QStringLiteral("tracks"), tr("match whole tracks instead of segments"));
    const QCommandLineOption limitOption(QStringLiteral("limit"), tr("at most N hits; 0: all. Default: 0"),
                                         QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), tr("write a JSON array of {track, start, end, ...}"));
    parser.addOptions({storeOption, modelOption, tracksOption, limitOption, jsonOption});
    if (const auto done = parseCommandLine(parser, kCommand, args))
        return *done;
    if (!parser.isSet(storeOption))
        return usageError(kCommand, tr("--store DB is required."));
    if (parser.positionalArguments().size() != 1)
        return usageError(kCommand, parser.positionalArguments().isEmpty()
                                        ? tr("no query given.")
                                        : tr("give the query as one argument (quote it), not %1.").arg(parser.positionalArguments().size()));
    TagSearch::Options options;
    if (const auto bad = readNumber(parser, limitOption, NumberRange<int>{0, 100000000}, options.limit, kCommand))
        return *bad;
    options.scope = parser.isSet(tracksOption) ? TagSearch::Scope::Tracks : TagSearch::Scope::Segments;

    const QString text = parser.positionalArguments().constFirst();
    int position = 0;
    const auto query = TagQuery::parse(text, &position);
    if (!query)
        return queryError(query.error(), text, position);

    QTextStream out(stdout);
    QTextStream err(stderr);
    if (const auto failed = resolveStoreModel(parser.value(storeOption), parser.value(modelOption), kCommand,
                                              options.modelVersion))
        return *failed;
    const auto hits = TagSearch::run(parser.value(storeOption), query.value(), options, &position);
    if (!hits) {
        if (hits.error().contains(QLatin1String("Unknown tag")))
            return queryError(hits.error(), text, position);
        err << kCommand << ": " << hits.error() << "\n";
        return 2;
    }
    const bool tracks = options.scope == TagSearch::Scope::Tracks;
    if (parser.isSet(jsonOption)) {
        QJsonArray array;
        for (const SearchHit &h : hits.value()) {
            QJsonObject o{{QStringLiteral("track"), h.trackPath}, {QStringLiteral("trackId"), h.trackId},
                          {QStringLiteral("start"), h.start}, {QStringLiteral("end"), h.end}};
            if (!tracks)
                o.insert(QStringLiteral("segmentId"), h.segmentId);
            array.append(o);
        }
        out << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        for (const SearchHit &h : hits.value()) {
            if (tracks)
                out << h.trackPath << "\n";
            else
                out << QString::number(h.start, 'f', 2) << '\t' << QString::number(h.end, 'f', 2) << '\t' << h.trackPath << "\n";
        }
    }
    err << QCoreApplication::translate("cli", "%n match(es) for %1\n", nullptr, int(hits->size())).arg(query->toString());
    return 0;
}

} // namespace taglane::app
