#!/usr/bin/env bash
# SIGKILL the recorder at random points: every file reads back with the samples of every
# closed frame (frames close at least every second).
. "$(dirname "$0")/../lib.sh"

need_perf "crash safety" || finish
build_fixture "$T/spin" spin.c -fno-omit-frame-pointer -pthread || finish

RANDOM=4242 # seeded: the same delays every run
for run in 1 2 3 4 5; do
	ms=$((1500 + RANDOM % 2500))
	"$STOKE" record -q -o "$T/k$run.data" -- "$T/spin" 10 2>/dev/null &
	rp=$!
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	# The workload's CPU time so far (what cpu-clock samples; a busy machine gives it less
	# than the wall time): utime + stime in clock ticks.
	sp=$(pgrep -f "^$T/spin 10" | head -1)
	cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print int(($12 + $13) * 1000 / hz) }' "/proc/$sp/stat" 2>/dev/null)
	kill -9 "$rp"
	wait "$rp" 2>/dev/null
	pkill -f "$T/spin 10" 2>/dev/null
	"$STOKE" dump "$T/k$run.data" >"$T/out" 2>"$T/err"
	rc=$?
	n=$(gawk '$2 == "SAMPLE"' "$T/out" | wc -l)
	# At 999 Hz, everything older than about a second was in a closed frame: a sample per
	# millisecond of the workload's CPU time, but for the last 1.2 s of wall time.
	want=$(( (${cpu_ms:-$ms} - 1200) * 9 / 10 ))
	note "run $run: killed after $ms ms (${cpu_ms:-?} ms of CPU): $n samples readable (at least $want expected); exit $rc $(head -1 "$T/err")"
	check "run $run: no crash reading it" [ $rc -lt 128 ]
	check "run $run: the closed frames' samples are there" [ "$n" -ge "$want" ]
	"$STOKE" report --top 1 "$T/k$run.data" >/dev/null 2>&1
	check "run $run: report works on it" [ $? -lt 128 ]
done
finish
