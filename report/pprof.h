/* pprof.h — an export_profile as pprof's profile.proto, gzip-compressed (what `go tool pprof`,
 * Pyroscope and Parca read).
 *
 * Sample types: samples/count, then the profile's value type (cpu/nanoseconds
 * for a clock event; EVENT/count otherwise; folded input has samples/count
 * only); period_type is that value type.
 * Samples of one thread with one stack are merged into one Sample, labelled
 * pid, tid (numbers) and thread (its name).  The message is encoded by hand
 * (varints and length-delimited fields; see docs/export.md for why).
 */
#ifndef STOKE_PPROF_H
#define STOKE_PPROF_H

#include "common/strbuf.h"
#include "report/export.h"

/* Append the uncompressed profile.proto message of p to out. */
void pprof_encode(const struct export_profile *p, struct strbuf *out);

/* Append the gzip stream of in[0, len) to out.  0, or -ENOMEM/-EIO when zlib fails. */
int pprof_gzip(const void *in, size_t len, struct strbuf *out);

/* Encode, compress and write p to fd.  0, or a negative errno (write error included). */
int pprof_write(const struct export_profile *p, int fd);

#endif
