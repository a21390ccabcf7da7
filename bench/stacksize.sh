#!/usr/bin/env bash
# The stack-copy size of DWARF call graphs: what each size costs and what it truncates.
# usage: bench/stacksize.sh [SECONDS]   (default 3)
#
# For each --call-graph dwarf,SIZE: bytes per sample and samples reaching main on
# testdata/nofp.c (shallow stacks over glibc's qsort); [truncated] stacks on `git log -p`
# (Debian's git, no frame pointers, deep stacks; run on this repository's history ten times)
# and on nofp's 90-deep recursion of 272-byte frames (a 24 KiB stack).
set -eu
SECS=${1:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STOKE=${STOKE:-$ROOT/build/stoke}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cc -O2 -g -fomit-frame-pointer -o "$W/nofp" "$ROOT/testdata/nofp.c"
nstoke() { "$STOKE" report --top 1 "$1" 2>/dev/null | awk '/^# samples:/ { print $3 }'; }
pct() { awk -v re="$1" -v c="$2" '$0 ~ c { n += $NF; if ($0 ~ re) m += $NF } END { printf "%.1f", n ? 100 * m / n : 0 }'; }
printf '# %s, %s CPUs, kernel %s; nofp for %s s at 999 Hz\n' "$(uname -m)" "$(nproc)" "$(uname -r)" "$SECS"
printf '%-8s %10s %8s %14s %14s\n' SIZE bytes/smp main% git_trunc% deep_trunc%
for size in 2048 4096 8192 16384 32768 65528; do
	"$STOKE" record -q --call-graph "dwarf,$size" -o "$W/n.data" -- "$W/nofp" "$SECS" 2>/dev/null
	n=$(nstoke "$W/n.data")
	b=$(awk -v b="$(stat -c %s "$W/n.data")" -v n="$n" 'BEGIN { printf "%.1f", b / n }')
	m=$("$STOKE" report --folded --no-inline "$W/n.data" | pct ';main[; ]' .)
	(cd "$ROOT" && "$STOKE" record -q --call-graph "dwarf,$size" -o "$W/g.data" -- \
		sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do git log -p >/dev/null; done') 2>/dev/null
	g=$("$STOKE" report --folded --no-inline "$W/g.data" | pct '[[]truncated[]]' '^git;')
	"$STOKE" record -q --call-graph "dwarf,$size" -o "$W/d.data" -- "$W/nofp" 1 recurse 90 2>/dev/null
	d=$("$STOKE" report --folded --no-inline "$W/d.data" | pct '[[]truncated[]]' .)
	printf '%-8s %10s %8s %14s %14s\n' "$size" "$b" "$m" "$g" "$d"
done
