// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/semantic/ldamodel.h"

#include "engine/semantic/specialfunctions.h"

#include <Eigen/Dense>

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("LdaModel", text);
}

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// The non-zero cells of one document.
struct SparseDocument
{
    std::vector<int> words;
    std::vector<double> counts;
    double total = 0.0;
};

SparseDocument sparseRow(const double *row, int words)
{
    SparseDocument doc;
    for (int w = 0; w < words; ++w) {
        if (row[w] > 0.0) {
            doc.words.push_back(w);
            doc.counts.push_back(row[w]);
            doc.total += row[w];
        }
    }
    return doc;
}

/// Everything one E-step of one document hands back to the M-step.
struct DocumentPass
{
    double bound = 0.0;
    int iterations = 0;
    int ignoredWords = 0;
};

/// The variational E-step of one document (Blei et al. 2003, fig. 6) against
/// topics stored word-major (betaT[w][k] = beta_kw). `gamma` holds the start
/// and receives the result. Each sweep sets phi from gamma, then gamma from
/// phi; a final phi is taken from the final gamma, so the returned bound and
/// statistics belong to a point the coordinate ascent reached (phi optimal
/// for gamma). `stats` (word-major, may be null) accumulates n_w phi_wk.
DocumentPass eStep(const SparseDocument &doc, const Matrix &betaT, double alpha, int maxIterations, double tolerance,
                   double *gamma, double *stats)
{
    const int k = int(betaT.cols());
    const size_t n = doc.words.size();
    std::vector<double> expElog(static_cast<size_t>(k));
    std::vector<double> next(static_cast<size_t>(k));
    DocumentPass pass;

    // expElog_k = exp(E[log theta_k] - max_j E[log theta_j]); returns the max.
    auto expectedLogTheta = [&]() {
        const double total = std::accumulate(gamma, gamma + k, 0.0);
        const double psiTotal = digamma(total);
        double top = -std::numeric_limits<double>::infinity();
        for (int t = 0; t < k; ++t) {
            expElog[size_t(t)] = digamma(gamma[t]) - psiTotal;
            top = std::max(top, expElog[size_t(t)]);
        }
        for (int t = 0; t < k; ++t)
            expElog[size_t(t)] = std::exp(expElog[size_t(t)] - top);
        return top;
    };

    for (int it = 0; it < maxIterations; ++it) {  // an empty document ends at gamma = alpha
        expectedLogTheta();
        std::fill(next.begin(), next.end(), 0.0);
        for (size_t j = 0; j < n; ++j) {
            const double *b = betaT.row(doc.words[j]).data();
            double z = 0.0;
            for (int t = 0; t < k; ++t)
                z += b[t] * expElog[size_t(t)];
            if (!(z > 0.0))
                continue;  // no topic emits this word
            const double scale = doc.counts[j] / z;
            for (int t = 0; t < k; ++t)
                next[size_t(t)] += scale * b[t];
        }
        double change = 0.0;
        double total = 0.0;
        for (int t = 0; t < k; ++t) {
            const double g = alpha + expElog[size_t(t)] * next[size_t(t)];
            change = std::max(change, std::fabs(g - gamma[t]));
            total += g;
            gamma[t] = g;
        }
        pass.iterations = it + 1;
        if (tolerance > 0.0 && change < tolerance * total)
            break;
    }

    // Final phi from the final gamma: bound and sufficient statistics.
    const double top = expectedLogTheta();
    const double gammaTotal = std::accumulate(gamma, gamma + k, 0.0);
    const double psiTotal = digamma(gammaTotal);
    double bound = std::lgamma(k * alpha) - k * std::lgamma(alpha) - std::lgamma(gammaTotal);
    for (int t = 0; t < k; ++t) {
        const double elog = digamma(gamma[t]) - psiTotal;
        bound += (alpha - gamma[t]) * elog + std::lgamma(gamma[t]);
    }
    // With phi optimal for gamma, sum_k phi (E log theta + log beta - log phi)
    // is log sum_k beta_kw exp(E log theta_k).
    for (size_t j = 0; j < n; ++j) {
        const double *b = betaT.row(doc.words[j]).data();
        double z = 0.0;
        for (int t = 0; t < k; ++t)
            z += b[t] * expElog[size_t(t)];
        if (!(z > 0.0)) {
            ++pass.ignoredWords;
            continue;
        }
        bound += doc.counts[j] * (std::log(z) + top);
        if (stats) {
            double *s = stats + size_t(doc.words[j]) * size_t(k);
            const double scale = doc.counts[j] / z;
            for (int t = 0; t < k; ++t)
                s[t] += scale * b[t] * expElog[size_t(t)];
        }
    }
    pass.bound = bound;
    return pass;
}

/// The alpha part of the corpus bound for one symmetric alpha:
/// M (lgamma(k a) - k lgamma(a)) + (a - 1) S, S = sum_d sum_k E[log theta_dk].
double alphaObjective(double a, int documents, int k, double s)
{
    return documents * (std::lgamma(k * a) - k * std::lgamma(a)) + (a - 1.0) * s;
}

/// The symmetric alpha maximising the (concave) alpha part of the bound:
/// Newton's method on alpha, each step halved until alpha stays positive and
/// the objective does not fall.
double newtonAlpha(double alpha, int documents, int k, double s)
{
    double a = alpha;
    double f = alphaObjective(a, documents, k, s);
    for (int it = 0; it < 100; ++it) {
        const double g = documents * k * (digamma(k * a) - digamma(a)) + s;
        const double h = documents * k * (k * trigamma(k * a) - trigamma(a));
        if (!(h < 0.0) || !std::isfinite(g))
            break;
        double step = g / h;
        double next = a - step;
        double fNext = next > 0.0 ? alphaObjective(next, documents, k, s) : -std::numeric_limits<double>::infinity();
        int halvings = 0;
        while ((!(next > 0.0) || fNext < f) && halvings < 60) {
            step *= 0.5;
            next = a - step;
            fNext = next > 0.0 ? alphaObjective(next, documents, k, s) : -std::numeric_limits<double>::infinity();
            ++halvings;
        }
        if (!(next > 0.0) || fNext < f)
            break;
        const bool done = std::fabs(next - a) <= 1e-13 * a;
        a = next;
        f = fNext;
        if (done)
            break;
    }
    return std::clamp(a, 1e-10, 1e10);
}

/// One variational EM run from one start.
struct EmRun
{
    Matrix betaT;  // [words][topics]
    std::vector<double> gamma;
    std::vector<double> trace;
    std::vector<double> alphaTrace;
    double alpha = 0.0;
    bool converged = false;
    quint64 seed = 0;
};

EmRun runEm(const std::vector<SparseDocument> &docs, int words, const LdaOptions &options, quint64 seed)
{
    const int k = options.topics;
    const int documents = int(docs.size());
    // Topics word-major (betaT(w, k) = beta_kw) so a word's k values are adjacent.
    Matrix betaT(words, k);
    if (!options.initialTopics.empty()) {
        for (int t = 0; t < k; ++t)
            for (int w = 0; w < words; ++w)
                betaT(w, t) = options.initialTopics[size_t(t) * size_t(words) + size_t(w)];
    } else {
        std::mt19937_64 rng(seed);
        for (int t = 0; t < k; ++t)
            for (int w = 0; w < words; ++w)
                betaT(w, t) = 1.0 / words + double(rng() >> 11) * 0x1.0p-53;
    }
    for (int t = 0; t < k; ++t)
        betaT.col(t) /= betaT.col(t).sum();

    double alpha = options.alpha;
    std::vector<double> gamma(size_t(documents) * size_t(k));
    for (int d = 0; d < documents; ++d)
        std::fill_n(gamma.begin() + ptrdiff_t(size_t(d) * size_t(k)), k, alpha + docs[size_t(d)].total / k);

    std::vector<double> trace;
    std::vector<double> alphaTrace;
    Matrix stats(words, k);
    bool converged = false;
    bool consistent = false;  // gamma came from an E-step with the current topics and alpha
    for (int it = 0; it < options.maxIterations; ++it) {
        stats.setZero();
        double bound = 0.0;
        for (int d = 0; d < documents; ++d)
            bound += eStep(docs[size_t(d)], betaT, alpha, options.maxEStepIterations, options.eStepTolerance,
                           gamma.data() + size_t(d) * size_t(k), stats.data())
                         .bound;
        trace.push_back(bound);
        consistent = true;
        if (it > 0 && options.tolerance > 0.0) {
            const double previous = trace[trace.size() - 2];
            if (bound - previous < options.tolerance * std::fabs(previous)) {
                converged = true;
                break;
            }
        }
        // M-step: beta_kw proportional to sum_d n_dw phi_dwk. A topic no
        // word went to keeps its previous row (its bound terms are zero).
        for (int t = 0; t < k; ++t) {
            const double mass = stats.col(t).sum();
            if (mass > 0.0)
                betaT.col(t) = stats.col(t) / mass;
        }
        if (options.estimateAlpha) {
            double s = 0.0;
            for (int d = 0; d < documents; ++d) {
                const double *g = gamma.data() + size_t(d) * size_t(k);
                const double psiTotal = digamma(std::accumulate(g, g + k, 0.0));
                for (int t = 0; t < k; ++t)
                    s += digamma(g[t]) - psiTotal;
            }
            alpha = newtonAlpha(alpha, documents, k, s);
        }
        alphaTrace.push_back(alpha);
        consistent = false;
    }
    if (!consistent)  // gammas under the final topics: one more (warm) E-step
        for (int d = 0; d < documents; ++d)
            eStep(docs[size_t(d)], betaT, alpha, options.maxEStepIterations, options.eStepTolerance,
                  gamma.data() + size_t(d) * size_t(k), nullptr);

    EmRun run;
    run.betaT = std::move(betaT);
    run.gamma = std::move(gamma);
    run.trace = std::move(trace);
    run.alphaTrace = std::move(alphaTrace);
    run.alpha = alpha;
    run.converged = converged;
    run.seed = seed;
    return run;
}

QString checkOptions(const LdaOptions &o, int words)
{
    if (o.topics < 1)
        return tr("An LDA model needs at least one topic (got %1).").arg(o.topics);
    if (!(o.alpha > 0.0) || !std::isfinite(o.alpha))
        return tr("The LDA prior alpha must be a positive number (got %1).").arg(o.alpha);
    if (o.restarts < 1)
        return tr("LDA needs at least one start (restarts = %1).").arg(o.restarts);
    if (o.maxIterations < 1 || o.maxEStepIterations < 1)
        return tr("LDA needs at least one EM iteration and one E-step sweep (got %1 and %2).")
            .arg(o.maxIterations)
            .arg(o.maxEStepIterations);
    if (!(o.tolerance >= 0.0) || !(o.eStepTolerance >= 0.0))
        return tr("LDA tolerances must be zero or positive.");
    if (!o.initialTopics.empty()) {
        if (o.initialTopics.size() != size_t(o.topics) * size_t(words))
            return tr("The starting topics hold %1 values; %2 topics of %3 words need %4.")
                .arg(o.initialTopics.size())
                .arg(o.topics)
                .arg(words)
                .arg(size_t(o.topics) * size_t(words));
        for (int t = 0; t < o.topics; ++t) {
            double sum = 0.0;
            for (int w = 0; w < words; ++w) {
                const double v = o.initialTopics[size_t(t) * size_t(words) + size_t(w)];
                if (!std::isfinite(v) || v < 0.0)
                    return tr("Starting topic %1 has a negative or non-finite value for word %2.").arg(t).arg(w);
                sum += v;
            }
            if (!(sum > 0.0))
                return tr("Starting topic %1 is all zeros.").arg(t);
        }
    }
    return {};
}

QString checkDocument(const double *row, int words, int document)
{
    for (int w = 0; w < words; ++w)
        if (!std::isfinite(row[w]) || row[w] < 0.0) {
            if (document < 0)
                return tr("Word %1 of the document has the weight %2; weights must be finite and >= 0.")
                    .arg(w)
                    .arg(row[w]);
            return tr("Document %1, word %2 has the weight %3; weights must be finite and >= 0.")
                .arg(document)
                .arg(w)
                .arg(row[w]);
        }
    return {};
}

} // namespace

Status LdaModel::fit(const std::vector<double> &counts, int documents, int words, const LdaOptions &options)
{
    if (documents < 1 || words < 1)
        return Status::failure(tr("An LDA corpus needs at least one document and one word (got %1 x %2).")
                                   .arg(documents)
                                   .arg(words));
    if (counts.size() != size_t(documents) * size_t(words))
        return Status::failure(tr("The LDA corpus holds %1 values; %2 documents of %3 words need %4.")
                                   .arg(counts.size())
                                   .arg(documents)
                                   .arg(words)
                                   .arg(size_t(documents) * size_t(words)));
    const QString bad = checkOptions(options, words);
    if (!bad.isEmpty())
        return Status::failure(bad);
    std::vector<SparseDocument> docs;
    docs.reserve(size_t(documents));
    double corpusTotal = 0.0;
    for (int d = 0; d < documents; ++d) {
        const double *row = counts.data() + size_t(d) * size_t(words);
        const QString badRow = checkDocument(row, words, d);
        if (!badRow.isEmpty())
            return Status::failure(badRow);
        docs.push_back(sparseRow(row, words));
        corpusTotal += docs.back().total;
    }
    if (!(corpusTotal > 0.0))
        return Status::failure(tr("The LDA corpus has no words: every cell is zero."));

    const int k = options.topics;
    const int runs = options.initialTopics.empty() ? options.restarts : 1;
    EmRun best;
    for (int r = 0; r < runs; ++r) {
        EmRun run = runEm(docs, words, options, options.seed + quint64(r));
        if (r == 0 || run.trace.back() > best.trace.back())
            best = std::move(run);
    }

    m_topics = k;
    m_words = words;
    m_documents = documents;
    m_alpha = best.alpha;
    m_eIterations = options.maxEStepIterations;
    m_eTolerance = options.eStepTolerance;
    m_beta.assign(size_t(k) * size_t(words), 0.0);
    for (int t = 0; t < k; ++t)
        for (int w = 0; w < words; ++w)
            m_beta[size_t(t) * size_t(words) + size_t(w)] = best.betaT(w, t);
    m_gamma = std::move(best.gamma);
    m_trace = std::move(best.trace);
    m_alphaTrace = std::move(best.alphaTrace);
    m_converged = best.converged;
    m_seedUsed = best.seed;
    return {};
}

Result<LdaInference> LdaModel::infer(const std::vector<double> &document) const
{
    if (!isFitted())
        return Result<LdaInference>::failure(tr("The LDA model has not been fitted."));
    if (document.size() != size_t(m_words))
        return Result<LdaInference>::failure(
            tr("The document has %1 tag weights; the LDA model knows %2 tags.").arg(document.size()).arg(m_words));
    const QString bad = checkDocument(document.data(), m_words, -1);
    if (!bad.isEmpty())
        return Result<LdaInference>::failure(bad);
    Matrix betaT(m_words, m_topics);
    for (int t = 0; t < m_topics; ++t)
        for (int w = 0; w < m_words; ++w)
            betaT(w, t) = m_beta[size_t(t) * size_t(m_words) + size_t(w)];
    const SparseDocument doc = sparseRow(document.data(), m_words);
    LdaInference out;
    out.gamma.assign(size_t(m_topics), m_alpha + doc.total / m_topics);
    const DocumentPass pass = eStep(doc, betaT, m_alpha, m_eIterations, m_eTolerance, out.gamma.data(), nullptr);
    out.bound = pass.bound;
    out.iterations = pass.iterations;
    out.ignoredWords = pass.ignoredWords;
    const double total = std::accumulate(out.gamma.begin(), out.gamma.end(), 0.0);
    for (double g : out.gamma)
        out.mixture.push_back(g / total);
    return out;
}

std::vector<double> LdaModel::mixtures() const
{
    std::vector<double> out(m_gamma.size());
    for (int d = 0; d < m_documents; ++d) {
        const double *g = m_gamma.data() + size_t(d) * size_t(m_topics);
        const double total = std::accumulate(g, g + m_topics, 0.0);
        for (int t = 0; t < m_topics; ++t)
            out[size_t(d) * size_t(m_topics) + size_t(t)] = g[t] / total;
    }
    return out;
}

std::vector<int> LdaModel::topWords(int topic, int n) const
{
    if (topic < 0 || topic >= m_topics || n <= 0)
        return {};
    std::vector<int> order(static_cast<size_t>(m_words));
    std::iota(order.begin(), order.end(), 0);
    const double *row = m_beta.data() + size_t(topic) * size_t(m_words);
    std::stable_sort(order.begin(), order.end(), [row](int a, int b) { return row[a] > row[b]; });
    order.resize(size_t(std::min(n, m_words)));
    return order;
}

} // namespace taglane::engine
