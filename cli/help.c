/* Help and man pages, both printed from a command's option table; the shared error printers. */
#include "cli/cli.h"
#include "cli/opt.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HELP_COLUMN 22 /* where an option's help text starts */
#define HELP_WIDTH 80  /* the lines' length at the most */

/* "-o, --output FILE" */
static int label(const struct cli_opt *o, char *buf, size_t size)
{
	int n = 0;
	if (o->letter)
		n += snprintf(buf + n, size - (size_t)n, "-%c%s", o->letter, o->name ? ", " : "");
	if (o->name)
		n += snprintf(buf + n, size - (size_t)n, "%s", o->name);
	if (o->arg)
		n += snprintf(buf + n, size - (size_t)n, " %s", o->arg);
	return n;
}

/* Print text from column col, wrapped at HELP_WIDTH with continuation lines at indent. */
static void wrap(FILE *f, const char *text, int col, int indent)
{
	const char *p = text;
	int first = 1;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		if (!first && col + 1 + (int)n > HELP_WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, n, f);
		col += (int)n;
		p += n;
		first = 0;
	}
	fputc('\n', f);
}

static void print_opts(const struct cli_table *t)
{
	for (const struct cli_opt *o = t->opts; o && o->kind != CLI_END; o++) {
		if (o->kind == CLI_GROUP || !o->help)
			continue;
		char buf[96];
		int n = label(o, buf, sizeof(buf));
		if (n <= HELP_COLUMN - 4)
			printf("  %-*s", HELP_COLUMN - 2, buf);
		else
			printf("  %s  ", buf);
		wrap(stdout, o->help, n <= HELP_COLUMN - 4 ? HELP_COLUMN : n + 4, HELP_COLUMN);
	}
	for (const struct cli_opt *o = t->opts; o && o->kind != CLI_END; o++) {
		if (o->kind != CLI_GROUP)
			continue;
		if (o->help)
			printf("\n%s\n", o->help);
		print_opts(o->group);
	}
}

static int has_opts(const struct cli_table *t)
{
	return t->opts && t->opts[0].kind != CLI_END;
}

void cli_help_print(const struct cli_table *t)
{
	const char *u = t->usage;
	for (int k = 0; *u; k++) {
		size_t n = strcspn(u, "\n");
		printf("%s stoke %.*s\n", k ? "      " : "usage:", (int)n, u);
		u += n + (u[n] == '\n');
	}
	if (t->about)
		printf("\n%s", t->about);
	if (has_opts(t)) {
		fputc('\n', stdout);
		print_opts(t);
	}
	if (t->epilogue)
		printf("\n%s", t->epilogue);
}

/* roff: a backslash, a dash that starts a word (an option; with dashes, every dash), a
 * leading dot or quote. */
static void roff_dashes(const char *s, size_t n, int dashes)
{
	if (n && (*s == '.' || *s == '\''))
		fputs("\\&", stdout);
	for (size_t k = 0; k < n; k++) {
		if (s[k] == '\\')
			fputs("\\e", stdout);
		else if (s[k] == '-' && (dashes || !k || !isalnum((unsigned char)s[k - 1])))
			fputs("\\-", stdout);
		else
			fputc(s[k], stdout);
	}
}

/* Paragraphs apart by an empty line: indented ones kept as they are, others filled. */
static void roff(const char *s, size_t n)
{
	roff_dashes(s, n, 0);
}

static void man_text(const char *text)
{
	const char *p = text;
	int first = 1;
	while (*p) {
		while (*p == '\n')
			p++;
		if (!*p)
			break;
		const char *end = strstr(p, "\n\n");
		if (!end)
			end = p + strlen(p);
		int kept = 0;
		for (const char *l = p; l < end; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : end)
			kept |= *l == ' ';
		if (!first)
			puts(".PP");
		if (kept)
			puts(".nf");
		while (p < end) {
			size_t n = strcspn(p, "\n");
			if (p + n > end)
				n = (size_t)(end - p);
			roff(p, n);
			fputc('\n', stdout);
			p += n + (p[n] == '\n');
		}
		if (kept)
			puts(".fi");
		first = 0;
	}
}

static void man_opts(const struct cli_table *t)
{
	for (const struct cli_opt *o = t->opts; o && o->kind != CLI_END; o++) {
		if (o->kind == CLI_GROUP || !o->help)
			continue;
		puts(".TP");
		if (o->letter)
			printf("\\fB\\-%c\\fR%s", o->letter, o->name ? ", " : "");
		if (o->name) {
			fputs("\\fB", stdout);
			roff_dashes(o->name, strlen(o->name), 1);
			fputs("\\fR", stdout);
		}
		if (o->arg) {
			fputs(" \\fI", stdout);
			roff_dashes(o->arg, strlen(o->arg), 1);
			fputs("\\fR", stdout);
		}
		fputc('\n', stdout);
		roff(o->help, strlen(o->help));
		fputc('\n', stdout);
	}
	for (const struct cli_opt *o = t->opts; o && o->kind != CLI_END; o++) {
		if (o->kind != CLI_GROUP)
			continue;
		if (o->help) {
			size_t n = strlen(o->help);
			fputs(".SS ", stdout);
			roff(o->help, n && o->help[n - 1] == ':' ? n - 1 : n);
			fputc('\n', stdout);
		}
		man_opts(o->group);
	}
}

void cli_help_man(const struct cli_table *t, const char *const *also)
{
	char up[32];
	size_t k;
	for (k = 0; t->name[k] && k + 1 < sizeof(up); k++)
		up[k] = (char)toupper((unsigned char)t->name[k]);
	up[k] = '\0';
	printf(".\\\" generated from cli/cmd_%s.c by docs/man/generate.sh; do not edit\n", t->name);
	printf(".TH STOKE-%s 1 \"2026\" \"stoke %s\" \"stoke manual\"\n", up, STOKE_VERSION);
	printf(".SH NAME\nstoke-%s \\- ", t->name);
	roff(t->summary, strlen(t->summary));
	puts("\n.SH SYNOPSIS\n.nf");
	for (const char *u = t->usage; *u;) {
		size_t n = strcspn(u, "\n");
		fputs("stoke ", stdout);
		roff(u, n);
		fputc('\n', stdout);
		u += n + (u[n] == '\n');
	}
	puts(".fi");
	if (t->about) {
		puts(".SH DESCRIPTION");
		man_text(t->about);
	}
	if (has_opts(t)) {
		puts(".SH OPTIONS");
		man_opts(t);
	}
	if (t->epilogue) {
		puts(".SH NOTES");
		man_text(t->epilogue);
	}
	for (const struct cli_section *s = t->man; s && s->title; s++) {
		printf(".SH %s\n", s->title);
		man_text(s->text);
	}
	puts(".SH SEE ALSO");
	for (int n = 0; also && also[n]; n++)
		printf(".BR stoke-%s (1)%s\n", also[n], also[n + 1] ? "," : "");
}

static const struct cli_command *command(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->table; c++)
		if (!strcmp(c->table->name, name))
			return c;
	return NULL;
}

int cli_help(const char *name, int man)
{
	const struct cli_command *c = command(name);
	if (!c) {
		fprintf(stderr, "stoke: no help for '%s'; see 'stoke --help'\n", name);
		return 2;
	}
	if (!man) {
		cli_help_print(c->table);
		return 0;
	}
	const char *also[16];
	size_t n = 0;
	for (const struct cli_command *o = cli_commands; o->table && n + 1 < 16; o++)
		if (o != c)
			also[n++] = o->table->name;
	also[n] = NULL;
	cli_help_man(c->table, also);
	return 0;
}

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("stoke: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("stoke: warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void cli_warn_cb(void *ctx, const char *msg)
{
	(void)ctx;
	cli_warn("%s", msg);
}
