#include "cli/profile_args.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "common/format.h"
#include "common/strbuf.h"
#include "common/util.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* --pid, --tid: the ids into *ids, and the filter's list pointed at them. */
static int add_ids(const char *opt, const char *v, const char *what, int **ids, size_t *nr,
		   size_t *alloc, const int **list)
{
	int rc = cli_parse_ids(opt, v, 0, 1, INT32_MAX, what, ids, nr, alloc);
	*list = *ids;
	return rc;
}

static int opt_pid(void *ctx, const char *opt, const char *v)
{
	struct profile_args *pa = ctx;
	return add_ids(opt, v, "a process id", &pa->pids, &pa->opts.nr_pids, &pa->alloc_pids,
		       &pa->opts.pids);
}

static int opt_tid(void *ctx, const char *opt, const char *v)
{
	struct profile_args *pa = ctx;
	return add_ids(opt, v, "a thread id", &pa->tids, &pa->opts.nr_tids, &pa->alloc_tids,
		       &pa->opts.tids);
}

static int opt_comm(void *ctx, const char *opt, const char *v)
{
	struct profile_args *pa = ctx;
	char *copy = (char *)v; /* argv strings are ours to split */
	for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
		ALLOC_GROW(pa->comms, pa->opts.nr_comms + 1, pa->alloc_comms);
		pa->comms[pa->opts.nr_comms++] = tok;
	}
	pa->opts.comms = pa->comms;
	return 0;
}

/* --time START,END: seconds (or with a unit: 500ms, 2m) from the start; either may be empty. */
static int opt_time(void *ctx, const char *opt, const char *s)
{
	struct profile_opts *o = &((struct profile_args *)ctx)->opts;
	const char *comma = strchr(s, ',');
	o->time_start = 0;
	o->time_end = -1;
	if (!comma || strchr(comma + 1, ','))
		return cli_error(2, "--time: expected START,END in seconds (either may be empty), "
				    "not '%s'", s);
	if (comma > s) {
		char *start = xstrndup(s, (size_t)(comma - s));
		int rc = cli_parse_real("--time START", start, 0, 1e12, 0, cli_units_seconds,
					&o->time_start);
		free(start);
		if (rc)
			return rc;
	}
	if (comma[1]) {
		if (cli_parse_real("--time END", comma + 1, 0, 1e12, 0, cli_units_seconds, &o->time_end))
			return 2;
		if (o->time_end < o->time_start)
			return cli_error(2, "--time: '%s' ends before it starts", s);
	}
	return 0;
}

/* --focus, --ignore: an extended regular expression, compiled once here. */
static int compile(regex_t *re, const regex_t **slot, const char *opt, const char *pattern)
{
	if (*slot)
		regfree(re);
	*slot = NULL;
	int rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char msg[128];
		regerror(rc, re, msg, sizeof(msg));
		regfree(re);
		return cli_error(2, "%s: bad regular expression '%s': %s", opt, pattern, msg);
	}
	*slot = re;
	return 0;
}

static int opt_focus(void *ctx, const char *opt, const char *v)
{
	struct profile_args *pa = ctx;
	return compile(&pa->focus, &pa->opts.focus, opt, v);
}

static int opt_ignore(void *ctx, const char *opt, const char *v)
{
	struct profile_args *pa = ctx;
	return compile(&pa->ignore, &pa->opts.ignore, opt, v);
}

/* --min-block DURATION: "5ms", "200us", "1.5s", "250ns"; a bare number is milliseconds. */
static int opt_min_block(void *ctx, const char *opt, const char *v)
{
	static const struct cli_unit units[] = {
		{ "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 }, { "ns", 1 }, { NULL, 0 },
	};
	double ns;
	size_t n = strlen(v);
	int bare = n && strchr("0123456789.", v[n - 1]); /* no unit */
	if (cli_parse_real(opt, v, 0, 1e18, 0, bare ? NULL : units, &ns))
		return 2;
	((struct profile_args *)ctx)->opts.min_block_ns = (uint64_t)(bare ? ns * 1e6 : ns);
	return 0;
}

static int opt_no_cache(void *ctx, const char *opt, const char *v)
{
	((struct profile_args *)ctx)->opts.cache_dir = NULL;
	return 0;
}

#define PA(field, type) CLI_AT(struct profile_args, field, type)

static const struct cli_opt profile_opts_table[] = {
	{ .name = "--pid", .arg = "PID[,PID]", .kind = CLI_CALL, .fn = opt_pid,
	  .help = "only these processes" },
	{ .name = "--tid", .arg = "TID[,TID]", .kind = CLI_CALL, .fn = opt_tid,
	  .help = "only these threads" },
	{ .name = "--comm", .arg = "NAME[,NAME]", .kind = CLI_CALL, .fn = opt_comm,
	  .help = "only these command names" },
	{ .name = "--time", .arg = "START,END", .kind = CLI_CALL, .fn = opt_time,
	  .help = "only samples between START and END seconds from the start (units allowed: "
	  "500ms, 2m)" },
	{ .name = "--per-thread", .kind = CLI_SET, .off = PA(opts.per_thread, int), .val = 1,
	  .help = "a root frame per thread (comm-pid/tid) instead of per command" },
	{ .name = "--no-kernel", .kind = CLI_SET, .off = PA(opts.no_kernel, int), .val = 1,
	  .help = "drop kernel frames" },
	{ .name = "--kernel-suffix", .kind = CLI_SET, .off = PA(annotate, int), .val = 1,
	  .help = "annotate frames: kernel _[k], inlined _[i], JIT _[j]" },
	{ .name = "--no-inline", .kind = CLI_SET, .off = PA(opts.no_inline, int), .val = 1,
	  .help = "do not expand inlined functions (nor look up file:line: no DWARF is read, "
	  "the fastest report)" },
	{ .name = "--no-demangle", .kind = CLI_SET, .off = PA(opts.no_demangle, int), .val = 1,
	  .help = "show mangled C++/Rust names" },
	{ .name = "--event", .arg = "NAME", .kind = CLI_STR,
	  .off = PA(opts.event, const char *),
	  .help = "the event to report when the file has several; off-cpu: off-CPU time, "
	  "wall: on-CPU and off-CPU time (record --off-cpu)" },
	{ .name = "--min-block", .arg = "DURATION", .kind = CLI_CALL, .fn = opt_min_block,
	  .help = "off-cpu, wall: hide intervals shorter than DURATION (5ms, 200us; a bare "
	  "number is milliseconds)" },
	{ .name = "--perf-map-dir", .arg = "DIR", .kind = CLI_STR,
	  .off = PA(opts.perf_map_dir, const char *),
	  .help = "where to find perf-PID.map files (default /tmp)" },
	{ .name = "--kallsyms", .arg = "FILE", .kind = CLI_STR,
	  .off = PA(opts.kallsyms_path, const char *),
	  .help = "kernel symbols for a file that has none (perf.data from another machine "
	  "or kernel): a copy of that machine's /proc/kallsyms" },
	{ .name = "--no-cache", .kind = CLI_CALL, .fn = opt_no_cache,
	  .help = "do not use or fill the debug and symbol cache ($XDG_CACHE_HOME/stoke)" },
	{ .name = "--stats", .kind = CLI_SET, .off = PA(stats, int), .val = 1,
	  .help = "print the symbolizer's and the unwinder's counters (files, DWARF, cache; frames unwound and taken over) to stderr" },
	{ .name = "--unwinder", .arg = "NAME", .kind = CLI_CHOICE,
	  .off = PA(opts.unwinder, int), .choices = "rules|libunwind|fresh",
	  .help = "DWARF stacks: rules (default: compiled CFI rules, libunwind for the rest; "
	  "the frames a thread's previous sample shares are taken from it), libunwind (every "
	  "step; slower, a cross-check) or fresh (rules, every frame of every sample unwound; "
	  "a cross-check)" },
	{ .name = "--focus", .arg = "REGEX", .kind = CLI_CALL, .fn = opt_focus,
	  .help = "only stacks through a function matching REGEX" },
	{ .name = "--ignore", .arg = "REGEX", .kind = CLI_CALL, .fn = opt_ignore,
	  .help = "drop stacks through a function matching REGEX" },
	{ 0 },
};

const struct cli_table profile_args_table = {
	.name = "the report filters",
	.opts = profile_opts_table,
};

int profile_args_load(struct profile_args *pa, const char *path, struct tree **out,
		      struct profile_info *info)
{
	pa->opts.warn = cli_warn_cb;
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
			"%s: %llu hits, %llu written, %llu damaged; symbol cache: %llu tables read, "
			"%llu addresses served, %llu tables saved, %llu bad tables\n", path,
			(unsigned long long)s->lookups, (unsigned long long)s->cache_hits,
			(unsigned long long)s->elf_files, (unsigned long long)s->debug_files,
			(unsigned long long)s->dwarf_modules, pa->opts.cache_dir ? "on" : "off",
			(unsigned long long)s->dcache_hits, (unsigned long long)s->dcache_writes,
			(unsigned long long)s->dcache_bad, (unsigned long long)s->symcache_tables,
			(unsigned long long)s->symcache_served, (unsigned long long)s->symcache_saved,
			(unsigned long long)s->symcache_bad);
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
