/* diff_mode.h — which comparison fits two profiles, from how each was recorded.
 *
 * Two whole runs of one program (the command exited by itself in both
 * files): compare counts, the work each run did.  Two spans of time (-d, -p,
 * -a, stopped by a signal, or a --time window): compare rates, samples per
 * second with the durations as exposure.  Anything else (folded stacks, a
 * file cut short, one of each kind, different programs, different events or
 * sampling rates): compare shares of each side's samples.  docs/diff.md has
 * the reasoning and examples.
 */
#ifndef STOKE_DIFF_MODE_H
#define STOKE_DIFF_MODE_H

#include "common/strbuf.h"
#include "report/diff.h"
#include "report/profile.h"

#define DIFF_MODE_AUTO (-1)

struct diff_choice {
	enum diff_mode mode;
	double seconds[2]; /* each side's duration in seconds, 0 when unknown */
	int automatic;     /* 1: chosen from the recordings, 0: asked for */
	int times;         /* off-cpu or wall profiles: microseconds as they are, no test */
	char why[400];     /* one line, no newline: why this comparison */
};

/*
 * Choose the comparison of before and after: `forced` is DIFF_MODE_AUTO or
 * an enum diff_mode the user asked for.  Time profiles (off-cpu, wall) are
 * compared as times whatever is asked.  Returns 0, or -EINVAL when rates
 * were asked for and a side has no duration (folded text), or when one side
 * is a time profile and the other a sample profile; c->why then says why, as
 * one line for the user.
 */
int diff_mode_choose(const struct profile_info *before, const struct profile_info *after,
		     int forced, struct diff_choice *c);

/* Set o->mode and o->seconds from the choice. */
void diff_mode_apply(const struct diff_choice *c, struct diff_opts *o);

/* One line (no newline) about one profile: "`./prog 2` ran to completion (exit 0), 2.03 s". */
void diff_mode_describe(const struct profile_info *info, struct strbuf *out);

/* "compared: counts: both recordings ran prog to completion, ..." (no newline). */
void diff_mode_statement(const struct diff_choice *c, struct strbuf *out);

#endif
