#!/usr/bin/env bash
# DWARF call graphs: unwind + symbolize throughput and bytes per sample, stoke against
# `perf record --call-graph dwarf` + `perf script` (and perf record -z for size).
# usage: bench/dwarf.sh [RUNS] [SECONDS]   (defaults 5 runs, 5 s of testdata/nofp.c at 999 Hz)
set -eu
RUNS=${1:-5}
SECS=${2:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STOKE=${STOKE:-$ROOT/build/stoke}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
command -v perf >/dev/null || { echo "need perf (Debian: linux-perf)"; exit 1; }
cc -O2 -g -fomit-frame-pointer -o "$W/nofp" "$ROOT/testdata/nofp.c"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
wall() { /usr/bin/time -f '%e' -o "$W/t" sh -c "$1" >/dev/null 2>&1; cat "$W/t"; }

"$STOKE" record -q --call-graph dwarf -o "$W/s.data" -- "$W/nofp" "$SECS"
perf record -q -F 999 --call-graph dwarf -o "$W/p.data" -- "$W/nofp" "$SECS" 2>/dev/null
perf record -q -z -F 999 --call-graph dwarf -o "$W/pz.data" -- "$W/nofp" "$SECS" 2>/dev/null
ns=$("$STOKE" dump "$W/s.data" | awk '$2 == "SAMPLE"' | wc -l)
np=$(perf script -i "$W/p.data" -F tid 2>/dev/null | wc -l)
npz=$(perf script -i "$W/pz.data" -F tid 2>/dev/null | wc -l)

ts=$(for i in $(seq "$RUNS"); do wall "'$STOKE' report --folded '$W/s.data'"; done | median)
tp=$(for i in $(seq "$RUNS"); do wall "perf script -i '$W/p.data'"; done | median)
printf '# %s, %s CPUs, kernel %s, %s runs (median), testdata/nofp.c -fomit-frame-pointer, %s s at 999 Hz, 8192-byte stacks\n' \
	"$(uname -m)" "$(nproc)" "$(uname -r)" "$RUNS" "$SECS"
printf '%-28s %12s %12s %8s\n' metric stoke perf ratio
ss=$(awk -v n="$ns" -v t="$ts" 'BEGIN { printf "%.0f", n / t }')
sp=$(awk -v n="$np" -v t="$tp" 'BEGIN { printf "%.0f", n / t }')
printf '%-28s %12s %12s %8s\n' "unwind+symbolize samples/s" "$ss" "$sp" "$(awk -v a="$ss" -v b="$sp" 'BEGIN { printf "%.1f", a / b }')"
# Bytes per sample vary from run to run (perf -z most): the median of RUNS recordings each.
bps() { awk -v b="$(stat -c %s "$1")" -v n="$2" 'BEGIN { printf "%.0f\n", b / n }'; }
bs=$( { bps "$W/s.data" "$ns"; for i in $(seq 2 "$RUNS"); do
	"$STOKE" record -q --call-graph dwarf -o "$W/s2.data" -- "$W/nofp" "$SECS" >/dev/null 2>&1
	bps "$W/s2.data" "$("$STOKE" report --top 1 "$W/s2.data" | awk '/^# samples:/ { print $3 }')"; done; } | median)
bp=$(bps "$W/p.data" "$np")
bpz=$( { bps "$W/pz.data" "$npz"; for i in $(seq 2 "$RUNS"); do
	perf record -q -z -F 999 --call-graph dwarf -o "$W/pz2.data" -- "$W/nofp" "$SECS" >/dev/null 2>&1
	bps "$W/pz2.data" "$(perf script -i "$W/pz2.data" -F tid 2>/dev/null | wc -l)"; done; } | median)
printf '%-28s %12s %12s %8s\n' "bytes/sample vs perf" "$bs" "$bp" "$(awk -v a="$bs" -v b="$bp" 'BEGIN { printf "%.3f", a / b }')"
printf '%-28s %12s %12s %8s\n' "bytes/sample vs perf -z" "$bs" "$bpz" "$(awk -v a="$bs" -v b="$bpz" 'BEGIN { printf "%.3f", a / b }')"
printf '# samples: stoke %s, perf %s, perf -z %s\n' "$ns" "$np" "$npz"
