# tests/perfdata-compare.sh — sourced by e2e tests: compare stoke's folded stacks of a
# perf.data file with `perf script` collapsed by tests/perf-collapse.awk, stack for stack.
#
# Both sides are normalised for the naming differences docs/perfdata.md lists:
#   - symbol versions (perf: clock_gettime@@GLIBC_2.17; stoke drops the version);
#   - leading underscores (aliases at one address: perf may pick mprotect, stoke __mprotect);
#   - frames without a symbol: perf's [unknown], stoke's [module+0x…];
#   - vDSO functions: perf names them from the vDSO image it saved; stoke shows [vdso+0x…].
#
# perf_compare PERFDATA OUTPREFIX [EVENT]: writes OUTPREFIX.perf, OUTPREFIX.stoke (normalised,
# sorted folded stacks) and sets cmp_total (samples perf shows), cmp_diff (samples whose stack
# has no identical stack in stoke's output) and cmp_stoke_total.
normalize_folded() {
	gawk '{
		n = $NF; $NF = ""; sub(/ $/, "");
		k = split($0, f, ";"); s = "";
		for (i = 1; i <= k; i++) {
			x = f[i];
			sub(/@@?[A-Za-z0-9_.]+$/, "", x);
			if (i > 1) sub(/^_+/, "", x);
			if (x ~ /^\[vdso[]+]/) x = "[vdso]";
			else if (x ~ /^\[.*\+0x[0-9a-f]+\]$/) x = "[unknown]";
			s = s (i > 1 ? ";" : "") x;
		}
		c[s] += n;
	} END { for (s in c) print s, c[s] }' | LC_ALL=C sort
}
perf_compare() {
	local data=$1 out=$2 event=${3:-}
	perf script -F comm,tid,event,ip,sym,dso --no-inline -i "$data" 2>/dev/null |
		gawk -v event="$event" -v vdso=1 -f "$ROOT/tests/perf-collapse.awk" | normalize_folded >"$out.perf"
	local evopt=()
	[ -n "$event" ] && evopt=(--event "$event")
	"$STOKE" report --folded --no-inline "${evopt[@]}" "$data" 2>"$out.err" | normalize_folded >"$out.stoke"
	read -r cmp_total cmp_diff cmp_stoke_total < <(gawk '
		FNR == NR { n = $NF; $NF = ""; s[$0] += n; st += n; next }
		{ n = $NF; $NF = ""; p[$0] += n; pt += n }
		END { for (k in p) if (p[k] > s[k]) d += p[k] - s[k]; print pt + 0, d + 0, st + 0 }' "$out.stoke" "$out.perf")
}
