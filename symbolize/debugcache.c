#include "symbolize/debugcache.h"
#include "common/elfinit.h"
#include "common/util.h"

#include <dirent.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* After the ELF image: magic, then the image's size (little-endian): a cut or overwritten
 * entry fails the check before libelf looks at it. */
#define TRAILER_MAGIC "stokedc1"
#define TRAILER_SIZE 16
#define STALE_TMP_SECONDS 3600 /* a writer that died left this; nobody renames it any more */

struct debugcache {
	char *dir;
	uint64_t max_bytes;
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
	int warned_write, warned_bad;
	time_t started;           /* entries used or written since are never evicted */
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

void debugcache_free(struct debugcache *c)
{
	if (!c)
		return;
	if (c->stats.tables_written)
		evict(c, "");
	free(c->dir);
	free(c);
}

void debugcache_get_stats(const struct debugcache *c, struct debugcache_stats *st)
{
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

/* Is fd a whole entry for key?  0, or -EBADMSG. */
static int check_entry(int fd, const char *key)
{
	struct stat st;
	unsigned char tr[TRAILER_SIZE];
	if (fstat(fd, &st) || st.st_size < TRAILER_SIZE + 64 ||
	    pread(fd, tr, sizeof(tr), st.st_size - TRAILER_SIZE) != TRAILER_SIZE ||
	    memcmp(tr, TRAILER_MAGIC, 8))
		return -EBADMSG;
	uint64_t image = 0;
	for (int i = 7; i >= 0; i--)
		image = image << 8 | tr[8 + i];
	if (image != (uint64_t)st.st_size - TRAILER_SIZE)
		return -EBADMSG;
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

static int copy_fd(int from, int to)
{
	char buf[1 << 16];
	off_t off = 0;
	for (;;) {
		ssize_t n = pread(from, buf, sizeof(buf), off);
		if (n < 0)
			return -errno;
		if (!n)
			return 0;
		int err = write_all(to, buf, (size_t)n);
		if (err)
			return err;
		off += n;
	}
}

/* Inflate every compressed section of the copy in tmp (in place) and add the trailer. */
static int inflate_copy(int tmp)
{
	Elf *elf = elf_begin(tmp, ELF_C_RDWR, NULL);
	if (!elf)
		return -EINVAL;
	Elf_Scn *scn = NULL;
	int ret = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_COMPRESSED) &&
		    elf_compress(scn, 0, 0) < 0) {
			ret = -EINVAL;
			break;
		}
	}
	int64_t image = ret ? -1 : elf_update(elf, ELF_C_WRITE);
	elf_end(elf);
	if (image < 0)
		return -EINVAL;
	unsigned char tr[TRAILER_SIZE];
	memcpy(tr, TRAILER_MAGIC, 8);
	for (int i = 0; i < 8; i++)
		tr[8 + i] = (unsigned char)((uint64_t)image >> (8 * i));
	if (ftruncate(tmp, image) || pwrite(tmp, tr, sizeof(tr), image) != TRAILER_SIZE)
		return -errno ? -errno : -EIO;
	return 0;
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

/* Write the entry for key from the debug file fd; a descriptor on it, or a negative errno. */
static int build_entry(struct debugcache *c, int fd, const char *key, const char *name)
{
	char *tmp = NULL, *final = xmalloc(strlen(c->dir) + strlen(name) + 2);
	int err = 0, t = make_tmp(c, key, &tmp);
	sprintf(final, "%s/%s", c->dir, name);
	if (t < 0) {
		err = t;
		goto out;
	}
	if ((err = copy_fd(fd, t)) || (err = inflate_copy(t)))
		goto fail;
	if (fsync(t) || rename(tmp, final)) {
		err = -errno;
		goto fail;
	}
	c->stats.writes++;
	evict(c, name);
	goto out;
fail:
	close(t);
	t = -1;
	unlink(tmp);
out:
	free(tmp);
	free(final);
	return t >= 0 ? t : (err ? err : -EIO);
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


static char *entry_path(const struct debugcache *c, const char *key)
{
	size_t n = strlen(c->dir) + strlen(key) + 8;
	char *path = xmalloc(n);
	snprintf(path, n, "%s/%s.debug", c->dir, key);
	return path;
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
	char name[64];
	snprintf(name, sizeof(name), "%s.debug", key);
	int made = build_entry(c, fd, key, name);
	if (made < 0) {
		say(c, &c->warned_write, "cannot write the debug cache in %s (%s): debug info is "
		    "inflated on every report (--no-cache skips the cache)", c->dir, strerror(-made));
		return fd;
	}
	close(fd);
	return made;
}
