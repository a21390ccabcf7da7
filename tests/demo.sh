#!/usr/bin/env bash
# make demo: build the bundled workload, record it, show what was recorded, draw a flame graph.
set -eu
STOKE=${1:?usage: demo.sh STOKE}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${DEMO_OUT:-$ROOT/out}
mkdir -p "$OUT"
cc -g -O2 -fno-omit-frame-pointer -o "$OUT/demo" "$ROOT/testdata/demo.c"
echo "== stoke record -o out/demo.data -- out/demo 2"
"$STOKE" record -o "$OUT/demo.data" -- "$OUT/demo" 2
echo
echo "== stoke report --top 10 out/demo.data"
"$STOKE" report --top 10 "$OUT/demo.data"
if "$STOKE" help flamegraph >/dev/null 2>&1; then
	echo
	echo "== stoke flamegraph out/demo.data -o out/demo.svg"
	"$STOKE" flamegraph "$OUT/demo.data" -o "$OUT/demo.svg"
	echo "flame graph: $OUT/demo.svg (open it in a browser)"
fi
