#!/usr/bin/env bash
# stoke export, checked by the real consumers.  pprof: Go's own pprof (go tool
# pprof -top, -traces, -raw) reads the file, and its total and every function's
# flat and cum equal `stoke report --top` on the same input, inline frames
# included; its per-line table equals the leaf lines of `stoke script --srcline`.
# speedscope: the speedscope npm package's app opens the file in headless
# Chromium with no import error and shows the expected profile name and number
# of threads.  For a frame-pointer, a DWARF and a multi-threaded recording, a
# file of two events, C++ names, a damaged file and folded stacks.  Without go, or chromium/node/npm, those checks
# skip — or fail when STOKE_REQUIRE_CONSUMERS=1 (CI sets it; `make deps`
# installs golang-go and chromium).
. "$(dirname "$0")/../lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
missing() {
	if [ "${STOKE_REQUIRE_CONSUMERS:-0}" = 1 ]; then
		fail "$1 ($2)"
	else
		skip "$1" "$2"
	fi
}
have_go=0 have_ss=0
if command -v go >/dev/null; then have_go=1; else missing "go tool pprof checks" "go is not installed (apt-get install golang-go)"; fi
S=$ROOT/tests/speedscope
if [ ! -x "$CHROMIUM" ]; then
	missing "speedscope checks" "no chromium at $CHROMIUM"
elif ! command -v node >/dev/null; then
	missing "speedscope checks" "node is not installed"
elif [ -d "$S/node_modules/speedscope" ] && [ -d "$S/node_modules/playwright-core" ]; then
	have_ss=1
elif ! command -v npm >/dev/null; then
	missing "speedscope checks" "npm is not installed"
elif (cd "$S" && npm ci --no-audit --no-fund --loglevel=error >"$T/npm.log" 2>&1); then
	have_ss=1
else
	missing "speedscope checks" "npm ci failed: $(tail -1 "$T/npm.log")"
fi
export GOFLAGS=-mod=mod GOTELEMETRY=off HOME=${HOME:-$T}
pprof() { go tool pprof "$@" 2>"$T/pprof.err"; }

# ---- the comparison with stoke's own report -------------------------------------

# stoke report --top 0 → "name<TAB>self<TAB>total" lines (module column dropped).
stoke_top() {
	awk '/^#/ || NF == 0 { next }
	     { line = $0
	       sub(/^ *[0-9.]+% +[0-9.]+% +[0-9]+ +[0-9]+  /, "", line)
	       sub(/  \[[^]]*\]$/, "", line); sub(/  \[[^]]*\]\]$/, "", line)
	       print line "\t" $3 "\t" $4 }'
}
# go tool pprof -top → "name<TAB>flat<TAB>cum" (pprof marks functions seen only inlined "(inline)").
pprof_top() {
	awk 'go && NF >= 6 { line = $0
	       sub(/^ *[0-9]+ +[0-9.]+% +[0-9.]+% +[0-9]+ +[0-9.]+%  /, "", line)
	       sub(/ \(inline\)$/, "", line)
	       print line "\t" $1 "\t" $4 }
	     $1 == "flat" && $2 == "flat%" { go = 1 }'
}
# compare_top LABEL PBGZ INPUT [filters...]: totals and every function's flat/cum.
compare_top() {
	local label=$1 pb=$2 input=$3; shift 3
	"$STOKE" report --top 0 "$@" "$input" >"$T/st.txt" 2>/dev/null
	pprof -sample_index=samples -top -nodecount=0 -nodefraction=0 -edgefraction=0 "$pb" >"$T/pp.txt" ||
		{ fail "$label: go tool pprof -top reads it ($(head -1 "$T/pprof.err"))"; return; }
	local st_total pp_total
	st_total=$(awk '/^# samples:/ { print $3 }' "$T/st.txt")
	pp_total=$(sed -n 's/^Showing nodes accounting for .* of \([0-9]*\) total.*/\1/p' "$T/pp.txt")
	check "$label: pprof total ($pp_total) = stoke report's ($st_total)" \
		[ -n "$st_total" -a "$st_total" = "$pp_total" ]
	stoke_top <"$T/st.txt" >"$T/st.tsv"
	pprof_top <"$T/pp.txt" >"$T/pp.tsv"
	# pprof merges same-named functions (say one inlined here and called there):
	# compare flat of the sum, and cum where stoke has the name once.
	awk -F'\t' 'FNR == NR { self[$1] += $2; tot[$1] = $3; n[$1]++; next }
		{ flat[$1] = $2; cum[$1] = $3; seen[$1] = 1 }
		END { bad = 0; funcs = 0
		      for (f in self) { funcs++
			if (!(f in seen)) { if (self[f] || tot[f]) { bad++; print "# missing in pprof: " f }; continue }
			if (flat[f] != self[f]) { bad++; print "# flat " f ": pprof " flat[f] ", stoke " self[f] }
			if (n[f] == 1 && cum[f] != tot[f]) { bad++; print "# cum " f ": pprof " cum[f] ", stoke " tot[f] } }
		      for (f in seen) if (!(f in self) && (flat[f] || cum[f])) { bad++; print "# extra in pprof: " f }
		      print "# " funcs " functions compared, " bad " differ"; exit bad != 0 }' \
		"$T/st.tsv" "$T/pp.tsv" >"$T/cmp.txt"
	local rc=$?
	head -6 "$T/cmp.txt"
	check "$label: every function's flat and cum in pprof = stoke report --top" [ $rc = 0 ]
}

# compare_lines LABEL PBGZ INPUT: pprof -lines flat per "function file:line" of the
# workload's functions = the leaf frames of stoke script --srcline.
compare_lines() {
	local label=$1 pb=$2 input=$3
	"$STOKE" script --srcline "$input" 2>/dev/null |
		awk '/^\t/ { if (want) { name = $2; want = 0; getline l; if (l ~ /^  [^ ]/) { sub(/^  /, "", l); n[name " " l]++ } } next }
		     /^[^ ]/ { want = 1 }
		     END { for (k in n) print k "\t" n[k] }' | grep -E '^(main_only|outer_loop|mix_step|rotate_bits) ' |
		sort >"$T/st-lines.tsv"
	pprof -sample_index=samples -lines -top -nodecount=0 -nodefraction=0 -edgefraction=0 "$pb" |
		pprof_top | awk -F'\t' '$2 > 0 { print $1 "\t" $2 }' |
		grep -E '^(main_only|outer_loop|mix_step|rotate_bits) ' | sort >"$T/pp-lines.tsv"
	note "$label: $(wc -l <"$T/st-lines.tsv") source lines of the workload with samples"
	check "$label: pprof -lines = stoke script --srcline, line for line" \
		[ -s "$T/st-lines.tsv" ] && diff "$T/st-lines.tsv" "$T/pp-lines.tsv" >"$T/lines.diff"
	[ -s "$T/lines.diff" ] && head -5 "$T/lines.diff" | sed 's/^/# /'
}

# Threads in the order of their first sample ("COMM PID/TID"), from stoke script.
threads_of() {
	"$STOKE" script "$1" 2>/dev/null |
		awk '/^[^\t ]/ && match($0, / [0-9]+\/[0-9]+ \[/) { k = substr($0, 1, RSTART + RLENGTH - 3); if (!(k in s)) { s[k] = 1; print k } }'
}

SS_CONFIG="["
# speedscope_case LABEL INPUT: export, and queue the file for the browser check.
speedscope_case() {
	local label=$1 input=$2 out=$T/$1.speedscope.json
	"$STOKE" export -o "$out" "$input" 2>"$T/err"
	check "$label: export -o NAME.speedscope.json" [ $? = 0 -a -s "$out" ]
	check "$label: speedscope file is JSON with its \$schema" \
		node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
			 process.exit(d.$schema === "https://www.speedscope.app/file-format-schema.json" && d.profiles.length > 0 ? 0 : 1)' "$out"
	local first count
	first=$(threads_of "$input" | head -1)
	count=$(threads_of "$input" | wc -l)
	[ "$SS_CONFIG" != "[" ] && SS_CONFIG="$SS_CONFIG,"
	SS_CONFIG="$SS_CONFIG{\"label\":\"$label\",\"file\":\"$out\",\"title\":\"$(basename "$input")\",\"profiles\":$count,\"first\":\"$first\"}"
}

# pprof_case LABEL INPUT: export, then the three pprof views.
pprof_case() {
	local label=$1 input=$2 pb=$T/$1.pb.gz
	"$STOKE" export --format pprof -o "$pb" "$input" 2>"$T/err"
	check "$label: export --format pprof" [ $? = 0 -a -s "$pb" ]
	check "$label: the file is gzip" gzip -t "$pb"
	[ $have_go = 1 ] || return 0
	compare_top "$label" "$pb" "$input"
	pprof -raw "$pb" >"$T/raw.txt"
	check "$label: go tool pprof -raw reads it" [ $? = 0 ]
	check "$label: sample types samples/count and cpu/nanoseconds" grep -qx 'samples/count cpu/nanoseconds\[dflt\]' "$T/raw.txt"
	check "$label: period type cpu nanoseconds, period about 1/999 s" \
		awk '/^PeriodType: cpu nanoseconds$/ { t = 1 } /^Period: / { p = $2 } END { exit !(t && p > 900000 && p < 1100000) }' "$T/raw.txt"
	check "$label: time and duration" awk -v y="$(date +%Y)" '/^Time: / && index($0, y) { t = 1 } /^Duration: / { d = $2 + 0 } END { exit !(t && d >= 0.5) }' "$T/raw.txt"
	local id
	id=$(readelf -n "$T/inl" 2>/dev/null | awk '/Build ID/ { print $3 }')
	check "$label: mapping 1 is the main binary with its build-id" \
		awk -v f="$T/inl" -v id="$id" '/^Mappings/ { m = 1; next } m && /^1: / { exit !($3 == f && $4 == id) } END { }' "$T/raw.txt"
	pprof -traces "$pb" >"$T/traces.txt"
	check "$label: go tool pprof -traces reads it" [ $? = 0 -a -s "$T/traces.txt" ]
}

# ---- command line ---------------------------------------------------------------------

folded=$ROOT/testdata/report.folded
"$STOKE" export "$folded" >/dev/null 2>"$T/err"
check "no format: exit 2 with one line" [ $? = 2 -a "$(wc -l <"$T/err")" = 1 ]
"$STOKE" export --format xml -o "$T/x" "$folded" 2>"$T/err"
check "unknown format: exit 2" [ $? = 2 ] && grep -q "not pprof or speedscope" "$T/err"
"$STOKE" export -o "$T/x.pb.gz" "$T/none.data" 2>"$T/err"
check "missing input: exit 1, one line, no output" [ $? = 1 -a "$(wc -l <"$T/err")" = 1 -a ! -e "$T/x.pb.gz" ]
"$STOKE" export -o "$T/nodir/x.pb.gz" "$folded" 2>"$T/err"
check "unwritable output: exit 1 with the file's name" [ $? = 1 ] && grep -q "nodir/x.pb.gz" "$T/err"
"$STOKE" help export | grep -q 'usage: stoke export'
check "stoke help export" [ $? = 0 ]

# ---- folded input: names only --------------------------------------------------------------
"$STOKE" export -o "$T/folded.pb.gz" "$folded" 2>"$T/err"
check "folded: export -o NAME.pb.gz" [ $? = 0 -a -s "$T/folded.pb.gz" ]
[ $have_go = 1 ] && compare_top "folded" "$T/folded.pb.gz" "$folded"
"$STOKE" export --format speedscope "$folded" >"$T/folded.speedscope.json" 2>"$T/err"
check "folded: speedscope to standard output" [ $? = 0 -a -s "$T/folded.speedscope.json" ]
SS_CONFIG="[{\"label\":\"folded\",\"file\":\"$T/folded.speedscope.json\",\"title\":\"report.folded\",\"profiles\":1,\"first\":\"report.folded\"}"

# ---- recordings ------------------------------------------------------------------------------
if need_perf "export of recordings"; then
	# Frame pointers: -O2 keeps the inline chain mix_step → rotate_bits in outer_loop.
	build_fixture "$T/inl" inlines.c -O2 -fno-omit-frame-pointer -pthread
	"$STOKE" record -q --call-graph fp -o "$T/fp.data" -- "$T/inl" 1 1 2>"$T/err"
	check "record (frame pointers)" [ $? = 0 ]
	pprof_case fp "$T/fp.data"
	if [ $have_go = 1 ]; then
		check "fp: pprof knows mix_step was inlined" grep -q ' mix_step (inline)$' "$T/pp.txt"
		check "fp: -traces shows mix_step inlined into outer_loop" \
			awk '/mix_step( \(inline\))?$/ { getline n; if (n ~ /outer_loop$/) ok = 1 } END { exit !ok }' "$T/traces.txt"
		compare_lines fp "$T/fp.pb.gz" "$T/fp.data"
	fi
	speedscope_case fp "$T/fp.data"

	# DWARF: the same program without frame pointers, unwound from stack copies.
	build_fixture "$T/inl" inlines.c -O2 -fomit-frame-pointer -pthread
	"$STOKE" record -q --call-graph dwarf -o "$T/dwarf.data" -- "$T/inl" 1 1 2>"$T/err"
	check "record (DWARF)" [ $? = 0 ]
	pprof_case dwarf "$T/dwarf.data"
	[ $have_go = 1 ] && compare_lines dwarf "$T/dwarf.pb.gz" "$T/dwarf.data"
	speedscope_case dwarf "$T/dwarf.data"

	# Several named threads: one speedscope profile and one pprof label set per thread.
	build_fixture "$T/inl" inlines.c -O2 -fno-omit-frame-pointer -pthread
	"$STOKE" record -q --call-graph fp -o "$T/mt.data" -- "$T/inl" 1 3 2>"$T/err"
	check "record (4 threads)" [ $? = 0 ]
	pprof_case mt "$T/mt.data"
	if [ $have_go = 1 ]; then
		check "mt: thread labels" grep -q 'thread:\[work-3\]' "$T/raw.txt"
		st_tids=$(threads_of "$T/mt.data" | awk '{ print $NF }' | sort -u | wc -l)
		pp_tids=$(grep -o 'tid:\[[0-9]*\]' "$T/raw.txt" | sort -u | wc -l)
		check "mt: one tid label per thread ($pp_tids, stoke script: $st_tids)" [ "$st_tids" -ge 4 -a "$st_tids" = "$pp_tids" ]
		# pprof's web UI (go tool pprof -http) serves the file: run the tool binary itself
		# (`go tool` would leave it running when killed) on a free port, ask for its top table.
		tool=$(go env GOTOOLDIR)/pprof
		port=$((20000 + RANDOM % 20000))
		"$tool" -no_browser -http="127.0.0.1:$port" "$T/mt.pb.gz" >"$T/http.log" 2>&1 &
		http_pid=$!
		node -e 'const url = process.argv[1]; let n = 0;
			(function again() { fetch(url).then((r) => r.text()).then((t) => process.exit(t.includes("mix_step") ? 0 : 1),
				() => (++n < 50 ? setTimeout(again, 200) : process.exit(2))); })();' \
			"http://127.0.0.1:$port/ui/top" 2>/dev/null
		check "mt: go tool pprof -http serves it (top table names mix_step)" [ $? = 0 ]
		kill "$http_pid" 2>/dev/null; wait "$http_pid" 2>/dev/null
		# the shared filters mean the same here
		tid=$(threads_of "$T/mt.data" | awk '/^work-2 / { split($NF, a, "/"); print a[2] }' | head -1)
		"$STOKE" export -o "$T/mt-tid.pb.gz" --tid "$tid" "$T/mt.data" 2>/dev/null
		compare_top "mt --tid $tid" "$T/mt-tid.pb.gz" "$T/mt.data" --tid "$tid"
	fi
	speedscope_case mt "$T/mt.data"

	# Several events: --event picks one; a non-clock event counts events.
	"$STOKE" record -q --call-graph fp -e cpu-clock,context-switches -o "$T/ev.data" -- "$T/inl" 0.5 2 2>"$T/err"
	check "record two events" [ $? = 0 ]
	"$STOKE" export -o "$T/cs.pb.gz" --event context-switches "$T/ev.data" 2>"$T/err"
	check "--event context-switches: exported" [ $? = 0 -a -s "$T/cs.pb.gz" ]
	if [ $have_go = 1 ]; then
		check "context-switches: sample types samples/count and context-switches/count" \
			sh -c "go tool pprof -raw '$T/cs.pb.gz' 2>/dev/null | grep -qx 'samples/count context-switches/count\[dflt\]'"
		compare_top "context-switches" "$T/cs.pb.gz" "$T/ev.data" --event context-switches
	fi
	"$STOKE" export -o "$T/no.pb.gz" --event nope "$T/ev.data" 2>"$T/err"
	check "--event NOPE: exit 1, one line naming the file's events" \
		[ $? = 1 -a "$(wc -l <"$T/err")" = 1 -a ! -e "$T/no.pb.gz" ] && grep -q "context-switches" "$T/err"

	# C++: demangled display names, mangled system names (as nm lists them).
	if command -v g++ >/dev/null; then
		g++ -O1 -g -fno-omit-frame-pointer -o "$T/cxx" "$ROOT/testdata/cxx_names.cc" || fail "build cxx_names.cc"
		"$STOKE" record -q --call-graph fp -o "$T/cxx.data" -- "$T/cxx" 0.5 2>"$T/err"
		check "record (C++)" [ $? = 0 ]
		"$STOKE" export -o "$T/cxx.pb.gz" "$T/cxx.data" 2>"$T/err"
		check "C++: export" [ $? = 0 -a -s "$T/cxx.pb.gz" ]
		if [ $have_go = 1 ]; then
			compare_top "C++" "$T/cxx.pb.gz" "$T/cxx.data"
			mangled=$(nm "$T/cxx" | awk '/AreaIdE2of/ { print $3; exit }')
			check "C++: function shapes::Area<double>::of(double) has system name $mangled" \
				sh -c "go tool pprof -raw '$T/cxx.pb.gz' 2>/dev/null | grep -F 'shapes::Area<double>::of(double) ' | grep -qF '($mangled)'"
		fi
	else
		missing "C++ names" "g++ is not installed (build-essential)"
	fi

	# A damaged file: the samples before the damage, a warning, exit 1.  (Frames
	# close every second: a 2.5 s recording has several.)
	"$STOKE" record -q --call-graph fp -o "$T/long.data" -- "$T/inl" 2.5 1 2>"$T/err"
	size=$(stat -c %s "$T/long.data")
	head -c $((size * 4 / 5)) "$T/long.data" >"$T/cut.data"
	"$STOKE" export -o "$T/cut.pb.gz" "$T/cut.data" 2>"$T/err"
	rc=$?
	check "cut file: exit 1 with a warning, file written" [ $rc = 1 -a -s "$T/cut.pb.gz" ] && grep -q "exporting the" "$T/err"
	[ $have_go = 1 ] && compare_top "cut" "$T/cut.pb.gz" "$T/cut.data"
fi

if [ $have_ss = 1 ]; then
	echo "$SS_CONFIG]" >"$T/ss.json"
	timeout 300 node "$S/open.test.js" "$T/ss.json" || t_failed=$((t_failed + 1))
fi
finish
