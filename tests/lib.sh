# tests/lib.sh — sourced by end-to-end tests.  Each check prints
# "ok - NAME", "not ok - NAME" or "skip - NAME # why"; tests/run.sh counts them.
# $STOKE is the binary under test; $T is a fresh scratch directory.
set -u
: "${STOKE:?STOKE must point at the stoke binary}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/stoke-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
t_failed=0

ok()   { echo "ok - $*"; }
fail() { echo "not ok - $*"; t_failed=$((t_failed + 1)); }
skip() { echo "skip - $1 # $2"; }
# check NAME CMD...: ok when CMD succeeds
check() { local name=$1; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
note() { echo "# $*"; }

# Build a fixture from testdata/: build_fixture OUT SRC [cc flags...]
build_fixture() {
	local out=$1 src=$2; shift 2
	cc -g -O1 "$@" -o "$out" "$ROOT/testdata/$src" || { fail "build $src"; return 1; }
}

# perf_ok: can this kernel/user open a software sampling event?  Tests that
# need perf_event_open call need_perf, which skips (or fails when
# STOKE_REQUIRE_PERF=1) when it cannot.
need_perf() {
	local name=$1
	if "$STOKE" record -q -o "$T/.probe.data" -e cpu-clock -- true >/dev/null 2>"$T/.probe.err"; then
		return 0
	fi
	if [ "${STOKE_REQUIRE_PERF:-0}" = 1 ]; then
		fail "$name (perf_event_open required: $(head -1 "$T/.probe.err"))"
	else
		skip "$name" "perf_event_open unavailable: $(head -1 "$T/.probe.err")"
	fi
	return 1
}

finish() { [ "$t_failed" = 0 ]; exit $?; }
