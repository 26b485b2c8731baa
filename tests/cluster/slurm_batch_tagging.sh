#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CTest slurm_batch_tagging (label cluster): starts a one-node Slurm of its
# own (munged, slurmctld and slurmd on this host with a generated config and
# ports of their own), submits scripts/slurm/tag-library.sbatch as a job array
# over a small library in a throwaway PostgreSQL store (an SQLite file where
# PostgreSQL is not installed), waits, and checks that every track was tagged
# exactly once and that the shards did not overlap. Needs root (slurmd runs
# jobs as their user) and Debian's slurm-wlm and munge; skips (exit 77) otherwise.
#
#   slurm_batch_tagging.sh TAGLANE_CLI SOURCE_DIR WORK_DIR
set -uo pipefail

cli=$(readlink -f "$1")
source_dir=$2
work=$3
shards=3
tracks=7

skip() { echo "SKIP: $*"; exit 77; }
# This machine cannot run the daemons (a container without the rights they
# need, say): the logs say why; Taglane's part is not tested, so skip.
cannot_run() { echo "SKIP: $* on this machine; its logs:"; tail -n 5 "$work"/log/*.log ${pgdir:+"$pgdir/postgresql.log"}; exit 77; }
fail() { echo "FAIL: $*"; for f in "$work"/log/*.log "$work"/out/* ${pgdir:+"$pgdir/postgresql.log"}; do [[ -f $f ]] && { echo "--- $f"; tail -20 "$f"; }; done; exit 1; }

[[ $(id -u) -eq 0 ]] || skip "the one-node Slurm needs root (slurmd runs each job as its user)."
for tool in munged slurmctld slurmd sbatch sinfo scancel; do
  command -v "$tool" >/dev/null 2>&1 || [[ -x /usr/sbin/$tool ]] || skip "$tool is not installed (apt-get install slurm-wlm munge; scripts/test.sh does)."
done
export PATH=$PATH:/usr/sbin

rm -rf "$work"
mkdir -p "$work"/{munge,state,spool,log,out,music}
chmod 755 "$work" "$work/munge"

pids=()
cleanup() {
  if [[ -n "${SLURM_CONF:-}" ]]; then scancel --quiet --full --name=taglane-tag 2>/dev/null || true; fi
  if [[ -n "${pgdir:-}" && -d $pgdir/data ]]; then
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate -w stop > /dev/null 2>&1
  fi
  [[ -n "${pgdir:-}" ]] && rm -rf "$pgdir"
  for f in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munge/munged.pid; do
    [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null
  done
  sleep 0.5
  for f in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munge/munged.pid; do
    [[ -f $f ]] && kill -9 "$(cat "$f")" 2>/dev/null
  done
  return 0
}
trap cleanup EXIT

# munge with a key and a socket of its own.
head -c 1024 /dev/urandom > "$work/munge/munge.key"
chmod 600 "$work/munge/munge.key"
munged --force --socket="$work/munge/socket" --key-file="$work/munge/munge.key" \
  --log-file="$work/log/munged.log" --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/seed" \
  || cannot_run "munged did not start"

# Ports of its own, so that a Slurm already running here is not disturbed.
base=$(( 20000 + (RANDOM % 2000) * 2 ))
host=$(hostname -s)
cat > "$work/slurm.conf" <<CONF
ClusterName=taglanetest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
SlurmctldPort=$base
SlurmdPort=$(( base + 1 ))
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=taglane Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -c || cannot_run "slurmctld did not start"
slurmd || cannot_run "slurmd did not start"
for _ in $(seq 1 60); do
  state=$(sinfo --noheader --format=%t 2>/dev/null | head -1)
  [[ $state == idle* ]] && break
  sleep 0.5
done
[[ ${state:-} == idle* ]] || cannot_run "the node did not become idle (state '${state:-none}')"

# A small library of distinct noise tracks (16 kHz, 16-bit mono, 3-5 s).
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(( $1 & 255 )) $(( ($1 >> 8) & 255 )) $(( ($1 >> 16) & 255 )) $(( ($1 >> 24) & 255 )); }
for i in $(seq 1 $tracks); do
  bytes=$(( (3 + i % 3) * 16000 * 2 ))
  {
    printf 'RIFF'; printf "$(le32 $(( 36 + bytes )))"; printf 'WAVEfmt '
    printf "$(le32 16)"; printf '\x01\x00\x01\x00'; printf "$(le32 16000)"; printf "$(le32 32000)"
    printf '\x02\x00\x10\x00data'; printf "$(le32 $bytes)"
    head -c "$bytes" /dev/urandom
  } > "$work/music/track$i.wav"
done
# The store: a throwaway PostgreSQL cluster (initdb and pg_ctl as the
# postgres user, its own port and socket folder under /tmp) when PostgreSQL
# is installed, else an SQLite file.
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
store=$work/library.sqlite
if [[ -n $pgbin && -x $pgbin/initdb ]] && id postgres >/dev/null 2>&1; then
  pgdir=$(mktemp -d /tmp/taglane-slurm-pg-XXXXXX)
  chmod 755 "$pgdir"
  printf 'slurm-test-%s' "$RANDOM$RANDOM" > "$pgdir/pw"
  mkdir -p "$pgdir/sock"
  chown -R postgres "$pgdir"
  pgport=$(( base + 2 ))
  if runuser -u postgres -- "$pgbin/initdb" -D "$pgdir/data" -U taglane --pwfile="$pgdir/pw" -A scram-sha-256 \
       -E UTF8 --locale=C --no-sync > "$work/log/initdb.log" 2>&1 \
     && runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgresql.log" -w -t 60 \
       -o "-p $pgport -k $pgdir/sock -c listen_addresses=127.0.0.1" start > "$work/log/pg_ctl.log" 2>&1 \
     && PGPASSWORD=$(cat "$pgdir/pw") "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U taglane -d postgres -q \
       -c "CREATE DATABASE library" > "$work/log/createdb.log" 2>&1; then
    store="postgresql://taglane:$(cat "$pgdir/pw")@127.0.0.1:$pgport/library"
  else
    cannot_run "the throwaway PostgreSQL cluster did not start"
  fi
fi
echo "store: ${store%%:*}"
"$cli" library add --store "$store" "$work/music" > "$work/log/add.log" 2>&1 || fail "library add failed"

# The job array: one task per shard. A store has one writer at a time (the
# SQLite file's lock, PostgreSQL's advisory lock): the tasks wait for each
# other (the sbatch script passes --wait-for-store), so they may run at once.
submitted=$(TAGLANE_CLI=$cli sbatch --parsable --array=1-$shards --cpus-per-task=1 \
  --output="$work/out/task-%a.out" --error="$work/out/task-%a.err" --chdir="$work" \
  "$source_dir/scripts/slurm/tag-library.sbatch" "$store" instruments 2>&1) || fail "sbatch failed: $submitted"
job=${submitted%%;*}
echo "submitted job array $job ($shards tasks)"
for _ in $(seq 1 180); do
  [[ -z $(squeue --noheader --jobs="$job" 2>/dev/null) ]] && break
  sleep 0.5
done
[[ -z $(squeue --noheader --jobs="$job" 2>/dev/null) ]] || fail "the job array did not finish in 90 s"

# Every task succeeded and said which shard it had.
for k in $(seq 1 $shards); do
  [[ -f $work/out/task-$k.err ]] || fail "task $k wrote nothing"
  grep -q "Shard $k/$shards:" "$work/out/task-$k.err" || fail "task $k did not tag shard $k/$shards"
  grep -q "0 failed" "$work/out/task-$k.err" || fail "task $k reported failures"
done
# Each track was printed by exactly one task ...
cat "$work"/out/task-*.out | sort > "$work/tagged.txt"
[[ $(wc -l < "$work/tagged.txt") -eq $tracks ]] || fail "$(wc -l < "$work/tagged.txt") tracks tagged, expected $tracks"
[[ -z $(uniq -d "$work/tagged.txt") ]] || fail "tracks tagged twice: $(uniq -d "$work/tagged.txt")"
# ... and the store holds one run per track, of one model version.
runs=$("$cli" library list --store "$store" --json | grep -c '"version"')
[[ $runs -eq $tracks ]] || fail "$runs model runs in the store for $tracks tracks"
# Nothing is left to tag.
left=$("$cli" tag --store "$store" --model instruments 2>&1 | grep -o '^[0-9]* tracks to tag' || true)
[[ $left == "0 tracks to tag" ]] || fail "after the array: '$left'"
echo "PASS: $tracks tracks tagged once each by $shards array tasks"
