# stoke report on folded fixtures: golden views, options, errors.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../golden.sh"
cd "$ROOT" && D=testdata

golden report-caller.txt "$STOKE" report "$D/report.folded"
golden report-callee.txt "$STOKE" report --callee "$D/report.folded"
golden report-top.txt "$STOKE" report --top 5 "$D/report.folded"
golden report-top-total.txt "$STOKE" report --top 0 --sort total "$D/report.folded"
golden report-folded.txt "$STOKE" report --folded --kernel-suffix "$D/report.folded"

# folded output reads back to the same report
"$STOKE" report --folded --kernel-suffix "$D/report.folded" >"$T/round.folded"
"$STOKE" report "$D/report.folded" >"$T/a.txt"
"$STOKE" report "$T/round.folded" >"$T/b.txt"
check "folded output round-trips" cmp -s "$T/a.txt" "$T/b.txt"

# recursion: fib appears 3 deep but counts each sample once
check "recursive total counted once" \
	grep -qE '^ +5\.00% +5\.00% +5 +5 +fib$' <("$STOKE" report --top 0 "$D/report.folded")

# filters from the shared options
"$STOKE" report --top 0 --focus '^compute$' "$D/report.folded" >"$T/focus.txt"
check "--focus keeps stacks through compute" grep -q '^# samples: 65$' "$T/focus.txt"
check "--focus drops others" eval '! grep -q read_input "$T/focus.txt"'

"$STOKE" report --percent-limit 20 "$D/report.folded" >"$T/limit.txt"
check "--percent-limit hides lines" eval '! grep -q read_input "$T/limit.txt"'

"$STOKE" report --sort bogus "$D/report.folded" 2>"$T/err" >/dev/null
check "bad --sort is an error" grep -q "expected self or total" "$T/err"
"$STOKE" report "$T/nonexistent" 2>"$T/err" >/dev/null
check "missing file is an error" grep -q "nonexistent" "$T/err"
check "help" eval '"$STOKE" help report | grep -q -- --callee'
finish
