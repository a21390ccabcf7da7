/* symbolize/ against eu-addr2line: fixtures from testdata/ built now (PIE, non-PIE, -O0, a shared
 * library, a stripped binary with a separate debug file, and C++ with templates and namespaces),
 * mapped into a synthetic process, looked up address by address; function (demangled), inline
 * chain and file:line must agree. */
#include "t_symref.h"

static char dir[] = "/tmp/stoke-test-sym.XXXXXX";

/* eu-addr2line prints file:line:column: drop the column. */
static void drop_column(char *line)
{
	char *colon = strrchr(line, ':');
	char *first = strchr(line, ':');
	if (colon && first && colon != first)
		*colon = '\0';
}

int main(void)
{
	elf_version(EV_CURRENT);
	if (system("command -v eu-addr2line >/dev/null 2>&1") != 0) {
		T_SKIP("symbolize vs eu-addr2line", "eu-addr2line (elfutils) is not installed");
		T_DONE();
	}
	struct symref ref = { .tool = "eu-addr2line", .name = "eu-addr2line", .trim = drop_column };
	symref_run(&ref, dir);
	T_DONE();
}
