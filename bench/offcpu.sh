#!/usr/bin/env bash
# Off-CPU benchmark: stoke record --off-cpu against perf on a workload that switches
# ~100k+ times a second (testdata/offcpu.c "switch": two threads passing a byte over pipes).
# usage: bench/offcpu.sh [RUNS]   (default 5; prints medians)
#
#  - recorder CPU per switch: the recorder's own CPU time (user+sys; the workload runs
#    apart and is attached with -p) divided by the switches it recorded;
#  - workload slowdown: switches per second while recorded / without;
#  - bytes per off-CPU interval (stoke, at its default zstd level 6 and at -z 1) or per
#    recorded switch event (perf, uncompressed);
#  - report throughput: stoke report --event off-cpu --folded (pairs the intervals, sums the
#    times) against perf script (prints the events; pairing them is still left to do).
# stoke records with its default call graph (unwound while recording) and with
# --call-graph fp; perf is run as `perf record -e sched:sched_switch -g` and as
# `perf record -e context-switches -g --switch-events`, with frame-pointer call graphs.
set -eu
RUNS=${1:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STOKE=${STOKE:-$ROOT/build/stoke}
W=$(mktemp -d)
trap 'rm -rf "$W"; [ -n "${wpid:-}" ] && kill "$wpid" 2>/dev/null; true' EXIT
command -v perf >/dev/null || { echo "perf is not installed (Debian: linux-perf)"; exit 1; }
cc -O2 -g -fno-omit-frame-pointer -pthread -o "$W/offcpu" "$ROOT/testdata/offcpu.c"
SECS=3

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# run_one TOOL: start the workload, record it for SECS with TOOL, print
# "recorder_cpu_s switches_recorded workload_rate file_bytes report_s"
run_one() {
	local tool=$1 out="$W/$1.data" n
	"$W/offcpu" switch $((SECS + 2)) >"$W/w.out" &
	wpid=$!
	sleep 0.5
	case $tool in
	stoke)
		/usr/bin/time -f '%U %S' -o "$W/t" "$STOKE" record -g --off-cpu -p "$wpid" -d "$SECS" \
			-o "$out" 2>"$W/rec.err" >/dev/null ;;
	stoke_z1)
		/usr/bin/time -f '%U %S' -o "$W/t" "$STOKE" record -z 1 -g --off-cpu -p "$wpid" -d "$SECS" \
			-o "$out" 2>"$W/rec.err" >/dev/null ;;
	stoke_fp)
		/usr/bin/time -f '%U %S' -o "$W/t" "$STOKE" record --call-graph fp --off-cpu -p "$wpid" \
			-d "$SECS" -o "$out" 2>"$W/rec.err" >/dev/null ;;
	sched_switch)
		/usr/bin/time -f '%U %S' -o "$W/t" perf record -q -e sched:sched_switch -g -p "$wpid" \
			-o "$out" -- sleep "$SECS" >/dev/null 2>&1 ;;
	cs_switch)
		/usr/bin/time -f '%U %S' -o "$W/t" perf record -q -e context-switches -c 1 -g --switch-events \
			-p "$wpid" -o "$out" -- sleep "$SECS" >/dev/null 2>&1 ;;
	esac
	wait "$wpid"; wpid=
	local rate; rate=$(awk '$1 == "switches" { print $2 / '"$((SECS + 2))"' }' "$W/w.out")
	case $tool in
	stoke*)
		n=$(sed -n 's/.* \([0-9][0-9]*\) off-CPU intervals.*/\1/p' "$W/rec.err")
		/usr/bin/time -f '%e' -o "$W/r" "$STOKE" report --event off-cpu --folded "$out" >/dev/null ;;
	*)
		/usr/bin/time -f '%e' -o "$W/r" perf script -i "$out" >"$W/script.txt" 2>/dev/null
		n=$(grep -c -E '(sched:sched_switch|context-switches):' "$W/script.txt" || true) ;;
	esac
	awk -v n="$n" -v rate="$rate" -v b="$(stat -c %s "$out")" -v r="$(cat "$W/r")" \
		'{ printf "%.3f %d %.0f %d %.2f\n", $1 + $2, n, rate, b, r }' "$W/t"
}

bare=$(for i in $(seq "$RUNS"); do "$W/offcpu" switch 2 | awk '{ print $2 / 2 }'; done | median)
printf '# %s, %s CPUs, kernel %s, %d runs each; workload alone: %.0f switches/s\n' \
	"$(uname -m)" "$(nproc)" "$(uname -r)" "$RUNS" "$bare"
printf '# %-28s %14s %10s %14s %16s %12s\n' tool "rec CPU us/sw" "switches/s" "bytes/interval" "report us/interval" "slowdown"
for tool in stoke stoke_z1 stoke_fp sched_switch cs_switch; do
	for i in $(seq "$RUNS"); do run_one "$tool"; done >"$W/$tool.runs"
	cpu_per=$(awk '$2 > 0 { print 1e6 * $1 / $2 }' "$W/$tool.runs" | median)
	rate=$(awk '{ print $3 }' "$W/$tool.runs" | median)
	bytes=$(awk '$2 > 0 { print $4 / $2 }' "$W/$tool.runs" | median)
	rep=$(awk '$2 > 0 { print 1e6 * $5 / $2 }' "$W/$tool.runs" | median)
	name=$tool
	[ "$tool" = stoke ] && name="stoke --off-cpu"
	[ "$tool" = stoke_z1 ] && name="stoke --off-cpu -z 1"
	[ "$tool" = stoke_fp ] && name="stoke --off-cpu fp"
	[ "$tool" = sched_switch ] && name="perf -e sched:sched_switch"
	[ "$tool" = cs_switch ] && name="perf -e cs --switch-events"
	printf '# %-28s %14.2f %10.0f %14.1f %16.2f %12.2f\n' "$name" "$cpu_per" "$rate" "$bytes" "$rep" \
		"$(awk -v a="$bare" -v b="$rate" 'BEGIN { print a / b }')"
	echo "$tool $cpu_per $bytes $rep" >>"$W/medians"
done

# The same as rows of bench/run.sh's table: stoke (default level) against each perf mode.
get() { awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$W/medians"; }
printf '%-34s %10s %10s %8s\n' metric stoke perf ratio
for p in sched_switch cs_switch; do
	label=$([ "$p" = sched_switch ] && echo "sched_switch" || echo "cs --switch-events")
	for m in "2 recorder CPU us/switch" "3 bytes/interval" "4 report us/interval"; do
		c=${m%% *}; what=${m#* }
		a=$(get stoke "$c"); b=$(get "$p" "$c")
		printf '%-34s %10.2f %10.2f %8s\n' "off-cpu $what vs $label" "$a" "$b" \
			"$(awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
	done
done
