/*
 * What /proc shows of the running program beside the fixed files of etc.c
 * and dev.c: /proc/self/maps, its memory areas in Linux's format (glibc's
 * pthread_getattr_np finds the first thread's stack there, and garbage
 * collectors and profilers read it), and for each thread
 * /proc/self/task/TID/comm, its name, through which pthread_setname_np
 * and pthread_getname_np name another thread (/proc/self/comm: the first
 * thread's). These are generated files: regular files of size 0, as
 * Linux's are, whose reads and writes go to the dev_ops set on the inode
 * (file.c), their text made afresh at each read from the file's offset.
 * A thread's directory comes with clone and goes when the thread ends.
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "pmm.h"
#include "printf.h"
#include "proc.h"
#include "smp.h"
#include "task.h"
#include "timer.h"
#include "vm.h"
#include "vmatree.h"

#define TASK_DIR "/proc/self/task"

/* The part of text at the file's offset, up to n bytes, to ubuf. */
static int64_t read_text(struct file *f, uint64_t ubuf, uint64_t n, const char *text, size_t len)
{
	if (f->off >= len)
		return 0;
	size_t k = len - f->off < n ? len - f->off : n;
	if (copy_to_user(ubuf, text + f->off, k))
		return -EFAULT;
	f->off += k;
	return (int64_t)k;
}

/* The thread a comm file names: rdev is its tid (0: the first thread). */
static struct thread *comm_thread(const struct file *f)
{
	return thread_find(f->inode->rdev ? (int)f->inode->rdev : current_proc()->pid);
}

static int64_t comm_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	struct thread *t = comm_thread(f);
	if (!t)
		return -ESRCH;
	char line[sizeof t->comm + 1];
	size_t len = strlen(task_comm(t));
	memcpy(line, t->comm, len);
	line[len++] = '\n';
	return read_text(f, ubuf, n, line, len);
}

/* As Linux: the first 15 bytes written (a newline kept) are the name. */
static int64_t comm_write(struct file *f, uint64_t ubuf, uint64_t n)
{
	struct thread *t = comm_thread(f);
	char name[sizeof t->comm];
	memset(name, 0, sizeof name);
	if (copy_from_user(name, ubuf, n < sizeof name - 1 ? n : sizeof name - 1))
		return -EFAULT;
	if (!t)
		return -ESRCH;
	memcpy(t->comm, name, sizeof t->comm);
	t->comm_set = true;
	return (int64_t)n;
}

static const struct dev_ops comm_ops = {.read = comm_read, .write = comm_write};

/* One line of the maps file for v, into line: start-end, access, offset,
 * device, inode, and a name for the stack, the heap (with the program's
 * bss when they meet, as Linux's) and the program's own segments (exe: its
 * file, or NULL). A mapped file has no name: the tree keeps no path of a
 * file. Returns its length. */
static size_t map_line(const struct vma *v, const struct inode *exe, char *line, size_t size)
{
	const struct proc *p = current_proc();
	const struct inode *ip = v->file ? v->file : v->image ? exe : NULL;
	unsigned dev = ip ? (unsigned)(ip->sb ? ip->sb->dev : FS_DEV) : 0;
	const char *name = NULL;
	if (v->image)
		name = fs_exe();
	else if (!v->file && p->stack_lo && v->start >= p->stack_lo && v->end <= USER_STACK_TOP)
		name = "[stack]";
	else if (!v->file && p->brk > p->brk_start && v->start <= p->brk && v->end >= p->brk_start)
		name = "[heap]";
	int n = ksnprintf(line, size, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", v->start, v->end,
			  v->flags & VM_READ ? 'r' : '-', v->flags & VM_WRITE ? 'w' : '-',
			  v->flags & VM_EXEC ? 'x' : '-', v->shared ? 's' : 'p',
			  v->file || v->image ? v->off : 0, (dev >> 8) & 0xfff, dev & 0xff,
			  ip ? (unsigned long)ip->ino : 0ul);
	if (n < 0 || (size_t)n >= size)
		return 0;
	size_t len = (size_t)n;
	if (name) { /* the name in column 73, as Linux's */
		while (len < 72 && len + 1 < size)
			line[len++] = ' ';
		n = ksnprintf(line + len, size - len, " %s", name);
		len += n > 0 ? (size_t)n : 0;
		if (len >= size)
			len = size - 1;
	}
	line[len++] = '\n';
	return len;
}

/* The whole text, made by a read from offset 0 (or the first) and kept
 * with the open file for the reads that follow, as Linux's seq_file keeps
 * its place: a mapping made between two reads does not tear a line, and
 * reading many areas a piece at a time costs one pass. */
static int64_t maps_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	if (!f->text || !f->off) {
		static char line[PATH_MAX + 128]; /* under the kernel lock */
		struct inode *exe;
		if (path_lookup(AT_FDCWD, fs_exe(), true, &exe))
			exe = NULL;
		size_t total = 0;
		const struct vma *first = current_proc()->areas.first;
		for (const struct vma *v = first; v; v = v->next)
			total += map_line(v, exe, line, sizeof line);
		char *text = kmalloc(total ? total : 1);
		if (!text)
			return -ENOMEM;
		size_t at = 0;
		for (const struct vma *v = first; v && at < total; v = v->next) {
			size_t len = map_line(v, exe, line, sizeof line);
			len = len < total - at ? len : total - at;
			memcpy(text + at, line, len);
			at += len;
		}
		kfree(f->text);
		f->text = text, f->text_len = at;
	}
	return read_text(f, ubuf, n, f->text, f->text_len);
}

static const struct dev_ops maps_ops = {.read = maps_read};

/* The process's memory by kind, in pages: every area, those of the
 * program's code, and the private writable ones (data, heap, stacks). */
struct sizes {
	uint64_t all, text, data;
};

static struct sizes sizes_of(void)
{
	struct sizes s = {0, 0, 0};
	for (const struct vma *v = current_proc()->areas.first; v; v = v->next) {
		uint64_t pages = (v->end - v->start) / PAGE_SIZE;
		s.all += pages;
		if (v->image && (v->flags & VM_EXEC))
			s.text += pages;
		else if ((v->flags & VM_WRITE) && !v->shared)
			s.data += pages;
	}
	return s;
}

static unsigned thread_count(void)
{
	unsigned n = 0;
	for (const struct thread *t = current_proc()->threads; t; t = t->next)
		n++;
	return n;
}

#define KB(pages) ((unsigned long)((pages) * (PAGE_SIZE / 1024)))

/* mask as Linux lists CPUs: "0-3,6". */
static const char *cpu_list(uint64_t mask, char *out, size_t size)
{
	size_t len = 0;
	out[0] = 0;
	for (unsigned c = 0; c < 64 && len + 12 < size; c++) {
		if (!(mask >> c & 1))
			continue;
		unsigned last = c;
		while (last + 1 < 64 && (mask >> (last + 1) & 1))
			last++;
		int k = last > c
			    ? ksnprintf(out + len, size - len, "%s%u-%u", len ? "," : "", c, last)
			    : ksnprintf(out + len, size - len, "%s%u", len ? "," : "", c);
		len += k > 0 ? (size_t)k : 0;
		c = last;
	}
	return out;
}

/* /proc/self/status: the fields the process has, in Linux's order and
 * format (programs look for VmRSS, VmHWM, Threads). */
static int64_t status_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	const struct proc *p = current_proc();
	struct vma_usage u = vma_usage();
	struct sizes s = sizes_of();
	uint64_t cpus = smp_program_mask();
	char text[1024], list[256];
	int len = ksnprintf(
	    text, sizeof text,
	    "Name:\t%s\nUmask:\t%04o\nState:\tR (running)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
	    "PPid:\t0\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n"
	    "FDSize:\t%d\nVmSize:\t%8lu kB\nVmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\n"
	    "VmData:\t%8lu kB\nVmExe:\t%8lu kB\nThreads:\t%u\nCpus_allowed:\t%lx\n"
	    "Cpus_allowed_list:\t%s\n",
	    task_comm(p->thread), fs_umask(), p->pid, p->pid, p->uid.r, p->uid.e, p->uid.s,
	    p->uid.fs, p->gid.r, p->gid.e, p->gid.s, p->gid.fs, fd_table_size(), KB(s.all),
	    KB(u.peak), KB(u.resident), KB(s.data), KB(s.text), thread_count(), (unsigned long)cpus,
	    cpu_list(cpus, list, sizeof list));
	return read_text(f, ubuf, n, text, len > 0 ? (size_t)len : 0);
}

static const struct dev_ops status_ops = {.read = status_read};

/* /proc/self/statm: size, resident, shared, text, lib, data, dt (pages). */
static int64_t statm_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	struct sizes s = sizes_of();
	char text[128];
	int len = ksnprintf(text, sizeof text, "%lu %lu 0 %lu 0 %lu 0\n", (unsigned long)s.all,
			    (unsigned long)vma_usage().resident, (unsigned long)s.text,
			    (unsigned long)s.data);
	return read_text(f, ubuf, n, text, len > 0 ? (size_t)len : 0);
}

static const struct dev_ops statm_ops = {.read = statm_read};

/* /proc/self/stat: Linux's 52 fields; what the process does not have (a
 * parent, a terminal, children) reads 0, and it started at boot. */
static int64_t stat_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	const struct proc *p = current_proc();
	const struct thread *t = p->thread;
	uint64_t user, sys;
	proc_cputime(&user, &sys);
	struct vma_usage u = vma_usage();
	char text[512];
	int len = ksnprintf(
	    text, sizeof text,
	    "%d (%s) R 0 %d %d 0 -1 4194560 %lu 0 0 0 %lu %lu 0 0 %d %d %u 0 0 %lu %lu "
	    "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 %u %u %d 0 0 0 0 0 %lu %lu %lu %lu "
	    "%lu "
	    "0\n",
	    p->pid, task_comm(p->thread), p->pgid, p->sid, (unsigned long)u.faults,
	    (unsigned long)(user / (1000000000 / TIMER_HZ)),
	    (unsigned long)(sys / (1000000000 / TIMER_HZ)),
	    t->policy == 1 || t->policy == 2 ? -1 - (int)t->rt_priority : 20 + t->nice, t->nice,
	    thread_count(), (unsigned long)(sizes_of().all * PAGE_SIZE), (unsigned long)u.resident,
	    t->cpu, t->rt_priority, t->policy, (unsigned long)p->brk_start,
	    (unsigned long)p->arg_start, (unsigned long)p->arg_end, (unsigned long)p->arg_end,
	    (unsigned long)p->env_end);
	return read_text(f, ubuf, n, text, len > 0 ? (size_t)len : 0);
}

static const struct dev_ops stat_ops = {.read = stat_read};

/* /proc/meminfo: the machine's memory; no swap, caches or buffers. */
static int64_t meminfo_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	char text[512];
	unsigned long total = KB(pmm_total_count()), free = KB(pmm_free_count());
	int len = ksnprintf(text, sizeof text,
			    "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
			    "MemAvailable:   %8lu kB\nBuffers:        %8lu kB\n"
			    "Cached:         %8lu kB\nSwapCached:     %8lu kB\n"
			    "SwapTotal:      %8lu kB\nSwapFree:       %8lu kB\n",
			    total, free, free, 0ul, 0ul, 0ul, 0ul, 0ul);
	return read_text(f, ubuf, n, text, len > 0 ? (size_t)len : 0);
}

/* Linux's /proc files outside /proc/PID can be polled (epoll too). */
static const struct dev_ops meminfo_ops = {
    .read = meminfo_read, .poll = poll_ready, .may_change = poll_never_changes};

/* The bytes of the program's memory [from, to) at the file's offset on,
 * read now (a program that rewrites its argv shows it, as on Linux). */
static int64_t read_user(struct file *f, uint64_t ubuf, uint64_t n, uint64_t from, uint64_t to)
{
	char chunk[256];
	uint64_t done = 0;
	while (done < n && from + f->off < to) {
		uint64_t k = to - from - f->off;
		k = k < sizeof chunk ? k : sizeof chunk;
		k = k < n - done ? k : n - done;
		if (copy_from_user(chunk, from + f->off, k) || copy_to_user(ubuf + done, chunk, k))
			return done ? (int64_t)done : -EFAULT;
		done += k;
		f->off += k;
	}
	return (int64_t)done;
}

static int64_t cmdline_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	const struct proc *p = current_proc();
	return read_user(f, ubuf, n, p->arg_start, p->arg_end);
}

static int64_t environ_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	const struct proc *p = current_proc();
	return read_user(f, ubuf, n, p->arg_end, p->env_end);
}

static const struct dev_ops cmdline_ops = {.read = cmdline_read};
static const struct dev_ops environ_ops = {.read = environ_read};

/* A generated file called name in dir. */
static int add_generated(struct inode *dir, const char *name, const struct dev_ops *ops,
			 uint32_t rdev, uint32_t mode)
{
	struct inode *ip = inode_new(S_IFREG | mode);
	if (!ip)
		return -ENOMEM;
	ip->dev = ops;
	ip->rdev = rdev;
	int err = dir_link(dir, name, strlen(name), ip);
	if (err)
		inode_put(ip);
	return err;
}

void procfs_thread_added(int tid)
{
	char path[64];
	struct inode *dir;
	ksnprintf(path, sizeof path, TASK_DIR "/%d", tid);
	if (fs_root() && !path_mkdirs(path, &dir))
		add_generated(dir, "comm", &comm_ops, (uint32_t)tid, 0644);
}

/* Only what procfs_thread_added made goes: the program may have renamed,
 * removed or replaced entries of the tree there (the directory only when
 * empty). */
void procfs_thread_gone(int tid)
{
	char name[16];
	struct inode *task, *dir, *comm;
	if (!fs_root() || path_lookup(AT_FDCWD, TASK_DIR, true, &task) || !S_ISDIR(task->mode))
		return;
	int len = ksnprintf(name, sizeof name, "%d", tid);
	if ((dir = dir_lookup(task, name, (size_t)len)) && S_ISDIR(dir->mode)) {
		comm = dir_lookup(dir, "comm", 4);
		if (comm && comm->dev == &comm_ops && comm->rdev == (uint32_t)tid)
			dir_unlink(dir, "comm", 4);
		if (dir_empty(dir))
			dir_unlink(task, name, (size_t)len);
	}
}

/*
 * /proc/self/fd: a directory whose entries are the open descriptors, made
 * as they are looked up (inode_ops), each a link (S_IFLNK) that leads to
 * the descriptor's file itself, not to a name (path.c follows a
 * dev_fd_alias_ops link so), as Linux's magic links: open reopens the file
 * (a new open file description), stat sees the file, readlink its name or
 * kind (procfs_fd_text). One link inode per descriptor number, kept (named
 * once, so that nothing frees it) until the tree goes.
 */
static struct inode **fd_links;
static int fd_links_cap;

static struct inode *fd_link(int fd, int *err)
{
	if (fd >= fd_links_cap) {
		int cap = fd_links_cap ? fd_links_cap : 64;
		while (cap <= fd)
			cap *= 2;
		struct inode **n = kzalloc(cap * sizeof *n);
		if (!n) {
			*err = -ENOMEM;
			return NULL;
		}
		if (fd_links)
			memcpy(n, fd_links, fd_links_cap * sizeof *n);
		kfree(fd_links);
		fd_links = n;
		fd_links_cap = cap;
	}
	if (!fd_links[fd]) {
		struct inode *ip = inode_new(S_IFLNK | 0700);
		if (!ip) {
			*err = -ENOMEM;
			return NULL;
		}
		ip->dev = &dev_fd_alias_ops;
		ip->rdev = (uint32_t)fd;
		ip->nlink = 1;
		fd_links[fd] = ip;
	}
	return fd_links[fd];
}

/* A descriptor's name: decimal, no leading 0 (as Linux's name_to_int). */
static int fd_of_name(const char *name, size_t len)
{
	int fd = 0;
	if (!len || len > 9 || (len > 1 && name[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		fd = fd * 10 + (name[i] - '0');
	}
	return fd;
}

static struct inode *fd_lookup(struct inode *dir, const char *name, size_t len, int *err)
{
	(void)dir;
	int fd = fd_of_name(name, len);
	*err = -ENOENT;
	return fd >= 0 && fd_get(fd) ? fd_link(fd, err) : NULL;
}

static const char *fd_next(struct inode *dir, uint64_t *pos, struct inode **ip)
{
	static char name[16]; /* read at once, under the kernel lock */
	(void)dir;
	for (int fd = (int)(*pos - 2), err; fd < fd_table_size(); fd++)
		if (fd_get(fd) && (*ip = fd_link(fd, &err))) {
			*pos = (uint64_t)fd + 2;
			ksnprintf(name, sizeof name, "%d", fd);
			return name;
		}
	return NULL;
}

static int fd_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
		     struct inode **out)
{
	(void)dir, (void)name, (void)len, (void)mode, (void)out;
	return -ENOENT; /* no descriptor is made by a name, as Linux's */
}

static int fd_unlink(struct inode *dir, struct inode *ip)
{
	(void)dir, (void)ip;
	return -EACCES;
}

static int fd_rename(struct inode *ip, struct inode *ndir, const char *name, size_t len,
		     struct inode *victim)
{
	(void)ip, (void)ndir, (void)name, (void)len, (void)victim;
	return -EACCES;
}

static bool fd_empty(struct inode *dir)
{
	(void)dir;
	return false;
}

static const char *fd_dir_name(struct inode *ip)
{
	(void)ip;
	return "fd";
}

static uint64_t fd_allocated(struct inode *ip)
{
	(void)ip;
	return 0;
}

static void fd_evict(struct inode *ip)
{
	(void)ip;
	kfree(fd_links); /* the links are the tree's, freed with it */
	fd_links = NULL;
	fd_links_cap = 0;
}

static const struct inode_ops fd_dir_ops = {
    .lookup = fd_lookup,
    .create = fd_create,
    .unlink = fd_unlink,
    .rename = fd_rename,
    .empty = fd_empty,
    .next = fd_next,
    .name = fd_dir_name,
    .allocated = fd_allocated,
    .evict = fd_evict,
};

size_t procfs_fd_text(const struct inode *link, char *buf, size_t size)
{
	struct file *f = fd_get((int)link->rdev);
	char text[PATH_MAX + 16];
	if (!f) {
		text[0] = 0;
	} else {
		const struct inode *ip = f->inode;
		if (f->name)
			ksnprintf(text, sizeof text, "%s%s", f->name,
				  ip->nlink == 0 ? " (deleted)" : "");
		else if (ip->pipe)
			ksnprintf(text, sizeof text, "pipe:[%lu]", (unsigned long)ip->ino);
		else if (S_ISSOCK(ip->mode))
			ksnprintf(text, sizeof text, "socket:[%lu]", (unsigned long)ip->ino);
		else if (ip->dev && ip->dev->anon)
			ksnprintf(text, sizeof text, "anon_inode:[%s]", ip->dev->anon);
		else
			ksnprintf(text, sizeof text, "/dev/console"); /* the standard streams */
	}
	size_t n = strlen(text);
	n = n < size ? n : size;
	memcpy(buf, text, n);
	return n;
}

int procfs_populate(struct inode *self)
{
	static const struct {
		const char *name;
		const struct dev_ops *ops;
		uint32_t mode;
		bool in_proc; /* in /proc, not /proc/self */
	} files[] = {
	    {"maps", &maps_ops, 0444, false},	    {"comm", &comm_ops, 0644, false},
	    {"status", &status_ops, 0444, false},   {"statm", &statm_ops, 0444, false},
	    {"stat", &stat_ops, 0444, false},	    {"cmdline", &cmdline_ops, 0444, false},
	    {"environ", &environ_ops, 0400, false}, {"meminfo", &meminfo_ops, 0444, true},
	};
	int err = 0;
	for (size_t i = 0; i < sizeof files / sizeof files[0] && !err; i++)
		if (!files[i].in_proc || self->parent)
			err = add_generated(files[i].in_proc ? self->parent : self, files[i].name,
					    files[i].ops, 0, files[i].mode);
	struct inode *task, *fd = err ? NULL : inode_new(S_IFDIR | 0500);
	if (!err && !fd)
		err = -ENOMEM;
	if (!err) { /* /proc/self/fd */
		fd->ops = &fd_dir_ops;
		err = dir_link(self, "fd", 2, fd);
		if (err)
			inode_put(fd);
	}
	if (!err)
		err = path_mkdirs(TASK_DIR, &task);
	for (struct thread *t = current_proc() ? current_proc()->threads : NULL; t && !err;
	     t = t->next)
		procfs_thread_added(t->tid);
	return err;
}
