#include "symbolize/debugcache.h"
#include "common/elfinit.h"
#include "common/util.h"
#include "symbolize/inflate.h"

#include <dirent.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* After the ELF image: magic, the image's size and its CRC-32 (little-endian), then four
 * zero bytes: a cut, overwritten or (entries are not fsync'd) half-written entry fails the
 * check before libelf looks at it.  Entries of the first format (magic "stokedc1" and the
 * size, 16 bytes, no CRC: they were fsync'd) are still served. */
#define TRAILER_MAGIC "stokedc2"
#define TRAILER_SIZE 24
#define TRAILER_V1_MAGIC "stokedc1"
#define TRAILER_V1_SIZE 16
#define STALE_TMP_SECONDS 3600 /* a writer that died left this; nobody renames it any more */

/* An entry being written on its own thread from the inflated image the report reads. */
struct writer {
	struct debugcache *c;  /* for its directory (read only on the thread) */
	int image;             /* the image's descriptor (the writer's own) */
	char key[41];
	int err;               /* set on the thread: 0 or a negative errno */
	pthread_t thread;
	int threaded;          /* written on thread (else already written) */
	struct writer *next;
};

struct debugcache {
	char *dir;
	uint64_t max_bytes;
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
	int warned_write, warned_bad;
	time_t started;           /* entries used or written since are never evicted */
	struct writer *writers;   /* entries still being written, joined by finish_writes */
	struct debugcache_stats stats;
};

struct debugcache *debugcache_new(const char *dir, uint64_t max_bytes,
				  void (*warn)(void *ctx, const char *msg), void *warn_ctx)
{
	struct debugcache *c = xcalloc(1, sizeof(*c));
	c->dir = xstrdup(dir);
	c->max_bytes = max_bytes ? max_bytes : DEBUGCACHE_MAX_BYTES;
	c->warn = warn;
	c->warn_ctx = warn_ctx;
	/* A second early: file times come from a coarser clock than time() and may lag it. */
	c->started = time(NULL) - 1;
	elfinit();
	return c;
}

static void evict(struct debugcache *c, const char *keep);
static void finish_writes(struct debugcache *c);

void debugcache_free(struct debugcache *c)
{
	if (!c)
		return;
	finish_writes(c);
	if (c->stats.tables_written)
		evict(c, "");
	free(c->dir);
	free(c);
}

void debugcache_get_stats(struct debugcache *c, struct debugcache_stats *st)
{
	finish_writes(c);
	*st = c->stats;
}

static void say(struct debugcache *c, int *once, const char *fmt, const char *a, const char *b)
{
	if (*once || !c->warn)
		return;
	*once = 1;
	char msg[1200];
	snprintf(msg, sizeof(msg), fmt, a, b);
	c->warn(c->warn_ctx, msg);
}

/* The build-id of elf as hex into key (41 bytes), and whether a section is compressed. */
static int inspect(Elf *elf, char *key, int *compressed)
{
	const void *id;
	ssize_t len = dwelf_elf_gnu_build_id(elf, &id);
	if (len <= 0 || len > 20)
		return -ENOENT;
	hex_encode(key, id, (size_t)len);
	*compressed = 0;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_COMPRESSED))
			*compressed = 1;
	}
	return 0;
}

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The size of the image before a whole trailer (its CRC checked), or -EBADMSG. */
static int64_t check_trailer(int fd, uint64_t size)
{
	unsigned char tr[TRAILER_SIZE];
	if (size < TRAILER_SIZE + 64 || pread(fd, tr, sizeof(tr), (off_t)(size - TRAILER_SIZE)) !=
	    TRAILER_SIZE)
		return -EBADMSG;
	if (!memcmp(tr + TRAILER_SIZE - TRAILER_V1_SIZE, TRAILER_V1_MAGIC, 8))
		return get_le(tr + TRAILER_SIZE - 8, 8) == size - TRAILER_V1_SIZE ?
			       (int64_t)(size - TRAILER_V1_SIZE) : -EBADMSG;
	uint64_t image = get_le(tr + 8, 8);
	if (memcmp(tr, TRAILER_MAGIC, 8) || image != size - TRAILER_SIZE)
		return -EBADMSG;
	void *p = mmap(NULL, (size_t)image, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -EBADMSG;
	uint32_t crc = libdeflate_crc32(0, p, (size_t)image);
	munmap(p, (size_t)image);
	return crc == (uint32_t)get_le(tr + 16, 4) ? (int64_t)image : -EBADMSG;
}

/* Is fd a whole entry for key?  0, or -EBADMSG. */
static int check_entry(int fd, const char *key)
{
	struct stat st;
	int64_t got = fstat(fd, &st) ? -EBADMSG : check_trailer(fd, (uint64_t)st.st_size);
	if (got < 0)
		return -EBADMSG;
	uint64_t image = (uint64_t)got;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	int ret = -EBADMSG;
	GElf_Ehdr eh;
	char have[41];
	int compressed = 1;
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize > image ||
	    inspect(elf, have, &compressed) || compressed || strcmp(have, key))
		goto out;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_NOBITS && (sh.sh_offset > image || sh.sh_size > image - sh.sh_offset)))
			goto out;
	}
	ret = 0;
out:
	if (elf)
		elf_end(elf);
	return ret;
}

static int mkdirs(const char *dir)
{
	char *p = xstrdup(dir);
	int ret = 0;
	for (char *s = p + 1; ; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) && errno != EEXIST) {
			ret = -errno;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ret;
}

/* The trailer after an image of this size and CRC. */
static int put_trailer(int fd, uint64_t image, uint32_t crc)
{
	unsigned char tr[TRAILER_SIZE] = { 0 };
	memcpy(tr, TRAILER_MAGIC, 8);
	for (int i = 0; i < 8; i++)
		tr[8 + i] = (unsigned char)(image >> (8 * i));
	for (int i = 0; i < 4; i++)
		tr[16 + i] = (unsigned char)(crc >> (8 * i));
	return write_all(fd, tr, sizeof(tr));
}

struct entry {
	char *name;
	off_t size;
	struct timespec mtime;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Remove the least recently used entries past the bound, and dead temporaries.  Entries this
 * report used (their mtime is set on use) or another report used meanwhile are kept. */
static void evict(struct debugcache *c, const char *keep)
{
	DIR *dir = opendir(c->dir);
	if (!dir)
		return;
	struct entry *e = NULL;
	size_t nr = 0, alloc = 0;
	uint64_t total = 0;
	time_t now = time(NULL);
	struct dirent *de;
	while ((de = readdir(dir))) {
		struct stat st;
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		if (!strncmp(de->d_name, ".tmp-", 5)) {
			if (now - st.st_mtime > STALE_TMP_SECONDS)
				unlinkat(dirfd(dir), de->d_name, 0);
			continue;
		}
		size_t len = strlen(de->d_name);
		if ((len < 6 || strcmp(de->d_name + len - 6, ".debug")) &&
		    (len < 4 || strcmp(de->d_name + len - 4, ".sym")))
			continue;
		total += (uint64_t)st.st_size;
		if (!strcmp(de->d_name, keep) || st.st_mtime >= c->started)
			continue;
		ALLOC_GROW(e, nr + 1, alloc);
		e[nr++] = (struct entry){ xstrdup(de->d_name), st.st_size, st.st_mtim };
	}
	if (total > c->max_bytes && nr) {
		xsort(e, nr, sizeof(*e), cmp_entry);
		for (size_t i = 0; i < nr && total > c->max_bytes; i++) {
			if (!unlinkat(dirfd(dir), e[i].name, 0)) {
				total -= (uint64_t)e[i].size;
				c->stats.evicted++;
			}
		}
	}
	for (size_t i = 0; i < nr; i++)
		free(e[i].name);
	free(e);
	closedir(dir);
}

/* A new temporary file in the directory for name: a descriptor (its path in *tmp, the
 * caller's), or a negative errno. */
static int make_tmp(struct debugcache *c, const char *name, char **tmp)
{
	int err = mkdirs(c->dir);
	if (err)
		return err;
	size_t n = strlen(c->dir) + strlen(name) + 16;
	*tmp = xmalloc(n);
	snprintf(*tmp, n, "%s/.tmp-%.40s-XXXXXX", c->dir, name);
	int t = mkostemp(*tmp, O_CLOEXEC);
	if (t < 0) {
		err = -errno;
		free(*tmp);
		*tmp = NULL;
		return err;
	}
	return t;
}

static char *entry_path(const struct debugcache *c, const char *key)
{
	size_t n = strlen(c->dir) + strlen(key) + 8;
	char *path = xmalloc(n);
	snprintf(path, n, "%s/%s.debug", c->dir, key);
	return path;
}

/* The writer's thread: the image copied to a temporary file, its trailer, the rename.  No
 * fsync (the report would wait for the disk): the CRC catches what a crash left half-written. */
static void *write_entry(void *arg)
{
	struct writer *w = arg;
	struct stat st;
	char *tmp = NULL, *final = entry_path(w->c, w->key);
	void *p = MAP_FAILED;
	int t = -1, err = fstat(w->image, &st) ? -errno : 0;
	if (!err && (p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, w->image, 0)) ==
		    MAP_FAILED)
		err = -errno;
	if (!err && (t = make_tmp(w->c, w->key, &tmp)) < 0)
		err = t;
	if (!err && !(err = write_all(t, p, (size_t)st.st_size)) &&
	    !(err = put_trailer(t, (uint64_t)st.st_size, libdeflate_crc32(0, p, (size_t)st.st_size))) &&
	    rename(tmp, final))
		err = -errno;
	if (t >= 0) {
		close(t);
		if (err)
			unlink(tmp);
	}
	if (p != MAP_FAILED)
		munmap(p, (size_t)st.st_size);
	close(w->image);
	free(tmp);
	free(final);
	w->err = err;
	return NULL;
}

/* Wait for the entries being written; count them, or say why one could not be. */
static void finish_writes(struct debugcache *c)
{
	struct writer *w;
	while ((w = c->writers)) {
		c->writers = w->next;
		if (w->threaded)
			pthread_join(w->thread, NULL);
		if (w->err) {
			say(c, &c->warned_write, "cannot write the debug cache in %s (%s): debug info "
			    "is inflated on every report (--no-cache skips the cache)", c->dir,
			    strerror(-w->err));
		} else {
			c->stats.writes++;
			char name[64];
			snprintf(name, sizeof(name), "%s.debug", w->key);
			evict(c, name);
		}
		free(w);
	}
}

/* The inflated image of the debug file fd (a descriptor the caller owns), its entry for key
 * written meanwhile; or a negative errno as elf_inflate_memfd's. */
static int build_entry(struct debugcache *c, int fd, const char *key)
{
	int image = elf_inflate_memfd(fd);
	if (image < 0)
		return image;
	struct writer *w = xcalloc(1, sizeof(*w));
	*w = (struct writer){ .c = c, .image = dup(image) };
	snprintf(w->key, sizeof(w->key), "%s", key);
	if (w->image < 0) {
		w->err = -errno;
	} else if (!(w->threaded = !pthread_create(&w->thread, NULL, write_entry, w))) {
		write_entry(w); /* no thread to be had: written here */
	}
	w->next = c->writers;
	c->writers = w;
	return image;
}

/* ---- symbol tables ---- */

/* After a table's bytes: magic, their length and their FNV-1a hash (whole or not at all). */
#define TABLE_MAGIC "stokest1"
#define TABLE_TRAILER_SIZE 24

static int table_name_ok(const char *name)
{
	if (!*name || strlen(name) > 120)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			return 0;
	return 1;
}

static char *table_path(const struct debugcache *c, const char *name)
{
	size_t n = strlen(c->dir) + strlen(name) + 8;
	char *path = xmalloc(n);
	snprintf(path, n, "%s/%s.sym", c->dir, name);
	return path;
}

int debugcache_get(struct debugcache *c, const char *name, unsigned char **data, size_t *len)
{
	if (!c || !table_name_ok(name))
		return -ENOENT;
	char *path = table_path(c, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(path);
		return -ENOENT;
	}
	struct stat st;
	unsigned char *p = NULL;
	int ok = !fstat(fd, &st) && st.st_size >= TABLE_TRAILER_SIZE && st.st_size < (1LL << 31);
	size_t size = ok ? (size_t)st.st_size : 0;
	if (ok) {
		p = xmalloc(size);
		ok = pread(fd, p, size, 0) == (ssize_t)size;
	}
	if (ok) {
		const unsigned char *tr = p + size - TABLE_TRAILER_SIZE;
		uint64_t n, h;
		memcpy(&n, tr + 8, 8);
		memcpy(&h, tr + 16, 8);
		ok = !memcmp(tr, TABLE_MAGIC, 8) && n == size - TABLE_TRAILER_SIZE &&
		     fnv1a(FNV_INIT, p, (size_t)n) == h;
	}
	if (ok) {
		futimens(fd, NULL); /* recently used: evicted last */
		close(fd);
		free(path);
		c->stats.tables++;
		*data = p;
		*len = size - TABLE_TRAILER_SIZE;
		return 0;
	}
	close(fd);
	free(p);
	free(path);
	debugcache_drop(c, name);
	return -ENOENT;
}

void debugcache_drop(struct debugcache *c, const char *name)
{
	if (!c || !table_name_ok(name))
		return;
	char *path = table_path(c, name);
	c->stats.tables_bad++;
	say(c, &c->warned_bad, "symbol cache entry %s is damaged: ignoring it and writing it "
	    "again%s", path, "");
	unlink(path);
	free(path);
}

int debugcache_put(struct debugcache *c, const char *name, const unsigned char *data, size_t len)
{
	if (!c || !table_name_ok(name))
		return -EINVAL;
	char *tmp = NULL, *final = table_path(c, name);
	int t = make_tmp(c, name, &tmp), err = t < 0 ? t : 0;
	if (t >= 0) {
		unsigned char tr[TABLE_TRAILER_SIZE];
		uint64_t n = len, h = fnv1a(FNV_INIT, data, len);
		memcpy(tr, TABLE_MAGIC, 8);
		memcpy(tr + 8, &n, 8);
		memcpy(tr + 16, &h, 8);
		/* No fsync: a table cut short by a crash fails its check and is made again. */
		if (!(err = write_all(t, data, len)) && !(err = write_all(t, tr, sizeof(tr))) &&
		    rename(tmp, final))
			err = -errno;
		close(t);
		if (err)
			unlink(tmp);
	}
	free(tmp);
	if (err)
		say(c, &c->warned_write, "cannot write the debug cache in %s (%s): symbols are looked "
		    "up again on every report (--no-cache skips the cache)", c->dir, strerror(-err));
	else
		c->stats.tables_written++; /* the bound is kept when the cache is let go */
	free(final);
	return err;
}


int debugcache_lookup(struct debugcache *c, const unsigned char *id, size_t len)
{
	char key[41];
	if (!c || !len || len > 20)
		return -1;
	hex_encode(key, id, len);
	char *path = entry_path(c, key);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (!check_entry(fd, key)) {
			c->stats.hits++;
			futimens(fd, NULL); /* recently used: evicted last */
			free(path);
			return fd;
		}
		close(fd);
		fd = -1;
		c->stats.bad++;
		say(c, &c->warned_bad, "debug cache entry %s is damaged: ignoring it and writing it "
		    "again%s", path, "");
		unlink(path);
	}
	free(path);
	return fd;
}

/* A .gnu_debugaltlink names a dwz file relative to the debug file's own directory. */
static int has_altlink(Elf *elf)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	if (elf_getshdrstrndx(elf, &shstrndx))
		return 1;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		if (gelf_getshdr(scn, &sh) && (name = elf_strptr(elf, shstrndx, sh.sh_name)) &&
		    !strcmp(name, ".gnu_debugaltlink"))
			return 1;
	}
	return 0;
}

int debugcache_substitute(struct debugcache *c, int fd, const unsigned char *id, size_t len)
{
	if (!c || fd < 0 || !len || len > 20)
		return fd;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	char key[41], want[41];
	int compressed = 0, ok = elf && elf_kind(elf) == ELF_K_ELF && !inspect(elf, key, &compressed);
	int worth = ok && compressed && !has_altlink(elf);
	if (elf)
		elf_end(elf);
	hex_encode(want, id, len);
	if (!ok || strcmp(key, want)) {
		close(fd);
		return -1;
	}
	if (!worth)
		return fd;
	/* Not inflated here (nothing this can read, or no memory file to be had): libdw reads
	 * the file as it is.  A failed write is said when the writer is finished. */
	int made = build_entry(c, fd, key);
	if (made < 0)
		return fd;
	close(fd);
	return made;
}
