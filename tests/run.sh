#!/usr/bin/env bash
# Runs every unit test binary in $BUILD/tests and every tests/e2e/*.sh script,
# counts their ok/not ok/skip lines and ends with "N passed, N failed, N skipped".
# A test program that crashes or exits non-zero without a "not ok" counts as one failure.
set -u
cd "$(dirname "$0")/.."
: "${STOKE:?}" "${BUILD:?}"
export STOKE
pass=0 failc=0 skipc=0
log=$(mktemp)
only=${TESTS:-}
run_one() {
	local name=$1; shift
	if [ -n "$only" ] && [[ "$name" != *$only* ]]; then return; fi
	echo "== $name"
	"$@" >"$log" 2>&1
	local rc=$?
	local p f s
	p=$(grep -c '^ok - ' "$log"); f=$(grep -c '^not ok - ' "$log"); s=$(grep -c '^skip - ' "$log")
	grep -E '^(not ok|skip) - |^#' "$log" | sed 's/^/   /'
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "   not ok - $name exited with status $rc"; tail -5 "$log" | sed 's/^/   | /'
		f=1
	fi
	echo "   $p ok, $f failed, $s skipped"
	pass=$((pass + p)); failc=$((failc + f)); skipc=$((skipc + s))
}
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "$(basename "$t")" "$t"
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	run_one "$(basename "$t" .sh)" bash "$t"
done
rm -f "$log"
echo
echo "$pass passed, $failc failed, $skipc skipped"
[ "$failc" = 0 ]
