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
function frame(line) {
	# "ADDR NAME (DSO)"
	if (vdso && line ~ / \(\[vdso\]\)$/)
		return "[vdso]";
	sub(/^[ \t]*[0-9a-f]+ /, "", line);
	sub(/ \([^()]*\)$/, "", line);
	sub(/\+0x[0-9a-f]+$/, "", line);
	gsub(/;/, ":", line);
	return line;
}
/^[ \t]*$/ { flush(); next; }
# a frame of a callchain: "\t ADDR NAME (DSO)"
/^\t/ {
	if (!skip)
		f[++n] = frame($0);
	next;
}
# a sample: "COMM TID EVENT: " (the command name is right-aligned and may hold spaces), followed
# by "ADDR NAME (DSO)" on the same line when the event has no callchain
{
	flush();
	if (!match($0, /^[ \t]*(.*[^ \t])[ \t]+[0-9]+[ \t]+([^ \t]+):[ \t]*(.*)$/, m))
		next;
	comm = m[1];
	gsub(/;/, ":", comm);
	# perf may print the event with its modifiers (task-clock:u when it fell back to user
	# space): compare the names without them
	ev = m[2];
	want = event;
	sub(/:.*/, "", ev);
	sub(/:.*/, "", want);
	skip = event != "" && ev != want;
	have = 1;
	if (m[3] != "" && !skip)
		f[++n] = frame(m[3]);
}
END {
	flush();
	for (s in count)
		print s, count[s];
}
