/* symbolize/ against binutils' addr2line, a reference independent of libdw (test_symbolize.c
 * compares with eu-addr2line, which reads DWARF with the same library as stoke).  The same
 * fixtures (testdata/sym_fixture.c, .cc: PIE, non-PIE, -O0, a shared library, a stripped binary
 * with a separate debug file, C++) looked up address by address with `addr2line -f -i -C -e`:
 * function (demangled), inline chain and file:line must agree.  Documented differences (see
 * same_function in t_symref.h, and the parser below): binutils appends " (discriminator N)" to some lines, and names
 * functions from DWARF where stoke (like perf) names them from the symbol table. */
#include "t_symref.h"

static char dir[] = "/tmp/stoke-test-a2l.XXXXXX";
static int discriminators; /* how often the documented difference was met */

/* binutils appends " (discriminator N)" to some lines: not part of file:line. */
static void drop_discriminator(char *line)
{
	char *disc = strstr(line, " (discriminator ");
	if (disc) {
		*disc = '\0';
		discriminators++;
	}
}

int main(void)
{
	elf_version(EV_CURRENT);
	if (system("command -v addr2line >/dev/null 2>&1") != 0) {
		T_SKIP("symbolize vs addr2line", "addr2line (binutils) is not installed");
		T_DONE();
	}
	struct symref ref = { .tool = "addr2line", .name = "binutils addr2line",
			      .trim = drop_discriminator };
	symref_run(&ref, dir);
	printf("# lines with a discriminator: %d; bare DWARF names taken as stoke's qualified: %d\n",
	       discriminators, ref.bare_names);
	T_DONE();
}
