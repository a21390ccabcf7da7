#!/usr/bin/env bash
# --call-graph dwarf where libunwind has no table: code whose call frame information is only in
# .debug_frame (in the binary, or in a separate debug file), or in an .eh_frame without header.
. "$(dirname "$0")/../lib.sh"

need_perf "dwarf .debug_frame" || finish
NOEH="-O2 -fomit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables"
# shellcheck disable=SC2086
build_fixture "$T/df" debugframe.c $NOEH || finish

# share PATTERN FILE: samples whose folded stack matches PATTERN, as "matching total"
share() { gawk -v re="$1" '{ n += $NF; if ($0 ~ re) m += $NF } END { print m + 0, n + 0 }' "$2"; }
CHAIN=';main;df_outer[^;]*;df_middle[^;]*;df_inner'

# fde_for SECTION BINARY SYMBOL: "yes" when an FDE of SECTION (.eh_frame, .debug_frame) covers
# SYMBOL's address, "no" when none does, nothing when BINARY has no such symbol.
fde_for() {
	local addr
	addr=$(nm "$2" 2>/dev/null | gawk -v s="$3" '$3 == s { print $1; exit }')
	[ -n "$addr" ] || return 0
	readelf --debug-dump=frames "$2" 2>/dev/null | gawk -v sec="$1" -v a="$addr" '
		/^Contents of the / { in_sec = ($4 == sec) }
		in_sec && / FDE / && match($0, /pc=([0-9a-f]+)\.\.([0-9a-f]+)/, r) {
			if (strtonum("0x" r[1]) <= strtonum("0x" a) && strtonum("0x" a) < strtonum("0x" r[2])) hit = 1
		}
		END { print hit ? "yes" : "no" }'
}
for fn in main df_outer df_middle; do
	check "fixture: $fn has CFI in .debug_frame" [ "$(fde_for .debug_frame "$T/df" $fn)" = yes ]
	check "fixture: $fn has no CFI in .eh_frame" [ "$(fde_for .eh_frame "$T/df" $fn)" = no ]
done

# dwarf_run NAME BINARY: record BINARY in DWARF mode, check that >= 95% of its samples reach
# main through the chain.
dwarf_run() {
	local name=$1 bin=$2 m n
	"$STOKE" record -q --call-graph dwarf -o "$T/$name.data" -- "$bin" 1 2>"$T/err"
	check "$name: dwarf record" [ $? = 0 ]
	"$STOKE" report --folded "$T/$name.data" >"$T/$name.folded" 2>"$T/err"
	check "$name: dwarf report" [ $? = 0 ]
	read -r m n < <(share "$CHAIN" "$T/$name.folded")
	note "$name: $m of $n samples reach main through df_outer;df_middle;df_inner"
	check "$name: >= 95% of samples reach main through the chain" \
		[ $((m * 100)) -ge $((n * 95)) -a "$n" -ge 200 ]
}

dwarf_run debug_frame "$T/df"

# Frame pointers only, same binary: the chain has none, so stacks do not reach main.
"$STOKE" record -q --call-graph fp -o "$T/fp.data" -- "$T/df" 1 2>"$T/err"
"$STOKE" report --folded "$T/fp.data" >"$T/fp.folded"
read -r fm fn < <(share ';main;' "$T/fp.folded")
note "frame pointers: $fm of $fn samples reach main"
check "frame-pointer mode loses main for most samples (the difference .debug_frame makes)" \
	[ $((fm * 2)) -lt "$fn" ]

# Stripped binary, .debug_frame only in the separate debug file found through .gnu_debuglink.
mkdir -p "$T/strip"
cp "$T/df" "$T/strip/df"
objcopy --only-keep-debug "$T/strip/df" "$T/strip/df.debug" &&
	strip --strip-all "$T/strip/df" &&
	(cd "$T/strip" && objcopy --add-gnu-debuglink=df.debug df)
check "stripped fixture: built" [ $? = 0 ]
check "stripped fixture: no .debug_frame of its own" \
	eval '! readelf -SW "$T/strip/df" | grep -q "\.debug_frame"'
dwarf_run separate_debug "$T/strip/df"

# An .eh_frame without .eh_frame_hdr (no PT_GNU_EH_FRAME): libunwind finds no table at all.
build_fixture "$T/nohdr" debugframe.c -O2 -fomit-frame-pointer -Wl,--no-eh-frame-hdr || finish
check "no-header fixture: no PT_GNU_EH_FRAME" eval '! readelf -lW "$T/nohdr" | grep -q GNU_EH_FRAME'
dwarf_run eh_frame_no_hdr "$T/nohdr"

finish
