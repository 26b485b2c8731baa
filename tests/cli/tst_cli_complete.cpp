// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli complete end to end: a store with a two-section track whose
// model probabilities are noisy, a few curator verdicts; the command prints
// a suggestion for every uncurated cell of the predicted tags (the same
// values ReviewSuggester gives in-process), the suggestions separate the
// sections better than the probabilities do, --accept-* writes verdicts
// with actor "completion", and bad input gets a clear message.
#include "engine/semantic/reviewsuggestions.h"
#include "engine/store/annotationstore.h"

#include "clirunner.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <random>

using namespace taglane::engine;

namespace {

using Run = taglane::tests::CliRun;

constexpr int kSegments = 16;
const QStringList kTags = {QStringLiteral("Instrument-Piano"), QStringLiteral("Instrument-Strings"),
                           QStringLiteral("Instrument-Drums"), QStringLiteral("Instrument-Bass"),
                           QStringLiteral("Vocals-Male"), QStringLiteral("Vocals-Female")};

/// Truth: tags 0-2 in the first half, tags 3-5 in the second.
bool truth(int segment, int tag)
{
    return (segment < kSegments / 2) == (tag < 3);
}

void writeFile(const QString &path)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(2048, 'a') + path.toUtf8());
}

/// ROC-AUC of scores against truth (ties count half).
double auc(const QVector<double> &scores, const QVector<bool> &labels)
{
    double wins = 0.0;
    int pairs = 0;
    for (int i = 0; i < scores.size(); ++i)
        for (int j = 0; j < scores.size(); ++j)
            if (labels[i] && !labels[j]) {
                ++pairs;
                wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
            }
    return pairs ? wins / pairs : 0.0;
}

} // namespace

class tst_CliComplete : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QString m_store;

private Q_SLOTS:
    void initTestCase()
    {
        m_dir = taglane::tests::tempDir(QStringLiteral("cli-complete"));
        m_store = m_dir + QStringLiteral("/store.db");
        for (const char *name : {"song.wav", "untagged.wav", "unjudged.wav", "partial.wav"})
            writeFile(m_dir + QLatin1Char('/') + QLatin1String(name));
        AnnotationStore store;
        QVERIFY(store.open(m_store).ok());
        store.setVocabulary(Vocabulary::fromNames(kTags));
        const QVector<qint64> tagIds = store.tagIds(kTags);
        ModelManifest model;
        model.version = QStringLiteral("m1");
        QVERIFY(store.registerModelVersion(model).ok());
        std::mt19937 rng(7);
        std::normal_distribution<double> noise(0.0, 1.6);
        for (const char *name : {"song.wav", "untagged.wav", "unjudged.wav", "partial.wav"}) {
            const auto track = store.addTrackFile(m_dir + QLatin1Char('/') + QLatin1String(name), 80.0);
            QVERIFY2(track.ok(), qPrintable(track.error()));
            const auto seg = store.saveSegmentation(track->id, Segmentation::fixedWindows(80.0, 5.0), SegmentSource::Fixed);
            QVERIFY(seg.ok());
            QCOMPARE(seg->size(), kSegments);
            if (QLatin1String(name) == QLatin1String("untagged.wav"))
                continue;
            PredictionBatch batch;
            batch.trackId = track->id;
            batch.modelVersion = model.version;
            batch.tagIds = tagIds;
            for (int s = 0; s < kSegments; ++s) {
                batch.segmentIds << seg->at(s).id;
                for (int t = 0; t < kTags.size(); ++t)
                    batch.probabilities << float(1.0 / (1.0 + std::exp(-((truth(s, t) ? 1.0 : -1.0) + noise(rng)))));
            }
            if (QLatin1String(name) == QLatin1String("partial.wav")) {
                // As an import gives it: a judged cell holds its verdict and no
                // probability; the last tag also lacks one on an unjudged cell.
                QVector<VerdictEdit> edits;
                for (int s = 0; s < kSegments; ++s)
                    for (int t = 0; t < kTags.size(); ++t)
                        if ((s + t) % 4 == 0) {
                            edits.append({seg->at(s).id, tagIds[t], truth(s, t) ? Verdict::Present : Verdict::Absent});
                            batch.probabilities[s * kTags.size() + t] = std::nanf("");
                        }
                batch.probabilities[1 * kTags.size() + kTags.size() - 1] = std::nanf("");
                store.setVerdicts(track->id, edits);
            }
            QVERIFY(store.storePredictions(batch).ok());
            if (QLatin1String(name) == QLatin1String("song.wav")) {
                // About a fifth of the cells judged, every tag and every segment touched.
                QVector<VerdictEdit> edits;
                for (int s = 0; s < kSegments; ++s)
                    for (int t = 0; t < kTags.size(); ++t)
                        if ((s * 7 + t * 3) % 5 == 0)
                            edits.append({seg->at(s).id, tagIds[t], truth(s, t) ? Verdict::Present : Verdict::Absent});
                store.setVerdicts(track->id, edits);
            }
        }
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
    }

    void usageErrors()
    {
        const Run noStore = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("song.wav")});
        QCOMPARE(noStore.exitCode, 2);
        QVERIFY2(noStore.err.contains(QStringLiteral("--store")), qPrintable(noStore.err));
        const Run noTrack = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("--store"), m_store});
        QCOMPARE(noTrack.exitCode, 2);
        QVERIFY2(noTrack.err.contains(QStringLiteral("TRACK")), qPrintable(noTrack.err));
        const Run badNumber = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("--store"), m_store,
                                                      QStringLiteral("song.wav"), QStringLiteral("--accept-above"),
                                                      QStringLiteral("lots")});
        QCOMPARE(badNumber.exitCode, 2);
        QVERIFY2(badNumber.err.contains(QStringLiteral("--accept-above")), qPrintable(badNumber.err));
        const Run crossed = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("--store"), m_store,
                                                    QStringLiteral("song.wav"), QStringLiteral("--accept-above"),
                                                    QStringLiteral("0.3"), QStringLiteral("--accept-below"),
                                                    QStringLiteral("0.6")});
        QCOMPARE(crossed.exitCode, 2);
        QVERIFY2(crossed.err.contains(QStringLiteral("--accept-below")), qPrintable(crossed.err));
        const Run missingStore = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("--store"),
                                                         m_dir + QStringLiteral("/nope.db"), QStringLiteral("song.wav")});
        QCOMPARE(missingStore.exitCode, 2);
        QVERIFY(!QFile::exists(m_dir + QStringLiteral("/nope.db")));
    }

    void tracksThatCannotBeCompleted()
    {
        const Run unknown = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("--store"), m_store,
                                                    QStringLiteral("ghost.wav")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains(QStringLiteral("ghost.wav")), qPrintable(unknown.err));
        const Run untagged = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("--store"), m_store,
                                                     QStringLiteral("untagged.wav")});
        QCOMPARE(untagged.exitCode, 1);
        QVERIFY2(untagged.err.contains(QStringLiteral("no model predictions")), qPrintable(untagged.err));
        const Run unjudged = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("--store"), m_store,
                                                     QStringLiteral("unjudged.wav")});
        QCOMPARE(unjudged.exitCode, 1);
        QVERIFY2(unjudged.err.contains(QStringLiteral("no verdicts")), qPrintable(unjudged.err));
        const Run badVersion = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("--store"), m_store,
                                                       QStringLiteral("song.wav"), QStringLiteral("--model-version"),
                                                       QStringLiteral("m9")});
        QCOMPARE(badVersion.exitCode, 2);
        QVERIFY2(badVersion.err.contains(QStringLiteral("m9")), qPrintable(badVersion.err));
    }

    void printsSuggestions()
    {
        const Run json = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("--store"), m_store,
                                                 QStringLiteral("song.wav"), QStringLiteral("--json"),
                                                 QStringLiteral("--model-version"), QStringLiteral("m1")});
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        QJsonParseError error;
        const QJsonObject doc = QJsonDocument::fromJson(json.out.toUtf8(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc.value(QStringLiteral("modelVersion")).toString(), QStringLiteral("m1"));

        AnnotationStore store;
        QVERIFY(store.open(m_store, AnnotationStore::OpenMode::ReadOnly).ok());
        const qint64 id = doc.value(QStringLiteral("track")).toInteger();
        const auto grid = store.labelGrid(id);
        QVERIFY(grid.ok());
        int curated = 0;
        for (const Verdict v : grid->verdicts)
            curated += v != Verdict::Unknown;
        QVERIFY(curated > 10);
        QCOMPARE(doc.value(QStringLiteral("curatedCells")).toInt(), curated);
        const QJsonArray cells = doc.value(QStringLiteral("suggestions")).toArray();
        QCOMPARE(cells.size(), kSegments * kTags.size() - curated);

        const auto expected = ReviewSuggester::complete(grid.value());
        QVERIFY(expected.ok());
        QVector<double> completed, probabilities;
        QVector<bool> labels;
        for (const QJsonValue &v : cells) {
            const QJsonObject c = v.toObject();
            const int s = c.value(QStringLiteral("segment")).toInt();
            const int t = kTags.indexOf(c.value(QStringLiteral("tag")).toString());
            QVERIFY(t >= 0);
            QCOMPARE(grid->verdict(s, t), Verdict::Unknown);
            QVERIFY(std::abs(c.value(QStringLiteral("value")).toDouble() - expected->value(s, t)) < 1e-9);
            completed << c.value(QStringLiteral("value")).toDouble();
            probabilities << c.value(QStringLiteral("probability")).toDouble();
            labels << truth(s, t);
        }
        const double aucModel = auc(probabilities, labels);
        const double aucCompleted = auc(completed, labels);
        qInfo("ROC-AUC on the uncurated cells: probabilities %.3f, completed %.3f", aucModel, aucCompleted);
        QVERIFY(doc.value(QStringLiteral("sideWeight")).toDouble() > 0.0);   // a completion won the cross-validation
        QVERIFY(aucCompleted > aucModel);

        const Run table = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("--store"), m_store,
                                                  QString::number(id)});
        QCOMPARE(table.exitCode, 0);
        const QStringList lines = table.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2 + cells.size());   // summary, header, one line per cell
        QVERIFY(lines.at(1).startsWith(QStringLiteral("segment\t")));
    }

    void judgedCellsNeedNoProbability()
    {
        const Run run = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("--store"), m_store,
                                                QStringLiteral("partial.wav"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("1 tags lack a probability")), qPrintable(run.err));
        const QJsonObject doc = QJsonDocument::fromJson(run.out.toUtf8()).object();
        QCOMPARE(doc.value(QStringLiteral("skippedTags")).toArray(), QJsonArray{kTags.last()});
        int expected = 0;
        for (int s = 0; s < kSegments; ++s)
            for (int t = 0; t + 1 < kTags.size(); ++t)
                expected += (s + t) % 4 != 0;
        const QJsonArray cells = doc.value(QStringLiteral("suggestions")).toArray();
        QCOMPARE(cells.size(), expected);
        for (const QJsonValue &v : cells)
            QVERIFY(v.toObject().value(QStringLiteral("tag")).toString() != kTags.last());
    }

    void acceptWritesVerdicts()
    {
        const Run run = taglane::tests::runCli({QStringLiteral("complete"), QStringLiteral("--store"), m_store,
                                                QStringLiteral("song"), QStringLiteral("--json"),
                                                QStringLiteral("--accept-above"), QStringLiteral("0.7"),
                                                QStringLiteral("--accept-below"), QStringLiteral("0.3")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject doc = QJsonDocument::fromJson(run.out.toUtf8()).object();
        const int accepted = doc.value(QStringLiteral("accepted")).toInt();
        int expected = 0;
        QHash<QPair<int, QString>, double> values;
        for (const QJsonValue &v : doc.value(QStringLiteral("suggestions")).toArray()) {
            const QJsonObject c = v.toObject();
            const double value = c.value(QStringLiteral("value")).toDouble();
            expected += value >= 0.7 || value <= 0.3;
            values.insert({c.value(QStringLiteral("segment")).toInt(), c.value(QStringLiteral("tag")).toString()}, value);
        }
        QVERIFY(expected > 0);
        QCOMPARE(accepted, expected);

        AnnotationStore store;
        QVERIFY(store.open(m_store, AnnotationStore::OpenMode::ReadOnly).ok());
        const qint64 id = doc.value(QStringLiteral("track")).toInteger();
        const auto grid = store.labelGrid(id);
        QVERIFY(grid.ok());
        for (auto it = values.cbegin(); it != values.cend(); ++it) {
            const Verdict v = grid->verdict(it.key().first, kTags.indexOf(it.key().second));
            const Verdict want = it.value() >= 0.7 ? Verdict::Present : it.value() <= 0.3 ? Verdict::Absent : Verdict::Unknown;
            QCOMPARE(v, want);
        }
        const auto log = store.editLog(id, 5);
        QVERIFY(log.ok());
        QVERIFY(!log->isEmpty());
        QCOMPARE(log->first().kind, QStringLiteral("verdicts"));
        QCOMPARE(log->first().actor, QStringLiteral("completion"));
    }
};

QTEST_GUILESS_MAIN(tst_CliComplete)
#include "tst_cli_complete.moc"
