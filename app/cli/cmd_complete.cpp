// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "app/cli/commandline.h"
#include "app/cli/curatoroption.h"

#include "engine/formats/storelabels.h"
#include "engine/semantic/reviewsuggestions.h"
#include "engine/store/annotationstore.h"
#include "engine/store/storelocation.h"

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

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

const QString kCommand = QStringLiteral("taglane-cli complete");
const QString kActor = QStringLiteral("completion");

QJsonObject toJson(const TrackRecord &track, const LabelGrid &grid, const ReviewSuggestions &suggestions,
                   int accepted)
{
    QJsonArray cells;
    for (int s = 0; s < grid.rows(); ++s) {
        for (int t = 0; t < grid.columns(); ++t) {
            if (!suggestions.hasValue(s, t))
                continue;
            QJsonObject c;
            c.insert(QStringLiteral("segment"), s);
            c.insert(QStringLiteral("start"), grid.segmentation.at(s).start);
            c.insert(QStringLiteral("end"), grid.segmentation.at(s).end);
            c.insert(QStringLiteral("tag"), grid.tags.at(t).name);
            c.insert(QStringLiteral("probability"), double(grid.probability(s, t)));
            c.insert(QStringLiteral("value"), suggestions.value(s, t));
            cells.append(c);
        }
    }
    QJsonArray skipped;
    for (int t : suggestions.skippedTags)
        skipped.append(grid.tags.at(t).name);
    QJsonObject o;
    o.insert(QStringLiteral("track"), track.id);
    o.insert(QStringLiteral("path"), track.path);
    o.insert(QStringLiteral("modelVersion"), grid.modelVersion);
    o.insert(QStringLiteral("segments"), grid.rows());
    o.insert(QStringLiteral("tags"), grid.columns());
    o.insert(QStringLiteral("curatedCells"), suggestions.curatedCells);
    o.insert(QStringLiteral("iterations"), suggestions.iterations);
    o.insert(QStringLiteral("converged"), suggestions.converged);
    o.insert(QStringLiteral("sideWeight"), suggestions.sideWeight);
    o.insert(QStringLiteral("skippedTags"), skipped);
    o.insert(QStringLiteral("accepted"), accepted);
    o.insert(QStringLiteral("suggestions"), cells);
    return o;
}

} // namespace

int runComplete(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Completes a curator's review of one track: from the verdicts given so far and the model's "
           "probabilities (as side information), suggests a value for every cell not yet judged (low-rank "
           "matrix completion; about 1 = present, about 0 = absent). With --accept-above / --accept-below the "
           "suggestions beyond those values are written as verdicts (actor \"completion\") of the curator (--curator); "
           "the review starts from that curator's own verdicts.\n"
           "Exit status: 0 on success, 1 when the track cannot be completed, 2 on a usage or store error."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("TRACK"), tr("the track (id, path, file name or stem)"));
    const QCommandLineOption storeOption(QStringLiteral("store"), tr("the annotation store: an SQLite file or a postgresql://USER:PASSWORD@HOST:PORT/DB URI"), QStringLiteral("DB"));
    const QCommandLineOption modelOption(QStringLiteral("model-version"),
                                         tr("probabilities of this model version (default: the last that tagged the track)"),
                                         QStringLiteral("V"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), tr("print JSON instead of a table"));
    const QCommandLineOption aboveOption(QStringLiteral("accept-above"),
                                         tr("write 'present' for suggestions >= X"), QStringLiteral("X"));
    const QCommandLineOption belowOption(QStringLiteral("accept-below"),
                                         tr("write 'absent' for suggestions <= Y"), QStringLiteral("Y"));
    const QCommandLineOption curator = curatorOption();
    parser.addOptions({storeOption, modelOption, jsonOption, aboveOption, belowOption, curator});

    QTextStream out(stdout);
    QTextStream err(stderr);
    const auto usageError = [](const QString &message) { return taglane::app::usageError(kCommand, message); };
    if (const auto done = parseCommandLine(parser, kCommand, args))
        return *done;
    if (!parser.isSet(storeOption))
        return usageError(tr("--store DB is required."));
    if (parser.positionalArguments().size() != 1)
        return usageError(tr("name exactly one TRACK (got %1).").arg(parser.positionalArguments().size()));
    double above = std::numeric_limits<double>::quiet_NaN();
    double below = std::numeric_limits<double>::quiet_NaN();
    const NumberRange<double> anyValue{-1e6, 1e6};
    if (parser.isSet(aboveOption))
        if (const auto bad = readNumber(parser, aboveOption, anyValue, above, kCommand))
            return *bad;
    if (parser.isSet(belowOption))
        if (const auto bad = readNumber(parser, belowOption, anyValue, below, kCommand))
            return *bad;
    if (!std::isnan(above) && !std::isnan(below) && !(below < above))
        return usageError(tr("--accept-below (%1) must be less than --accept-above (%2).").arg(below).arg(above));
    const bool accepting = !std::isnan(above) || !std::isnan(below);

    const QString storePath = parser.value(storeOption);
    if (!StoreLocation::isPostgresUri(storePath) && !QFileInfo::exists(storePath)) {
        err << kCommand << ": " << tr("no store at %1.").arg(storePath) << "\n";
        return 2;
    }
    AnnotationStore store;
    if (const auto bad = applyCurator(parser, curator, store, kCommand))
        return *bad;
    // Read-only unless verdicts are to be written.
    const auto opened = store.open(storePath, accepting ? AnnotationStore::OpenMode::ReadWrite
                                                        : AnnotationStore::OpenMode::ReadOnly);
    if (!opened) {
        err << kCommand << ": " << opened.error() << "\n";
        return 2;
    }
    const auto ids = StoreLabels::selectTracks(store, parser.positionalArguments());
    if (!ids) {
        err << kCommand << ": " << ids.error() << "\n";
        return 2;
    }
    if (ids->size() != 1) {
        err << kCommand << ": " << tr("'%1' names %2 tracks; name one.").arg(parser.positionalArguments().first()).arg(ids->size()) << "\n";
        return 2;
    }
    const qint64 trackId = ids->first();
    const auto track = store.track(trackId);
    if (!track) {
        err << kCommand << ": " << tr("track %1 is not in the store.").arg(trackId) << "\n";
        return 2;
    }
    const QString version = parser.value(modelOption);
    if (!version.isEmpty() && !store.modelVersions().contains(version)) {
        err << kCommand << ": " << tr("the store knows no model version '%1' (known: %2).")
                                       .arg(version, store.modelVersions().join(QStringLiteral(", ")))
            << "\n";
        return 2;
    }
    const auto grid = store.labelGrid(trackId, version);
    if (!grid) {
        err << kCommand << ": " << grid.error() << "\n";
        return 2;
    }
    const auto suggestions = ReviewSuggester::complete(grid.value());
    if (!suggestions) {
        err << kCommand << ": " << track->path << ": " << suggestions.error() << "\n";
        return 1;
    }

    int accepted = 0;
    if (accepting) {
        const QVector<VerdictEdit> edits = ReviewSuggester::edits(grid.value(), suggestions.value(), above, below);
        if (!edits.isEmpty()) {
            const qint64 before = store.lastEditSeq();
            const qint64 seq = store.setVerdicts(trackId, edits, kActor);
            const Status saved = store.waitForSaved(before, seq);
            if (!saved.ok()) {
                err << kCommand << ": " << tr("the verdicts could not be saved: %1").arg(saved.error()) << "\n";
                return 2;
            }
        }
        accepted = edits.size();
    }

    if (parser.isSet(jsonOption)) {
        out << QJsonDocument(toJson(track.value(), grid.value(), suggestions.value(), accepted))
                   .toJson(QJsonDocument::Indented);
    } else {
        out << tr("# %1, model %2: %3 segments x %4 tags, %5 curated cells, %6 suggested\n")
                   .arg(track->path, grid->modelVersion)
                   .arg(grid->rows())
                   .arg(grid->columns())
                   .arg(suggestions->curatedCells)
                   .arg(suggestions->suggestedCells);
        out << "segment\tstart\tend\ttag\tprobability\tsuggested\n";
        for (int s = 0; s < grid->rows(); ++s)
            for (int t = 0; t < grid->columns(); ++t)
                if (suggestions->hasValue(s, t))
                    out << s << '\t' << QString::number(grid->segmentation.at(s).start, 'f', 3) << '\t'
                        << QString::number(grid->segmentation.at(s).end, 'f', 3) << '\t' << grid->tags.at(t).name
                        << '\t' << QString::number(grid->probability(s, t), 'f', 4) << '\t'
                        << QString::number(suggestions->value(s, t), 'f', 4) << '\n';
    }
    if (!suggestions->skippedTags.isEmpty())
        err << tr("%1 tags lack a probability on some unjudged segment and were left out.\n").arg(suggestions->skippedTags.size());
    if (suggestions->sideWeight == 0.0 && suggestions->curatedCells < ReviewCompletion::minimumCuratedForTuning)
        err << tr("Fewer than %1 verdicts: too few to judge a completion by, so the suggestions are the model's "
                  "probabilities.\n")
                   .arg(ReviewCompletion::minimumCuratedForTuning);
    else if (suggestions->sideWeight == 0.0)
        err << tr("Held-out verdicts were predicted better by the model's probabilities than by any completion: "
                  "the suggestions are the probabilities.\n");
    if (!suggestions->converged)
        err << tr("The completion stopped after %1 iterations before converging; the values are approximate.\n")
                   .arg(suggestions->iterations);
    if (accepting)
        err << tr("Wrote %1 verdicts (actor \"%2\").\n").arg(accepted).arg(kActor);
    return 0;
}

} // namespace taglane::app
