// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "app/cli/commandline.h"

#include "engine/audio/audiodecoder.h"
#include "engine/library/audiofiles.h"
#include "engine/library/librarybuilder.h"
#include "engine/library/librarycatalogue.h"
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

const QString kCommand = QStringLiteral("taglane-cli library");

QCommandLineOption storeOption()
{
    return QCommandLineOption(QStringLiteral("store"), tr("the annotation store: an SQLite file or a postgresql://USER:PASSWORD@HOST:PORT/DB URI"), QStringLiteral("DB"));
}

/// Opens the store for writing; prints why not and returns false on failure.
bool openForWriting(AnnotationStore &store, const QString &path, const QString &command, QTextStream &err)
{
    const auto opened = store.open(path, AnnotationStore::OpenMode::ReadWrite);
    if (!opened) {
        err << command << ": " << opened.error() << "\n";
        return false;
    }
    for (const QString &m : opened->messages)
        err << command << ": " << m << "\n";
    return true;
}

/// Waits for every edit of this run to reach the disk; prints the failure.
bool settle(AnnotationStore &store, qint64 before, const QString &command, QTextStream &err)
{
    const Status saved = store.waitForSaved(before, store.lastEditSeq());
    if (!saved) {
        err << command << ": " << saved.error() << "\n";
        return false;
    }
    return true;
}

int runAdd(const QStringList &args)
{
    const QString command = kCommand + QStringLiteral(" add");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Adds audio files to the store's library; folders are searched recursively. Tracks are known by content: "
           "a file seen before under another path is found again there, a file whose content changed becomes a new "
           "track. Progress goes to stderr, the paths of the tracks to stdout. Exit status: 0, 1 when some files "
           "could not be added, 2 on a usage or store error."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("DIR|FILE"), tr("audio files or folders"), QStringLiteral("DIR|FILE..."));
    const QCommandLineOption store = storeOption();
    parser.addOption(store);
    if (const auto done = parseCommandLine(parser, command, args))
        return *done;
    if (!parser.isSet(store))
        return usageError(command, tr("--store DB is required."));
    if (parser.positionalArguments().isEmpty())
        return usageError(command, tr("no audio file or folder given."));

    QTextStream out(stdout);
    QTextStream err(stderr);
    const AudioFileList inputs = AudioFiles::collect(parser.positionalArguments());
    AnnotationStore db;
    if (!openForWriting(db, parser.value(store), command, err))
        return 2;
    const qint64 before = db.lastEditSeq();
    LibraryBuilder builder(db);
    int failed = 0, added = 0, known = 0, relinked = 0, copies = 0;
    for (const QString &missing : inputs.missing) {
        err << tr("%1: does not exist\n").arg(missing);
        ++failed;
    }
    const int total = int(inputs.files.size());
    for (int i = 0; i < total; ++i) {
        const QString &file = inputs.files.at(i);
        const auto result = builder.addFile(file);
        QString what;
        if (!result) {
            ++failed;
            what = tr("failed: %1").arg(result.error());
        } else {
            switch (result->kind) {
            case LibraryAddition::Kind::Added: ++added; what = tr("added"); break;
            case LibraryAddition::Kind::Known: ++known; what = tr("already in the library"); break;
            case LibraryAddition::Kind::Relinked:
                ++relinked;
                what = tr("found again (was %1)").arg(result->previousPath);
                break;
            case LibraryAddition::Kind::SameContent:
                ++copies;
                what = tr("same content as %1, already in the library").arg(result->previousPath);
                break;
            }
            out << result->track.path << "\n";
        }
        err << tr("[%1/%2] %3: %4\n").arg(i + 1).arg(total).arg(file, what);
        err.flush();
    }
    out.flush();
    if (!settle(db, before, command, err))
        return 2;
    db.close();
    err << tr("Library: %1 added, %2 already there, %3 found again, %4 copies, %5 failed.\n")
               .arg(added).arg(known).arg(relinked).arg(copies).arg(failed);
    if (total == 0 && failed == 0) {
        err << command << ": " << tr("no audio files found (suffixes: %1).\n")
                                       .arg(AudioDecoder::supportedSuffixes().join(QStringLiteral(", ")));
        return 1;
    }
    return failed > 0 ? 1 : 0;
}

int runRelink(const QStringList &args)
{
    const QString command = kCommand + QStringLiteral(" relink");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Finds tracks whose file is missing (moved or renamed) by their content in the given folders and records "
           "their new paths; their verdicts and predictions stay theirs. Exit status: 0, 1 when tracks are still "
           "missing, 2 on a usage or store error."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("DIR"), tr("folders (or files) to look in"), QStringLiteral("DIR..."));
    const QCommandLineOption store = storeOption();
    parser.addOption(store);
    if (const auto done = parseCommandLine(parser, command, args))
        return *done;
    if (!parser.isSet(store))
        return usageError(command, tr("--store DB is required."));
    if (parser.positionalArguments().isEmpty())
        return usageError(command, tr("no folder given."));
    QTextStream out(stdout);
    QTextStream err(stderr);
    const AudioFileList inputs = AudioFiles::collect(parser.positionalArguments());
    for (const QString &missing : inputs.missing) {
        err << command << ": " << tr("%1 does not exist.").arg(missing) << "\n";
        return 2;
    }
    AnnotationStore db;
    if (!openForWriting(db, parser.value(store), command, err))
        return 2;
    const qint64 before = db.lastEditSeq();
    LibraryBuilder builder(db);
    const auto moves = builder.relink(inputs.files, [&](int done, int total) {
        if (done == total || done % 100 == 0) {
            err << tr("looked at %1 of %2 files\n").arg(done).arg(total);
            err.flush();
        }
    });
    if (!moves) {
        err << command << ": " << moves.error() << "\n";
        return 2;
    }
    for (const LibraryMove &m : moves.value()) {
        err << tr("%1 -> %2\n").arg(m.track.path, m.newPath);
        out << m.newPath << "\n";
    }
    out.flush();
    if (!settle(db, before, command, err))
        return 2;
    db.close();
    const auto entries = LibraryCatalogue::list(parser.value(store), 0);
    int stillMissing = 0;
    if (entries) {
        for (const LibraryEntry &e : entries.value())
            stillMissing += e.file == LibraryEntry::FileState::Missing ? 1 : 0;
    }
    err << tr("Relinked %1 tracks; %2 still missing.\n").arg(moves->size()).arg(stillMissing);
    return stillMissing > 0 ? 1 : 0;
}

int runList(const QStringList &args)
{
    const QString command = kCommand + QStringLiteral(" list");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Lists the library: per track its file state (present, missing, changed), duration, the share of cells "
           "reviewed, the model versions that tagged it and its top tags (highest mean probability of the newest "
           "model run)."));
    parser.addHelpOption();
    const QCommandLineOption store = storeOption();
    const QCommandLineOption json(QStringLiteral("json"), tr("write a JSON array instead of a table"));
    const QCommandLineOption top(QStringLiteral("top"), tr("top tags per track. Default: 3"), QStringLiteral("N"),
                                 QStringLiteral("3"));
    parser.addOptions({store, json, top});
    if (const auto done = parseCommandLine(parser, command, args))
        return *done;
    if (!parser.isSet(store))
        return usageError(command, tr("--store DB is required."));
    if (!parser.positionalArguments().isEmpty())
        return usageError(command, tr("unexpected argument '%1'.").arg(parser.positionalArguments().constFirst()));
    int topTags = 3;
    if (const auto bad = readNumber(parser, top, NumberRange<int>{0, 100}, topTags, command))
        return *bad;
    QTextStream out(stdout);
    QTextStream err(stderr);
    {
        AnnotationStore check;   // the store's own checks and messages (missing, damaged, not a store)
        const auto opened = check.open(parser.value(store), AnnotationStore::OpenMode::ReadOnly);
        if (!opened) {
            err << command << ": " << opened.error() << "\n";
            return 2;
        }
    }
    const auto entries = LibraryCatalogue::list(parser.value(store), topTags);
    if (!entries) {
        err << command << ": " << entries.error() << "\n";
        return 2;
    }
    if (parser.isSet(json)) {
        QJsonArray array;
        for (const LibraryEntry &e : entries.value()) {
            QJsonArray models, tags;
            for (const LibraryModelRun &r : e.runs)
                models.append(QJsonObject{{QStringLiteral("version"), r.modelVersion},
                                          {QStringLiteral("at"), r.at.isValid() ? r.at.toString(Qt::ISODate) : QString()}});
            for (const auto &t : e.topTags)
                tags.append(QJsonObject{{QStringLiteral("tag"), t.first}, {QStringLiteral("probability"), double(t.second)}});
            array.append(QJsonObject{{QStringLiteral("id"), e.row.trackId},
                                     {QStringLiteral("path"), e.row.path},
                                     {QStringLiteral("contentHash"), e.row.contentHash},
                                     {QStringLiteral("file"), LibraryCatalogue::fileStateName(e.file)},
                                     {QStringLiteral("duration"), e.row.durationSeconds},
                                     {QStringLiteral("segments"), e.row.segmentCount},
                                     {QStringLiteral("reviewedCells"), e.row.reviewedCells},
                                     {QStringLiteral("reviewedShare"), e.row.reviewedShare},
                                     {QStringLiteral("models"), models},
                                     {QStringLiteral("topTagsModel"), e.topTagsModel},
                                     {QStringLiteral("topTags"), tags}});
        }
        out << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << tr("state\tduration_s\treviewed\tmodels\ttop_tags\tpath\n");
    for (const LibraryEntry &e : entries.value()) {
        QStringList models, tags;
        for (const LibraryModelRun &r : e.runs)
            models << r.modelVersion;
        for (const auto &t : e.topTags)
            tags << QStringLiteral("%1:%2").arg(t.first).arg(double(t.second), 0, 'f', 2);
        out << LibraryCatalogue::fileStateName(e.file) << '\t' << QString::number(e.row.durationSeconds, 'f', 1) << '\t'
            << QString::number(e.row.reviewedShare * 100.0, 'f', 1) << "%\t"
            << (models.isEmpty() ? QStringLiteral("-") : models.join(QLatin1Char(','))) << '\t'
            << (tags.isEmpty() ? QStringLiteral("-") : tags.join(QLatin1Char(' '))) << '\t' << e.row.path << "\n";
    }
    err << QCoreApplication::translate("cli", "%n track(s).\n", nullptr, int(entries->size()));
    return 0;
}

} // namespace

int runLibrary(const QStringList &args)
{
    const QString sub = args.isEmpty() ? QString() : args.first();
    if (sub == QLatin1String("add"))
        return runAdd(args.mid(1));
    if (sub == QLatin1String("list"))
        return runList(args.mid(1));
    if (sub == QLatin1String("relink"))
        return runRelink(args.mid(1));
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        QTextStream(stdout) << tr("Usage: taglane-cli library add|list|relink --store DB ...\n"
                                  "Run 'taglane-cli library SUBCOMMAND --help' for its options.\n");
        return 0;
    }
    return usageError(kCommand, sub.isEmpty() ? tr("say add, list or relink.")
                                              : tr("unknown subcommand '%1' (use add, list or relink).").arg(sub));
}

} // namespace taglane::app
