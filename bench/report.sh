#!/usr/bin/env bash
# Report benchmark: every report command against perf's pipeline on the same workload, recorded
# by both tools (the table of docs/performance.md, "Reports").
# usage: bench/report.sh [RUNS]   (default 5 runs per row, medians)
# Environment: SYSTEM=0 skips the system-wide rows (12 s of `-a -F 10000` each tool);
# FLAMEGRAPH_DIR: FlameGraph's scripts (default bench/vendor/FlameGraph, a checkout of the
# public FlameGraph repository; never committed).
# Rows run with a warm debug cache in a private XDG_CACHE_HOME, except the row saying "cold"
# (a fresh cache every run: the first report of a file) and "--no-cache".
set -eu
RUNS=${1:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STOKE=${STOKE:-$ROOT/build/stoke}
FG=${FLAMEGRAPH_DIR:-$ROOT/bench/vendor/FlameGraph}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
[ -x "$FG/stackcollapse-perf.pl" ] || { echo "need FlameGraph in $FG"; exit 1; }
command -v perf >/dev/null || { echo "need perf (Debian: linux-perf)"; exit 1; }
export XDG_CACHE_HOME=$W/cache
cc -O2 -g -fno-omit-frame-pointer -o "$W/demo" "$ROOT/testdata/demo.c"
cc -O2 -g -fomit-frame-pointer -o "$W/nofp" "$ROOT/testdata/nofp.c"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# measure CMD: "wall_s maxrss_MB" of a shell command line (wall to the millisecond)
measure() {
	local t0 t1
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$W/t" sh -c "$1" >/dev/null 2>&1
	t1=$(date +%s%N)
	awk -v ns=$((t1 - t0)) '{ printf "%.3f %.1f\n", ns / 1e9, $1 / 1024 }' "$W/t"
}
runs() { for i in $(seq "$RUNS"); do measure "$1"; done >"$W/r"; printf '%s %s\n' "$(cut -d' ' -f1 "$W/r" | median)" "$(cut -d' ' -f2 "$W/r" | median)"; }
samples() { "$STOKE" report --top 1 --no-inline "$1" 2>/dev/null | awk '/^# samples:/ { print $3 }'; }
SC="'$FG/stackcollapse-perf.pl'"
FGP="'$FG/flamegraph.pl'"

printf '# %s, %s CPUs, kernel %s, %s runs per row (median wall s; peak MB = max RSS)\n' \
	"$(uname -m)" "$(nproc)" "$(uname -r)" "$RUNS"
printf '| work | stoke s | perf s | perf / stoke | stoke MB | perf MB |\n|---|---:|---:|---:|---:|---:|\n'
# row LABEL STOKE_CMD PERF_CMD
row() {
	read -r s sm < <(runs "$2")
	read -r p pm < <(runs "$3")
	printf '| %s | %s | %s | %s× | %s | %s |\n' "$1" "$s" "$p" \
		"$(awk -v a="$s" -v b="$p" 'BEGIN { printf "%.1f", (a > 0 ? b / a : 0) }')" "$sm" "$pm"
}
# cached_row LABEL STOKE_CMD PERF_CMD: row, after one run that fills the cache
cached_row() { sh -c "$2" >/dev/null 2>&1 || true; row "$@"; }

# One process, frame pointers, about 18 000 samples (4999 Hz asked; a VM may deliver fewer).
"$STOKE" record -q -F 4999 --call-graph fp -o "$W/fp.data" -- "$W/demo" 4 >/dev/null
perf record -q -F 4999 -g -o "$W/fp.perf" -- "$W/demo" 4 >/dev/null 2>&1
n=$(samples "$W/fp.data")
PIPE="perf script -i '$W/fp.perf' 2>/dev/null | $SC"
cached_row "\`flamegraph\`, $n FP samples of one process (perf: \`perf script | stackcollapse-perf.pl | flamegraph.pl\`)" \
	"'$STOKE' flamegraph -o '$W/s.svg' '$W/fp.data'" "$PIPE | $FGP > '$W/p.svg'"
row "\`flamegraph --no-inline\`, same file" \
	"'$STOKE' flamegraph --no-inline -o '$W/s.svg' '$W/fp.data'" "$PIPE | $FGP > '$W/p.svg'"
row "\`report --folded\`, same file (perf: \`perf script | stackcollapse-perf.pl\`)" \
	"'$STOKE' report --folded '$W/fp.data'" "$PIPE"
row "\`report\` (text), same file (perf: \`perf report --stdio\`)" \
	"'$STOKE' report '$W/fp.data'" "perf report --stdio -i '$W/fp.perf' 2>/dev/null"

if [ "${SYSTEM:-1}" != 0 ]; then
	# System-wide, -F 10000 for 12 s: two busy programs and whatever else runs.
	"$W/demo" 12 >/dev/null & "$W/demo" 12 >/dev/null &
	"$STOKE" record -q -a -F 10000 --call-graph fp -d 12 -o "$W/a.data"
	wait
	"$W/demo" 12 >/dev/null & "$W/demo" 12 >/dev/null &
	perf record -q -a -F 10000 -g -o "$W/a.perf" -- sleep 12 2>/dev/null
	wait
	n=$(samples "$W/a.data")
	PIPE="perf script -i '$W/a.perf' 2>/dev/null | $SC"
	cached_row "\`flamegraph\`, $n samples, \`-a -F 10000\` for 12 s, two busy programs and a few others" \
		"'$STOKE' flamegraph -o '$W/s.svg' '$W/a.data'" "$PIPE | $FGP > '$W/p.svg'"
	row "\`report --folded\`, same file" "'$STOKE' report --folded '$W/a.data'" "$PIPE"
	row "\`report\` (text), same file (perf: \`perf report --stdio\`)" \
		"'$STOKE' report '$W/a.data'" "perf report --stdio -i '$W/a.perf' 2>/dev/null"
fi

# The default call graph (cfi: unwound while recording; perf: --call-graph dwarf), 999 Hz, small
# and ~20 000 samples.
for secs in 1.4 20; do
	"$STOKE" record -q -o "$W/d.data" -- "$W/nofp" "$secs"
	perf record -q -F 999 --call-graph dwarf -o "$W/d.perf" -- "$W/nofp" "$secs" 2>/dev/null
	n=$(samples "$W/d.data")
	PIPE="perf script -i '$W/d.perf' 2>/dev/null | $SC"
	row "\`report --folded\`, default call graph (cfi), $n samples, first report (cold cache) (perf: \`perf script | stackcollapse-perf.pl\`)" \
		"rm -rf '$W/cold'; XDG_CACHE_HOME='$W/cold' '$STOKE' report --folded '$W/d.data'" "$PIPE"
	cached_row "\`report --folded\`, same file, second report (debug cache warm)" \
		"'$STOKE' report --folded '$W/d.data'" "$PIPE"
	row "\`report --folded --no-cache\`, same file" "'$STOKE' report --folded --no-cache '$W/d.data'" "$PIPE"
	row "\`report --folded --no-inline\`, same file" "'$STOKE' report --folded --no-inline '$W/d.data'" "$PIPE"
	row "\`flamegraph\`, same file (perf: ... \`| flamegraph.pl\`)" \
		"'$STOKE' flamegraph -o '$W/s.svg' '$W/d.data'" "$PIPE | $FGP > '$W/p.svg'"
	row "\`report\` (text), same file (perf: \`perf report --stdio\`)" \
		"'$STOKE' report '$W/d.data'" "perf report --stdio -i '$W/d.perf' 2>/dev/null"
done

row "\`record -- true\` (perf: \`perf record -- true\`)" \
	"'$STOKE' record -q -o '$W/t.data' -- true" "perf record -q -o '$W/t.perf' -- true"
