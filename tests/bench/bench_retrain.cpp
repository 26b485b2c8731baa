// SPDX-License-Identifier: GPL-3.0-or-later
// Retraining with a new tag: from the shipped default model, add a tag it has
// never seen ("Song-Very_Fast_Tempo": a segment at 140 bpm or more, read
// from the synthetic corpus's corpus.json) with K curated segments (K = 10,
// 25, 50, 100; half positive where possible), grow the output layer, retrain,
// and measure the new tag's ROC-AUC on held-out segments, the retrain time and
// the macro ROC-AUC of the old tags before and after.
// Targets: AUC >= 0.9 at K = 50, retrain < 60 s, old-tag macro AUC drop <= 0.01.
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/model/modelbundle.h"
#include "engine/train/modelevaluator.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"

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
#include <limits>
#include <tuple>

using namespace taglane::engine;

namespace {

const QString kNewTag = QStringLiteral("Song-Very_Fast_Tempo");
constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

/// Per track (by audio file name) the new tag's value of each segment.
QHash<QString, std::vector<float>> veryFast(const QString &folder)
{
    QHash<QString, std::vector<float>> out;
    QFile f(folder + QStringLiteral("/corpus.json"));
    if (!f.open(QIODevice::ReadOnly))
        return out;
    const QJsonArray tracks = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("tracks")).toArray();
    for (const QJsonValue &t : tracks) {
        std::vector<float> v;
        for (const QJsonValue &s : t.toObject().value(QStringLiteral("segments")).toArray())
            v.push_back(s.toObject().value(QStringLiteral("bpm")).toInt() >= 140 ? 1.0f : 0.0f);
        out.insert(t.toObject().value(QStringLiteral("audio")).toString(), v);
    }
    return out;
}

/// Adds the new tag as the last column; cells not in `known` become unknown.
void addColumn(LabelledTrack &track, const std::vector<float> &values, const std::vector<char> *known)
{
    const int oldTags = track.tags.size();
    QVector<Tag> tags = track.tags.tags();
    tags << Tag{kNewTag, QStringLiteral("Song")};
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

double oldTagsMacroAuc(const ModelEvaluation &ev)
{
    double sum = 0;
    int n = 0;
    for (int t = 0; t < ev.manifest.tags.size(); ++t) {
        if (ev.manifest.tags.at(t).name == kNewTag)
            continue;
        const double a = ev.report.perTag[size_t(t)].rocAuc;
        if (std::isfinite(a)) {
            sum += a;
            ++n;
        }
    }
    return n ? sum / n : std::nan("");
}

} // namespace

class BenchRetrain : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QString m_default;
    QVector<LabelledTrack> m_train;
    double m_oldBefore = 0.0;

private Q_SLOTS:
    void initTestCase()
    {
        m_default = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/default.tlmodel");
        if (!QFileInfo::exists(m_default + QStringLiteral("/manifest.json")))
            QSKIP("resources/models/default.tlmodel is absent");
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        m_dir = taglane::tests::tempDir(QStringLiteral("bench_retrain"));
        for (auto [name, tracks, seed] : {std::tuple{QStringLiteral("train"), 20, 3001}, std::tuple{QStringLiteral("test"), 20, 3002}}) {
            SynthCorpusOptions options;
            options.tracks = tracks;
            options.seed = quint64(seed);
            options.channels = 1;
            options.outDir = m_dir + QLatin1Char('/') + name;
            QVERIFY(SynthCorpusGenerator::generate(options).ok());
        }
        LabelledAudioFolder::Options options;
        options.probeAudio = false;
        auto test = LabelledAudioFolder::read(m_dir + QStringLiteral("/test"), options);
        QVERIFY(test.ok());
        const auto testValues = veryFast(m_dir + QStringLiteral("/test"));
        QVector<LabelledTrack> held = test->tracks;
        for (LabelledTrack &t : held)
            addColumn(t, testValues.value(QFileInfo(t.audioPath).fileName()), nullptr);
        QVERIFY(writeAugmented(held, m_dir + QStringLiteral("/heldout")));
        auto train = LabelledAudioFolder::read(m_dir + QStringLiteral("/train"), options);
        QVERIFY(train.ok());
        m_train = train->tracks;
        auto before = ModelEvaluator::evaluate(m_default, m_dir + QStringLiteral("/heldout"));
        QVERIFY2(before.ok(), qPrintable(before.ok() ? QString() : before.error()));
        m_oldBefore = oldTagsMacroAuc(before.value());
    }

    void retrainWithNewTag_data()
    {
        QTest::addColumn<int>("k");
        for (int k : {10, 25, 50, 100})
            QTest::newRow(qPrintable(QStringLiteral("K=%1").arg(k))) << k;
    }

    void retrainWithNewTag()
    {
        QFETCH(int, k);
        // Curate K segments: alternate positives and negatives in track order.
        const auto values = veryFast(m_dir + QStringLiteral("/train"));
        QVector<LabelledTrack> tracks = m_train;
        int positives = 0, negatives = 0;
        for (LabelledTrack &t : tracks) {
            const std::vector<float> v = values.value(QFileInfo(t.audioPath).fileName());
            std::vector<char> known(v.size(), 0);
            for (size_t s = 0; s < v.size(); ++s) {
                const bool pos = v[s] > 0.5f;
                if ((pos && positives < k / 2) || (!pos && negatives < k - k / 2)) {
                    known[s] = 1;
                    (pos ? positives : negatives)++;
                }
            }
            addColumn(t, v, &known);
        }
        auto bundle = ModelBundle::open(m_default);
        QVERIFY(bundle.ok());
        QVector<Tag> tags = bundle->manifest().tags.tags();
        tags << Tag{kNewTag, QStringLiteral("Song")};
        QElapsedTimer clock;
        clock.start();
        auto examples = ExampleBuilder::fromTracks(tracks, QStringLiteral("taglane-cnn"), Vocabulary(tags));
        QVERIFY(examples.ok());
        const double featureSeconds = clock.elapsed() / 1000.0;
        TrainingConfig config;
        config.architecture = QStringLiteral("taglane-cnn");
        config.initBundle = m_default;
        config.epochs = 6;
        config.learningRate = 5e-4;
        config.alpha = 2.0;
        config.patience = 0;
        config.seed = 1;
        auto result = Trainer::train(config, examples.value(), examples.value());
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
        const double seconds = clock.elapsed() / 1000.0;
        const QString out = m_dir + QStringLiteral("/k%1.tlmodel").arg(k);
        QVERIFY(result->writeBundle(out).ok());
        auto after = ModelEvaluator::evaluate(out, m_dir + QStringLiteral("/heldout"));
        QVERIFY2(after.ok(), qPrintable(after.ok() ? QString() : after.error()));
        const int newIndex = after->manifest.tags.indexOf(kNewTag);
        QVERIFY(newIndex >= 0);
        qInfo("K=%d (%d+/%d-): new-tag ROC-AUC %.3f; retrain %.1f s (features %.1f s, %d examples); old-tag macro AUC %.3f -> %.3f",
              k, positives, negatives, after->report.perTag[size_t(newIndex)].rocAuc, seconds, featureSeconds,
              examples->count(), m_oldBefore, oldTagsMacroAuc(after.value()));
    }
};

QTEST_GUILESS_MAIN(BenchRetrain)
#include "bench_retrain.moc"
