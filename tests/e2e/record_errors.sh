#!/usr/bin/env bash
# stoke record's errors: one line, non-zero exit, no half-written file left behind.
. "$(dirname "$0")/../lib.sh"

one_line() { [ "$(wc -l <"$1")" = 1 ]; }

"$STOKE" record -e no-such-event -o "$T/x.data" -- true 2>"$T/err"
rc=$?
check "unknown event: exit 2" [ $rc = 2 ]
check "unknown event: one line naming it" grep -q "unknown event 'no-such-event'" "$T/err"
check "unknown event: one line" one_line "$T/err"
check "unknown event: no file left" [ ! -e "$T/x.data" ]

"$STOKE" record -e cpu-clock:z -o "$T/x.data" -- true 2>"$T/err"
check "bad modifier: exit 2" [ $? = 2 ]

"$STOKE" record -o "$T/x.data" 2>"$T/err"
rc=$?
check "no target: exit 2 with a hint" [ $rc = 2 -a -s "$T/err" ]

"$STOKE" record -F 0 -- true 2>"$T/err"
check "bad -F: exit 2" [ $? = 2 ]

need_perf "record errors needing perf" || finish

"$STOKE" record -o "$T/x.data" -- /no/such/command 2>"$T/err"
rc=$?
check "command not found: exit 127" [ $rc = 127 ]
check "command not found: says so in one line" grep -q 'command not found: /no/such/command' "$T/err"
check "command not found: one line" one_line "$T/err"
check "command not found: no file left" [ ! -e "$T/x.data" ]

"$STOKE" record -p 999999999 -o "$T/x.data" 2>"$T/err"
check "missing pid: exit 1" [ $? = 1 ]
check "missing pid: names it" grep -q 'process 999999999 not found' "$T/err"
check "missing pid: one line" one_line "$T/err"

"$STOKE" record -o /nonexistent/dir/x.data -- true 2>"$T/err"
check "unwritable output: exit 1" [ $? = 1 ]
check "unwritable output: names the file" grep -q 'cannot write /nonexistent/dir/x.data' "$T/err"

# Hardware events: on a machine with a PMU they record; without one, cycles
# falls back to cpu-clock with a notice and others are refused in one line.
"$STOKE" record -e cycles -o "$T/cyc.data" -- true 2>"$T/err"
check "cycles records (or falls back)" [ $? = 0 ]
if grep -q 'needs a hardware PMU' "$T/err"; then
	check "cycles fell back to cpu-clock" grep -q 'name cpu-clock' <("$STOKE" dump "$T/cyc.data")
	"$STOKE" record -e instructions -o "$T/ins.data" -- true 2>"$T/err"
	check "instructions without PMU: exit 1" [ $? = 1 ]
	check "instructions without PMU: clear one line" grep -q "event 'instructions' is not supported on this machine" "$T/err"
	check "instructions without PMU: one line" one_line "$T/err"
	"$STOKE" record -e L1-dcache-load-misses -o "$T/l1.data" -- true 2>"$T/err"
	check "cache event without PMU: refused" [ $? = 1 ]
else
	check "cycles recorded as cycles" grep -q 'name cycles' <("$STOKE" dump "$T/cyc.data")
fi

# Disk full: a small tmpfs fills while DWARF samples stream in; the error
# says so and the frames written before stay readable.
build_fixture "$T/spin" spin.c -pthread || finish
mkdir -p "$T/small"
if mount -t tmpfs -o size=400k tmpfs "$T/small" 2>/dev/null; then
	"$STOKE" record -F 4999 --call-graph dwarf,16384 -o "$T/small/full.data" -- "$T/spin" 20 2>"$T/err"
	rc=$?
	note "$(cat "$T/err")"
	check "disk full: exit 1" [ $rc = 1 ]
	check "disk full: says so in one line" grep -q 'disk full writing' "$T/err"
	check "disk full: one line" one_line "$T/err"
	"$STOKE" dump "$T/small/full.data" >"$T/dump" 2>&1
	check "disk full: the file left is readable to its end" [ $? = 0 ]
	check "disk full: it holds samples" grep -q ' SAMPLE ' "$T/dump"
	umount "$T/small"
else
	skip "disk full" "cannot mount a tmpfs here (needs root)"
fi

finish
