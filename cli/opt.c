/* The one option parser: walks a command's table (see opt.h). */
#include "cli/opt.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The option spelled `name` (a long one) or `letter` in t, and its context. */
static const struct cli_opt *find(const struct cli_table *t, void *ctx, const char *name,
				  size_t len, char letter, void **octx)
{
	for (const struct cli_opt *o = t->opts; o && o->kind != CLI_END; o++) {
		if (o->kind == CLI_GROUP) {
			const struct cli_opt *g = find(o->group, (char *)ctx + o->off, name, len, letter,
						       octx);
			if (g)
				return g;
			continue;
		}
		if (name ? o->name && strlen(o->name) == len && !strncmp(o->name, name, len)
			 : o->letter && o->letter == letter) {
			*octx = ctx;
			return o;
		}
	}
	return NULL;
}

/* "self|total" -> "self or total", "dot|svg|png" -> "dot, svg or png". */
static void choice_list(const char *choices, char *buf, size_t size)
{
	size_t n = 0, bars = 0, seen = 0;
	for (const char *p = choices; *p; p++)
		bars += *p == '|';
	for (const char *p = choices; *p && n + 6 < size; p++) {
		if (*p != '|') {
			buf[n++] = *p;
			continue;
		}
		const char *sep = ++seen == bars ? " or " : ", ";
		n += (size_t)snprintf(buf + n, size - n, "%s", sep);
	}
	buf[n < size ? n : size - 1] = '\0';
}

static int parse_choice(const struct cli_opt *o, const char *opt, const char *v, int *out)
{
	const char *p = o->choices;
	size_t len = strlen(v);
	for (int k = 0; p; k++) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == len && !strncmp(p, v, n)) {
			*out = k;
			return 0;
		}
		p = bar ? bar + 1 : NULL;
	}
	char names[128];
	choice_list(o->choices, names, sizeof(names));
	return cli_error(2, "%s: expected %s, not '%s'", opt, names, v);
}

static int apply(const struct cli_opt *o, void *ctx, const char *opt, const char *v)
{
	void *p = (char *)ctx + o->off;
	switch (o->kind) {
	case CLI_SET:
		*(int *)p = o->val;
		return 0;
	case CLI_STR:
		*(const char **)p = v;
		return 0;
	case CLI_INT:
		return cli_parse_int(opt, v, o->imin, o->imax, o->units, (long long *)p);
	case CLI_REAL:
		return cli_parse_real(opt, v, o->rmin, o->rmax, o->open_min, o->units, (double *)p);
	case CLI_CHOICE:
		return parse_choice(o, opt, v, (int *)p);
	case CLI_CALL:
		return o->fn(ctx, opt, v);
	default:
		return cli_error(2, "%s: not an option", opt);
	}
}

static void add_pos(struct cli_args *a, const char *arg, int argc)
{
	if (!a->pos)
		a->pos = xcalloc((size_t)argc + 1, sizeof(*a->pos));
	a->pos[a->nr_pos++] = arg;
}

static int parse(const struct cli_table *t, void *ctx, int argc, char **argv, struct cli_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "--")) {
			a->dashdash = 1;
			if (t->flags & (CLI_OPTIONS_FIRST | CLI_DASHDASH_REST)) {
				a->rest = argv + i + 1;
				a->nr_rest = argc - i - 1;
				return -1;
			}
			while (++i < argc)
				add_pos(a, argv[i], argc);
			return -1;
		}
		if (arg[0] != '-' || !arg[1]) {
			if (t->flags & CLI_OPTIONS_FIRST) {
				a->rest = argv + i;
				a->nr_rest = argc - i;
				return -1;
			}
			add_pos(a, arg, argc);
			continue;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			cli_help_print(t);
			return 0;
		}
		/* "--name", "--name=value", "-x", "-x=value" */
		const char *name = arg[1] == '-' ? arg : NULL, *eq = strchr(arg, '=');
		const char *value = eq ? eq + 1 : NULL;
		size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
		void *octx = NULL;
		const struct cli_opt *o = NULL;
		if (name || len == 2)
			o = find(t, ctx, name, len, name ? 0 : arg[1], &octx);
		if (!o)
			return cli_error(2, "%s: unknown option '%s'; see 'stoke help %s'", t->name, arg,
					 t->name);
		char shortname[3] = { '-', o->letter, '\0' };
		const char *spelling = name ? o->name : shortname;
		if (o->arg && !value) {
			if (i + 1 >= argc)
				return cli_error(2, "%s needs a value; see 'stoke help %s'", spelling,
						 t->name);
			value = argv[++i];
		} else if (!o->arg && value) {
			return cli_error(2, "%s: %s takes no value; see 'stoke help %s'", t->name,
					 spelling, t->name);
		} else if (o->maybe && i + 1 < argc && o->maybe(argv[i + 1])) {
			value = argv[++i];
		}
		int rc = apply(o, octx, spelling, value);
		if (rc)
			return rc;
	}
	return -1;
}

int cli_parse(const struct cli_table *t, void *ctx, int argc, char **argv, struct cli_args *a)
{
	memset(a, 0, sizeof(*a));
	int rc = parse(t, ctx, argc, argv, a);
	if (rc < 0 && t->max_args == 1 && a->nr_pos > 1)
		return cli_error(2, "%s: one input file only ('%s' and '%s')", t->name, a->pos[0],
				 a->pos[1]);
	return rc;
}

void cli_args_release(struct cli_args *a)
{
	free(a->pos);
	a->pos = NULL;
	a->nr_pos = 0;
}
