// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "app/cli/commandline.h"

#include "engine/store/annotationstore.h"
#include "engine/store/storecopy.h"
#include "engine/store/storelocation.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTextStream>

namespace taglane::app {

namespace {

using namespace taglane::engine;

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

const QString kCommand = QStringLiteral("taglane-cli store");

int runCopy(const QStringList &args)
{
    const QString command = kCommand + QStringLiteral(" copy");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Copies a whole annotation store (tracks, segmentations, segments, tags, verdicts, predictions, prediction "
           "runs, model versions and the edit log, ids kept) from FROM to TO, between SQLite and PostgreSQL in either "
           "direction. FROM and TO are SQLite files or postgresql://USER:PASSWORD@HOST:PORT/DB URIs (parts left out "
           "come from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE). TO must be new: a missing file, an empty "
           "database, or a store without rows. The copy is one transaction: all of it or nothing."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FROM"), tr("the store to copy"));
    parser.addPositionalArgument(QStringLiteral("TO"), tr("the new store"));
    if (const auto done = parseCommandLine(parser, command, args))
        return *done;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        return usageError(command, tr("give FROM and TO (got %1 argument(s)).").arg(positional.size()));
    QTextStream out(stdout);
    QTextStream err(stderr);
    QElapsedTimer timer;
    timer.start();
    const Result<StoreCopy::Counts> copied = StoreCopy::copy(positional.at(0), positional.at(1));
    if (!copied) {
        err << command << ": " << copied.error() << "\n";
        return 1;
    }
    qint64 total = 0;
    for (const auto &[table, rows] : copied.value()) {
        out << QStringLiteral("%1 %2\n").arg(table, -16).arg(rows);
        total += rows;
    }
    err << tr("Copied %1 row(s) from %2 to %3 in %4 s.")
               .arg(total)
               .arg(StoreLocation::redacted(positional.at(0)), StoreLocation::redacted(positional.at(1)))
               .arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1)
        << "\n";
    return 0;
}

int runRule(const QStringList &args)
{
    const QString command = kCommand + QStringLiteral(" rule");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Shows or sets how the cells of a tag that several curators judged are decided for training, retraining "
           "and export: 'majority' (the verdict more curators gave; a tie is unresolved; the default), "
           "'lead:NAME' (the lead curator's verdict where they judged the cell, elsewhere the verdict all curators "
           "agree on) or 'unresolved' (only a verdict all curators agree on). An unresolved cell counts as unknown: "
           "masked out of training, left out of exports. No verdict is changed by a rule.\n"
           "Without TAG, lists every tag's rule; with TAG alone, prints its rule.\n"
           "Exit status: 0 on success, 2 on a usage or store error."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("TAG"), tr("the tag"), QStringLiteral("[TAG"));
    parser.addPositionalArgument(QStringLiteral("RULE"), tr("majority, lead:NAME or unresolved"), QStringLiteral("[RULE]]"));
    const QCommandLineOption storeOption(QStringLiteral("store"), tr("the annotation store: an SQLite file or a postgresql://USER:PASSWORD@HOST:PORT/DB URI"), QStringLiteral("DB"));
    parser.addOption(storeOption);
    if (const auto done = parseCommandLine(parser, command, args))
        return *done;
    if (!parser.isSet(storeOption))
        return usageError(command, tr("--store DB is required."));
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 2)
        return usageError(command, tr("give at most TAG and RULE (got %1 arguments).").arg(positional.size()));
    std::optional<VerdictRule> rule;
    if (positional.size() == 2) {
        const Result<VerdictRule> parsed = VerdictRule::parse(positional.at(1));
        if (!parsed)
            return usageError(command, parsed.error());
        rule = parsed.value();
    }
    const QString storePath = parser.value(storeOption);
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!StoreLocation::isPostgresUri(storePath) && !QFileInfo::exists(storePath)) {
        err << command << ": " << tr("no store at %1.").arg(storePath) << "\n";
        return 2;
    }
    AnnotationStore store;
    const auto opened = store.open(storePath, rule ? AnnotationStore::OpenMode::ReadWrite : AnnotationStore::OpenMode::ReadOnly);
    if (!opened) {
        err << command << ": " << opened.error() << "\n";
        return 2;
    }
    QStringList tags;
    if (!positional.isEmpty()) {
        if (store.tagId(positional.first()) == 0) {
            err << command << ": " << tr("%1 has no tag '%2'.").arg(store.displayName(), positional.first()) << "\n";
            return 2;
        }
        tags << positional.first();
    } else {
        tags = store.vocabulary().names();
    }
    if (rule) {
        const qint64 before = store.lastEditSeq();
        const qint64 seq = store.setVerdictRule(store.tagId(tags.first()), *rule);
        const Status saved = seq > 0 ? store.waitForSaved(before, seq)
                                     : Status::failure(tr("the store refused the rule."));
        if (!saved) {
            err << command << ": " << saved.error() << "\n";
            return 2;
        }
        err << tr("The verdicts of %1 are now decided by: %2.\n").arg(tags.first(), rule->toString());
    }
    for (const QString &tag : std::as_const(tags))
        out << tag << '\t' << store.verdictRule(store.tagId(tag)).toString() << '\n';
    return 0;
}

} // namespace

int runStore(const QStringList &args)
{
    const QString usage = tr("Usage: %1 SUBCOMMAND ...\n\n"
                             "  copy FROM TO   copy a whole store between SQLite and PostgreSQL (either direction)\n\n"
                             "Run '%1 SUBCOMMAND --help' for its options.\n").arg(kCommand);
    if (args.isEmpty() || args.constFirst() == QLatin1String("--help") || args.constFirst() == QLatin1String("-h")) {
        QTextStream(args.isEmpty() ? stderr : stdout)
            << usage
            << tr("\n  rule [TAG [RULE]] --store DB   show or set how a tag's cells are decided when curators "
                  "disagree (majority, lead:NAME, unresolved)\n");
        return args.isEmpty() ? 2 : 0;
    }
    if (args.constFirst() == QLatin1String("copy"))
        return runCopy(args.mid(1));
    if (args.constFirst() == QLatin1String("rule"))
        return runRule(args.mid(1));
    return usageError(kCommand, tr("unknown subcommand '%1' (known: copy, rule).").arg(args.constFirst()));
}

} // namespace taglane::app
