#!/usr/bin/env bash
# DWARF call graphs: unwind + symbolize throughput and bytes per sample, stoke against
# `perf record --call-graph dwarf` + `perf script` (and perf record -z for size).
# usage: bench/dwarf.sh [RUNS] [SECONDS]   (defaults 5 runs, 20 s of testdata/nofp.c at 999 Hz)
#
# Throughput rows divide the samples of one recording by the median wall time of RUNS reads.
# perf script prints no inline frames (Debian's perf has no libbfd), so the like-for-like rows
# are stoke's --no-inline ones; the others add inline frames, which perf cannot show.  Sizes
# are medians of 3 recordings of 5 s each.
set -eu
RUNS=${1:-5}
SECS=${2:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STOKE=${STOKE:-$ROOT/build/stoke}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
command -v perf >/dev/null || { echo "need perf (Debian: linux-perf)"; exit 1; }
cc -O2 -g -fomit-frame-pointer -o "$W/nofp" "$ROOT/testdata/nofp.c"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
wall() { /usr/bin/time -f '%e' -o "$W/t" sh -c "$1" >/dev/null 2>&1; cat "$W/t"; }
times() { for i in $(seq "$RUNS"); do wall "$1"; done | median; }
nsamples() { "$STOKE" report --top 1 "$1" | awk '/^# samples:/ { print $3 }'; }
psamples() { perf script -i "$1" -F tid 2>/dev/null | wc -l; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
row() { printf '%-44s %10s %10s %7s\n' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$3" "BEGIN { printf \"%.${4:-1}f\", a / b }")"; }

"$STOKE" record -q --call-graph dwarf -o "$W/s.data" -- "$W/nofp" "$SECS"
perf record -q -F 999 --call-graph dwarf -o "$W/p.data" -- "$W/nofp" "$SECS" 2>/dev/null
ns=$(nsamples "$W/s.data")
np=$(psamples "$W/p.data")
tp=$(times "perf script -i '$W/p.data'")
rp=$(rate "$np" "$tp")

printf '# %s, %s CPUs, kernel %s, %s runs (median), testdata/nofp.c -fomit-frame-pointer, %s s at 999 Hz, 32768-byte stacks\n' \
	"$(uname -m)" "$(nproc)" "$(uname -r)" "$RUNS" "$SECS"
printf '# samples: stoke %s, perf %s; perf script %s s\n' "$ns" "$np" "$tp"
printf '%-44s %10s %10s %7s\n' metric stoke perf ratio
for v in "script --no-inline" "report --folded --no-inline" "script" "report --folded"; do
	t=$(times "'$STOKE' $v '$W/s.data'")
	row "samples/s, stoke $v" "$(rate "$ns" "$t")" "$rp"
done
# The fixed part of a read: a 0.2 s recording (mostly libdw inflating libc's compressed DWARF
# for inline frames).
"$STOKE" record -q --call-graph dwarf -o "$W/small.data" -- "$W/nofp" 0.2
printf '# fixed cost of one read (0.2 s recording): report --folded %s s, --no-inline %s s\n' \
	"$(times "'$STOKE' report --folded '$W/small.data'")" \
	"$(times "'$STOKE' report --folded --no-inline '$W/small.data'")"

# Bytes per sample vary from run to run (perf -z most): medians of 3 recordings each.
bps() { awk -v b="$(stat -c %s "$1")" -v n="$2" 'BEGIN { printf "%.1f\n", b / n }'; }
bs=$(for i in 1 2 3; do
	"$STOKE" record -q --call-graph dwarf -o "$W/s2.data" -- "$W/nofp" 5 >/dev/null 2>&1
	bps "$W/s2.data" "$(nsamples "$W/s2.data")"; done | median)
bp=$(bps "$W/p.data" "$np")
bpz=$(for i in 1 2 3; do
	perf record -q -z -F 999 --call-graph dwarf -o "$W/pz.data" -- "$W/nofp" 5 >/dev/null 2>&1
	bps "$W/pz.data" "$(psamples "$W/pz.data")"; done | median)
row "bytes/sample vs perf" "$bs" "$bp" 3
row "bytes/sample vs perf -z" "$bs" "$bpz" 3
