#!/usr/bin/env bash
# DWARF only where it is needed, and the debug cache (inflated separate debug files and the
# symbolizer's resolved addresses, by build-id in $XDG_CACHE_HOME/stoke): --no-inline reads no
# DWARF; the second report is served from the cache with the same output, looking nothing up; a
# new build-id is not; a changed debug file makes its symbol table stale; a damaged entry or
# table is dropped with one warning.
. "$(dirname "$0")/../lib.sh"

need_perf "debug cache" || finish
command -v objcopy >/dev/null || { skip "debug cache" "objcopy (binutils) not installed"; finish; }

# A binary whose DWARF (inline chains) is only in a separate, zlib-compressed debug file found
# through .gnu_debuglink, as distributions ship them.
split_debug() { # split_debug DIR [cc flags...]
	local dir=$1; shift
	mkdir -p "$dir"
	build_fixture "$dir/inl.full" inlines.c -O2 -pthread "$@" || return 1
	objcopy --only-keep-debug --compress-debug-sections=zlib "$dir/inl.full" "$dir/inl.debug" &&
	objcopy --strip-debug --add-gnu-debuglink="$dir/inl.debug" "$dir/inl.full" "$dir/inl" &&
	rm "$dir/inl.full"
}
split_debug "$T/bin" || finish
check "fixture: the separate debug file has compressed sections" \
	bash -c "readelf -SW '$T/bin/inl.debug' | grep -q '\.debug_info.* C '"

"$STOKE" record -q -o "$T/a.data" -- "$T/bin/inl" 0.5 2 2>"$T/err"
check "record (default call graph)" [ $? = 0 ]

C=$XDG_CACHE_HOME/stoke/debug-v1
stat_of() { grep '^stoke: stats:' "$1"; } # the stats line of a stderr file
# field WHAT FILE: the number before WHAT in the stats line
field() { stat_of "$2" | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+'; }

# Without inline frames nothing here shows what only DWARF has: no DWARF is read, nothing cached.
"$STOKE" report --folded --no-inline --stats "$T/a.data" >"$T/noinl.folded" 2>"$T/noinl.err"
check "--no-inline folded: exit 0" [ $? = 0 ]
check "--no-inline folded: a stats line" [ -n "$(stat_of "$T/noinl.err")" ]
check "--no-inline folded: no module's DWARF read" [ "$(field 'with DWARF read' "$T/noinl.err")" = 0 ]
check "--no-inline folded: symbols still found" grep -q ';outer_loop' "$T/noinl.folded"
"$STOKE" flamegraph --no-inline --stats -o "$T/noinl.svg" "$T/a.data" 2>"$T/noinl-fg.err"
check "--no-inline flamegraph: no module's DWARF read" \
	[ "$(field 'with DWARF read' "$T/noinl-fg.err")" = 0 ]
check "--no-inline: no debug file inflated into the cache" \
	bash -c "! ls '$C'/*.debug >/dev/null 2>&1"
check "--no-inline: its own symbol tables kept" \
	[ "$(field 'tables saved' "$T/noinl.err")" -ge 1 ]
rm -rf "$C" # the rest starts from an empty cache

# Reference output, no cache.
"$STOKE" report --folded --no-cache --stats "$T/a.data" >"$T/ref.folded" 2>"$T/ref.err"
check "--no-cache: the inline frames come from the debug file" grep -q ';mix_step' "$T/ref.folded"
check "--no-cache: DWARF read" [ "$(field 'with DWARF read' "$T/ref.err")" -ge 1 ]
check "--no-cache: the stats line says the cache is off" grep -q 'debug cache off' "$T/ref.err"
check "--no-cache: nothing written" [ ! -e "$C" ]

"$STOKE" report --folded --stats "$T/a.data" >"$T/first.folded" 2>"$T/first.err"
check "first report: same output as without the cache" cmp -s "$T/ref.folded" "$T/first.folded"
# (The C library's debug file, where installed, is cached too: counts are of all entries.)
W1=$(field written "$T/first.err")
check "first report: entries written, none served" [ "$W1" -ge 1 -a "$(field hits "$T/first.err")" = 0 ]
ID=$(readelf -n "$T/bin/inl" | gawk '/Build ID/ { print $3 }')
E=$C/$ID.debug
check "first report: the fixture's entry is named by its build-id" [ -f "$E" ]
check "the entry has nothing compressed" \
	bash -c "! readelf -SW '$E' | grep -qE '\.debug_[a-z_]+ .* [A-Z]*C[A-Z]* '"

S1=$(field 'tables saved' "$T/first.err")
check "first report: a symbol table saved per module with a build-id" \
	bash -c "[ '$S1' -ge 1 ] && ls '$C/$ID'.*.sym >/dev/null"

# The second report looks nothing up: every address is answered by the symbol tables, so no
# debug file (cached or not) is even opened.
"$STOKE" report --folded --stats "$T/a.data" >"$T/second.folded" 2>"$T/second.err"
check "second report: every symbol table read, nothing written" \
	[ "$(field 'tables read' "$T/second.err")" = "$S1" -a "$(field written "$T/second.err")" = 0 \
	  -a "$(field 'tables saved' "$T/second.err")" = 0 ]
check "second report: addresses served from the tables, none looked up in DWARF" \
	[ "$(field 'addresses served' "$T/second.err")" -ge 1 -a \
	  "$(field 'with DWARF read' "$T/second.err")" = 0 ]
check "second report: same output" cmp -s "$T/ref.folded" "$T/second.folded"
# A flame graph asks for source lines too: tables of its own, served from its second run on.
"$STOKE" flamegraph --stats -o "$T/fg1.svg" "$T/a.data" 2>"$T/fg1.err"
"$STOKE" flamegraph --stats -o "$T/cached.svg" "$T/a.data" 2>"$T/fg.err"
check "flamegraph: served from the cache" \
	[ "$(field 'tables read' "$T/fg.err")" -ge 1 -a "$(field 'tables saved' "$T/fg.err")" = 0 -a \
	  "$(field 'with DWARF read' "$T/fg.err")" = 0 ]
check "flamegraph: the same picture" cmp -s "$T/fg1.svg" "$T/cached.svg"

# Without the tables the debug entries serve (inflated debug files, by build-id).
rm -f "$C"/*.sym
"$STOKE" report --folded --stats "$T/a.data" >"$T/dbg.folded" 2>"$T/dbg.err"
check "debug entries: every one served, none written" \
	[ "$(field hits "$T/dbg.err")" = "$W1" -a "$(field written "$T/dbg.err")" = 0 ]
check "debug entries: same output" cmp -s "$T/ref.folded" "$T/dbg.folded"

# A damaged symbol table: one warning, looked up again and saved, same output.
TB=$(ls "$C/$ID".*.sym)
for how in truncate garbage; do
	if [ $how = truncate ]; then
		truncate -s 100 "$TB"
	else
		head -c 5000 /dev/urandom >"$TB"
	fi
	"$STOKE" report --folded --stats "$T/a.data" >"$T/badt.folded" 2>"$T/badt.err"
	check "$how table: exit 0" [ $? = 0 ]
	check "$how table: one warning" \
		[ "$(grep -c 'symbol cache entry .* is damaged' "$T/badt.err")" = 1 ]
	check "$how table: saved again" \
		[ "$(field 'bad tables' "$T/badt.err")" = 1 -a "$(field 'tables saved' "$T/badt.err")" = 1 ]
	check "$how table: same output" cmp -s "$T/ref.folded" "$T/badt.folded"
done

# A debug file that changed (here: touched) makes its table stale: not served, made again.
touch "$T/bin/inl.debug"
"$STOKE" report --folded --stats "$T/a.data" >"$T/stale.folded" 2>"$T/stale.err"
check "changed debug file: its table made again" [ "$(field 'tables saved' "$T/stale.err")" = 1 ]
check "changed debug file: same output" cmp -s "$T/ref.folded" "$T/stale.folded"
"$STOKE" report --folded --stats "$T/a.data" >/dev/null 2>"$T/stale2.err"
check "changed debug file: the new table served" \
	[ "$(field 'tables saved' "$T/stale2.err")" = 0 -a "$(field 'tables read' "$T/stale2.err")" = "$S1" ]

# A damaged entry (cut short, or overwritten): one warning, rebuilt, same output, never a crash.
# One byte changed in the middle (size and trailer intact: only the CRC sees it).
flip_middle() {
	local size off b
	size=$(stat -c %s "$1"); off=$((size / 2))
	b=$(od -An -tu1 -j "$off" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %o $((255 - b)))" | dd of="$1" bs=1 seek="$off" conv=notrunc 2>/dev/null
}
for how in truncate garbage flipped; do
	case $how in
	truncate) truncate -s 10000 "$E" ;;
	garbage) head -c 100000 /dev/urandom >"$E" ;;
	flipped) flip_middle "$E" ;;
	esac
	rm -f "$C"/*.sym # (else no debug file is opened)
	"$STOKE" report --folded --stats "$T/a.data" >"$T/bad.folded" 2>"$T/bad.err"
	check "$how entry: exit 0" [ $? = 0 ]
	check "$how entry: one warning" [ "$(grep -c 'debug cache entry .* is damaged' "$T/bad.err")" = 1 ]
	check "$how entry: rebuilt" [ "$(field damaged "$T/bad.err")" = 1 -a "$(field written "$T/bad.err")" = 1 ]
	check "$how entry: same output" cmp -s "$T/ref.folded" "$T/bad.folded"
	rm -f "$C"/*.sym
	"$STOKE" report --folded --stats "$T/a.data" >/dev/null 2>"$T/after.err"
	check "$how entry: served again afterwards" \
		[ "$(field hits "$T/after.err")" = "$W1" -a "$(field written "$T/after.err")" = 0 ]
done

# An entry of the first format (trailer: magic and size, no CRC) is still served.
size=$(stat -c %s "$E")
head -c $((size - 24)) "$E" >"$T/v1"
perl -e 'print "stokedc1", pack("Q<", $ARGV[0])' $((size - 24)) >>"$T/v1"
mv "$T/v1" "$E"
rm -f "$C"/*.sym
"$STOKE" report --folded --stats "$T/a.data" >"$T/v1.folded" 2>"$T/v1.err"
check "first-format entry: served, nothing written" \
	[ "$(field hits "$T/v1.err")" = "$W1" -a "$(field written "$T/v1.err")" = 0 -a \
	  "$(field damaged "$T/v1.err")" = 0 ]
check "first-format entry: same output" cmp -s "$T/ref.folded" "$T/v1.folded"

# A changed binary at the same path has a new build-id: never served the old entry.
rm -rf "$T/bin"
split_debug "$T/bin" -Wl,--build-id=0x0123456789abcdef0123456789abcdef01234567 || finish
"$STOKE" record -q -o "$T/b.data" -- "$T/bin/inl" 0.5 2 2>"$T/err"
"$STOKE" report --folded --no-cache "$T/b.data" >"$T/ref-b.folded" 2>/dev/null
"$STOKE" report --folded --stats "$T/b.data" >"$T/new.folded" 2>"$T/new.err"
E2=$C/0123456789abcdef0123456789abcdef01234567.debug
"$STOKE" report --folded --stats "$T/b.data" >/dev/null 2>"$T/new2.err"
note "new build-id, first report: $(stat_of "$T/new.err" | tr '\n' ' ')"
check "new build-id: a new debug entry and a new symbol table written" \
	[ "$(field written "$T/new.err")" = 1 -a "$(field 'tables saved' "$T/new.err")" -ge 1 ]
check "new build-id: then everything served, nothing written" \
	[ "$(field written "$T/new2.err")" = 0 -a "$(field 'tables saved' "$T/new2.err")" = 0 ]
check "new build-id: its own entry and table" \
	bash -c "[ -f '$E2' ] && ls '$C'/0123456789abcdef0123456789abcdef01234567.*.sym >/dev/null"
check "new build-id: same output as without the cache" cmp -s "$T/ref-b.folded" "$T/new.folded"
check "the old binary's entry is still there" [ -f "$E" ]

# The bound: past it, the least recently used entries go (never the one just written).
touch -d '2 days ago' "$E"
rm "$E2" "$C"/*.sym
STOKE_DEBUG_CACHE_MAX=1 "$STOKE" report --folded --stats "$T/b.data" >"$T/evict.folded" 2>"$T/evict.err"
check "bound: the new entry written and kept" [ "$(field written "$T/evict.err")" = 1 -a -f "$E2" ]
check "bound: the older entry evicted" [ ! -e "$E" ]
check "bound: same output" cmp -s "$T/ref-b.folded" "$T/evict.folded"

# The module file changed under the same build-id (strip keeps it): its table is stale, both
# ways. A file at the path without a build-id is not the recorded one: nothing kept under it.
mkdir -p "$T/s"
build_fixture "$T/s/p.full" inlines.c -O2 -pthread || finish
strip -o "$T/s/p.stripped" "$T/s/p.full"
build_fixture "$T/s/p.other" inlines.c -O0 -pthread -Wl,--build-id=none || finish
cp "$T/s/p.full" "$T/s/p"
"$STOKE" record -q -o "$T/s.data" -- "$T/s/p" 0.3 2 2>/dev/null
"$STOKE" report --folded "$T/s.data" >/dev/null 2>&1 # a table from the whole file
cp "$T/s/p.stripped" "$T/s/p"
"$STOKE" report --folded --no-cache "$T/s.data" >"$T/strip-ref.folded" 2>/dev/null
"$STOKE" report --folded "$T/s.data" >"$T/strip.folded" 2>/dev/null
check "stripped since: not the whole file's answers" cmp -s "$T/strip-ref.folded" "$T/strip.folded"
cp "$T/s/p.full" "$T/s/p"
"$STOKE" report --folded --no-cache "$T/s.data" >"$T/full-ref.folded" 2>/dev/null
"$STOKE" report --folded "$T/s.data" >"$T/full.folded" 2>/dev/null
check "whole again: not the stripped file's answers" cmp -s "$T/full-ref.folded" "$T/full.folded"
check "the two differ (the check can fail)" \
	bash -c "! cmp -s '$T/strip-ref.folded' '$T/full-ref.folded'"
rm -f "$C"/*.sym # (else the whole file's table would answer)
cp "$T/s/p.other" "$T/s/p"
"$STOKE" report --folded "$T/s.data" >/dev/null 2>&1
cp "$T/s/p.full" "$T/s/p"
"$STOKE" report --folded "$T/s.data" >"$T/back.folded" 2>/dev/null
check "a file without a build-id in between: nothing kept under the recorded one" \
	cmp -s "$T/full-ref.folded" "$T/back.folded"

# A cache directory that cannot be made: one warning, the report as without the cache.
touch "$T/notadir"
XDG_CACHE_HOME=$T/notadir "$STOKE" report --folded "$T/b.data" >"$T/nodir.folded" 2>"$T/nodir.err"
check "unwritable cache: exit 0 and the same output" \
	bash -c "[ $? = 0 ] && cmp -s '$T/ref-b.folded' '$T/nodir.folded'"
check "unwritable cache: one warning" [ "$(grep -c 'cannot write the debug cache' "$T/nodir.err")" = 1 ]

finish
