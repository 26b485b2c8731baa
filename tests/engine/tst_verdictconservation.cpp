// SPDX-License-Identifier: GPL-3.0-or-later
// Property test: random sequences of imports (all five formats, with
// partial columns, the same or other boundaries), verdict edits and
// vocabulary changes. After every step the curated (segment, tag, verdict)
// set the store shows equals what a small model of the rules predicts:
// - an import adds or replaces the verdicts it names and keeps the rest;
//   with other boundaries the rest carries over by overlap (a new segment
//   takes verdict V when old segments holding V cover more than half of it);
// - an edit sets or clears cells;
// - a vocabulary change never hides a verdict;
// - a segment edit in the lane's document (split, merge, boundary move,
//   re-segmentation), saved and sometimes undone, carries verdicts by the
//   same rules (a split's halves keep the whole segment's verdicts, a
//   boundary move keeps both segments' verdicts), and an undo restores
//   exactly what was there before.
#include "engine/curation/trackdocument.h"
#include "engine/formats/labelexporter.h"
#include "engine/formats/labelimporter.h"
#include "engine/formats/storelabels.h"
#include "engine/store/annotationstore.h"

#include "silentwav.h"
#include "testsupport.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>

#include <map>
#include <memory>

using namespace taglane::engine;

namespace {

constexpr double kDuration = 60.0;

const QStringList kPool{QStringLiteral("Emotion-Happy"), QStringLiteral("Genre-Rock"), QStringLiteral("Instrument_-_Piano"),
                        QStringLiteral("Instrument_-_Strings"), QStringLiteral("Song-Fast_Tempo"),
                        QStringLiteral("Usage-Driving")};

void writeWav(const QString &path, double seconds, int rate = 2000)
{
    QVERIFY(taglane::tests::writeSilentWav(path, seconds, rate));
}

/// The model: segment boundaries and verdicts by (segment index, tag name).
struct Model
{
    QVector<QPair<double, double>> segments;
    std::map<std::pair<int, QString>, Verdict> verdicts;

    /// Carries verdicts onto new boundaries by the overlap rule.
    void resegment(const QVector<QPair<double, double>> &fresh)
    {
        std::map<std::pair<int, QString>, Verdict> carried;
        for (int n = 0; n < fresh.size(); ++n) {
            const double length = fresh[n].second - fresh[n].first;
            for (const QString &tag : kPool) {
                double present = 0.0, absent = 0.0;
                for (int o = 0; o < segments.size(); ++o) {
                    const auto it = verdicts.find({o, tag});
                    if (it == verdicts.end())
                        continue;
                    const double overlap = std::max(0.0, std::min(fresh[n].second, segments[o].second)
                                                             - std::max(fresh[n].first, segments[o].first));
                    (it->second == Verdict::Present ? present : absent) += overlap;
                }
                if (present > length / 2.0)
                    carried[{n, tag}] = Verdict::Present;
                else if (absent > length / 2.0)
                    carried[{n, tag}] = Verdict::Absent;
            }
        }
        segments = fresh;
        verdicts = carried;
    }

    /// Splits segment r at t: both halves keep its verdicts.
    void split(int r, double t)
    {
        std::map<std::pair<int, QString>, Verdict> shifted;
        for (const auto &[key, v] : verdicts) {
            if (key.first <= r)
                shifted[key] = v;
            if (key.first >= r)
                shifted[{key.first + 1, key.second}] = v;
        }
        verdicts = shifted;
        segments.insert(r + 1, qMakePair(t, segments[r].second));
        segments[r].second = t;
    }
};

QVector<QPair<double, double>> randomBoundaries(QRandomGenerator &random)
{
    QVector<QPair<double, double>> segments;
    double start = 0.0;
    while (start < kDuration) {
        const double length = 2.0 + random.bounded(14) + random.bounded(4) * 0.25;
        const double end = std::min(kDuration, start + length);
        segments << qMakePair(start, end);
        start = end;
    }
    return segments;
}

} // namespace

class TestVerdictConservation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomSequencesConserveVerdicts_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed : {1u, 2u, 3u, 4u})
            QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(seed))) << seed;
    }

    void randomSequencesConserveVerdicts()
    {
        QFETCH(quint32, seed);
        QRandomGenerator random(seed);
        const QString dir = taglane::tests::tempDir(QStringLiteral("conservation-%1").arg(seed));
        const QString audio = dir + QStringLiteral("/take.1.wav");
        writeWav(audio, kDuration);
        AnnotationStore store;
        QVERIFY(store.open(dir + QStringLiteral("/store.db")).ok());
        store.setVocabulary(Vocabulary::fromNames(kPool.mid(0, 2)));

        Model model;
        qint64 trackId = 0;
        const LabelFormat formats[] = {LabelFormat::Cal500Exp, LabelFormat::Catalogue, LabelFormat::Jams,
                                       LabelFormat::Audacity, LabelFormat::SonicVisualiser};
        for (int step = 0; step < 48; ++step) {
            std::unique_ptr<TrackDocument> document;   // lives until the step's edits are saved
            const int op = trackId == 0 ? 0 : int(random.bounded(5));
            QString what;
            if (op <= 1) {
                // Import a file naming some tags, on the current or on new boundaries.
                const bool same = !model.segments.isEmpty() && random.bounded(2) == 0;
                const auto bounds = same ? model.segments : randomBoundaries(random);
                QStringList tags;
                for (const QString &t : kPool) {
                    if (random.bounded(2) == 0)
                        tags << t;
                }
                if (tags.isEmpty())
                    tags << kPool.at(int(random.bounded(kPool.size())));
                TrackLabels labels;
                labels.file = audio;
                labels.durationSeconds = kDuration;
                QVector<Segment> segs;
                for (const auto &b : bounds)
                    segs << Segment{0, b.first, b.second};
                labels.segments = Segmentation::fromSegments(segs).value();
                labels.tags = Vocabulary::fromNames(tags);
                labels.cells.resize(size_t(segs.size()) * size_t(tags.size()));
                // Audacity and Sonic Visualiser files name present tags only (read with
                // unlisted = unknown); every format needs a present tag in each segment
                // to carry the segment at all.
                const LabelFormat format = formats[random.bounded(5)];
                const bool presentOnly = format == LabelFormat::Audacity || format == LabelFormat::SonicVisualiser;
                std::map<std::pair<int, QString>, Verdict> named;
                for (int s = 0; s < segs.size(); ++s) {
                    const int surely = int(random.bounded(tags.size()));
                    for (int t = 0; t < tags.size(); ++t) {
                        const int pick = t == surely ? 0 : int(random.bounded(3));
                        Verdict v = pick == 0 ? Verdict::Present : pick == 1 ? Verdict::Absent : Verdict::Unknown;
                        if (presentOnly && v == Verdict::Absent)
                            v = Verdict::Unknown;
                        labels.cell(s, t).verdict = v;
                        if (v != Verdict::Unknown)
                            named[{s, tags.at(t)}] = v;
                    }
                }
                what = QStringLiteral("import %1 (%2 tags, %3 boundaries)")
                           .arg(LabelFormats::name(format)).arg(tags.size()).arg(same ? QStringLiteral("same") : QStringLiteral("new"));
                const QByteArray bytes = LabelExporter::toBytes(labels, format, {});
                const QString source = dir + QStringLiteral("/take.1") + LabelFormats::suffix(format);
                ImportOptions options;
                options.unlistedAbsent = false;
                const auto parsed = LabelImporter::parse(bytes, source, format, options);
                QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
                QCOMPARE(parsed->tracks.size(), 1);
                auto item = StoreLabels::resolve(parsed->tracks.first(), dir, source);
                QVERIFY2(item.ok(), qPrintable(item.error()));
                const auto ids = StoreLabels::importItems(store, {item.value()});
                QVERIFY2(ids.ok(), qPrintable(ids.error()));
                trackId = ids->first();
                const bool sameAsModel = model.segments == bounds;
                if (!sameAsModel)
                    model.resegment(bounds);
                for (const auto &[key, v] : named)
                    model.verdicts[key] = v;
            } else if (op == 2) {
                // Edit a few cells of the current grid (clearing some).
                const auto grid = store.labelGrid(trackId);
                QVERIFY(grid.ok());
                QVector<VerdictEdit> edits;
                const int n = 1 + int(random.bounded(6));
                for (int i = 0; i < n; ++i) {
                    const int r = int(random.bounded(grid->rows()));
                    const QString tag = kPool.at(int(random.bounded(kPool.size())));
                    const qint64 tagId = store.tagIds({tag}, true).first();
                    const int pick = int(random.bounded(3));
                    const Verdict v = pick == 0 ? Verdict::Present : pick == 1 ? Verdict::Absent : Verdict::Unknown;
                    edits << VerdictEdit{grid->segmentation.at(r).id, tagId, v};
                    if (v == Verdict::Unknown)
                        model.verdicts.erase({r, tag});
                    else
                        model.verdicts[{r, tag}] = v;
                }
                store.setVerdicts(trackId, edits);
                what = QStringLiteral("edit %1 cells").arg(n);
            } else if (op == 4) {
                // A segment edit through the lane's document, sometimes undone.
                document = std::make_unique<TrackDocument>();
                const auto loaded = document->loadFromStore(&store, trackId);
                QVERIFY2(loaded.ok(), qPrintable(loaded.error()));
                QCOMPARE(document->segmentCount(), model.segments.size());
                const Model before = model;
                const int rows = model.segments.size();
                const int r = int(random.bounded(rows));
                const int kind = int(random.bounded(4));
                Result<RowChange> change = Result<RowChange>::failure(QString());
                if (kind == 0 && model.segments[r].second - model.segments[r].first >= 1.5) {
                    const double start = model.segments[r].first, end = model.segments[r].second;
                    const int steps = int((end - start - 1.0) / 0.25);
                    const double t = start + 0.5 + 0.25 * random.bounded(steps + 1);
                    change = document->planSplit(t);
                    model.split(r, t);
                    what = QStringLiteral("split %1 at %2").arg(r).arg(t);
                } else if (kind == 1 && r + 1 < rows) {
                    change = document->planMerge(document->segment(r).id);
                    auto fresh = model.segments;
                    fresh[r].second = fresh[r + 1].second;
                    fresh.remove(r + 1);
                    model.resegment(fresh);
                    what = QStringLiteral("merge %1 with %2").arg(r).arg(r + 1);
                } else if (kind == 2 && r + 1 < rows
                           && model.segments[r + 1].second - model.segments[r].first >= 1.5) {
                    const double low = model.segments[r].first + 0.5, high = model.segments[r + 1].second - 0.5;
                    const double t = low + 0.25 * random.bounded(int((high - low) / 0.25) + 1);
                    change = document->planMoveBoundary(document->segment(r).id, t);
                    model.segments[r].second = t;
                    model.segments[r + 1].first = t;
                    what = QStringLiteral("move boundary %1 to %2").arg(r).arg(t);
                } else {
                    const auto fresh = randomBoundaries(random);
                    QVector<Segment> target;
                    for (const auto &b : fresh)
                        target << Segment{0, b.first, b.second};
                    change = document->planResegment(target);
                    model.resegment(fresh);
                    what = QStringLiteral("re-segment into %1").arg(fresh.size());
                }
                QVERIFY2(change.ok(), qPrintable(what + QStringLiteral(": ") + change.error()));
                QVERIFY2(document->apply(change.value()).ok(), qPrintable(what));
                if (random.bounded(3) == 0) {
                    QVERIFY2(store.waitForSaved(0, store.lastEditSeq()).ok(), qPrintable(what));
                    QVERIFY2(document->revert(change.value()).ok(), qPrintable(what));
                    model = before;
                    what += QStringLiteral(", undone");
                }
            } else {
                QStringList names;
                for (const QString &t : kPool) {
                    if (random.bounded(3) == 0)
                        names << t;
                }
                store.setVocabulary(Vocabulary::fromNames(names));
                what = QStringLiteral("vocabulary of %1 tags").arg(names.size());
            }
            QVERIFY2(store.waitForSaved(0, store.lastEditSeq()).ok(), qPrintable(what));

            // Compare every cell the model holds with what the store shows.
            const auto grid = store.labelGrid(trackId);
            QVERIFY(grid.ok());
            QCOMPARE(grid->rows(), model.segments.size());
            std::map<std::pair<int, QString>, Verdict> shown;
            for (int r = 0; r < grid->rows(); ++r) {
                QVERIFY(qAbs(grid->segmentation.at(r).start - model.segments[r].first) < 1e-6);
                for (int c = 0; c < grid->columns(); ++c) {
                    if (grid->verdict(r, c) != Verdict::Unknown)
                        shown[{r, grid->tags.at(c).name}] = grid->verdict(r, c);
                }
            }
            if (shown != model.verdicts) {
                QString diff;
                for (const auto &[key, v] : model.verdicts) {
                    const auto it = shown.find(key);
                    if (it == shown.end() || it->second != v)
                        diff += QStringLiteral(" expected %1/%2=%3").arg(key.first).arg(key.second, verdictName(v));
                }
                for (const auto &[key, v] : shown) {
                    if (model.verdicts.find(key) == model.verdicts.end())
                        diff += QStringLiteral(" unexpected %1/%2=%3").arg(key.first).arg(key.second, verdictName(v));
                }
                QFAIL(qPrintable(QStringLiteral("step %1 (%2):%3").arg(step).arg(what, diff)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestVerdictConservation)
#include "tst_verdictconservation.moc"
