# tests/perf-collapse.awk — fold `perf script -F comm,tid,ip,sym,dso` output into folded
# stacks (comm;root;...;leaf COUNT), the way FlameGraph's stackcollapse-perf.pl does by
# default: one stack per sample, the command name as the root frame, perf's names kept
# ([unknown] included), no annotations.
# usage: perf script -F comm,tid,event,ip,sym,dso --no-inline | gawk -f perf-collapse.awk
#   -v event=NAME  only samples of that event (perf's name, e.g. cpu-clock:ppp)
#   -v vdso=1      frames in [vdso] become "[vdso]" (stoke does not name vDSO functions)
function flush(   s, i) {
	if (!have || skip) {
		have = 0;
		n = 0;
		return;
	}
	s = comm;
	for (i = n; i >= 1; i--)
		s = s ";" f[i];
	count[s]++;
	have = 0;
	n = 0;
}
/^[^ \t]/ {
	flush();
	# header: "COMM  TID EVENT: " (the command name may hold spaces)
	line = $0;
	ev = line;
	sub(/:[ \t]*$/, "", ev);
	sub(/.*[ \t]/, "", ev);
	sub(/[ \t]+[0-9]+[ \t]+[^ \t]+:[ \t]*$/, "", line);
	skip = event != "" && ev != event;
	comm = line;
	gsub(/;/, ":", comm);
	have = 1;
	next;
}
/^[ \t]*$/ { flush(); next; }
{
	# frame: "\t ADDR NAME (DSO)"
	if (skip)
		next;
	line = $0;
	if (vdso && line ~ / \(\[vdso\]\)$/) {
		f[++n] = "[vdso]";
		next;
	}
	sub(/^[ \t]*[0-9a-f]+ /, "", line);
	sub(/ \([^()]*\)$/, "", line);
	sub(/\+0x[0-9a-f]+$/, "", line);
	gsub(/;/, ":", line);
	f[++n] = line;
}
END {
	flush();
	for (s in count)
		print s, count[s];
}
