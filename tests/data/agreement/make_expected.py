#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the expected agreement figures that tests/engine/tst_agreement.cpp checks.

Each set holds seeded random ratings (tags x items x raters; -1 = not judged)
and what scikit-learn (cohen_kappa_score, per pair on the items both judged)
and statsmodels (fleiss_kappa, method "fleiss", on the items every rater
judged) compute on them, plus raw agreement computed here: per pair the share
of common items with the same rating, per tag agreeing pairs of ratings over
all pairs of ratings on items judged at least twice. Undefined values
(no common item, chance agreement 1) are null.
Run with Debian's Python: /usr/bin/python3 make_expected.py
"""
import itertools
import json
import math
import os
import warnings

import numpy as np
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa

HERE = os.path.dirname(os.path.abspath(__file__))


def finite_or_none(value):
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def make_set(name, seed, tags, items, raters, categories, missing, constant_tag=None):
    rng = np.random.default_rng(seed)
    ratings = np.empty((tags, items, raters), dtype=int)
    for t in range(tags):
        truth = rng.integers(0, categories, size=items)
        for r in range(raters):
            noisy = rng.random(items) < 0.15 + 0.1 * r
            ratings[t, :, r] = np.where(noisy, rng.integers(0, categories, size=items), truth)
    if constant_tag is not None:
        ratings[constant_tag] = 1
    ratings = np.where(rng.random(ratings.shape) < missing, -1, ratings)
    expected = []
    for t in range(tags):
        table = ratings[t]
        pairs = []
        for a, b in itertools.combinations(range(raters), 2):
            both = (table[:, a] >= 0) & (table[:, b] >= 0)
            n = int(both.sum())
            if n == 0:
                pairs.append({"a": a, "b": b, "items": 0, "raw": None, "kappa": None})
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                k = cohen_kappa_score(table[both, a], table[both, b], labels=list(range(categories)))
            raw = float((table[both, a] == table[both, b]).mean())
            pairs.append({"a": a, "b": b, "items": n, "raw": raw, "kappa": finite_or_none(k)})
        complete = (table >= 0).all(axis=1)
        counts = np.array([[int((row == c).sum()) for c in range(categories)] for row in table[complete]])
        fleiss = None
        if len(counts) > 0:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fleiss = finite_or_none(fleiss_kappa(counts, method="fleiss"))
        agreeing = total = 0.0
        for row in table:
            judged = row[row >= 0]
            if len(judged) >= 2:
                total += len(judged) * (len(judged) - 1) / 2
                agreeing += sum(c * (c - 1) / 2 for c in np.bincount(judged, minlength=categories))
        expected.append({"pairs": pairs, "fleiss": fleiss, "fleissItems": int(complete.sum()),
                         "raw": agreeing / total if total > 0 else None})
    return {"name": name, "categories": categories, "items": items, "raters": raters,
            "ratings": ratings.tolist(), "expected": expected}


def main():
    sets = [
        make_set("binary", 11, tags=3, items=60, raters=4, categories=2, missing=0.2, constant_tag=2),
        make_set("pair", 12, tags=2, items=35, raters=2, categories=2, missing=0.1),
        make_set("three categories", 13, tags=2, items=50, raters=5, categories=3, missing=0.0),
    ]
    with open(os.path.join(HERE, "agreement_reference.json"), "w") as out:
        json.dump({"generator": "make_expected.py", "sets": sets}, out, indent=None)
        out.write("\n")


if __name__ == "__main__":
    main()
