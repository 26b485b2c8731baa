#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Reproducibly trains the shipped instruments model, resources/models/instruments.tlmodel:
# renders a synthetic corpus with fixed seeds (training, validation and a
# held-out test corpus with other seeds), trains the compact CNN with
# `taglane-cli train`, evaluates it on the held-out corpus and records the
# held-out metrics in the bundle's manifest.
#
# Usage: scripts/train-instruments-model.sh [BUILD_DIR] [WORK_DIR]
# Environment: TRAIN_TRACKS, VAL_TRACKS, TEST_TRACKS, EPOCHS, THREADS override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=${2:-/tmp/taglane-default-model}
cli="$build/app/taglane-cli"
[ -x "$cli" ] || { echo "train-instruments-model.sh: $cli not found; build first (scripts/build.sh)" >&2; exit 1; }

train_tracks=${TRAIN_TRACKS:-400}
val_tracks=${VAL_TRACKS:-30}
test_tracks=${TEST_TRACKS:-30}
epochs=${EPOCHS:-10}
threads=${THREADS:-2}
arch=${ARCH:-taglane-cnn}
out=${OUT:-resources/models/instruments.tlmodel}
# CORPUS=classic (the default, the shipped model): one generator, FluidR3 GM,
# seeds 2026/2027/2028. CORPUS=varied (with ARCH=taglane-cnn2 for the
# measured runs of engine/train/NOTES.md): both arrangement generators, four
# soundfonts drawn per part, label-preserving augmentation on the training
# corpora only; validation and held-out corpora are clean.
corpus_kind=${CORPUS:-classic}
soundfonts=${SOUNDFONTS:-fluid,musescore,opl3,fluidmono}
# LibTorch's OpenMP threads otherwise spin-wait against other processes on a shared machine.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}

mkdir -p "$work"
# A corpus folder with another number of tracks (e.g. from an older run) is
# rendered again. Never TimGM6mb or sf_GMbank: they are reserved for
# independent evaluation (SoundfontLibrary refuses them anyway).
corpus() {  # corpus NAME TRACKS SEED [synth-corpus options...]
    local dir="$work/$1" tracks=$2 seed=$3
    shift 3
    if [ ! -f "$dir/vocabulary.tsv" ] || [ "$(ls "$dir"/*.csv 2>/dev/null | wc -l)" -ne "$tracks" ]; then
        rm -rf "$dir"
        mkdir -p "$(dirname "$dir")"
        "$cli" synth-corpus --tracks "$tracks" --seed "$seed" --mono --quiet --out "$dir" "$@"
    fi
}
if [ "$corpus_kind" = classic ]; then
    corpus train "$train_tracks" 2026
    corpus val "$val_tracks" 2027
    corpus test "$test_tracks" 2028
    train_data="$work/train" val_data="$work/val" test_data="$work/test"
else
    half=$((train_tracks / 2))
    # Seeds: 11xx training, 21xx validation, 31xx held-out (CORPUS-NOTES.md).
    # The two training renders run side by side (each is one thread).
    corpus varied/train/classic "$half" 1101 --generator classic --soundfonts "$soundfonts" --augment all &
    first=$!
    corpus varied/train/phrase "$((train_tracks - half))" 1102 --generator phrase --soundfonts "$soundfonts" --augment all
    wait "$first"
    corpus varied/val/classic "$val_tracks" 2101 --generator classic --soundfonts "$soundfonts"
    corpus varied/val/phrase "$val_tracks" 2102 --generator phrase --soundfonts "$soundfonts"
    corpus varied/test/classic "$test_tracks" 3101 --generator classic --soundfonts "$soundfonts"
    corpus varied/test/phrase "$test_tracks" 3102 --generator phrase --soundfonts "$soundfonts"
    train_data="$work/varied/train" val_data="$work/varied/val" test_data="$work/varied/test"
fi

start=$(date +%s)
# One stage from scratch: Adam, learning rate 0.002 falling to 0 along a half
# cosine over the epochs, positive-penalty weight alpha = 2 (raises recall at
# the 0.5 threshold, i.e. F1, for the rarer tags), no early stop; the epoch
# with the lowest validation loss is kept.
rm -f "$work/train.ckpt"
rm -rf "$out"   # train refuses to overwrite a bundle; this script replaces the shipped one on purpose
"$cli" train --data "$train_data" --val-data "$val_data" --arch "$arch" --out "$out" \
    --epochs "$epochs" --batch 32 --lr 0.002 --cosine --alpha 2 --seed 1 --patience 0 --threads "$threads" \
    --checkpoint "$work/train.ckpt" --name "Taglane instruments (synthetic corpus, 14 tags)"
end=$(date +%s)
echo "training took $((end - start)) s (wall clock, features included)"

# Per-tag decision thresholds chosen on the VALIDATION corpus only, folded
# into the output bias (b' = b - c) so that 0.5 stays the lane's threshold.
# Checked on a second validation corpus (seed 2029, 30 tracks): macro F1
# 0.879 -> 0.886, macro ROC-AUC 0.967 -> 0.968.
"$cli" evaluate --model "$out" --data "$val_data" --calibrate
"$cli" evaluate --model "$out" --data "$test_data" --json "$work/heldout.json" --record
