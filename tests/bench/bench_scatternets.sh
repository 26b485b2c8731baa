#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Song et al. (Neurocomputing 2018) on Taglane's synthetic corpus: trains
# scatter-gru, scatter-lstm, scatter-cnn and the default CNN, evaluates each
# on a held-out corpus and prints one line per model: parameters, seconds per
# epoch, epochs run / best epoch, peak resident memory of the training process
# (getrusage ru_maxrss through GNU time), held-out macro ROC-AUC and PR-AUC,
# and inference throughput (held-out audio seconds / evaluate wall seconds,
# decoding included). Per-tag figures are in OUT/<arch>.json.
# Usage: bench_scatternets.sh TAGLANE_CLI [OUT]
# Environment: SCATTER_TRAIN (24), SCATTER_VAL (6), SCATTER_TEST (10) tracks,
# SCATTER_EPOCHS (10), SCATTER_ARCHS ("scatter-gru scatter-lstm scatter-cnn default").
set -euo pipefail
cli=${1:?usage: bench_scatternets.sh TAGLANE_CLI [OUT]}
out=${2:-${TMPDIR:-/tmp}/bench_scatternets}
train=${SCATTER_TRAIN:-24}; val=${SCATTER_VAL:-6}; test=${SCATTER_TEST:-10}
epochs=${SCATTER_EPOCHS:-10}
archs=${SCATTER_ARCHS:-scatter-gru scatter-lstm scatter-cnn default}
[ -x /usr/bin/time ] || { echo "bench_scatternets: needs GNU time (/usr/bin/time)" >&2; exit 2; }
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$out"
# FluidR3_GM and OPL-3 only; the phrase generator (song forms, grooves) is the more diverse one.
render() {
    [ -f "$out/corpus/$1/corpus.json" ] && return
    nice -n 10 "$cli" synth-corpus --tracks "$2" --seed "$3" --out "$out/corpus/$1" --soundfonts fluid,opl3 \
        --generator phrase --mono --quiet
}
render train "$train" 131; render val "$val" 132; render test "$test" 133
testSeconds=$(python3 -c "import json,sys; print(sum(t['duration'] for t in json.load(open(sys.argv[1]))['tracks']))" "$out/corpus/test/corpus.json")
echo "corpus: train $train, val $val, test $test tracks (test ${testSeconds} s); up to $epochs epochs, 1 thread, nice 10"
printf '%-13s %9s %8s %7s %9s %8s %8s %9s\n' arch params s/epoch ep/best peakMiB rocauc prauc xRT
for arch in $archs; do
    log="$out/$arch.train.log"
    nice -n 10 /usr/bin/time -f "PEAK_KB %M" "$cli" train --data "$out/corpus/train" --val-data "$out/corpus/val" \
        --arch "$arch" --out "$out/$arch.tlmodel" --checkpoint "$out/$arch.ckpt" --epochs "$epochs" --threads 1 \
        --patience 3 --seed 1 --quiet >"$log" 2>&1
    start=$(date +%s.%N)
    nice -n 10 "$cli" evaluate --model "$out/$arch.tlmodel" --data "$out/corpus/test" --json "$out/$arch.json" \
        >"$out/$arch.eval.txt" 2>&1
    end=$(date +%s.%N)
    python3 - "$out" "$arch" "$log" "$start" "$end" "$testSeconds" <<'PY'
import json, re, sys
out, arch, log, start, end, secs = sys.argv[1:]
text = open(log).read()
m = re.search(r'(\d+) epochs in ([0-9.]+) s, best epoch (\d+)', text)
peak = int(re.search(r'PEAK_KB (\d+)', text).group(1)) / 1024
import zipfile
# Stored float32 values in weights.pt (parameters plus the small buffers:
# band standardisation, batch-norm statistics).
with zipfile.ZipFile(f'{out}/{arch}.tlmodel/weights.pt') as z:
    params = sum(i.file_size for i in z.infolist() if '/data/' in i.filename) // 4
ev = json.load(open(f'{out}/{arch}.json'))
roc = ev['macro']['roc_auc']; pr = ev['macro']['pr_auc']
epochs, seconds, best = int(m.group(1)), float(m.group(2)), int(m.group(3))
xrt = float(secs) / (float(end) - float(start)) if float(secs) > 0 else float('nan')
print(f'{arch:<13} {params:>9} {seconds/epochs:>8.1f} {epochs:>3}/{best:<3} {peak:>9.0f} {roc:>8.3f} {pr:>8.3f} {xrt:>9.1f}')
for tag, v in sorted(ev['per_tag'].items()):
    print(f'    {tag:<32} roc {v["roc_auc"]:.3f} pr {v["pr_auc"]:.3f} ({v["positives"]}/{v["positives"] + v["negatives"]})')
PY
done
