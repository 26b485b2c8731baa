// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "app/cli/commandline.h"

#include "engine/store/storecopy.h"
#include "engine/store/storelocation.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
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

} // namespace

int runStore(const QStringList &args)
{
    const QString usage = tr("Usage: %1 SUBCOMMAND ...\n\n"
                             "  copy FROM TO   copy a whole store between SQLite and PostgreSQL (either direction)\n\n"
                             "Run '%1 SUBCOMMAND --help' for its options.\n").arg(kCommand);
    if (args.isEmpty() || args.constFirst() == QLatin1String("--help") || args.constFirst() == QLatin1String("-h")) {
        QTextStream(args.isEmpty() ? stderr : stdout) << usage;
        return args.isEmpty() ? 2 : 0;
    }
    if (args.constFirst() == QLatin1String("copy"))
        return runCopy(args.mid(1));
    return usageError(kCommand, tr("unknown subcommand '%1' (known: copy).").arg(args.constFirst()));
}

} // namespace taglane::app
