#!/usr/bin/env bash
# Recorder benchmark: stoke record against perf record on the same workload.
# usage: bench/record.sh [RUNS]   (default 5; prints medians and stoke/perf ratios)
#
#  - overhead: total CPU (user+sys of the recorder and the workload) minus the bare
#    workload's, at 999 Hz and 4999 Hz, frame-pointer call graphs;
#  - fixed cost: wall time of `record -- true`;
#  - bytes per sample: stoke's file vs perf record and perf record -z.
set -eu
RUNS=${1:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STOKE=${STOKE:-$ROOT/build/stoke}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
command -v perf >/dev/null || { echo "perf is not installed (Debian: linux-perf)"; exit 1; }
cc -O2 -g -fno-omit-frame-pointer -o "$W/demo" "$ROOT/testdata/demo.c"
SECS=3

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# cpu CMD...: user+sys seconds of CMD and its children
cpu() { /usr/bin/time -f '%U %S %e' -o "$W/t" "$@" >/dev/null 2>&1; awk '{ print $1 + $2 }' "$W/t"; }
wall() { /usr/bin/time -f '%e' -o "$W/t" "$@" >/dev/null 2>&1; cat "$W/t"; }
samples_stoke() { "$STOKE" dump "$1" | awk '$2 == "SAMPLE"' | wc -l; }
samples_perf() { perf script -i "$1" -F ip 2>/dev/null | wc -l; }
# perf's -g output puts one line per frame; count samples with the header lines only
samples_perf() { perf report -i "$1" --stdio --no-children -F sample --sort pid 2>/dev/null | awk '/^ *[0-9]+ / { s += $1 } END { print s + 0 }'; }

printf '# %s, %s CPUs, kernel %s, %d runs each, workload: testdata/demo.c for %d s\n' \
	"$(uname -m)" "$(nproc)" "$(uname -r)" "$RUNS" "$SECS"

bare=$(for i in $(seq "$RUNS"); do cpu "$W/demo" "$SECS"; done | median)
printf '%-34s %10s %10s %8s\n' metric stoke perf ratio
for hz in 999 4999; do
	s=$(for i in $(seq "$RUNS"); do cpu "$STOKE" record -q -F "$hz" --call-graph fp -o "$W/s.data" -- "$W/demo" "$SECS"; done | median)
	p=$(for i in $(seq "$RUNS"); do cpu perf record -q -F "$hz" -g -o "$W/p.data" -- "$W/demo" "$SECS"; done | median)
	so=$(awk -v a="$s" -v b="$bare" 'BEGIN { printf "%.3f", a - b }')
	po=$(awk -v a="$p" -v b="$bare" 'BEGIN { printf "%.3f", a - b }')
	printf '%-34s %10s %10s %8s\n' "overhead CPU s at $hz Hz" "$so" "$po" \
		"$(awk -v a="$so" -v b="$po" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
done

st=$(for i in $(seq "$RUNS"); do wall "$STOKE" record -q -o "$W/t.data" -- true; done | median)
pt=$(for i in $(seq "$RUNS"); do wall perf record -q -o "$W/pt.data" -- true; done | median)
printf '%-34s %10s %10s %8s\n' "record -- true wall s" "$st" "$pt" "$(awk -v a="$st" -v b="$pt" 'BEGIN { printf "%.2f", a / b }')"

"$STOKE" record -q -F 999 --call-graph fp -o "$W/s.data" -- "$W/demo" "$SECS"
perf record -q -F 999 -g -o "$W/p.data" -- "$W/demo" "$SECS" 2>/dev/null
perf record -q -z -F 999 -g -o "$W/pz.data" -- "$W/demo" "$SECS" 2>/dev/null
ns=$(samples_stoke "$W/s.data"); np=$(samples_perf "$W/p.data"); npz=$(samples_perf "$W/pz.data")
bs=$(awk -v b="$(stat -c %s "$W/s.data")" -v n="$ns" 'BEGIN { printf "%.1f", b / n }')
bp=$(awk -v b="$(stat -c %s "$W/p.data")" -v n="$np" 'BEGIN { printf "%.1f", b / n }')
bpz=$(awk -v b="$(stat -c %s "$W/pz.data")" -v n="$npz" 'BEGIN { printf "%.1f", b / n }')
printf '%-34s %10s %10s %8s\n' "bytes/sample vs perf (FP, 999 Hz)" "$bs" "$bp" "$(awk -v a="$bs" -v b="$bp" 'BEGIN { printf "%.2f", a / b }')"
printf '%-34s %10s %10s %8s\n' "bytes/sample vs perf -z" "$bs" "$bpz" "$(awk -v a="$bs" -v b="$bpz" 'BEGIN { printf "%.2f", a / b }')"
printf '# samples: stoke %s, perf %s, perf -z %s\n' "$ns" "$np" "$npz"
