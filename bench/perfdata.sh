#!/usr/bin/env bash
# Reading perf.data: `stoke flamegraph perf.data` against `perf script | collapse | flame graph`,
# and `stoke report perf.data` against `perf report --stdio`, on the same perf.data file.
# usage: bench/perfdata.sh [RUNS] [SIZES]   (defaults: 5 runs; sizes "20000 1000000" samples)
# The collapse and drawing steps are FlameGraph's stackcollapse-perf.pl | flamegraph.pl when a
# checkout is in bench/vendor/FlameGraph (never committed); otherwise tests/perf-collapse.awk
# (the same folding, in gawk) and `stoke flamegraph` of the folded file.  Medians by hyperfine.
set -eu
RUNS=${1:-5}
SIZES=${2:-20000 1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STOKE=${STOKE:-$ROOT/build/stoke}
FG=${FLAMEGRAPH_DIR:-$ROOT/bench/vendor/FlameGraph}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
command -v perf >/dev/null || { echo "need perf (Debian: linux-perf)"; exit 1; }
command -v hyperfine >/dev/null || { echo "need hyperfine (Debian: hyperfine)"; exit 1; }
cc -O2 -g -fno-omit-frame-pointer -o "$W/demo" "$ROOT/testdata/demo.c"
if [ -x "$FG/stackcollapse-perf.pl" ]; then
	collapse="'$FG/stackcollapse-perf.pl'"
	draw="'$FG/flamegraph.pl' > '$W/p.svg'"
	pipeline="perf script | stackcollapse-perf.pl | flamegraph.pl"
else
	collapse="gawk -f '$ROOT/tests/perf-collapse.awk'"
	draw="cat > '$W/p.folded' && '$STOKE' flamegraph -o '$W/p.svg' '$W/p.folded'"
	pipeline="perf script | perf-collapse.awk | stoke flamegraph"
fi
# median CMD: hyperfine's median wall time in seconds
median() {
	hyperfine -N -r "$RUNS" -w 1 --export-json "$W/h.json" "$1" >/dev/null 2>&1 ||
		hyperfine -r "$RUNS" -w 1 --export-json "$W/h.json" "$1" >/dev/null 2>&1
	gawk 'match($0, /"median": *([0-9.e+-]+)/, m) { printf "%.3f\n", m[1]; exit }' "$W/h.json"
}

printf '# %s, %s CPUs, kernel %s, perf %s, %s runs each (median, hyperfine); pipeline: %s\n' \
	"$(uname -m)" "$(nproc)" "$(uname -r)" "$(perf version | gawk '{ print $3 }')" "$RUNS" "$pipeline"
printf '%-9s %-28s %10s %10s %8s\n' metric "(samples, stoke vs perf)" "stoke s" "perf s" ratio
for n in $SIZES; do
	freq=$(( n >= 200000 ? 49999 : 4999 ))
	perf record -q -F "$freq" -g -o "$W/cal.data" -- sh -c "'$W/demo' 1 & '$W/demo' 1; wait" >/dev/null 2>&1
	rate=$("$STOKE" report --top 1 "$W/cal.data" | gawk '/^# samples:/ { print $3 }')
	secs=$(gawk -v n="$n" -v r="$rate" 'BEGIN { printf "%.2f", n / (r > 0 ? r : 1) }')
	perf record -q -F "$freq" -g -o "$W/p.data" -- sh -c "'$W/demo' $secs & '$W/demo' $secs; wait" >/dev/null 2>&1
	ns=$("$STOKE" report --top 1 "$W/p.data" | gawk '/^# samples:/ { print $3 }')
	s_fg=$(median "sh -c \"'$STOKE' flamegraph -o '$W/s.svg' '$W/p.data'\"")
	p_fg=$(median "sh -c \"perf script -i '$W/p.data' 2>/dev/null | $collapse | $draw\"")
	s_rep=$(median "sh -c \"'$STOKE' report '$W/p.data' > /dev/null\"")
	p_rep=$(median "sh -c \"perf report --stdio -i '$W/p.data' > /dev/null 2>&1\"")
	s_fold=$(median "sh -c \"'$STOKE' report --folded --no-inline '$W/p.data' > /dev/null\"")
	p_fold=$(median "sh -c \"perf script -i '$W/p.data' 2>/dev/null | $collapse > /dev/null\"")
	row() { printf '%-9s %-28s %10s %10s %8s\n' "$ns" "$1" "$2" "$3" "$(gawk -v a="$2" -v b="$3" 'BEGIN { printf "%.3f", a / b }')"; }
	row "flamegraph vs pipeline" "$s_fg" "$p_fg"
	row "folded --no-inline vs collapse" "$s_fold" "$p_fold"
	row "report vs report --stdio" "$s_rep" "$p_rep"
	printf '# %s samples: perf.data of %s MB\n' "$ns" "$(( $(stat -c %s "$W/p.data") / 1048576 ))"
done
