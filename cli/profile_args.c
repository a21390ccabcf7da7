#include "cli/profile_args.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "common/format.h"
#include "common/strbuf.h"
#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char profile_args_help[] =
	"  --pid PID[,PID]     only these processes\n"
	"  --tid TID[,TID]     only these threads\n"
	"  --comm NAME[,NAME]  only these command names\n"
	"  --time START,END    only samples between START and END seconds from the start\n"
	"                      (units allowed: 500ms, 2m)\n"
	"  --per-thread        a root frame per thread (comm-pid/tid) instead of per command\n"
	"  --no-kernel         drop kernel frames\n"
	"  --kernel-suffix     annotate frames: kernel _[k], inlined _[i], JIT _[j]\n"
	"  --no-inline         do not expand inlined functions (nor look up file:line: no DWARF\n"
	"                      is read, the fastest report)\n"
	"  --no-demangle       show mangled C++/Rust names\n"
	"  --event NAME        the event to report when the file has several; off-cpu: off-CPU\n"
	"                      time, wall: on-CPU and off-CPU time (record --off-cpu)\n"
	"  --min-block DURATION  off-cpu, wall: hide intervals shorter than DURATION (5ms, 200us)\n"
	"  --perf-map-dir DIR  where to find perf-PID.map files (default /tmp)\n"
	"  --kallsyms FILE     kernel symbols for a file that has none (perf.data from another\n"
	"                      machine or kernel): a copy of that machine's /proc/kallsyms\n"
	"  --no-cache          do not use or fill the debug cache ($XDG_CACHE_HOME/stoke)\n"
	"  --stats             print the symbolizer's counters (files, DWARF, cache) to stderr\n"
	"  --unwinder NAME     DWARF stacks: rules (default: compiled CFI rules, libunwind for\n"
	"                      the rest; frames a thread's previous sample shares are taken\n"
	"                      from it), fresh (rules, every frame of every sample unwound;\n"
	"                      a cross-check) or libunwind (every step; slower, a cross-check)\n"
	"  --focus REGEX       only stacks through a function matching REGEX\n"
	"  --ignore REGEX      drop stacks through a function matching REGEX\n";

void profile_args_init(struct profile_args *pa)
{
	memset(pa, 0, sizeof(*pa));
	profile_opts_init(&pa->opts);
	/* Inflated debug files by build-id (symbolize/debugcache.h), per the XDG base directories. */
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct strbuf dir = STRBUF_INIT;
	if (xdg && xdg[0] == '/')
		strbuf_addf(&dir, "%s/stoke/debug-v1", xdg);
	else if (home && home[0] == '/')
		strbuf_addf(&dir, "%s/.cache/stoke/debug-v1", home);
	if (dir.len) {
		pa->cache_dir = strbuf_detach(&dir);
		pa->opts.cache_dir = pa->cache_dir;
	}
	strbuf_release(&dir);
	/* Its bound in bytes (default 1 GiB); a value that is not a positive number is ignored. */
	const char *max = getenv("STOKE_DEBUG_CACHE_MAX");
	char *end;
	unsigned long long n = max ? strtoull(max, &end, 10) : 0;
	if (max && *max >= '0' && *max <= '9' && !*end && n)
		pa->opts.cache_max_bytes = n;
}

void profile_args_release(struct profile_args *pa)
{
	if (pa->opts.focus)
		regfree(&pa->focus);
	if (pa->opts.ignore)
		regfree(&pa->ignore);
	free(pa->pids);
	free(pa->tids);
	free(pa->comms);
	free(pa->cache_dir);
}

static int parse_ids(const char *opt, const char *s, const char *what, int **ids, size_t *nr,
		     size_t *alloc)
{
	return cli_parse_ids(opt, s, 0, 1, INT32_MAX, what, ids, nr, alloc) ? -1 : 1;
}

/* --time START,END: seconds (or with a unit: 500ms, 2m) from the start; either may be empty. */
static int parse_time(struct profile_opts *o, const char *s)
{
	const char *comma = strchr(s, ',');
	o->time_start = 0;
	o->time_end = -1;
	if (!comma || strchr(comma + 1, ','))
		goto bad;
	if (comma > s) {
		char *start = xstrndup(s, (size_t)(comma - s));
		int rc = cli_parse_real("--time START", start, 0, 1e12, 0, cli_units_seconds,
					&o->time_start);
		free(start);
		if (rc)
			return -1;
	}
	if (comma[1]) {
		if (cli_parse_real("--time END", comma + 1, 0, 1e12, 0, cli_units_seconds, &o->time_end))
			return -1;
		if (o->time_end < o->time_start) {
			cli_error(2, "--time: '%s' ends before it starts", s);
			return -1;
		}
	}
	return 1;
bad:
	cli_error(2, "--time: expected START,END in seconds (either may be empty), not '%s'", s);
	return -1;
}

static int compile(regex_t *re, const char *opt, const char *pattern)
{
	int rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char msg[128];
		regerror(rc, re, msg, sizeof(msg));
		cli_error(2, "%s: bad regular expression '%s': %s", opt, pattern, msg);
		return -1;
	}
	return 1;
}

/* --min-block DURATION: "5ms", "200us", "1.5s", "250ns"; a bare number is milliseconds. */
static int parse_duration(struct profile_opts *o, const char *val)
{
	char *end;
	double v = strtod(val, &end), scale = 1e6;
	if (end == val || !(v >= 0))
		goto bad;
	if (!strcmp(end, "s"))
		scale = 1e9;
	else if (!strcmp(end, "ms") || !*end)
		scale = 1e6;
	else if (!strcmp(end, "us"))
		scale = 1e3;
	else if (!strcmp(end, "ns"))
		scale = 1;
	else
		goto bad;
	o->min_block_ns = (uint64_t)(v * scale);
	return 1;
bad:
	cli_error(2, "--min-block: '%s' is not a duration such as 5ms, 200us or 1s", val);
	return -1;
}

int profile_args_parse(struct profile_args *pa, int argc, char **argv, int *i)
{
	static const char *const with_value[] = {
		"--pid", "--tid", "--comm", "--time", "--event", "--perf-map-dir", "--focus", "--ignore",
		"--unwinder", "--min-block", "--kallsyms",
	};
	const char *arg = argv[*i], *val = NULL;
	struct profile_opts *o = &pa->opts;

	if (!strcmp(arg, "--per-thread"))
		return o->per_thread = 1;
	if (!strcmp(arg, "--no-kernel"))
		return o->no_kernel = 1;
	if (!strcmp(arg, "--kernel-suffix"))
		return pa->annotate = 1;
	if (!strcmp(arg, "--no-inline"))
		return o->no_inline = 1;
	if (!strcmp(arg, "--no-demangle"))
		return o->no_demangle = 1;
	if (!strcmp(arg, "--no-cache")) {
		o->cache_dir = NULL;
		return 1;
	}
	if (!strcmp(arg, "--stats"))
		return pa->stats = 1;

	const char *name = NULL;
	for (size_t k = 0; k < ARRAY_SIZE(with_value); k++) {
		size_t n = strlen(with_value[k]);
		if (!strncmp(arg, with_value[k], n) && (arg[n] == '=' || !arg[n])) {
			name = with_value[k];
			if (arg[n] == '=') {
				val = arg + n + 1;
			} else if (*i + 1 < argc) {
				val = argv[++*i];
			} else {
				cli_error(2, "%s needs a value", name);
				return -1;
			}
			break;
		}
	}
	if (!name)
		return 0;
	if (!strcmp(name, "--pid")) {
		int r = parse_ids(name, val, "a process id", &pa->pids, &o->nr_pids, &pa->alloc_pids);
		o->pids = pa->pids;
		return r;
	}
	if (!strcmp(name, "--tid")) {
		int r = parse_ids(name, val, "a thread id", &pa->tids, &o->nr_tids, &pa->alloc_tids);
		o->tids = pa->tids;
		return r;
	}
	if (!strcmp(name, "--comm")) {
		char *copy = (char *)val; /* argv strings are ours to split */
		for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
			ALLOC_GROW(pa->comms, o->nr_comms + 1, pa->alloc_comms);
			pa->comms[o->nr_comms++] = tok;
		}
		o->comms = pa->comms;
		return 1;
	}
	if (!strcmp(name, "--time"))
		return parse_time(o, val);
	if (!strcmp(name, "--event")) {
		o->event = val;
		return 1;
	}
	if (!strcmp(name, "--min-block"))
		return parse_duration(o, val);
	if (!strcmp(name, "--perf-map-dir")) {
		o->perf_map_dir = val;
		return 1;
	}
	if (!strcmp(name, "--kallsyms")) {
		o->kallsyms_path = val;
		return 1;
	}
	if (!strcmp(name, "--unwinder")) {
		if (strcmp(val, "rules") && strcmp(val, "fresh") && strcmp(val, "libunwind")) {
			cli_error(2, "--unwinder: '%s' is not rules, fresh or libunwind", val);
			return -1;
		}
		o->libunwind_only = !strcmp(val, "libunwind");
		o->no_unwind_memo = !strcmp(val, "fresh");
		return 1;
	}
	if (!strcmp(name, "--focus")) {
		if (o->focus)
			regfree(&pa->focus);
		o->focus = NULL;
		if (compile(&pa->focus, name, val) < 0)
			return -1;
		o->focus = &pa->focus;
		return 1;
	}
	/* --ignore */
	if (o->ignore)
		regfree(&pa->ignore);
	o->ignore = NULL;
	if (compile(&pa->ignore, name, val) < 0)
		return -1;
	o->ignore = &pa->ignore;
	return 1;
}

static void warn_line(void *ctx, const char *msg)
{
	(void)ctx;
	cli_warn("%s", msg);
}

int profile_args_load(struct profile_args *pa, const char *path, struct tree **out,
		      struct profile_info *info)
{
	pa->opts.warn = warn_line;
	int err = profile_load(path, &pa->opts, out, info);
	if (err == -STOKE_ENOEVENT)
		return cli_error(1, "%s: no event '%s' in this file (it has: %s); choose one with "
				    "--event", path, pa->opts.event,
				 info->event_names && *info->event_names ? info->event_names : "none");
	if (err == -ENOENT && access(path, R_OK) == 0)
		return 1; /* the event is not in the file: the warning said which it has */
	if (err)
		return cli_input_error(path, err, 1);
	if (pa->stats) {
		const struct sym_stats *s = &info->sym;
		fprintf(stderr, "stoke: stats: %s: %llu addresses looked up (%llu from the address "
			"cache), %llu ELF files, %llu debug files, %llu with DWARF read, debug cache "
			"%s: %llu hits, %llu written, %llu damaged\n", path,
			(unsigned long long)s->lookups, (unsigned long long)s->cache_hits,
			(unsigned long long)s->elf_files, (unsigned long long)s->debug_files,
			(unsigned long long)s->dwarf_modules, pa->opts.cache_dir ? "on" : "off",
			(unsigned long long)s->dcache_hits, (unsigned long long)s->dcache_writes,
			(unsigned long long)s->dcache_bad);
		const struct unwind_stats *u = &info->unwind;
		if (u->samples)
			fprintf(stderr, "stoke: stats: %s: %llu samples unwound, %llu frames, %llu "
				"of them taken from the thread's previous sample\n", path,
				(unsigned long long)u->samples,
				(unsigned long long)(u->frames + u->frames_reused),
				(unsigned long long)u->frames_reused);
	}
	/* A damaged or cut-short file is reported (exit 0) with one warning line. */
	if (info->truncated)
		cli_warn("%s: %s at offset %llu (the recording was cut short); reporting the %llu "
			 "samples before it", path, stoke_strerror(info->read_error),
			 (unsigned long long)info->bad_offset, (unsigned long long)info->samples_total);
	else if (info->no_end)
		cli_warn("%s: no END record: the recording was cut short (its recorder was "
			 "killed?); reporting the %llu samples in it", path,
			 (unsigned long long)info->samples_total);
	return 0;
}
