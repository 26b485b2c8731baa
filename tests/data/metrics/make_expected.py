#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the expected metric values that tests/engine/tst_metrics.cpp checks.

Each set_*.json holds seeded random inputs (scores [examples x tags], truth,
optional mask of known cells) and the values scikit-learn computes on them.
Taglane's definitions (engine/eval/metrics.h) that scikit-learn cannot
express directly are built from scikit-learn calls here:
  - masked cells: each per-tag metric is computed on that tag's known rows;
    micro metrics on the flattened known cells; macro = mean of per-tag values;
  - AUC / balanced accuracy of a tag without both classes: null (undefined),
    excluded from the macro mean and MAA; AP of a tag without positives: null,
    excluded from MAP;
  - predictions at a threshold t: score >= t.
Run with Debian's Python (scikit-learn 1.2): /usr/bin/python3 make_expected.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, average_precision_score, balanced_accuracy_score, f1_score,
                             precision_recall_curve, precision_score, recall_score, roc_auc_score, roc_curve)

HERE = os.path.dirname(os.path.abspath(__file__))
THRESHOLD = 0.5


def make_set(name, seed, examples, tags, decimals=None, mask_fraction=0.0, no_positive_tag=None,
             no_negative_tag=None):
    rng = np.random.default_rng(seed)
    truth = (rng.random((examples, tags)) < 0.4).astype(int)
    # Scores correlate with the truth so the metrics are not all near 0.5.
    scores = np.clip(0.35 * truth + rng.random((examples, tags)) * 0.75, 0.0, 1.0)
    if decimals is not None:
        scores = np.round(scores, decimals)  # many ties, some exactly at the threshold
    if no_positive_tag is not None:
        truth[:, no_positive_tag] = 0
    if no_negative_tag is not None:
        truth[:, no_negative_tag] = 1
    known = np.ones((examples, tags), dtype=int)
    if mask_fraction > 0:
        known = (rng.random((examples, tags)) >= mask_fraction).astype(int)
        # Masked cells get contradictory values so a metric that ignores the mask fails.
        truth = np.where(known == 1, truth, 1 - truth)
    return name, scores, truth, known, mask_fraction > 0


def or_none(x):
    return None if x is None or not np.isfinite(x) else float(x)


def expected(scores, truth, known):
    examples, tags = scores.shape
    pred = (scores >= THRESHOLD).astype(int)
    out = {"per_tag": []}
    aucs, aps, bals, precs, recs, f1s = [], [], [], [], [], []
    for t in range(tags):
        rows = known[:, t] == 1
        y, s, p = truth[rows, t], scores[rows, t], pred[rows, t]
        both = y.min() == 0 and y.max() == 1 if len(y) else False
        auc = roc_auc_score(y, s) if both else None
        ap = average_precision_score(y, s) if len(y) and y.max() == 1 else None
        bal = balanced_accuracy_score(y, p) if both else None
        prec = precision_score(y, p, zero_division=0)
        rec = recall_score(y, p, zero_division=0)
        f1 = f1_score(y, p, zero_division=0)
        acc = accuracy_score(y, p)
        out["per_tag"].append({"roc_auc": or_none(auc), "average_precision": or_none(ap),
                               "balanced_accuracy": or_none(bal), "precision": float(prec),
                               "recall": float(rec), "f1": float(f1), "accuracy": float(acc)})
        for lst, v in ((aucs, auc), (aps, ap), (bals, bal)):
            if v is not None:
                lst.append(v)
        precs.append(prec)
        recs.append(rec)
        f1s.append(f1)
    flat = known.ravel() == 1
    ys, ss, ps = truth.ravel()[flat], scores.ravel()[flat], pred.ravel()[flat]
    out["macro_roc_auc"] = float(np.mean(aucs))
    out["micro_roc_auc"] = float(roc_auc_score(ys, ss))
    out["map"] = float(np.mean(aps))
    out["micro_average_precision"] = float(average_precision_score(ys, ss))
    out["macro_precision"] = float(np.mean(precs))
    out["macro_recall"] = float(np.mean(recs))
    out["macro_f1"] = float(np.mean(f1s))
    out["micro_precision"] = float(precision_score(ys, ps, zero_division=0))
    out["micro_recall"] = float(recall_score(ys, ps, zero_division=0))
    out["micro_f1"] = float(f1_score(ys, ps, zero_division=0))
    out["accuracy"] = float(accuracy_score(ys, ps))
    out["maa"] = float(np.mean(bals))
    if known.min() == 1:
        # Without a mask, scikit-learn's own multi-label averages must agree.
        both_cols = [t for t in range(tags) if 0 < truth[:, t].sum() < examples]
        assert abs(out["macro_roc_auc"] - roc_auc_score(truth[:, both_cols], scores[:, both_cols],
                                                        average="macro")) < 1e-12
        assert abs(out["micro_roc_auc"] - roc_auc_score(truth, scores, average="micro")) < 1e-12
        assert abs(out["macro_f1"] - f1_score(truth, pred, average="macro", zero_division=0)) < 1e-12
        assert abs(out["micro_f1"] - f1_score(truth, pred, average="micro", zero_division=0)) < 1e-12
        assert abs(out["macro_precision"] - precision_score(truth, pred, average="macro", zero_division=0)) < 1e-12
        assert abs(out["micro_recall"] - recall_score(truth, pred, average="micro", zero_division=0)) < 1e-12
    # Curves of tag 0 over its known rows, every threshold kept.
    rows = known[:, 0] == 1
    fpr, tpr, _ = roc_curve(truth[rows, 0], scores[rows, 0], drop_intermediate=False)
    precision, recall, _ = precision_recall_curve(truth[rows, 0], scores[rows, 0])
    out["roc_curve_tag0"] = {"fpr": fpr.tolist(), "tpr": tpr.tolist()}
    # scikit-learn lists recall decreasing and appends (recall 0, precision 1); Taglane does neither.
    out["pr_curve_tag0"] = {"recall": recall[:-1][::-1].tolist(), "precision": precision[:-1][::-1].tolist()}
    return out


def main():
    sets = [
        make_set("random", 101, 40, 6),
        make_set("ties", 202, 36, 5, decimals=1),
        make_set("masked", 303, 50, 6, decimals=2, mask_fraction=0.3),
        make_set("degenerate", 404, 25, 4, decimals=2, no_positive_tag=2, no_negative_tag=3),
    ]
    for name, scores, truth, known, masked in sets:
        doc = {
            "generator": "tests/data/metrics/make_expected.py, scikit-learn " + sklearn.__version__,
            "threshold": THRESHOLD,
            "examples": int(scores.shape[0]),
            "tags": int(scores.shape[1]),
            "scores": scores.tolist(),
            "truth": truth.tolist(),
            "known": known.tolist() if masked else None,
            "expected": expected(scores, truth, known),
        }
        with open(os.path.join(HERE, "set_%s.json" % name), "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
