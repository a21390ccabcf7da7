/* args.h — the one checker for option values: numbers (signed, ranges, units) and id lists.
 *
 * Every command parses its numeric and list values here, so "-F -5", "--top x"
 * and "-p 1,1" get the same treatment everywhere.  Each function prints at
 * most one error line ("stoke: OPT: 'VALUE' ...") and returns 0, or 2 (the
 * usage exit code) after printing.  Values are read in place: nothing is
 * freed before it is printed.
 */
#ifndef STOKE_CLI_ARGS_H
#define STOKE_CLI_ARGS_H

#include <stddef.h>

/* A unit suffix and what one of it is worth ("K" = 1024, "ms" = 0.001). */
struct cli_unit {
	const char *suffix;
	double scale;
};

/*
 * An integer for `opt` in [min, max] (decimal, optional sign).  With units
 * (a table ended by { NULL, 0 }), a suffix from it scales the number first;
 * without, any suffix is an error.  0 and *out set, or 2 after one error line.
 */
int cli_parse_int(const char *opt, const char *s, long long min, long long max,
		  const struct cli_unit *units, long long *out);

/*
 * A real number for `opt` in [min, max]; with min_open the minimum itself is
 * refused (a value that must be > min).  Units as for cli_parse_int.
 */
int cli_parse_real(const char *opt, const char *s, double min, double max, int min_open,
		   const struct cli_unit *units, double *out);

/*
 * A comma-separated list of ids ("4,7", or with ranges "0-3,6") for `opt`,
 * each in [min, max], appended to *ids (grown with ALLOC_GROW; caller frees).
 * `what` names one id in messages ("a process id").  An id given twice is
 * kept once, with one notice line per duplicate.  0, or 2 after one error line.
 */
int cli_parse_ids(const char *opt, const char *s, int ranges, long min, long max,
		  const char *what, int **ids, size_t *nr, size_t *alloc);

/* The units of a duration in seconds: s, ms, us, m, h. */
extern const struct cli_unit cli_units_seconds[];

#endif
