// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QString>
#include <QtGlobal>

#include <vector>

namespace taglane::engine {

/// Tensor-free probes of the ERNN modules and the binary CRF chain (the
/// optimised-RNN study) for tests. Values are row-major [T][D]. Blocking;
/// any thread.
struct ErnnProbe
{
    /// Phi's estimates [T][D] for values x and masks m of one sequence, from
    /// a fresh module seeded with `seed` (hidden size 8).
    static Result<std::vector<float>> phiEstimates(const std::vector<float> &x, const std::vector<float> &m, int steps,
                                                   int streams, quint64 seed);
    /// Every output of one pass: phi, psi, V_t, I_t, c_t (each [T][D]).
    struct Pass
    {
        std::vector<float> phi, psi, weights, estimate, completed;
    };
    static Result<Pass> pass(const std::vector<float> &x, const std::vector<float> &m, int steps, int streams,
                             quint64 seed);
    /// Psi's effective weight [D][D] before and after `steps` Adam steps on
    /// the prediction loss of random data.
    struct PsiSteps
    {
        std::vector<float> before, after;
    };
    static Result<PsiSteps> psiWeightsAroundTraining(int streams, int trainingSteps, quint64 seed);
    /// Elapsed steps delta and V_t = exp(-max(0, gamma delta + a)) for masks [T][D].
    static Result<std::vector<float>> elapsed(const std::vector<float> &m, int steps, int streams);
    static Result<std::vector<float>> dynamicWeights(const std::vector<float> &m, int steps, int streams,
                                                     const std::vector<float> &gamma, const std::vector<float> &a);
    /// Binary chain: unary [T] (state-1 emission), transitions [2][2] (from, to).
    static Result<double> crfLogLikelihood(const std::vector<double> &unary, const std::vector<double> &transitions,
                                           const std::vector<int> &states);
    static Result<std::vector<int>> crfViterbi(const std::vector<double> &unary, const std::vector<double> &transitions);
    /// Shape of the MIA-ERNN logits ([batch, steps, tags]) for a variant
    /// name: "mia-ernn", "mia-ernn/af", "/se", "/am", "/et" (fails otherwise).
    static Result<std::vector<qint64>> miaErnnLogitShape(const QString &variant, int batch, int steps, int audioDim,
                                                         int topics, int tags);
    /// Trains one chain's transitions [2][2] by maximising the forward-
    /// algorithm log-likelihood of the given state sequences under fixed
    /// unary scores (all zero), Adam, `iterations` steps, from zeros.
    /// Trains a variant on a synthetic task (a tag is present at a step
    /// when the step's first audio stream is positive; 30 % of audio cells
    /// missing) and returns the loss of every step, then checks the weight
    /// round trip: `roundTripError` is the largest logit difference between
    /// the trained net and a fresh net loaded with its state dict.
    struct Training
    {
        std::vector<double> losses;
        double roundTripError = 0.0;
    };
    static Result<Training> trainMiaErnn(const QString &variant, int iterations, quint64 seed);
    /// mia-ernn's semantic input: the vectorised LDA E-step (50 sweeps) of
    /// documents [n][words] against topics beta [topics][words]: the topic
    /// mixtures [n][topics] (zero rows for empty documents). miaernnarchprobe.cpp.
    static Result<std::vector<double>> ldaMixtures(const std::vector<double> &beta, int topics, int words, double alpha,
                                                   const std::vector<double> &documents, int n);
    /// mia-ernn's batched binary-chain log-likelihoods [n][tags] for unary
    /// and states [n][steps][tags] and transitions [tags][2][2].
    static Result<std::vector<double>> crfChainLogLikelihoods(const std::vector<double> &unary,
                                                             const std::vector<double> &transitions,
                                                             const std::vector<int> &states, int n, int steps,
                                                             int tags);
    static Result<std::vector<double>> trainCrfTransitions(const std::vector<std::vector<int>> &sequences,
                                                           int iterations);
};

} // namespace taglane::engine
