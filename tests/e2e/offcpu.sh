#!/usr/bin/env bash
# Off-CPU time (record --off-cpu, --wakers; report --event off-cpu and wall) on a workload
# with known answers (testdata/offcpu.c).  Tolerances are on what the workload measured
# itself (its own clocks), never on how fast this machine is.
. "$(dirname "$0")/../lib.sh"

need_perf "offcpu" || finish
build_fixture "$T/offcpu" offcpu.c -pthread -fno-omit-frame-pointer || finish

# sum_us FILE REGEX: microseconds of the folded lines matching REGEX
sum_us() { RE="$2" gawk '$0 ~ ENVIRON["RE"] { s += $NF } END { print s + 0 }' "$1"; }
# within VALUE EXPECTED FRACTION: |VALUE - EXPECTED| <= FRACTION * EXPECTED
within() { gawk -v v="$1" -v e="$2" -v f="$3" 'BEGIN { d = v - e; if (d < 0) d = -d; exit !(d <= f * e) }'; }

# ---- waits: sleeps, a pipe, a mutex ------------------------------------------------
"$STOKE" record --off-cpu --call-graph dwarf -o "$T/w.data" -- "$T/offcpu" waits \
	>"$T/w.out" 2>"$T/w.err"
check "record --off-cpu of the waits workload" [ $? = 0 ]
note "$(grep 'off-CPU' "$T/w.err")"
check "the summary counts off-CPU intervals and blocked time" \
	grep -Eq 'stoke record: [1-9][0-9]* off-CPU intervals: [1-9][0-9]* blocked \([0-9.]+ s\)' "$T/w.err"
"$STOKE" report --event off-cpu --folded "$T/w.data" >"$T/w.folded"
check "folded off-CPU output: integer microseconds on every line" \
	eval '[ -s "$T/w.folded" ] && ! grep -Evq "^[^ ].* [0-9]+$" "$T/w.folded"'

long=$(sum_us "$T/w.folded" '^sleeper;\[blocked\];.*;sleep_long;')
short=$(sum_us "$T/w.folded" '^sleeper;\[blocked\];.*;sleep_short;')
note "sleep_long ${long} us (expect 1000000), sleep_short ${short} us (expect 400000)"
check "10 x 100 ms in sleep_long shows 1.0 s (+-10%)" within "$long" 1000000 0.10
check "10 x 40 ms in sleep_short shows 0.4 s (+-10%)" within "$short" 400000 0.10
check "whole user stacks through libc: the sleeping function above nanosleep" \
	grep -Eq '^sleeper;\[blocked\];(.*;)?start_thread;sleeper;sleep_long;nap;[^;]*nanosleep;' "$T/w.folded"

pipe_us=$(sum_us "$T/w.folded" '^piperd;\[blocked\];.*;pipe_wait;')
pipe_meas=$(gawk '$1 == "blocked" && $2 == "piperd" { printf "%.0f", $3 * 1e6 }' "$T/w.out")
mtx_us=$(sum_us "$T/w.folded" '^mtxwait;\[blocked\];.*;mutex_wait;')
mtx_meas=$(gawk '$1 == "blocked" && $2 == "mtxwait" { printf "%.0f", $3 * 1e6 }' "$T/w.out")
note "pipe wait ${pipe_us} us (the thread measured ${pipe_meas}), mutex wait ${mtx_us} us (measured ${mtx_meas})"
check "the pipe wait adds up to what the reader was blocked (+-15%)" within "$pipe_us" "$pipe_meas" 0.15
check "the mutex wait adds up to what the waiter was blocked (+-15%)" within "$mtx_us" "$mtx_meas" 0.15

"$STOKE" report --event off-cpu --top 5 "$T/w.data" >"$T/w.top"
check "text report: times and shares of the wall time" \
	eval 'grep -q "^# blocked: " "$T/w.top" && grep -Eq " [0-9.]+ (s|ms) " "$T/w.top" && grep -q "wall time" "$T/w.top"'
"$STOKE" report --event off-cpu --min-block 50ms --folded "$T/w.data" >"$T/w.min"
check "--min-block 50ms hides the 40 ms sleeps and keeps the 100 ms ones" \
	eval '! grep -q ";sleep_short;" "$T/w.min" && grep -q ";sleep_long;" "$T/w.min"'
"$STOKE" report --event off-cpu --min-block 50ms "$T/w.data" >"$T/w.mintext"
check "... and says how many it hid, still counting them in the totals" \
	eval 'grep -q "shorter than --min-block not shown" "$T/w.mintext" && [ "$(grep "^# blocked" "$T/w.mintext")" = "$(grep "^# blocked" "$T/w.top")" ]'

"$STOKE" flamegraph --event off-cpu -o "$T/w.svg" "$T/w.data"
check "flame graph: off-CPU colours and a subtitle with the unit" \
	eval 'grep -q "\"colors\":\"cold\"" "$T/w.svg" && grep -q "time in µs" "$T/w.svg"'
"$STOKE" flamegraph --event off-cpu -o "$T/one.svg" -- "$T/offcpu" wall >/dev/null
check "flamegraph --event off-cpu -- COMMAND records off-CPU time and draws it" \
	eval 'grep -q "Off-CPU Time Flame Graph" "$T/one.svg" && grep -q "walltest" "$T/one.svg"'
"$STOKE" flamegraph -o "$T/f.svg" "$T/w.folded"
if command -v node >/dev/null; then
	svg_refold "$T/f.svg" >"$T/f.refold"
	sort "$T/w.folded" >"$T/w.sorted"
	check "the folded microseconds draw: stoke's flame graph reads them back unchanged" \
		cmp -s "$T/f.refold" "$T/w.sorted"
else
	skip "folded microseconds draw" "node is not installed"
fi
"$STOKE" script --event off-cpu "$T/w.data" >"$T/w.script"
script_long=$(gawk '/off-cpu:$/ { p = $(NF - 1); next } /sleep_long/ && p { s += p; p = 0 } /^$/ { p = 0 } END { printf "%.0f", s / 1000 }' "$T/w.script")
check "script: one block per interval, its period the length (sleep_long ~1.0 s)" within "$script_long" 1000000 0.10
"$STOKE" callgraph --event off-cpu -o "$T/w.dot" "$T/w.data" 2>/dev/null
check "callgraph works on the off-cpu event" grep -q sleep_long "$T/w.dot"

"$STOKE" record --off-cpu --call-graph dwarf -o "$T/w2.data" -- "$T/offcpu" waits >/dev/null 2>&1
"$STOKE" diff --event off-cpu --top 0 "$T/w.data" "$T/w2.data" >"$T/diff.txt"
check "diff of two off-CPU profiles compares times" \
	eval 'grep -q "^# time: before [0-9.]* s, after [0-9.]* s" "$T/diff.txt" && grep -q sleep_long "$T/diff.txt"'

"$STOKE" report --event wall "$T/w.data" >/dev/null 2>&1
check "--event wall works on the same file" [ $? = 0 ]
"$STOKE" record -o "$T/plain.data" -- "$T/offcpu" wall >/dev/null 2>&1
"$STOKE" report --event off-cpu "$T/plain.data" >/dev/null 2>"$T/plain.err"
rc=$?
check "--event off-cpu on a recording without it: one line naming the event" \
	eval '[ $rc = 1 ] && [ "$(wc -l <"$T/plain.err")" = 1 ] && grep -q "off-cpu" "$T/plain.err"'
"$STOKE" report --event wall "$T/plain.data" >/dev/null 2>"$T/plain.err"
check "--event wall without --off-cpu says what it needs" grep -q -- "--off-cpu" "$T/plain.err"
"$STOKE" report --folded "$T/plain.data" >"$T/plain.folded"
check "a recording without --off-cpu reports its samples as before" grep -q ';compute' "$T/plain.folded"

# ---- running processes (-p) and the whole system (-a) ------------------------------
"$T/offcpu" waits >/dev/null &
wpid=$!
"$STOKE" record -q --off-cpu -p "$wpid" -o "$T/pid.data" 2>"$T/pid.err"
wait "$wpid"
"$STOKE" report --event off-cpu --folded "$T/pid.data" >"$T/pid.folded"
pid_sleep=$(sum_us "$T/pid.folded" '^sleeper;\[blocked\];')
note "-p: sleeper blocked ${pid_sleep} us of its 1.4 s of sleeps"
check "--off-cpu -p PID records the process's waits" [ "$pid_sleep" -ge 500000 ]
"$T/offcpu" waits >/dev/null &
wpid=$!
"$STOKE" record -q --off-cpu -a -d 0.8 -o "$T/all.data" 2>"$T/all.err"
wait "$wpid"
"$STOKE" report --event off-cpu --folded "$T/all.data" >"$T/all.folded" 2>/dev/null
all_sleep=$(sum_us "$T/all.folded" '^sleeper;\[blocked\];')
note "-a: sleeper blocked ${all_sleep} us (CPU-wide switch records)"
check "--off-cpu -a records every thread's waits from CPU-wide switch records" [ "$all_sleep" -gt 0 ]

# ---- preempted, not blocked --------------------------------------------------------
n=$(( $(nproc) + 2 ))
"$STOKE" record --off-cpu -o "$T/p.data" -- "$T/offcpu" preempt "$n" >/dev/null 2>&1
"$STOKE" report --event off-cpu --folded "$T/p.data" >"$T/p.folded"
pre=$(sum_us "$T/p.folded" '^spin[0-9]+;\[preempted\];')
blk=$(sum_us "$T/p.folded" '^spin[0-9]+;\[blocked\];')
note "$n CPU-bound threads on $(nproc) CPUs: preempted ${pre} us, blocked ${blk} us"
check "CPU-bound threads among more runnable threads than CPUs wait preempted, not blocked" \
	eval '[ "$pre" -gt 100000 ] && [ "$blk" -lt $((pre / 10)) ]'

"$STOKE" report --event off-cpu --focus '\[preempted\]' --folded "$T/p.data" >"$T/p.focus"
check "--focus '\[preempted\]' keeps the preempted intervals only" \
	eval '[ -s "$T/p.focus" ] && ! grep -v ";\[preempted\];" "$T/p.focus" | grep -q .'

# ---- wall clock: on-CPU and off-CPU shares of one thread ----------------------------
"$STOKE" record --off-cpu --call-graph dwarf -o "$T/wall.data" -- "$T/offcpu" wall >"$T/wall.out" 2>/dev/null
"$STOKE" report --event wall --comm walltest --folded "$T/wall.data" >"$T/wall.folded"
read -r run off <<<"$(gawk '{ if ($0 ~ /;\[(blocked|preempted)\];/) o += $NF; else r += $NF } END { print r + 0, o + 0 }' "$T/wall.folded")"
cpu=$(gawk '$1 == "cpu" { print $2 }' "$T/wall.out")
wall=$(gawk '$1 == "wall" { print $2 }' "$T/wall.out")
on_pct=$(gawk -v r="$run" -v o="$off" 'BEGIN { printf "%.1f", r + o ? 100 * r / (r + o) : 0 }')
want=$(gawk -v c="$cpu" -v w="$wall" 'BEGIN { printf "%.1f", 100 * c / w }')
note "walltest: on-CPU ${on_pct}% of its width (its own clocks: ${cpu} s CPU of ${wall} s, ${want}%; nominal 30%)"
check "--event wall: the thread's on-CPU share is its CPU time over its wall time (+-10 points)" \
	gawk -v a="$on_pct" -v b="$want" 'BEGIN { d = a - b; exit !(d <= 10 && d >= -10) }'
check "... and the rest is off-CPU (+-10 points)" \
	gawk -v r="$run" -v o="$off" -v b="$want" 'BEGIN { d = 100 * o / (r + o) - (100 - b); exit !(d <= 10 && d >= -10) }'
"$STOKE" flamegraph --event wall -o "$T/wall.svg" "$T/wall.data"
check "wall flame graph: off-CPU blues beside on-CPU colours" grep -q '"colors":"wall"' "$T/wall.svg"

# ---- wakers ------------------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	skip "wakers" "--wakers needs root (CAP_PERFMON) and tracefs"
	finish
fi
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
if [ ! -e /sys/kernel/tracing/events/sched/sched_waking/id ]; then
	skip "wakers" "no sched:sched_waking tracepoint in tracefs"
	finish
fi
"$STOKE" record --wakers --call-graph dwarf -o "$T/k.data" -- "$T/offcpu" waits >/dev/null 2>"$T/k.err"
check "record --wakers as root" [ $? = 0 ]
"$STOKE" report --event off-cpu --folded "$T/k.data" >"$T/k.folded"
check "--wakers: the pipe wait's line names the writing function of the other thread" \
	grep -Eq '^piperd;\[blocked\];.*;pipe_wait;.*;--;(.*;)?pipe_write_one;(.*;)?pipewr [0-9]+$' "$T/k.folded"
"$STOKE" report --event off-cpu --focus pipe_write_one --folded "$T/k.data" >"$T/k.focus"
check "--focus on a waker's function keeps the waits it ended" \
	eval 'grep -q "^piperd;.*;pipe_wait;" "$T/k.focus" && ! grep -q "^sleeper" "$T/k.focus"'
finish
