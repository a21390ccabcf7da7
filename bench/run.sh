#!/usr/bin/env bash
# The whole benchmark suite in one command and one table: stoke against perf on the same
# workloads, medians of RUNS runs, ratio = stoke / perf (below 1: stoke is faster or smaller).
# usage: bench/run.sh [RUNS]   (default 5).  Needs perf, and FlameGraph's scripts in
# bench/vendor/FlameGraph (a checkout of the public FlameGraph repository, never committed).
# Each part can also be run alone: record.sh, report.sh, dwarf.sh, symbolize.sh, offcpu.sh,
# perfdata.sh, stacks.sh, stacksize.sh.
set -eu
RUNS=${1:-5}
B=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

part() { # part NAME SCRIPT ARGS...: run one script, keep its rows in the common form
	local name=$1; shift
	if ! "$@" >"$W/$name.out" 2>"$W/$name.err"; then
		echo "# $name: failed: $(tail -1 "$W/$name.err")" >>"$W/notes"
		return
	fi
	grep '^#' "$W/$name.out" | sed "s/^# /# $name: /" >>"$W/notes"
	if [ "$name" = report ]; then
		# samples output stoke_s perf_s ratio stoke_MB perf_MB
		awk '!/^#/ && $1 ~ /^[0-9]+$/ {
			printf "%s|%s|%s|%s\n", "report to " $2 " s, " $1 " samples", $3, $4, $5
			r = ($7 > 0) ? sprintf("%.2f", $6 / $7) : "-"
			printf "%s|%s|%s|%s\n", "report to " $2 " peak MB, " $1 " samples", $6, $7, r }' "$W/$name.out"
	else
		awk -v p="$name" '!/^#/ && NF >= 4 && $1 != "metric" {
			m = $1; for (i = 2; i <= NF - 3; i++) m = m " " $i
			printf "%s|%s|%s|%s\n", p ": " m, $(NF - 2), $(NF - 1), $NF }' "$W/$name.out"
	fi >>"$W/rows"
}

: >"$W/rows"; : >"$W/notes"
part record bash "$B/record.sh" "$RUNS"
part report bash "$B/report.sh" "$RUNS"
part dwarf bash "$B/dwarf.sh" "$RUNS"
part symbolize bash "$B/symbolize.sh" "$RUNS"
part offcpu bash "$B/offcpu.sh" "$RUNS"
part perfdata bash "$B/perfdata.sh" "$RUNS"

printf '# stoke vs perf: %s, %s CPUs, %s, kernel %s, %s, medians of %s runs\n' \
	"$(uname -m)" "$(nproc)" "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
	"$(uname -r)" "$(perf --version 2>/dev/null)" "$RUNS"
awk -F'|' '{ printf "%-48s %10s %10s %8s\n", $1, $2, $3, $4 }
	BEGIN { printf "%-48s %10s %10s %8s\n", "metric", "stoke", "perf", "ratio" }' "$W/rows"
cat "$W/notes"
# Call-graph modes side by side (their own columns): bench/stacks.sh and bench/stacksize.sh.
echo
bash "$B/stacks.sh" "$RUNS" || echo "# stacks: failed"
echo
bash "$B/stacksize.sh" || echo "# stacksize: failed"
