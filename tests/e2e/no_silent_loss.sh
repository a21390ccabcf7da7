#!/usr/bin/env bash
# Nothing lost in silence: failed writes are said (exit 1, one line naming the output) and
# leave no half-written file; recordings are one recorder per file; repeated PIDs/CPUs count
# once; a cut-short recording says so; folded input of any line length, with counts that
# cannot wrap.
. "$(dirname "$0")/../lib.sh"

one_line() { [ "$(wc -l <"$1")" = 1 ]; }
F=$ROOT/testdata/report.folded

# --- The -p parser printed freed memory (seen under ASan/valgrind): exact text now.
for v in abc 1,abc 12abc -- -5; do
	"$STOKE" record -p "$v" -- true >/dev/null 2>"$T/err"
	rc=$?
	bad=${v##*,}
	check "record -p $v: exit 2 and exactly \"-p: '$bad' is not a process id\"" \
		eval "[ $rc = 2 ] && [ \"\$(cat '$T/err')\" = \"stoke: -p: '$bad' is not a process id\" ]"
done

# --- Every report command to a full device: exit 1, one line naming the output.
full_case() { # NAME CMD...: run CMD with stdout on /dev/full
	local name=$1; shift
	"$@" >/dev/full 2>"$T/err"
	local rc=$?
	check "$name > /dev/full: exit 1, one line 'writing standard output'" \
		eval "[ $rc = 1 ] && one_line '$T/err' && grep -q '^stoke: writing standard output: No space left on device' '$T/err'"
}
full_o_case() { # NAME CMD...: CMD writes -o /dev/full itself
	local name=$1; shift
	"$@" 2>"$T/err" >/dev/null
	local rc=$?
	check "$name -o /dev/full: exit 1, one line 'writing /dev/full'" \
		eval "[ $rc = 1 ] && one_line '$T/err' && grep -q '^stoke: writing /dev/full: No space left on device' '$T/err'"
}
full_case "report" "$STOKE" report "$F"
full_case "report --folded" "$STOKE" report --folded "$F"
full_case "report --top 0" "$STOKE" report --top 0 "$F"
full_case "flamegraph" "$STOKE" flamegraph "$F"
full_case "callgraph" "$STOKE" callgraph "$F"
full_case "diff" "$STOKE" diff "$F" "$F"
full_case "diff --folded" "$STOKE" diff --folded "$F" "$F"
full_o_case "flamegraph" "$STOKE" flamegraph -o /dev/full "$F"
full_o_case "callgraph dot" "$STOKE" callgraph -o /dev/full "$F"
if command -v dot >/dev/null; then
	full_o_case "callgraph svg" "$STOKE" callgraph --format svg -o /dev/full "$F"
	full_o_case "callgraph png" "$STOKE" callgraph --format png -o /dev/full "$F"
else
	skip "callgraph svg/png to /dev/full" "Graphviz's dot is not installed"
fi
full_o_case "diff" "$STOKE" diff -o /dev/full "$F" "$F"
check "/dev/full is still a device" [ -c /dev/full ]

# --- A full filesystem: the error is said, no half-written file under the name, and an
# existing file under the name is left as it was.
mkdir "$T/small"
if mount -t tmpfs -o size=64k tmpfs "$T/small" 2>/dev/null; then
	gawk 'BEGIN { for (i = 0; i < 6000; i++) printf "main;f%d;g%d %d\n", i, i, i + 1 }' >"$T/big.folded"
	echo "previous" >"$T/small/f.svg"
	"$STOKE" flamegraph -o "$T/small/f.svg" "$T/big.folded" 2>"$T/err"
	rc=$?
	check "full fs: flamegraph exit 1, one line naming the file" \
		eval "[ $rc = 1 ] && one_line '$T/err' && grep -q 'writing $T/small/f.svg: No space left on device' '$T/err'"
	check "full fs: the previous file is intact" [ "$(cat "$T/small/f.svg")" = previous ]
	check "full fs: no temporary file left" [ "$(ls -A "$T/small")" = f.svg ]
	rm -f "$T/small/f.svg"
	"$STOKE" report --folded "$T/big.folded" >"$T/small/out" 2>"$T/err"
	check "full fs: report > file exits 1" [ $? = 1 ]
	"$STOKE" callgraph -o "$T/small/g.dot" "$T/big.folded" 2>"$T/err"
	check "full fs: callgraph -o exits 1 and leaves no g.dot" eval "[ $? = 1 ] && [ ! -e '$T/small/g.dot' ]"
	umount "$T/small"
else
	skip "full filesystem" "cannot mount a tmpfs here (needs root)"
fi
# Outputs replace a file atomically and keep its mode.
echo old >"$T/m.svg"; chmod 640 "$T/m.svg"
"$STOKE" flamegraph -o "$T/m.svg" "$F" 2>/dev/null
check "flamegraph -o replaces an existing file, keeping its mode" \
	eval "grep -q '<svg' '$T/m.svg' && [ \"\$(stat -c %a '$T/m.svg')\" = 640 ]"

# --- Folded input: any line length, the same rules for every line, counts that cannot wrap.
gawk 'BEGIN { s = "root"; for (i = 0; i < 56000; i++) s = s ";frame_number_" i; print s " 7"; print "root;short 3" }' >"$T/long.folded"
note "first line of $(head -1 "$T/long.folded" | wc -c) bytes"
"$STOKE" report --top 3 "$T/long.folded" >"$T/out" 2>"$T/err"
check "folded with a 1 MB first line: read" eval "[ $? = 0 ] && grep -q '# samples: 10' '$T/out' && [ ! -s '$T/err' ]"
check "... its deepest frame is there" grep -q 'frame_number_55999' "$T/out"
printf '# a comment\nnot folded at all\nmain;a 3\n;;; 3\nmain;b 4\n' >"$T/mixed.folded"
"$STOKE" report --top 3 "$T/mixed.folded" >"$T/out" 2>"$T/err"
check "folded starting with a comment and a malformed line: read" \
	eval "[ $? = 0 ] && grep -q '# samples: 7' '$T/out'"
check "... the malformed lines (';;; 3' too) counted from line 2" \
	grep -q 'warning: 2 malformed folded line(s) skipped (first at line 2)' "$T/err"
printf 'a;b 18446744073709551615\na;c 18446744073709551615\na;d 3\n' >"$T/huge.folded"
"$STOKE" report --top 3 "$T/huge.folded" >"$T/out" 2>"$T/err"
check "overflowing counts: saturate at 2^64-1" grep -q '# samples: 18446744073709551615' "$T/out"
check "... with a warning naming the first line cut" grep -q 'add up past 2^64.*from line 2' "$T/err"
check "... and no share above 100%" eval "! grep -qE '(1[0-9][0-9]|[2-9][0-9][0-9])\.[0-9]+%' '$T/out' || grep -q '^ *100.00%' '$T/out' && ! grep -q '200.00%' '$T/out'"
printf 'a;b 99999999999999999999\na;c 2\n' >"$T/toobig.folded"
"$STOKE" report --top 3 "$T/toobig.folded" >"$T/out" 2>"$T/err"
check "a count above 2^64-1 is a malformed line" grep -q '1 malformed folded line(s) skipped (first at line 1)' "$T/err"

need_perf "recording checks" || finish
build_fixture "$T/spin" spin.c -fno-omit-frame-pointer -pthread || finish

# --- Two recorders on one name: the second refuses in one line, the first is intact.
"$STOKE" record -q -o "$T/two.data" -- "$T/spin" 1.5 2>"$T/err1" &
first=$!
for _ in $(seq 50); do [ -s "$T/two.data" ] && break; sleep 0.05; done
"$STOKE" record -q -o "$T/two.data" -- "$T/spin" 0.2 2>"$T/err2"
rc2=$?
wait "$first"
rc1=$?
check "second recorder on one name: exit 1" [ $rc2 = 1 ]
check "... one line saying another stoke records it" \
	eval "one_line '$T/err2' && grep -q 'is being recorded by another stoke' '$T/err2'"
check "the first recording is complete (has its END record)" \
	eval "[ $rc1 = 0 ] && \"$STOKE\" dump '$T/two.data' 2>'$T/derr' | grep -q ' END ' && [ ! -s '$T/derr' ]"
# A later recording keeps the previous one as NAME.old.
"$STOKE" record -q -o "$T/two.data" -- "$T/spin" 0.2 2>/dev/null
check "recording over a file keeps the previous as NAME.old" \
	eval "[ -s '$T/two.data.old' ] && \"$STOKE\" dump '$T/two.data.old' | grep -q ' END '"
# A failed recording gives the previous file its name back.
cp "$T/two.data" "$T/keep.data"
"$STOKE" record -q -o "$T/two.data" -- /no/such/command 2>/dev/null
check "a failed recording leaves the previous file under its name" cmp -s "$T/two.data" "$T/keep.data"

# --- -p P,P samples like -p P (every sample counted once), with a notice.  cpu-clock at F Hz
# on a task gives about F samples per second of the task's CPU time, whatever the machine's
# load: compare each recording with the CPU time spin used while it ran (from /proc, in ticks).
"$T/spin" 8 &
sp=$!
samples() { "$STOKE" report --top 1 "$1" 2>/dev/null | gawk '/^# samples:/ { print $3 }'; }
cpu_ticks() { gawk '{ print $14 + $15 }' "/proc/$sp/stat"; }
per_cpu_second() { # FILE TICKS_BEFORE TICKS_AFTER: samples / (CPU seconds * 499)
	gawk -v n="$(samples "$1")" -v a="$2" -v b="$3" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { s = (b - a) / hz; printf "%.3f", (s > 0 ? n / (s * 499) : 0) }'
}
t0=$(cpu_ticks)
"$STOKE" record -q -F 499 -d 1.5 -p "$sp" -o "$T/p1.data" 2>/dev/null
t1=$(cpu_ticks)
"$STOKE" record -q -F 499 -d 1.5 -p "$sp,$sp" -o "$T/p2.data" 2>"$T/err"
t2=$(cpu_ticks)
kill "$sp" 2>/dev/null; wait "$sp" 2>/dev/null
r1=$(per_cpu_second "$T/p1.data" "$t0" "$t1"); r2=$(per_cpu_second "$T/p2.data" "$t1" "$t2")
note "-p P: $(samples "$T/p1.data") samples, $r1 per CPU-second/499; -p P,P: $(samples "$T/p2.data") samples, $r2"
check "-p P,P: a notice that the PID is used once" grep -q "warning: -p: $sp is given more than once; using it once" "$T/err"
# Counting twice gives 2; noise over hundreds of samples is a few percent.
check "-p P samples at the rate asked" gawk -v r="$r1" 'BEGIN { exit !(r > 0.7 && r < 1.4) }'
check "-p P,P samples like -p P" gawk -v r="$r2" 'BEGIN { exit !(r > 0.7 && r < 1.4) }'
# And exactly: one event per thread and CPU, as for -p P (doubled before: "ids 4" for "ids 2").
ids() { "$STOKE" dump "$1" 2>/dev/null | gawk '$2 == "ATTR" { for (i = 1; i < NF; i++) if ($i == "ids") print $(i + 1) }'; }
check "-p P,P opens the events of -p P once ($(ids "$T/p1.data") ids)" [ "$(ids "$T/p2.data")" = "$(ids "$T/p1.data")" ]
# System-wide cpu-clock ticks on every CPU, busy or idle: CPU 0 twice must tick once.
"$STOKE" record -q -F 499 -a -C 0 -d 1 -o "$T/c1.data" 2>/dev/null
"$STOKE" record -q -F 499 -a -C 0,0 -d 1 -o "$T/c2.data" 2>"$T/err"
n1=$(samples "$T/c1.data"); n2=$(samples "$T/c2.data")
note "-C 0: $n1 samples, -C 0,0: $n2 samples (1 s at 499 Hz)"
check "-C 0,0: a notice that CPU 0 is used once" grep -q 'warning: -C: 0 is given more than once' "$T/err"
check "-C 0,0 samples like -C 0" gawk -v a="$n1" -v b="$n2" 'BEGIN { exit !(a > 100 && b > 0.7 * a && b < 1.4 * a) }'
check "-C 0,0 opens one event, as -C 0" [ "$(ids "$T/c2.data")" = "$(ids "$T/c1.data")" ]

# --- A killed recording: every report says it was cut short.
"$STOKE" record -q -o "$T/k.data" -- "$T/spin" 10 2>/dev/null &
rp=$!
sleep 2.5
kill -9 "$rp"; wait "$rp" 2>/dev/null
pkill -f "$T/spin 10" 2>/dev/null
"$STOKE" report --top 1 "$T/k.data" >"$T/out" 2>"$T/err"
check "killed recording: report exits 0" [ $? = 0 ]
check "killed recording: the report header says it was cut short" grep -q '^# recording: cut short' "$T/out"
check "killed recording: one warning says it was cut short" \
	eval "one_line '$T/err' && grep -q 'warning: .*cut short' '$T/err'"
for c in script dump "flamegraph -o $T/k.svg" "callgraph -o $T/k.dot"; do
	$STOKE $c "$T/k.data" >/dev/null 2>"$T/err"
	check "killed recording: $c exits 0 and warns once that it was cut short" \
		eval "[ $? = 0 ] && one_line '$T/err' && grep -q 'cut short' '$T/err'"
done
check "killed recording: the flame graph's subtitle says so" grep -q 'cut short\|truncated' "$T/k.svg"
"$STOKE" report --event bogus "$T/k.data" >/dev/null 2>"$T/err"
check "report --event bogus: one error naming the events the file has" \
	eval "[ $? = 1 ] && grep -q \"no event 'bogus' in this file (it has: cpu-clock)\" '$T/err' && ! grep -q 'No such file' '$T/err'"

# --- One exit-code rule for a damaged file: every command reports what it could read, exit 0.
"$STOKE" record -q -o "$T/whole.data" -- "$T/spin" 2.5 2>/dev/null
size=$(stat -c %s "$T/whole.data")
head -c $((size * 99 / 100)) "$T/whole.data" >"$T/cut.data"
for c in report script dump "flamegraph -o $T/cut.svg" "callgraph -o $T/cut.dot"; do
	$STOKE $c "$T/cut.data" >/dev/null 2>"$T/err"
	check "file cut at 99%: $c exits 0 with one warning" eval "[ $? = 0 ] && one_line '$T/err'"
done
"$STOKE" diff "$T/cut.data" "$T/whole.data" >/dev/null 2>"$T/err"
check "file cut at 99%: diff exits 0" [ $? = 0 ]
"$STOKE" dump "$T/whole.data" >/dev/full 2>"$T/err"
check "dump > /dev/full: exit 1, one line" eval "[ $? = 1 ] && one_line '$T/err' && grep -q 'writing standard output' '$T/err'"
"$STOKE" script "$T/whole.data" >/dev/full 2>"$T/err"
check "script > /dev/full: exit 1, one line naming standard output (not the input)" \
	eval "[ $? = 1 ] && one_line '$T/err' && grep -q '^stoke: writing standard output' '$T/err'"
finish
