# tests/golden.sh — sourced by end-to-end tests after lib.sh.
# golden NAME CMD...: run CMD (stdout) and compare with testdata/golden/NAME.
# With STOKE_REGEN_GOLDEN=1 (see tests/regen-golden.sh) the output is written
# there instead.
golden() {
	local name=$1; shift
	local expect="$ROOT/testdata/golden/$name"
	if ! "$@" >"$T/golden.out" 2>"$T/golden.err"; then
		fail "golden $name: command failed: $(head -1 "$T/golden.err")"
		return 1
	fi
	if [ "${STOKE_REGEN_GOLDEN:-0}" = 1 ]; then
		cp "$T/golden.out" "$expect"
		ok "golden $name (regenerated)"
	elif diff -u "$expect" "$T/golden.out" >"$T/golden.diff"; then
		ok "golden $name"
	else
		fail "golden $name"
		sed 's/^/# /' "$T/golden.diff" | head -40
	fi
}
