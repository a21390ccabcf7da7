#!/usr/bin/env bash
# Files recorded by an earlier stoke (testdata/old-format) read and report as they did then.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../golden.sh"

D=/tmp/stoke-old-format # the path the recorded maps name
if ! mkdir -p "$D" || ! cp "$ROOT/testdata/old-format/nofp" "$D/nofp"; then
	skip "old files" "cannot lay out $D"
	finish
fi
for f in fp dwarf; do
	"$STOKE" report --folded "$ROOT/testdata/old-format/$f.data" >"$T/$f.folded" 2>"$T/err"
	check "$f: an old file reports" [ $? = 0 ]
	check "$f: folded stacks as before" diff -u "$ROOT/testdata/old-format/$f.folded" "$T/$f.folded"
	"$STOKE" script "$ROOT/testdata/old-format/$f.data" >"$T/$f.script" 2>"$T/err"
	check "$f: script as before" diff -q "$ROOT/testdata/old-format/$f.script" "$T/$f.script"
	check "$f: no warning" [ ! -s "$T/err" ]
done
# A recorded file through every view: golden files (tests/regen-golden.sh writes them anew;
# the recorded file itself is never regenerated, see testdata/old-format/README.md).
golden recorded-dwarf-report.txt "$STOKE" report "$ROOT/testdata/old-format/dwarf.data"
golden recorded-dwarf-folded.txt "$STOKE" report --folded --no-inline "$ROOT/testdata/old-format/dwarf.data"
golden recorded-dwarf.svg "$STOKE" flamegraph -o - "$ROOT/testdata/old-format/dwarf.data"
golden recorded-fp.svg "$STOKE" flamegraph -o - "$ROOT/testdata/old-format/fp.data"
finish
