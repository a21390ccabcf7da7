/* symbolize/addrspace and objfile: the fork, exec and mmap rules, generations, and one object
 * per (path, build-id) shared by every process that maps the file. */
#include "symbolize/addrspace.h"
#include "t.h"

#include <errno.h>
#include <stdint.h>

struct unmapped_seen {
	struct objfile *want;
	int target, others;
};

static void note_unmapped(void *ctx, struct objfile *o)
{
	struct unmapped_seen *s = ctx;
	if (o == s->want)
		s->target++;
	else
		s->others++;
}

int main(void)
{
	struct addrspace *as = addrspace_new();
	const struct as_map *m;
	const unsigned char id1[20] = { 1, 2, 3 }, id2[20] = { 9, 9, 9 };

	T_OK(!addrspace_proc(as, 10) && !addrspace_find(as, 10, 0x1000) &&
	     addrspace_generation(as, 10) == 0, "an unknown process has no maps, generation 0");

	addrspace_mmap(as, 10, 0x10000, 0x3000, 0x1000, 5, "/bin/true", id1, 20);
	uint32_t g1 = addrspace_generation(as, 10);
	m = addrspace_find(as, 10, 0x11234);
	T_OK(m && m->start == 0x10000 && m->end == 0x13000 && m->pgoff == 0x1000 && m->obj &&
	     !strcmp(m->path, "/bin/true"), "a file mapping is found, with its object");
	T_OK(!addrspace_find(as, 10, 0x13000) && !addrspace_find(as, 10, 0xffff),
	     "its ends are [start, end)");
	T_OK(g1 != 0, "mmap moves the generation");
	struct objfile *obj = m->obj;
	size_t len;
	objfile_build_id(obj, &len);
	T_OK(!strcmp(objfile_name(obj), "true") && len == 20, "the object's name and build-id");

	/* A new map over the middle of the old one cuts it in two. */
	addrspace_mmap(as, 10, 0x11000, 0x1000, 0, 3, "//anon", NULL, 0);
	const struct as_map *left = addrspace_find(as, 10, 0x10000);
	const struct as_map *mid = addrspace_find(as, 10, 0x11000);
	const struct as_map *right = addrspace_find(as, 10, 0x12000);
	T_OK(left && left->end == 0x11000 && left->pgoff == 0x1000, "the left part keeps its offset");
	T_OK(mid && !mid->obj && !strcmp(mid->path, "//anon"), "anonymous memory has no object");
	T_OK(right && right->start == 0x12000 && right->pgoff == 0x3000 && right->obj == obj,
	     "the right part's offset moves with its start");
	T_OK(addrspace_generation(as, 10) != g1, "each mmap moves the generation");

	/* The same file in another process: the same object; another build-id: another. */
	addrspace_mmap(as, 20, 0x50000, 0x1000, 0, 5, "/bin/true", id1, 20);
	T_OK(addrspace_find(as, 20, 0x50000)->obj == obj, "one object per (path, build-id)");
	addrspace_mmap(as, 20, 0x60000, 0x1000, 0, 5, "/bin/true", id2, 20);
	T_OK(addrspace_find(as, 20, 0x60000)->obj != obj, "another build-id: another object");

	/* fork copies the parent's maps; a thread (ppid == pid) changes nothing. */
	uint32_t g10 = addrspace_generation(as, 10);
	addrspace_fork(as, 10, 11);
	T_OK(addrspace_find(as, 11, 0x12000) && addrspace_find(as, 11, 0x12000)->obj == obj,
	     "a child has its parent's maps");
	addrspace_fork(as, 10, 10);
	T_OK(addrspace_generation(as, 10) == g10, "a new thread changes nothing");
	addrspace_mmap(as, 11, 0x90000, 0x1000, 0, 5, "/bin/sh", NULL, 0);
	T_OK(!addrspace_find(as, 10, 0x90000), "the child's new maps are its own");

	/* exec drops the maps and moves the generation; the process stays known. */
	addrspace_exec(as, 10);
	T_OK(!addrspace_find(as, 10, 0x10000) && addrspace_proc(as, 10) &&
	     addrspace_generation(as, 10) != g10, "exec: the old maps are gone");
	T_OK(addrspace_find(as, 11, 0x10000) != NULL, "exec of the parent leaves the child's maps");

	/* Empty and wrapping ranges are ignored. */
	uint32_t g20 = addrspace_generation(as, 20);
	addrspace_mmap(as, 20, 0x70000, 0, 0, 5, "/bin/true", NULL, 0);
	addrspace_mmap(as, 20, UINT64_MAX - 0xfff, 0x2000, 0, 5, "/bin/true", NULL, 0);
	T_OK(addrspace_generation(as, 20) == g20, "empty or wrapping mappings are ignored");

	/* The object opens once, and reads the file's load segments. */
	int err = objfile_open(obj);
	const GElf_Phdr *loads;
	T_OK(!err && objfile_loads(obj, &loads) > 0 && objfile_fd(obj) >= 0,
	     "/bin/true opens, with load segments");
	uint64_t vaddr, off;
	T_OK(!objfile_off_to_vaddr(obj, loads[0].p_offset, &vaddr) && vaddr == loads[0].p_vaddr &&
	     !objfile_vaddr_to_off(obj, vaddr, &off) && off == loads[0].p_offset,
	     "file offsets and virtual addresses through PT_LOAD, both ways");
	uint64_t bias;
	T_OK(!objfile_bias(obj, 0x555500000000ULL + (loads[0].p_vaddr & ~0xfffULL),
			   loads[0].p_offset & ~0xfffULL, &bias) && bias == 0x555500000000ULL,
	     "the load bias of a mapping");
	addrspace_mmap(as, 30, 0x1000, 0x1000, 0, 5, "/nonexistent/stoke-test", NULL, 0);
	T_EQ_INT(objfile_open(addrspace_find(as, 30, 0x1000)->obj), -ENOENT,
		 "a missing file: -ENOENT");
	addrspace_mmap(as, 30, 0x3000, 0x1000, 0, 5, "/etc/passwd", NULL, 0);
	T_EQ_INT(objfile_open(addrspace_find(as, 30, 0x3000)->obj), -ENOEXEC,
		 "a file that is not ELF: -ENOEXEC");

	/* Files no process maps any more: named once their last map is gone, closed (not while
	 * a reader holds a slot), opened again on the next need. */
	struct unmapped_seen seen = { obj, 0, 0 };
	addrspace_unmapped_files(as, note_unmapped, &seen);
	T_OK(!seen.target, "a file some process maps is not named");
	for (uint32_t pid = 1; pid < 100; pid++)
		addrspace_forget(as, pid);
	addrspace_unmapped_files(as, note_unmapped, &seen);
	T_OK(seen.target == 1, "once no process maps it, an open file is named (%d others)",
	     seen.others);
	objfile_set_slot(obj, OBJFILE_UNWIND, &seen);
	T_EQ_INT(objfile_close(obj), -EBUSY, "a file a reader holds is not closed");
	objfile_set_slot(obj, OBJFILE_UNWIND, NULL);
	T_OK(!objfile_close(obj) && !objfile_is_open(obj) && objfile_fd(obj) < 0,
	     "closed: no descriptor");
	T_OK(!objfile_open(obj) && objfile_is_open(obj) && objfile_loads(obj, &loads) > 0,
	     "opened again on the next need");

	addrspace_free(as);
	T_DONE();
}
