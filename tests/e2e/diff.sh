# stoke diff on folded fixtures: a doubled function, two draws of one
# distribution, golden table and "stack before after" output.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../golden.sh"
cd "$ROOT" && D=testdata
GEN=$ROOT/tests/gen-folded.sh

golden diff-table.txt "$STOKE" diff "$D/diff-before.folded" "$D/diff-after.folded"
golden diff-folded.txt "$STOKE" diff --folded "$D/diff-before.folded" "$D/diff-after.folded"
golden diff-absolute.txt "$STOKE" diff --absolute "$D/diff-before.folded" "$D/diff-after.folded"

# Two independent draws (fixed seeds) of one distribution, large counts:
# nothing may be marked significant.
bash "$GEN" 1 200000 >"$T/same1.folded"
bash "$GEN" 2 200000 >"$T/same2.folded"
"$STOKE" diff --top 0 "$T/same1.folded" "$T/same2.folded" >"$T/same.txt"
check "same distribution: nothing significant" grep -q '^# significant: 0 of' "$T/same.txt"
check "same distribution: no up/down rows" eval '! grep -qE "  (up|down)  " "$T/same.txt"'

# The "hot" stacks' weight doubled: hot is the first row, significantly up;
# a function whose stacks did not change ("idle" is tiny, "sort" mid-sized)
# is not significant.
bash "$GEN" 3 200000 2 >"$T/hot.folded"
"$STOKE" diff --top 0 "$T/same1.folded" "$T/hot.folded" >"$T/hot.txt"
first=$(grep -v '^#' "$T/hot.txt" | head -1)
check "doubled function is the top row" eval '[[ "$first" =~ \ up\ +hot$ ]]'
check "unchanged small function not significant" grep -qE ' -     idle$' "$T/hot.txt"

# --absolute: the after profile has as many samples per unchanged stack as
# before (600 -> 650 weight, 200000 -> 216667 samples): hot is up, every
# function off hot's stacks is not significant.
bash "$GEN" 4 216667 2 >"$T/hot-abs.folded"
"$STOKE" diff --absolute --top 0 "$T/same1.folded" "$T/hot-abs.folded" >"$T/abs.txt"
check "absolute: hot significantly up" grep -qE ' up    hot$' "$T/abs.txt"
check "absolute: only hot and its callers significant" \
	eval '[ "$(grep -cE "  (up|down)  " "$T/abs.txt")" = 4 ]'

# Folded inputs do not say how they were recorded: shares, and every output says so.
check "folded inputs: the table says shares, and why" \
	grep -q '^# compared: shares: BEFORE is folded stacks' "$T/hot.txt"
"$STOKE" diff --folded "$T/same1.folded" "$T/hot.folded" >"$T/hot.pairs"
check "folded inputs: --folded says shares" grep -q '^# compared: shares: ' "$T/hot.pairs"
"$STOKE" diff -o "$T/hot.svg" "$T/same1.folded" "$T/hot.folded"
check "folded inputs: the SVG subtitle says shares" \
	grep -q '<text id="subtitle"[^>]*>compared: shares: ' "$T/hot.svg"
# In every mode two draws of one workload flag nothing.
for m in --shares --counts; do
	"$STOKE" diff $m --top 0 "$T/same1.folded" "$T/same2.folded" >"$T/same$m.txt"
	check "same distribution, $m: nothing significant" grep -q '^# significant: 0 of' "$T/same$m.txt"
done
"$STOKE" diff --rates "$T/same1.folded" "$T/same2.folded" 2>"$T/err"
check "--rates of folded input: exit 2" [ $? = 2 ]
check "... saying that folded stacks have no duration" grep -q 'rates needs .* folded' "$T/err"

# stoke diff --folded output matches by names: same stacks on both sides
"$STOKE" diff --folded "$T/same1.folded" "$T/same2.folded" | grep -v '^#' >"$T/pairs"
check "folded pairs: one line per stack" eval '[ "$(wc -l <"$T/pairs")" = "$(wc -l <"$T/same1.folded")" ]'
check "folded pairs: counts from both sides" \
	eval 'awk "{ b += \$(NF-1); a += \$NF } END { exit !(b == 200000 && a == 200000) }" "$T/pairs"'
# shares: BEFORE is scaled to AFTER's total (216667 / 200000), counts are written as they are
"$STOKE" diff --folded "$T/same1.folded" "$T/hot-abs.folded" | grep -v '^#' >"$T/pairs"
check "folded pairs, shares: BEFORE scaled to AFTER's total" \
	eval 'awk "{ b += \$(NF-1); a += \$NF } END { d = b - a; if (d < 0) d = -d; exit !(a == 216667 && d < 200) }" "$T/pairs"'
"$STOKE" diff --folded --counts "$T/same1.folded" "$T/hot-abs.folded" | grep -v '^#' >"$T/pairs"
check "folded pairs, counts: as they are" \
	eval 'awk "{ b += \$(NF-1); a += \$NF } END { exit !(b == 200000 && a == 216667) }" "$T/pairs"'

"$STOKE" diff -o "$T/d.svg" "$D/diff-before.folded" "$D/diff-after.folded" 2>"$T/err"
check "-o writes a differential flame graph" [ $? = 0 -a -s "$T/d.svg" ]
check "the differential SVG is well-formed XML" xmllint --noout "$T/d.svg"
check "the differential SVG says how many functions changed significantly" grep -q 'changed significantly' "$T/d.svg"
"$STOKE" diff "$D/diff-before.folded" 2>"$T/err"
check "one file is an error" grep -q "expected two files" "$T/err"
"$STOKE" diff --alpha 2 "$D/diff-before.folded" "$D/diff-after.folded" 2>"$T/err"
check "bad --alpha is an error" grep -q "alpha" "$T/err"
finish
