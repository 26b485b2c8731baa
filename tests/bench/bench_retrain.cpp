// SPDX-License-Identifier: GPL-3.0-or-later
// Retraining with a new tag, as a curator would: from the shipped default
// model, add a tag it has never seen and curate K
// segments (K = 10, 25, 50, 100; half positive where the corpus allows) of a
// corpus with another seed: each curated segment carries verdicts on every
// tag (old tags from the corpus truth, plus the new one), the other segments
// none. Retrainer::run grows the output layer and refits it; the new tag's
// ROC-AUC and the old tags' macro ROC-AUC are measured on a third corpus
// (every segment), before and after, with the retrain's wall time.
// Two new tags, read from the synthetic corpus's corpus.json:
// - "Song-Very_Fast_Tempo": 140 bpm or more. The corpus's fast segments span
//   116-160 bpm, so this splits a tag the model knows by tempo alone;
// - "Instrument_-_Electric_Guitar_(distorted)" (a CAL500 tag): an electric
//   guitar on General MIDI program 29 or 30 (overdriven, distortion) rather
//   than 26 or 27 (jazz, clean): a timbre inside a family the model knows.
// Targets: AUC >= 0.9 at K = 50, retrain < 60 s on 2 cores, old-tag macro AUC
// drop <= 0.01.
//
// Environment: TAGLANE_BENCH_RETRAIN_DIR keeps the corpora between runs
// (generated when absent); TAGLANE_BENCH_THREADS (default 2);
// TAGLANE_BENCH_K (e.g. "50") runs one K; TAGLANE_BENCH_TAG ("tempo" or
// "distorted") one tag; TAGLANE_BENCH_MODEL another base
// bundle, or several separated by ':' (each row runs on each of them, side
// by side: e.g. the taglane-cnn and the taglane-cnn2 bundles); TAGLANE_RETRAIN_{RIDGE,PULL,DISTILL,WINDOWS,EPOCHS,ADAPT_EPOCHS,
// ADAPT_LR,ADAPT_DISTILL,ADAPT_MODULES,EVIDENCE} override the tuning (for measurements).
// On a shared, oversubscribed machine run it with OMP_WAIT_POLICY=PASSIVE:
// LibTorch's OpenMP threads otherwise spin-wait against other processes (K=50
// measured 97 s at 2 threads and load 6 without it, 33 s with it).
// Under heavy load a row can pass QtTest's 5-minute function limit: set
// QTEST_FUNCTION_TIMEOUT=3600000 (ms) there.
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/model/modelbundle.h"
#include "engine/train/modelevaluator.h"
#include "engine/train/retrainer.h"

#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <functional>
#include <limits>
#include <tuple>

using namespace taglane::engine;

namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

/// A tag the default model has never seen, defined on corpus.json segments.
struct NewTag
{
    QString slug;
    Tag tag;
    std::function<bool(const QJsonObject &segment)> holds;
};

const QVector<NewTag> &newTags()
{
    static const QVector<NewTag> tags{
        {QStringLiteral("tempo"), Tag{QStringLiteral("Song-Very_Fast_Tempo"), QStringLiteral("Song")},
         [](const QJsonObject &segment) { return segment.value(QStringLiteral("bpm")).toInt() >= 140; }},
        {QStringLiteral("distorted"),
         Tag{QStringLiteral("Instrument_-_Electric_Guitar_(distorted)"), QStringLiteral("Instrument")},
         [](const QJsonObject &segment) {
             for (const QJsonValue &i : segment.value(QStringLiteral("instruments")).toArray()) {
                 const QJsonObject o = i.toObject();
                 const int program = o.value(QStringLiteral("program")).toInt();
                 if (o.value(QStringLiteral("family")).toString() == QLatin1String("electric guitar")
                     && (program == 29 || program == 30))
                     return true;
             }
             return false;
         }},
    };
    return tags;
}

const NewTag *findNewTag(const QString &slug)
{
    for (const NewTag &t : newTags())
        if (t.slug == slug)
            return &t;
    return nullptr;
}

/// Per track (by audio file name) the new tag's value of each segment.
QHash<QString, std::vector<float>> newTagValues(const QString &folder, const NewTag &rule)
{
    QHash<QString, std::vector<float>> out;
    QFile f(folder + QStringLiteral("/corpus.json"));
    if (!f.open(QIODevice::ReadOnly))
        return out;
    const QJsonArray tracks = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("tracks")).toArray();
    for (const QJsonValue &t : tracks) {
        std::vector<float> v;
        for (const QJsonValue &s : t.toObject().value(QStringLiteral("segments")).toArray())
            v.push_back(rule.holds(s.toObject()) ? 1.0f : 0.0f);
        out.insert(t.toObject().value(QStringLiteral("audio")).toString(), v);
    }
    return out;
}

/// Adds the new tag as the last column; cells not in `known` become unknown.
void addColumn(LabelledTrack &track, const Tag &tag, const std::vector<float> &values, const std::vector<char> *known)
{
    const int oldTags = track.tags.size();
    QVector<Tag> tags = track.tags.tags();
    tags << tag;
    track.tags = Vocabulary(tags);
    std::vector<float> grown;
    for (int s = 0; s < track.segments.size(); ++s) {
        for (int t = 0; t < oldTags; ++t)
            grown.push_back(track.values[size_t(s) * size_t(oldTags) + size_t(t)]);
        const bool isKnown = !known || (*known)[size_t(s)];
        grown.push_back(isKnown && size_t(s) < values.size() ? values[size_t(s)] : kNan);
    }
    track.values = grown;
}

/// Writes the held-out folder's CSVs with the new column (audio linked).
bool writeAugmented(const QVector<LabelledTrack> &tracks, const QString &dir)
{
    QDir().mkpath(dir);
    for (const LabelledTrack &t : tracks) {
        const QString audio = QFileInfo(t.audioPath).fileName();
        QFile::link(t.audioPath, dir + QLatin1Char('/') + audio);
        QFile csv(dir + QLatin1Char('/') + QFileInfo(t.audioPath).completeBaseName() + QStringLiteral(".csv"));
        if (!csv.open(QIODevice::WriteOnly))
            return false;
        csv.write("Start_Time,End_Time," + t.tags.names().join(QLatin1Char(',')).toUtf8() + "\n");
        for (int s = 0; s < t.segments.size(); ++s) {
            QStringList row{QString::number(t.segments.at(s).start, 'f', 3), QString::number(t.segments.at(s).end, 'f', 3)};
            for (int c = 0; c < t.tags.size(); ++c) {
                const float v = t.value(s, c);
                row << (std::isnan(v) ? QString() : QString::number(int(v)));
            }
            csv.write(row.join(QLatin1Char(',')).toUtf8() + "\n");
        }
    }
    return true;
}

double oldTagsMacroAuc(const ModelEvaluation &ev, const QString &newTag)
{
    double sum = 0;
    int n = 0;
    for (int t = 0; t < ev.manifest.tags.size(); ++t) {
        if (ev.manifest.tags.at(t).name == newTag)
            continue;
        const double a = ev.report.perTag[size_t(t)].rocAuc;
        if (std::isfinite(a)) {
            sum += a;
            ++n;
        }
    }
    return n ? sum / n : std::nan("");
}

double envDouble(const char *name, double fallback)
{
    bool ok = false;
    const double v = qEnvironmentVariable(name).toDouble(&ok);
    return ok ? v : fallback;
}

bool generate(const QString &dir, int tracks, quint64 seed)
{
    if (QFileInfo::exists(dir + QStringLiteral("/corpus.json")))
        return true;
    SynthCorpusOptions options;
    options.tracks = tracks;
    options.seed = seed;
    options.channels = 1;
    options.outDir = dir;
    return SynthCorpusGenerator::generate(options).ok();
}

} // namespace

class BenchRetrain : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QStringList m_bases;
    QVector<LabelledTrack> m_train;
    QHash<QString, double> m_oldBefore;  ///< per base bundle

private Q_SLOTS:
    void initTestCase()
    {
        m_bases = qEnvironmentVariable("TAGLANE_BENCH_MODEL").split(QLatin1Char(':'), Qt::SkipEmptyParts);
        if (m_bases.isEmpty())
            m_bases << QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel");
        for (const QString &base : m_bases)
            if (!QFileInfo::exists(base + QStringLiteral("/manifest.json")))
                QSKIP(qPrintable(QStringLiteral("%1 is absent").arg(base)));
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        m_dir = qEnvironmentVariable("TAGLANE_BENCH_RETRAIN_DIR");
        if (m_dir.isEmpty())
            m_dir = taglane::tests::tempDir(QStringLiteral("bench_retrain"));
        QVERIFY(generate(m_dir + QStringLiteral("/train"), 40, 3001));
        QVERIFY(generate(m_dir + QStringLiteral("/test"), 30, 3002));
        LabelledAudioFolder::Options options;
        options.probeAudio = false;
        auto test = LabelledAudioFolder::read(m_dir + QStringLiteral("/test"), options);
        QVERIFY(test.ok());
        auto train = LabelledAudioFolder::read(m_dir + QStringLiteral("/train"), options);
        QVERIFY(train.ok());
        m_train = train->tracks;
        for (const NewTag &rule : newTags()) {
            const auto testValues = newTagValues(m_dir + QStringLiteral("/test"), rule);
            QVector<LabelledTrack> held = test->tracks;
            for (LabelledTrack &t : held)
                addColumn(t, rule.tag, testValues.value(QFileInfo(t.audioPath).fileName()), nullptr);
            const QString folder = m_dir + QStringLiteral("/heldout-") + rule.slug;
            QDir(folder).removeRecursively();
            QVERIFY(writeAugmented(held, folder));
            int positives = 0, segments = 0;
            for (const LabelledTrack &t : held)
                for (int s = 0; s < t.segments.size(); ++s, ++segments)
                    positives += t.value(s, t.tags.size() - 1) > 0.5f ? 1 : 0;
            int trainPositives = 0;
            for (const std::vector<float> &v : newTagValues(m_dir + QStringLiteral("/train"), rule))
                for (float x : v)
                    trainPositives += x > 0.5f ? 1 : 0;
            for (int b = 0; b < m_bases.size(); ++b) {
                if (m_oldBefore.contains(m_bases[b]))
                    continue;
                auto before = ModelEvaluator::evaluate(m_bases[b], folder);
                QVERIFY2(before.ok(), qPrintable(before.ok() ? QString() : before.error()));
                m_oldBefore.insert(m_bases[b], oldTagsMacroAuc(before.value(), rule.tag.name));
                qInfo("base %d: %s (%s, %s); held-out corpus: %d tracks, %d segments; old-tag macro AUC %.4f", b,
                      qPrintable(before->manifest.name), qPrintable(before->manifest.architecture),
                      qPrintable(before->manifest.version), int(held.size()), segments, m_oldBefore.value(m_bases[b]));
            }
            qInfo("new tag %s: %d held-out positives, %d positives in the curation corpus", qPrintable(rule.tag.name),
                  positives, trainPositives);
        }
    }

    void retrainWithNewTag_data()
    {
        QTest::addColumn<QString>("slug");
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("base");
        const QString only = qEnvironmentVariable("TAGLANE_BENCH_K");
        const QString onlyTag = qEnvironmentVariable("TAGLANE_BENCH_TAG");
        for (const NewTag &rule : newTags()) {
            if (!onlyTag.isEmpty() && onlyTag != rule.slug)
                continue;
            for (int k : {10, 25, 50, 100}) {
                if (!only.isEmpty() && !only.split(QLatin1Char(',')).contains(QString::number(k)))
                    continue;
                for (int b = 0; b < m_bases.size(); ++b) {
                    const QString row = m_bases.size() == 1 ? QStringLiteral("%1 K=%2").arg(rule.slug).arg(k)
                                                            : QStringLiteral("%1 K=%2 base %3").arg(rule.slug).arg(k).arg(b);
                    QTest::newRow(qPrintable(row)) << rule.slug << k << b;
                }
            }
        }
    }

    void retrainWithNewTag()
    {
        QFETCH(QString, slug);
        QFETCH(int, k);
        QFETCH(int, base);
        const QString baseBundle = m_bases.value(base);
        const NewTag *rule = findNewTag(slug);
        QVERIFY(rule);
        const QString heldOut = m_dir + QStringLiteral("/heldout-") + slug;
        // Curate K segments: positives and negatives in track order, half each
        // where the corpus has enough. A curated segment has verdicts on every tag.
        const auto values = newTagValues(m_dir + QStringLiteral("/train"), *rule);
        QVector<LabelledTrack> curated;
        int positives = 0, negatives = 0;
        const int wantPositives = k / 2;
        int available = 0;
        for (const LabelledTrack &t : m_train)
            for (float v : values.value(QFileInfo(t.audioPath).fileName()))
                available += v > 0.5f ? 1 : 0;
        const int takePositives = std::min(wantPositives, available);
        const int takeNegatives = k - takePositives;
        for (LabelledTrack t : m_train) {
            const std::vector<float> v = values.value(QFileInfo(t.audioPath).fileName());
            std::vector<char> known(v.size(), 0);
            bool any = false;
            for (size_t s = 0; s < v.size(); ++s) {
                const bool pos = v[s] > 0.5f;
                if ((pos && positives < takePositives) || (!pos && negatives < takeNegatives)) {
                    known[s] = 1;
                    any = true;
                    (pos ? positives : negatives)++;
                }
            }
            addColumn(t, rule->tag, v, &known);
            // Old tags: verdicts only on the curated segments.
            for (int s = 0; s < t.segments.size(); ++s)
                if (!known[size_t(s)])
                    for (int c = 0; c < t.tags.size(); ++c)
                        t.values[size_t(s) * size_t(t.tags.size()) + size_t(c)] = kNan;
            if (any)
                curated << t;
        }
        auto bundle = ModelBundle::open(baseBundle);
        QVERIFY(bundle.ok());
        QVector<Tag> tags = bundle->manifest().tags.tags();
        tags << rule->tag;
        RetrainRequest request;
        request.baseBundle = baseBundle;
        request.curated = curated;
        request.tags = Vocabulary(tags);
        request.outputFolder = m_dir + QStringLiteral("/%1-k%2-base%3.tlmodel").arg(slug).arg(k).arg(base);
        QDir(request.outputFolder).removeRecursively();
        request.holdOutFraction = 0.0;  // measured on the held-out corpus instead
        request.threads = int(envDouble("TAGLANE_BENCH_THREADS", 2));
        request.seed = 1;
        request.epochs = int(envDouble("TAGLANE_RETRAIN_EPOCHS", 0));
        request.tuning.newTagRidge = envDouble("TAGLANE_RETRAIN_RIDGE", request.tuning.newTagRidge);
        request.tuning.oldTagPull = envDouble("TAGLANE_RETRAIN_PULL", request.tuning.oldTagPull);
        request.tuning.distill = envDouble("TAGLANE_RETRAIN_DISTILL", request.tuning.distill);
        request.tuning.windowsPerFrame = int(envDouble("TAGLANE_RETRAIN_WINDOWS", request.tuning.windowsPerFrame));
        request.tuning.adaptEpochs = int(envDouble("TAGLANE_RETRAIN_ADAPT_EPOCHS", request.tuning.adaptEpochs));
        request.tuning.adaptLearningRate = envDouble("TAGLANE_RETRAIN_ADAPT_LR", request.tuning.adaptLearningRate);
        request.tuning.adaptDistill = envDouble("TAGLANE_RETRAIN_ADAPT_DISTILL", request.tuning.adaptDistill);
        request.tuning.adaptModules = int(envDouble("TAGLANE_RETRAIN_ADAPT_MODULES", request.tuning.adaptModules));
        request.tuning.evidenceSegments = envDouble("TAGLANE_RETRAIN_EVIDENCE", request.tuning.evidenceSegments);
        QElapsedTimer clock;
        clock.start();
        auto outcome = Retrainer::run(request);
        const double seconds = clock.elapsed() / 1000.0;
        QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error()));
        QCOMPARE(outcome->newTags, QStringList{rule->tag.name});
        auto after = ModelEvaluator::evaluate(outcome->bundleFolder, heldOut);
        QVERIFY2(after.ok(), qPrintable(after.ok() ? QString() : after.error()));
        const int newIndex = after->manifest.tags.indexOf(rule->tag.name);
        QVERIFY(newIndex >= 0);
        const double auc = after->report.perTag[size_t(newIndex)].rocAuc;
        const double oldAfter = oldTagsMacroAuc(after.value(), rule->tag.name);
        const double oldBefore = m_oldBefore.value(baseBundle);
        qInfo("%s K=%d base %d (%s) (%d+/%d-, %d tracks): new-tag ROC-AUC %.3f; retrain %.1f s (embedding %.1f s, %d windows, "
              "%d threads); old-tag macro AUC %.4f -> %.4f (%+.4f)",
              qPrintable(rule->tag.name), k, base, qPrintable(bundle->manifest().architecture), positives, negatives,
              int(curated.size()), auc, seconds, outcome->manifest.training.value(QStringLiteral("embedding_seconds")).toDouble(),
              outcome->trainWindows, request.threads, oldBefore, oldAfter, oldAfter - oldBefore);
        QVERIFY(std::isfinite(auc));
    }
};

QTEST_GUILESS_MAIN(BenchRetrain)
#include "bench_retrain.moc"
