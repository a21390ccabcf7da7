#!/usr/bin/env bash
# Regenerates the manual pages of the report commands from `stoke help CMD`, so the two
# never disagree.  stoke-record.1 is written by hand.  usage: docs/man/generate.sh [STOKE]
set -eu
STOKE=$(realpath "${1:-$(dirname "$0")/../../build/stoke}")
cd "$(dirname "$0")"
page() {
	local name=$1 desc=$2 up
	up=$(echo "$name" | tr a-z A-Z)
	{
		echo ".TH STOKE-$up 1 \"2026\" \"stoke 0.1.0\" \"stoke manual\""
		echo ".SH NAME"
		echo "stoke-$name \\- $desc"
		echo ".SH SYNOPSIS"
		echo ".nf"
		"$STOKE" help "$name" | sed -n '1,/^$/p' | sed 's/^usage: //; s/\\/\\\\/g; s/^-/\\-/' | sed '/^$/d'
		echo ".fi"
		echo ".SH DESCRIPTION"
		echo ".nf"
		"$STOKE" help "$name" | sed '1,/^$/d' | sed 's/\\/\\\\/g; s/^\./\\\&./; s/^-/\\-/'
		echo ".fi"
		echo ".SH SEE ALSO"
		echo ".BR stoke-record (1)"
	} >"stoke-$name.1"
}
page report "text call graph, bottom-up view, top table or folded stacks of a profile"
page flamegraph "interactive SVG flame graph of a profile"
page script "every sample as perf script text"
page diff "compare two profiles: change table, significance, differential flame graph"
page callgraph "call graph of functions as DOT, SVG or PNG"
page dump "print every record of a stoke file"
page export "write a profile as pprof (profile.proto) or speedscope JSON"
