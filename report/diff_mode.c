/* diff_mode_choose(): counts, rates or shares, from how the two profiles were recorded. */
#include "report/diff_mode.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static const char *side_name(int s)
{
	return s ? "AFTER" : "BEFORE";
}

/* The program of a recorded command line: the base name of its first word. */
static size_t program_of(const char *target, const char **start)
{
	const char *end = strchr(target, ' ');
	size_t len = end ? (size_t)(end - target) : strlen(target);
	const char *p = target;
	for (size_t i = 0; i < len; i++)
		if (target[i] == '/')
			p = target + i + 1;
	*start = p;
	return len - (size_t)(p - target);
}

static int same_program(const char *a, const char *b)
{
	const char *pa, *pb;
	if (!a || !b)
		return 0;
	size_t la = program_of(a, &pa), lb = program_of(b, &pb);
	return la && la == lb && !memcmp(pa, pb, la);
}

static void set_why(struct diff_choice *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_why(struct diff_choice *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* Same event, sampled the same way: counts and rates of the two mean the same thing. */
static int same_sampling(const struct profile_info *b, const struct profile_info *a)
{
	return !strcmp(b->event ? b->event : "", a->event ? a->event : "") &&
	       b->freq == a->freq && (b->freq || b->period == a->period);
}

static int choose_auto(const struct profile_info *in[2], struct diff_choice *c)
{
	for (int s = 0; s < 2; s++) {
		if (in[s]->is_folded) {
			set_why(c, "%s is folded stacks, which do not say how they were recorded",
				side_name(s));
			return DIFF_SHARES;
		}
	}
	for (int s = 0; s < 2; s++) {
		if (in[s]->ending == PROFILE_ENDING_UNKNOWN) {
			set_why(c, "%s is cut short or damaged, so its samples are not the whole "
				   "recording", side_name(s));
			return DIFF_SHARES;
		}
	}
	if (!same_sampling(in[0], in[1])) {
		set_why(c, "the recordings sampled differently, so their counts do not compare");
		return DIFF_SHARES;
	}
	if (in[0]->ending == PROFILE_ENDING_EXITED && in[1]->ending == PROFILE_ENDING_EXITED) {
		if (!same_program(in[0]->cmdline, in[1]->cmdline)) {
			set_why(c, "the recordings ran different programs");
			return DIFF_SHARES;
		}
		const char *p;
		size_t n = program_of(in[0]->cmdline, &p);
		set_why(c, "both recordings ran %.*s to completion, so a count is the work of one "
			   "whole run", (int)(n > 200 ? 200 : n), p);
		return DIFF_COUNTS;
	}
	if (in[0]->ending == PROFILE_ENDING_TIMED && in[1]->ending == PROFILE_ENDING_TIMED) {
		if (!(c->seconds[0] > 0 && c->seconds[1] > 0)) {
			set_why(c, "%s covers no time", side_name(c->seconds[0] > 0));
			return DIFF_SHARES;
		}
		set_why(c, "both recordings cover a span of time (-d, -p, -a, a signal or --time), "
			   "so a rate is samples per second of recording");
		return DIFF_RATES;
	}
	set_why(c, "one recording ran its command to completion and the other covers a span "
		   "of time");
	return DIFF_SHARES;
}

int diff_mode_choose(const struct profile_info *before, const struct profile_info *after,
		     int forced, struct diff_choice *c)
{
	const struct profile_info *in[2] = { before, after };
	memset(c, 0, sizeof(*c));
	for (int s = 0; s < 2; s++)
		c->seconds[s] = (double)in[s]->duration_ns / 1e9;
	if (in[0]->time_weighted || in[1]->time_weighted) {
		int s = in[0]->time_weighted ? 1 : 0; /* the side that may not be */
		if (!in[s]->time_weighted && !in[s]->is_folded) {
			set_why(c, "one profile is of time (%s), the other of samples (%s): give "
				   "--event off-cpu (or wall) for both, or for neither",
				in[!s]->event, in[s]->event);
			return -EINVAL;
		}
		/* An interval's length is not a count of independent samples: no test. */
		c->mode = DIFF_COUNTS;
		c->times = 1;
		c->automatic = forced == DIFF_MODE_AUTO;
		set_why(c, "%s times in microseconds, as they are (no significance test for times)",
			in[!s]->event && *in[!s]->event ? in[!s]->event : "off-cpu");
		return 0;
	}
	if (forced == DIFF_MODE_AUTO) {
		c->automatic = 1;
		c->mode = (enum diff_mode)choose_auto(in, c);
		return 0;
	}
	c->mode = (enum diff_mode)forced;
	if (c->mode == DIFF_RATES) {
		for (int s = 0; s < 2; s++) {
			if (!(c->seconds[s] > 0)) {
				set_why(c, "--rates needs each recording's duration, and %s %s",
					side_name(s), in[s]->is_folded ? "is folded stacks"
								       : "does not say how long it lasted");
				return -EINVAL;
			}
		}
	}
	set_why(c, "as asked (--%s)", diff_mode_name(c->mode));
	return 0;
}

void diff_mode_apply(const struct diff_choice *c, struct diff_opts *o)
{
	o->mode = c->mode;
	o->time_us = c->times;
	o->seconds[0] = c->seconds[0];
	o->seconds[1] = c->seconds[1];
}

void diff_mode_describe(const struct profile_info *info, struct strbuf *out)
{
	double secs = (double)info->duration_ns / 1e9;
	const char *target = info->cmdline && *info->cmdline ? info->cmdline : "?";
	int is_cmd = strncmp(target, "pid ", 4) && strcmp(target, "system-wide");

	if (info->is_folded) {
		strbuf_adds(out, "folded stacks");
		return;
	}
	if (is_cmd)
		strbuf_addf(out, "`%s`", target);
	else
		strbuf_adds(out, target);
	switch (info->ending) {
	case PROFILE_ENDING_EXITED:
		strbuf_addf(out, " ran to completion (exit %d), %.2f s", WEXITSTATUS(info->exit_status),
			    secs);
		break;
	case PROFILE_ENDING_TIMED:
		if (info->exit_status != -1 && WIFSIGNALED(info->exit_status) &&
		    WTERMSIG(info->exit_status) != SIGTERM)
			strbuf_addf(out, " killed by signal %d, %.2f s", WTERMSIG(info->exit_status),
				    secs);
		else
			strbuf_addf(out, " for %.2f s", secs);
		break;
	default:
		strbuf_adds(out, info->truncated ? ", cut short or damaged" : ", no end record");
		break;
	}
}

void diff_mode_statement(const struct diff_choice *c, struct strbuf *out)
{
	strbuf_addf(out, "compared: %s: %s", diff_mode_name(c->mode), c->why);
}
