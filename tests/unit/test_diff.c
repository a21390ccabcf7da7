/* Unit tests of report/diff on trees built in code. */
#include "report/diff.h"
#include "report/diff_mode.h"
#include "tests/unit/t.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>

/* Add "prog;main;NAME" (or "prog;main;NAME;LEAF") w times, names interned on the fly. */
static void add(struct tree *t, const char *mid, const char *leaf, uint64_t w)
{
	uint32_t f[4];
	size_t n = 0;
	f[n++] = tree_intern(t, "prog", NULL, FRAME_ROOT, NULL, 0);
	f[n++] = tree_intern(t, "main", "prog", FRAME_USER, NULL, 0);
	f[n++] = tree_intern(t, mid, "prog", FRAME_USER, NULL, 0);
	if (leaf)
		f[n++] = tree_intern(t, leaf, "libc.so.6", FRAME_USER, NULL, 0);
	tree_add(t, f, n, w);
}

static void test_shares(void)
{
	struct tree *b = tree_new(), *a = tree_new();
	struct diff_opts o;

	add(b, "steady", NULL, 5000);
	add(b, "grows", NULL, 1000);
	add(b, "gone", "memcpy", 200);
	/* after: folded-like frames (no module, not ROOT) must still match by name */
	uint32_t f[4];
	f[0] = tree_intern(a, "prog", NULL, FRAME_USER, NULL, 0);
	f[1] = tree_intern(a, "main", NULL, FRAME_USER, NULL, 0);
	f[2] = tree_intern(a, "steady", NULL, FRAME_USER, NULL, 0);
	tree_add(a, f, 3, 5000);
	f[2] = tree_intern(a, "grows", NULL, FRAME_USER, NULL, 0);
	tree_add(a, f, 3, 2000);
	f[2] = tree_intern(a, "fresh", NULL, FRAME_USER, NULL, 0);
	f[3] = tree_intern(a, "memcpy", NULL, FRAME_KERNEL, NULL, 0);
	tree_add(a, f, 4, 7);
	tree_sort(a);
	tree_sort(b);

	diff_opts_init(&o);
	struct diff *d = diff_new(b, a, &o);
	T_EQ_INT(diff_samples(d, DIFF_BEFORE), 6200, "before samples");
	T_EQ_INT(diff_samples(d, DIFF_AFTER), 7007, "after samples");
	const struct diff_func *g = diff_func(d, 0);
	T_EQ_STR(g->name, "grows", "largest change first");
	T_EQ_INT(g->significant, 1, "doubled function significantly up");
	T_EQ_INT(g->total[0], 1000, "grows before");
	T_EQ_INT(g->total[1], 2000, "grows after");
	/* pooled two-proportion z by hand */
	double p1 = 1000.0 / 6200, p2 = 2000.0 / 7007, pp = 3000.0 / 13207;
	double z = (p2 - p1) / sqrt(pp * (1 - pp) * (1.0 / 6200 + 1.0 / 7007));
	T_OK(fabs(g->z - z) < 1e-9, "z statistic");
	T_OK(!diff_frame_stats(d, "prog"), "command name is not a function");
	const struct diff_func *m = diff_frame_stats(d, "main");
	T_OK(m && !m->tested && !m->significant, "function in every sample is not tested");
	const struct diff_func *mc = diff_frame_stats(d, "memcpy");
	T_OK(mc && mc->total[0] == 200 && mc->total[1] == 7, "memcpy matched by name across kinds");
	T_OK(diff_frame_stats(d, "gone")->significant == -1, "vanished function significantly down");
	T_OK(!diff_frame_stats(d, "nosuch"), "unknown name");
	T_EQ_INT(diff_nr_tested(d), 5, "tested: steady grows gone fresh memcpy");

	/* node matching: every after node of a name path the before tree has */
	uint64_t tot, self;
	uint32_t root = tree_child(a, 0, f[0]), mainn = tree_child(a, root, f[1]);
	uint32_t grows = tree_child(a, mainn, tree_intern(a, "grows", NULL, FRAME_USER, NULL, 0));
	const struct diff_func *nf = diff_node_before(d, grows, &tot, &self);
	T_OK(tot == 1000 && self == 1000 && nf == g, "after node matched to before stack");
	nf = diff_node_before(d, mainn, &tot, &self);
	T_OK(tot == 6200 && self == 0 && nf == m, "interior node matched");
	uint32_t fresh = tree_child(a, mainn, f[2]);
	diff_node_before(d, tree_child(a, fresh, f[3]), &tot, &self);
	T_OK(tot == 0 && self == 0, "stack absent before");
	T_OK(diff_node_before(d, root, &tot, &self) == NULL && tot == 6200, "root frame node");

	/* shares: BEFORE scaled to AFTER's 7007 samples, so after - before is the share change */
	struct strbuf out = STRBUF_INIT;
	diff_write_folded(d, &out);
	T_EQ_STR(out.buf,
		 "prog;main;fresh;memcpy 0 7\n"
		 "prog;main;gone;memcpy 226 0\n"
		 "prog;main;grows 1130 2000\n"
		 "prog;main;steady 5651 5000\n",
		 "folded diff lines, sorted, matched by name, BEFORE scaled to AFTER's total");
	T_OK(diff_frame_stats(d, "steady")->significant == -1,
	     "shares: an unchanged count is a fall of its share");
	diff_free(d);

	/* counts: same counts are not a change even though shares moved */
	o.mode = DIFF_COUNTS;
	d = diff_new(b, a, &o);
	T_OK(diff_frame_stats(d, "steady")->significant == 0, "counts: equal counts not significant");
	T_OK(diff_frame_stats(d, "grows")->significant == 1, "counts: doubled count significant");
	T_OK(diff_frame_stats(d, "main")->tested, "counts: main tested");
	T_OK(diff_frame_stats(d, "main")->significant == 1, "counts: the caller's total grows with it");
	strbuf_reset(&out);
	diff_write_folded(d, &out);
	T_EQ_STR(out.buf,
		 "prog;main;fresh;memcpy 0 7\n"
		 "prog;main;gone;memcpy 200 0\n"
		 "prog;main;grows 1000 2000\n"
		 "prog;main;steady 5000 5000\n",
		 "counts: folded diff lines as recorded");
	strbuf_release(&out);
	diff_free(d);
	tree_free(a);
	tree_free(b);
}

static void test_identical(void)
{
	struct tree *b = tree_new();
	struct diff_opts o;
	add(b, "x", "y", 100);
	add(b, "z", NULL, 50);
	tree_sort(b);
	diff_opts_init(&o);
	struct diff *d = diff_new(b, b, &o);
	T_EQ_INT(diff_nr_significant(d), 0, "a profile against itself");
	T_OK(diff_func(d, diff_nr_funcs(d)) == NULL, "diff_func out of range");
	diff_free(d);
	diff_free(NULL);
	tree_free(b);
}

static void near(double got, double want, double rel, const char *name)
{
	T_OK(fabs(got - want) <= rel * fabs(want), "%s (got %.6g, want %.6g)", name, got, want);
}

/* The tests against values computed by hand (exact binomial sums). */
static void test_statistics(void)
{
	double z, p;

	p = diff_test_poisson(2, 1, 8, 1, &z);
	near(p, 112.0 / 1024, 1e-9, "poisson exact: 2 vs 8, equal exposure = 2 P(X >= 8 | 10, 1/2)");
	T_OK(z > 0, "poisson: z positive when it grew");
	p = diff_test_poisson(10, 1, 20, 1, &z);
	near(p, 0.09873714670538902, 1e-9, "poisson exact: 10 vs 20");
	p = diff_test_poisson(20, 1, 10, 1, &z);
	near(p, 0.09873714670538902, 1e-9, "poisson exact: symmetric");
	T_OK(z < 0, "poisson: z negative when it shrank");
	p = diff_test_poisson(10, 1, 20, 2, &z);
	T_OK(p > 0.99, "rates: twice the count in twice the time is no change (p %.3g)", p);
	p = diff_test_poisson(5, 1, 30, 3, &z);
	near(p, 0.1952404507686864, 1e-9, "poisson exact: 5 vs 30, exposure 1 : 3");
	p = diff_test_poisson(20, 1, 15, 3, &z);
	near(p, 0.00010263372877854633, 1e-9, "poisson exact: 20 vs 15, exposure 1 : 3");
	T_OK(z < 0, "... a fall of the rate although the count is close");
	T_OK(diff_test_poisson(0, 1, 0, 1, &z) < 0 && z == 0, "poisson: nothing to test");
	T_OK(diff_test_poisson(1, 0, 1, 1, &z) < 0, "poisson: no exposure is untested");

	/* large n: normal approximation with continuity correction */
	p = diff_test_poisson(5000, 1, 10000, 2, &z);
	T_OK(p > 0.9 && fabs(z) < 0.1, "rates, large n: same rate (z %.3g)", z);
	p = diff_test_poisson(5000, 1, 5000, 2, &z);
	double q = 2.0 / 3, want = (10000 * q - 5000 - 0.5) / sqrt(10000 * q * (1 - q));
	near(-z, want, 1e-9, "rates, large n: z by hand");
	T_OK(p < 1e-100, "rates, large n: half the rate is significant");
	p = diff_test_poisson(2000, 1, 2100, 1, &z);
	near(z, (100 - 1) / sqrt(4100.0), 1e-9, "counts, large n: z = (|x2 - x1| - 1) / sqrt(n)");
	near(p, erfc(z / sqrt(2.0)), 1e-12, "counts, large n: two-sided normal p");

	p = diff_test_shares(1000, 6200, 2000, 7007, &z);
	double p1 = 1000.0 / 6200, p2 = 2000.0 / 7007, pp = 3000.0 / 13207;
	near(z, (p2 - p1) / sqrt(pp * (1 - pp) * (1.0 / 6200 + 1.0 / 7007)), 1e-12, "shares: z");
	near(p, erfc(z / sqrt(2.0)), 1e-12, "shares: p");
	T_OK(diff_test_shares(10, 10, 20, 20, &z) < 0, "shares: in every sample is untested");
	T_OK(diff_test_shares(0, 10, 0, 20, &z) < 0, "shares: in no sample is untested");
	T_OK(diff_test_shares(1, 0, 1, 20, &z) < 0, "shares: an empty side is untested");
}

/* A small deterministic generator (xorshift64*) and draws from it. */
static uint64_t rng_state;
static double uniform(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

/* Poisson(mean) for large means: a normal draw, rounded (enough for counts in the thousands). */
static uint64_t poisson(double mean)
{
	double u1 = uniform(), u2 = uniform();
	double g = sqrt(-2 * log(u1 > 0 ? u1 : 1e-300)) * cos(2 * M_PI * u2);
	double v = mean + sqrt(mean) * g;
	return v > 0 ? (uint64_t)llround(v) : 0;
}

/* A profile of five leaf functions under main, each with a Poisson count of rate[i] * seconds. */
static struct tree *draw(const double rate[5], double seconds)
{
	static const char *const names[5] = { "a", "b", "c", "d", "e" };
	struct tree *t = tree_new();
	for (int i = 0; i < 5; i++)
		add(t, names[i], NULL, poisson(rate[i] * seconds));
	tree_sort(t);
	return t;
}

/*
 * Two draws of one workload flag nothing in any mode (the Holm promise:
 * at most alpha of the comparisons flag anything), and a doubled rate is
 * found every time, with the unchanged functions not flagged in counts and
 * rates.  Fixed seeds: deterministic.
 */
static void test_simulated(void)
{
	static const double same[5] = { 1500, 900, 600, 40, 5 };
	static const double doubled[5] = { 1500, 1800, 600, 40, 5 };
	const double secs[3][2] = { { 1, 1 }, { 1, 1 }, { 2, 3 } };
	int false_pos[3] = { 0 }, found[3] = { 0 }, unchanged_flagged[3] = { 0 };
	const int runs = 40;

	for (int mode = 0; mode < 3; mode++) {
		for (int r = 0; r < runs; r++) {
			struct diff_opts o;
			rng_state = 0x9e3779b97f4a7c15ull * (uint64_t)(r + 1 + 100 * mode);
			diff_opts_init(&o);
			o.mode = (enum diff_mode)mode;
			o.seconds[0] = secs[mode][0];
			o.seconds[1] = secs[mode][1];
			struct tree *b = draw(same, secs[mode][0]);
			struct tree *a = draw(same, secs[mode][1]);
			struct tree *x = draw(doubled, secs[mode][1]);
			struct diff *d = diff_new(b, a, &o);
			false_pos[mode] += diff_nr_significant(d) > 0;
			diff_free(d);
			d = diff_new(b, x, &o);
			found[mode] += diff_frame_stats(d, "b")->significant == 1;
			if (mode != DIFF_SHARES)
				unchanged_flagged[mode] += diff_frame_stats(d, "a")->significant != 0 ||
							   diff_frame_stats(d, "c")->significant != 0;
			diff_free(d);
			tree_free(b);
			tree_free(a);
			tree_free(x);
		}
		T_OK(false_pos[mode] <= 2, "%s: two draws of one workload: %d of %d comparisons flag "
		     "anything", diff_mode_name((enum diff_mode)mode), false_pos[mode], runs);
		T_OK(found[mode] == runs, "%s: the doubled function found in %d of %d",
		     diff_mode_name((enum diff_mode)mode), found[mode], runs);
		if (mode != DIFF_SHARES)
			T_OK(unchanged_flagged[mode] <= 2, "%s: unchanged functions flagged in %d of %d",
			     diff_mode_name((enum diff_mode)mode), unchanged_flagged[mode], runs);
	}

	/* rates: the same rates over different durations are not a change, although
	 * every count is; counts over the same unequal durations flag everything */
	struct diff_opts o;
	diff_opts_init(&o);
	rng_state = 12345;
	struct tree *b = draw(same, 2), *a = draw(same, 3);
	o.mode = DIFF_COUNTS;
	struct diff *d = diff_new(b, a, &o);
	T_OK(diff_frame_stats(d, "a")->significant == 1, "counts over 2 s and 3 s: a count grew");
	diff_free(d);
	o.mode = DIFF_RATES;
	o.seconds[0] = 2;
	o.seconds[1] = 3;
	d = diff_new(b, a, &o);
	T_EQ_INT(diff_nr_significant(d), 0, "rates over 2 s and 3 s: nothing changed");
	const struct diff_func *fa = diff_frame_stats(d, "a");
	near(fa->total_rate[0], (double)fa->total[0] / 2, 1e-12, "rates: samples per second before");
	near(fa->total_rate[1], (double)fa->total[1] / 3, 1e-12, "rates: samples per second after");
	diff_free(d);
	tree_free(b);
	tree_free(a);
}

static struct profile_info recorded(const char *target, enum profile_ending ending, double secs)
{
	struct profile_info i;
	memset(&i, 0, sizeof(i));
	i.event = (char *)"cpu-clock";
	i.freq = 999;
	i.cmdline = (char *)target;
	i.ending = ending;
	i.exit_status = ending == PROFILE_ENDING_EXITED ? 0 : -1;
	i.duration_ns = (uint64_t)(secs * 1e9);
	return i;
}

static void test_choose(void)
{
	struct diff_choice c;
	struct profile_info run1 = recorded("./build/prog 2", PROFILE_ENDING_EXITED, 2.0);
	struct profile_info run2 = recorded("/tmp/new/prog 2 double", PROFILE_ENDING_EXITED, 2.5);
	struct profile_info other = recorded("./other 2", PROFILE_ENDING_EXITED, 2.0);
	struct profile_info pid = recorded("pid 42", PROFILE_ENDING_TIMED, 2.0);
	struct profile_info sys = recorded("system-wide", PROFILE_ENDING_TIMED, 3.0);
	struct profile_info cut = recorded("./build/prog 2", PROFILE_ENDING_UNKNOWN, 1.0);
	struct profile_info folded;
	memset(&folded, 0, sizeof(folded));
	folded.is_folded = 1;
	folded.event = (char *)"";

	T_EQ_INT(diff_mode_choose(&run1, &run2, DIFF_MODE_AUTO, &c), 0, "choose: returns 0");
	T_EQ_INT(c.mode, DIFF_COUNTS, "two whole runs of one program: counts");
	T_OK(c.automatic && strstr(c.why, "prog to completion"), "... and says why: %s", c.why);
	diff_mode_choose(&run1, &other, DIFF_MODE_AUTO, &c);
	T_EQ_INT(c.mode, DIFF_SHARES, "whole runs of different programs: shares");
	diff_mode_choose(&pid, &sys, DIFF_MODE_AUTO, &c);
	T_EQ_INT(c.mode, DIFF_RATES, "two spans of time: rates");
	T_OK(c.seconds[0] == 2.0 && c.seconds[1] == 3.0, "rates: the durations are the exposure");
	diff_mode_choose(&run1, &pid, DIFF_MODE_AUTO, &c);
	T_EQ_INT(c.mode, DIFF_SHARES, "a whole run against a span of time: shares");
	diff_mode_choose(&folded, &run1, DIFF_MODE_AUTO, &c);
	T_EQ_INT(c.mode, DIFF_SHARES, "folded input: shares");
	T_OK(strstr(c.why, "folded") != NULL, "... and says so: %s", c.why);
	diff_mode_choose(&cut, &run1, DIFF_MODE_AUTO, &c);
	T_EQ_INT(c.mode, DIFF_SHARES, "a file cut short: shares");
	struct profile_info fast = run2;
	fast.freq = 1999;
	diff_mode_choose(&run1, &fast, DIFF_MODE_AUTO, &c);
	T_EQ_INT(c.mode, DIFF_SHARES, "different sampling frequencies: shares");
	T_EQ_INT(diff_mode_choose(&folded, &run1, DIFF_COUNTS, &c), 0, "--counts on folded input");
	T_OK(c.mode == DIFF_COUNTS && !c.automatic, "... as asked");
	T_EQ_INT(diff_mode_choose(&folded, &pid, DIFF_RATES, &c), -EINVAL,
		 "--rates needs durations: an error for folded input");
	T_OK(strstr(c.why, "BEFORE is folded") != NULL, "... saying which side: %s", c.why);
	T_EQ_INT(diff_mode_choose(&run1, &run2, DIFF_RATES, &c), 0, "--rates of two whole runs");
}

int main(void)
{
	test_choose();
	test_statistics();
	test_shares();
	test_identical();
	test_simulated();
	T_DONE();
}
