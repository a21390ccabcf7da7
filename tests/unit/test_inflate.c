/* symbolize/inflate: the inflated image of a compressed debug file holds, section by section,
 * what libelf's own inflation gives (zlib) and the same for zstd; location lists are left out;
 * libdw reads the image; a file with nothing compressed is refused; a damaged file (cut at many
 * lengths, bytes flipped in its compressed data) is refused or read without harm, never a crash. */
#include "symbolize/inflate.h"
#include "common/elfinit.h"
#include "t.h"

#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/stoke-inflate-XXXXXX";

/* A section's name, header and bytes (inflated by libelf where compressed). */
struct sec {
	char name[64];
	GElf_Shdr sh;
	unsigned char *data;
	size_t len;
};

static int read_sections(int fd, struct sec *out, int max)
{
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	size_t shstrndx;
	int n = 0;
	if (!elf || elf_getshdrstrndx(elf, &shstrndx)) {
		if (elf)
			elf_end(elf);
		return -1;
	}
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) && n < max) {
		struct sec *s = &out[n++];
		memset(s, 0, sizeof(*s));
		gelf_getshdr(scn, &s->sh);
		const char *name = elf_strptr(elf, shstrndx, s->sh.sh_name);
		snprintf(s->name, sizeof(s->name), "%s", name ? name : "?");
		if (s->sh.sh_flags & SHF_COMPRESSED) {
			if (elf_compress(scn, 0, 0) < 0) {
				s->len = (size_t)-1;
				continue;
			}
		}
		Elf_Data *d = s->sh.sh_type == SHT_NOBITS ? NULL : elf_getdata(scn, NULL);
		if (d && d->d_size) {
			s->data = malloc(d->d_size);
			memcpy(s->data, d->d_buf, d->d_size);
			s->len = d->d_size;
		}
	}
	elf_end(elf);
	return n;
}

static int is_loclist(const char *name)
{
	return !strcmp(name, ".debug_loc") || !strcmp(name, ".debug_loclists");
}

/* Every section of img as in ref (ref's inflated by libelf); location lists NOBITS. */
static void compare(const char *what, int ref_fd, int img_fd)
{
	struct sec a[128], b[128];
	int na = read_sections(ref_fd, a, 128), nb = read_sections(img_fd, b, 128);
	T_OK(na > 10 && na == nb, "%s: the image has the file's sections (%d, %d)", what, na, nb);
	int same = na == nb, loclists = 0, compressed = 0;
	for (int i = 0; same && i < na; i++) {
		if (strcmp(a[i].name, b[i].name) || (b[i].sh.sh_flags & SHF_COMPRESSED)) {
			same = 0;
			break;
		}
		compressed += (a[i].sh.sh_flags & SHF_COMPRESSED) != 0;
		if (is_loclist(a[i].name)) {
			loclists++;
			same = b[i].sh.sh_type == SHT_NOBITS;
		} else if (a[i].sh.sh_type != b[i].sh.sh_type || a[i].len != b[i].len ||
			   (a[i].len && memcmp(a[i].data, b[i].data, a[i].len))) {
			printf("# %s differs\n", a[i].name);
			same = 0;
		}
	}
	T_OK(same, "%s: every section's bytes as libelf inflates them", what);
	T_OK(compressed >= 4, "%s: the fixture had compressed sections (%d)", what, compressed);
	T_OK(loclists >= 1, "%s: location lists left out as NOBITS (%d)", what, loclists);
	for (int i = 0; i < na; i++)
		free(a[i].data);
	for (int i = 0; i < nb; i++)
		free(b[i].data);
}

static int count_cus(int fd)
{
	Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);
	if (!dw)
		return -1;
	int n = 0;
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (!dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL)) {
		Dwarf_Die die;
		Dwarf_Files *files;
		size_t nfiles;
		if (dwarf_offdie(dw, off + hsize, &die) && !dwarf_getsrcfiles(&die, &files, &nfiles))
			n++;
		off = next;
	}
	dwarf_end(dw);
	return n;
}

/* The bytes every PT_NOTE segment names, in the file and in its image: the same notes. */
static int notes_follow(int src, int img)
{
	Elf *a = elf_begin(src, ELF_C_READ, NULL), *b = elf_begin(img, ELF_C_READ, NULL);
	size_t na = 0, nb = 0;
	int ok = a && b && !elf_getphdrnum(a, &na) && !elf_getphdrnum(b, &nb) && na == nb, notes = 0;
	for (size_t i = 0; ok && i < na; i++) {
		GElf_Phdr pa, pb;
		ok = gelf_getphdr(a, (int)i, &pa) && gelf_getphdr(b, (int)i, &pb) &&
		     pa.p_type == pb.p_type && pa.p_filesz == pb.p_filesz;
		if (!ok || pa.p_type != PT_NOTE || !pa.p_filesz)
			continue;
		unsigned char x[4096], y[4096];
		size_t n = pa.p_filesz < sizeof(x) ? pa.p_filesz : sizeof(x);
		ok = pread(src, x, n, (off_t)pa.p_offset) == (ssize_t)n &&
		     pread(img, y, n, (off_t)pb.p_offset) == (ssize_t)n && !memcmp(x, y, n);
		notes++;
	}
	if (a)
		elf_end(a);
	if (b)
		elf_end(b);
	return ok ? notes : -1;
}

/* Two compressed sections made to share their bytes (each would be inflated: a file of a few
 * KiB could ask for gigabytes), and a bogus program header size: refused or read right. */
static void hostile_headers(const char *path)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	fstat(fd, &st);
	unsigned char *f = malloc((size_t)st.st_size);
	int got = pread(fd, f, (size_t)st.st_size, 0) == st.st_size;
	close(fd);
	Elf64_Ehdr eh;
	memcpy(&eh, f, sizeof(eh));
	int a = -1, b = -1;
	for (int i = 0; got && i < eh.e_shnum; i++) {
		Elf64_Shdr sh;
		memcpy(&sh, f + eh.e_shoff + (size_t)i * sizeof(sh), sizeof(sh));
		if (sh.sh_flags & SHF_COMPRESSED)
			a < 0 ? (a = i) : b < 0 ? (b = i) : 0;
	}
	T_OK(a > 0 && b > 0, "two compressed sections to make overlap");
	char out[600];
	snprintf(out, sizeof(out), "%s/hostile", dir);
	if (a > 0 && b > 0) {
		Elf64_Shdr sa, sb;
		unsigned char *copy = malloc((size_t)st.st_size);
		memcpy(copy, f, (size_t)st.st_size);
		memcpy(&sa, copy + eh.e_shoff + (size_t)a * sizeof(sa), sizeof(sa));
		memcpy(&sb, copy + eh.e_shoff + (size_t)b * sizeof(sb), sizeof(sb));
		sb.sh_offset = sa.sh_offset;
		sb.sh_size = sa.sh_size;
		memcpy(copy + eh.e_shoff + (size_t)b * sizeof(sb), &sb, sizeof(sb));
		int c = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600);
		T_OK(c >= 0 && write(c, copy, (size_t)st.st_size) == st.st_size, "write it");
		T_EQ_INT(elf_inflate_memfd(c), -EBADMSG, "sections sharing their bytes: -EBADMSG");
		close(c);
		free(copy);
	}
	/* e_phentsize 0: libelf reads program headers at their own size all the same. */
	Elf64_Ehdr bad = eh;
	bad.e_phentsize = 0;
	memcpy(f, &bad, sizeof(bad));
	int c = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600);
	T_OK(c >= 0 && write(c, f, (size_t)st.st_size) == st.st_size, "write it");
	int m = elf_inflate_memfd(c);
	T_OK(m < 0 || notes_follow(c, m) >= 1, "e_phentsize 0: refused, or the notes where the "
	     "program headers say (%d)", m);
	if (m >= 0)
		close(m);
	close(c);
	free(f);
}

static void damaged(const char *path)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	fstat(fd, &st);
	unsigned char *orig = malloc((size_t)st.st_size);
	T_OK(pread(fd, orig, (size_t)st.st_size, 0) == st.st_size, "read the fixture");
	close(fd);
	char cut[600];
	snprintf(cut, sizeof(cut), "%s/cut", dir);
	int refused = 0, tries = 0, flips = 0, flips_inside = 0, flips_refused = 0;
	size_t step = (size_t)st.st_size / 1500 + 1;
	for (size_t len = 0; len < (size_t)st.st_size; len += step) {
		int c = open(cut, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (c < 0 || write(c, orig, len) != (ssize_t)len)
			break;
		int m = elf_inflate_memfd(c);
		tries++;
		refused += m < 0;
		if (m >= 0)
			close(m);
		close(c);
	}
	T_OK(tries > 1000 && refused == tries, "every cut file refused (%d of %d)", refused, tries);
	/* Flipped bytes: anywhere, an image or an error and never a crash; inside the data of a
	 * zlib-compressed section that is inflated (the Adler-32 sees any change) always refused. */
	uint64_t lo[64], hi[64];
	int nz = 0;
	fd = open(path, O_RDONLY);
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	size_t shstrndx = 0;
	if (elf)
		elf_getshdrstrndx(elf, &shstrndx);
	while (elf && (scn = elf_nextscn(elf, scn)) && nz < 64) {
		GElf_Shdr sh;
		const char *name = gelf_getshdr(scn, &sh) ? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
		if (name && !is_loclist(name) && (sh.sh_flags & SHF_COMPRESSED) && sh.sh_size > 64) {
			lo[nz] = sh.sh_offset + sizeof(Elf64_Chdr);
			hi[nz++] = sh.sh_offset + sh.sh_size;
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	for (size_t at = 0; at < (size_t)st.st_size; at += (size_t)st.st_size / 700 + 1) {
		unsigned char save = orig[at];
		orig[at] ^= 0x5a;
		int c = open(cut, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (c < 0 || write(c, orig, (size_t)st.st_size) != st.st_size)
			break;
		int m = elf_inflate_memfd(c);
		int inside = 0;
		for (int k = 0; k < nz; k++)
			inside |= at >= lo[k] && at < hi[k];
		flips++;
		flips_inside += inside;
		flips_refused += inside && m < 0;
		if (m >= 0)
			close(m);
		close(c);
		orig[at] = save;
	}
	T_OK(flips > 500, "flipped bytes anywhere: no crash (%d files)", flips);
	T_OK(flips_inside > 20 && flips_refused == flips_inside,
	     "flipped bytes in compressed data: every file refused (%d of %d)", flips_refused,
	     flips_inside);
	free(orig);
}

int main(void)
{
	elfinit();
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	if (access("testdata/inlines.c", R_OK)) {
		T_SKIP("inflate", "run from the repository root");
		T_DONE();
	}
	int built = !t_sh("cc -O2 -g -pthread -o %s/full testdata/inlines.c && "
			  "objcopy --only-keep-debug --compress-debug-sections=zlib %s/full %s/z.debug && "
			  "objcopy --only-keep-debug %s/full %s/plain.debug", dir, dir, dir, dir, dir);
	T_OK(built, "build the fixture and its zlib-compressed debug file");
	if (!built)
		T_DONE();
	char path[600];
	snprintf(path, sizeof(path), "%s/z.debug", dir);
	int z = open(path, O_RDONLY);
	int img = elf_inflate_memfd(z);
	T_OK(img >= 0, "zlib: inflated (%d)", img);
	if (img >= 0) {
		compare("zlib", z, img);
		Elf *a = elf_begin(z, ELF_C_READ, NULL), *b = elf_begin(img, ELF_C_READ, NULL);
		const void *ida = NULL, *idb = NULL;
		ssize_t la = a ? dwelf_elf_gnu_build_id(a, &ida) : -1;
		ssize_t lb = b ? dwelf_elf_gnu_build_id(b, &idb) : -1;
		T_OK(la == 20 && la == lb && !memcmp(ida, idb, (size_t)la), "zlib: same build-id");
		if (a)
			elf_end(a);
		if (b)
			elf_end(b);
		T_OK(notes_follow(z, img) >= 1, "zlib: every note segment's bytes where its program "
		     "header says");
		int cus = count_cus(img);
		T_OK(cus >= 1 && cus == count_cus(z), "zlib: libdw reads every unit's lines (%d)", cus);
		off_t at = lseek(z, 0, SEEK_CUR);
		T_EQ_INT(at, 0, "the source's offset untouched");
		close(img);
	}

	snprintf(path, sizeof(path), "%s/plain.debug", dir);
	int plain = open(path, O_RDONLY);
	T_EQ_INT(elf_inflate_memfd(plain), -ENODATA, "nothing compressed: -ENODATA");
	close(plain);
	int notelf = open("testdata/inlines.c", O_RDONLY);
	T_EQ_INT(elf_inflate_memfd(notelf), -EBADMSG, "not an ELF file: -EBADMSG");
	close(notelf);

	if (!t_sh("objcopy --only-keep-debug --compress-debug-sections=zstd %s/full %s/s.debug "
		  "2>/dev/null", dir, dir)) {
		snprintf(path, sizeof(path), "%s/s.debug", dir);
		int s = open(path, O_RDONLY);
		int simg = elf_inflate_memfd(s);
		T_OK(simg >= 0, "zstd: inflated (%d)", simg);
		if (simg >= 0)
			compare("zstd (as libelf inflates the zlib file)", z, simg);
		close(simg);
		close(s);
	} else {
		T_SKIP("zstd", "this objcopy cannot compress with zstd");
	}
	close(z);
	snprintf(path, sizeof(path), "%s/z.debug", dir);
	hostile_headers(path);
	damaged(path);
	t_sh("rm -rf %s", dir);
	T_DONE();
}
