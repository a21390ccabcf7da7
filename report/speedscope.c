/* speedscope writer: shared frames, one sampled profile per thread. */
#include "report/speedscope.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

#define SPEEDSCOPE_SCHEMA "https://www.speedscope.app/file-format-schema.json"

struct writer {
	struct strbuf out;
	int fd, err;
};

static void flush(struct writer *w, size_t threshold)
{
	if (w->out.len < threshold || w->err)
		return;
	w->err = strbuf_write_fd(&w->out, w->fd);
	strbuf_reset(&w->out);
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void add_json_string(struct strbuf *b, const char *s)
{
	strbuf_addch(b, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			strbuf_addch(b, '\\');
			strbuf_addch(b, (char)*c);
		} else if (*c < 0x20) {
			strbuf_addf(b, "\\u%04x", *c);
		} else {
			strbuf_addch(b, (char)*c);
		}
	}
	strbuf_addch(b, '"');
}

/* Frame indexes of a stack, root first: locations from the outermost, each
 * location's lines from the function the others were inlined into. */
static void add_stack(struct strbuf *b, const struct export_profile *p, const struct export_stack *s)
{
	int first = 1;
	strbuf_addch(b, '[');
	for (uint32_t i = s->nr; i-- > 0;) {
		const struct export_location *l = &p->locations[p->stack_locs[s->first + i]];
		for (uint32_t k = l->nr_lines; k-- > 0;) {
			strbuf_addf(b, first ? "%u" : ",%u", p->lines[l->first_line + k].function);
			first = 0;
		}
	}
	strbuf_addch(b, ']');
}

static void add_thread(struct writer *w, const struct export_profile *p,
		       const struct export_thread *t, const size_t *stack_off, const struct strbuf *stacks)
{
	struct strbuf *b = &w->out;
	int time = !strcmp(p->value_unit, "nanoseconds");
	strbuf_adds(b, "{\"type\":\"sampled\",\"name\":");
	if (p->is_folded) {
		add_json_string(b, t->name);
	} else {
		struct strbuf name = STRBUF_INIT;
		strbuf_addf(&name, "%s %u/%u", t->name, t->pid, t->tid);
		add_json_string(b, name.buf);
		strbuf_release(&name);
	}
	strbuf_addf(b, ",\"unit\":\"%s\",\"startValue\":0,\"endValue\":%llu,\"samples\":[",
		    time ? "nanoseconds" : "none", (unsigned long long)t->weight);
	for (size_t i = 0; i < t->nr_samples; i++) {
		uint32_t s = t->samples[i].stack;
		if (i)
			strbuf_addch(b, ',');
		strbuf_add(b, stacks->buf + stack_off[s], stack_off[s + 1] - stack_off[s]);
		flush(w, 1 << 20);
	}
	strbuf_adds(b, "],\"weights\":[");
	for (size_t i = 0; i < t->nr_samples; i++) {
		strbuf_addf(b, i ? ",%llu" : "%llu", (unsigned long long)t->samples[i].weight);
		flush(w, 1 << 20);
	}
	strbuf_adds(b, "]}");
}

int speedscope_write(const struct export_profile *p, const char *name, int fd)
{
	struct writer w = { .fd = fd };
	struct strbuf stacks = STRBUF_INIT; /* every stack's JSON array, once */
	size_t *stack_off = xmalloc((p->nr_stacks + 1) * sizeof(*stack_off));

	strbuf_init(&w.out);
	for (size_t i = 0; i < p->nr_stacks; i++) {
		stack_off[i] = stacks.len;
		add_stack(&stacks, p, &p->stacks[i]);
	}
	stack_off[p->nr_stacks] = stacks.len;

	strbuf_adds(&w.out, "{\"$schema\":\"" SPEEDSCOPE_SCHEMA "\",\"exporter\":\"stoke\",\"name\":");
	add_json_string(&w.out, name);
	strbuf_adds(&w.out, ",\"activeProfileIndex\":0,\"shared\":{\"frames\":[");
	for (size_t i = 0; i < p->nr_functions; i++) {
		const struct export_function *f = &p->functions[i];
		strbuf_adds(&w.out, i ? ",{\"name\":" : "{\"name\":");
		add_json_string(&w.out, f->name);
		if (f->file) {
			strbuf_adds(&w.out, ",\"file\":");
			add_json_string(&w.out, f->file);
		}
		strbuf_addch(&w.out, '}');
		flush(&w, 1 << 20);
	}
	strbuf_adds(&w.out, "]},\"profiles\":[");
	for (size_t i = 0; i < p->nr_threads; i++) {
		if (i)
			strbuf_addch(&w.out, ',');
		add_thread(&w, p, &p->threads[i], stack_off, &stacks);
	}
	strbuf_adds(&w.out, "]}\n");
	flush(&w, 0);
	free(stack_off);
	strbuf_release(&stacks);
	strbuf_release(&w.out);
	return w.err;
}
