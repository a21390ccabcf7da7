/* Option-value parsing shared by the subcommands. */
#include "cli/cli.h"

#include <string.h>

const char *cli_opt_value(const char *name, int argc, char **argv, int *i, int *bad)
{
	size_t n = strlen(name);
	const char *arg = argv[*i];
	if (strncmp(arg, name, n) || (arg[n] && arg[n] != '='))
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (*i + 1 >= argc) {
		cli_error(2, "%s needs a value", name);
		*bad = 1;
		return NULL;
	}
	return argv[++*i];
}
