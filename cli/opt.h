/* opt.h — one option table per command: parsing, `stoke help CMD` and the man page come from it.
 *
 * A command describes itself once, in a struct cli_table: its usage lines,
 * a paragraph about it, its options (spelling, value, help line and where the
 * value goes) and the shared groups it includes (the report filters of
 * profile_args.c, the comparison options of diff).  cli_parse() walks argv
 * with it; cli_help_print() and cli_help_man() print it.  Values are checked
 * by cli/args.h; every error is one line and exit code 2.
 */
#ifndef STOKE_CLI_OPT_H
#define STOKE_CLI_OPT_H

#include <stddef.h>

struct cli_unit;
struct cli_table;

enum cli_opt_kind {
	CLI_END = 0, /* ends a table's options */
	CLI_SET,     /* a flag: int at off = val */
	CLI_STR,     /* a value: const char * at off = the value (a string of argv) */
	CLI_INT,     /* a value: long long at off, an integer in [imin, imax] (units optional) */
	CLI_REAL,    /* a value: double at off, a number in [rmin, rmax] (> rmin with open_min) */
	CLI_CHOICE,  /* a value: int at off = its index in choices ("self|total") */
	CLI_CALL,    /* call fn(ctx, spelling, value); the value is NULL for a flag */
	CLI_GROUP,   /* the options of group, their context at ctx + off */
};

/*
 * offsetof(type, field) for .off, refused at compile time unless the field is of
 * type `want`: int for CLI_SET and CLI_CHOICE, const char * for CLI_STR, long long
 * for CLI_INT, double for CLI_REAL, the group's context for CLI_GROUP.
 */
#define CLI_AT(type, field, want)                                                         \
	(offsetof(type, field) +                                                          \
	 0 * sizeof(char[__builtin_types_compatible_p(__typeof__(((type *)0)->field), want) \
			 ? 1 : -1]))

struct cli_opt {
	const char *name;   /* long spelling, "--top"; or NULL */
	char letter;        /* short spelling, 'o' for "-o"; or 0 */
	const char *arg;    /* the value's name in help ("N"); NULL: takes no value */
	const char *help;   /* one paragraph, wrapped when printed; NULL: not listed (an alias) */
	enum cli_opt_kind kind;
	size_t off;         /* where the value goes in the context (offsetof) */
	int val;            /* CLI_SET */
	long long imin, imax;                   /* CLI_INT */
	double rmin, rmax;                      /* CLI_REAL */
	int open_min;                           /* CLI_REAL: the minimum itself is refused */
	const struct cli_unit *units;           /* CLI_INT, CLI_REAL: optional unit suffixes */
	const char *choices;                    /* CLI_CHOICE: "a|b|c" */
	/* CLI_CALL: 0, or an exit code after one error line.  `opt` is the spelling given. */
	int (*fn)(void *ctx, const char *opt, const char *value);
	/* A flag whose value is optional (CLI_CALL with arg NULL): the next argument is
	 * taken as its value when it exists and maybe(next) says so ("-g fp"). */
	int (*maybe)(const char *next);
	const struct cli_table *group;          /* CLI_GROUP; help is the group's heading */
};

/* A man page section beyond NAME, SYNOPSIS, DESCRIPTION and OPTIONS. */
struct cli_section {
	const char *title; /* "ERRORS" */
	const char *text;  /* paragraphs, as about */
};

enum {
	CLI_OPTIONS_FIRST = 1,  /* options end at the first argument that is not one (record) */
	CLI_DASHDASH_REST = 2,  /* after "--" comes a command, not more arguments (flamegraph) */
};

struct cli_table {
	const char *name;    /* the command, "report"; for a group, what it is */
	const char *summary; /* one line for `stoke --help` and the man page's NAME */
	const char *usage;   /* lines after "stoke ", '\n' between: "report [options] [FILE]" */
	/* Text of the help and the man page's DESCRIPTION: lines as printed, paragraphs
	 * apart by an empty line; a paragraph whose lines start with a space is kept as is. */
	const char *about;
	const struct cli_opt *opts; /* ended by kind CLI_END */
	const char *epilogue;       /* as about, after the options */
	const struct cli_section *man; /* more man page sections, ended by { NULL }; or NULL */
	unsigned flags;
	/* 1: at most one input file, the message "CMD: one input file only ('A' and 'B')";
	 * 0: the command checks its arguments itself. */
	int max_args;
};

/* What cli_parse leaves for the command; release with cli_args_release. */
struct cli_args {
	const char **pos; /* the arguments that are not options, in order */
	int nr_pos;
	char **rest;      /* CLI_OPTIONS_FIRST, CLI_DASHDASH_REST: the command and its arguments */
	int nr_rest;      /* 0: none given; rest[nr_rest] is NULL */
	int dashdash;     /* "--" was given */
};

/*
 * Parse argv[1..argc) (argv[0] is the command's name) into ctx by table t.
 * -h and --help print the help.  Returns -1 when the command goes on, or
 * the exit code it returns now: 0 after the help, 2 after one error line.
 */
int cli_parse(const struct cli_table *t, void *ctx, int argc, char **argv, struct cli_args *a);
void cli_args_release(struct cli_args *a);

/* The help of t on stdout, as `stoke help CMD` prints it. */
void cli_help_print(const struct cli_table *t);
/* The man page of t (roff) on stdout; `also` names the other pages for SEE ALSO. */
void cli_help_man(const struct cli_table *t, const char *const *also);

#endif
