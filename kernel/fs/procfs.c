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
#include "kerrno.h"
#include "kstring.h"
#include "printf.h"
#include "proc.h"
#include "task.h"
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

/* The lines at the offset on: each is made, and copied where it meets
 * [off, off + n). */
static int64_t maps_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	char line[PATH_MAX + 128];
	uint64_t at = 0, done = 0;
	struct inode *exe;
	if (path_lookup(AT_FDCWD, fs_exe(), true, &exe))
		exe = NULL;
	for (const struct vma *v = current_proc()->areas.first; v && done < n; v = v->next) {
		size_t len = map_line(v, exe, line, sizeof line);
		if (at + len > f->off) {
			size_t from = f->off > at ? (size_t)(f->off - at) : 0;
			size_t k = len - from < n - done ? len - from : (size_t)(n - done);
			if (copy_to_user(ubuf + done, line + from, k))
				return done ? (int64_t)done : -EFAULT;
			done += k;
			f->off += k;
		}
		at += len;
	}
	return (int64_t)done;
}

static const struct dev_ops maps_ops = {.read = maps_read};

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

void procfs_thread_gone(int tid)
{
	char name[16];
	struct inode *task, *dir;
	if (!fs_root() || path_lookup(AT_FDCWD, TASK_DIR, true, &task))
		return;
	int len = ksnprintf(name, sizeof name, "%d", tid);
	if ((dir = dir_lookup(task, name, (size_t)len)) && S_ISDIR(dir->mode)) {
		dir_unlink(dir, "comm", 4);
		if (dir_empty(dir))
			dir_unlink(task, name, (size_t)len);
	}
}

int procfs_populate(struct inode *self)
{
	int err = add_generated(self, "maps", &maps_ops, 0, 0444);
	if (!err)
		err = add_generated(self, "comm", &comm_ops, 0, 0644);
	struct inode *task;
	if (!err)
		err = path_mkdirs(TASK_DIR, &task);
	for (struct thread *t = current_proc() ? current_proc()->threads : NULL; t && !err;
	     t = t->next)
		procfs_thread_added(t->tid);
	return err;
}
