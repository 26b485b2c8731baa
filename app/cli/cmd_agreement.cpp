// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "app/cli/commandline.h"

#include "engine/eval/agreement.h"
#include "engine/eval/verdictagreement.h"
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

namespace taglane::app {

namespace {

using namespace taglane::engine;

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

const QString kCommand = QStringLiteral("taglane-cli agreement");

// NaN (undefined) is null in JSON.
QJsonValue number(double v)
{
    return std::isnan(v) ? QJsonValue(QJsonValue::Null) : QJsonValue(v);
}

QString cell(double v)
{
    return std::isnan(v) ? QStringLiteral("-") : QString::number(v, 'f', 4);
}

} // namespace

int runAgreement(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Agreement between the curators of an annotation store, per tag: Cohen's kappa and raw agreement for "
           "every pair of curators (over the cells both judged), Fleiss' kappa when more than two curators judged "
           "(over the cells all of them judged), and the raw pairwise agreement of all. Cells are the segments of "
           "each track's current segmentation; a kappa that is undefined (no common cells, or every verdict the "
           "same) is '-' (null in JSON).\n"
           "Exit status: 0 on success, 1 when fewer than two curators gave verdicts, 2 on a usage or store error."));
    parser.addHelpOption();
    const QCommandLineOption storeOption(QStringLiteral("store"), tr("the annotation store: an SQLite file or a postgresql://USER:PASSWORD@HOST:PORT/DB URI"), QStringLiteral("DB"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), tr("print JSON instead of a table"));
    parser.addOptions({storeOption, jsonOption});

    QTextStream out(stdout);
    QTextStream err(stderr);
    if (const auto done = parseCommandLine(parser, kCommand, args))
        return *done;
    if (!parser.isSet(storeOption))
        return usageError(kCommand, tr("--store DB is required."));
    if (!parser.positionalArguments().isEmpty())
        return usageError(kCommand, tr("unexpected argument '%1'.").arg(parser.positionalArguments().first()));
    const QString storePath = parser.value(storeOption);
    if (!StoreLocation::isPostgresUri(storePath) && !QFileInfo::exists(storePath)) {
        err << kCommand << ": " << tr("no store at %1.").arg(storePath) << "\n";
        return 2;
    }
    AnnotationStore store;
    const auto opened = store.open(storePath, AnnotationStore::OpenMode::ReadOnly);
    if (!opened) {
        err << kCommand << ": " << opened.error() << "\n";
        return 2;
    }
    const Result<AgreementInput> input = VerdictAgreement::fromStore(store);
    if (!input) {
        err << kCommand << ": " << input.error() << "\n";
        return 2;
    }
    const QString name = store.displayName();
    if (input->raters.size() < 2) {
        err << kCommand << ": "
            << (input->raters.isEmpty()
                    ? tr("%1 holds no verdicts: agreement needs verdicts of at least two curators.").arg(name)
                    : tr("%1 holds verdicts of one curator only (%2): agreement needs at least two curators "
                         "(write verdicts with --curator NAME).").arg(name, input->raters.first()))
            << "\n";
        return 1;
    }
    const Result<QVector<TagAgreement>> computed = Agreement::compute(input.value());
    if (!computed) {
        err << kCommand << ": " << computed.error() << "\n";
        return 2;
    }
    const QStringList &raters = input->raters;
    const bool fleiss = raters.size() > 2;
    if (parser.isSet(jsonOption)) {
        QJsonArray tags;
        for (const TagAgreement &t : computed.value()) {
            QJsonArray pairs;
            for (const PairAgreement &p : t.pairs) {
                pairs.append(QJsonObject{{QStringLiteral("a"), raters.at(p.raterA)},
                                         {QStringLiteral("b"), raters.at(p.raterB)},
                                         {QStringLiteral("items"), p.items},
                                         {QStringLiteral("raw"), number(p.raw)},
                                         {QStringLiteral("cohens_kappa"), number(p.cohensKappa)}});
            }
            QJsonObject tag{{QStringLiteral("tag"), t.tag}, {QStringLiteral("raw"), number(t.raw)},
                            {QStringLiteral("pairs"), pairs}};
            if (fleiss) {
                tag.insert(QStringLiteral("fleiss_kappa"), number(t.fleissKappa));
                tag.insert(QStringLiteral("fleiss_items"), t.fleissItems);
            }
            tags.append(tag);
        }
        out << QJsonDocument(QJsonObject{{QStringLiteral("store"), name},
                                         {QStringLiteral("curators"), QJsonArray::fromStringList(raters)},
                                         {QStringLiteral("tags"), tags}})
                   .toJson(QJsonDocument::Indented);
        return 0;
    }
    out << tr("# %1: %2 curators (%3), %4 tags with verdicts\n")
               .arg(name).arg(raters.size()).arg(raters.join(QStringLiteral(", "))).arg(computed->size());
    out << "tag\tcurators\titems\traw\tkappa\n";
    for (const TagAgreement &t : computed.value()) {
        for (const PairAgreement &p : t.pairs)
            out << t.tag << '\t' << raters.at(p.raterA) << '/' << raters.at(p.raterB) << '\t' << p.items << '\t'
                << cell(p.raw) << '\t' << cell(p.cohensKappa) << '\n';
        if (fleiss)
            out << t.tag << "\tfleiss(all)\t" << t.fleissItems << '\t' << cell(t.raw) << '\t' << cell(t.fleissKappa) << '\n';
        else
            out << t.tag << "\tall\t-\t" << cell(t.raw) << "\t-\n";
    }
    return 0;
}

} // namespace taglane::app
