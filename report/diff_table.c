/* diff_write_table(): the change table of a diff, in the unit of its mode. */
#include "report/diff.h"

#include <stdio.h>

/* Relative change of the total, "+100%"; "new" or "gone" when a side is 0. */
static void add_change(struct strbuf *out, double before, double after)
{
	char buf[32];
	if (before <= 0 && after <= 0)
		snprintf(buf, sizeof(buf), "-");
	else if (before <= 0)
		snprintf(buf, sizeof(buf), "new");
	else if (after <= 0)
		snprintf(buf, sizeof(buf), "gone");
	else
		snprintf(buf, sizeof(buf), "%+.0f%%", 100.0 * (after - before) / before);
	strbuf_addf(out, " %7s", buf);
}

static void add_test_line(const struct diff *d, struct strbuf *out)
{
	const struct diff_opts *o = diff_get_opts(d);
	switch (o->mode) {
	case DIFF_COUNTS:
		strbuf_adds(out, "# test: Poisson test of each function's total count, one run on each "
				 "side as the exposure");
		break;
	case DIFF_RATES:
		strbuf_addf(out, "# test: Poisson test of each function's total count, the durations "
				 "(%.3g s, %.3g s) as exposure", o->seconds[0], o->seconds[1]);
		break;
	default:
		strbuf_adds(out, "# test: two-proportion z-test of each function's total share");
		break;
	}
	strbuf_addf(out, ", Holm-corrected over %zu functions, alpha %g\n", diff_nr_tested(d), o->alpha);
}

static void add_row_end(const struct diff_func *f, struct strbuf *out)
{
	if (f->tested)
		strbuf_addf(out, " %10.2g", f->p_adj);
	else
		strbuf_addf(out, " %10s", "-");
	strbuf_addf(out, "  %-4s  %s\n",
		    f->significant > 0 ? "up" : f->significant < 0 ? "down" : "-", f->name);
}

static void add_ms(struct strbuf *out, const char *fmt, double us)
{
	strbuf_addf(out, fmt, us / 1e3);
}

/* Off-CPU or wall time: before, after and change of each function's time, in ms. */
static void write_time_table(const struct diff *d, size_t shown, struct strbuf *out)
{
	const struct diff_opts *o = diff_get_opts(d);
	size_t nr = diff_nr_funcs(d);
	strbuf_addf(out, "# time: before %.3f s, after %.3f s (no significance test for times)\n",
		    (double)diff_samples(d, DIFF_BEFORE) / 1e6, (double)diff_samples(d, DIFF_AFTER) / 1e6);
	strbuf_addf(out, "# ranked by the change of %s time, in milliseconds\n#\n",
		    o->sort == DIFF_SORT_SELF ? "self" : "total");
	strbuf_addf(out, "%-33s %-33s\n", "#  ---------- self ms ----------", "  ---------- total ms ---------");
	strbuf_addf(out, "%-10s %10s %10s  %10s %10s %10s  %s\n", "#   before", "after", "delta",
		    "before", "after", "delta", "function");
	for (size_t i = 0; i < shown; i++) {
		const struct diff_func *f = diff_func(d, i);
		add_ms(out, "%10.1f ", (double)f->self[0]);
		add_ms(out, "%10.1f ", (double)f->self[1]);
		add_ms(out, "%+10.1f  ", (double)f->self[1] - (double)f->self[0]);
		add_ms(out, "%10.1f ", (double)f->total[0]);
		add_ms(out, "%10.1f ", (double)f->total[1]);
		add_ms(out, "%+10.1f  ", (double)f->total[1] - (double)f->total[0]);
		strbuf_addf(out, "%s\n", f->name);
	}
	if (shown < nr)
		strbuf_addf(out, "# %zu more functions not shown (--top)\n", nr - shown);
}

void diff_write_table(const struct diff *d, size_t rows, struct strbuf *out)
{
	const struct diff_opts *o = diff_get_opts(d);
	size_t nr = diff_nr_funcs(d);
	size_t shown = rows && rows < nr ? rows : nr;
	static const char *const unit[] = { "share", "samples", "samples per second" };

	if (o->time_us) {
		write_time_table(d, shown, out);
		return;
	}
	if (o->mode == DIFF_RATES)
		strbuf_addf(out, "# samples: before %llu in %.3g s, after %llu in %.3g s\n",
			    (unsigned long long)diff_samples(d, DIFF_BEFORE), o->seconds[0],
			    (unsigned long long)diff_samples(d, DIFF_AFTER), o->seconds[1]);
	else
		strbuf_addf(out, "# samples: before %llu, after %llu\n",
			    (unsigned long long)diff_samples(d, DIFF_BEFORE),
			    (unsigned long long)diff_samples(d, DIFF_AFTER));
	add_test_line(d, out);
	strbuf_addf(out, "# significant: %zu of %zu functions (up: grew, down: shrank)\n",
		    diff_nr_significant(d), nr);
	strbuf_addf(out, "# ranked by the change of %s %s\n#\n",
		    o->sort == DIFF_SORT_SELF ? "self" : "total", unit[o->mode]);
	if (o->mode == DIFF_SHARES) {
		strbuf_addf(out, "%-25s   %-25s %11s\n", "#         ----- self% -----",
			    "    ----- total% ----", "total");
		strbuf_addf(out, "%-9s %7s %7s   %9s %7s %7s %11s %10s  %-4s  %s\n", "#  before",
			    "after", "delta", "before", "after", "delta", "samples", "p(adj)", "sig",
			    "function");
	} else {
		const char *u = o->mode == DIFF_RATES ? "samples/s" : "samples";
		char self_h[40], total_h[40];
		snprintf(self_h, sizeof(self_h), "---- self %s ----", u);
		snprintf(total_h, sizeof(total_h), "---- total %s ----", u);
		strbuf_addf(out, "# %27s   %27s\n", self_h, total_h);
		strbuf_addf(out, "%-10s %8s %8s   %9s %8s %8s %7s %10s  %-4s  %s\n", "#   before",
			    "after", "delta", "before", "after", "delta", "change", "p(adj)", "sig",
			    "function");
	}
	for (size_t i = 0; i < shown; i++) {
		const struct diff_func *f = diff_func(d, i);
		if (o->mode == DIFF_SHARES) {
			long long ds = (long long)f->total[1] - (long long)f->total[0];
			strbuf_addf(out, "%9.2f %7.2f %+7.2f   %9.2f %7.2f %+7.2f %+11lld",
				    f->self_pct[0], f->self_pct[1], f->self_pct[1] - f->self_pct[0],
				    f->total_pct[0], f->total_pct[1], f->total_pct[1] - f->total_pct[0], ds);
		} else if (o->mode == DIFF_COUNTS) {
			strbuf_addf(out, "%10llu %8llu %+8lld   %9llu %8llu %+8lld",
				    (unsigned long long)f->self[0], (unsigned long long)f->self[1],
				    (long long)f->self[1] - (long long)f->self[0],
				    (unsigned long long)f->total[0], (unsigned long long)f->total[1],
				    (long long)f->total[1] - (long long)f->total[0]);
			add_change(out, (double)f->total[0], (double)f->total[1]);
		} else {
			strbuf_addf(out, "%10.1f %8.1f %+8.1f   %9.1f %8.1f %+8.1f",
				    f->self_rate[0], f->self_rate[1], f->self_rate[1] - f->self_rate[0],
				    f->total_rate[0], f->total_rate[1], f->total_rate[1] - f->total_rate[0]);
			add_change(out, f->total_rate[0], f->total_rate[1]);
		}
		add_row_end(f, out);
	}
	if (shown < nr)
		strbuf_addf(out, "# %zu more functions not shown (--top)\n", nr - shown);
}
