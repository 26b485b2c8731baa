#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes tests/data/semantic/lda_reference.json, the expected numbers of
tests/engine/tst_ldamodel.cpp.

Two kinds of reference:

1. "cases": an independent numpy implementation of the same variational EM
   as engine/semantic/ldamodel.cpp (Blei, Ng and Jordan 2003, section 5 and
   appendix A), fed the same starting topics. It is written differently on
   purpose: all documents at once with dense [documents x words x topics]
   phi arrays, scipy's digamma/polygamma, the bound in its full textbook form
   (eq. 15 with the phi-log-phi entropy) instead of the log-normaliser
   identity the C++ code uses, and the symmetric-alpha Newton step taken on
   log(alpha) instead of on alpha. Same schedule, so the numbers must agree:
     - first E-step: gamma = alpha + N_d / K; later E-steps start from the
       previous gamma (warm start, which keeps the bound monotone);
     - each E-step iteration: phi = f(gamma), then gamma = alpha + sum n phi;
       a fixed number of iterations (tolerance 0), then a final phi = f(gamma);
     - bound at the end of each E-step, with that E-step's alpha and beta;
     - M-step: beta_kw proportional to sum_d n_dw phi_dwk; when alpha is
       estimated, the symmetric alpha maximising the bound given the gammas.
   An unseen document gets the E-step alone (cold start), with the final
   topics and alpha.

2. "sklearn": scikit-learn's LatentDirichletAllocation (learning_method
   'batch') on a planted corpus of three disjoint tag groups. sklearn's model
   is smoothed LDA (a Dirichlet prior on the topics, its own initialisation),
   so its numbers are not comparable one to one; the test checks instead that
   Taglane's topics, matched to sklearn's, have the same top words.

Run with Debian's Python (numpy 1.24, scipy 1.10, scikit-learn 1.2):
    /usr/bin/python3 scripts/lda-reference.py
"""
import json
import os

import numpy as np
import scipy
import sklearn
from scipy.special import digamma, gammaln, polygamma
from sklearn.decomposition import LatentDirichletAllocation

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "data", "semantic", "lda_reference.json")


def e_log_theta(gamma):
    return digamma(gamma) - digamma(gamma.sum(axis=1, keepdims=True))


def phi_of(gamma, beta):
    """phi[d, w, k] proportional to beta[k, w] exp(E log theta_dk)."""
    elog = e_log_theta(gamma)
    unnorm = beta.T[None, :, :] * np.exp(elog)[:, None, :]
    total = unnorm.sum(axis=2, keepdims=True)
    # A word no topic can emit (absent from the training corpus) has no phi; its count is zero in training.
    return np.divide(unnorm, total, out=np.zeros_like(unnorm), where=total > 0)


def bound(counts, gamma, phi, beta, alpha):
    """Blei et al. (2003) eq. 15 summed over documents, counts as word weights."""
    k = beta.shape[0]
    elog = e_log_theta(gamma)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_beta = np.where(beta > 0, np.log(beta), 0.0)
        phi_log_phi = np.where(phi > 0, phi * np.log(phi), 0.0)
    total = 0.0
    total += counts.shape[0] * (gammaln(k * alpha) - k * gammaln(alpha))
    total += ((alpha - 1.0) * elog).sum()
    total += np.einsum("dw,dwk,dk->", counts, phi, elog)
    total += np.einsum("dw,dwk,kw->", counts, phi, log_beta)
    total -= gammaln(gamma.sum(axis=1)).sum() - gammaln(gamma).sum() + ((gamma - 1.0) * elog).sum()
    total -= np.einsum("dw,dwk->", counts, phi_log_phi)
    return float(total)


def e_step(counts, beta, alpha, gamma, iterations):
    for _ in range(iterations):
        phi = phi_of(gamma, beta)
        gamma = alpha + np.einsum("dw,dwk->dk", counts, phi)
    return gamma, phi_of(gamma, beta)


def newton_alpha(gamma, alpha):
    """Symmetric alpha maximising M (lgamma(K a) - K lgamma(a)) + (a - 1) S, by
    Newton's method on u = log a (as in Blei's lda-c)."""
    m, k = gamma.shape
    s = e_log_theta(gamma).sum()
    u = np.log(alpha)
    for _ in range(200):
        a = np.exp(u)
        g = m * k * (digamma(k * a) - digamma(a)) + s
        h = m * k * (k * polygamma(1, k * a) - polygamma(1, a))
        du = -(a * g) / (a * a * h + a * g)
        u_new = u + du
        if abs(u_new - u) < 1e-14:
            u = u_new
            break
        u = u_new
    return float(np.exp(u))


def fit(counts, beta0, alpha, em_iterations, e_iterations, estimate_alpha):
    k = beta0.shape[0]
    beta = beta0 / beta0.sum(axis=1, keepdims=True)
    gamma = alpha + counts.sum(axis=1, keepdims=True) / k * np.ones((1, k))
    trace, alphas = [], []
    for _ in range(em_iterations):
        gamma, phi = e_step(counts, beta, alpha, gamma, e_iterations)
        trace.append(bound(counts, gamma, phi, beta, alpha))
        stats = np.einsum("dw,dwk->kw", counts, phi)
        beta = stats / stats.sum(axis=1, keepdims=True)
        if estimate_alpha:
            alpha = newton_alpha(gamma, alpha)
        alphas.append(alpha)
    # Gammas of the training documents under the final topics: one more E-step.
    gamma_final, phi_final = e_step(counts, beta, alpha, gamma, e_iterations)
    return beta, alpha, gamma, trace, alphas, gamma_final


def infer(doc, beta, alpha, e_iterations):
    k = beta.shape[0]
    doc = doc[None, :]
    gamma = alpha + doc.sum() / k * np.ones((1, k))
    gamma, phi = e_step(doc, beta, alpha, gamma, e_iterations)
    return gamma[0], bound(doc, gamma, phi, beta, alpha)


def make_case(name, seed, docs, words, topics, alpha, weights, estimate_alpha, em_iterations=12, e_iterations=25):
    rng = np.random.default_rng(seed)
    # A corpus with some structure: each document draws from two of `topics` word profiles.
    profiles = rng.dirichlet(np.full(words, 0.3), size=topics)
    counts = np.zeros((docs, words))
    for d in range(docs):
        mix = rng.dirichlet(np.full(topics, 0.5))
        p = mix @ profiles
        if weights:
            counts[d] = np.round(rng.random(words) * p * words, 3)  # tag weights, fractional
        else:
            counts[d] = rng.multinomial(int(rng.integers(5, 25)), p)
    counts[docs - 1] = 0.0  # an untagged song: allowed, contributes only alpha terms
    beta0 = 1.0 / words + rng.random((topics, words))
    beta, alpha_final, gamma, trace, alphas, gamma_final = fit(counts, beta0, alpha, em_iterations, e_iterations,
                                                               estimate_alpha)
    unseen = []
    for _ in range(2):
        doc = np.zeros(words)
        chosen = rng.choice(words, size=max(2, words // 3), replace=False)
        doc[chosen] = rng.integers(1, 4, size=chosen.size).astype(float)
        g, b = infer(doc, beta, alpha_final, e_iterations)
        unseen.append({"document": doc.tolist(), "gamma": g.tolist(), "bound": b})
    return {
        "name": name,
        "documents": docs, "words": words, "topics": topics,
        "alpha": alpha, "estimate_alpha": estimate_alpha,
        "em_iterations": em_iterations, "e_iterations": e_iterations,
        "counts": counts.ravel().tolist(),
        "initial_topics": beta0.ravel().tolist(),
        "expected": {
            "bound_trace": trace,
            "alpha_trace": alphas,
            "topics": beta.ravel().tolist(),
            "gamma_final_topics": gamma_final.ravel().tolist(),
            "alpha": alpha_final,
        },
        "unseen": unseen,
    }


def sklearn_case(seed=5):
    """Three disjoint tag groups of 6 tags; each song uses one group (plus none of the others)."""
    rng = np.random.default_rng(seed)
    groups, per_group, docs = 3, 6, 90
    words = groups * per_group
    counts = np.zeros((docs, words))
    for d in range(docs):
        g = d % groups
        weights = rng.dirichlet(np.full(per_group, 2.0))
        counts[d, g * per_group:(g + 1) * per_group] = rng.multinomial(12, weights)
    lda = LatentDirichletAllocation(n_components=groups, learning_method="batch", max_iter=200,
                                    doc_topic_prior=0.3, topic_word_prior=0.01, random_state=0,
                                    evaluate_every=-1, perp_tol=1e-6)
    lda.fit(counts)
    top = [np.argsort(-row)[:3].tolist() for row in lda.components_]
    return {"documents": docs, "words": words, "topics": groups, "alpha": 0.3,
            "counts": counts.ravel().tolist(), "top3": top,
            "sklearn_bound_per_word": float(-np.log(lda.perplexity(counts)))}


def main():
    data = {
        "generator": "scripts/lda-reference.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__},
        "cases": [
            make_case("counts_fixed_alpha", 11, docs=14, words=9, topics=3, alpha=0.5, weights=False,
                      estimate_alpha=False),
            make_case("weights_newton_alpha", 12, docs=16, words=10, topics=4, alpha=0.2, weights=True,
                      estimate_alpha=True),
        ],
        "sklearn": sklearn_case(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    for case in data["cases"]:
        print(case["name"], "bound", case["expected"]["bound_trace"][0], "->", case["expected"]["bound_trace"][-1],
              "alpha", case["expected"]["alpha"])
    print("sklearn top3", data["sklearn"]["top3"])


if __name__ == "__main__":
    main()
