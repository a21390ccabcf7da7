#!/usr/bin/env bash
# Symbolization benchmark: turning the addresses of a recorded profile into function names, inline
# frames and source lines, `stoke script --srcline` against `perf script --inline -F +srcline` on
# the same workload (and names only: `stoke script --no-inline` against `perf script`).
# usage: bench/symbolize.sh [RUNS] [SECONDS]   (defaults 5 runs, 4 s of recording at 4999 Hz)
#
# The workload is stoke's own reporter (built here with frame pointers and -g: many functions,
# much inlining, libdw/libelf/libzstd/libc underneath) rendering a large folded profile in a loop,
# so the profile holds thousands of unique user addresses.  Each tool symbolizes its own
# recording of the same workload; the table shows the unique addresses each resolved per second.
set -eu
RUNS=${1:-5}
SECS=${2:-4}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STOKE=${STOKE:-$ROOT/build/stoke}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
command -v perf >/dev/null || { echo "need perf (Debian: linux-perf)"; exit 1; }

make -s -C "$ROOT" BUILD="$W/fp" EXTRA_CFLAGS="-fno-omit-frame-pointer" "$W/fp/stoke" >/dev/null
awk -v STACKS=20000 -f "$ROOT/tests/gen-folded.awk" >"$W/in.folded"
cat >"$W/work.sh" <<EOF
#!/bin/sh
end=\$((\$(date +%s) + $SECS))
while [ "\$(date +%s)" -lt "\$end" ]; do
	"$W/fp/stoke" flamegraph "$W/in.folded" -o "$W/out.svg"
	"$W/fp/stoke" report --top 20 "$W/in.folded" >/dev/null
done
EOF
chmod +x "$W/work.sh"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
wall() { /usr/bin/time -f '%e' -o "$W/t" sh -c "$1" >/dev/null 2>&1; cat "$W/t"; }

"$STOKE" record -q -F 4999 --call-graph fp -o "$W/s.data" -- "$W/work.sh"
perf record -q -F 4999 -g -o "$W/p.data" -- "$W/work.sh" 2>/dev/null
# Unique user addresses (sample IPs and callchain entries below the kernel's range).
us=$("$STOKE" script "$W/s.data" | awk 'NF >= 2 && $1 ~ /^[0-9a-f]+$/ && length($1) < 16 { u[$1] } END { print length(u) }')
up=$(perf script -i "$W/p.data" -F ip 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if (length($i) < 16) u[$i] } END { print length(u) }')

ts=$(for i in $(seq "$RUNS"); do wall "'$STOKE' script --srcline '$W/s.data'"; done | median)
tn=$(for i in $(seq "$RUNS"); do wall "'$STOKE' script --no-inline '$W/s.data'"; done | median)
tp=$(for i in $(seq "$RUNS"); do wall "perf script --inline -F +srcline -i '$W/p.data'"; done | median)
tq=$(for i in $(seq "$RUNS"); do wall "perf script -i '$W/p.data'"; done | median)

printf '# %s, %s CPUs, kernel %s, %s runs (median), workload: stoke'"'"'s reporter (-O2 -g, frame pointers), %s s at 4999 Hz\n' \
	"$(uname -m)" "$(nproc)" "$(uname -r)" "$RUNS" "$SECS"
printf '%-34s %10s %10s %8s\n' metric stoke perf ratio
row() { printf '%-34s %10s %10s %8s\n' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$3" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')"; }
row "unique user addresses" "$us" "$up"
row "s, names + inline + lines" "$ts" "$tp"
row "s, names only" "$tn" "$tq"
as=$(awk -v n="$us" -v t="$ts" 'BEGIN { printf "%.0f", n / t }')
ap=$(awk -v n="$up" -v t="$tp" 'BEGIN { printf "%.0f", n / t }')
row "addresses/s, names + inline + lines" "$as" "$ap"
