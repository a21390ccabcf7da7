/* libFuzzer target: folded-stack text from any tool, parsed and written back. */
#include "common/strbuf.h"
#include "report/folded.h"
#include "report/tree.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tree *t = tree_new();
	struct folded_stats st;
	struct folded_opts o = { .annotate = 1 };
	struct strbuf out = STRBUF_INIT;
	folded_sniff((const char *)data, size);
	folded_parse(t, (const char *)data, size, NULL, NULL, &st);
	tree_sort(t);
	folded_write(t, &o, &out);
	strbuf_release(&out);
	tree_free(t);
	return 0;
}
