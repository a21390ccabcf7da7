#!/usr/bin/env bash
# Export benchmark: stoke file → pprof (.pb.gz) and → speedscope JSON, in seconds per million
# samples, beside file → folded stacks (the same reading and symbolizing, a plain writer) as
# the reference.  Frame-pointer recording of about SAMPLES samples (default 1 000 000) and a
# DWARF one of a tenth of that.
# usage: bench/export.sh [RUNS] [SAMPLES]   (defaults: 5 runs, 1000000)
set -eu
RUNS=${1:-5}
N=${2:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STOKE=${STOKE:-$ROOT/build/stoke}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cc -O2 -g -fno-omit-frame-pointer -o "$W/demo" "$ROOT/testdata/demo.c"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# measure CMD: "wall_s maxrss_MB" of a shell command line
measure() { /usr/bin/time -f '%e %M' -o "$W/t" sh -c "$1" >/dev/null 2>&1; awk '{ printf "%s %.1f\n", $1, $2 / 1024 }' "$W/t"; }
runs() { for i in $(seq "$RUNS"); do measure "$1"; done >"$W/r"; printf '%s %s\n' "$(cut -d' ' -f1 "$W/r" | median)" "$(cut -d' ' -f2 "$W/r" | median)"; }

# record MODE N FILE: two processes of the demo, long enough for about N samples at the
# rate the kernel really delivers (measured by a one-second recording first).
record() {
	local mode=$1 n=$2 out=$3 freq=49999 rate secs
	[ "$mode" = dwarf ] && freq=9999
	"$STOKE" record -q --call-graph "$mode" -F "$freq" -o "$W/cal.data" -- sh -c "'$W/demo' 1 & '$W/demo' 1; wait" >/dev/null
	rate=$("$STOKE" report --top 1 "$W/cal.data" | awk '/^# samples:/ { print $3 }')
	secs=$(awk -v n="$n" -v r="$rate" 'BEGIN { printf "%.2f", n / (r > 0 ? r : 1) }')
	"$STOKE" record -q --call-graph "$mode" -F "$freq" -o "$out" -- sh -c "'$W/demo' $secs & '$W/demo' $secs; wait" >/dev/null
}

printf '# %s, %s CPUs, kernel %s, %s runs each (median), workload: testdata/demo.c x2\n' \
	"$(uname -m)" "$(nproc)" "$(uname -r)" "$RUNS"
printf '%-6s %-9s %-11s %9s %12s %9s %10s\n' mode samples output "wall s" "s/M samples" "peak MB" "bytes"
for mode in fp dwarf; do
	n=$N
	[ "$mode" = dwarf ] && n=$((N / 10))
	record "$mode" "$n" "$W/$mode.data"
	ns=$("$STOKE" report --top 1 "$W/$mode.data" | awk '/^# samples:/ { print $3 }')
	for out in folded pprof speedscope; do
		case $out in
		folded) cmd="'$STOKE' report --folded '$W/$mode.data' > '$W/o.folded'"; f=$W/o.folded ;;
		pprof) cmd="'$STOKE' export -o '$W/o.pb.gz' '$W/$mode.data'"; f=$W/o.pb.gz ;;
		speedscope) cmd="'$STOKE' export -o '$W/o.speedscope.json' '$W/$mode.data'"; f=$W/o.speedscope.json ;;
		esac
		read -r t m < <(runs "$cmd")
		printf '%-6s %-9s %-11s %9s %12s %9s %10s\n' "$mode" "$ns" "$out" "$t" \
			"$(awk -v t="$t" -v n="$ns" 'BEGIN { printf "%.3f", t / (n / 1e6) }')" "$m" "$(stat -c %s "$f")"
	done
done
