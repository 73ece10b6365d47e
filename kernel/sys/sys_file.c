/* System calls on open files: open, read, write and their vector and
 * positioned forms, lseek, close, dup, fcntl, pipe, ioctl, truncate. */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "pmm.h"
#include "printf.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"

#define O_LARGEFILE 0100000 /* always on for 64-bit programs, as F_GETFL shows */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4

uint32_t fs_umask(void) { return current_proc()->umask; }

SYSCALL_DEFINE1(umask, uint32_t, mask)
{
	uint32_t old = current_proc()->umask;
	current_proc()->umask = mask & 0777;
	return old;
}

static bool is_console(const struct inode *ip)
{
	return (ip->mode & S_IFMT) == S_IFCHR && ip->dev->stream;
}

#define O_TMPFILE_BIT 020000000 /* __O_TMPFILE; O_TMPFILE is it with O_DIRECTORY */

/* O_TMPFILE: a regular file with no name, in the directory's filesystem,
 * gone with its last descriptor unless linkat gives it a name (not with
 * O_EXCL), as Linux's; FAT has none (EOPNOTSUPP, as vfat). */
static int64_t open_tmpfile(int dirfd, const char *path, int flags, uint32_t mode)
{
	uint32_t acc = flags & O_ACCMODE;
	if ((flags & (O_DIRECTORY | O_CREAT)) != O_DIRECTORY || (acc != O_WRONLY && acc != O_RDWR))
		return -EINVAL;
	struct inode *dir;
	int err = path_lookup(dirfd, path, true, &dir);
	if (err)
		return err;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (dir->ops)
		return -EOPNOTSUPP;
	if ((err = inode_writable(dir)))
		return err;
	struct inode *ip = inode_new(S_IFREG | (mode & 07777 & ~fs_umask()));
	if (!ip)
		return -ENOSPC;
	ip->linkable = !(flags & O_EXCL);
	struct file *f = file_open_inode(ip, acc | (flags & (O_APPEND | O_NONBLOCK)) | O_LARGEFILE);
	if (!f) {
		inode_get(ip);
		inode_put(ip);
		return -ENOMEM;
	}
	char tmp[PATH_MAX + 24];
	ksnprintf(tmp, sizeof tmp, "%s/#%lu", path, (unsigned long)ip->ino); /* Linux's name */
	file_set_name(f, dirfd, NULL, tmp);
	int fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* Name f by the path it was opened by; one reached through /proc/self/fd
 * (or /dev/fd) takes the name of the file it reopens, as Linux's. */
static void name_opened(struct file *f, int dirfd, const char *path)
{
	struct inode *link;
	if (strstr(path, "fd/") && !path_lookup(dirfd, path, false, &link) && S_ISLNK(link->mode) &&
	    link->dev == &dev_fd_alias_ops) {
		struct file *src = fd_get((int)link->rdev);
		if (src && src->name)
			file_set_name(f, AT_FDCWD, NULL, src->name);
		return;
	}
	file_set_name(f, dirfd, NULL, path);
}

/* Open (or create) path relative to dirfd; returns the new fd. */
static int64_t do_open(int dirfd, uint64_t upath, int flags, uint32_t mode)
{
	char path[PATH_MAX];
	struct inode *ip;
	int err = path_from_user(path, upath);
	if (err)
		return err;
	uint32_t acc = flags & O_ACCMODE;
	if (acc == 3 && !(flags & O_PATH))
		return -EINVAL;
	if (flags & O_TMPFILE_BIT)
		return open_tmpfile(dirfd, path, flags, mode);

	if ((flags & O_CREAT) && !(flags & O_PATH)) {
		struct inode *dir;
		const char *name;
		size_t len;
		err = path_parent(dirfd, path, &dir, &name, &len);
		if (err)
			return err;
		if (len == 0 || path[strlen(path) - 1] == '/')
			return -EISDIR;
		ip = dir_lookup(dir, name, len);
		if (ip && (flags & O_EXCL))
			return -EEXIST;
		if (ip && S_ISLNK(ip->mode)) {
			if (flags & O_NOFOLLOW)
				return -ELOOP;
			err = path_lookup(dirfd, path, true, &ip);
			if (err)
				return err; /* a dangling link: we do not create its target */
		}
		if (!ip) {
			err = dir_create(dir, name, len, S_IFREG | (mode & 07777 & ~fs_umask()), &ip);
			if (err)
				return err;
		}
	} else {
		err = path_lookup(dirfd, path, !(flags & O_NOFOLLOW), &ip);
		if (err)
			return err;
		if (S_ISLNK(ip->mode) && !(flags & O_PATH))
			return -ELOOP;
	}
	if ((flags & O_DIRECTORY) && !S_ISDIR(ip->mode))
		return -ENOTDIR;
	if (S_ISDIR(ip->mode) && (acc != O_RDONLY || (flags & O_CREAT)) && !(flags & O_PATH))
		return -EISDIR;
	if (ip->dev == &dev_fd_alias_ops && !(flags & O_PATH)) {
		struct file *target = fd_get((int)ip->rdev);
		if (!target)
			return -ENOENT;
		ip = target->inode;
	}
	if (((ip->mode & S_IFMT) == S_IFCHR || S_ISSOCK(ip->mode)) && ip->dev && ip->dev->open &&
	    !(flags & O_PATH) &&
	    (err = ip->dev->open(ip)))
		return err;
	if (S_ISREG(ip->mode) && (acc != O_RDONLY || (flags & O_TRUNC)) && !(flags & O_PATH) &&
	    (err = inode_writable(ip)))
		return err;
	if ((flags & O_TRUNC) && S_ISREG(ip->mode) && acc != O_RDONLY && !(flags & O_PATH)) {
		err = inode_truncate(ip, 0);
		if (err)
			return err;
	}
	uint32_t keep = flags & O_PATH ? O_PATH : (acc | (flags & (O_APPEND | O_NONBLOCK)));
	struct file *f = file_open_inode(ip, keep | O_LARGEFILE);
	if (!f)
		return -ENOMEM;
	if (ip->fifo && !(flags & O_PATH) && (err = fifo_open(f))) {
		file_put(f);
		return err;
	}
	if (ip->pipe && !ip->fifo && !(flags & O_PATH) && (err = fifo_open(f))) {
		file_put(f); /* (an anonymous pipe reached by /proc/self/fd: a new end) */
		return err;
	}
	if ((!ip->pipe || ip->fifo) && !S_ISSOCK(ip->mode) && !(ip->dev && ip->dev->anon))
		name_opened(f, dirfd, path);
	int fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL_DEFINE3(open, uint64_t, path, int, flags, uint32_t, mode)
{
	return do_open(AT_FDCWD, path, flags, mode);
}

SYSCALL_DEFINE4(openat, int, dirfd, uint64_t, path, int, flags, uint32_t, mode)
{
	return do_open(dirfd, path, flags, mode);
}

SYSCALL_DEFINE2(creat, uint64_t, path, uint32_t, mode)
{
	return do_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

SYSCALL_DEFINE1(close, int, fd)
{
	return fd_close(fd);
}

SYSCALL_DEFINE3(close_range, uint64_t, first, uint64_t, last, uint64_t, flags)
{
	if ((flags & ~6ul) || first > last || first > 0xffffffffu)
		return -EINVAL;
	for (uint64_t fd = first; fd <= last && fd < (uint64_t)fd_table_size(); fd++) {
		if (flags & 4) /* CLOSE_RANGE_CLOEXEC */
			fd_set_cloexec((int)fd, true);
		else
			fd_close((int)fd);
	}
	return 0;
}

SYSCALL_DEFINE3(read, int, fd, uint64_t, buf, size_t, count)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if ((int64_t)count < 0)
		return -EINVAL;
	return file_read(f, buf, count);
}

SYSCALL_DEFINE3(write, int, fd, uint64_t, buf, size_t, count)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if ((int64_t)count < 0)
		return -EINVAL;
	return file_write(f, buf, count);
}

/* Positioned I/O: regular files only (pipes and terminals cannot seek). */
static int64_t positioned(int fd, uint64_t buf, size_t count, int64_t off, bool write)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (off < 0 || (int64_t)count < 0)
		return -EINVAL;
	if (f->flags & O_PATH)
		return -EBADF;
	uint32_t acc = f->flags & O_ACCMODE;
	if (write ? acc == O_RDONLY : acc == O_WRONLY)
		return -EBADF;
	struct inode *ip = f->inode;
	if (ip->pipe || is_console(ip) || (ip->dev && ip->dev->pollers))
		return -ESPIPE; /* (an eventfd: as Linux's, though lseek is allowed) */
	if (S_ISDIR(ip->mode))
		return -EISDIR;
	if (!S_ISREG(ip->mode))
		return write ? file_write(f, buf, count) : file_read(f, buf, count);
	if (ip->dev) { /* a generated file: pread reads there; pwrite, as Linux's */
		if (write)
			return -ESPIPE;
		uint64_t was = f->off;
		f->off = (uint64_t)off;
		int64_t r = file_read(f, buf, count);
		f->off = was;
		return r;
	}
	/* Linux ignores the offset of pwrite on an O_APPEND file too. */
	if (write && (f->flags & O_APPEND))
		off = (int64_t)ip->size;
	return write ? inode_write(ip, buf, count, off) : inode_read(ip, buf, count, off);
}

SYSCALL_DEFINE4(pread64, int, fd, uint64_t, buf, size_t, count, int64_t, off)
{
	return positioned(fd, buf, count, off, false);
}

#define POSIX_FADV_NOREUSE 5

/* Advice about a file's use: nothing to do for a file held in memory, but
 * Linux's checks: a descriptor (EBADF), not a pipe (ESPIPE), a length not
 * below 0 and an advice it knows (EINVAL). */
SYSCALL_DEFINE4(fadvise64, int, fd, int64_t, off, int64_t, len, int, advice)
{
	struct file *f = fd_get(fd);
	if (!f || f->flags & O_PATH)
		return -EBADF;
	if (f->inode->pipe)
		return -ESPIPE;
	if (len < 0 || advice < 0 || advice > POSIX_FADV_NOREUSE)
		return -EINVAL;
	return 0;
}

/* Read ahead into the page cache: a file here is in memory already. A
 * readable regular file, or EBADF or EINVAL as Linux. */
SYSCALL_DEFINE3(readahead, int, fd, int64_t, off, size_t, count)
{
	struct file *f = fd_get(fd);
	if (!f || f->flags & O_PATH || (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (!S_ISREG(f->inode->mode) || f->inode->dev || f->inode->mq || (int64_t)count < 0)
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE4(pwrite64, int, fd, uint64_t, buf, size_t, count, int64_t, off)
{
	return positioned(fd, buf, count, off, true);
}

int iovec_check_parts(const struct iovec_user *v, uint64_t cnt, uint64_t *total)
{
	uint64_t sum = 0;
	bool bad = false;

	for (uint64_t j = 0; j < cnt; j++) {
		if ((int64_t)v[j].len < 0)
			return -EINVAL; /* (a part past the user half is EFAULT below) */
		if (v[j].len > TASK_SIZE || v[j].base > TASK_SIZE - v[j].len)
			bad = true; /* EFAULT, unless a later length is EINVAL */
		sum += v[j].len;
	}
	*total = sum;
	return bad ? -EFAULT : 0;
}

int iovec_check(uint64_t uiov, uint64_t cnt, uint64_t *total)
{
	struct iovec_user iov[64];
	int err = 0;

	if (cnt > IOV_MAX)
		return -EINVAL;
	*total = 0;
	for (uint64_t i = 0; i < cnt; i += 64) {
		uint64_t k = cnt - i < 64 ? cnt - i : 64, part;
		if (copy_from_user(iov, uiov + i * sizeof iov[0], k * sizeof iov[0]))
			return -EFAULT;
		int e = iovec_check_parts(iov, k, &part);
		if (e == -EINVAL)
			return e;
		if (e)
			err = e; /* EFAULT, unless a later length is EINVAL */
		*total += part;
	}
	return err;
}

/* Vector I/O: the whole vector is read and checked first (iovec_check),
 * then each part transferred in order until one comes up short. off < 0:
 * the file offset. */
static int64_t vector_io(int fd, uint64_t uiov, uint64_t cnt, int64_t off, bool write)
{
	int64_t total = 0;
	uint64_t sum;

	if (!fd_get(fd))
		return -EBADF;
	int err = iovec_check(uiov, cnt, &sum);
	if (err)
		return err;
	for (uint64_t i = 0; i < cnt; i++) {
		struct iovec_user v;
		if (copy_from_user(&v, uiov + i * sizeof v, sizeof v))
			return total ? total : -EFAULT;
		if (!v.len)
			continue;
		int64_t n = off < 0 ? (write ? sys_write(fd, v.base, v.len, 0, 0, 0)
					   : sys_read(fd, v.base, v.len, 0, 0, 0))
				    : positioned(fd, v.base, v.len, off + total, write);
		if (n < 0)
			return total ? total : n;
		total += n;
		if ((uint64_t)n < v.len)
			break;
	}
	return total;
}

SYSCALL_DEFINE3(readv, int, fd, uint64_t, iov, uint64_t, cnt)
{
	return vector_io(fd, iov, cnt, -1, false);
}

SYSCALL_DEFINE3(writev, int, fd, uint64_t, iov, uint64_t, cnt)
{
	return vector_io(fd, iov, cnt, -1, true);
}

SYSCALL_DEFINE4(preadv, int, fd, uint64_t, iov, uint64_t, cnt, int64_t, off)
{
	return off < 0 ? -EINVAL : vector_io(fd, iov, cnt, off, false);
}

SYSCALL_DEFINE4(pwritev, int, fd, uint64_t, iov, uint64_t, cnt, int64_t, off)
{
	return off < 0 ? -EINVAL : vector_io(fd, iov, cnt, off, true);
}

#define RWF_HIPRI 0x01
#define RWF_DSYNC 0x02
#define RWF_SYNC 0x04
#define RWF_NOWAIT 0x08
#define RWF_APPEND 0x10
#define RWF_KNOWN 0x1f /* Linux 6.1's */

/* preadv2 and pwritev2: an offset of -1 is the file position (readv,
 * writev). Flags Linux does not know, and RWF_NOWAIT on anything but a
 * pipe or socket (Linux's files without FMODE_NOWAIT, tmpfs's among them),
 * are EOPNOTSUPP, once the vector is checked and holds something, as Linux
 * checks them last. RWF_NOWAIT makes a pipe's or socket's transfer
 * non-blocking (EAGAIN where it would wait: the thread's io_nowait, not
 * the file's flags, which other threads share); RWF_APPEND writes a
 * regular file at its end as O_APPEND does (and pipes and sockets ignore
 * it, as Linux's); the others change nothing for files held in memory. */
static int64_t vector_io2(int fd, uint64_t uiov, uint64_t cnt, int64_t off, int flags, bool write)
{
	struct file *f = fd_get(fd);
	if (off < -1)
		return -EINVAL;
	if (!f)
		return -EBADF;
	struct inode *ip = f->inode;
	if (off >= 0 &&
	    (ip->pipe || is_console(ip) || S_ISSOCK(ip->mode) || (ip->dev && ip->dev->pollers)))
		return -ESPIPE; /* before the vector, as Linux */
	bool nowait_ok = ip->pipe || S_ISSOCK(ip->mode);
	if ((uint32_t)flags & ~(uint32_t)RWF_KNOWN || (flags & RWF_NOWAIT && !nowait_ok)) {
		uint64_t total;
		int err = iovec_check(uiov, cnt, &total);
		if (err)
			return err;
		if (f->flags & O_PATH || (f->flags & O_ACCMODE) == (write ? O_RDONLY : O_WRONLY))
			return -EBADF;
		return total ? -EOPNOTSUPP : 0;
	}
	if (write && flags & RWF_APPEND && S_ISREG(ip->mode) && !ip->dev && !ip->mq) {
		/* a regular file's write never sleeps: the end cannot move */
		if (off < 0)
			f->off = ip->size;
		else
			off = (int64_t)ip->size;
	}
	struct thread *t = current_thread();
	t->io_nowait = flags & RWF_NOWAIT;
	int64_t r = vector_io(fd, uiov, cnt, off, write);
	t->io_nowait = false;
	return r;
}

SYSCALL_DEFINE6(preadv2, int, fd, uint64_t, iov, uint64_t, cnt, int64_t, off, uint64_t, off_high,
		int, flags)
{
	return vector_io2(fd, iov, cnt, off, flags, false);
}

SYSCALL_DEFINE6(pwritev2, int, fd, uint64_t, iov, uint64_t, cnt, int64_t, off, uint64_t, off_high,
		int, flags)
{
	return vector_io2(fd, iov, cnt, off, flags, true);
}

SYSCALL_DEFINE3(lseek, int, fd, int64_t, off, unsigned int, whence)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	struct inode *ip = f->inode;
	if (ip->pipe || is_console(ip) || S_ISSOCK(ip->mode))
		return -ESPIPE;
	if ((ip->mode & S_IFMT) == S_IFCHR)
		return 0; /* /dev/null and friends: every position is the same */
	int64_t base, size = S_ISDIR(ip->mode) ? 0 : (int64_t)ip->size;
	if (ip->dev && whence != SEEK_SET && whence != SEEK_CUR)
		return -EINVAL; /* a generated file has no end until read, as Linux's */
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->off; break;
	case SEEK_END: base = size; break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (off < 0 || off >= size)
			return -ENXIO;
		f->off = (uint64_t)(whence == SEEK_DATA ? off : size); /* no holes: all data */
		return (int64_t)f->off;
	default: return -EINVAL;
	}
	int64_t pos = base + off;
	if ((off > 0 && pos < base) || pos < 0)
		return -EINVAL;
	f->off = (uint64_t)pos;
	return pos;
}

SYSCALL_DEFINE1(dup, int, fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	f->refs++;
	int r = fd_install(f, 0, false);
	if (r < 0)
		f->refs--;
	return r;
}

SYSCALL_DEFINE2(dup2, unsigned int, oldfd, unsigned int, newfd)
{
	if (!fd_get((int)oldfd))
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	return fd_dup2((int)oldfd, (int)newfd, false);
}

SYSCALL_DEFINE3(dup3, unsigned int, oldfd, unsigned int, newfd, int, flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return fd_get((int)oldfd) ? -EINVAL : -EBADF;
	return fd_dup2((int)oldfd, (int)newfd, flags & O_CLOEXEC);
}

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define FD_CLOEXEC 1
/* Linux 6.1's seals (F_SEAL_EXEC came with 6.3: kept when MFD_NOEXEC_SEAL
 * sets it, not taken by F_ADD_SEALS) */
#define SEALS_ADDABLE                                                                              \
	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

/* F_ADD_SEALS, in Linux's order: a descriptor open for writing (EPERM),
 * seals it knows (EINVAL), a memfd (EINVAL), not sealed against seals
 * (EPERM), no shared mapping for F_SEAL_WRITE (EBUSY: Linux counts every
 * shared mapping that may write, which a memfd's, open for writing, are). */
static int64_t add_seals(struct file *f, uint64_t seals)
{
	struct inode *ip = f->inode;
	if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
		return -EPERM;
	if (seals & ~(uint64_t)SEALS_ADDABLE)
		return -EINVAL;
	if (!ip->memfd)
		return -EINVAL;
	if (ip->seals & F_SEAL_SEAL)
		return -EPERM;
	if ((seals & F_SEAL_WRITE) && !(ip->seals & F_SEAL_WRITE) && ip->shmaps)
		return -EBUSY; /* a shared mapping (of a memfd, always one that may write) */
	ip->seals |= (uint32_t)seals;
	return 0;
}

SYSCALL_DEFINE3(fcntl, int, fd, unsigned int, cmd, uint64_t, arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	/* an O_PATH descriptor takes these alone, as Linux's check_fcntl_cmd */
	if (f->flags & O_PATH && cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC && cmd != F_GETFD &&
	    cmd != F_SETFD && cmd != F_GETFL)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC: {
		if (arg >= (uint64_t)fd_limit())
			return -EINVAL;
		f->refs++;
		int r = fd_install(f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			f->refs--;
		return r;
	}
	case F_GETFD: return fd_cloexec(fd) ? FD_CLOEXEC : 0;
	case F_SETFD: fd_set_cloexec(fd, arg & FD_CLOEXEC); return 0;
	case F_GETFL: return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) |
			   ((uint32_t)arg & (O_APPEND | O_NONBLOCK));
		return 0;
	case F_GETLK:
	case F_OFD_GETLK: {
		/* One process holds every lock there is: nothing conflicts. */
		int16_t unlocked = 2; /* F_UNLCK, the first field of struct flock */
		return copy_to_user(arg, &unlocked, sizeof unlocked);
	}
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW: {
		int16_t type;
		if (copy_from_user(&type, arg, sizeof type))
			return -EFAULT;
		return type >= 0 && type <= 2 ? 0 : -EINVAL;
	}
	case F_GETPIPE_SZ:
		return f->inode->pipe ? pipe_size(f) : -EBADF;
	case F_SETPIPE_SZ:
		return f->inode->pipe ? pipe_set_size(f, (uint32_t)arg) : -EBADF;
	/* A memfd is sealed against seals (memfd_create); other files take none. */
	case F_GET_SEALS: return f->inode->memfd ? (int64_t)f->inode->seals : -EINVAL;
	case F_ADD_SEALS: return add_seals(f, arg);
	default: return -EINVAL;
	}
}

#define MFD_CLOEXEC 0x1u
#define MFD_ALLOW_SEALING 0x2u
#define MFD_HUGETLB 0x4u
#define MFD_NOEXEC_SEAL 0x8u
#define MFD_EXEC 0x10u
#define MFD_NAME_MAX 249 /* NAME_MAX less "memfd:" */

/* An anonymous file of the tree, open for reading and writing, which goes
 * with its last descriptor and mapping: what JIT engines map twice
 * (writable and executable) and programs use as growable shared memory.
 * Sealed against seals unless MFD_ALLOW_SEALING (or MFD_NOEXEC_SEAL, which
 * seals it against exec), as Linux's; MFD_HUGETLB is EINVAL (no huge
 * pages for files). */
SYSCALL_DEFINE2(memfd_create, uint64_t, uname, unsigned int, flags)
{
	char name[MFD_NAME_MAX + 1];
	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC))
		return -EINVAL;
	if ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL))
		return -EINVAL;
	size_t len = 0;
	for (;; len++) { /* the name only names it (in /proc, on Linux) */
		if (len > MFD_NAME_MAX)
			return -EINVAL;
		if (copy_from_user(&name[len], uname + len, 1))
			return -EFAULT;
		if (!name[len])
			break;
	}
	struct inode *ip = inode_new(S_IFREG | ((flags & MFD_NOEXEC_SEAL) ? 0666 : 0777));
	if (!ip)
		return -ENOMEM;
	ip->memfd = true;
	ip->seals = flags & MFD_NOEXEC_SEAL	? F_SEAL_EXEC
		    : flags & MFD_ALLOW_SEALING ? 0
						: F_SEAL_SEAL;
	struct file *f = file_open_inode(ip, O_RDWR);
	if (!f) {
		inode_put(ip);
		return -ENOMEM;
	}
	file_set_name(f, AT_FDCWD, "/memfd:", name);
	int fd = fd_install(f, 0, flags & MFD_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

static int64_t do_pipe(uint64_t ufds, int flags)
{
	struct file *rd, *wr;
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | 040000 /* O_DIRECT */))
		return -EINVAL;
	int err = pipe_create(&rd, &wr);
	if (err)
		return err;
	rd->flags |= flags & O_NONBLOCK;
	wr->flags |= flags & O_NONBLOCK;
	int fds[2];
	fds[0] = fd_install(rd, 0, flags & O_CLOEXEC);
	fds[1] = fds[0] < 0 ? -EMFILE : fd_install(wr, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		if (fds[0] >= 0)
			fd_close(fds[0]);
		else
			file_put(rd);
		file_put(wr);
		return -EMFILE;
	}
	if (copy_to_user(ufds, fds, sizeof fds)) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE1(pipe, uint64_t, fds)
{
	return do_pipe(fds, 0);
}

SYSCALL_DEFINE2(pipe2, uint64_t, fds, int, flags)
{
	return do_pipe(fds, flags);
}

#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
#define FIONBIO 0x5421
#define FIONREAD 0x541b

SYSCALL_DEFINE3(ioctl, int, fd, unsigned int, req, uint64_t, arg)
{
	struct file *f = fd_get(fd);
	if (!f || f->flags & O_PATH) /* (not even FIOCLEX, as Linux) */
		return -EBADF;
	switch (req) {
	case FIOCLEX: fd_set_cloexec(fd, true); return 0;
	case FIONCLEX: fd_set_cloexec(fd, false); return 0;
	case FIONBIO: {
		int on;
		if (copy_from_user(&on, arg, sizeof on))
			return -EFAULT;
		f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~(uint32_t)O_NONBLOCK;
		return 0;
	}
	}
	struct inode *ip = f->inode;
	if (ip->pipe && req == FIONREAD) { /* the bytes in it, as an int */
		int n = (int)pipe_bytes(f);
		return copy_to_user(arg, &n, sizeof n);
	}
	if (((ip->mode & S_IFMT) == S_IFCHR || S_ISSOCK(ip->mode)) && ip->dev->ioctl)
		return ip->dev->ioctl(f, req, arg);
	return -ENOTTY;
}

SYSCALL_DEFINE2(ftruncate, int, fd, int64_t, len)
{
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (len < 0 || !S_ISREG(f->inode->mode) || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	if (f->inode->dev)
		return 0; /* a generated file keeps its size 0, as Linux's */
	return inode_truncate(f->inode, (uint64_t)len);
}

#define FALLOC_FL_KEEP_SIZE 0x01
#define FALLOC_FL_PUNCH_HOLE 0x02
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE 0x10
#define FALLOC_FL_INSERT_RANGE 0x20
#define FALLOC_FL_UNSHARE_RANGE 0x40

/* fallocate, with Linux's checks in its order. Mode 0, what glibc's
 * posix_fallocate asks first: a file shorter than offset + len grows to
 * it, with zeros that hold their memory (the tree) or clusters (a FAT
 * disk), so that writes there cannot fail for space. KEEP_SIZE holds the
 * memory without growing the file (the tree; EOPNOTSUPP on a disk). The
 * other modes are EOPNOTSUPP, as on a filesystem without them. */
SYSCALL_DEFINE4(fallocate, int, fd, int, mode, int64_t, off, int64_t, len)
{
	const int known = FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE |
			  FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE;
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~known)
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if ((mode & (FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_INSERT_RANGE)) &&
	    (mode & ~(FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_INSERT_RANGE)))
		return -EINVAL; /* each only alone */
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	struct inode *ip = f->inode;
	if (ip->pipe)
		return -ESPIPE;
	if (S_ISDIR(ip->mode))
		return -EISDIR;
	if (!S_ISREG(ip->mode))
		return -ENODEV;
	if (ip->dev)
		return -EOPNOTSUPP; /* a generated file */
	if (off > INT64_MAX - len)
		return -EFBIG;
	if (mode & ~FALLOC_FL_KEEP_SIZE)
		return -EOPNOTSUPP;
	int err = inode_writable(ip);
	if (err)
		return err;
	uint64_t end = (uint64_t)off + (uint64_t)len;
	if (mode && (ip->seals & F_SEAL_GROW) && end > ip->size)
		return -EPERM; /* as Linux's shmem, even with KEEP_SIZE */
	if (mode) /* KEEP_SIZE: the memory, not the size, as tmpfs */
		return inode_reserve(ip, end);
	return end > ip->size ? inode_truncate(ip, end) : 0;
}

SYSCALL_DEFINE2(truncate, uint64_t, upath, int64_t, len)
{
	char path[PATH_MAX];
	struct inode *ip;
	int err = path_from_user(path, upath);
	if (!err)
		err = path_lookup(AT_FDCWD, path, true, &ip);
	if (err)
		return err;
	if (S_ISDIR(ip->mode))
		return -EISDIR;
	if (len < 0 || !S_ISREG(ip->mode))
		return -EINVAL;
	if (ip->dev)
		return 0;
	return inode_truncate(ip, (uint64_t)len);

}

/* A file on a disk is written back with its whole filesystem, to stable
 * storage (the device's flush); the in-memory tree has nothing to flush.
 * Pipes and devices cannot be synchronized at all (EINVAL, as Linux says
 * for them). fdatasync is the same call. */
SYSCALL_DEFINE1(fsync, int, fd)
{
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (f->inode->pipe || (f->inode->mode & S_IFMT) == S_IFCHR || S_ISSOCK(f->inode->mode))
		return -EINVAL;
	return fs_sync_file(f);
}

#define SYNC_FILE_RANGE_WAIT_BEFORE 1
#define SYNC_FILE_RANGE_WRITE 2
#define SYNC_FILE_RANGE_WAIT_AFTER 4

/* sync_file_range: Linux's checks (flags, a negative offset or end, an end
 * that wraps: EINVAL; anything but a regular file, directory or symbolic
 * link: ESPIPE); a write or a wait after it writes the file back as fsync
 * does (a disk's file system, whole). */
SYSCALL_DEFINE4(sync_file_range, int, fd, int64_t, off, int64_t, nbytes, unsigned int, flags)
{
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	uint64_t end = (uint64_t)off + (uint64_t)nbytes;
	if (flags & ~(unsigned)(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
				SYNC_FILE_RANGE_WAIT_AFTER) ||
	    off < 0 || (int64_t)end < 0 || end < (uint64_t)off)
		return -EINVAL;
	uint32_t mode = f->inode->mode;
	if (!S_ISREG(mode) && !S_ISDIR(mode) && !S_ISLNK(mode))
		return -ESPIPE;
	if (flags & (SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER))
		return fs_sync_file(f);
	return 0;
}

/* sync(2) reports nothing; syncfs(2) reports its filesystem's error. */
SYSCALL_DEFINE0(sync)
{
	fs_sync_all();
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct file *f = fd_get(fd);
	return f ? fs_sync_file(f) : -EBADF;
}
