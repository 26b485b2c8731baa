// SPDX-License-Identifier: GPL-3.0-or-later
// Retrainer: curated verdicts from a store, hold-out, growing the output
// layer, provenance, cancel and errors, on a tiny synthetic corpus.
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"
#include "engine/train/modelevaluator.h"
#include "engine/train/retrainer.h"
#include "engine/train/trainer.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSet>
#include <QTest>

#include <cmath>
#include <limits>

using namespace taglane::engine;

namespace {

const QString kNewTag = QStringLiteral("Test-Drums_Again");
const QString kDrums = QStringLiteral("Instrument_-_Drum_Set");
constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

/// The track with one more column, kNewTag, copying the drum column.
LabelledTrack withNewTag(LabelledTrack t)
{
    const int old = t.tags.size();
    const int drums = t.tags.indexOf(kDrums);
    QVector<Tag> tags = t.tags.tags();
    tags << Tag{kNewTag, QStringLiteral("Test")};
    std::vector<float> grown;
    for (int s = 0; s < t.segments.size(); ++s) {
        for (int c = 0; c < old; ++c)
            grown.push_back(t.value(s, c));
        grown.push_back(drums >= 0 ? t.value(s, drums) : kNan);
    }
    t.tags = Vocabulary(tags);
    t.values = grown;
    return t;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestRetrainer : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QString m_base;
    ModelManifest m_baseManifest;
    QVector<LabelledTrack> m_curated;  // corpus truth plus kNewTag

    RetrainRequest request(const QString &out) const
    {
        RetrainRequest r;
        r.baseBundle = m_base;
        r.curated = m_curated;
        r.outputFolder = m_dir + QLatin1Char('/') + out;
        r.threads = 1;
        r.epochs = 5;
        r.tuning.adaptEpochs = 1;
        r.seed = 7;
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_base = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel");
        if (!QFileInfo::exists(m_base + QStringLiteral("/manifest.json")))
            QSKIP("resources/models/instruments.tlmodel is absent");
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        auto bundle = ModelBundle::open(m_base);
        QVERIFY(bundle.ok());
        m_baseManifest = bundle->manifest();
        QVERIFY(m_baseManifest.tags.indexOf(kDrums) >= 0);
        m_dir = taglane::tests::tempDir(QStringLiteral("tst_retrainer"));
        SynthCorpusOptions options;
        options.tracks = 4;
        options.seed = 41;
        options.channels = 1;
        options.outDir = m_dir + QStringLiteral("/corpus");
        QVERIFY(SynthCorpusGenerator::generate(options).ok());
        LabelledAudioFolder::Options readOptions;
        readOptions.probeAudio = false;
        auto folder = LabelledAudioFolder::read(options.outDir, readOptions);
        QVERIFY(folder.ok());
        QCOMPARE(folder->tracks.size(), 4);
        for (const LabelledTrack &t : folder->tracks)
            m_curated << withNewTag(t);
        // The data guarantee newTagGrowsOutputLayer relies on: the new tag has
        // at least two curated segments of each class, so the stratified
        // hold-out keeps one of each out of training and its held-out ROC-AUC
        // is defined (Retrainer::splitHoldOut). Seed 41 gives drums in some
        // segments and not in others; another seed or generator must too.
        int present = 0, absent = 0;
        for (const LabelledTrack &t : std::as_const(m_curated)) {
            const int c = t.tags.indexOf(kNewTag);
            for (int s = 0; s < t.segments.size(); ++s) {
                present += t.value(s, c) == 1.0f ? 1 : 0;
                absent += t.value(s, c) == 0.0f ? 1 : 0;
            }
        }
        qInfo("%s: %d segments present, %d absent", qPrintable(kNewTag), present, absent);
        QVERIFY2(present >= 2 && absent >= 2,
                 qPrintable(QStringLiteral("the corpus must hold both classes of %1 (present %2, absent %3)")
                                .arg(kNewTag).arg(present).arg(absent)));
    }

    void curatedFromStore()
    {
        AnnotationStore store;
        QVERIFY(store.open(m_dir + QStringLiteral("/store.sqlite")).ok());
        const Vocabulary vocabulary = m_curated.first().tags;
        store.setVocabulary(vocabulary);
        QVector<qint64> ids;
        for (const LabelledTrack &t : m_curated) {
            auto record = store.addTrackFile(t.audioPath, t.segments.segments().last().end);
            QVERIFY(record.ok());
            ids << record->id;
            auto seg = store.saveSegmentation(record->id, t.segments, SegmentSource::Import);
            QVERIFY(seg.ok());
            // Every second track: only the first two segments reviewed.
            const int reviewed = ids.size() % 2 == 0 ? 2 : seg->size();
            QVector<VerdictEdit> edits;
            for (int s = 0; s < reviewed; ++s)
                for (int c = 0; c < t.tags.size(); ++c)
                    if (!std::isnan(t.value(s, c)))
                        edits << VerdictEdit{seg->at(s).id, store.tagId(t.tags.at(c).name),
                                             t.value(s, c) > 0.5f ? Verdict::Present : Verdict::Absent};
            store.setVerdicts(record->id, edits);
        }
        // A track without any verdict is left out.
        const QString copy = m_dir + QStringLiteral("/bare.wav");
        QVERIFY(QFile::copy(m_curated.first().audioPath, copy));
        auto bare = store.addTrackFile(copy, 10.0);
        QVERIFY(bare.ok());
        store.saveSegmentation(bare->id, Segmentation::fixedWindows(10.0, 5.0), SegmentSource::Fixed);
        QVERIFY(store.waitForDurable(store.lastEditSeq()));

        auto all = Retrainer::curatedFromStore(store);
        QVERIFY2(all.ok(), qPrintable(all.ok() ? QString() : all.error()));
        QCOMPARE(all->size(), m_curated.size());
        for (int i = 0; i < all->size(); ++i) {
            const LabelledTrack &got = all->at(i);
            const LabelledTrack *want = nullptr;
            for (const LabelledTrack &t : m_curated)
                if (QFileInfo(t.audioPath).canonicalFilePath() == QFileInfo(got.audioPath).canonicalFilePath())
                    want = &t;
            QVERIFY(want);
            QCOMPARE(got.segments.size(), want->segments.size());
            QCOMPARE(got.tags.names(), vocabulary.names());
            int known = 0;
            for (int s = 0; s < got.segments.size(); ++s) {
                for (int c = 0; c < got.tags.size(); ++c) {
                    const float v = got.value(s, c);
                    if (std::isnan(v))
                        continue;
                    ++known;
                    QCOMPARE(v, want->value(s, want->tags.indexOf(got.tags.at(c).name)));
                }
            }
            QVERIFY(known > 0);
        }
        // A selection, and an unknown id.
        auto one = Retrainer::curatedFromStore(store, {ids.at(1)});
        QVERIFY(one.ok());
        QCOMPARE(one->size(), 1);
        int knownSegments = 0;
        for (int s = 0; s < one->first().segments.size(); ++s)
            knownSegments += std::isnan(one->first().value(s, 0)) ? 0 : 1;
        QCOMPARE(knownSegments, 2);
        QVERIFY(!Retrainer::curatedFromStore(store, {ids.last() + 999}).ok());
        QVERIFY(Retrainer::curatedFromStore(store, {bare->id})->isEmpty());
    }

    void holdOutIsStratifiedAndMasked()
    {
        const Vocabulary tags = m_curated.first().tags;
        const RetrainSplit a = Retrainer::splitHoldOut(m_curated, tags, 0.25, 3);
        const RetrainSplit b = Retrainer::splitHoldOut(m_curated, tags, 0.25, 3);
        QCOMPARE(a.heldOutSegments, b.heldOutSegments);
        int segments = 0;
        for (const LabelledTrack &t : m_curated)
            segments += t.segments.size();
        QCOMPARE(a.curatedSegments, segments);
        QVERIFY(!a.heldOutSegments.isEmpty());
        QVERIFY(a.heldOutSegments.size() < segments);
        for (int i = 0; i < m_curated.size(); ++i) {
            for (int s = 0; s < m_curated.at(i).segments.size(); ++s) {
                const bool held = a.heldOutSegments.contains(qMakePair(i, s));
                for (int c = 0; c < tags.size(); ++c) {
                    const float v = m_curated.at(i).value(s, c);
                    QCOMPARE(std::isnan(a.training.at(i).value(s, c)), held || std::isnan(v));
                    QCOMPARE(std::isnan(a.heldOut.at(i).value(s, c)), !held || std::isnan(v));
                }
            }
        }
        // The share is kept, no class loses all its training segments, and
        // the rarest class (with 2 or more segments) is represented.
        QVERIFY(a.heldOutSegments.size() <= int(std::lround(0.25 * segments)));
        QVERIFY(a.heldOutSegments.size() >= int(std::lround(0.25 * segments)) - 1);
        int rarestTotal = 1 << 30, rarestHeld = 0;
        for (int c = 0; c < tags.size(); ++c) {
            for (float cls : {0.0f, 1.0f}) {
                int total = 0, held = 0;
                for (int i = 0; i < m_curated.size(); ++i)
                    for (int s = 0; s < m_curated.at(i).segments.size(); ++s)
                        if (m_curated.at(i).value(s, c) == cls) {
                            ++total;
                            held += a.heldOutSegments.contains(qMakePair(i, s)) ? 1 : 0;
                        }
                if (total >= 2) {
                    QVERIFY2(held < total, qPrintable(tags.at(c).name));
                    if (total < rarestTotal) {
                        rarestTotal = total;
                        rarestHeld = held;
                    }
                }
            }
        }
        QVERIFY(rarestHeld >= 1);
        QVERIFY(Retrainer::splitHoldOut(m_curated, tags, 0.0, 3).heldOutSegments.isEmpty());
        const RetrainSplit other = Retrainer::splitHoldOut(m_curated, tags, 0.25, 4);
        QVERIFY(other.heldOutSegments != a.heldOutSegments || other.heldOutSegments.size() == 0);
    }

    void newTagGrowsOutputLayer()
    {
        RetrainRequest r = request(QStringLiteral("grown.tlmodel"));
        int epochReports = 0, prepReports = 0;
        auto outcome = Retrainer::run(r, [&](const TrainingProgress &p) {
            if (p.epoch == 0)
                ++prepReports;
            if (p.epochDone)
                ++epochReports;
        });
        QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error()));
        QVERIFY(!outcome->cancelled);
        QCOMPARE(prepReports, m_curated.size());
        QCOMPARE(epochReports, 6);  // 5 of the output layer, 1 of the last block
        QCOMPARE(int(outcome->history.size()), 6);
        QCOMPARE(outcome->history.back().epoch, 6);
        QCOMPARE(outcome->manifest.training.value(QStringLiteral("adapt_epochs_run")).toInt(), 1);
        QVERIFY(outcome->manifest.training.value(QStringLiteral("adapted_modules")).toArray().contains(QStringLiteral("output")));
        QCOMPARE(outcome->newTags, QStringList{kNewTag});
        // Base tags first, in their order, then the new one.
        QStringList expected = m_baseManifest.tags.names();
        expected << kNewTag;
        QCOMPARE(outcome->tags.names(), expected);
        auto bundle = ModelBundle::open(outcome->bundleFolder);
        QVERIFY(bundle.ok());
        QCOMPARE(bundle->manifest().tags.names(), expected);
        QCOMPARE(bundle->manifest().parentVersion, m_baseManifest.version);
        QVERIFY(!bundle->manifest().version.isEmpty());
        QVERIFY(bundle->manifest().version != m_baseManifest.version);
        QCOMPARE(bundle->manifest().architecture, m_baseManifest.architecture);
        QCOMPARE(bundle->manifest().training.value(QStringLiteral("base_version")).toString(), m_baseManifest.version);
        QVERIFY(bundle->manifest().name.contains(m_baseManifest.name));
        // The weights hold one more output row than the base (flat sizes differ by one row).
        auto baseFlat = Trainer::flatWeights(readAll(ModelBundle::open(m_base)->weightsPath()));
        auto newFlat = Trainer::flatWeights(readAll(bundle->weightsPath()));
        QVERIFY(baseFlat.ok() && newFlat.ok());
        QVERIFY(newFlat->size() > baseFlat->size());
        // The new model runs through the evaluator (rows match the tags), and
        // learns the new tag (a copy of the drum tag) on the corpus.
        auto ev = ModelEvaluator::evaluate(outcome->bundleFolder, m_dir + QStringLiteral("/corpus"));
        QVERIFY2(ev.ok(), qPrintable(ev.ok() ? QString() : ev.error()));
        QCOMPARE(ev->input.tags, expected.size());
        // Held-out comparison: same segments, before has no column for the new tag.
        QCOMPARE(outcome->heldOut.examples, outcome->heldOutSegments);
        QCOMPARE(outcome->heldOutBefore.examples, outcome->heldOutSegments);
        QCOMPARE(outcome->heldOutIndex.size(), outcome->heldOutSegments);
        QVERIFY(outcome->heldOutSegments > 0);
        QVERIFY(outcome->trainSegments > outcome->heldOutSegments);
        const int newIndex = expected.size() - 1;
        QVERIFY(std::isnan(outcome->before.perTag[size_t(newIndex)].rocAuc));
        const TagMetrics &learnt = outcome->after.perTag[size_t(newIndex)];
        QVERIFY2(learnt.hasBothClasses(), qPrintable(QStringLiteral("held out: %1 of %2 present").arg(learnt.positives).arg(learnt.known)));
        QVERIFY2(learnt.rocAuc >= 0.9, qPrintable(QString::number(learnt.rocAuc)));
        // Old tags move little on the held-out segments.
        double shift = 0.0, maxShift = 0.0;
        for (int t = 0; t < newIndex; ++t) {
            for (int e = 0; e < outcome->heldOut.examples; ++e) {
                const size_t i = outcome->heldOut.index(e, t);
                const double d = std::abs(outcome->heldOut.scores[i] - outcome->heldOutBefore.scores[i]);
                shift += d;
                maxShift = std::max(maxShift, d);
            }
        }
        shift /= newIndex * outcome->heldOut.examples;
        qInfo("new-tag held-out AUC %.3f; old-tag mean |shift| %.3f, max %.3f", learnt.rocAuc, shift, maxShift);
        QVERIFY2(shift < 0.1, qPrintable(QString::number(shift)));
    }

    void heldOutSegmentsAreNeverTrainedOn()
    {
        // Same explicit hold-out twice; the second time every held-out label is
        // flipped. The trained weights must not change at all.
        const RetrainSplit split = Retrainer::splitHoldOut(m_curated, m_curated.first().tags, 0.3, 5);
        QVERIFY(!split.heldOutSegments.isEmpty());
        RetrainRequest a = request(QStringLiteral("held-a.tlmodel"));
        a.heldOutSegments = split.heldOutSegments;
        RetrainRequest b = request(QStringLiteral("held-b.tlmodel"));
        b.heldOutSegments = split.heldOutSegments;
        for (const auto &ref : split.heldOutSegments) {
            LabelledTrack &t = b.curated[ref.first];
            for (int c = 0; c < t.tags.size(); ++c) {
                float &v = t.values[size_t(ref.second) * size_t(t.tags.size()) + size_t(c)];
                if (!std::isnan(v))
                    v = 1.0f - v;
            }
        }
        auto ra = Retrainer::run(a);
        auto rb = Retrainer::run(b);
        QVERIFY(ra.ok() && rb.ok());
        QCOMPARE(ra->heldOutIndex, split.heldOutSegments);
        QCOMPARE(readAll(ra->bundleFolder + QStringLiteral("/weights.pt")), readAll(rb->bundleFolder + QStringLiteral("/weights.pt")));
        QVERIFY(ra->heldOut.truth != rb->heldOut.truth);
        // And a flipped training label does change them.
        RetrainRequest c = request(QStringLiteral("held-c.tlmodel"));
        c.heldOutSegments = split.heldOutSegments;
        for (int i = 0; i < c.curated.size(); ++i) {
            for (int s = 0; s < c.curated[i].segments.size(); ++s) {
                if (split.heldOutSegments.contains(qMakePair(i, s)))
                    continue;
                float &v = c.curated[i].values[size_t(s) * size_t(c.curated[i].tags.size()) + size_t(c.curated[i].tags.size() - 1)];
                v = 1.0f - v;
            }
        }
        auto rc = Retrainer::run(c);
        QVERIFY(rc.ok());
        QVERIFY(readAll(ra->bundleFolder + QStringLiteral("/weights.pt")) != readAll(rc->bundleFolder + QStringLiteral("/weights.pt")));
    }

    void cancel()
    {
        // Before anything: nothing is written.
        std::atomic_bool stop{true};
        RetrainRequest r = request(QStringLiteral("cancel-early.tlmodel"));
        auto early = Retrainer::run(r, {}, &stop);
        QVERIFY(early.ok());
        QVERIFY(early->cancelled);
        QVERIFY(early->bundleFolder.isEmpty());
        QVERIFY(!QFileInfo::exists(r.outputFolder));
        // During the last-block stage: the weights of the last finished epoch are written.
        std::atomic_bool stopAdapt{false};
        RetrainRequest r3 = request(QStringLiteral("cancel-adapt.tlmodel"));
        r3.tuning.adaptEpochs = 3;
        auto adapt = Retrainer::run(r3, [&](const TrainingProgress &p) {
            if (p.epochDone && p.epoch == 6)
                stopAdapt = true;
        }, &stopAdapt);
        QVERIFY(adapt.ok());
        QVERIFY(adapt->cancelled);
        QCOMPARE(int(adapt->history.size()), 6);
        QVERIFY(ModelBundle::open(adapt->bundleFolder).ok());
        QCOMPARE(adapt->manifest.training.value(QStringLiteral("adapt_epochs_run")).toInt(), 1);
        // After the first epoch: the weights so far are kept and written.
        std::atomic_bool stopLater{false};
        RetrainRequest r2 = request(QStringLiteral("cancel-late.tlmodel"));
        r2.epochs = 50;
        auto late = Retrainer::run(r2, [&](const TrainingProgress &p) {
            if (p.epochDone && p.epoch == 2)
                stopLater = true;
        }, &stopLater);
        QVERIFY(late.ok());
        QVERIFY(late->cancelled);
        QCOMPARE(int(late->history.size()), 2);
        QVERIFY(!late->bundleFolder.isEmpty());
        QVERIFY(ModelBundle::open(late->bundleFolder).ok());
        QVERIFY(late->manifest.training.value(QStringLiteral("cancelled")).toBool());
    }

    void errors()
    {
        // Output folder exists.
        RetrainRequest exists = request(QStringLiteral("exists.tlmodel"));
        QDir().mkpath(exists.outputFolder);
        auto e1 = Retrainer::run(exists);
        QVERIFY(!e1.ok());
        QVERIFY(e1.error().contains(exists.outputFolder));
        // Base bundle unreadable.
        RetrainRequest missing = request(QStringLiteral("missing.tlmodel"));
        missing.baseBundle = m_dir + QStringLiteral("/nothing.tlmodel");
        auto e2 = Retrainer::run(missing);
        QVERIFY(!e2.ok());
        QVERIFY(e2.error().contains(QStringLiteral("nothing.tlmodel")));
        // Not a trainable architecture (an imported musicnn bundle).
        ModelManifest foreign = m_baseManifest;
        foreign.architecture = QStringLiteral("musicnn");
        const QString foreignFolder = m_dir + QStringLiteral("/musicnn.tlmodel");
        QVERIFY(ModelBundle::write(foreignFolder, foreign, readAll(ModelBundle::open(m_base)->weightsPath())).ok());
        RetrainRequest imported = request(QStringLiteral("from-musicnn.tlmodel"));
        imported.baseBundle = foreignFolder;
        QVERIFY(Retrainer::canRetrain(m_base).ok());
        QVERIFY(!Retrainer::canRetrain(foreignFolder).ok());
        QVERIFY(Retrainer::canRetrain(foreignFolder).error().contains(QStringLiteral("musicnn")));
        auto e3 = Retrainer::run(imported);
        QVERIFY(!e3.ok());
        QVERIFY2(e3.error().contains(QStringLiteral("musicnn")), qPrintable(e3.error()));
        // No curated segment at all.
        RetrainRequest empty = request(QStringLiteral("empty.tlmodel"));
        for (LabelledTrack &t : empty.curated)
            std::fill(t.values.begin(), t.values.end(), kNan);
        auto e4 = Retrainer::run(empty);
        QVERIFY(!e4.ok());
        QVERIFY(e4.error().contains(QStringLiteral("curated")));
        empty.curated.clear();
        QVERIFY(!Retrainer::run(empty).ok());
        // Bad hold-out share.
        RetrainRequest bad = request(QStringLiteral("bad.tlmodel"));
        bad.holdOutFraction = 1.0;
        QVERIFY(!Retrainer::run(bad).ok());
        for (const QString &name : {QStringLiteral("missing.tlmodel"), QStringLiteral("from-musicnn.tlmodel"),
                                    QStringLiteral("empty.tlmodel"), QStringLiteral("bad.tlmodel")})
            QVERIFY(!QFileInfo::exists(m_dir + QLatin1Char('/') + name));
    }
};

QTEST_GUILESS_MAIN(TestRetrainer)
#include "tst_retrainer.moc"
