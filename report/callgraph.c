#include "report/callgraph.h"
#include "common/util.h"
#include "report/funcs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

void callgraph_opts_init(struct callgraph_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->by = CALLGRAPH_BY_FUNCTION;
	o->node_fraction = 0.005;
	o->edge_fraction = 0.001;
}

void callgraph_add_escaped(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, (char)c);
		} else if (c == '\n') {
			strbuf_adds(out, "\\n");
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addch(out, ' ');
		} else {
			strbuf_addch(out, (char)c);
		}
	}
}

/* Heat palette: pale yellow (cold) through orange to dark red (hot); x in [0, 1]. */
static void heat(double x, int rgb[3])
{
	static const int stops[5][3] = {
		{ 255, 255, 204 }, { 254, 217, 118 }, { 253, 141, 60 }, { 227, 26, 28 }, { 128, 0, 38 },
	};
	if (x < 0)
		x = 0;
	if (x > 1)
		x = 1;
	double pos = x * 4;
	int i = (int)pos;
	if (i > 3)
		i = 3;
	double f = pos - i;
	for (int c = 0; c < 3; c++)
		rgb[c] = (int)(stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f + 0.5);
}

struct order {
	uint64_t w;
	uint32_t a, b; /* key (nodes) or edge endpoints */
	const char *name;
};

static int cmp_order(const void *x, const void *y)
{
	const struct order *p = x, *q = y;
	if (p->w != q->w)
		return p->w < q->w ? 1 : -1;
	if (p->name && q->name) {
		int c = strcmp(p->name, q->name);
		if (c)
			return c;
	}
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

static double pct(uint64_t v, uint64_t all)
{
	return all ? 100.0 * (double)v / (double)all : 0;
}

void callgraph_write_dot(const struct tree *t, const struct callgraph_opts *o, struct strbuf *out)
{
	size_t nr_keys;
	const char **mods = NULL;
	uint32_t *keys = o->by == CALLGRAPH_BY_MODULE ? funcs_keys_by_module(t, &nr_keys, &mods)
						      : funcs_keys_by_frame(t, &nr_keys);
	struct funcs fs;
	uint64_t all = tree_total(t);

	funcs_compute(&fs, t, keys, nr_keys, 1, o->by == CALLGRAPH_BY_FUNCTION);

	double node_min = o->node_fraction * (double)all, edge_min = o->edge_fraction * (double)all;
	uint8_t *shown = xcalloc(nr_keys + 1, 1);
	struct order *nodes = xmalloc((nr_keys + 1) * sizeof(*nodes));
	size_t nr_nodes = 0, nr_present = 0, nr_edges = 0;
	uint64_t hidden_self = 0;
	for (size_t k = 0; k < nr_keys; k++) {
		if (!fs.total[k])
			continue;
		nr_present++;
		if ((double)fs.total[k] < node_min) {
			hidden_self += fs.self[k];
			continue;
		}
		shown[k] = 1;
		nodes[nr_nodes++] = (struct order){
			fs.total[k], (uint32_t)k, 0,
			mods ? mods[k] : tree_frame(t, (uint32_t)k)->name,
		};
	}
	xsort(nodes, nr_nodes, sizeof(*nodes), cmp_order);
	struct order *edges = xmalloc((fs.nr_edges + 1) * sizeof(*edges));
	uint64_t max_edge = 1;
	for (size_t i = 0; i < fs.nr_edges; i++) {
		const struct funcs_edge *e = &fs.edges[i];
		if (!shown[e->caller] || !shown[e->callee] || (double)e->weight < edge_min)
			continue;
		edges[nr_edges++] = (struct order){ e->weight, e->caller, e->callee, NULL };
		if (e->weight > max_edge)
			max_edge = e->weight;
	}
	xsort(edges, nr_edges, sizeof(*edges), cmp_order);

	strbuf_adds(out, "digraph stoke {\n\tgraph [fontname=\"Helvetica\", labelloc=t, label=\"");
	if (o->title) {
		callgraph_add_escaped(out, o->title);
		strbuf_adds(out, "\\n");
	}
	strbuf_addf(out, "%llu samples; %zu of %zu %s shown",
		    (unsigned long long)all, nr_nodes, nr_present,
		    o->by == CALLGRAPH_BY_MODULE ? "modules" : "functions");
	if (nr_nodes < nr_present)
		strbuf_addf(out, " (hidden: total below %.2f%%, holding %.2f%% of samples as self)",
			    100 * o->node_fraction, pct(hidden_self, all));
	strbuf_addf(out, "\\n%zu of %zu arcs shown", nr_edges, fs.nr_edges);
	if (nr_edges < fs.nr_edges)
		strbuf_addf(out, " (hidden: below %.2f%% or at a hidden node)", 100 * o->edge_fraction);
	strbuf_adds(out, "\"];\n"
			 "\tnode [shape=box, style=filled, fontname=\"Helvetica\"];\n"
			 "\tedge [fontname=\"Helvetica\", fontsize=10];\n");

	for (size_t i = 0; i < nr_nodes; i++) {
		uint32_t k = nodes[i].a;
		double x = all ? (double)fs.total[k] / (double)all : 0;
		int rgb[3];
		heat(x, rgb);
		strbuf_addf(out, "\tn%u [label=\"", k);
		callgraph_add_escaped(out, nodes[i].name);
		if (!mods && tree_frame(t, k)->module) {
			strbuf_adds(out, "\\n");
			callgraph_add_escaped(out, tree_frame(t, k)->module);
		}
		strbuf_addf(out, "\\nself %.2f%%\\ntotal %.2f%%\", fillcolor=\"#%02x%02x%02x\", "
			    "fontcolor=\"%s\", fontsize=%.1f];\n",
			    pct(fs.self[k], all), pct(fs.total[k], all), rgb[0], rgb[1], rgb[2],
			    x > 0.6 ? "white" : "black", 9 + 15 * x);
	}
	for (size_t i = 0; i < nr_edges; i++) {
		double x = (double)edges[i].w / (double)max_edge;
		int rgb[3];
		heat(0.3 + 0.7 * x, rgb);
		strbuf_addf(out, "\tn%u -> n%u [label=\"%.2f%%\", penwidth=%.2f, color=\"#%02x%02x%02x\"];\n",
			    edges[i].a, edges[i].b, pct(edges[i].w, all), 0.5 + 4.5 * x,
			    rgb[0], rgb[1], rgb[2]);
	}
	strbuf_adds(out, "}\n");

	free(edges);
	free(nodes);
	free(shown);
	funcs_release(&fs);
	free(keys);
	free(mods);
}

/* 1 when an executable `name` is on PATH. */
static int on_path(const char *name)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	struct strbuf sb = STRBUF_INIT;
	int found = 0;
	while (!found) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		strbuf_reset(&sb);
		if (n)
			strbuf_add(&sb, path, n);
		else
			strbuf_addch(&sb, '.');
		strbuf_addf(&sb, "/%s", name);
		found = !access(sb.buf, X_OK);
		if (!colon)
			break;
		path = colon + 1;
	}
	strbuf_release(&sb);
	return found;
}

int callgraph_render(const struct strbuf *dot, const char *format, struct strbuf *out)
{
	int fd = -1, ofd = -1, err = 0, status;
	pid_t pid;

	if (!on_path("dot"))
		return -ENOENT;
	/* The DOT text goes to dot's stdin through a memory file: no pipe to
	 * fill (and no SIGPIPE if dot dies early), no temporary file. */
	fd = memfd_create("stoke-callgraph", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (dot->len && write(fd, dot->buf, dot->len) != (ssize_t)dot->len) {
		err = -EIO;
		goto out;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		err = -errno;
		goto out;
	}
	/* dot writes to a second memory file; the caller writes that out, so
	 * every write of the result is checked in one place. */
	ofd = memfd_create("stoke-callgraph-out", MFD_CLOEXEC);
	if (ofd < 0) {
		err = -errno;
		goto out;
	}
	struct strbuf targ = STRBUF_INIT;
	strbuf_addf(&targ, "-T%s", format);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		strbuf_release(&targ);
		goto out;
	}
	if (pid == 0) {
		char *argv[] = { "dot", targ.buf, NULL };
		if (dup2(fd, STDIN_FILENO) < 0 || dup2(ofd, STDOUT_FILENO) < 0)
			_exit(126);
		execvp("dot", argv);
		_exit(127);
	}
	strbuf_release(&targ);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			err = -errno;
			goto out;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		err = -ENOENT;
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		err = -EIO;
	if (!err) {
		off_t size = lseek(ofd, 0, SEEK_END);
		if (size < 0 || lseek(ofd, 0, SEEK_SET) < 0) {
			err = -errno;
			goto out;
		}
		strbuf_grow(out, (size_t)size);
		size_t got = 0;
		while (got < (size_t)size) {
			ssize_t n = read(ofd, out->buf + out->len + got, (size_t)size - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				err = n < 0 ? -errno : -EIO;
				goto out;
			}
			got += (size_t)n;
		}
		strbuf_setlen(out, out->len + got);
	}
out:
	close(fd);
	if (ofd >= 0)
		close(ofd);
	return err;
}
