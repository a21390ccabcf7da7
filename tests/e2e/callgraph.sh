# stoke callgraph on folded fixtures: golden DOT, arcs adding up, recursion, rendering.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../golden.sh"
cd "$ROOT" && D=testdata

golden callgraph.dot "$STOKE" callgraph "$D/callgraph.folded"
golden callgraph-module.dot "$STOKE" callgraph --by module "$D/callgraph.folded"
golden callgraph-pruned.dot "$STOKE" callgraph --node-fraction 0.05 --edge-fraction 0.15 "$D/callgraph.folded"

"$STOKE" callgraph "$D/callgraph.folded" >"$T/g.dot"
id() { sed -n "s/^\t\(n[0-9]*\) \[label=\"$1\\\\n.*/\1/p" "$T/g.dot"; }
arc() { sed -n "s/^\t$1 -> $2 \[label=\"\([0-9.]*\)%\".*/\1/p" "$T/g.dot"; }
parse=$(id parse) load=$(id load) run=$(id run) walk=$(id walk)
check "parse is one node" eval '[ "$(grep -c "label=\"parse\\\\n" "$T/g.dot")" = 1 ]'
check "two arcs into parse add up to its total" \
	eval '[ "$(arc "$load" "$parse")" = 20.00 ] && [ "$(arc "$run" "$parse")" = 30.00 ] && grep -q "label=\"parse\\\\nself 50.00%\\\\ntotal 50.00%\"" "$T/g.dot"'
check "recursive walk counted once per sample" grep -q 'label="walk\\nself 20.00%\\ntotal 21.00%"' "$T/g.dot"
check "recursive arc walk->walk counted once" eval '[ "$(arc "$walk" "$walk")" = 20.00 ]'
check "quotes and backslashes escaped" grep -q 'label="\\"quoted\\\\name\\"\\n' "$T/g.dot"

"$STOKE" callgraph -o "$T/out.dot" "$D/callgraph.folded"
check "-o FILE.dot writes DOT" cmp -s "$T/out.dot" "$T/g.dot"

if command -v dot >/dev/null; then
	check "DOT parses with graphviz" dot -Tcanon "$T/g.dot" -o /dev/null
	"$STOKE" callgraph -o "$T/out.svg" "$D/callgraph.folded"
	check "SVG rendered" grep -q '<svg' "$T/out.svg"
	"$STOKE" callgraph --format png -o "$T/out.img" "$D/callgraph.folded"
	check "PNG rendered" eval '[ "$(head -c 4 "$T/out.img" | od -An -c | tr -d " ")" = "211PNG" ]'
else
	skip "SVG rendered" "graphviz's dot is not installed"
fi
PATH=/nonexistent "$STOKE" callgraph -o "$T/x.svg" "$D/callgraph.folded" 2>"$T/err"
check "no dot: one clear error naming graphviz" grep -q "Debian package 'graphviz'" "$T/err"
"$STOKE" callgraph --format gif "$D/callgraph.folded" 2>"$T/err"
check "bad --format is an error" grep -q "expected dot, svg or png" "$T/err"
finish
