/* Open files and the descriptor table. One process, so one table; an open
 * file is shared by the descriptors dup made from it (offset and flags). */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"

static struct file *fdtab[FD_MAX];
static bool cloexec[FD_MAX];

struct file *file_open_inode(struct inode *ip, uint32_t flags)
{
	struct file *f = kzalloc(sizeof *f);
	if (!f)
		return NULL;
	f->inode = ip;
	f->flags = flags;
	f->refs = 1;
	inode_get(ip);
	return f;
}

void file_put(struct file *f)
{
	if (--f->refs)
		return;
	if (f->inode->pipe)
		pipe_release(f);
	inode_put(f->inode);
	kfree(f);
}

struct file *fd_get(int fd) { return fd >= 0 && fd < FD_MAX ? fdtab[fd] : NULL; }

int fd_install(struct file *f, int min, bool cx)
{
	for (int fd = min < 0 ? 0 : min; fd < FD_MAX; fd++) {
		if (!fdtab[fd]) {
			fdtab[fd] = f;
			cloexec[fd] = cx;
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
	fdtab[fd] = NULL;
	file_put(f);
	return 0;
}

int fd_dup2(int oldfd, int newfd, bool cx)
{
	struct file *f = fd_get(oldfd);
	if (!f || newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	f->refs++;
	if (fdtab[newfd])
		fd_close(newfd);
	fdtab[newfd] = f;
	cloexec[newfd] = cx;
	return newfd;
}

bool fd_cloexec(int fd) { return fd_get(fd) && cloexec[fd]; }

void fd_set_cloexec(int fd, bool on)
{
	if (fd_get(fd))
		cloexec[fd] = on;
}

int64_t file_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	struct inode *ip = f->inode;

	if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (ip->pipe)
		return pipe_read(f, ubuf, n);
	if ((ip->mode & S_IFMT) == S_IFCHR)
		return ip->dev->read ? ip->dev->read(f, ubuf, n) : -EINVAL;
	if (S_ISDIR(ip->mode))
		return -EISDIR;
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
	if ((ip->mode & S_IFMT) == S_IFCHR)
		return ip->dev->write ? ip->dev->write(f, ubuf, n) : -EINVAL;
	if (f->flags & O_APPEND)
		f->off = ip->size;
	int64_t r = inode_write(ip, ubuf, n, f->off);
	if (r > 0)
		f->off += (uint64_t)r;
	return r;
}

unsigned file_poll(struct file *f)
{
	struct inode *ip = f->inode;
	if (ip->pipe)
		return pipe_poll(f);
	if ((ip->mode & S_IFMT) == S_IFCHR && ip->dev->poll)
		return ip->dev->poll(f);
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM; /* files never block */
}

bool file_may_change(struct file *f)
{
	struct inode *ip = f->inode;
	return (ip->mode & S_IFMT) == S_IFCHR && ip->dev->poll && !ip->pipe;
}
