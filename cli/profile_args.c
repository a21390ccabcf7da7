#include "cli/profile_args.h"
#include "cli/cli.h"
#include "common/format.h"
#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char profile_args_help[] =
	"  --pid PID[,PID]     only these processes\n"
	"  --tid TID[,TID]     only these threads\n"
	"  --comm NAME[,NAME]  only these command names\n"
	"  --time START,END    only samples between START and END seconds from the start\n"
	"  --per-thread        a root frame per thread (comm-pid/tid) instead of per command\n"
	"  --no-kernel         drop kernel frames\n"
	"  --kernel-suffix     annotate frames: kernel _[k], inlined _[i], JIT _[j]\n"
	"  --no-inline         do not expand inlined functions\n"
	"  --no-demangle       show mangled C++/Rust names\n"
	"  --event NAME        the event to report when the file has several\n"
	"  --perf-map-dir DIR  where to find perf-PID.map files (default /tmp)\n"
	"  --kallsyms FILE     kernel symbols for a file that has none (perf.data from another\n"
	"                      machine or kernel): a copy of that machine's /proc/kallsyms\n"
	"  --unwinder NAME     DWARF stacks: rules (default: compiled CFI rules, libunwind for\n"
	"                      the rest) or libunwind (every step; slower, a cross-check)\n"
	"  --focus REGEX       only stacks through a function matching REGEX\n"
	"  --ignore REGEX      drop stacks through a function matching REGEX\n";

void profile_args_init(struct profile_args *pa)
{
	memset(pa, 0, sizeof(*pa));
	profile_opts_init(&pa->opts);
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
}

static int parse_ids(const char *opt, const char *s, int **ids, size_t *nr, size_t *alloc)
{
	while (*s) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s || v <= 0 || (*end && *end != ',')) {
			cli_error(2, "%s: '%s' is not a list of ids", opt, s);
			return -1;
		}
		ALLOC_GROW(*ids, *nr + 1, *alloc);
		(*ids)[(*nr)++] = (int)v;
		s = *end ? end + 1 : end;
	}
	return 1;
}

static int parse_time(struct profile_opts *o, const char *s)
{
	char *end;
	o->time_start = 0;
	o->time_end = -1;
	if (*s != ',') {
		o->time_start = strtod(s, &end);
		if (end == s || o->time_start < 0)
			goto bad;
		s = end;
	}
	if (*s == ',') {
		s++;
		if (*s) {
			o->time_end = strtod(s, &end);
			if (end == s || *end || o->time_end < o->time_start)
				goto bad;
		}
	} else if (*s) {
		goto bad;
	}
	return 1;
bad:
	cli_error(2, "--time: expected START,END in seconds (either may be empty)");
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

int profile_args_parse(struct profile_args *pa, int argc, char **argv, int *i)
{
	static const char *const with_value[] = {
		"--pid", "--tid", "--comm", "--time", "--event", "--perf-map-dir", "--focus", "--ignore",
		"--unwinder", "--kallsyms",
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
		int r = parse_ids(name, val, &pa->pids, &o->nr_pids, &pa->alloc_pids);
		o->pids = pa->pids;
		return r;
	}
	if (!strcmp(name, "--tid")) {
		int r = parse_ids(name, val, &pa->tids, &o->nr_tids, &pa->alloc_tids);
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
	if (!strcmp(name, "--perf-map-dir")) {
		o->perf_map_dir = val;
		return 1;
	}
	if (!strcmp(name, "--kallsyms")) {
		o->kallsyms_path = val;
		return 1;
	}
	if (!strcmp(name, "--unwinder")) {
		if (strcmp(val, "rules") && strcmp(val, "libunwind")) {
			cli_error(2, "--unwinder: '%s' is not rules or libunwind", val);
			return -1;
		}
		o->libunwind_only = !strcmp(val, "libunwind");
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
	if (err) {
		if (err == -FMT_EBADMAGIC)
			return cli_error(1, "%s: not a stoke file, a perf.data file nor folded stacks", path);
		return cli_error(1, "%s: %s", path, fmt_strerror(err));
	}
	if (info->truncated)
		cli_warn("%s: %s at offset %llu; reporting the %llu samples before it", path,
			 fmt_strerror(info->read_error), (unsigned long long)info->bad_offset,
			 (unsigned long long)info->samples_total);
	return 0;
}
