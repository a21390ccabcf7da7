# tests/lib.sh — sourced by end-to-end tests.  Each check prints
# "ok - NAME", "not ok - NAME" or "skip - NAME # why"; tests/run.sh counts them.
# $STOKE is the binary under test; $T is a fresh scratch directory.
set -u
: "${STOKE:?STOKE must point at the stoke binary}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/stoke-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export XDG_CACHE_HOME="$T/.cache" # reports keep their debug cache here, not in the home directory
t_failed=0

ok()   { echo "ok - $*"; }
fail() { echo "not ok - $*"; t_failed=$((t_failed + 1)); }
skip() { echo "skip - $1 # $2"; }
# check NAME CMD...: ok when CMD succeeds
check() { local name=$1; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
note() { echo "# $*"; }
# is_asan BINARY: true when BINARY was built with AddressSanitizer (make SANITIZE=1)
is_asan() { nm -D "$1" 2>/dev/null | grep -q ' __asan_init'; }

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

# svg_refold SVG: the frame data of a stoke flame graph as sorted folded stacks (needs node).
svg_refold() {
	node -e '
		const s = require("fs").readFileSync(process.argv[1], "utf8");
		const arr = (c) => [].concat(...[...s.matchAll(new RegExp(`<metadata class="${c}">(.*?)</metadata>`, "gs"))].map((m) => JSON.parse(m[1])));
		const names = arr("stoke-names"), n = arr("stoke-nodes"), path = [], out = [];
		for (let i = 0; i < n.length; i += 3) {
			const d = n[i + 2];
			path.length = d; path[d] = names[n[i]];
			let kids = 0;
			for (let j = i + 3; j < n.length && n[j + 2] > d; j += 3) if (n[j + 2] === d + 1) kids += n[j + 1];
			if (d > 0 && n[i + 1] - kids > 0) out.push(path.slice(1).join(";") + " " + (n[i + 1] - kids));
		}
		console.log(out.sort().join("\n"));' "$1"
}
finish() { [ "$t_failed" = 0 ]; exit $?; }
