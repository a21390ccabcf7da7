/* diff_write_svg(): a differential flame graph coloured in the diff's mode, noise in grey. */
#include "report/diff_svg.h"

struct sig_ctx {
	const struct diff *d;
	const struct tree *shape; /* the tree whose nodes the flame graph draws */
};

/* A frame whose function's change is within sampling noise is drawn neutral. */
static int not_significant(void *ctx, uint32_t node, uint64_t before, uint64_t after)
{
	const struct sig_ctx *c = ctx;
	(void)before;
	(void)after;
	uint32_t frame = tree_node(c->shape, node)->frame;
	if (frame == TREE_NONE)
		return 1; /* the root: "all" */
	const struct tree_frame *f = tree_frame(c->shape, frame);
	if (f->kind == FRAME_ROOT)
		return 1;
	const struct diff_func *fn = diff_frame_stats(c->d, f->name);
	return !fn || !fn->significant;
}

int diff_write_svg(const struct diff *d, const struct tree *before, const struct tree *after,
		   const struct flamegraph_opts *base, const char *statement, struct strbuf *out)
{
	const struct diff_opts *dopts = diff_get_opts(d);
	struct flamegraph_opts fo = *base;
	struct strbuf sub = STRBUF_INIT;
	struct sig_ctx sc = { d, fo.negate ? before : after };

	fo.before = before;
	fo.delta = dopts->mode == DIFF_COUNTS  ? FLAMEGRAPH_DELTA_COUNT
		 : dopts->mode == DIFF_RATES ? FLAMEGRAPH_DELTA_RATE
					     : FLAMEGRAPH_DELTA_SHARE;
	fo.seconds[0] = dopts->seconds[0];
	fo.seconds[1] = dopts->seconds[1];
	if (dopts->time_us) {
		/* Times (off-cpu, wall): every change coloured, in microseconds; no test. */
		if (!fo.count_name)
			fo.count_name = "\xc2\xb5s";
		if (!fo.subtitle) {
			if (statement)
				strbuf_addf(&sub, "%s \xc2\xb7 ", statement);
			strbuf_addf(&sub, "before %.3f s, after %.3f s (red grew, blue shrank)",
				    (double)diff_samples(d, DIFF_BEFORE) / 1e6,
				    (double)diff_samples(d, DIFF_AFTER) / 1e6);
			fo.subtitle = sub.buf;
		}
	} else {
		fo.not_significant = not_significant;
		fo.significance_ctx = &sc;
	}
	if (!fo.subtitle) {
		if (statement)
			strbuf_addf(&sub, "%s \xc2\xb7 ", statement);
		strbuf_addf(&sub, "before %llu samples, after %llu samples; %zu of %zu functions "
				  "changed significantly (grey: within noise)",
			    (unsigned long long)diff_samples(d, DIFF_BEFORE),
			    (unsigned long long)diff_samples(d, DIFF_AFTER),
			    diff_nr_significant(d), diff_nr_tested(d));
		fo.subtitle = sub.buf;
	}
	int err = flamegraph_write(after, &fo, out);
	strbuf_release(&sub);
	return err;
}
