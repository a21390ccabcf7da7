#!/usr/bin/env bash
# stoke diff --shares and stoke callgraph on real recordings of testdata/twocallers.c
# (tests/e2e/diff_modes.sh covers the default comparisons: counts and rates).
. "$(dirname "$0")/../lib.sh"

need_perf "diff of recordings" || finish
build_fixture "$T/tc" twocallers.c -O0 -fno-omit-frame-pointer || finish

# Three recordings: two of the plain workload, one with hot_b doubled.  twocallers runs
# for a fixed time, not a fixed amount of work, so these compare shares (--shares);
# the checks follow the call graph: frame pointers, whatever the default.
"$STOKE" record -q -F 1999 --call-graph fp -o "$T/a1.data" -- "$T/tc" 2 2>/dev/null
"$STOKE" record -q -F 1999 --call-graph fp -o "$T/a2.data" -- "$T/tc" 2 2>/dev/null
"$STOKE" record -q -F 1999 --call-graph fp -o "$T/b.data" -- "$T/tc" 2 double 2>/dev/null

# row NAME FILE: the table row of a function (columns end in: ... p(adj) sig function)
row() { gawk -v f="$1" '$NF == f' "$2"; }

"$STOKE" diff --shares --top 0 "$T/a1.data" "$T/b.data" >"$T/changed.txt" 2>"$T/err"
check "diff of two recordings" [ $? = 0 ]
# Shares are relative: as hot_b grows, shared_work (the rest of the program) shrinks by about
# as much, so the top change by size may be either; the top increase must be hot_b.
first=$(gawk '!/^#/ && NF && $6 + 0 > best { best = $6 + 0; name = $NF } END { print name }' "$T/changed.txt")
note "top increase: $first; hot_b: $(row hot_b "$T/changed.txt")"
[ "$first" = hot_b ] || gawk '!/^#/ && NF' "$T/changed.txt" | head -4 | sed 's/^/# /'
check "the doubled function is the top increase" [ "$first" = hot_b ]
check "... and a significant increase" [ "$(row hot_b "$T/changed.txt" | gawk '{ print $(NF-1) }')" = up ]
check "an unchanged caller's path share (caller_a) moves by a few points at most" \
	gawk '$NF == "caller_a" { d = $6; if (d < 0) d = -d; exit !(d < 15) }' "$T/changed.txt"

"$STOKE" diff --shares --top 0 "$T/a1.data" "$T/a2.data" >"$T/same.txt" 2>"$T/err"
check "diff of two recordings of the same workload" [ $? = 0 ]
sig=$(gawk '!/^#/ && NF && ($(NF-1) == "up" || $(NF-1) == "down")' "$T/same.txt" | wc -l)
big=$(gawk '!/^#/ && NF && ($(NF-1) == "up" || $(NF-1) == "down") { d = $3; if (d < 0) d = -d; if (d >= 5) n++ } END { print n + 0 }' "$T/same.txt")
note "same workload: $sig significant rows, $big of them moving 5 points or more"
# Samples are not independent draws (a periodic loop against a periodic timer, other load on
# the machine), so a small shift can be real run-to-run variation (docs/diff.md): with about
# 4 000 samples a share of 30 % has a standard deviation near 0.7 points, so two runs differ by
# 2 points one time in twenty per function.  What must never happen is the diff reporting a
# change of the size the doubled run shows (16 to 18 points): 5 points is 5 standard
# deviations of the difference.
check "same workload: no function marked as a change of 5 points or more" [ "$big" = 0 ]

"$STOKE" diff --shares -o "$T/d.svg" "$T/a1.data" "$T/b.data" 2>"$T/err"
check "differential flame graph of recordings" [ $? = 0 ] && check "well-formed" xmllint --noout "$T/d.svg"

# callgraph: shared_work is one node with two incoming arcs that add up to its total
"$STOKE" callgraph -o "$T/cg.dot" "$T/a1.data" 2>"$T/err"
check "callgraph of a recording" [ $? = 0 -a -s "$T/cg.dot" ]
id=$(gawk -F'"' '/label="shared_work/ { split($0, a, " "); print a[1]; exit }' "$T/cg.dot" | tr -d ' \t')
note "shared_work node: $id"
check "shared_work is one node" [ "$(grep -c 'label="shared_work' "$T/cg.dot")" = 1 ]
check "shared_work has two incoming arcs" [ "$(grep -cE -- "-> $id[ ;\[]" "$T/cg.dot")" = 2 ]

finish
