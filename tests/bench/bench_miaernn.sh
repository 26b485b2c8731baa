#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The ablation table of the optimised-RNN study (Gao and Wang, 2025, section
# 5.2) on Taglane's synthetic corpus: for each condition (a fraction of
# feature frames removed, or training labels flipped) trains MIA-ERNN, its
# ablations /AF /SE /AM /ET, the plain GRU baseline (mat-gru) and the default
# CNN, evaluates each on a held-out corpus (segment level) and prints one
# line per model: AvgAcc (mean per-tag accuracy at 0.5), AvgPre, AvgRec,
# AvgF1 (macro), MAP (macro PR-AUC), macro ROC-AUC, epochs and training
# seconds. Per-tag figures are in OUT/<condition>-<arch>.json.
# Usage: bench_miaernn.sh TAGLANE_CLI [OUT]
# Environment: MIA_TRAIN (40), MIA_VAL (10), MIA_TEST (10) tracks (seeds
# 2026, 2027, 2028, --mono); MIA_EPOCHS (3, as measured); MIA_THREADS (1);
# MIA_CONDITIONS ("drop10 drop30 drop50 flip10"; dropNN removes NN % of the
# frames, flipNN flips NN % of the training labels with no frames removed);
# MIA_ARCHS ("mia-ernn mia-ernn-af mia-ernn-se mia-ernn-am mia-ernn-et mat-gru default").
# The default CNN has no missing-frame input: under dropNN it is trained
# and evaluated on complete features (a reference line).
set -euo pipefail
cli=${1:?usage: bench_miaernn.sh TAGLANE_CLI [OUT]}
out=${2:-${TMPDIR:-/tmp}/bench_miaernn}
train=${MIA_TRAIN:-40}; val=${MIA_VAL:-10}; test=${MIA_TEST:-10}
epochs=${MIA_EPOCHS:-3}; threads=${MIA_THREADS:-1}
conditions=${MIA_CONDITIONS:-drop10 drop30 drop50 flip10}
archs=${MIA_ARCHS:-mia-ernn mia-ernn-af mia-ernn-se mia-ernn-am mia-ernn-et mat-gru default}
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$out"
render() {
    [ -f "$out/corpus/$1/corpus.json" ] && return
    nice -n 10 "$cli" synth-corpus --tracks "$2" --seed "$3" --out "$out/corpus/$1" --mono --quiet
}
render train "$train" 2026; render val "$val" 2027; render test "$test" 2028
echo "corpus: train $train (seed 2026), val $val (2027), test $test (2028) tracks, --mono; $epochs epochs, $threads thread(s), nice 10"
printf '%-8s %-12s %7s %7s %7s %7s %7s %7s %6s %8s\n' cond arch AvgAcc AvgPre AvgRec AvgF1 MAP ROC-AUC epochs train_s
for cond in $conditions; do
    pct=${cond//[a-z]/}
    frac=$(python3 -c "print(int('$pct') / 100)")
    for arch in $archs; do
        opts=()
        case $cond in
        drop*) [ "$arch" = default ] || opts+=(--drop-frames "$frac") ;;
        flip*) opts+=(--flip-labels "$frac") ;;
        *) echo "bench_miaernn: unknown condition $cond" >&2; exit 2 ;;
        esac
        name="$cond-$arch"
        log="$out/$name.train.log"
        if [ ! -f "$out/$name.tlmodel/manifest.json" ]; then
            nice -n 10 "$cli" train --data "$out/corpus/train" --val-data "$out/corpus/val" --arch "$arch" \
                --out "$out/$name.tlmodel" --checkpoint "$out/$name.ckpt" --epochs "$epochs" --threads "$threads" \
                --lr 0.002 --cosine --alpha 2 --patience 0 --seed 1 --quiet "${opts[@]}" >"$log" 2>&1
        fi
        nice -n 10 "$cli" evaluate --model "$out/$name.tlmodel" --data "$out/corpus/test" --json "$out/$name.json" \
            >"$out/$name.eval.txt" 2>&1
        python3 - "$out" "$name" "$cond" "$arch" <<'PY'
import json, sys
out, name, cond, arch = sys.argv[1:]
ev = json.load(open(f'{out}/{name}.json'))
man = json.load(open(f'{out}/{name}.tlmodel/manifest.json'))
tr = man.get('training', {})
m = ev['macro']
accs = [v['accuracy'] for v in ev['per_tag'].values() if v.get('accuracy') is not None]
acc = sum(accs) / len(accs) if accs else float('nan')
f = lambda x: f'{x:7.3f}' if isinstance(x, (int, float)) else f'{"-":>7}'
print(f'{cond:<8} {arch:<12} {f(acc)} {f(m["precision"])} {f(m["recall"])} {f(m["f1"])} {f(m["pr_auc"])} '
      f'{f(m["roc_auc"])} {tr.get("epochs_run", 0):>6} {tr.get("seconds", 0):>8.0f}')
PY
    done
done
