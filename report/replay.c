/* A stoke file read back in time order with its resolver (replay.h). */
#include "report/replay.h"
#include "common/util.h"

#include <stdlib.h>

struct replay {
	const struct profile_opts *o;         /* borrowed */
	struct sym_opts so;                   /* what the resolver was made with */
	struct session *s;
	struct resolver *res;
	const struct session_handlers *hd;    /* the caller's, during replay_read */
};

static void forward_warning(void *ctx, const char *msg)
{
	const struct profile_opts *o = ctx;
	if (o->warn)
		o->warn(o->warn_ctx, msg);
}

struct replay *replay_new(const struct profile_opts *o, int demangle, int lines)
{
	struct replay *rp = xcalloc(1, sizeof(*rp));
	rp->o = o;
	rp->so = (struct sym_opts){
		.demangle = demangle,
		.inline_frames = !o->no_inline,
		.lines = lines,
		.perf_map_dir = o->perf_map_dir,
		.cache_dir = o->cache_dir,
		.cache_max_bytes = o->cache_max_bytes,
		.warn = forward_warning,
		.warn_ctx = (void *)o,
	};
	rp->s = session_new();
	struct resolve_opts ro = {
		.unwind_flags = o->unwinder == PROFILE_UNWIND_LIBUNWIND ? UNWIND_LIBUNWIND_ONLY :
				o->unwinder == PROFILE_UNWIND_FRESH ? UNWIND_NO_MEMO : 0,
		.kallsyms_path = o->kallsyms_path,
	};
	rp->res = resolver_new(&rp->so, &ro, rp->s);
	return rp;
}

void replay_free(struct replay *rp)
{
	if (!rp)
		return;
	resolver_free(rp->res);
	session_free(rp->s);
	free(rp);
}

struct session *replay_session(const struct replay *rp)
{
	return rp->s;
}

struct resolver *replay_resolver(const struct replay *rp)
{
	return rp->res;
}

static int on_sample(void *ctx, const struct sample *s, size_t ev, const struct perf_event_header *h)
{
	const struct session_handlers *hd = ((struct replay *)ctx)->hd;
	return hd->sample ? hd->sample(hd->ctx, s, ev, h) : 0;
}

static int on_record(void *ctx, const struct perf_event_header *h, const struct sample_id *id)
{
	struct replay *rp = ctx;
	resolver_record(rp->res, h);
	return rp->hd->record ? rp->hd->record(rp->hd->ctx, h, id) : 0;
}

static int on_meta(void *ctx, const struct perf_event_header *h)
{
	struct replay *rp = ctx;
	resolver_meta(rp->res, h);
	return rp->hd->meta ? rp->hd->meta(rp->hd->ctx, h) : 0;
}

int replay_read(struct replay *rp, const char *path, const struct session_handlers *hd)
{
	struct session_handlers mine = { on_sample, on_record, on_meta, rp };
	rp->hd = hd;
	int ret = session_read(rp->s, path, &mine);
	rp->hd = NULL;
	return ret;
}
