#!/usr/bin/env bash
# Headless-browser checks of the SVG flame graph: zoom, search, reset, URL
# state, hostile names, differential colours, a 100k-stack profile.
# Needs chromium and node (playwright-core is installed into tests/browser
# by npm on first use); skips without them unless STOKE_REQUIRE_BROWSER=1.
. "$(dirname "$0")/../lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
need() {
	if [ "${STOKE_REQUIRE_BROWSER:-0}" = 1 ]; then
		fail "browser tests ($1)"
	else
		skip "browser tests" "$1"
	fi
	finish
}
[ -x "$CHROMIUM" ] || need "no chromium at $CHROMIUM (apt-get install chromium)"
command -v node >/dev/null || need "node is not installed"
B=$ROOT/tests/browser
if [ ! -d "$B/node_modules/playwright-core" ]; then
	command -v npm >/dev/null || need "npm is not installed"
	(cd "$B" && npm install --no-audit --no-fund --loglevel=error >"$T/npm.log" 2>&1) ||
		need "npm install failed: $(tail -1 "$T/npm.log")"
fi

small=$ROOT/testdata/flame-small.folded
"$STOKE" flamegraph "$small" -o "$T/small.svg" || fail "render small"
# The differential graph greys changes within sampling noise: 20 times the samples of the
# small fixtures make the changes of hash and sort significant.
x20() { awk 'match($0, / [0-9]+$/) { print substr($0, 1, RSTART) substr($0, RSTART + 1) * 20 }' "$1"; }
x20 "$small" >"$T/after20.folded"
x20 "$ROOT/testdata/flame-before.folded" >"$T/before20.folded"
"$STOKE" flamegraph "$T/after20.folded" --diff "$T/before20.folded" -o "$T/diff.svg" || fail "render diff"
awk -v STACKS=100000 -f "$ROOT/tests/gen-folded.awk" >"$T/large.folded"
"$STOKE" flamegraph "$T/large.folded" -o "$T/large.svg" || fail "render large"
note "large: $(wc -l <"$T/large.folded") stacks, svg $(wc -c <"$T/large.svg") bytes"

# Expected "Matched:" values: the share of samples whose stack has a frame
# matching the regex (each sample once, however many frames match).
expect() {
	awk -v re="$1" -v icase="${2:-0}" '
		{ n = $NF; s = $0; sub(/ [0-9]+$/, "", s); total += n
		  k = split(s, f, ";"); hit = 0
		  for (j = 1; j <= k; j++) {
			name = f[j]; sub(/_\[[kij]\]$/, "", name)
			if (icase) { if (tolower(name) ~ tolower(re)) hit = 1 } else if (name ~ re) hit = 1
		  }
		  if (hit) m += n }
		END { printf "%.2f", total ? 100 * m / total : 0 }' "$small"
}
# A wall-clock profile (needs perf_event_open; left out without it).
wall=""
if "$STOKE" record -q --off-cpu -o "$T/oc.data" -- sleep 0.3 >/dev/null 2>&1 &&
	"$STOKE" flamegraph --event wall -o "$T/wall.svg" "$T/oc.data" 2>/dev/null; then
	wall=$T/wall.svg
else
	note "no off-CPU recording here: the wall-clock graph is not checked"
fi
cat >"$T/config.json" <<JSON
{
  "small": "$T/small.svg", "diff": "$T/diff.svg", "large": "$T/large.svg", "wall": "$wall",
  "large_search": "fn_3\$",
  "searches": [
    { "term": "^(compute|io)\$", "expect": $(expect '^(compute|io)$') },
    { "term": "HASH", "icase": true, "via": "key", "expect": $(expect 'HASH' 1) },
    { "term": "a", "via": "ctrl-f", "expect": $(expect 'a') }
  ]
}
JSON
timeout 120 node "$B/flamegraph.test.js" "$T/config.json" || t_failed=$((t_failed + 1))
finish
