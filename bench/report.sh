#!/usr/bin/env bash
# Report benchmark: file → folded and file → SVG, stoke against
# `perf script | stackcollapse-perf.pl [| flamegraph.pl]`, on the same workload.
# usage: bench/report.sh [RUNS] [SIZES]   (defaults: 5 runs; sizes "20000 1000000" samples)
# Rows: folded (stoke's default, inline frames expanded), folded-ni (--no-inline, the same
# frames perf's pipeline shows), svg.
# FlameGraph's scripts are needed beside the project, in bench/vendor/FlameGraph
# (a checkout of the public FlameGraph repository; never committed).
set -eu
RUNS=${1:-5}
SIZES=${2:-20000 1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STOKE=${STOKE:-$ROOT/build/stoke}
FG=${FLAMEGRAPH_DIR:-$ROOT/bench/vendor/FlameGraph}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
[ -x "$FG/stackcollapse-perf.pl" ] || { echo "need FlameGraph in $FG"; exit 1; }
command -v perf >/dev/null || { echo "need perf (Debian: linux-perf)"; exit 1; }
cc -O2 -g -fno-omit-frame-pointer -o "$W/demo" "$ROOT/testdata/demo.c"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# measure CMD: "wall_s maxrss_MB" of a shell command line
measure() { /usr/bin/time -f '%e %M' -o "$W/t" sh -c "$1" >/dev/null 2>&1; awk '{ printf "%s %.1f\n", $1, $2 / 1024 }' "$W/t"; }
runs() { for i in $(seq "$RUNS"); do measure "$1"; done >"$W/r"; printf '%s %s\n' "$(cut -d' ' -f1 "$W/r" | median)" "$(cut -d' ' -f2 "$W/r" | median)"; }

printf '# %s, %s CPUs, kernel %s, %s runs each (median), workload: testdata/demo.c x2\n' \
	"$(uname -m)" "$(nproc)" "$(uname -r)" "$RUNS"
printf '%-9s %-8s %10s %10s %8s %10s %10s\n' samples output "stoke s" "perf s" ratio "stoke MB" "perf MB"
for n in $SIZES; do
	# Two processes, long enough for about n samples at the rate the kernel really delivers
	# (a virtual machine may throttle far below -F): measured by a one-second recording first.
	freq=$(( n >= 200000 ? 49999 : 4999 ))
	"$STOKE" record -q -F "$freq" --call-graph fp -o "$W/cal.data" -- sh -c "'$W/demo' 1 & '$W/demo' 1; wait"
	rate=$("$STOKE" report --top 1 "$W/cal.data" | awk '/^# samples:/ { print $3 }')
	secs=$(awk -v n="$n" -v r="$rate" 'BEGIN { printf "%.2f", n / (r > 0 ? r : 1) }')
	"$STOKE" record -q -F "$freq" --call-graph fp -o "$W/s.data" -- sh -c "'$W/demo' $secs & '$W/demo' $secs; wait"
	perf record -q -F "$freq" -g -o "$W/p.data" -- sh -c "'$W/demo' $secs & '$W/demo' $secs; wait" 2>/dev/null
	ns=$("$STOKE" report --top 1 "$W/s.data" | awk '/^# samples:/ { print $3 }')
	read -r s_f s_fm < <(runs "'$STOKE' report --folded '$W/s.data' > '$W/s.folded'")
	read -r p_f p_fm < <(runs "perf script -i '$W/p.data' 2>/dev/null | '$FG/stackcollapse-perf.pl' > '$W/p.folded'")
	read -r s_n s_nm < <(runs "'$STOKE' report --folded --no-inline '$W/s.data' > '$W/sn.folded'")
	read -r s_s s_sm < <(runs "'$STOKE' flamegraph '$W/s.data' -o '$W/s.svg'")
	read -r p_s p_sm < <(runs "perf script -i '$W/p.data' 2>/dev/null | '$FG/stackcollapse-perf.pl' | '$FG/flamegraph.pl' > '$W/p.svg'")
	printf '%-9s %-8s %10s %10s %8s %10s %10s\n' "$ns" folded "$s_f" "$p_f" \
		"$(awk -v a="$s_f" -v b="$p_f" 'BEGIN { printf "%.3f", a / b }')" "$s_fm" "$p_fm"
	# perf's pipeline shows no inline frames: --no-inline is the like-for-like row.
	printf '%-9s %-8s %10s %10s %8s %10s %10s\n' "$ns" folded-ni "$s_n" "$p_f" \
		"$(awk -v a="$s_n" -v b="$p_f" 'BEGIN { printf "%.3f", a / b }')" "$s_nm" "$p_fm"
	printf '%-9s %-8s %10s %10s %8s %10s %10s\n' "$ns" svg "$s_s" "$p_s" \
		"$(awk -v a="$s_s" -v b="$p_s" 'BEGIN { printf "%.3f", a / b }')" "$s_sm" "$p_sm"
	printf '# unique stacks: stoke %s, perf %s\n' "$(wc -l <"$W/s.folded")" "$(wc -l <"$W/p.folded")"
done
