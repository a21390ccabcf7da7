#!/usr/bin/env bash
# --call-graph dwarf: complete user stacks for code without frame pointers.
. "$(dirname "$0")/../lib.sh"

need_perf "dwarf" || finish
build_fixture "$T/nofp" nofp.c -O2 -fomit-frame-pointer || finish

# share PATTERN FILE: samples whose folded stack matches PATTERN, as "matching total"
share() { gawk -v re="$1" '{ n += $NF; if ($0 ~ re) m += $NF } END { print m + 0, n + 0 }' "$2"; }

"$STOKE" record -q --call-graph dwarf -o "$T/dw.data" -- "$T/nofp" 1 2>"$T/err"
check "dwarf record" [ $? = 0 ]
"$STOKE" report --folded "$T/dw.data" >"$T/dw.folded" 2>"$T/err"
check "dwarf report" [ $? = 0 ]
read -r m n < <(share ';main;' "$T/dw.folded")
note "DWARF: $m of $n samples reach main"
check "DWARF: >= 99% of samples have a stack reaching main" [ $((m * 100)) -ge $((n * 99)) -a "$n" -ge 200 ]
read -r q n < <(share ';main;chain_one[^;]*;chain_two[^;]*;chain_three[^;]*;qsort[^;]*;.*by_value' "$T/dw.folded")
note "DWARF: $q samples in by_value under qsort under chain_three/two/one"
check "DWARF: the comparator appears under qsort under its caller chain" [ "$q" -ge $((n / 20)) ]

# The same workload with frame pointers only: stacks break at the first libc frame.
"$STOKE" record -q --call-graph fp -o "$T/fp.data" -- "$T/nofp" 1 2>"$T/err"
"$STOKE" report --folded "$T/fp.data" >"$T/fp.folded"
read -r fm fn < <(share ';main;' "$T/fp.folded")
read -r fq fn2 < <(share ';chain_three[^;]*;qsort[^;]*;.*by_value' "$T/fp.folded")
note "frame pointers: $fm of $fn samples reach main, $fq show the comparator under its caller"
check "frame-pointer mode loses main for most samples (the difference DWARF makes)" [ $((fm * 2)) -lt "$fn" ]
check "frame-pointer mode cannot place the comparator under its caller" [ "$fq" -lt $((q / 10 + 1)) ]

# Deeper recursion than the stack copy: stacks end in [truncated], nothing crashes.
"$STOKE" record -q --call-graph dwarf,2048 -o "$T/deep.data" -- "$T/nofp" 0.5 recurse 300 2>"$T/err"
check "deep recursion records" [ $? = 0 ]
"$STOKE" report --folded "$T/deep.data" >"$T/deep.folded" 2>"$T/err"
check "deep recursion reports" [ $? = 0 ]
read -r t n < <(share '[[]truncated[]]' "$T/deep.folded")
note "deep recursion: $t of $n stacks end in [truncated]"
check "stacks deeper than the copy are marked [truncated]" [ $((t * 100)) -ge $((n * 90)) ]
check "the marker is the outermost frame" [ "$(grep -c '\[truncated\];' "$T/deep.folded" | tr -d ' ')" -ge 1 ] 
check "every frame in a truncated stack is real (deep, not invented)" \
	gawk '/truncated.;deep/ { n = split($1, f, ";"); i = 3; while (i <= n && f[i] ~ /^deep/) i++; for (; i <= n; i++) if (f[i] ~ /^deep/) bad++ } END { exit bad > 0 }' "$T/deep.folded"

# The compiled rules against libunwind stepping every frame: the same stacks, sample by sample,
# except where libunwind stops early (it gives up on PLT stubs, and in some leaf functions of
# threads calls the stack truncated): then its stack, without the [truncated] marker (address
# 0), must be a prefix of the rules' one.
# agree A B: "same longer other" over the samples of two `stoke script` outputs.
agree() {
	gawk 'FNR == 1 { f++ } /^[^ \t]/ { k[f]++ } /^[ \t]/ { s[f, k[f]] = s[f, k[f]] $1 " " }
	END { for (i = 1; i <= k[1] || i <= k[2]; i++) { a = s[1, i]; b = s[2, i]
		sub(/(^| )0 $/, "", b)
		if (a == s[2, i]) same++; else if (index(a, b) == 1) longer++; else other++ }
		print same + 0, longer + 0, other + 0 }' "$1" "$2"
}
for f in dw deep; do
	"$STOKE" script "$T/$f.data" >"$T/$f.rules" 2>"$T/err"
	"$STOKE" script --unwinder=libunwind "$T/$f.data" >"$T/$f.libunwind" 2>"$T/err"
	read -r same longer other < <(agree "$T/$f.rules" "$T/$f.libunwind")
	note "$f: rules vs libunwind: $same samples the same, $longer further with rules, $other differ"
	check "$f: compiled rules and libunwind give the same stacks" \
		[ "$other" = 0 -a $((same * 100)) -ge $(((same + longer) * 95)) -a "$same" -ge 100 ]
done

# Threads that move between CPUs: each sample's copy is stored against its thread's previous
# one, whichever ring either came from; every stack must still be whole.
build_fixture "$T/spin" spin.c -O2 -fomit-frame-pointer -pthread || finish
"$STOKE" record -q --call-graph dwarf -o "$T/th.data" -- "$T/spin" 1 4 2>"$T/err"
check "threaded dwarf record" [ $? = 0 ]
"$STOKE" report --folded "$T/th.data" >"$T/th.folded" 2>"$T/err"
read -r w n < <(share 'start_thread[^;]*;worker;spin_top;spin_mid;spin_leaf' "$T/th.folded")
read -r sp n2 < <(share 'spin_leaf' "$T/th.folded")
note "threads: $w of $sp samples in spin_leaf reach start_thread through worker/spin_top/spin_mid"
check "threads: >= 99% of spin_leaf stacks are whole" [ $((w * 100)) -ge $((sp * 99)) -a "$sp" -ge 200 ]
"$STOKE" dump "$T/th.data" >"$T/th.dump"
read -r d t < <(gawk '$1 == "stack" && $3 == "bytes," { t++; if (/previous sample/) d++ } END { print d + 0, t + 0 }' "$T/th.dump")
note "threads: $d of $t samples stored as a delta against their thread's previous copy"
check "threads: most copies are stored as deltas" [ $((d * 2)) -ge "$t" ]

# Everything in the report path works on DWARF recordings.
"$STOKE" flamegraph "$T/dw.data" -o "$T/dw.svg" 2>"$T/err"
check "flamegraph of a DWARF recording" [ $? = 0 -a -s "$T/dw.svg" ]
"$STOKE" report --top 5 "$T/dw.data" >"$T/top" 2>&1
check "report --top of a DWARF recording names by_value" grep -q by_value "$T/top"

finish
