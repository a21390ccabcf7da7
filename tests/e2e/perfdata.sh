#!/usr/bin/env bash
# perf.data read by every report command: perf record's file mode, -z, pipe mode, frame-pointer
# and DWARF call graphs, several events, a truncated and a corrupt file, and the check without
# sampling noise: on one perf.data, stoke's folded stacks equal perf script's, stack for stack.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/perfdata-compare.sh"

need_perf "perf.data" || finish
if ! command -v perf >/dev/null || ! perf record -q -o "$T/probe.data" -e cpu-clock -- true >/dev/null 2>&1; then
	if [ "${STOKE_REQUIRE_PERF:-0}" = 1 ]; then fail "perf.data (perf record does not run: install linux-perf)"; else skip "perf.data" "perf record does not run (Debian: linux-perf)"; fi
	finish
fi
build_fixture "$T/spin" spin.c -fno-omit-frame-pointer -pthread || finish
build_fixture "$T/spin_nofp" spin.c -fomit-frame-pointer -pthread || finish
# rec ARGS...: perf record, tried up to three times (perf 6.1 now and then fails an assertion
# in its build-id pass at the end of a recording, leaving a file without features).
rec() {
	local i
	for i in 1 2 3; do
		perf record -q "$@" >/dev/null 2>"$T/perf.err" && return 0
		note "perf record $*: $(grep -m1 . "$T/perf.err")"
	done
	return 1
}

# compare NAME FILE [EVENT]: stoke's stacks equal perf script's (naming differences aside);
# at most 1 % of the samples may differ (return addresses at a function's end, see
# docs/perfdata.md), and the workload's own stack must be equal with its count.
compare() {
	local name=$1 file=$2 event=${3:-}
	perf_compare "$file" "$T/cmp" "$event"
	note "$name: perf shows $cmp_total samples, stoke $cmp_stoke_total; $cmp_diff in stacks that differ"
	diff "$T/cmp.perf" "$T/cmp.stoke" | grep '^[<>]' | head -6 | sed 's/^/#   /'
	check "$name: same sample count as perf script" [ "$cmp_total" = "$cmp_stoke_total" -a "$cmp_total" -gt 100 ]
	check "$name: stacks equal perf script's (at most 1 % differ)" [ $((cmp_diff * 100)) -le "$cmp_total" ]
	# The heaviest stack (the workload's loop) has exactly perf's count.
	local top
	top=$(sort -t' ' -k2 -nr "$T/cmp.perf" | head -1)
	check "$name: the workload's stack equal, with the same count" grep -qxF "$top" "$T/cmp.stoke"
	diff <(grep ';worker' "$T/cmp.perf") <(grep ';worker' "$T/cmp.stoke") | grep '^[<>]' | head -4 | sed 's/^/#   through worker: /'
	return 0
}

# ---- frame pointers, file mode
rec -g -F 1999 -o "$T/fp.data" -- "$T/spin" 1.5 2 || { fail "perf record -g"; finish; }
"$STOKE" report --top 5 "$T/fp.data" >"$T/top" 2>"$T/err"
check "report reads perf.data" [ $? = 0 ]
check "... top function is the workload's leaf" gawk '!/^#/ && NF { exit !($NF == "[spin]" && $(NF-1) == "spin_leaf") }' "$T/top"
check "... no warning on a file recorded here" [ ! -s "$T/err" ]
compare "frame pointers" "$T/fp.data"

"$STOKE" dump "$T/fp.data" >"$T/dump" 2>"$T/err"
check "dump: attr with its ids and name" bash -c "grep -qE '^0 ATTR .* ids [0-9]+ name cpu-clock' '$T/dump' && grep -qE '^    ids [0-9]+' '$T/dump'"
check "dump: features (hostname, release, cmdline)" \
	bash -c "grep -q '    hostname = $(hostname)' '$T/dump' && grep -q '    release = $(uname -r)' '$T/dump' && grep -q 'cmdline = .*perf record' '$T/dump'"
check "dump: build-ids, the workload's matching the file" \
	grep -q "BUILD_ID .* $(readelf -n "$T/spin" | gawk '/Build ID/ { print $3 }') $T/spin\$" "$T/dump"
check "dump: MMAP2 of the workload carries its build-id" grep -qE "MMAP2 .* $T/spin build-id [0-9a-f]{40}" "$T/dump"
check "dump: FINISHED_ROUND records" grep -q ' FINISHED_ROUND ' "$T/dump"

"$STOKE" flamegraph -o "$T/fp.svg" "$T/fp.data" 2>"$T/err"
check "flamegraph of perf.data" grep -q 'spin_leaf' "$T/fp.svg"
"$STOKE" script "$T/fp.data" >"$T/script" 2>"$T/err"
check "script of perf.data: one block per sample" [ "$(grep -c '^spin ' "$T/script")" = "$cmp_total" ]
"$STOKE" callgraph "$T/fp.data" >"$T/cg.dot" 2>"$T/err"
check "callgraph of perf.data" grep -q 'spin_leaf' "$T/cg.dot"

# Kernel symbols: this machine's when the file says it was recorded on this kernel (release and
# kernel build-id); another kernel's file is warned about, and --kallsyms gives the symbols.
kfuncs() { gawk '!/^#/ && $NF == "[kernel.kallsyms]" && $(NF-1) != "[kernel.kallsyms]"' "$1" | wc -l; }
"$STOKE" report --top 0 "$T/fp.data" >"$T/k.top" 2>/dev/null
rel=$(uname -r)
perl -0777 -pe "s/\Q$rel\E/X${rel:1}/g" "$T/fp.data" >"$T/otherrel.data"
"$STOKE" report --top 0 "$T/otherrel.data" >"$T/o.top" 2>"$T/err"
check "another kernel's release: one warning, kernel frames unnamed" \
	[ "$(grep -c 'recorded on another kernel' "$T/err")" = 1 -a "$(kfuncs "$T/o.top")" = 0 -a "$(kfuncs "$T/k.top")" -gt 0 ]
"$STOKE" report --top 0 --kallsyms /proc/kallsyms "$T/otherrel.data" >"$T/o2.top" 2>"$T/err"
check "--kallsyms FILE names the kernel frames" [ "$(kfuncs "$T/o2.top")" = "$(kfuncs "$T/k.top")" ]
kid=$(gawk '/kernel-build-id = / { print $3; exit }' "$T/dump")
if [ -n "$kid" ]; then
	# The same release, another kernel build-id: not this kernel either.
	bad=$([ "${kid:0:1}" = 0 ] && echo 1 || echo 0)${kid:1}
	perl -0777 -pe 'BEGIN { ($a, $b) = map { pack "H*", $_ } @ARGV[0, 1]; splice @ARGV, 0, 2 } s/\Q$a\E/$b/g' "$kid" "$bad" "$T/fp.data" >"$T/otherid.data"
	"$STOKE" report --top 0 "$T/otherid.data" >"$T/i.top" 2>"$T/err"
	check "another kernel build-id, same release: kernel frames unnamed" [ "$(kfuncs "$T/i.top")" = 0 ]
else
	skip "kernel build-id check" "perf recorded no kernel build-id"
fi

# A build-id that does not match the file on disk: warned once, its symbols not trusted.
cp "$T/spin" "$T/spin.keep"
build_fixture "$T/spin" spin.c -fno-omit-frame-pointer -pthread -O2 || finish
"$STOKE" report --folded "$T/fp.data" >"$T/changed" 2>"$T/err"
check "a changed binary: one warning naming it" [ "$(grep -c "$T/spin changed since the recording" "$T/err")" = 1 ]
mv "$T/spin.keep" "$T/spin"

# diff: perf.data against a stoke file and folded stacks
"$STOKE" record -q -F 1999 -o "$T/s.data" -- "$T/spin" 1.5 2 2>/dev/null
"$STOKE" diff "$T/fp.data" "$T/s.data" >"$T/diff" 2>"$T/err"
check "diff perf.data stoke.data" [ $? = 0 ]
"$STOKE" diff -o "$T/diff.svg" "$T/fp.data" "$T/s.data" 2>"$T/err"
check "... its differential flame graph holds the workload" grep -q spin_leaf "$T/diff.svg"
"$STOKE" report --folded "$T/s.data" >"$T/s.folded"
"$STOKE" diff "$T/s.folded" "$T/fp.data" >/dev/null 2>"$T/err"
check "diff folded perf.data" [ $? = 0 ]

# ---- perf record -z: one zstd stream across the COMPRESSED records
# A small ring (-m 2): perf compresses each ring read, and a read that wraps the ring is two
# chunks, so many records straddle two chunks (72 of 270 chunks ended inside a record here).
rec -z -m 2 -g -F 1999 -o "$T/z.data" -- "$T/spin" 2 2 || fail "perf record -z"
check "-z: the file is compressed" grep -q 'compression = zstd' <("$STOKE" dump "$T/z.data")
compare "perf record -z" "$T/z.data"

# ---- pipe mode: metadata as records
perf record -q -g -F 1999 -o - -- "$T/spin" 1.5 2 >"$T/pipe.data" 2>/dev/null
check "pipe mode: ATTR and features" bash -c "'$STOKE' dump '$T/pipe.data' | grep -q ' ATTR .*name cpu-clock' && '$STOKE' dump '$T/pipe.data' | grep -q 'release = '"
compare "pipe mode" "$T/pipe.data"

# ---- DWARF: perf's registers and stack copies through stoke's unwinder
rec --call-graph dwarf -F 999 -o "$T/dw.data" -- "$T/spin_nofp" 1.5 2 || fail "perf record --call-graph dwarf"
perf_compare "$T/dw.data" "$T/cmp"
note "DWARF: perf shows $cmp_total samples, stoke $cmp_stoke_total; $cmp_diff in stacks that differ"
diff "$T/cmp.perf" "$T/cmp.stoke" | grep '^[<>]' | head -10 | sed 's/^/#   /'
check "DWARF: same sample count" [ "$cmp_total" = "$cmp_stoke_total" -a "$cmp_total" -gt 100 ]
check "DWARF: at most 2 % of the stacks differ from perf's unwinder" [ $((cmp_diff * 50)) -le "$cmp_total" ]
check "DWARF: the workload's stack is unwound whole" grep -qE '^spin_nofp;clone3;start_thread;worker;spin_top;spin_mid;spin_leaf [0-9]+$' "$T/cmp.stoke"

# ---- several events
rec -g -e cpu-clock,task-clock -F 999 -o "$T/multi.data" -- "$T/spin" 1.5 || fail "perf record -e cpu-clock,task-clock"
check "two events: two ATTRs with their names" \
	[ "$("$STOKE" dump "$T/multi.data" | grep -cE '^0 ATTR .* name (cpu-clock|task-clock)$')" = 2 ]
compare "event task-clock" "$T/multi.data" task-clock
# Events of different layouts (one without a callchain): perf puts IDENTIFIER first in samples.
rec -g -e cpu-clock -e task-clock/call-graph=no/ -F 999 -o "$T/mixed.data" -- "$T/spin" 1.5 || fail "perf record, two layouts"
compare "two layouts, the one with callchains" "$T/mixed.data" cpu-clock
perf_compare "$T/mixed.data" "$T/cmp" "task-clock/call-graph=no/"
note "two layouts, the one without: perf $cmp_total samples, stoke $cmp_stoke_total, $cmp_diff differ"
# (a layout read wrong would break every sample; a rare one at the edge of the vDSO is named by
# perf from the image it saved and shows as [unknown] in stoke, as in the check above)
check "two layouts, the one without callchains: equal to perf's (at most 1 % differ)" \
	[ "$cmp_total" -gt 100 -a "$cmp_total" = "$cmp_stoke_total" -a $((cmp_diff * 100)) -le "$cmp_total" ]
# A tracepoint (PERF_SAMPLE_RAW in the samples), when tracefs is there.
if rec -g -e sched:sched_switch -o "$T/tp.data" -- "$T/spin" 0.5 2; then
	perf_compare "$T/tp.data" "$T/cmp"
	note "tracepoint: perf $cmp_total samples, stoke $cmp_stoke_total, $cmp_diff differ"
	check "tracepoint samples: equal to perf's" [ "$cmp_total" -gt 0 -a "$cmp_total" = "$cmp_stoke_total" -a "$cmp_diff" = 0 ]
else
	skip "tracepoint samples" "perf cannot record sched:sched_switch here"
fi
"$STOKE" report --event nosuch "$T/multi.data" >/dev/null 2>"$T/err"
check "an event not in the file: names the events it has" grep -q 'it has: cpu-clock, task-clock' "$T/err"

# ---- damage: truncated and corrupt files keep the samples before the damage
size=$(stat -c %s "$T/fp.data")
"$STOKE" dump "$T/fp.data" >"$T/good.dump"
cut=$((size / 2))
head -c "$cut" "$T/fp.data" >"$T/cut.data"
"$STOKE" report --top 3 "$T/cut.data" >"$T/out" 2>"$T/err"
rc=$?
# Samples wholly before the cut (offset + size <= cut).
want=$(gawk -v c="$cut" '$2 == "SAMPLE" && strtonum($1) + $4 <= c' "$T/good.dump" | wc -l)
got=$(gawk '/^# samples:/ { print $3 }' "$T/out")
note "truncated at $cut: $got samples reported, $want before the cut; $(head -1 "$T/err")"
# (The features after the data are cut off too: no OS release, so no kernel symbols, said once.)
check "truncated: exit 0 with one line naming the offset" [ $rc = 0 -a "$(grep -c 'truncated.*at offset [0-9]' "$T/err")" = 1 ]
check "truncated: every sample before the cut is reported" [ "$got" = "$want" ]

half=$(($(grep -c ' SAMPLE ' "$T/good.dump") / 2))
off=$(gawk -v k="$half" '$2 == "SAMPLE" { n++; if (n == k) { print strtonum($1); exit } }' "$T/good.dump")
cp "$T/fp.data" "$T/bad.data"
printf '\377\377\377\377\377\377\377\377' | dd of="$T/bad.data" bs=1 seek="$off" conv=notrunc status=none
"$STOKE" report --top 3 "$T/bad.data" >"$T/out" 2>"$T/err"
rc=$?
got=$(gawk '/^# samples:/ { print $3 }' "$T/out")
note "corrupt at $off: $got samples reported; $(head -1 "$T/err")"
check "corrupt: one warning with the offset of the bad record" grep -q "corrupt.*at offset $off[ ;]" "$T/err"
check "corrupt: the $((half - 1)) samples before it are reported" [ $rc = 0 -a "$got" = $((half - 1)) ]
"$STOKE" dump "$T/bad.data" >/dev/null 2>"$T/err"
# One rule for every command (docs/reliability.md): what could be read is shown, exit 0, and
# one warning names the offset.
check "corrupt: dump shows what came before and names the offset" [ $? = 0 ] && grep -q "offset $off" "$T/err"

# Bytes flipped at 40 places (header, attrs, records, features): never a crash or a hang, and
# a failure is one line.
crashes=0 unclear=0
for i in $(seq 0 39); do
	pos=$(( i < 8 ? i * 13 : size * i / 40 ))
	cp "$T/fp.data" "$T/flip.data"
	printf "$(printf '\\%03o' $(( ($(od -An -tu1 -j "$pos" -N1 "$T/fp.data") ^ 0x5a) & 0xff )))" |
		dd of="$T/flip.data" bs=1 seek="$pos" conv=notrunc status=none
	timeout 20 "$STOKE" report --top 3 "$T/flip.data" >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -ge 124 ] && { crashes=$((crashes + 1)); note "report exit $rc, byte flipped at $pos"; }
	[ $rc != 0 ] && [ "$(wc -l <"$T/err")" != 1 ] && { unclear=$((unclear + 1)); note "flipped at $pos: $(head -2 "$T/err" | tr '\n' ' ')"; }
done
check "flipped bytes: no crash or hang" [ $crashes = 0 ]
check "flipped bytes: every failure is one line" [ $unclear = 0 ]

cp "$T/fp.data" "$T/swapped.data"
printf '2ELIFREP' | dd of="$T/swapped.data" bs=1 conv=notrunc status=none
"$STOKE" report "$T/swapped.data" >/dev/null 2>"$T/err"
check "other byte order: refused with a clear line" grep -q 'other byte order' "$T/err"
finish
