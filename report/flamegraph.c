#include "report/flamegraph.h"
#include "common/util.h"
#include "gen/flamegraph_js.h" /* const char flamegraph_js[]: report/flamegraph.js */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Layout shared with the script (passed in the data, not duplicated there). */
enum {
	PAD = 10,         /* left and right margin */
	FRAME_H = 16,     /* height of one frame row */
	TOP = 70,         /* title, subtitle and the button row */
	BOTTOM = 34,      /* details line and "Matched:" */
	PANEL_LINE = 16,  /* one line of the only-in-other panel */
	PANEL_MAX = 20,   /* lines listed there */
};

#define DEFAULT_MAX_FRAMES 1500000

void flamegraph_opts_init(struct flamegraph_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->width = 1200;
	o->minwidth = 0.1;
}


/*
 * Append s as a JSON string literal.  <, > and & are escaped too, so the
 * JSON is also plain XML text and cannot close or open any markup.
 */
static void add_json_str(struct strbuf *sb, const char *s, const char *suffix)
{
	strbuf_addch(sb, '"');
	for (int part = 0; part < 2; part++, s = suffix) {
		const unsigned char *p = (const unsigned char *)s;
		while (p && *p) {
			size_t n = strbuf_utf8_len(p);
			if (!n) {
				strbuf_adds(sb, "\\ufffd");
				p++;
				continue;
			}
			if (*p == '"' || *p == '\\')
				strbuf_addf(sb, "\\%c", *p);
			else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
				strbuf_addf(sb, "\\u%04x", *p);
			else
				strbuf_add(sb, p, n);
			p += n;
		}
	}
	strbuf_addch(sb, '"');
}

static const char *kind_suffix(enum frame_kind k)
{
	switch (k) {
	case FRAME_KERNEL: return "_[k]";
	case FRAME_INLINE: return "_[i]";
	case FRAME_JIT: return "_[j]";
	default: return "";
	}
}

/* Kind codes the script understands (index into its palette table). */
static int kind_code(enum frame_kind k)
{
	switch (k) {
	case FRAME_USER: return 0;
	case FRAME_KERNEL: return 1;
	case FRAME_JIT: return 2;
	case FRAME_INLINE: return 3;
	case FRAME_UNKNOWN: return 4;
	default: return 5; /* root, truncated marker */
	}
}

/* ---- Matching frames of one tree to the other (differential mode). ---- */

struct frame_map {
	const struct tree *from, *to;
	uint32_t *sorted;  /* frame ids of `to`, sorted by (name, module, kind) */
	uint32_t *cache;   /* from-frame id -> to-frame id; CACHE_UNSET until looked up */
};

#define CACHE_UNSET (TREE_NONE - 1)

static int cmp_frame_key(const struct tree_frame *a, const struct tree_frame *b)
{
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	c = strcmp(a->module ? a->module : "", b->module ? b->module : "");
	if (c)
		return c;
	return (int)a->kind - (int)b->kind;
}

static int cmp_frame_ids(const void *a, const void *b, void *tree)
{
	return cmp_frame_key(tree_frame(tree, *(const uint32_t *)a),
			     tree_frame(tree, *(const uint32_t *)b));
}

static void frame_map_init(struct frame_map *m, const struct tree *from, const struct tree *to)
{
	size_t nto = tree_nr_frames(to), nfrom = tree_nr_frames(from);
	m->from = from;
	m->to = to;
	m->sorted = xmalloc((nto ? nto : 1) * sizeof(*m->sorted));
	for (size_t i = 0; i < nto; i++)
		m->sorted[i] = (uint32_t)i;
	xsort_r(m->sorted, nto, sizeof(*m->sorted), cmp_frame_ids, (void *)to);
	m->cache = xmalloc((nfrom ? nfrom : 1) * sizeof(*m->cache));
	for (size_t i = 0; i < nfrom; i++)
		m->cache[i] = CACHE_UNSET;
}

static void frame_map_release(struct frame_map *m)
{
	free(m->sorted);
	free(m->cache);
}

static uint32_t frame_map_get(struct frame_map *m, uint32_t id)
{
	if (m->cache[id] != CACHE_UNSET)
		return m->cache[id];
	const struct tree_frame *key = tree_frame(m->from, id);
	size_t lo = 0, hi = tree_nr_frames(m->to);
	uint32_t found = TREE_NONE;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_frame_key(key, tree_frame(m->to, m->sorted[mid]));
		if (!c) {
			found = m->sorted[mid];
			break;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return m->cache[id] = found;
}

/* Node of `to` for the child of `to_parent` matching from-node's frame. */
static uint32_t frame_map_child(struct frame_map *m, uint32_t to_parent, uint32_t from_node)
{
	if (to_parent == TREE_NONE)
		return TREE_NONE;
	uint32_t f = frame_map_get(m, tree_node(m->from, from_node)->frame);
	return f == TREE_NONE ? TREE_NONE : tree_child(m->to, to_parent, f);
}

/* ---- The frame data. ---- */

/*
 * A JSON array written as consecutive <metadata class="CLS">[...]</metadata>
 * chunks that the script concatenates: XML parsers limit one text node (libxml2
 * to 10 MB without its "huge" option), and a large profile exceeds that.
 */
struct jarray {
	const char *cls;      /* class of the chunks */
	struct strbuf chunk;  /* elements of the chunk being filled, comma-separated */
	struct strbuf xml;    /* finished chunks */
};

#define CHUNK_BYTES (1 << 20)

static void jarray_init(struct jarray *a, const char *cls)
{
	a->cls = cls;
	strbuf_init(&a->chunk);
	strbuf_init(&a->xml);
}

static void jarray_flush(struct jarray *a)
{
	if (!a->chunk.len)
		return;
	strbuf_addf(&a->xml, "<metadata class=\"%s\">[", a->cls);
	strbuf_add(&a->xml, a->chunk.buf, a->chunk.len);
	strbuf_adds(&a->xml, "]</metadata>\n");
	strbuf_reset(&a->chunk);
}

/* Call before appending one element to a->chunk. */
static struct strbuf *jarray_next(struct jarray *a)
{
	if (a->chunk.len >= CHUNK_BYTES)
		jarray_flush(a);
	else if (a->chunk.len)
		strbuf_addch(&a->chunk, ',');
	return &a->chunk;
}

static void jarray_release(struct jarray *a)
{
	strbuf_release(&a->chunk);
	strbuf_release(&a->xml);
}

struct render {
	const struct tree *shape;  /* the tree whose widths are drawn */
	const struct tree *other;  /* diff: the other profile, else NULL */
	const struct flamegraph_opts *o;
	uint64_t min_total;        /* lightest frame kept in the data */
	uint32_t *name_idx;        /* shape frame id -> index in names[], TREE_NONE if unused */
	size_t nr_names;
	struct jarray names;       /* display names; index 0 is "all" */
	struct jarray kinds;       /* kind code per name */
	struct jarray src;         /* [name index, "file:line"] pairs */
	struct jarray nodes;       /* pre-order frames: name index, total, depth */
	struct jarray other_vals;  /* diff: weight in the other profile per frame */
	struct jarray insignificant; /* diff: frames not significant */
	struct flamegraph_stats st;
};

static int drawable(struct render *r, uint32_t node)
{
	return tree_node(r->shape, node)->total >= r->min_total;
}

/* First drawable node in the sibling chain starting at n; counts the elided ones it passes. */
static uint32_t next_drawable(struct render *r, uint32_t n)
{
	for (; n != TREE_NONE; n = tree_node(r->shape, n)->next_sibling) {
		if (drawable(r, n))
			return n;
		r->st.elided++;
		r->st.elided_weight += tree_node(r->shape, n)->total;
	}
	return TREE_NONE;
}

static uint32_t name_of(struct render *r, uint32_t node)
{
	if (node == 0)
		return 0; /* "all", added first */
	uint32_t id = tree_node(r->shape, node)->frame;
	if (r->name_idx[id] != TREE_NONE)
		return r->name_idx[id];
	const struct tree_frame *f = tree_frame(r->shape, id);
	r->name_idx[id] = (uint32_t)r->nr_names++;
	add_json_str(jarray_next(&r->names), f->name, r->o->annotate ? kind_suffix(f->kind) : "");
	strbuf_addf(jarray_next(&r->kinds), "%d", kind_code(f->kind));
	if (f->file) {
		struct strbuf *sb = jarray_next(&r->src);
		char line[24] = "";
		if (f->line > 0)
			snprintf(line, sizeof(line), ":%d", f->line);
		strbuf_addf(sb, "[%u,", r->name_idx[id]);
		add_json_str(sb, f->file, line);
		strbuf_addch(sb, ']');
	}
	return r->name_idx[id];
}

static void emit_node(struct render *r, uint32_t node, size_t depth, uint32_t other_node)
{
	const struct tree_node *n = tree_node(r->shape, node);
	size_t i = r->st.frames++;
	uint32_t name = name_of(r, node);
	strbuf_addf(jarray_next(&r->nodes), "%u,%llu,%zu", name, (unsigned long long)n->total, depth);
	if (depth > r->st.max_depth)
		r->st.max_depth = depth;
	if (!r->other)
		return;
	uint64_t ov = other_node == TREE_NONE ? 0 : tree_node(r->other, other_node)->total;
	strbuf_addf(jarray_next(&r->other_vals), "%llu", (unsigned long long)ov);
	if (r->o->not_significant) {
		uint64_t before = r->o->negate ? n->total : ov, after = r->o->negate ? ov : n->total;
		if (r->o->not_significant(r->o->significance_ctx, node, before, after))
			strbuf_addf(jarray_next(&r->insignificant), "%zu", i);
	}
}

/* Pre-order walk of the drawable nodes of the shape tree. */
static void emit_nodes(struct render *r, struct frame_map *map)
{
	uint32_t *other_at = NULL; /* diff: matching node of `other` per depth */
	size_t alloc = 0, depth = 0;
	uint32_t n = 0;

	ALLOC_GROW(other_at, 1, alloc);
	other_at[0] = 0;
	for (;;) {
		emit_node(r, n, depth, other_at[depth]);
		uint32_t c = next_drawable(r, tree_node(r->shape, n)->first_child);
		if (c != TREE_NONE) {
			depth++;
		} else {
			while (n != 0) {
				c = next_drawable(r, tree_node(r->shape, n)->next_sibling);
				if (c != TREE_NONE)
					break;
				n = tree_node(r->shape, n)->parent;
				depth--;
			}
			if (c == TREE_NONE)
				break;
		}
		n = c;
		ALLOC_GROW(other_at, depth + 1, alloc);
		other_at[depth] = r->other ? frame_map_child(map, other_at[depth - 1], n) : TREE_NONE;
	}
	free(other_at);
}

/* ---- Subtrees only in the other profile (differential mode). ---- */

struct vanished {
	uint32_t node;   /* in the other tree */
	uint64_t total;
};

static int cmp_vanished(const void *a, const void *b)
{
	const struct vanished *x = a, *y = b;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return x->node < y->node ? -1 : x->node > y->node;
}

/*
 * Collect the top-most nodes of `other` whose path does not exist in the
 * shape tree.  Nodes are visited in index order, which puts every parent
 * before its children (tree_add creates them so), so shape_of[] of the parent
 * is known when a child is met.
 */
static struct vanished *find_vanished(struct render *r, size_t *nr)
{
	size_t n = tree_nr_nodes(r->other), cnt = 0, alloc = 0;
	uint32_t *shape_of = xmalloc(n * sizeof(*shape_of));
	struct vanished *v = NULL;
	struct frame_map back;

	frame_map_init(&back, r->other, r->shape);
	shape_of[0] = 0;
	for (size_t i = 1; i < n; i++) {
		uint32_t p = tree_node(r->other, (uint32_t)i)->parent;
		if (shape_of[p] == TREE_NONE || shape_of[p] == CACHE_UNSET) {
			shape_of[i] = CACHE_UNSET; /* below a vanished node: already listed */
			continue;
		}
		shape_of[i] = frame_map_child(&back, shape_of[p], (uint32_t)i);
		if (shape_of[i] == TREE_NONE) {
			ALLOC_GROW(v, cnt + 1, alloc);
			v[cnt].node = (uint32_t)i;
			v[cnt].total = tree_node(r->other, (uint32_t)i)->total;
			r->st.only_other++;
			r->st.only_other_weight += v[cnt].total;
			cnt++;
		}
	}
	frame_map_release(&back);
	free(shape_of);
	if (cnt)
		xsort(v, cnt, sizeof(*v), cmp_vanished);
	*nr = cnt;
	return v;
}

/* "a;b;c" path of node in t, kept to its last max_bytes bytes (roughly). */
static void add_path(struct strbuf *sb, const struct tree *t, uint32_t node, size_t max_bytes)
{
	uint32_t *chain = NULL;
	size_t n = 0, alloc = 0;
	for (uint32_t c = node; c != 0 && c != TREE_NONE; c = tree_node(t, c)->parent) {
		ALLOC_GROW(chain, n + 1, alloc);
		chain[n++] = c;
	}
	struct strbuf path = STRBUF_INIT;
	while (n--) {
		strbuf_adds(&path, tree_frame(t, tree_node(t, chain[n])->frame)->name);
		if (n)
			strbuf_addch(&path, ';');
	}
	const char *s = path.buf;
	if (path.len > max_bytes) {
		s = path.buf + path.len - max_bytes;
		while ((*s & 0xc0) == 0x80) /* not in the middle of a character */
			s++;
		strbuf_adds(sb, "\xe2\x80\xa6");
	}
	strbuf_add_xml(sb, s, 0);
	strbuf_release(&path);
	free(chain);
}

static void add_count(struct strbuf *sb, uint64_t v)
{
	char digits[32];
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			strbuf_addch(sb, ',');
		strbuf_addch(sb, digits[i]);
	}
}

static void emit_panel(struct render *r, struct strbuf *out, const struct vanished *v, size_t nr,
		       unsigned y, unsigned width)
{
	const char *which = r->o->negate ? "after" : "before";
	uint64_t ototal = tree_total(r->other);
	strbuf_addf(out, "<g id=\"only-other\"><text class=\"panel-h\" x=\"%d\" y=\"%u\">", PAD, y);
	strbuf_addf(out, "Only in %s: %zu subtree%s, ", which, nr, nr == 1 ? "" : "s");
	add_count(out, r->st.only_other_weight);
	strbuf_addch(out, ' ');
	strbuf_add_xml(out, r->o->count_name ? r->o->count_name : "samples", 0);
	strbuf_addf(out, " (%.2f%% of %s)%s</text>\n",
		    ototal ? 100.0 * (double)r->st.only_other_weight / (double)ototal : 0.0, which,
		    nr > PANEL_MAX ? ", largest first" : "");
	size_t max_bytes = width > 300 ? (width - 140) / 7 : 20;
	for (size_t i = 0; i < nr && i < PANEL_MAX; i++) {
		y += PANEL_LINE;
		strbuf_addf(out, "<text class=\"panel\" x=\"%d\" y=\"%u\">", PAD, y);
		add_count(out, v[i].total);
		strbuf_addf(out, " (%.2f%%) ", ototal ? 100.0 * (double)v[i].total / (double)ototal : 0.0);
		add_path(out, r->other, v[i].node, max_bytes);
		strbuf_adds(out, "</text>\n");
	}
	strbuf_adds(out, "</g>\n");
}

static const char css[] =
	"text{font-family:Verdana,sans-serif;font-size:12px;fill:#000}\n"
	"#title{font-size:17px;text-anchor:middle}\n"
	"#subtitle{fill:#555;text-anchor:middle}\n"
	"#frames text{font-size:11px;pointer-events:none}\n"
	"#frames rect{stroke:none;cursor:pointer}\n"
	"#frames rect:hover{stroke:#000;stroke-width:0.5}\n"
	"#frames .anc{opacity:0.55}\n"
	".btn{cursor:pointer;fill:#24c;text-decoration:underline}\n"
	".btn.off{fill:#888}\n"
	"#matched{text-anchor:end}\n"
	".panel-h{font-weight:bold}\n"
	".panel{font-size:11px;fill:#333}\n";

static int cmp_u64_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * The smallest weight a frame needs to be kept in the data so that at most
 * max_frames frames are.  A child never outweighs its parent, so the kept
 * frames always form a tree.
 */
static uint64_t min_total_for(const struct tree *t, size_t max_frames)
{
	size_t n = tree_nr_nodes(t);
	if (n <= max_frames)
		return 1;
	uint64_t *w = xmalloc(n * sizeof(*w));
	for (size_t i = 0; i < n; i++)
		w[i] = tree_node(t, (uint32_t)i)->total;
	xsort(w, n, sizeof(*w), cmp_u64_desc);
	uint64_t min = w[max_frames > 0 ? max_frames - 1 : 0];
	/* Frames tied at the cut would overshoot: keep only the heavier ones. */
	if (max_frames < n && w[max_frames] == min)
		min++;
	free(w);
	return min ? min : 1;
}

int flamegraph_write(const struct tree *t, const struct flamegraph_opts *o, struct strbuf *out)
{
	struct flamegraph_opts defaults;
	struct render r;
	struct frame_map map = { 0 };
	struct vanished *vanished = NULL;
	size_t nr_vanished = 0;

	if (!o) {
		flamegraph_opts_init(&defaults);
		o = &defaults;
	}
	unsigned width = o->width ? o->width : 1200;
	if (width < 100 || width > 100000 || !(o->minwidth >= 0))
		return -EINVAL;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.shape = o->before && o->negate ? o->before : t;
	r.other = o->before ? (o->negate ? t : o->before) : NULL;
	jarray_init(&r.names, "stoke-names");
	jarray_init(&r.kinds, "stoke-kinds");
	jarray_init(&r.src, "stoke-src");
	jarray_init(&r.nodes, "stoke-nodes");
	jarray_init(&r.other_vals, "stoke-other");
	jarray_init(&r.insignificant, "stoke-ns");

	uint64_t total = tree_total(r.shape);
	r.min_total = min_total_for(r.shape, o->max_frames ? o->max_frames : DEFAULT_MAX_FRAMES);

	size_t nf = tree_nr_frames(r.shape);
	r.name_idx = xmalloc((nf ? nf : 1) * sizeof(*r.name_idx));
	for (size_t i = 0; i < nf; i++)
		r.name_idx[i] = TREE_NONE;
	r.nr_names = 1;
	strbuf_adds(jarray_next(&r.names), "\"all\"");
	strbuf_adds(jarray_next(&r.kinds), "5");

	if (r.other)
		frame_map_init(&map, r.shape, r.other);
	emit_nodes(&r, &map);
	if (r.other) {
		frame_map_release(&map);
		vanished = find_vanished(&r, &nr_vanished);
	}

	const char *title = o->title ? o->title
			  : o->before ? "Differential Flame Graph"
			  : o->inverted ? "Icicle Graph" : "Flame Graph";
	unsigned frames_h = (unsigned)(r.st.max_depth + 1) * FRAME_H;
	unsigned panel_y = TOP + frames_h + BOTTOM + 6;
	unsigned height = TOP + frames_h + BOTTOM;
	if (r.other && nr_vanished)
		height += 12 + PANEL_LINE * (unsigned)(1 + (nr_vanished < PANEL_MAX ? nr_vanished : PANEL_MAX));

	strbuf_addf(out,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		    "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\""
		    " viewBox=\"0 0 %u %u\">\n",
		    width, height, width, height);
	strbuf_adds(out, "<title>");
	strbuf_add_xml(out, title, 0);
	strbuf_adds(out, "</title>\n<style type=\"text/css\"><![CDATA[\n");
	strbuf_adds(out, css);
	strbuf_adds(out, "]]></style>\n");
	strbuf_addf(out, "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#fdfdf8\"/>\n",
		    width, height);
	strbuf_addf(out, "<text id=\"title\" x=\"%u\" y=\"24\">", width / 2);
	strbuf_add_xml(out, title, 0);
	strbuf_adds(out, "</text>\n");
	strbuf_addf(out, "<text id=\"subtitle\" x=\"%u\" y=\"42\">", width / 2);
	if (o->subtitle)
		strbuf_add_xml(out, o->subtitle, 0);
	strbuf_adds(out, "</text>\n");
	if (o->before)
		strbuf_addf(out, "<text id=\"legend\" x=\"%u\" y=\"60\" style=\"text-anchor:middle\">"
			    "width: %s; colour: change of %s, red grew, blue shrank, white unchanged%s</text>\n",
			    width / 2, o->negate ? "before" : "after",
			    o->delta == FLAMEGRAPH_DELTA_COUNT  ? "samples (counts)"
			    : o->delta == FLAMEGRAPH_DELTA_RATE ? "samples per second (rates)"
								: "share of total (shares)",
			    o->not_significant ? ", grey not significant" : "");
	strbuf_addf(out, "<text id=\"reset\" class=\"btn off\" x=\"%d\" y=\"60\">Reset Zoom</text>\n", PAD);
	strbuf_addf(out, "<text id=\"search\" class=\"btn\" x=\"%u\" y=\"60\">Search</text>\n", width - PAD - 70);
	strbuf_addf(out, "<text id=\"icase\" class=\"btn off\" x=\"%u\" y=\"60\">ic</text>\n", width - PAD - 14);
	strbuf_addf(out, "<g id=\"frames\"><text x=\"%u\" y=\"%u\" style=\"text-anchor:middle\">%s</text></g>\n",
		    width / 2, TOP + frames_h / 2,
		    total ? "This flame graph needs JavaScript." : "No samples.");
	strbuf_addf(out, "<text id=\"details\" x=\"%d\" y=\"%u\"> </text>\n", PAD, TOP + frames_h + 20);
	strbuf_addf(out, "<text id=\"matched\" x=\"%u\" y=\"%u\"> </text>\n", width - PAD, TOP + frames_h + 20);
	if (r.other && nr_vanished)
		emit_panel(&r, out, vanished, nr_vanished, panel_y, width);

	/* The data: JSON that is also plain XML text (no <, >, & inside). */
	strbuf_adds(out, "<metadata id=\"stoke-data\">{\"v\":1,\"width\":");
	strbuf_addf(out, "%u,\"pad\":%d,\"fh\":%d,\"top\":%d,\"maxd\":%zu,\"inverted\":%d,"
		    "\"colors\":\"%s\",\"minwidth\":%g,\"elided\":%zu,\"count\":",
		    width, PAD, FRAME_H, TOP, r.st.max_depth, o->inverted ? 1 : 0,
		    o->colors == FLAMEGRAPH_KIND ? "kind" : o->colors == FLAMEGRAPH_COLD ? "cold" :
		    o->colors == FLAMEGRAPH_WALL ? "wall" : "hot", o->minwidth, r.st.elided);
	add_json_str(out, o->count_name ? o->count_name : "samples", "");
	if (o->time_base_us)
		strbuf_addf(out, ",\"time\":%llu", (unsigned long long)o->time_base_us);
	if (r.other)
		strbuf_addf(out, ",\"diff\":{\"negate\":%d,\"mode\":\"%s\",\"secs\":[%.9g,%.9g],"
			    "\"other_total\":%llu}",
			    o->negate ? 1 : 0,
			    o->delta == FLAMEGRAPH_DELTA_COUNT  ? "count"
			    : o->delta == FLAMEGRAPH_DELTA_RATE ? "rate" : "share",
			    o->seconds[0] > 0 ? o->seconds[0] : 1, o->seconds[1] > 0 ? o->seconds[1] : 1,
			    (unsigned long long)tree_total(r.other));
	strbuf_adds(out, "}</metadata>\n");
	struct jarray *arrays[] = { &r.names, &r.kinds, &r.src, &r.nodes, &r.other_vals,
				    &r.insignificant };
	for (size_t k = 0; k < ARRAY_SIZE(arrays); k++) {
		jarray_flush(arrays[k]);
		strbuf_add(out, arrays[k]->xml.buf, arrays[k]->xml.len);
	}
	strbuf_adds(out, "<script type=\"text/ecmascript\"><![CDATA[\n");
	strbuf_adds(out, flamegraph_js);
	strbuf_adds(out, "]]></script>\n</svg>\n");

	if (o->stats)
		*o->stats = r.st;
	free(vanished);
	free(r.name_idx);
	jarray_release(&r.names);
	jarray_release(&r.kinds);
	jarray_release(&r.src);
	jarray_release(&r.nodes);
	jarray_release(&r.other_vals);
	jarray_release(&r.insignificant);
	return 0;
}
