// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QtGlobal>

#include <vector>

namespace taglane::engine {

/// Options of the LDA fit. See engine/semantic/NOTES.md for the equations.
struct LdaOptions
{
    int topics = 10;               ///< k
    double alpha = 0.1;            ///< symmetric Dirichlet prior on the mixtures (the start when estimated)
    bool estimateAlpha = false;    ///< M-step also maximises the bound over one symmetric alpha (Newton)
    int maxIterations = 100;       ///< EM iterations
    double tolerance = 1e-5;       ///< stop when the bound rises by less than this fraction of |bound|; 0 = never
    int maxEStepIterations = 100;  ///< gamma/phi sweeps per document and E-step
    double eStepTolerance = 1e-6;  ///< stop a document's sweeps when max |d gamma| < this * sum gamma; 0 = never
    quint64 seed = 1;              ///< random starting topics (ignored when initialTopics is given)
    /// Random starts seed, seed + 1, ...; the fit with the highest final
    /// bound is kept (EM finds local optima). Ignored with initialTopics.
    int restarts = 1;
    /// Optional starting topics [topics][words], non-negative, each row with a
    /// positive sum (normalised here). Empty: 1/words + uniform(0, 1) per
    /// entry from a 64-bit Mersenne Twister seeded with `seed`, as Blei's lda-c.
    std::vector<double> initialTopics;
};

/// E-step of one document against fitted topics.
struct LdaInference
{
    std::vector<double> gamma;    ///< variational Dirichlet parameters [topics]
    std::vector<double> mixture;  ///< gamma normalised: the expected topic mixture, sums to 1
    double bound = 0.0;           ///< the document's evidence lower bound
    int iterations = 0;           ///< sweeps taken
    int ignoredWords = 0;         ///< words with weight that no topic can emit (unseen in training)
};

/// Latent Dirichlet allocation of a tag matrix (Blei, Ng and Jordan 2003):
/// documents are songs (or segments), words are tags, a cell is a count or a
/// non-negative weight. Fitted by variational EM: per document the Dirichlet
/// gamma and multinomial phi updates, then the maximum-likelihood topic-word
/// matrix beta; alpha is fixed or, with estimateAlpha, one symmetric value
/// Newton-updated in each M-step. Deterministic given the options.
/// Value type; fit() blocks, any thread; the const methods may be called
/// from several threads at once on a fitted model.
class LdaModel
{
public:
    /// counts: [documents][words] row-major, finite and >= 0. A document may
    /// be empty (gamma = alpha); the corpus may not. Fails with a message on
    /// bad sizes, values or options, and leaves a previous fit untouched.
    Status fit(const std::vector<double> &counts, int documents, int words, const LdaOptions &options = {});

    /// E-step alone for a new document of `words()` weights (a segment's tag
    /// vector), cold-started at gamma = alpha + N / k, with the options' E-step
    /// limits. Fails before fit() or on a bad vector.
    Result<LdaInference> infer(const std::vector<double> &document) const;

    bool isFitted() const { return m_topics > 0; }
    int topics() const { return m_topics; }
    int words() const { return m_words; }
    int documents() const { return m_documents; }
    double alpha() const { return m_alpha; }
    /// Topic-word probabilities [topics][words], rows sum to 1.
    const std::vector<double> &topicWords() const { return m_beta; }
    /// Gamma of each training document [documents][topics], from the last E-step.
    const std::vector<double> &gammas() const { return m_gamma; }
    /// Expected topic mixture of each training document [documents][topics].
    std::vector<double> mixtures() const;
    /// Corpus bound at the end of each E-step (one per EM iteration).
    const std::vector<double> &boundTrace() const { return m_trace; }
    /// Alpha after each M-step (constant unless estimated).
    const std::vector<double> &alphaTrace() const { return m_alphaTrace; }
    int iterations() const { return int(m_trace.size()); }
    bool converged() const { return m_converged; }
    /// The seed of the start that was kept (see LdaOptions::restarts).
    quint64 seedUsed() const { return m_seedUsed; }
    /// The n most probable words of a topic, most probable first.
    std::vector<int> topWords(int topic, int n) const;

private:
    int m_topics = 0;
    int m_words = 0;
    int m_documents = 0;
    double m_alpha = 0.0;
    int m_eIterations = 0;
    double m_eTolerance = 0.0;
    std::vector<double> m_beta;   // [topics][words]
    std::vector<double> m_gamma;  // [documents][topics]
    std::vector<double> m_trace;
    std::vector<double> m_alphaTrace;
    bool m_converged = false;
    quint64 m_seedUsed = 0;
};

} // namespace taglane::engine
