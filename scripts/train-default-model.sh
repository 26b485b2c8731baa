#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Trains the shipped default model, resources/models/default.tlmodel: a
# real-music tagger with the 50 MagnaTagATune tags, distilled by Taglane from
# the published musicnn checkpoint (the teacher) on unlabelled music that
# Debian packages ship. The project ships the weights, never the audio.
#
# Usage: scripts/train-default-model.sh [BUILD_DIR] [WORK_DIR]
#   BUILD_DIR  default: build (taglane-cli must be built)
#   WORK_DIR   default: /tmp/taglane-distill (audio lists, extracted audio,
#              teacher cache, licences, logs)
# Environment: TAGLANE_TEACHER (default ../shared/fixtures/pretrained/mtat-musicnn.pth
#              next to the checkout), TAGLANE_THREADS (default 2),
#              TAGLANE_EPOCHS (default 6), TAGLANE_OUT (default
#              resources/models/default.tlmodel).
#
# wesnoth-1.16-music is reserved for evaluation: it is never installed for,
# listed in, or used by the training here (taglane-cli distill train refuses
# its files). scripts/train-default-model.sh --evaluate-wesnoth measures the
# shipped model against musicnn on it (once, at the end).
set -euo pipefail
cd "$(dirname "$0")/.."

evaluate_wesnoth=0
if [ "${1:-}" = "--evaluate-wesnoth" ]; then
    evaluate_wesnoth=1
    shift
fi
build=${1:-build}
work=${2:-/tmp/taglane-distill}
cli=$build/app/taglane-cli
[ -x "$cli" ] || { echo "train-default-model.sh: $cli not found; build first (scripts/build.sh)" >&2; exit 1; }
checkpoint=${TAGLANE_TEACHER:-../shared/fixtures/pretrained/mtat-musicnn.pth}
tags=${TAGLANE_TEACHER_TAGS:-$(dirname "$checkpoint")/mtat-tags.txt}
threads=${TAGLANE_THREADS:-2}
epochs=${TAGLANE_EPOCHS:-6}
out=${TAGLANE_OUT:-resources/models/default.tlmodel}
mkdir -p "$work/lists" "$work/audio" "$work/licences"
start=$(date +%s)

# The teacher: Taglane's own musicnn, imported from the published checkpoint.
teacher=$work/musicnn.tlmodel
if [ ! -f "$teacher/manifest.json" ]; then
    "$cli" import-checkpoint --arch musicnn "$checkpoint" --tags "$tags" --out "$teacher"
fi

if [ "$evaluate_wesnoth" = 1 ]; then
    dpkg -s wesnoth-1.16-music > /dev/null 2>&1 || apt-get install -y --no-install-recommends wesnoth-1.16-music
    dpkg -L wesnoth-1.16-music | grep -iE '\.(ogg|opus|mp3|flac|wav)$' | sort > "$work/lists/wesnoth-eval.txt"
    # The teacher's 3 s outputs (cached: they do not depend on the student).
    "$cli" distill targets --teacher "$teacher" --files "$work/lists/wesnoth-eval.txt" --cache "$work/eval-cache" \
        --hop 48000 --threads 1
    "$cli" distill agree --teacher "$teacher" --student "$out" --files "$work/lists/wesnoth-eval.txt" --threads 1 \
        --teacher-cache "$work/eval-cache" --json "$work/wesnoth-agreement.json"
    exit 0
fi

# Unlabelled real music. Training packages, then held-out packages (never
# trained on: our own estimate of how the student does on unseen music).
train_packages=(hyperrogue-music planetblupi-music-ogg warzone2100-music drascula-music asc-music
                fretsonfire-songs-muldjord fretsonfire-songs-sectoid nexuiz-music ufoai-music colobot-common-sounds
                freedroidrpg-data)
heldout_packages=(singularity-music pushover-data)
# Packages without audio libsndfile decodes: fb-music-high and tomatoes-data
# (tracker modules, .xm/.mod), xblast-tnt-musics (headerless raw PCM).
all_packages=("${train_packages[@]}" "${heldout_packages[@]}")
missing=()
for p in "${all_packages[@]}"; do
    dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The music files of a package: its decodable audio, without the sound
# effects and voices that some games ship next to their music.
list_package() {
    local p=$1
    case $p in
        nexuiz-music|ufoai-music)
            local pk3
            pk3=$(dpkg -L "$p" | grep -E '\.pk3$' | head -1)
            mkdir -p "$work/audio/$p"
            unzip -o -q -d "$work/audio/$p" "$pk3" '*.ogg'
            find "$work/audio/$p" -name '*.ogg' | sort ;;
        drascula-music)
            dpkg -L "$p" | grep -E '/drascula/audio/.*\.ogg$' | sort ;;
        colobot-common-sounds|freedroidrpg-data|hyperrogue-music)
            dpkg -L "$p" | grep -E '/music/.*\.(ogg|opus|mp3|flac|wav)$' | sort ;;
        *)
            dpkg -L "$p" | grep -iE '\.(ogg|opus|mp3|flac|wav)$' | sort ;;
    esac
}
for p in "${all_packages[@]}"; do
    list_package "$p" | grep -vi wesnoth > "$work/lists/$p.txt" || true
    cp "/usr/share/doc/$p/copyright" "$work/licences/$p.copyright" 2>/dev/null || true
done

# Training and validation (every 8th training file, by file), held-out (by package).
: > "$work/lists/train.txt"
: > "$work/lists/val.txt"
for p in "${train_packages[@]}"; do
    awk -v T="$work/lists/train.txt" -v V="$work/lists/val.txt" '{ if (NR % 8 == 0) print >> V; else print >> T }' \
        "$work/lists/$p.txt"
done
: > "$work/lists/heldout.txt"
for p in "${heldout_packages[@]}"; do cat "$work/lists/$p.txt" >> "$work/lists/heldout.txt"; done
cat "$work/lists/train.txt" "$work/lists/val.txt" "$work/lists/heldout.txt" > "$work/lists/all.txt"
echo "files: $(wc -l < "$work/lists/train.txt") training, $(wc -l < "$work/lists/val.txt") validation, $(wc -l < "$work/lists/heldout.txt") held out"

# Teacher targets, once per file (cached): every window of 2.98 s at a hop
# of 24064 samples (1.504 s), or TAGLANE_WINDOWS evenly spread per track.
# One teacher process per thread, each on a share of the files (the teacher
# runs about 200x real time on an idle core; decoding costs as much again).
t0=$(date +%s)
split -n "r/$threads" -d "$work/lists/all.txt" "$work/lists/shard-"
pids=()
for shard in "$work"/lists/shard-*; do
    "$cli" distill targets --teacher "$teacher" --files "$shard" --cache "$work/cache" --threads 1 \
        --max-windows "${TAGLANE_WINDOWS:-0}" > "$work/teacher-$(basename "$shard").log" 2>&1 &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
rm -f "$work"/lists/shard-*
t1=$(date +%s)

# The student.
rm -rf "$work/student.tlmodel"
"$cli" distill train --files "$work/lists/train.txt" --val-files "$work/lists/val.txt" --cache "$work/cache" \
    --tags scripts/mtat-vocabulary.tsv --out "$work/student.tlmodel" --epochs "$epochs" --batch 32 --lr 0.002 --seed 1 \
    --threads "$threads" \
    --augment-gain 3 --augment-eq 3 --augment-noise 0.2 \
    --name "Taglane default (real music, 50 MagnaTagATune tags, distilled from musicnn)"
t2=$(date +%s)

# Our own estimate on the held-out packages.
"$cli" distill agree --teacher "$teacher" --student "$work/student.tlmodel" --files "$work/lists/heldout.txt" \
    --threads 1 --json "$work/heldout-agreement.json"

rm -rf "$out"
cp -r "$work/student.tlmodel" "$out"
end=$(date +%s)
echo "teacher targets $((t1 - t0)) s, student training $((t2 - t1)) s, whole script $((end - start)) s"
