/* Open files and the running process's descriptor table; an open file is
 * shared by the descriptors dup made from it (offset and flags).
 * The table grows as descriptors are used, up to RLIMIT_NOFILE's soft
 * limit, which is so the real limit (a program may raise it to NR_OPEN). */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "printf.h"
#include "proc.h"
#include "task.h"

int fd_limit(void)
{
	uint64_t cur = proc_rlimit(RLIMIT_NOFILE).cur;
	return cur < NR_OPEN ? (int)cur : NR_OPEN;
}

int fd_table_size(void) { return current_proc()->fdcap; }

/* Make slot fd exist. -EMFILE when memory runs out. */
static int grow(int fd)
{
	struct proc *p = current_proc();

	if (fd < p->fdcap)
		return 0;
	int cap = p->fdcap ? p->fdcap : 64;
	while (cap <= fd)
		cap *= 2;
	if (cap > NR_OPEN)
		cap = NR_OPEN;
	struct file **t = kzalloc((size_t)cap * sizeof *t);
	bool *c = kzalloc((size_t)cap * sizeof *c);
	if (!t || !c) {
		kfree(t), kfree(c);
		return -EMFILE;
	}
	if (p->fdcap) {
		memcpy(t, p->fdtab, (size_t)p->fdcap * sizeof *t);
		memcpy(c, p->cloexec, (size_t)p->fdcap * sizeof *c);
	}
	kfree(p->fdtab), kfree(p->cloexec);
	p->fdtab = t, p->cloexec = c, p->fdcap = cap;
	return 0;
}

void fd_close_all(void)
{
	struct proc *p = current_proc();

	for (int fd = 0; fd < p->fdcap; fd++)
		fd_close(fd);
	kfree(p->fdtab), kfree(p->cloexec);
	p->fdtab = NULL, p->cloexec = NULL, p->fdcap = 0;
}

struct file *file_open_inode(struct inode *ip, uint32_t flags)
{
	struct file *f = kzalloc(sizeof *f);
	if (!f)
		return NULL;
	f->inode = ip;
	f->flags = flags;
	f->refs = 1;
	f->err_seen = ip->sb ? ip->sb->err_seq : 0; /* earlier losses are not its */
	inode_get(ip);
	return f;
}

struct file *anon_file(const struct dev_ops *ops, void *priv, uint32_t mode, uint32_t flags)
{
	struct inode *ip = inode_new(mode);
	struct file *f = ip ? file_open_inode(ip, flags) : NULL;
	if (!f) {
		if (ip)
			inode_put(ip);
		return NULL;
	}
	ip->dev = ops;
	ip->priv = priv;
	return f;
}

int anon_fd(const struct dev_ops *ops, void *priv, uint32_t flags, bool cloexec)
{
	struct file *f = anon_file(ops, priv, S_IFCHR | 0600, flags);
	if (!f) {
		kfree(priv);
		return -ENOMEM;
	}
	int fd = fd_install(f, 0, cloexec);
	if (fd < 0)
		file_put(f); /* its release frees priv */
	return fd;
}

/* f's name becomes the n bytes made in the buffer name, in an allocation
 * of their size (an open file keeps it), not a path's most. */
static void keep_name(struct file *f, char *name, size_t n)
{
	char *kept = kmalloc(n + 1);
	if (kept) {
		memcpy(kept, name, n + 1);
		kfree(name);
		name = kept;
	}
	kfree(f->name);
	f->name = name;
}

void file_set_name(struct file *f, int dirfd, const char *prefix, const char *path)
{
	char *name = kmalloc(PATH_MAX + 64);
	if (!name)
		return;
	size_t n = 0;
	if (prefix) { /* a name that is no path: "/memfd:" and the program's */
		ksnprintf(name, PATH_MAX + 64, "%s%s", prefix, path);
		keep_name(f, name, strlen(name));
		return;
	}
	if (path[0] != '/') { /* from its directory's name */
		struct file *d = dirfd == AT_FDCWD ? NULL : fd_get(dirfd);
		if (path_of_dir(d ? d->inode : fs_cwd(), name, PATH_MAX) < 0) {
			kfree(name);
			return;
		}
		n = strlen(name);
	}
	/* the path's components, without ".", ".." (one up) or empty ones */
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *e = p;
		while (*e && *e != '/')
			e++;
		size_t len = (size_t)(e - p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && name[n - 1] != '/')
				n--;
			n = n > 1 ? n - 1 : 0; /* the "/" before it too, but the root's */
		} else if (len && !(len == 1 && p[0] == '.') && n + len + 2 <= PATH_MAX) {
			if (n == 0 || name[n - 1] != '/')
				name[n++] = '/';
			memcpy(name + n, p, len);
			n += len;
		}
		p = e;
	}
	if (n == 0)
		name[n++] = '/';
	name[n] = 0;
	keep_name(f, name, n);
}

int anon_open(struct inode *ip)
{
	(void)ip;
	return -ENXIO;
}

void anon_release(struct file *f)
{
	kfree(f->inode->priv);
	f->inode->priv = NULL;
}

void file_put(struct file *f)
{
	if (--f->refs)
		return;
	if (f->inode->pipe && !(f->flags & O_PATH)) /* (an O_PATH one is no end) */
		pipe_release(f);
	flock_release(f);
	epoll_forget(f);
	if (f->inode->dev && f->inode->dev->release)
		f->inode->dev->release(f);
	kfree(f->text);
	kfree(f->name);
	inode_put(f->inode);
	kfree(f);
}

struct file *fd_get(int fd)
{
	struct proc *p = current_proc();
	return fd >= 0 && fd < p->fdcap ? p->fdtab[fd] : NULL;
}

int fd_install(struct file *f, int min, bool cx)
{
	for (int fd = min < 0 ? 0 : min, limit = fd_limit(); fd < limit; fd++) {
		if (grow(fd))
			return -EMFILE;
		struct proc *p = current_proc();
		if (!p->fdtab[fd]) {
			p->fdtab[fd] = f;
			p->cloexec[fd] = cx;
			return fd;
		}
	}
	return -EMFILE;
}

int fd_close(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	current_proc()->fdtab[fd] = NULL;
	file_put(f);
	return 0;
}

int fd_dup2(int oldfd, int newfd, bool cx)
{
	struct file *f = fd_get(oldfd);
	if (!f || newfd < 0 || newfd >= fd_limit())
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	if (grow(newfd))
		return -EMFILE;
	struct proc *p = current_proc();
	f->refs++;
	if (p->fdtab[newfd])
		fd_close(newfd);
	p->fdtab[newfd] = f;
	p->cloexec[newfd] = cx;
	return newfd;
}

bool fd_cloexec(int fd) { return fd_get(fd) && current_proc()->cloexec[fd]; }

void fd_set_cloexec(int fd, bool on)
{
	if (fd_get(fd))
		current_proc()->cloexec[fd] = on;
}

int64_t file_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	struct inode *ip = f->inode;

	if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (ip->pipe)
		return pipe_read(f, ubuf, n);
	if ((ip->mode & S_IFMT) == S_IFCHR || ip->dev) /* a device, or generated */
		return ip->dev->read ? ip->dev->read(f, ubuf, n) : -EINVAL;
	if (S_ISDIR(ip->mode))
		return -EISDIR;
	if (ip->mq)
		return mqueue_read(f, ubuf, n);
	int64_t r = inode_read(ip, ubuf, n, f->off);
	if (r > 0)
		f->off += (uint64_t)r;
	return r;
}

int64_t file_write(struct file *f, uint64_t ubuf, uint64_t n)
{
	struct inode *ip = f->inode;

	if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (ip->pipe)
		return pipe_write(f, ubuf, n);
	if ((ip->mode & S_IFMT) == S_IFCHR || ip->dev)
		return ip->dev->write ? ip->dev->write(f, ubuf, n) : -EINVAL;
	if (ip->mq)
		return -EINVAL; /* a message queue is only read (its status line) */
	if (f->flags & O_APPEND)
		f->off = ip->size;
	int64_t r = inode_write(ip, ubuf, n, f->off);
	if (r > 0)
		f->off += (uint64_t)r;
	return r;
}

unsigned poll_ready(struct file *f)
{
	(void)f;
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

bool poll_never_changes(struct file *f)
{
	(void)f;
	return false;
}

uint64_t file_wake_at(struct file *f)
{
	const struct dev_ops *d = f->inode->dev;
	return d && d->wake_at ? d->wake_at(f) : POLL_NO_DEADLINE;
}

unsigned file_poll(struct file *f)
{
	struct inode *ip = f->inode;
	if (ip->pipe)
		return pipe_poll(f);
	if (ip->dev && ip->dev->poll) /* a device, a socket... */
		return ip->dev->poll(f);
	if (ip->mq)
		return mqueue_poll(ip->mq);
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM; /* files never block */
}

bool file_may_change(struct file *f)
{
	struct inode *ip = f->inode;
	if (ip->dev && ip->dev->may_change)
		return ip->dev->may_change(f);
	return (ip->mode & S_IFMT) == S_IFCHR && ip->dev->poll && !ip->dev->pollers && !ip->pipe;
}
