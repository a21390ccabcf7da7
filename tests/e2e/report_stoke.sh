#!/usr/bin/env bash
# Reports of real recordings: names, filters, time slicing, script text, JIT maps, kernel symbols.
. "$(dirname "$0")/../lib.sh"

need_perf "reports of recordings" || finish
build_fixture "$T/phases" phases.c -fno-omit-frame-pointer -pthread || finish
build_fixture "$T/sleeper" sleeper.c -fno-omit-frame-pointer || finish

sum() { gawk -v re="$1" '{ if ($0 ~ re) n += $NF } END { print n + 0 }' "$2"; }

"$STOKE" record -q -o "$T/ph.data" -- "$T/phases" 0.6 2>"$T/err"
check "record two phases" [ $? = 0 ]
"$STOKE" report --folded "$T/ph.data" >"$T/all.folded" 2>"$T/err"
check "report --folded" [ $? = 0 ]
e=$(sum '^early;.*early_work' "$T/all.folded"); l=$(sum '^late;.*late_work' "$T/all.folded")
note "early_work=$e late_work=$l"
# Each phase is 0.6 s of wall time; a busy machine gives it less CPU, so fewer samples: the
# checks below compare with what each phase got, not with a rate.
check "thread names are the root frames, functions named" [ "$e" -ge 100 -a "$l" -ge 100 ]

"$STOKE" report --folded --time 0,0.45 "$T/ph.data" >"$T/first.folded"
"$STOKE" report --folded --time 0.75, "$T/ph.data" >"$T/second.folded"
check "--time 0,0.45 holds the early phase only" [ "$(sum late_work "$T/first.folded")" = 0 -a "$(sum early_work "$T/first.folded")" -ge $((e / 2)) ]
check "--time 0.75, holds the late phase only" [ "$(sum early_work "$T/second.folded")" = 0 -a "$(sum late_work "$T/second.folded")" -ge $((l / 2)) ]

"$STOKE" report --folded --comm late "$T/ph.data" >"$T/late.folded"
check "--comm late keeps only that thread" [ "$(sum '^early' "$T/late.folded")" = 0 -a "$(sum '^late' "$T/late.folded")" = "$(sum '^late' "$T/all.folded")" ]
tid=$("$STOKE" report --folded --per-thread "$T/ph.data" | sed -n 's/^early-[0-9]*\/\([0-9]*\);.*/\1/p' | head -1)
"$STOKE" report --folded --tid "$tid" "$T/ph.data" >"$T/tid.folded"
check "--tid keeps one thread" [ "$(sum '^late' "$T/tid.folded")" = 0 -a "$(sum '^early' "$T/tid.folded")" = "$(sum '^early' "$T/all.folded")" ]
"$STOKE" report --folded --per-thread "$T/ph.data" >"$T/pt.folded"
check "--per-thread roots are comm-pid/tid" grep -q '^late-[0-9]*/[0-9]*;' "$T/pt.folded"
"$STOKE" report --folded --pid 1 "$T/ph.data" >"$T/none.folded"
check "--pid of another process keeps nothing" [ ! -s "$T/none.folded" ]

# folded stacks re-read by flamegraph give the same graph as the recording itself
"$STOKE" flamegraph "$T/ph.data" --title t --subtitle s -o "$T/direct.svg"
"$STOKE" flamegraph "$T/all.folded" --title t --subtitle s -o "$T/via.svg"
if command -v node >/dev/null; then
	svg_refold "$T/direct.svg" >"$T/direct.refold"
	svg_refold "$T/via.svg" >"$T/via.refold"
	check "flamegraph of the folded output has the frames of the direct flame graph" cmp -s "$T/direct.refold" "$T/via.refold"
	sort "$T/all.folded" >"$T/all.sorted"
	check "... which are the folded stacks" cmp -s "$T/direct.refold" "$T/all.sorted"
else
	skip "folded round trip" "node is not installed"
fi

# one shot: record and draw
"$STOKE" flamegraph -o "$T/one.svg" -- "$T/phases" 0.2 2>"$T/err"
check "flamegraph -- COMMAND records and draws" [ $? = 0 -a -s "$T/one.svg" ]
check "... the command's functions" grep -q late_work "$T/one.svg"
"$STOKE" flamegraph -o "$T/one.svg" -- sh -c 'exit 4' 2>"$T/err"
check "... and exits with the command's status" [ $? = 4 ]

# perf-script text: one block per sample, header then frames
"$STOKE" script "$T/ph.data" >"$T/script.txt" 2>"$T/err"
check "script" [ $? = 0 ]
blocks=$(grep -cE '^[^	 ].* [0-9]+/[0-9]+ \[[0-9]{3}\] [0-9]+\.[0-9]{6}: [0-9]+ cpu-clock:$' "$T/script.txt")
samples=$("$STOKE" dump "$T/ph.data" | gawk '$2 == "SAMPLE"' | wc -l)
check "script: one header per sample ($blocks of $samples)" [ "$blocks" = "$samples" ]
check "script: frames are 'ADDR SYMBOL (MODULE)'" grep -qE '^	 *[0-9a-f]+ late_work \(.*/phases\)$' "$T/script.txt"
# --srcline: each late_work frame is followed by a line inside late_work's body (phases.c:24-28)
"$STOKE" script --srcline "$T/ph.data" >"$T/script-src.txt" 2>"$T/err"
check "script --srcline" [ $? = 0 ]
src=$(gawk '/ late_work \(/ { getline; print }' "$T/script-src.txt" | sort | uniq -c | sort -rn | head -3 | tr '\n' ' ')
note "late_work source lines: $src"
check "script --srcline: late_work's lines are in its body" \
	[ "$(gawk '/ late_work \(/ { n++; getline; if ($0 ~ /^  .*phases\.c:(2[4-8])$/) ok++ } END { print (n > 100 && ok >= n * 0.95) }' "$T/script-src.txt")" = 1 ]

# kernel symbols from the snapshot in the file
"$STOKE" record -q -e context-switches -o "$T/cs.data" -- "$T/sleeper" 100 2>"$T/err"
"$STOKE" report --folded "$T/cs.data" >"$T/cs.folded"
check "kernel frames are named from the recorded kallsyms" grep -q 'schedule' "$T/cs.folded"
check "context switches land under main, in the sleep" [ "$(sum ';main;.*schedule' "$T/cs.folded")" -ge 90 ]
"$STOKE" report --folded --no-kernel "$T/cs.data" >"$T/csu.folded"
check "--no-kernel drops kernel frames" [ "$(sum 'schedule' "$T/csu.folded")" = 0 -a "$(sum ';main' "$T/csu.folded")" -ge 90 ]

# JIT code through /tmp/perf-PID.map
if command -v node >/dev/null; then
	cat >"$T/hot.js" <<'JS'
function stokeHotLoop(n) { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i) * Math.sin(i); return s; }
const end = Date.now() + 1000; let t = 0;
while (Date.now() < end) t += stokeHotLoop(100000);
JS
	(cd "$T" && "$STOKE" record -q -o "$T/js.data" -- node --perf-basic-prof "$T/hot.js") 2>"$T/err" # node may leave logs in its directory
	check "record node --perf-basic-prof" [ $? = 0 ]
	"$STOKE" report --folded --kernel-suffix "$T/js.data" >"$T/js.folded" 2>"$T/err"
	n=$(sum 'stokeHotLoop[^;]*_[[]j[]]' "$T/js.folded")
	note "samples in the JS function: $n"
	check "the JS function is named from the perf map, marked _[j]" [ "$n" -ge 100 ]
	for p in $("$STOKE" dump "$T/js.data" | gawk '/COMM .* exec node/ { split($7, a, "/"); print a[1] }'); do
		rm -f "/tmp/perf-$p.map"
	done
else
	skip "JIT names" "node is not installed"
fi

# a recording cut short still reports what it has
"$STOKE" record -q -o "$T/cut.data" -- "$T/phases" 1.5 &
rp=$!
sleep 1.6; kill -9 $rp; wait $rp 2>/dev/null; sleep 0.2
"$STOKE" report --top 3 "$T/cut.data" >"$T/cut.txt" 2>"$T/err"
rc=$?
note "$(head -1 "$T/err")"
check "a killed recording reports (exit $rc)" [ $rc = 0 ]
check "it names what it holds" grep -q early_work "$T/cut.txt"

finish
