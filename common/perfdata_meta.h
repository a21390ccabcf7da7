/* perfdata_meta.h — perf.data metadata (attrs, feature sections) → stoke metadata records.
 *
 * Private to common/perfdata.c.  Collects what the header, the feature
 * sections (file mode) or the HEADER_* records (pipe mode) say, then writes
 * it as STOKE_REC_ATTR / STOKE_REC_INFO / STOKE_REC_BUILD_ID records.
 * Every input is untrusted: lengths are checked, bad parts are skipped.
 */
#ifndef STOKE_PERFDATA_META_H
#define STOKE_PERFDATA_META_H

#include "common/strbuf.h"

#include <stddef.h>
#include <stdint.h>

/* perf's feature bits (tools/perf/util/header.h). */
enum {
	PD_FEAT_BUILD_ID = 2, PD_FEAT_HOSTNAME = 3, PD_FEAT_OSRELEASE = 4, PD_FEAT_VERSION = 5,
	PD_FEAT_ARCH = 6, PD_FEAT_NRCPUS = 7, PD_FEAT_CMDLINE = 11, PD_FEAT_EVENT_DESC = 12,
	PD_FEAT_SAMPLE_TIME = 21, PD_FEAT_CLOCKID = 23, PD_FEAT_COMPRESSED = 27,
};

struct pd_meta;

struct pd_meta *pd_meta_new(void);
void pd_meta_free(struct pd_meta *m); /* NULL is a no-op */

/* An attr (attr_len bytes as in the file) and its ids (nr_ids u64, unaligned). */
void pd_meta_add_attr(struct pd_meta *m, const void *attr, size_t attr_len, const void *ids,
		      size_t nr_ids);

/* One feature section's contents. */
void pd_meta_add_feature(struct pd_meta *m, uint64_t feat, const unsigned char *p, size_t len);

/*
 * Build-id entries (perf_record_header_build_id records, back to back, as in
 * the BUILD_ID feature and pipe mode's HEADER_BUILD_ID).  When out is not
 * NULL, a STOKE_REC_BUILD_ID record per entry is appended to it.
 */
void pd_meta_add_build_ids(struct pd_meta *m, const unsigned char *p, size_t len,
			   struct strbuf *out);

/* Append the ATTR records, the INFO record and the BUILD_ID records. */
void pd_meta_emit(struct pd_meta *m, struct strbuf *out);

/* The build-id recorded for path: its length (<= 20) and *id, or 0. */
size_t pd_meta_build_id(struct pd_meta *m, const char *path, const unsigned char **id);

#endif
