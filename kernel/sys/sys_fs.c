/* System calls on names: the stat family, directories and their listings,
 * links, renames, the working directory, permissions, time stamps, and the
 * filesystem's figures (statfs). */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "pmm.h"
#include "proc.h"
#include "syscall.h"


/* struct stat for x86-64, as the kernel ABI lays it out. */
struct stat_user {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t reserved[3];
};

static uint64_t size_of(const struct inode *ip)
{
	if (S_ISREG(ip->mode) || S_ISLNK(ip->mode))
		return ip->size;
	if (S_ISDIR(ip->mode) && ip->ops)
		return ip->ops->allocated((struct inode *)ip); /* as vfat: its clusters */
	if (S_ISDIR(ip->mode))
		return 40 + 20 * ip->size; /* about what tmpfs reports */
	return 0;
}

static void fill_stat(const struct inode *ip, struct stat_user *st)
{
	memset(st, 0, sizeof *st);
	st->dev = ip->sb ? ip->sb->dev : FS_DEV;
	st->ino = ip->ino;
	st->nlink = ip->nlink ? ip->nlink : (S_ISDIR(ip->mode) ? 0 : 0);
	if ((ip->mode & S_IFMT) == S_IFCHR && ip->dev && ip->dev->stream)
		st->nlink = 1; /* the console has no name here but is a device */
	st->mode = ip->mode;
	st->rdev = ip->rdev;
	st->size = (int64_t)size_of(ip);
	st->blksize = 4096;
	st->blocks = S_ISREG(ip->mode) ? (int64_t)((ip->size + 4095) / 4096 * 8) : 0;
	if (ip->ops)
		st->blocks = (int64_t)(ip->ops->allocated((struct inode *)ip) / 512);
	st->atime = ip->atime / 1000000000, st->atime_ns = ip->atime % 1000000000;
	st->mtime = ip->mtime / 1000000000, st->mtime_ns = ip->mtime % 1000000000;
	st->ctime = ip->ctime / 1000000000, st->ctime_ns = ip->ctime % 1000000000;
}

/* The inode named by (dirfd, upath, flags), as the *at calls see it. */
static int at_lookup(int dirfd, uint64_t upath, int flags, struct inode **ip)
{
	char path[PATH_MAX];
	int err = path_from_user(path, upath);

	if (err == -ENOENT && (flags & AT_EMPTY_PATH)) {
		if (dirfd == AT_FDCWD) {
			*ip = fs_cwd();
			return 0;
		}
		struct file *f = fd_get(dirfd);
		if (!f)
			return -EBADF;
		*ip = f->inode;
		return 0;
	}
	if (err)
		return err;
	return path_lookup(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), ip);
}

static int64_t stat_to_user(int err, struct inode *ip, uint64_t ubuf)
{
	struct stat_user st;
	if (err)
		return err;
	fill_stat(ip, &st);
	return copy_to_user(ubuf, &st, sizeof st);
}

SYSCALL_DEFINE2(stat, uint64_t, path, uint64_t, buf)
{
	struct inode *ip;
	return stat_to_user(at_lookup(AT_FDCWD, path, 0, &ip), ip, buf);
}

SYSCALL_DEFINE2(lstat, uint64_t, path, uint64_t, buf)
{
	struct inode *ip;
	return stat_to_user(at_lookup(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, &ip), ip, buf);
}

SYSCALL_DEFINE2(fstat, int, fd, uint64_t, buf)
{
	struct file *f = fd_get(fd);
	return f ? stat_to_user(0, f->inode, buf) : -EBADF;
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, uint64_t, path, uint64_t, buf, int, flags)
{
	struct inode *ip;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */))
		return -EINVAL;
	return stat_to_user(at_lookup(dirfd, path, flags, &ip), ip, buf);
}

struct statx_time {
	int64_t sec;
	uint32_t nsec;
	int32_t pad;
};

struct statx_user {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad0;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_time atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};

#define STATX_BASIC_STATS 0x7ff
#define STATX_BTIME 0x800

SYSCALL_DEFINE5(statx, int, dirfd, uint64_t, path, int, flags, unsigned int, mask, uint64_t, buf)

{
	struct inode *ip;
	struct stat_user st;
	struct statx_user sx;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 | 0x6000 /* sync */))
		return -EINVAL;
	if (mask & 0x80000000u) /* STATX__RESERVED */
		return -EINVAL;
	int err = at_lookup(dirfd, path, flags, &ip);
	if (err)
		return err;
	fill_stat(ip, &st);
	memset(&sx, 0, sizeof sx);
	sx.mask = STATX_BASIC_STATS | STATX_BTIME;
	sx.blksize = (uint32_t)st.blksize;
	sx.nlink = (uint32_t)st.nlink;
	sx.mode = (uint16_t)st.mode;
	sx.ino = st.ino;
	sx.size = (uint64_t)st.size;
	sx.blocks = (uint64_t)st.blocks;
	sx.atime = (struct statx_time){st.atime, (uint32_t)st.atime_ns, 0};
	sx.btime = (struct statx_time){st.ctime, (uint32_t)st.ctime_ns, 0};
	sx.ctime = (struct statx_time){st.ctime, (uint32_t)st.ctime_ns, 0};
	sx.mtime = (struct statx_time){st.mtime, (uint32_t)st.mtime_ns, 0};
	sx.rdev_major = (uint32_t)(st.rdev >> 8), sx.rdev_minor = (uint32_t)(st.rdev & 0xff);
	sx.dev_major = (uint32_t)(st.dev >> 8), sx.dev_minor = (uint32_t)(st.dev & 0xff);
	return copy_to_user(buf, &sx, sizeof sx);
}

static uint8_t dtype(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return 4;
	case S_IFREG: return 8;
	case S_IFLNK: return 10;
	case S_IFCHR: return 2;
	case S_IFIFO: return 1;
	default: return 0;
	}
}

SYSCALL_DEFINE3(getdents64, int, fd, uint64_t, ubuf, unsigned int, count)
{
	struct file *f = fd_get(fd);
	uint8_t rec[24 + NAME_MAX + 1 + 8];
	uint64_t done = 0;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	if (f->inode->nlink == 0 && f->inode != fs_root())
		return -ENOENT;
	for (;;) {
		struct inode *ip;
		uint64_t pos = f->off;
		const char *name = dir_next(f->inode, &pos, &ip);
		if (!name)
			break;
		size_t len = strlen(name);
		uint16_t reclen = (uint16_t)((19 + len + 1 + 7) & ~7ul);
		if (done + reclen > count) {
			if (!done)
				return -EINVAL; /* the buffer holds not even one entry */
			break;
		}
		uint64_t ino = ip->ino;
		int64_t next = (int64_t)pos + 1;
		memset(rec, 0, reclen);
		memcpy(rec, &ino, 8);
		memcpy(rec + 8, &next, 8);
		memcpy(rec + 16, &reclen, 2);
		rec[18] = dtype(ip->mode);
		memcpy(rec + 19, name, len);
		if (copy_to_user(ubuf + done, rec, reclen))
			return done ? (int64_t)done : -EFAULT;
		done += reclen;
		f->off = pos + 1;
	}
	return (int64_t)done;
}

#define F_OK 0
#define X_OK 1
#define AT_EACCESS 0x200

static int64_t do_access(int dirfd, uint64_t path, int mode, int flags)
{
	struct inode *ip;
	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int err = at_lookup(dirfd, path, flags, &ip);
	if (err)
		return err;
	/* We run as root: reading and writing are always allowed, executing
	 * needs an execute bit somewhere (or a directory). */
	if ((mode & X_OK) && !S_ISDIR(ip->mode) && !(ip->mode & 0111))
		return -EACCES;
	return 0;
}

SYSCALL_DEFINE2(access, uint64_t, path, int, mode)
{
	return do_access(AT_FDCWD, path, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dirfd, uint64_t, path, int, mode)
{
	return do_access(dirfd, path, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, uint64_t, path, int, mode, int, flags)
{
	return do_access(dirfd, path, mode, flags);
}

static int64_t do_readlink(int dirfd, uint64_t upath, uint64_t buf, int size)
{
	struct inode *ip;
	if (size <= 0)
		return -EINVAL;
	int err = at_lookup(dirfd, upath, AT_SYMLINK_NOFOLLOW, &ip);
	if (err)
		return err;
	if (!S_ISLNK(ip->mode))
		return -EINVAL;
	if (ip->dev == &dev_fd_alias_ops) { /* /proc/self/fd/N */
		char text[PATH_MAX + 16];
		size_t n = procfs_fd_text(ip, text, (size_t)size < sizeof text ? (size_t)size : sizeof text);
		return copy_to_user(buf, text, n) ? -EFAULT : (int64_t)n;
	}
	uint64_t n = ip->size < (uint64_t)size ? ip->size : (uint64_t)size;
	return copy_to_user(buf, ip->data, n) ? -EFAULT : (int64_t)n;
}

SYSCALL_DEFINE3(readlink, uint64_t, path, uint64_t, buf, int, size)
{
	return do_readlink(AT_FDCWD, path, buf, size);
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, uint64_t, path, uint64_t, buf, int, size)
{
	return do_readlink(dirfd, path, buf, size);
}

SYSCALL_DEFINE2(getcwd, uint64_t, buf, size_t, size)
{
	char path[PATH_MAX];
	int n = path_of_dir(fs_cwd(), path, size < sizeof path ? size : sizeof path);
	if (n < 0)
		return n;
	return copy_to_user(buf, path, (size_t)n) ? -EFAULT : n;
}

SYSCALL_DEFINE1(chdir, uint64_t, upath)
{
	struct inode *ip;
	int err = at_lookup(AT_FDCWD, upath, 0, &ip);
	if (err)
		return err;
	if (!S_ISDIR(ip->mode))
		return -ENOTDIR;
	fs_set_cwd(ip);
	return 0;
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	fs_set_cwd(f->inode);
	return 0;
}

/* The parent directory and last name of a path a call will create or remove. */
struct target {
	char path[PATH_MAX];
	struct inode *dir;
	const char *name;
	size_t len;
	bool slash; /* the path ended in '/' */
};

static int target_of(int dirfd, uint64_t upath, struct target *t)
{
	int err = path_from_user(t->path, upath);
	if (!err)
		err = path_parent(dirfd, t->path, &t->dir, &t->name, &t->len);
	if (!err) {
		size_t n = strlen(t->path);
		t->slash = n > 1 && t->path[n - 1] == '/';
	}
	return err;
}

static bool is_dot(const struct target *t) { return t->len == 1 && t->name[0] == '.'; }
static bool is_dotdot(const struct target *t) { return t->len == 2 && t->name[0] == '.' && t->name[1] == '.'; }

/* The place for a new name: its directory and name (-EEXIST if taken). */
static int new_name(int dirfd, uint64_t upath, struct target *t)
{
	int err = target_of(dirfd, upath, t);
	if (!err && (t->len == 0 || is_dot(t) || is_dotdot(t) || dir_lookup(t->dir, t->name, t->len)))
		err = -EEXIST;
	return err;
}

static int64_t do_mkdir(int dirfd, uint64_t upath, uint32_t mode)
{
	struct target t;
	int err = new_name(dirfd, upath, &t);
	if (err)
		return err;
	struct inode *ip;
	return dir_create(t.dir, t.name, t.len, S_IFDIR | (mode & 07777 & ~fs_umask()), &ip);
}

/* mknod: a regular file, a named pipe or a socket file, as Linux's; the
 * type is checked first (EINVAL; a directory EPERM), then the name. Device
 * files cannot be made here: EPERM, as for a process without CAP_MKNOD. */
static int64_t do_mknod(int dirfd, uint64_t upath, uint32_t mode, uint64_t dev)
{
	(void)dev;
	uint32_t type = mode & S_IFMT;
	switch (type) {
	case 0:
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
	case S_IFCHR:
	case 0060000: /* S_IFBLK */
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	struct target t;
	int err = new_name(dirfd, upath, &t);
	if (err)
		return err;
	if (t.slash)
		return -ENOENT; /* "x/" names a directory, which this is not */
	if (type == S_IFCHR || type == 0060000)
		return -EPERM;
	if ((err = inode_writable(t.dir)))
		return err;
	uint32_t perm = mode & 07777 & ~fs_umask();
	struct inode *ip;
	if (type == 0 || type == S_IFREG)
		return dir_create(t.dir, t.name, t.len, S_IFREG | perm, &ip);
	if (t.dir->ops)
		return -EPERM; /* FAT has no named pipes or sockets */
	ip = inode_new(type | perm);
	if (!ip)
		return -ENOSPC;
	ip->fifo = type == S_IFIFO;
	if (type == S_IFSOCK)
		ip->dev = &sockfile_ops; /* opening it is ENXIO, as a bound socket's file */
	err = dir_link(t.dir, t.name, t.len, ip);
	if (err) {
		inode_get(ip);
		inode_put(ip); /* frees it: no name, no user */
	}
	return err;
}

SYSCALL_DEFINE3(mknod, uint64_t, path, uint32_t, mode, uint64_t, dev)
{
	return do_mknod(AT_FDCWD, path, mode, dev);
}

SYSCALL_DEFINE4(mknodat, int, dirfd, uint64_t, path, uint32_t, mode, uint64_t, dev)
{
	return do_mknod(dirfd, path, mode, dev);
}

SYSCALL_DEFINE2(mkdir, uint64_t, path, uint32_t, mode)
{
	return do_mkdir(AT_FDCWD, path, mode);
}

SYSCALL_DEFINE3(mkdirat, int, dirfd, uint64_t, path, uint32_t, mode)
{
	return do_mkdir(dirfd, path, mode);
}

static int64_t do_rmdir(int dirfd, uint64_t upath)
{
	struct target t;
	int err = target_of(dirfd, upath, &t);
	if (err)
		return err;
	if (t.len == 0)
		return -EBUSY;
	if (is_dot(&t))
		return -EINVAL;
	if (is_dotdot(&t))
		return -ENOTEMPTY;
	struct inode *ip = dir_lookup(t.dir, t.name, t.len);
	if (!ip)
		return -ENOENT;
	if (!S_ISDIR(ip->mode))
		return -ENOTDIR;
	if (ip == fs_root() || (ip->sb && ip == ip->sb->root))
		return -EBUSY;
	if (!dir_empty(ip))
		return -ENOTEMPTY;
	return dir_unlink(t.dir, t.name, t.len);
}

static int64_t do_unlink(int dirfd, uint64_t upath)
{
	struct target t;
	int err = target_of(dirfd, upath, &t);
	if (err)
		return err;
	if (t.len == 0 || is_dot(&t) || is_dotdot(&t))
		return -EISDIR;
	struct inode *ip = dir_lookup(t.dir, t.name, t.len);
	if (!ip)
		return -ENOENT;
	if (S_ISDIR(ip->mode))
		return -EISDIR;
	if (t.slash)
		return -ENOTDIR;
	return dir_unlink(t.dir, t.name, t.len);
}

SYSCALL_DEFINE1(rmdir, uint64_t, path)
{
	return do_rmdir(AT_FDCWD, path);
}

SYSCALL_DEFINE1(unlink, uint64_t, path)
{
	return do_unlink(AT_FDCWD, path);
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, uint64_t, path, int, flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return flags & AT_REMOVEDIR ? do_rmdir(dirfd, path) : do_unlink(dirfd, path);
}

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2

static int64_t do_rename(int odirfd, uint64_t opath, int ndirfd, uint64_t npath, unsigned int flags)
{
	static struct target o, n; /* two path buffers: too big for the stack */
	if (flags & ~(unsigned int)RENAME_NOREPLACE)
		return flags & RENAME_EXCHANGE ? -EINVAL : -EINVAL;
	int err = target_of(odirfd, opath, &o);
	if (!err)
		err = target_of(ndirfd, npath, &n);
	if (err)
		return err;
	if (o.len == 0 || n.len == 0 || is_dot(&o) || is_dotdot(&o) || is_dot(&n) || is_dotdot(&n))
		return -EBUSY;
	struct inode *ip = dir_lookup(o.dir, o.name, o.len);
	if (!ip)
		return -ENOENT;
	if (o.dir->sb != n.dir->sb || o.dir->ops != n.dir->ops || ip->dev == &dev_fd_alias_ops)
		return -EXDEV; /* (/proc/self/fd is a filesystem of its own) */
	if (ip == fs_root() || (ip->sb && ip == ip->sb->root))
		return -EBUSY;
	if ((o.slash || n.slash) && !S_ISDIR(ip->mode))
		return -ENOTDIR;
	struct inode *old = dir_lookup(n.dir, n.name, n.len);
	if (old == ip) { /* a hard link of the same file: nothing to do */
		if (!ip->ops || (n.len == o.len && !memcmp(n.name, o.name, o.len)))
			return 0;
		old = NULL; /* the same FAT entry by another case: it gets the new one */
	}
	if (old && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (old && (old == fs_root() || (old->sb && old == old->sb->root)))
		return -EBUSY; /* a mount point (or /) is not replaced */
	if (S_ISDIR(ip->mode)) {
		/* A directory cannot move into itself or below itself. */
		for (struct inode *d = n.dir; d; d = d->parent)
			if (d == ip)
				return -EINVAL;
		if (old && !S_ISDIR(old->mode))
			return -ENOTDIR;
		if (old && !dir_empty(old))
			return -ENOTEMPTY;
	} else if (old && S_ISDIR(old->mode)) {
		return -EISDIR;
	}
	return dir_rename(o.dir, o.name, o.len, n.dir, n.name, n.len, old != NULL);
}

SYSCALL_DEFINE2(rename, uint64_t, o, uint64_t, n)
{
	return do_rename(AT_FDCWD, o, AT_FDCWD, n, 0);
}

SYSCALL_DEFINE4(renameat, int, od, uint64_t, o, int, nd, uint64_t, n)
{
	return do_rename(od, o, nd, n, 0);
}

SYSCALL_DEFINE5(renameat2, int, od, uint64_t, o, int, nd, uint64_t, n, unsigned int, flags)
{
	return do_rename(od, o, nd, n, flags);
}

static int64_t do_symlink(uint64_t utarget, int dirfd, uint64_t upath)
{
	static char target[PATH_MAX];
	struct target t;
	int err = path_from_user(target, utarget);
	if (!err)
		err = target_of(dirfd, upath, &t);
	if (err)
		return err;
	if (t.len == 0 || is_dot(&t) || is_dotdot(&t) || dir_lookup(t.dir, t.name, t.len))
		return -EEXIST;
	struct inode *ip = inode_new(S_IFLNK | 0777);
	if (!ip)
		return -ENOSPC;
	err = inode_set_data(ip, target, strlen(target), false);
	if (!err)
		err = dir_link(t.dir, t.name, t.len, ip);
	if (err)
		inode_put(ip);
	return err;
}

SYSCALL_DEFINE2(symlink, uint64_t, target, uint64_t, path)
{
	return do_symlink(target, AT_FDCWD, path);
}

SYSCALL_DEFINE3(symlinkat, uint64_t, target, int, dirfd, uint64_t, path)
{
	return do_symlink(target, dirfd, path);
}

static int64_t do_link(int odirfd, uint64_t opath, int ndirfd, uint64_t npath, int flags)
{
	struct inode *ip;
	struct target t;
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int err = at_lookup(odirfd, opath, (flags & AT_SYMLINK_FOLLOW ? 0 : AT_SYMLINK_NOFOLLOW) | (flags & AT_EMPTY_PATH), &ip);
	if (!err && ip->dev == &dev_fd_alias_ops && S_ISLNK(ip->mode) && !(flags & AT_SYMLINK_FOLLOW))
		return -EXDEV; /* the link itself is /proc's */
	if (!err && ip->dev == &dev_fd_alias_ops && (flags & AT_SYMLINK_FOLLOW)) {
		struct file *f = fd_get((int)ip->rdev); /* /proc/self/fd/N: its file */
		if (!f)
			return -ENOENT;
		ip = f->inode;
	}
	if (!err)
		err = target_of(ndirfd, npath, &t);
	if (err)
		return err;
	if (S_ISDIR(ip->mode))
		return -EPERM;
	if (t.len == 0 || is_dot(&t) || is_dotdot(&t) || dir_lookup(t.dir, t.name, t.len))
		return -EEXIST;
	if (ip->nlink == 0 && !ip->linkable)
		return -ENOENT;
	err = dir_link(t.dir, t.name, t.len, ip);
	if (!err)
		ip->linkable = false; /* named now: as any file */
	return err;
}

SYSCALL_DEFINE2(link, uint64_t, o, uint64_t, n)
{
	return do_link(AT_FDCWD, o, AT_FDCWD, n, 0);
}

SYSCALL_DEFINE5(linkat, int, od, uint64_t, o, int, nd, uint64_t, n, int, flags)
{
	return do_link(od, o, nd, n, flags);
}

static int64_t set_mode(struct inode *ip, uint32_t mode)
{
	ip->mode = (ip->mode & S_IFMT) | (mode & 07777);
	ip->ctime = fs_now();
	return 0;
}

SYSCALL_DEFINE2(chmod, uint64_t, path, uint32_t, mode)
{
	struct inode *ip;
	int err = at_lookup(AT_FDCWD, path, 0, &ip);
	return err ? err : set_mode(ip, mode);
}

SYSCALL_DEFINE2(fchmod, int, fd, uint32_t, mode)
{
	struct file *f = fd_get(fd);
	return f ? set_mode(f->inode, mode) : -EBADF;
}

SYSCALL_DEFINE3(fchmodat, int, dirfd, uint64_t, path, uint32_t, mode)
{
	struct inode *ip;
	int err = at_lookup(dirfd, path, 0, &ip);
	return err ? err : set_mode(ip, mode);
}

/* Everything belongs to root, and root may give it away: ownership is not
 * kept, so the calls only check that the file exists. */
SYSCALL_DEFINE3(chown, uint64_t, path, uint32_t, uid, uint32_t, gid)
{
	struct inode *ip;
	return at_lookup(AT_FDCWD, path, 0, &ip);
}

SYSCALL_DEFINE3(fchown, int, fd, uint32_t, uid, uint32_t, gid)
{
	return fd_get(fd) ? 0 : -EBADF;
}

SYSCALL_DEFINE3(lchown, uint64_t, path, uint32_t, uid, uint32_t, gid)
{
	struct inode *ip;
	return at_lookup(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, &ip);
}

SYSCALL_DEFINE5(fchownat, int, dirfd, uint64_t, path, uint32_t, uid, uint32_t, gid, int, flags)
{
	struct inode *ip;
	return at_lookup(dirfd, path, flags, &ip);
}

#define UTIME_NOW ((1l << 30) - 1)
#define UTIME_OMIT ((1l << 30) - 2)

SYSCALL_DEFINE4(utimensat, int, dirfd, uint64_t, path, uint64_t, utimes, int, flags)
{
	struct inode *ip;
	int64_t ts[4];
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (path)
		err = at_lookup(dirfd, path, flags, &ip);
	else if (!(ip = fd_get(dirfd) ? fd_get(dirfd)->inode : NULL))
		err = -EBADF;
	else
		err = 0;
	if (err)
		return err;
	int64_t now = fs_now();
	if ((err = inode_writable(ip)))
		return err;
	if (!utimes) {
		ip->atime = ip->mtime = ip->ctime = now;
		return inode_set_times(ip);
	}
	if (copy_from_user(ts, utimes, sizeof ts))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		int64_t ns = ts[2 * i + 1];
		if (ns != UTIME_NOW && ns != UTIME_OMIT && (ns < 0 || ns > 999999999))
			return -EINVAL;
	}
	for (int i = 0; i < 2; i++) {
		int64_t ns = ts[2 * i + 1], *dst = i ? &ip->mtime : &ip->atime;
		if (ns == UTIME_NOW)
			*dst = now;
		else if (ns != UTIME_OMIT)
			*dst = ts[2 * i] * 1000000000 + ns;
	}
	ip->ctime = now;
	return inode_set_times(ip);
}

/* struct statfs for x86-64. */
struct statfs_user {
	int64_t type, bsize, blocks, bfree, bavail, files, ffree;
	int32_t fsid[2];
	int64_t namelen, frsize, flags, spare[4];
};

#define TMPFS_MAGIC 0x01021994
#define PIPEFS_MAGIC 0x50495045
#define ST_VALID 0x20

/* Every file is in one tmpfs-like filesystem in RAM, sized as Linux sizes
 * a tmpfs (half of RAM in blocks and in inodes); a pipe is on pipefs. */
static int64_t statfs_to_user(int err, struct inode *ip, uint64_t ubuf)
{
	struct statfs_user st = {.bsize = PAGE_SIZE, .namelen = NAME_MAX, .frsize = PAGE_SIZE,
				 .flags = ST_VALID};

	if (err)
		return err;
	struct fs_statfs fst;
	if (fs_statfs(ip, &fst) == 0) {
		st.type = (int64_t)fst.magic;
		st.bsize = st.frsize = (int64_t)fst.bsize;
		st.blocks = (int64_t)fst.blocks;
		st.bfree = st.bavail = (int64_t)fst.bfree;
		st.namelen = (int64_t)fst.namelen;
		if (ip->sb->read_only)
			st.flags |= 1; /* ST_RDONLY */
	} else if (ip->pipe) {
		st.type = PIPEFS_MAGIC;
	} else {
		uint64_t half = pmm_total_count() / 2, free = pmm_free_count() / 2;
		st.type = TMPFS_MAGIC;
		st.blocks = (int64_t)half, st.bfree = st.bavail = (int64_t)(free < half ? free : half);
		uint64_t used = fs_inode_count();
		st.files = (int64_t)half, st.ffree = (int64_t)(used < half ? half - used : 0);
	}
	return copy_to_user(ubuf, &st, sizeof st);
}

SYSCALL_DEFINE2(statfs, uint64_t, path, uint64_t, buf)
{
	struct inode *ip = NULL;
	int err = at_lookup(AT_FDCWD, path, 0, &ip); /* before ip is read */
	return statfs_to_user(err, ip, buf);
}

SYSCALL_DEFINE2(fstatfs, int, fd, uint64_t, buf)
{
	struct file *f = fd_get(fd);
	return f ? statfs_to_user(0, f->inode, buf) : -EBADF;
}
