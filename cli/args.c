/* The one checker for numeric and list option values (see args.h). */
#include "cli/args.h"
#include "cli/cli.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct cli_unit cli_units_seconds[] = {
	{ "s", 1 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "m", 60 }, { "h", 3600 }, { NULL, 0 },
};

/* The scale of the unit `suffix`, or 0 when the table has no such unit. */
static double unit_scale(const struct cli_unit *units, const char *suffix)
{
	for (const struct cli_unit *u = units; u && u->suffix; u++)
		if (!strcmp(u->suffix, suffix))
			return u->scale;
	return 0;
}

/* "s, ms, us" for messages. */
static void unit_names(const struct cli_unit *units, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (const struct cli_unit *u = units; u && u->suffix && len + 8 < size; u++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", u->suffix);
}

static int bad_suffix(const char *opt, const char *s, const char *kind, const struct cli_unit *units)
{
	if (!units)
		return cli_error(2, "%s: '%s' is not %s", opt, s, kind);
	char names[96];
	unit_names(units, names, sizeof(names));
	return cli_error(2, "%s: '%s' is not %s (units: %s)", opt, s, kind, names);
}

int cli_parse_int(const char *opt, const char *s, long long min, long long max,
		  const struct cli_unit *units, long long *out)
{
	char *end;
	if (!*s || isspace((unsigned char)*s))
		return cli_error(2, "%s: '%s' is not an integer", opt, s);
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || (*end && !isalpha((unsigned char)*end)))
		return bad_suffix(opt, s, "an integer", units);
	int overflow = errno == ERANGE;
	if (*end) {
		double scale = unit_scale(units, end);
		if (scale <= 0)
			return bad_suffix(opt, s, "an integer", units);
		double scaled = (double)v * scale;
		if (scaled != floor(scaled))
			return cli_error(2, "%s: '%s' is not a whole number", opt, s);
		overflow = overflow || scaled > 9.2e18 || scaled < -9.2e18;
		v = overflow ? 0 : (long long)scaled;
	}
	if (overflow || v < min || v > max)
		return cli_error(2, "%s: '%s' is out of range (%lld..%lld)", opt, s, min, max);
	*out = v;
	return 0;
}

int cli_parse_real(const char *opt, const char *s, double min, double max, int min_open,
		   const struct cli_unit *units, double *out)
{
	char *end;
	if (!*s || isspace((unsigned char)*s))
		return cli_error(2, "%s: '%s' is not a number", opt, s);
	errno = 0;
	double v = strtod(s, &end);
	/* strtod also takes "inf", "nan" and hex: only plain decimals are numbers here. */
	for (const char *p = s; p < end; p++)
		if (!isdigit((unsigned char)*p) && !strchr("+-.eE", *p))
			return cli_error(2, "%s: '%s' is not a number", opt, s);
	if (end == s)
		return bad_suffix(opt, s, "a number", units);
	if (*end) {
		double scale = unit_scale(units, end);
		if (scale <= 0)
			return bad_suffix(opt, s, "a number", units);
		v *= scale;
	}
	if (errno == ERANGE || !isfinite(v) || v < min || v > max || (min_open && v == min))
		return min_open ? cli_error(2, "%s: '%s' is out of range (more than %g, at most %g)",
					    opt, s, min, max)
				: cli_error(2, "%s: '%s' is out of range (%g..%g)", opt, s, min, max);
	*out = v;
	return 0;
}

/* One decimal id at [s, e) into *v; 0 when it is not one. */
static int parse_one_id(const char *s, const char *e, long *v)
{
	if (s == e || e - s > 18)
		return 0;
	long x = 0;
	for (const char *p = s; p < e; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		x = x * 10 + (*p - '0');
	}
	*v = x;
	return 1;
}

int cli_parse_ids(const char *opt, const char *s, int ranges, long min, long max,
		  const char *what, int **ids, size_t *nr, size_t *alloc)
{
	const char *p = s;
	if (!*s)
		return cli_error(2, "%s: empty list; expected %s", opt, what);
	for (;;) {
		const char *e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		int len = (int)(e - p);
		long lo, hi;
		const char *dash = ranges ? memchr(p, '-', (size_t)(e - p)) : NULL;
		int okay = dash && dash > p ? parse_one_id(p, dash, &lo) && parse_one_id(dash + 1, e, &hi)
					    : parse_one_id(p, e, &lo) && (hi = lo, 1);
		if (!len)
			return cli_error(2, "%s: '%s' has an empty item; expected %s", opt, s, what);
		if (!okay)
			return cli_error(2, "%s: '%.*s' is not %s", opt, len, p, what);
		if (lo < min || hi > max)
			return cli_error(2, "%s: '%.*s' is out of range (%ld..%ld)", opt, len, p, min, max);
		if (hi < lo)
			return cli_error(2, "%s: '%.*s' is a range that ends before it starts", opt, len, p);
		for (long v = lo; v <= hi; v++) {
			int dup = 0;
			for (size_t k = 0; k < *nr && !dup; k++)
				dup = (*ids)[k] == v;
			if (dup) {
				cli_warn("%s: %ld is given more than once; using it once", opt, v);
				continue;
			}
			ALLOC_GROW(*ids, *nr + 1, *alloc);
			(*ids)[(*nr)++] = (int)v;
		}
		if (!*e)
			return 0;
		p = e + 1;
	}
}
