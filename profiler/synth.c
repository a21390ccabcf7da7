#include "profiler/synth.h"
#include "common/htab.h"
#include "common/elfinit.h"
#include "common/sample.h"
#include "common/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_BUILD_ID 20

/* Entry of the build-id cache, keyed by path. */
struct bid_entry {
	char *path;                /* ours (xstrdup) */
	unsigned char id[MAX_BUILD_ID];
	int len; /* <= 0: none */
};

struct synth {
	uint64_t sample_type;
	uint64_t id;
	struct htab *cache;      /* struct bid_entry: build-ids by path (processes share libraries) */
	unsigned char buf[UINT16_MAX + 1];
};

static int bid_matches(const void *entry, const void *key, void *ctx)
{
	return !strcmp(((const struct bid_entry *)entry)->path, key);
}

struct synth *synth_new(uint64_t sample_type, uint64_t id)
{
	struct synth *s = xcalloc(1, sizeof(*s));
	s->sample_type = sample_type;
	s->id = id;
	s->cache = htab_new(sizeof(struct bid_entry), 0, 256, bid_matches, NULL);
	return s;
}

void synth_free(struct synth *s)
{
	if (!s)
		return;
	size_t pos = 0;
	for (struct bid_entry *e; (e = htab_next(s->cache, &pos));)
		free(e->path);
	htab_free(s->cache);
	free(s);
}

int buildid_read(const char *path, unsigned char *out, size_t max)
{
	elfinit();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	int ret = -ENODATA;
	size_t nphdr;
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &nphdr))
		goto out;
	for (size_t i = 0; i < nphdr && ret < 0; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE)
			continue;
		Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
		if (!d)
			continue;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;
		while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp((char *)d->d_buf + name_off, "GNU", 4)) {
				size_t n = nh.n_descsz < max ? nh.n_descsz : max;
				memcpy(out, (char *)d->d_buf + desc_off, n);
				ret = (int)n;
				break;
			}
		}
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}

static const struct bid_entry *cached_build_id(struct synth *s, const char *path)
{
	int added;
	struct bid_entry *e = htab_insert(s->cache, fnv1a(FNV_INIT, path, strlen(path)), path, &added);
	if (!added)
		return e;
	e->path = xstrdup(path);
	e->len = path[0] == '/' ? buildid_read(path, e->id, sizeof(e->id)) : -ENOENT;
	return e;
}

static int emit_with_trailer(struct synth *s, size_t body, pid_t pid, pid_t tid,
			     synth_emit_fn emit, void *ctx)
{
	struct sample_id sid = { .pid = (uint32_t)pid, .tid = (uint32_t)tid, .id = s->id };
	struct perf_event_header *h = (struct perf_event_header *)s->buf;
	body = ALIGN8(body);
	body += sample_id_write(s->buf + body, s->sample_type, &sid);
	h->size = (uint16_t)body;
	return emit(ctx, h);
}

static int emit_comm(struct synth *s, pid_t pid, pid_t tid, const char *comm,
		     synth_emit_fn emit, void *ctx)
{
	struct perf_event_header *h = (struct perf_event_header *)s->buf;
	memset(s->buf, 0, 64);
	h->type = PERF_RECORD_COMM;
	h->misc = 0;
	uint32_t ids[2] = { (uint32_t)pid, (uint32_t)tid };
	memcpy(s->buf + 8, ids, 8);
	size_t n = strnlen(comm, 15);
	memcpy(s->buf + 16, comm, n);
	s->buf[16 + n] = '\0';
	return emit_with_trailer(s, 16 + n + 1, pid, tid, emit, ctx);
}

static int emit_maps(struct synth *s, pid_t pid, synth_emit_fn emit, void *ctx)
{
	char path[64], line[4352];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0; /* gone, or not ours to read: nothing to say about it */
	int err = 0;
	while (!err && fgets(line, sizeof(line), f)) {
		/* "start-end perms pgoff maj:min inode   path": parsed by hand, sscanf
		 * is the slowest part of reading a busy machine's maps. */
		char *p = line, *q;
		unsigned long long start = strtoull(p, &q, 16), end, pgoff, ino;
		unsigned maj, min;
		if (*q != '-')
			continue;
		end = strtoull(q + 1, &q, 16);
		if (*q != ' ' || q[5] != ' ')
			continue;
		char perms[5] = { q[1], q[2], q[3], q[4], 0 };
		p = q + 6;
		pgoff = strtoull(p, &q, 16);
		maj = (unsigned)strtoul(q + 1, &q, 16);
		if (*q != ':')
			continue;
		min = (unsigned)strtoul(q + 1, &q, 16);
		ino = strtoull(q + 1, &q, 10);
		while (*q == ' ')
			q++;
		int name_at = (int)(q - line);
		char *name = line + name_at;
		name[strcspn(name, "\n")] = '\0';
		if (!*name)
			name = (char *)"//anon";

		struct perf_event_header *h = (struct perf_event_header *)s->buf;
		struct mmap2_body b = {
			.pid = (uint32_t)pid, .tid = (uint32_t)pid,
			.addr = start, .len = end - start, .pgoff = pgoff,
		};
		b.prot = (perms[0] == 'r' ? 1 : 0) | (perms[1] == 'w' ? 2 : 0) | 4;
		b.flags = perms[3] == 's' ? 1 : 2; /* MAP_SHARED : MAP_PRIVATE */
		h->type = PERF_RECORD_MMAP2;
		h->misc = PERF_RECORD_MISC_USER;
		if (name[0] == '/') {
			const struct bid_entry *e = cached_build_id(s, name);
			if (e->len > 0) {
				b.build_id_size = (uint8_t)e->len;
				memcpy(b.build_id, e->id, (size_t)e->len);
				h->misc |= PERF_RECORD_MISC_MMAP_BUILD_ID;
			}
		}
		if (!(h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID)) {
			/* Without a build-id the union holds maj, min, ino, ino_generation. */
			uint32_t mm[2] = { maj, min };
			uint64_t ig[2] = { ino, 0 };
			memcpy(&b.build_id_size, mm, 8);
			memcpy((char *)&b.build_id_size + 8, ig, 16);
		}
		memcpy(s->buf + 8, &b, sizeof(b));
		size_t n = strnlen(name, 4095);
		memcpy(s->buf + 8 + sizeof(b), name, n);
		s->buf[8 + sizeof(b) + n] = '\0';
		size_t body = 8 + sizeof(b) + n + 1;
		memset(s->buf + body, 0, ALIGN8(body) - body);
		err = emit_with_trailer(s, body, pid, pid, emit, ctx);
	}
	fclose(f);
	return err;
}

int synth_threads(pid_t pid, pid_t **tids)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	DIR *d = opendir(path);
	if (!d)
		return -ESRCH;
	pid_t *v = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		ALLOC_GROW(v, n + 1, alloc);
		v[n++] = (pid_t)atoi(de->d_name);
	}
	closedir(d);
	*tids = v;
	return (int)n;
}

int synth_process(struct synth *s, pid_t pid, synth_emit_fn emit, void *ctx)
{
	pid_t *tids = NULL;
	int n = synth_threads(pid, &tids);
	if (n < 0)
		return n;
	int err = 0;
	for (int i = 0; i < n && !err; i++) {
		char path[64], comm[32] = "";
		snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid, tids[i]);
		FILE *f = fopen(path, "re");
		if (!f)
			continue; /* thread exited meanwhile */
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		err = emit_comm(s, pid, tids[i], comm, emit, ctx);
	}
	free(tids);
	if (!err)
		err = emit_maps(s, pid, emit, ctx);
	return err == -ESRCH ? 0 : err;
}

int synth_all(struct synth *s, synth_emit_fn emit, void *ctx)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	struct dirent *de;
	int err = 0;
	while (!err && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		err = synth_process(s, (pid_t)atoi(de->d_name), emit, ctx);
		if (err == -ESRCH)
			err = 0;
	}
	closedir(d);
	return err;
}
