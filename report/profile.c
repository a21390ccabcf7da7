#include "report/profile.h"
#include "common/format.h"
#include "common/perfdata.h"
#include "common/util.h"
#include "report/folded.h"
#include "report/profile_stoke.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void profile_opts_init(struct profile_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->time_end = -1;
}

void profile_info_release(struct profile_info *info)
{
	free(info->event);
	free(info->cmdline);
	free(info->hostname);
	free(info->callgraph);
	free(info->event_names);
	memset(info, 0, sizeof(*info));
}

int profile_frame_matches(const regex_t *re, const struct tree_frame *f)
{
	return regexec(re, f->name, 0, NULL, 0) == 0;
}


int profile_keep_stack(const struct profile_opts *o, size_t n,
		       int (*matches)(void *ctx, size_t i, const regex_t *re), void *ctx)
{
	int focus_hit = !o->focus;
	for (size_t i = 0; i < n; i++) {
		if (o->ignore && matches(ctx, i, o->ignore))
			return 0;
		if (!focus_hit && matches(ctx, i, o->focus))
			focus_hit = 1;
	}
	return focus_hit;
}

struct folded_stack {
	const struct tree *t;
	const uint32_t *frames;
};

static int folded_matches(void *ctx, size_t i, const regex_t *re)
{
	const struct folded_stack *st = ctx;
	return profile_frame_matches(re, tree_frame(st->t, st->frames[i]));
}

static int keep_folded(void *ctx, const struct tree *t, const uint32_t *frames, size_t n)
{
	struct folded_stack st = { t, frames };
	return profile_keep_stack(ctx, n, folded_matches, &st);
}

static int load_folded(const char *text, size_t len, const struct profile_opts *o,
		       struct tree *t, struct profile_info *info)
{
	struct folded_stats st;
	int need_filter = o->focus || o->ignore;
	folded_parse(t, text, len, need_filter ? keep_folded : NULL, (void *)o, &st);
	info->is_folded = 1;
	info->event = xstrdup("");
	info->malformed = st.malformed;
	info->samples = info->samples_total = tree_total(t);
	if (st.malformed && o->warn) {
		char msg[160];
		snprintf(msg, sizeof(msg), "%llu malformed folded line(s) skipped (first at line %llu)",
			 (unsigned long long)st.malformed, (unsigned long long)st.first_bad);
		o->warn(o->warn_ctx, msg);
	}
	if (st.saturated && o->warn) {
		char msg[200];
		snprintf(msg, sizeof(msg), "folded counts add up past 2^64: the total is held at "
			 "18446744073709551615 and %llu line(s) from line %llu on count less "
			 "(percentages are of that total)", (unsigned long long)st.saturated,
			 (unsigned long long)st.first_saturated);
		o->warn(o->warn_ctx, msg);
	}
	if (!st.lines)
		return -EINVAL;
	return 0;
}

int profile_load(const char *path, const struct profile_opts *o, struct tree **out,
		 struct profile_info *info)
{
	char *text = NULL, head[8];
	size_t len = 0;
	int err, fd;
	struct tree *t = tree_new();

	memset(info, 0, sizeof(*info));
	info->exit_status = -1;
	/* The first bytes tell a stoke file (a zstd frame) or a perf.data file from text; only text is read whole
	 * here (the stoke reader maps its file), and from the same descriptor, so a pipe
	 * of folded text works too. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	ssize_t n = read_full(fd, head, sizeof(head));
	if ((n >= 4 && !memcmp(head, "\x5e\x2a\x4d\x18", 4)) ||
	    (n > 0 && perfdata_sniff((const unsigned char *)head, (size_t)n))) {
		close(fd);
		err = profile_load_stoke(path, o, t, info);
		goto out;
	}
	err = n < 0 ? (int)n : read_fd(fd, head, (size_t)n, &text, &len);
	close(fd);
	if (err)
		goto out;
	if (folded_sniff(text, len))
		err = load_folded(text, len, o, t, info);
	else
		err = -STOKE_EBADMAGIC;
out:
	free(text);
	if (err) {
		tree_free(t);
		return err;
	}
	tree_sort(t);
	*out = t;
	return 0;
}
