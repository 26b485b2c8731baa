// SPDX-License-Identifier: GPL-3.0-or-later
// What the review queue buys (issue 12): a simulated curator answers K cells
// of a synthetic library with known truth, in the order each strategy of
// ReviewQueue gives (uncertainty, diverse, disagreement) and in a seeded
// random order, and the model is retrained after every 25 answers. Printed:
// the held-out macro ROC-AUC against K for each strategy, and whether the
// target holds (uncertainty reaches the random strategy's K = 200 figure
// with at most half the answers, i.e. by K = 100).
//
// The library: a pool of synthetic tracks (phrase generator, MuseScore
// General and OPL-3 soundfonts, a domain the start model was not trained
// on) added to an annotation store, each track segmented as its corpus CSV
// is, so every cell has an exact true label; and held-out tracks of another
// seed, evaluated segment by segment (ModelEvaluator, as `taglane-cli
// evaluate`). Each strategy gets its own store, tagged by the start model
// (BatchTagger). A step takes the first cells its queue lists, writes the
// true verdicts into the store (a cell whose truth is unknown, such as a
// mode nobody can hear, is skipped and not counted), retrains the START
// model on all verdicts so far (Retrainer::curatedFromStore, no hold-out:
// the held-out tracks measure), re-tags the pool with the new version (so
// the queue ranks by it) and evaluates it on the held-out tracks. The
// disagreement queue is empty while only one version has tagged the pool:
// its first step is filled from the uncertainty queue (reported).
//
// Environment: TAGLANE_BENCH_QUEUE_DIR keeps corpora and results (default: a
// temp folder); TAGLANE_BENCH_POOL (32) and TAGLANE_BENCH_HELDOUT (20)
// tracks; TAGLANE_BENCH_KMAX (200); TAGLANE_BENCH_STEP (25);
// TAGLANE_BENCH_STRATEGIES ("uncertainty,diverse,disagreement,random";
// "random:SEED" is the random curator with another seed, default 20261202);
// TAGLANE_BENCH_MODEL the start bundle (default resources/models/
// instruments.tlmodel); TAGLANE_BENCH_THREADS (1); TAGLANE_RETRAIN_EPOCHS
// and TAGLANE_RETRAIN_ADAPT_EPOCHS override the retrainer's (0 / -1: its
// own), TAGLANE_RETRAIN_{EVIDENCE,DISTILL,ADAPT_DISTILL} its tuning
// (RetrainTuning: evidenceSegments, distill, adaptDistill). Run it with
// nice -n 10 and OMP_WAIT_POLICY=PASSIVE on a shared machine. Results also
// go to DIR/results.json; the measured table is in engine/studies/STUDIES.md
// (section 6).
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/corpus/soundfontlibrary.h"
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/library/batchtagger.h"
#include "engine/library/librarybuilder.h"
#include "engine/library/reviewqueue.h"
#include "engine/model/modelbundle.h"
#include "engine/model/tagger.h"
#include "engine/store/annotationstore.h"
#include "engine/train/modelevaluator.h"
#include "engine/train/retrainer.h"

#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace taglane::engine;

namespace {

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariable(name).toInt(&ok);
    return ok ? v : fallback;
}

double envDouble(const char *name, double fallback)
{
    bool ok = false;
    const double v = qEnvironmentVariable(name).toDouble(&ok);
    return ok ? v : fallback;
}

QString generate(const QString &dir, int tracks, quint64 seed)
{
    if (QFileInfo::exists(dir + QStringLiteral("/corpus.json")))
        return {};
    const auto fonts = SoundfontLibrary::resolveList({QStringLiteral("musescore"), QStringLiteral("opl3")});
    if (!fonts)
        return fonts.error();
    SynthCorpusOptions options;
    options.tracks = tracks;
    options.seed = seed;
    options.channels = 1;
    options.sampleRate = 16000;
    options.generator = Generator::Phrase;
    options.soundfonts = fonts.value();
    options.outDir = dir;
    const auto done = SynthCorpusGenerator::generate(options);
    return done ? QString() : done.error();
}

/// One cell of the pool: indices into the corpus (track, segment, CSV tag column).
struct Cell
{
    int track = 0;
    int segment = 0;
    int tag = 0;
    bool operator==(const Cell &o) const { return track == o.track && segment == o.segment && tag == o.tag; }
};

size_t qHash(const Cell &c, size_t seed = 0)
{
    return ::qHash((qint64(c.track) * 4096 + c.segment) * 256 + c.tag, seed);
}

/// A strategy's store: the pool with corpus segments, store ids by corpus index.
struct PoolStore
{
    AnnotationStore store;
    QVector<qint64> trackIds;               ///< by corpus track
    QVector<QVector<qint64>> segmentIds;    ///< [track][segment]
    QHash<qint64, int> trackIndex;          ///< store id -> corpus track
    QHash<qint64, int> segmentIndex;        ///< store segment id -> segment index
};

struct StepFigures
{
    int k = 0;
    double auc = std::nan("");
    int fromFallback = 0;     ///< cells taken from the uncertainty queue (disagreement, first step)
    int skipped = 0;          ///< cells the queue listed whose truth is unknown
    int curatedTracks = 0;
    double retrainSeconds = 0, tagSeconds = 0, evalSeconds = 0;
};

} // namespace

class BenchReviewQueue : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QString m_base;
    QString m_heldOut;
    QVector<LabelledTrack> m_pool;
    QHash<QString, int> m_trackByPath;      ///< absolute audio path -> corpus track
    QVector<Cell> m_cells;                  ///< every pool cell with a known truth, in corpus order
    int m_step = 25;
    int m_kMax = 200;
    int m_threads = 1;
    double m_baseAuc = std::nan("");
    QMap<QString, QVector<StepFigures>> m_results;
    QStringList m_order;
    QElapsedTimer m_clock;

    float truth(const Cell &c) const { return m_pool.at(c.track).value(c.segment, c.tag); }

    /// Adds the pool to a new store with the corpus segments and tags it with the start model.
    QString makeStore(PoolStore &pool, const QString &path)
    {
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral(".lock")})
            QFile::remove(path + suffix);
        const auto opened = pool.store.open(path, AnnotationStore::OpenMode::ReadWrite);
        if (!opened)
            return opened.error();
        LibraryBuilder builder(pool.store);
        const qint64 before = pool.store.lastEditSeq();
        for (int t = 0; t < m_pool.size(); ++t) {
            const auto added = builder.addFile(m_pool.at(t).audioPath);
            if (!added)
                return added.error();
            const auto saved = pool.store.saveSegmentation(added->track.id, m_pool.at(t).segments, SegmentSource::Import,
                                                           QStringLiteral("corpus"));
            if (!saved)
                return saved.error();
            pool.trackIds << added->track.id;
            pool.trackIndex.insert(added->track.id, t);
            QVector<qint64> ids;
            for (const Segment &s : saved->segments()) {
                pool.segmentIndex.insert(s.id, int(ids.size()));
                ids << s.id;
            }
            pool.segmentIds << ids;
        }
        if (const Status saved = pool.store.waitForSaved(before, pool.store.lastEditSeq()); !saved)
            return saved.error();
        return tagPool(pool, m_base, nullptr);
    }

    /// Tags every pool track the bundle's version has not tagged.
    QString tagPool(PoolStore &pool, const QString &bundleFolder, double *seconds)
    {
        QElapsedTimer clock;
        clock.start();
        const auto bundle = ModelBundle::open(bundleFolder);
        if (!bundle)
            return bundle.error();
        const auto tagger = Tagger::load(bundle.value(), DevicePreference::Cpu);
        if (!tagger)
            return tagger.error();
        BatchTagger batch(pool.store, *tagger.value(), BatchTagger::Options{});
        const auto todo = batch.untaggedTracks();
        if (!todo)
            return todo.error();
        QString failure;
        const Status done = batch.run(todo.value(), [&](int, const BatchTrackResult &r) {
            if (r.outcome != BatchTrackResult::Outcome::Tagged && failure.isEmpty())
                failure = r.track.path + QStringLiteral(": ") + r.error;
        });
        if (!done)
            return done.error();
        if (seconds)
            *seconds = clock.elapsed() / 1000.0;
        return failure;
    }

    /// The next `want` cells a strategy asks about, as corpus cells; NaN-truth cells go to `skipped`.
    /// `randomOrder` empty: a queue strategy; else the random curator's order.
    QVector<Cell> nextCells(PoolStore &pool, const QString &strategy, const QVector<Cell> &randomOrder, int want,
                            const QSet<Cell> &answered, QSet<Cell> &skipped, int &randomCursor, int &fromFallback,
                            QString &error)
    {
        QVector<Cell> picked;
        if (!randomOrder.isEmpty()) {
            while (picked.size() < want && randomCursor < randomOrder.size())
                picked << randomOrder.at(randomCursor++);
            return picked;
        }
        const auto take = [&](ReviewQueue::Strategy s) {
            ReviewQueue::Options options;
            options.strategy = s;
            options.limit = want + int(skipped.size()) + 64;
            const auto cells = ReviewQueue::build(pool.store.path(), options);
            if (!cells) {
                error = cells.error();
                return 0;
            }
            int taken = 0;
            for (const ReviewCell &rc : cells.value()) {
                if (picked.size() >= want)
                    break;
                const int t = pool.trackIndex.value(rc.trackId, -1);
                const int s = pool.segmentIndex.value(rc.segmentId, -1);
                const int g = t >= 0 ? m_pool.at(t).tags.indexOf(rc.tag) : -1;
                if (t < 0 || s < 0 || g < 0) {
                    error = QStringLiteral("the queue listed a cell outside the pool: %1 %2").arg(rc.trackPath, rc.tag);
                    return taken;
                }
                const Cell c{t, s, g};
                if (answered.contains(c) || picked.contains(c) || skipped.contains(c))
                    continue;
                if (std::isnan(truth(c))) {
                    skipped.insert(c);
                    continue;
                }
                picked << c;
                ++taken;
            }
            return taken;
        };
        const auto parsed = ReviewQueue::parseStrategy(strategy);
        if (!parsed) {
            error = parsed.error();
            return picked;
        }
        take(parsed.value());
        if (picked.size() < want && error.isEmpty() && parsed.value() == ReviewQueue::Strategy::Disagreement)
            fromFallback += take(ReviewQueue::Strategy::Uncertainty);
        return picked;
    }

    QString writeVerdicts(PoolStore &pool, const QVector<Cell> &cells)
    {
        QMap<int, QVector<VerdictEdit>> byTrack;
        for (const Cell &c : cells) {
            const qint64 tagId = pool.store.tagId(m_pool.at(c.track).tags.at(c.tag).name);
            if (tagId <= 0)
                return QStringLiteral("the store has no tag %1").arg(m_pool.at(c.track).tags.at(c.tag).name);
            byTrack[c.track] << VerdictEdit{pool.segmentIds.at(c.track).at(c.segment), tagId,
                                            truth(c) > 0.5f ? Verdict::Present : Verdict::Absent};
        }
        const qint64 before = pool.store.lastEditSeq();
        for (auto it = byTrack.cbegin(); it != byTrack.cend(); ++it)
            if (pool.store.setVerdicts(pool.trackIds.at(it.key()), it.value(), QStringLiteral("bench")) <= 0)
                return QStringLiteral("the store refused the verdicts");
        const Status saved = pool.store.waitForSaved(before, pool.store.lastEditSeq());
        return saved ? QString() : saved.error();
    }

    void printTable() const
    {
        QString head = QStringLiteral("%1").arg(QStringLiteral("K"), 5);
        for (const QString &s : m_order)
            head += QStringLiteral(" %1").arg(s, 13);
        qInfo("%s", qPrintable(head));
        for (int k = 0; k <= m_kMax; k += m_step) {
            QString row = QStringLiteral("%1").arg(k, 5);
            for (const QString &s : m_order) {
                double auc = std::nan("");
                for (const StepFigures &f : m_results.value(s))
                    if (f.k == k)
                        auc = f.auc;
                row += QStringLiteral(" %1").arg(std::isfinite(auc) ? QString::number(auc, 'f', 4) : QStringLiteral("-"), 13);
            }
            qInfo("%s", qPrintable(row));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_clock.start();
        m_base = qEnvironmentVariable("TAGLANE_BENCH_MODEL");
        if (m_base.isEmpty())
            m_base = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel");
        if (!QFileInfo::exists(m_base + QStringLiteral("/manifest.json")))
            QSKIP(qPrintable(QStringLiteral("%1 is absent").arg(m_base)));
        if (!SoundfontLibrary::resolveList({QStringLiteral("musescore"), QStringLiteral("opl3")}))
            QSKIP("the MuseScore General and OPL-3 soundfonts are not both installed");
        m_step = std::max(1, envInt("TAGLANE_BENCH_STEP", 25));
        m_kMax = std::max(m_step, envInt("TAGLANE_BENCH_KMAX", 200));
        m_threads = std::max(1, envInt("TAGLANE_BENCH_THREADS", 1));
        configureTorchThreads(m_threads);
        m_dir = qEnvironmentVariable("TAGLANE_BENCH_QUEUE_DIR");
        if (m_dir.isEmpty())
            m_dir = taglane::tests::tempDir(QStringLiteral("bench_reviewqueue"));
        const int poolTracks = envInt("TAGLANE_BENCH_POOL", 32);
        const int heldOutTracks = envInt("TAGLANE_BENCH_HELDOUT", 20);
        const QString pool = m_dir + QStringLiteral("/pool-%1").arg(poolTracks);
        m_heldOut = m_dir + QStringLiteral("/heldout-%1").arg(heldOutTracks);
        QString failed = generate(pool, poolTracks, 1201);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        failed = generate(m_heldOut, heldOutTracks, 1202);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const auto read = LabelledAudioFolder::read(pool);
        QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error()));
        m_pool = read->tracks;
        QCOMPARE(m_pool.size(), poolTracks);
        int segments = 0, positives = 0;
        double seconds = 0;
        for (int t = 0; t < m_pool.size(); ++t) {
            const LabelledTrack &track = m_pool.at(t);
            seconds += track.durationSeconds;
            segments += track.segments.size();
            for (int s = 0; s < track.segments.size(); ++s)
                for (int g = 0; g < track.tags.size(); ++g)
                    if (!std::isnan(track.value(s, g))) {
                        m_cells << Cell{t, s, g};
                        positives += track.value(s, g) > 0.5f ? 1 : 0;
                    }
        }
        const auto before = ModelEvaluator::evaluate(m_base, m_heldOut);
        QVERIFY2(before.ok(), qPrintable(before.ok() ? QString() : before.error()));
        m_baseAuc = before->report.macroRocAuc;
        qInfo("start model %s (%s); pool %d tracks, %.0f s, %d segments, %d cells with a known truth (%d present); "
              "held-out %d tracks, %d segments; K up to %d, retrain every %d; %d thread(s)",
              qPrintable(before->manifest.name), qPrintable(before->manifest.version), int(m_pool.size()), seconds,
              segments, int(m_cells.size()), positives, before->tracks, before->input.examples,
              m_kMax, m_step, m_threads);
        qInfo("K = 0: held-out macro ROC-AUC %.4f", m_baseAuc);
    }

    void curve_data()
    {
        QTest::addColumn<QString>("strategy");
        QString list = qEnvironmentVariable("TAGLANE_BENCH_STRATEGIES");
        if (list.isEmpty())
            list = QStringLiteral("uncertainty,diverse,disagreement,random");
        for (const QString &s : list.split(QLatin1Char(','), Qt::SkipEmptyParts))
            QTest::newRow(qPrintable(s.trimmed())) << s.trimmed();
    }

    void curve()
    {
        QFETCH(QString, strategy);
        QVERIFY2(strategy.section(QLatin1Char(':'), 0, 0) == QLatin1String("random") || ReviewQueue::parseStrategy(strategy).ok(),
                 qPrintable(strategy));
        const QString folder = m_dir + QLatin1Char('/') + QString(strategy).replace(QLatin1Char(':'), QLatin1Char('-'));
        QDir(folder).removeRecursively();
        QVERIFY(QDir().mkpath(folder));
        QElapsedTimer clock;
        clock.start();
        PoolStore pool;
        QString failed = makeStore(pool, folder + QStringLiteral("/store.sqlite"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QVector<StepFigures> figures{StepFigures{0, m_baseAuc}};
        QSet<Cell> answered, skipped;
        int randomCursor = 0;
        // The random curator: a seeded order of every cell with a known truth.
        const bool isRandom = strategy.section(QLatin1Char(':'), 0, 0) == QLatin1String("random");
        QVector<Cell> randomOrder = m_cells;
        if (isRandom) {
            bool ok = true;
            const QString seedText = strategy.section(QLatin1Char(':'), 1);
            const quint32 seed = seedText.isEmpty() ? 20261202u : seedText.toUInt(&ok);
            QVERIFY2(ok, qPrintable(QStringLiteral("random:SEED needs a number: %1").arg(strategy)));
            QRandomGenerator rng(seed);
            for (int i = int(randomOrder.size()) - 1; i > 0; --i)
                std::swap(randomOrder[i], randomOrder[int(rng.bounded(i + 1))]);
        }
        for (int k = m_step; k <= m_kMax; k += m_step) {
            StepFigures f;
            f.k = k;
            const QVector<Cell> cells = nextCells(pool, strategy, isRandom ? randomOrder : QVector<Cell>{}, m_step, answered, skipped, randomCursor, f.fromFallback, failed);
            QVERIFY2(failed.isEmpty(), qPrintable(failed));
            QVERIFY2(cells.size() == m_step, qPrintable(QStringLiteral("%1 listed only %2 answerable cells").arg(strategy).arg(cells.size())));
            failed = writeVerdicts(pool, cells);
            QVERIFY2(failed.isEmpty(), qPrintable(failed));
            for (const Cell &c : cells)
                answered.insert(c);
            f.skipped = int(skipped.size());

            const auto curated = Retrainer::curatedFromStore(pool.store);
            QVERIFY2(curated.ok(), qPrintable(curated.ok() ? QString() : curated.error()));
            f.curatedTracks = int(curated->size());
            RetrainRequest request;
            request.baseBundle = m_base;
            request.curated = curated.value();
            request.outputFolder = folder + QStringLiteral("/k%1.tlmodel").arg(k, 3, 10, QLatin1Char('0'));
            request.modelName = QStringLiteral("%1 K=%2").arg(strategy).arg(k);
            request.holdOutFraction = 0.0;
            request.threads = m_threads;
            request.epochs = envInt("TAGLANE_RETRAIN_EPOCHS", 0);
            request.tuning.adaptEpochs = envInt("TAGLANE_RETRAIN_ADAPT_EPOCHS", request.tuning.adaptEpochs);
            request.tuning.evidenceSegments = envDouble("TAGLANE_RETRAIN_EVIDENCE", request.tuning.evidenceSegments);
            request.tuning.distill = envDouble("TAGLANE_RETRAIN_DISTILL", request.tuning.distill);
            request.tuning.adaptDistill = envDouble("TAGLANE_RETRAIN_ADAPT_DISTILL", request.tuning.adaptDistill);
            QElapsedTimer step;
            step.start();
            const auto outcome = Retrainer::run(request);
            QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error()));
            f.retrainSeconds = step.elapsed() / 1000.0;
            failed = tagPool(pool, outcome->bundleFolder, &f.tagSeconds);
            QVERIFY2(failed.isEmpty(), qPrintable(failed));
            step.restart();
            const auto after = ModelEvaluator::evaluate(outcome->bundleFolder, m_heldOut);
            QVERIFY2(after.ok(), qPrintable(after.ok() ? QString() : after.error()));
            f.evalSeconds = step.elapsed() / 1000.0;
            f.auc = after->report.macroRocAuc;
            int present = 0;
            for (const Cell &c : answered)
                present += truth(c) > 0.5f ? 1 : 0;
            qInfo("%-12s K=%3d: macro ROC-AUC %.4f (%d present of %d answered, %d tracks curated, %d skipped, %d from the "
                  "uncertainty queue); retrain %.1f s, tag pool %.1f s, evaluate %.1f s; %.0f s since start",
                  qPrintable(strategy), k, f.auc, present, int(answered.size()), f.curatedTracks, f.skipped,
                  f.fromFallback, f.retrainSeconds, f.tagSeconds, f.evalSeconds, m_clock.elapsed() / 1000.0);
            figures << f;
            QVERIFY(std::isfinite(f.auc));
        }
        pool.store.close();
        m_results.insert(strategy, figures);
        m_order << strategy;
        qInfo("%s: %.0f s", qPrintable(strategy), clock.elapsed() / 1000.0);
    }

    void cleanupTestCase()
    {
        if (m_results.isEmpty())
            return;
        printTable();
        QJsonObject root;
        root.insert(QStringLiteral("base"), m_base);
        root.insert(QStringLiteral("step"), m_step);
        root.insert(QStringLiteral("seconds"), m_clock.elapsed() / 1000.0);
        root.insert(QStringLiteral("pool_tracks"), int(m_pool.size()));
        root.insert(QStringLiteral("held_out"), m_heldOut);
        QJsonObject tuning;
        for (const char *name : {"TAGLANE_RETRAIN_EPOCHS", "TAGLANE_RETRAIN_ADAPT_EPOCHS", "TAGLANE_RETRAIN_EVIDENCE",
                                 "TAGLANE_RETRAIN_DISTILL", "TAGLANE_RETRAIN_ADAPT_DISTILL"})
            if (qEnvironmentVariableIsSet(name))
                tuning.insert(QString::fromLatin1(name), qEnvironmentVariable(name));
        root.insert(QStringLiteral("overrides"), tuning);
        for (auto it = m_results.cbegin(); it != m_results.cend(); ++it) {
            QJsonArray rows;
            for (const StepFigures &f : it.value())
                rows.append(QJsonObject{{QStringLiteral("k"), f.k},
                                        {QStringLiteral("roc_auc"), f.auc},
                                        {QStringLiteral("retrain_s"), f.retrainSeconds},
                                        {QStringLiteral("tag_s"), f.tagSeconds},
                                        {QStringLiteral("eval_s"), f.evalSeconds},
                                        {QStringLiteral("curated_tracks"), f.curatedTracks},
                                        {QStringLiteral("skipped"), f.skipped},
                                        {QStringLiteral("from_uncertainty"), f.fromFallback}});
            root.insert(it.key(), rows);
        }
        QFile out(m_dir + QStringLiteral("/results.json"));
        if (out.open(QIODevice::WriteOnly))
            out.write(QJsonDocument(root).toJson());
        // Target: uncertainty reaches random's K = kMax figure by K = kMax / 2.
        const auto aucAt = [&](const QString &s, int k) {
            for (const StepFigures &f : m_results.value(s))
                if (f.k == k)
                    return f.auc;
            return std::nan("");
        };
        const double randomEnd = aucAt(QStringLiteral("random"), m_kMax);
        if (!std::isfinite(randomEnd) || !m_results.contains(QStringLiteral("uncertainty"))) {
            qInfo("target not judged: uncertainty and random both need K = %d", m_kMax);
            return;
        }
        int reached = -1;
        for (const StepFigures &f : m_results.value(QStringLiteral("uncertainty")))
            if (f.auc >= randomEnd) {
                reached = f.k;
                break;
            }
        qInfo("target (uncertainty reaches random's K = %d figure %.4f by K = %d): %s (%s); total %.0f s", m_kMax,
              randomEnd, m_kMax / 2, reached >= 0 && reached <= m_kMax / 2 ? "MET" : "NOT MET",
              reached >= 0 ? qPrintable(QStringLiteral("first at K = %1").arg(reached)) : "never reached",
              m_clock.elapsed() / 1000.0);
    }
};

int main(int argc, char **argv)
{
    // One strategy runs many retrains: longer than QtTest's 5-minute default.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "14400000");
    QCoreApplication app(argc, argv);
    BenchReviewQueue bench;
    return QTest::qExec(&bench, argc, argv);
}

#include "bench_reviewqueue.moc"
