#!/usr/bin/env bash
# stoke flamegraph on folded fixtures: valid XML, escaped names, options,
# errors, and the data round-trips (the SVG's frames re-folded equal the input).
. "$(dirname "$0")/../lib.sh"

export LC_ALL=C
small=$ROOT/testdata/flame-small.folded
before=$ROOT/testdata/flame-before.folded

if command -v xmllint >/dev/null; then
	xml_ok() { xmllint --noout "$1"; }
else
	skip "xmllint checks" "xmllint not installed (libxml2-utils)"
	xml_ok() { true; }
fi

check "renders folded input" "$STOKE" flamegraph "$small" -o "$T/a.svg"
check "valid XML" xml_ok "$T/a.svg"
check "hostile names escaped" grep -q 'u003cscript\\u003ealert(1)\\u003c/script\\u003e' "$T/a.svg"
check "no raw markup from names" bash -c "! grep -q '<img\|<script>alert' '$T/a.svg'"
check "default subtitle counts samples" grep -q '>100 samples</text>' "$T/a.svg"

check "options" "$STOKE" flamegraph "$small" -o "$T/b.svg" --title 'A <b> & "c"' \
	--subtitle 'S' --width 800 --minwidth 1 --inverted --colors kind --kernel-suffix
check "options: valid XML" xml_ok "$T/b.svg"
check "options: title escaped" grep -q '>A &lt;b&gt; &amp; &quot;c&quot;</text>' "$T/b.svg"
check "options: width" grep -q 'width="800"' "$T/b.svg"
check "options: inverted and kind colours" grep -q '"inverted":1,"colors":"kind"' "$T/b.svg"
check "options: kernel suffix shown" grep -q '"read_k_\[k\]"' "$T/b.svg"

check "filters: --focus" "$STOKE" flamegraph "$small" --focus '^io$' -o "$T/f.svg"
check "filters: only matching stacks" grep -q '>20 samples</text>' "$T/f.svg"

check "differential" "$STOKE" flamegraph "$small" --diff "$before" -o "$T/d.svg"
check "differential: valid XML" xml_ok "$T/d.svg"
check "differential: vanished frames listed" grep -q 'prog;main;legacy</text>' "$T/d.svg"
check "differential: negate" "$STOKE" flamegraph "$small" --diff "$before" --negate -o "$T/n.svg"
check "differential: negate lists new frames" grep -q 'Only in after' "$T/n.svg"

"$STOKE" flamegraph "$small" -o "$T/x.svg" -- true 2>"$T/err"
check "FILE and -- COMMAND together rejected" grep -q "either FILE or -- COMMAND" "$T/err"
"$STOKE" flamegraph "$small" --colors rainbow -o "$T/x.svg" 2>"$T/err"
check "bad --colors rejected" grep -q "expected hot or kind" "$T/err"
"$STOKE" flamegraph "$T/missing" -o "$T/x.svg" 2>"$T/err"
check "missing input reported" test -s "$T/err"
(cd "$T" && "$STOKE" flamegraph -o x.svg 2>err)
check "FILE defaults to stoke.data" grep -q "stoke.data" "$T/err"

# Round trip: the frames in the SVG, re-folded (svg_refold), are the input stacks.
if command -v node >/dev/null; then
	sed 's/_\[k\] / /' "$small" | sort >"$T/expect"
	svg_refold "$T/a.svg" >"$T/actual"
	check "frames round-trip to the folded input" cmp -s "$T/expect" "$T/actual"
	# ... and a large generated profile does too.
	awk -v STACKS=3000 -f "$ROOT/tests/gen-folded.awk" | sort >"$T/gen"
	"$STOKE" flamegraph "$T/gen" -o "$T/gen.svg"
	svg_refold "$T/gen.svg" >"$T/gen.actual"
	check "generated profile round-trips" cmp -s "$T/gen" "$T/gen.actual"
else
	skip "round trip" "node not installed"
fi
finish
