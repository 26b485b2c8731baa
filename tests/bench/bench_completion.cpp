// SPDX-License-Identifier: GPL-3.0-or-later
// "Complete my review" measured on synthetic tracks with known truth: the
// synthetic corpus generator renders a few short tracks (exact segment
// labels in its CSVs), the shipped instruments model scores every segment,
// and for 10 %, 20 % and 40 % of the known cells of each track drawn at
// random as curated (verdict = truth) ReviewCompletion fills the rest.
// Prints accuracy (threshold 0.5) and ROC-AUC of the uncurated cells for
// the model's probabilities alone and for the completed values, pooled over
// tracks, mean over several draws (figures recorded in
// engine/semantic/NOTES.md). Two targets: "matrix", ReviewCompletion as
// shipped (the verdict/probability matrix is completed), at lambda = the
// automatic weight times 0.5 .. 8; "residual", the model's error V - P
// completed instead (nuclear norm + lambda/2 |R|^2 off the curated cells),
// the suggestion being P + R.
//
// Environment: TAGLANE_BENCH_TRACKS (default 24), TAGLANE_BENCH_DRAWS
// (default 10), TAGLANE_BENCH_GENERATOR (phrase or classic, default phrase),
// TAGLANE_BENCH_CORPUS (a folder to reuse; rendered when it holds no CSV).
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/eval/binarycurves.h"
#include "engine/model/tagger.h"
#include "engine/semantic/reviewcompletion.h"
#include "engine/semantic/tensorcompletion.h"
#include "engine/train/modelevaluator.h"

#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QtTest>

#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <random>

using namespace taglane::engine;

namespace {

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok && v > 0 ? v : fallback;
}

/// One track's matrix in the completion's layout, [tags][segments].
struct TrackMatrix
{
    int tags = 0;
    int segments = 0;
    std::vector<double> probabilities;
    std::vector<quint8> truth;
    std::vector<quint8> known;
};

struct Scores
{
    std::vector<double> model;
    std::vector<double> completed;
    std::vector<quint8> truth;
};

double accuracy(const std::vector<double> &scores, const std::vector<quint8> &truth)
{
    int right = 0;
    for (size_t i = 0; i < scores.size(); ++i)
        right += (scores[i] >= 0.5) == (truth[i] != 0);
    return scores.empty() ? 0.0 : double(right) / double(scores.size());
}

struct Summary
{
    double accModel = 0.0, accCompleted = 0.0, aucModel = 0.0, aucCompleted = 0.0;
    double worstGain = std::numeric_limits<double>::max();
    int cells = 0;
    int completions = 0;
    int probabilityChosen = 0;   // tuned: tracks where P itself won the cross-validation
};

constexpr int kMatrix = 0;
constexpr int kResidual = 1;
constexpr int kTuned = 2;

QString variantName(double factor, int mode)
{
    if (mode == kTuned)
        return QStringLiteral("matrix, lambda cross-validated");
    return QStringLiteral("%1 x%2").arg(mode == kResidual ? QStringLiteral("residual") : QStringLiteral("matrix")).arg(factor);
}

} // namespace

class bench_Completion : public QObject
{
    Q_OBJECT

private:
    std::vector<TrackMatrix> m_tracks;
    std::vector<TrackMatrix> m_library;   // every track's segments side by side: one tags x all-segments matrix
    QStringList m_tags;

    /// Runs `draws` random curations of `fraction` of each track's known
    /// cells; side weight = automatic * weightFactor.
    Summary measure(double fraction, int draws, double weightFactor, int mode,
                    const std::vector<TrackMatrix> &tracks)
    {
        Summary sum;
        for (int d = 0; d < draws; ++d) {
            std::mt19937_64 rng(quint64(1000 * fraction) * 7919 + quint64(d));
            Scores pooled;
            for (const TrackMatrix &m : tracks) {
                std::vector<size_t> cells;
                for (size_t i = 0; i < m.known.size(); ++i)
                    if (m.known[i])
                        cells.push_back(i);
                std::shuffle(cells.begin(), cells.end(), rng);
                const size_t curatedCount = std::max<size_t>(1, size_t(std::lround(fraction * double(cells.size()))));
                std::vector<double> verdicts(m.probabilities.size(), std::numeric_limits<double>::quiet_NaN());
                for (size_t k = 0; k < curatedCount && k < cells.size(); ++k)
                    verdicts[cells[k]] = m.truth[cells[k]];
                ReviewCompletionOptions options;
                options.sideWeight = weightFactor * ReviewCompletion::automaticSideWeight(m.tags, m.segments);
                Result<CompletionResult> completed = Result<CompletionResult>::failure(QString());
                const bool residual = mode == kResidual;
                if (mode == kTuned) {
                    const auto tuned = ReviewCompletion::completeTuned(verdicts, m.probabilities, m.tags, m.segments);
                    if (tuned.ok()) {
                        completed = tuned->completion;
                        sum.probabilityChosen += tuned->chosenWeight == 0.0 ? 1 : 0;
                        ++sum.completions;
                    } else {
                        completed = Result<CompletionResult>::failure(tuned.error());
                    }
                } else if (!residual) {
                    completed = ReviewCompletion::complete(verdicts, m.probabilities, m.tags, m.segments, options);
                } else {
                    std::vector<double> r(verdicts.size(), 0.0);
                    std::vector<quint8> observed(verdicts.size(), 0);
                    for (size_t i = 0; i < r.size(); ++i)
                        if (!std::isnan(verdicts[i])) {
                            r[i] = verdicts[i] - m.probabilities[i];
                            observed[i] = 1;
                        }
                    SideInformation side;
                    side.values.assign(r.size(), 0.0);
                    side.weight = options.sideWeight;
                    completed = TensorCompletion::completeMatrix(r, observed, m.tags, m.segments, {}, &side);
                    if (completed.ok())
                        for (size_t i = 0; i < r.size(); ++i)
                            completed.value().values[i] += m.probabilities[i];
                }
                if (!completed.ok()) {
                    qWarning("%s", qPrintable(completed.error()));
                    return {};
                }
                for (size_t i = 0; i < verdicts.size(); ++i) {
                    if (!m.known[i] || !std::isnan(verdicts[i]))
                        continue;
                    pooled.model.push_back(m.probabilities[i]);
                    pooled.completed.push_back(completed->values[i]);
                    pooled.truth.push_back(m.truth[i]);
                }
            }
            const double aucModel = BinaryCurves::rocAuc(pooled.model, pooled.truth);
            const double aucCompleted = BinaryCurves::rocAuc(pooled.completed, pooled.truth);
            sum.accModel += accuracy(pooled.model, pooled.truth) / draws;
            sum.accCompleted += accuracy(pooled.completed, pooled.truth) / draws;
            sum.aucModel += aucModel / draws;
            sum.aucCompleted += aucCompleted / draws;
            sum.worstGain = std::min(sum.worstGain, aucCompleted - aucModel);
            sum.cells = int(pooled.truth.size());
        }
        return sum;
    }

private Q_SLOTS:
    void initTestCase()
    {
        configureTorchThreads(1);
        const int tracks = envInt("TAGLANE_BENCH_TRACKS", 24);
        QString dir = qEnvironmentVariable("TAGLANE_BENCH_CORPUS");
        if (dir.isEmpty())
            dir = taglane::tests::tempDir(QStringLiteral("bench-completion"));
        QDir().mkpath(dir);
        QElapsedTimer timer;
        timer.start();
        if (QDir(dir).entryList({QStringLiteral("*.csv")}, QDir::Files).isEmpty()) {
            SynthCorpusOptions options;
            options.tracks = tracks;
            options.seed = 5150;   // none of the train/val/test seeds of CORPUS-NOTES (11xx, 21xx, 31xx) or the study benches (2026-2028)
            options.channels = 1;
            options.generator = qEnvironmentVariable("TAGLANE_BENCH_GENERATOR") == QLatin1String("classic")
                                    ? Generator::Classic
                                    : Generator::Phrase;
            options.outDir = dir;
            const auto summary = SynthCorpusGenerator::generate(options);
            QVERIFY2(summary.ok(), qPrintable(summary.error()));
            std::printf("rendered %d tracks, %.1f s of audio, in %.1f s\n", summary->tracks, summary->audioSeconds,
                        timer.elapsed() / 1000.0);
        }
        timer.restart();
        const QString bundle = QStringLiteral(TAGLANE_SOURCE_DIR) + QStringLiteral("/resources/models/instruments.tlmodel");
        const auto ev = ModelEvaluator::evaluate(bundle, dir);
        QVERIFY2(ev.ok(), qPrintable(ev.error()));
        QVERIFY2(ev->warnings.isEmpty(), qPrintable(ev->warnings.join(QLatin1Char('\n'))));
        LabelledAudioFolder::Options readOptions;
        readOptions.probeAudio = false;
        const auto folder = LabelledAudioFolder::read(dir, readOptions);
        QVERIFY2(folder.ok(), qPrintable(folder.error()));
        std::printf("scored %d segments of %d tracks with %s in %.1f s\n", ev->input.examples, ev->tracks,
                    qPrintable(ev->manifest.version), timer.elapsed() / 1000.0);
        m_tags = ev->manifest.tags.names();
        const EvalInput &in = ev->input;
        int example = 0;
        for (const LabelledTrack &track : folder->tracks) {
            TrackMatrix m;
            m.tags = in.tags;
            m.segments = track.segments.size();
            const size_t size = size_t(m.tags) * size_t(m.segments);
            m.probabilities.resize(size);
            m.truth.resize(size);
            m.known.resize(size);
            for (int s = 0; s < m.segments; ++s, ++example) {
                QVERIFY(example < in.examples);
                for (int t = 0; t < m.tags; ++t) {
                    const size_t i = size_t(t) * size_t(m.segments) + size_t(s);
                    m.probabilities[i] = std::clamp(in.scores[in.index(example, t)], 0.0, 1.0);
                    m.truth[i] = in.truth[in.index(example, t)];
                    m.known[i] = in.isKnown(example, t) ? 1 : 0;
                }
            }
            m_tracks.push_back(std::move(m));
        }
        QCOMPARE(example, in.examples);
        TrackMatrix all;
        all.tags = in.tags;
        for (const TrackMatrix &m : m_tracks)
            all.segments += m.segments;
        const size_t size = size_t(all.tags) * size_t(all.segments);
        all.probabilities.resize(size);
        all.truth.resize(size);
        all.known.resize(size);
        int first = 0;
        for (const TrackMatrix &m : m_tracks) {
            for (int t = 0; t < m.tags; ++t)
                for (int s = 0; s < m.segments; ++s) {
                    const size_t from = size_t(t) * size_t(m.segments) + size_t(s);
                    const size_t to = size_t(t) * size_t(all.segments) + size_t(first + s);
                    all.probabilities[to] = m.probabilities[from];
                    all.truth[to] = m.truth[from];
                    all.known[to] = m.known[from];
                }
            first += m.segments;
        }
        m_library.push_back(std::move(all));
        int segments = 0;
        for (const TrackMatrix &m : m_tracks)
            segments += m.segments;
        std::printf("%d tracks, %d tags, %.1f segments a track\n", int(m_tracks.size()), int(m_tags.size()),
                    double(segments) / double(m_tracks.size()));
    }

    void curatedFractions()
    {
        const int draws = envInt("TAGLANE_BENCH_DRAWS", 10);
        std::printf("\nUncurated cells, pooled over tracks, mean of %d draws (accuracy at 0.5; ROC-AUC)\n", draws);
        std::printf("| curated | target, lambda | cells | acc model | acc completed | AUC model | AUC completed | AUC gain | worst draw |\n");
        std::printf("|---|---|---|---|---|---|---|---|---|\n");
        QElapsedTimer timer;
        timer.start();
        for (double fraction : {0.1, 0.2, 0.4}) {
            const std::pair<double, int> variants[] = {{0.5, kMatrix}, {1.0, kMatrix}, {2.0, kMatrix}, {4.0, kMatrix},
                                                       {8.0, kMatrix}, {1.0, kResidual}, {0.1, kResidual}, {0.0, kTuned}};
            for (const auto &[factor, residual] : variants) {
                const Summary s = measure(fraction, draws, factor, residual, m_tracks);
                QVERIFY(s.cells > 0);
                std::printf("| %2.0f %% | %s | %d | %.3f | %.3f | %.3f | %.3f | %+.3f | %+.3f |\n", 100 * fraction,
                            qPrintable(variantName(factor, residual)), s.cells, s.accModel,
                            s.accCompleted, s.aucModel, s.aucCompleted, s.aucCompleted - s.aucModel, s.worstGain);
                if (residual == kTuned)
                    std::printf("|   | (P won the cross-validation on %d of %d track completions) |||||||| \n",
                                s.probabilityChosen, s.completions);
            }
        }
        std::printf("(%.1f s for all completions)\n", timer.elapsed() / 1000.0);
        std::printf("\nThe same with every track's segments in one %d x %d matrix (a library, not a track)\n",
                    m_library.front().tags, m_library.front().segments);
        std::printf("| curated | target, lambda | cells | acc model | acc completed | AUC model | AUC completed | AUC gain | worst draw |\n");
        std::printf("|---|---|---|---|---|---|---|---|---|\n");
        for (double fraction : {0.1, 0.2, 0.4}) {
            const std::pair<double, int> variants[] = {{1.0, kMatrix}, {4.0, kMatrix}, {1.0, kResidual}, {0.1, kResidual}, {0.0, kTuned}};
            for (const auto &[factor, residual] : variants) {
                const Summary s = measure(fraction, draws, factor, residual, m_library);
                QVERIFY(s.cells > 0);
                std::printf("| %2.0f %% | %s | %d | %.3f | %.3f | %.3f | %.3f | %+.3f | %+.3f |\n", 100 * fraction,
                            qPrintable(variantName(factor, residual)), s.cells, s.accModel,
                            s.accCompleted, s.aucModel, s.aucCompleted, s.aucCompleted - s.aucModel, s.worstGain);
            }
        }
        std::fflush(stdout);
    }
};

QTEST_GUILESS_MAIN(bench_Completion)
#include "bench_completion.moc"
