#!/usr/bin/env bash
# Call-graph modes side by side: stoke's default (cfi: 32 KiB copies unwound while recording),
# --call-graph fp and --call-graph dwarf (the same copies kept for the report) against perf
# record -g and perf record -z --call-graph dwarf, on the same workload.
# usage: bench/stacks.sh [RUNS] [SECONDS]   (defaults 5 runs of 3 s; medians)
#
#  - bytes/sample: file size over samples;
#  - recorder_cpu: user+sys seconds of the recorder alone, attached (-p) to the running workload;
#  - report s: `stoke report --folded` of the recording, perf: `perf script` of its own;
#    the ~20 000-sample section times reports with hyperfine (mean of 30) against the fp
#    recording's;
#  - reach main %: samples whose stack reaches main (the workload is testdata/nofp.c built
#    without frame pointers: time in glibc's qsort under three of its own functions).
# Then -a at 999 Hz with both CPUs busy: samples kept and lost per mode.
set -eu
RUNS=${1:-5}
SECS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STOKE=${STOKE:-$ROOT/build/stoke}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
command -v perf >/dev/null || { echo "need perf (Debian: linux-perf)"; exit 1; }
cc -O2 -g -fomit-frame-pointer -o "$W/nofp" "$ROOT/testdata/nofp.c"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cpu() { /usr/bin/time -f '%U %S' -o "$W/t" "$@" >/dev/null 2>&1; awk '{ print $1 + $2 }' "$W/t"; }
# wall CMD: seconds of a shell command line, to the millisecond
wall() { local t0 t1; t0=$(date +%s%N); sh -c "$1" >/dev/null 2>&1; t1=$(date +%s%N); awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f\n", ns / 1e9 }'; }
nstoke() { "$STOKE" report --top 1 "$1" 2>/dev/null | awk '/^# samples:/ { print $3 }'; }
nperf() { perf script -i "$1" -F tid 2>/dev/null | wc -l; }
bps() { awk -v b="$(stat -c %s "$1")" -v n="$2" 'BEGIN { printf "%.1f", n ? b / n : 0 }'; }
# reach: percent of the folded stacks on stdin that hold main (the dynamic loader's do not)
reach() { awk '{ n += $NF; if ($0 ~ /;main[; ]/) m += $NF } END { printf "%.1f", n ? 100 * m / n : 0 }'; }
# perf script output → folded (one line per sample, frames root first), for the reach column
perf_fold() {
	perf script -i "$1" -F comm,ip,sym 2>/dev/null | awk '
		/^[^ \t]/ { if (s != "") print s " 1"; s = $1; next }
		NF >= 2 { f[++k] = $2 }
		/^$/ { for (i = k; i >= 1; i--) s = s ";" f[i]; print s " 1"; s = ""; k = 0 }'
}

printf '# %s, %s CPUs, kernel %s, %s runs (median), testdata/nofp.c (no frame pointers) for %s s\n' \
	"$(uname -m)" "$(nproc)" "$(uname -r)" "$RUNS" "$SECS"
printf '%-18s %6s %10s %12s %10s %8s\n' mode Hz bytes/smp recorder_cpu report_s main%
for hz in 999 4999; do
	for mode in "stoke default" "stoke fp" "stoke dwarf" "perf -g" "perf -z dwarf"; do
		case $mode in
		"stoke default") opt=() ;;
		"stoke fp") opt=(--call-graph fp) ;;
		"stoke dwarf") opt=(--call-graph dwarf) ;;
		"perf -g") opt=(-g) ;;
		"perf -z dwarf") opt=(-z --call-graph dwarf) ;;
		esac
		# The recorder's own CPU time (user + sys), attached to a running workload: what the
		# recorder costs, whatever else the machine runs.
		c=$(for i in $(seq "$RUNS"); do
			"$W/nofp" "$((SECS + 2))" & pid=$!; sleep 0.2
			case $mode in
			stoke*) cpu "$STOKE" record -q -F "$hz" "${opt[@]}" -p "$pid" -d "$SECS" -o "$W/p.data" ;;
			perf*) cpu perf record -q -F "$hz" "${opt[@]}" -p "$pid" -o "$W/p.data" -- sleep "$SECS" ;;
			esac
			kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done | median)
		case $mode in
		stoke*) "$STOKE" record -q -F "$hz" "${opt[@]}" -o "$W/r.data" -- "$W/nofp" "$SECS" >/dev/null 2>&1
			n=$(nstoke "$W/r.data"); rt=$(for i in $(seq "$RUNS"); do wall "'$STOKE' report --folded '$W/r.data'"; done | median)
			m=$("$STOKE" report --folded "$W/r.data" 2>/dev/null | reach) ;;
		perf*) perf record -q -F "$hz" "${opt[@]}" -o "$W/r.data" -- "$W/nofp" "$SECS" >/dev/null 2>&1
			n=$(nperf "$W/r.data"); rt=$(for i in $(seq "$RUNS"); do wall "perf script -i '$W/r.data'"; done | median)
			m=$(perf_fold "$W/r.data" | reach) ;;
		esac
		printf '%-18s %6s %10s %12s %10s %8s\n' "$mode" "$hz" "$(bps "$W/r.data" "$n")" "$c" "$rt" "$m"
	done
done

# -a at 999 Hz, every CPU busy: kept and lost.
busy() { for c in $(seq "$(nproc)"); do "$W/nofp" "$((SECS + 3))" & done; }
printf '# -a -F 999 -d %s with %s busy processes (one per CPU)\n' "$SECS" "$(nproc)"
printf '%-18s %10s %10s %10s %12s\n' mode kept lost bytes/smp recorder_cpu
for mode in default dwarf fp; do
	busy; sleep 0.5
	if [ $mode = default ]; then a=(); else a=(--call-graph $mode); fi
	/usr/bin/time -f '%U %S' -o "$W/t" "$STOKE" record -a -F 999 -d "$SECS" "${a[@]}" \
		-o "$W/a.data" 2>"$W/a.err" >/dev/null
	wait
	kept=$(sed -n 's/.*stoke record: \([0-9]*\) samples, \([0-9]*\) lost.*/\1/p' "$W/a.err")
	lost=$(sed -n 's/.*stoke record: \([0-9]*\) samples, \([0-9]*\) lost.*/\2/p' "$W/a.err")
	printf '%-18s %10s %10s %10s %12s\n' "stoke -a $mode" "$kept" "$lost" "$(bps "$W/a.data" "$kept")" \
		"$(awk '{ print $1 + $2 }' "$W/t")"
done
for mode in "perf -g" "perf -z dwarf"; do
	busy; sleep 0.5
	if [ "$mode" = "perf -g" ]; then a=(-g); else a=(-z --call-graph dwarf); fi
	/usr/bin/time -f '%U %S' -o "$W/t" perf record -q -a -F 999 "${a[@]}" -o "$W/a.perf" \
		-- sleep "$SECS" >/dev/null 2>&1
	wait
	kept=$(nperf "$W/a.perf")
	printf '%-18s %10s %10s %10s %12s\n' "$mode -a" "$kept" - "$(bps "$W/a.perf" "$kept")" \
		"$(awk '{ print $1 + $2 }' "$W/t")"
done

# Deep stacks: the same program recursing 90 frames deep (24 KiB of stack, the outer frames'
# locals changing as it goes): what a copy costs when most of it is old.
printf '# deep stacks: testdata/nofp.c recurse 90 at 999 Hz for %s s\n' "$SECS"
printf '%-18s %10s %10s %10s\n' mode bytes/smp report_s truncated%
for mode in "stoke default" "stoke dwarf" "perf -z dwarf"; do
	if [ "$mode" = "stoke dwarf" ]; then opt=(--call-graph dwarf); else opt=(); fi
	case $mode in
	stoke*) "$STOKE" record -q -F 999 "${opt[@]}" -o "$W/d.data" -- "$W/nofp" "$SECS" recurse 90 >/dev/null 2>&1
		n=$(nstoke "$W/d.data"); rt=$(for i in $(seq "$RUNS"); do wall "'$STOKE' report --folded '$W/d.data'"; done | median)
		tr=$("$STOKE" report --folded "$W/d.data" 2>/dev/null | awk '{ n += $NF; if (/\[truncated\]/) t += $NF } END { printf "%.1f", n ? 100 * t / n : 0 }') ;;
	perf*) perf record -q -F 999 -z --call-graph dwarf -o "$W/d.data" -- "$W/nofp" "$SECS" recurse 90 >/dev/null 2>&1
		n=$(nperf "$W/d.data"); rt=$(for i in $(seq "$RUNS"); do wall "perf script -i '$W/d.data'"; done | median)
		tr=- ;;
	esac
	printf '%-18s %10s %10s %10s\n' "$mode" "$(bps "$W/d.data" "$n")" "$rt" "$tr"
done

# Reports at about 20 000 samples (999 Hz for 20 s): each mode's `report --folded` and
# `flamegraph` against the frame-pointer recording's, warm (hyperfine, mean of 30).
if command -v hyperfine >/dev/null; then
	printf '# ~20 000 samples: testdata/nofp.c at 999 Hz for 20 s; reports warm, hyperfine means\n'
	printf '%-18s %8s %10s %10s %10s %10s\n' mode samples folded_ms x_fp svg_ms x_fp
	for mode in fp default dwarf; do
		if [ $mode = default ]; then a=(); else a=(--call-graph $mode); fi
		"$STOKE" record -q -F 999 "${a[@]}" -o "$W/r20-$mode.data" -- "$W/nofp" 20 >/dev/null 2>&1
	done
	ms() { hyperfine -N -w 3 -r 30 --output=null --export-json "$W/h.json" "$1" >/dev/null 2>&1
		awk -F: '/"mean"/ { gsub(/[ ,]/, "", $2); printf "%.1f", $2 * 1000; exit }' "$W/h.json"; }
	for mode in fp default dwarf; do
		f=$(ms "$STOKE report --folded $W/r20-$mode.data")
		g=$(ms "$STOKE flamegraph -o $W/s.svg $W/r20-$mode.data")
		[ $mode = fp ] && { ff=$f; fg=$g; }
		printf '%-18s %8s %10s %10s %10s %10s\n' "stoke $mode" "$(nstoke "$W/r20-$mode.data")" "$f" \
			"$(awk -v a="$f" -v b="$ff" 'BEGIN { printf "%.2f", a / b }')" "$g" \
			"$(awk -v a="$g" -v b="$fg" 'BEGIN { printf "%.2f", a / b }')"
	done
fi
