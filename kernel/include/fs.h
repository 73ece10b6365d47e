/*
 * The in-memory filesystem: one tree of inodes (directories, regular files,
 * symbolic links, character devices and pipes) that lives as long as the
 * program, built from the boot module's cpio archive, writable everywhere
 * (tmpfs semantics), plus /dev and /proc/self. Open files and the fd table
 * are here too. Functions return 0 or a value, or a negative errno.
 */
#ifndef BF_FS_H
#define BF_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* File types and permission bits, as Linux encodes st_mode. */
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define F_SEAL_SEAL 0x0001 /* no seal may be added */
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#define F_SEAL_FUTURE_WRITE 0x0010
#define F_SEAL_EXEC 0x0020
/* A sealed memfd refuses the change (-EPERM): a write of n bytes at off,
 * or a new size; 0 if the seals allow it (inode.c). */
struct inode;
int seals_write(const struct inode *ip, uint64_t off, uint64_t n);
int seals_resize(const struct inode *ip, uint64_t size);
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)

/* open flags (x86-64 values). */
#define O_ACCMODE 03
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000
#define O_PATH 010000000

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000

#define PATH_MAX 4096
#define FS_DEV 0x1a /* st_dev of the in-memory tree's files */
#define NAME_MAX 255
#define FD_SETSIZE 1024 /* select's sets */
#define NR_OPEN 1048576 /* Linux's ceiling for RLIMIT_NOFILE */

struct inode;
struct file;
struct blkdev;

/* What a character device does; NULL members mean "not supported". The
 * user buffer is given as a user address: devices copy with copy_*_user. */
struct dev_ops {
	int64_t (*read)(struct file *f, uint64_t ubuf, uint64_t n);
	int64_t (*write)(struct file *f, uint64_t ubuf, uint64_t n);
	int64_t (*ioctl)(struct file *f, uint64_t req, uint64_t arg);
	bool stream; /* a byte stream: no positions (lseek gives ESPIPE) */
	/* Readiness as poll's POLLIN/POLLOUT/POLLHUP bits; NULL: always ready. */
	unsigned (*poll)(struct file *f);
	/* Whether it may be opened now (not for O_PATH): 0 or a negative errno
	 * (-ENXIO: no device behind it); NULL: always. */
	int (*open)(struct inode *ip);
	/* The last close of a file of it (NULL: nothing to do); a device with
	 * state of its own refuses a second open (open), so that this is the
	 * inode's last. */
	void (*release)(struct file *f);
	/* Another thread's read or write may make it ready, and wakes those in
	 * poll and select (waitq_wake), as a pipe's does. */
	bool pollers;
	/* Whether it may become ready without the program doing anything
	 * (file_may_change); NULL: if it has a poll and no pollers. */
	bool (*may_change)(struct file *f);
	/* When (time_ns) it becomes ready by itself, as a timer does
	 * (file_wake_at); NULL: never. */
	uint64_t (*wake_at)(struct file *f);
	/* The signals whose arrival makes it ready (a signalfd's); NULL: none. */
	uint64_t (*signals)(struct file *f);
	/* A file with no name: its kind in /proc/self/fd ("anon_inode:[eventfd]"). */
	const char *anon;
};

struct dentry {
	char *name;
	struct inode *inode;
	struct dentry *next;
	uint64_t pos; /* its place in listings; stable while others come and go */
};

struct pipe;
struct epitem;
struct mount;
struct fs_statfs;

/* What a filesystem other than the in-memory tree does for its inodes
 * (NULL ops: the in-memory tree). Names are never "." or ".."; buffers
 * are kernel memory; every call returns 0, a count or a negative errno. */
struct inode_ops {
	/* The inode called name in dir, or NULL with *err set (-ENOENT...). */
	struct inode *(*lookup)(struct inode *dir, const char *name, size_t len, int *err);
	/* Make a regular file or directory (by mode) that does not exist yet. */
	int (*create)(struct inode *dir, const char *name, size_t len, uint32_t mode,
		      struct inode **out);
	/* Remove the name of ip (a file, or an empty directory) from dir. */
	int (*unlink)(struct inode *dir, struct inode *ip);
	/* Give ip the name `name` in ndir, replacing victim, the file of that
	 * name (NULL: none), in one step: on failure both are as they were. */
	int (*rename)(struct inode *ip, struct inode *ndir, const char *name, size_t len,
		      struct inode *victim);
	bool (*empty)(struct inode *dir);
	/* As dir_next, for positions from 2 on. */
	const char *(*next)(struct inode *dir, uint64_t *pos, struct inode **ip);
	int64_t (*read)(struct inode *ip, void *buf, uint64_t n, uint64_t off);
	int64_t (*write)(struct inode *ip, const void *buf, uint64_t n, uint64_t off);
	int (*truncate)(struct inode *ip, uint64_t size);
	/* Store the inode's mtime. */
	int (*set_times)(struct inode *ip);
	/* Bytes the file occupies, for st_blocks. */
	uint64_t (*allocated)(struct inode *ip);
	/* Its path name component (getcwd). */
	const char *(*name)(struct inode *ip);
	/* The inode is being freed: drop what the filesystem keeps for it (and
	 * its data, if it has no name any more). */
	void (*evict)(struct inode *ip);
};

/* A filesystem mounted on a directory of the tree (mount.c). */
struct mount {
	struct inode *root;    /* its root directory */
	struct inode *covered; /* the directory it is mounted on */
	bool read_only;
	uint32_t dev;          /* st_dev of its files */
	uint32_t err_seq;      /* write-backs that failed so far (fs_sync_file) */
	const char *what;      /* "disk0": for messages */
	int (*sync)(struct mount *m);
	int (*statfs)(struct mount *m, struct fs_statfs *out);
	/* Write everything back and free the filesystem (its inodes are gone). */
	int (*unmount)(struct mount *m);
	void *fs;
	struct mount *next;
};

struct fs_statfs {
	uint64_t magic, bsize, blocks, bfree, files, ffree, namelen;
};

struct inode {
	uint32_t mode;  /* S_IFxxx | permission bits */
	uint32_t nlink; /* names that refer to it (directories: 2 + subdirectories) */
	uint32_t refs;  /* open files and working directory holding it */
	uint64_t ino;
	uint64_t size;
	uint8_t *data;      /* regular file or symlink bytes */
	uint64_t cap;       /* bytes allocated at data; 0 while data is borrowed */
	struct dentry *children; /* directory entries, oldest first */
	uint64_t next_pos;       /* directory: pos of the next entry made */
	struct inode *parent;    /* directory: the one holding it ("..") */
	const struct dev_ops *dev; /* character device, or a generated file (procfs.c) */
	uint32_t rdev;
	struct pipe *pipe; /* fifo */
	struct mqueue *mq; /* POSIX message queue (not in the tree) */
	uint32_t shmaps;   /* shared mappings of it (shmap.c) */
	bool memfd;	   /* made by memfd_create, in no directory */
	uint32_t seals;	   /* a memfd's F_SEAL_* (fcntl F_ADD_SEALS) */
	bool fifo;	   /* a named pipe (mknod): its pipe exists while it is open */
	bool linkable;	   /* made by O_TMPFILE without O_EXCL: linkat may name it */
	int64_t atime, mtime, ctime; /* ns since the epoch */
	const struct inode_ops *ops; /* NULL: the in-memory tree */
	struct mount *sb;          /* the mounted filesystem it is on, or NULL */
	void *priv;                /* that filesystem's own data */
	struct inode *mounted;     /* a directory covered by a mount: its root */
	/* Wake-ups of its readers (data came, an end closed) and of its
	 * writers (room came, an end closed): a pipe's or eventfd's, for
	 * epoll's edge-triggered items. */
	uint32_t wakes_in, wakes_out;
};

struct file {
	struct inode *inode;
	uint64_t off;
	uint32_t flags; /* O_ACCMODE, O_APPEND, O_NONBLOCK, O_PATH as opened */
	uint32_t refs;  /* fd slots sharing it */
	uint32_t err_seen; /* its filesystem's err_seq when it last looked */
	bool pipe_write_end;
	bool pipe_rdwr; /* a named pipe opened O_RDWR: both ends */
	uint32_t fifo_w_seen; /* a reader opened with no writer: the writers' opens then */
	char *text; /* a generated file's text as last made (procfs.c), kmalloc'd */
	struct epitem *epitems; /* epoll items watching it (epoll.c) */
	char *name; /* its absolute name as opened, for /proc/self/fd (kmalloc'd), or NULL */
	size_t text_len;
};

/* --- the tree (inode.c) --- */

/* Create an empty tree: "/" with /dev (and /dev/shm), /proc/self, /tmp,
 * and the system files of etc.c. */
int fs_init(void);
/* Drop the whole tree: all memory goes back. Processes first (proc_destroy
 * closes their files). */
void fs_destroy(void);
struct inode *fs_root(void);
/* A new inode of the given mode, not linked anywhere yet (refs 0, nlink 0). */
struct inode *inode_new(uint32_t mode);
/* Take or drop a reference from an open file or the working directory. */
void inode_get(struct inode *ip);
void inode_put(struct inode *ip);
/* Directory operations. dir_link takes a name that must not exist yet. */
struct inode *dir_lookup(struct inode *dir, const char *name, size_t len);
int dir_link(struct inode *dir, const char *name, size_t len, struct inode *ip);
int dir_unlink(struct inode *dir, const char *name, size_t len);
/* The first listing entry at or after position *pos ("." is 0, ".." 1),
 * with *pos set to its position; NULL at the end. */
const char *dir_next(struct inode *dir, uint64_t *pos, struct inode **ip);
/* Make a regular file or directory (S_IFREG/S_IFDIR in mode) called name
 * in dir, which must not hold that name. -ENOSPC, -EROFS, -EINVAL. */
int dir_create(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **out);
/* True if directory ip holds nothing. */
bool dir_empty(struct inode *ip);
/* -EROFS if ip is on a read-only mount. */
int inode_writable(const struct inode *ip);
/* Store ip's time stamps in its filesystem after they changed. */
int inode_set_times(struct inode *ip);
/* Move an entry to another name, keeping the inode; -EXDEV across
 * filesystems. With `replace`, the file the new name has now (the caller
 * checked that it may go) is unlinked in the same step, after everything
 * that can fail: a failed rename leaves both names as they were. */
int dir_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
	       const char *nname, size_t nlen, bool replace);
/* File contents. Reads past the end return 0 bytes; writes past it fill the
 * gap with zeros; truncate shrinks or zero-extends. */
int64_t inode_read(struct inode *ip, uint64_t ubuf, uint64_t n, uint64_t off);
int64_t inode_write(struct inode *ip, uint64_t ubuf, uint64_t n, uint64_t off);
int inode_truncate(struct inode *ip, uint64_t size);
/* Memory for size bytes of a file of the tree, its size kept (fallocate's
 * KEEP_SIZE); -EOPNOTSUPP on a disk, -ENOSPC. */
int inode_reserve(struct inode *ip, uint64_t size);
/* Make the data buffer the inode's own (not borrowed from the archive), so
 * it may be written in place; -ENOSPC. */
int inode_own(struct inode *ip);
/* Write kernel bytes (used while unpacking the archive). */
int inode_set_data(struct inode *ip, const void *data, uint64_t n, bool borrow);
/* How many inodes exist (for statfs). */
uint64_t fs_inode_count(void);
/* Current time for time stamps. */
int64_t fs_now(void);

/* --- mounted filesystems (mount.c, fatfs.c) --- */

/* Mount every disk the command line names ("diskN=DIR:rw" or ":ro" for the
 * device with serial "bfdiskN") on DIR, made if missing. 0, or after a
 * message the exit status for the run: 126 when a disk is missing or not
 * a FAT filesystem it can mount. */
int mount_disks(void);
/* Mount the FAT volume on the block device on dir (a directory of the
 * in-memory tree): -EINVAL after a message when it is not FAT. */
int fatfs_mount(struct blkdev *d, const char *what, struct inode *dir, bool read_only);
int mount_add(struct mount *m);
/* fsync and syncfs: write back everything of f's filesystem; 0 for the
 * tree. -EIO if this failed, or if a write-back failed since f was opened
 * or last told (another file's fsync, an eviction): as Linux, every file
 * open when data was lost hears of it once. */
int fs_sync_file(struct file *f);
/* Write back every mounted filesystem (sync, and before power-off). */
int fs_sync_all(void);
/* statfs of a mounted filesystem's inode; -ENOSYS for the tree. */
int fs_statfs(struct inode *ip, struct fs_statfs *out);
/* Write back and unmount everything (the program ended). */
void mount_release_all(void);

/* Threads waiting for an object that another thread changes (pipe.c):
 * waitq_wait is one step of such a wait (as pipe_wait: 0 when woken, and
 * the caller looks again; -EINTR; -EDEADLK when nothing could end it);
 * waitq_wake wakes them, and every thread in poll or select on pipes and
 * such objects (dev_ops.pollers). */
struct pipe_waiter;
struct waitq {
	struct pipe_waiter *first;
};
int waitq_wait(struct waitq *q);
/* The same, ended at deadline (time_ns; 0, as when woken) too. */
int waitq_wait_until(struct waitq *q, uint64_t deadline);
void waitq_wake(struct waitq *q);

/* The last close of f: its flock goes (flock.c). */
void flock_release(struct file *f);

/* --- /proc/self's generated files (procfs.c) --- */

/* maps, comm and task/TID/comm for the threads there are, in /proc/self
 * (self). */
int procfs_populate(struct inode *self);
/* A thread's /proc/self/task/TID comes and goes. */
void procfs_thread_added(int tid);
/* What the link /proc/self/fd/N reads as (readlink): the file's name as
 * opened (" (deleted)" once it has none), or its kind ("pipe:[INO]",
 * "socket:[INO]", "anon_inode:[eventfd]"...). Its length, at most size. */
size_t procfs_fd_text(const struct inode *link, char *buf, size_t size);
/* Give f the name it was opened by: path relative to dirfd, made absolute
 * and plain (no ".", "..", or doubled "/"); prefix before it if not NULL
 * ("/memfd:"). Without memory it stays nameless. */
void file_set_name(struct file *f, int dirfd, const char *prefix, const char *path);
void procfs_thread_gone(int tid);

/* --- names (path.c) --- */

/* Resolve path relative to dirfd (AT_FDCWD or an open directory). With
 * follow, a final symlink is followed. */
int path_lookup(int dirfd, const char *path, bool follow, struct inode **out);
/* Resolve all but the last component: the parent directory and the last
 * name (pointing into path; "" for "/"). */
int path_parent(int dirfd, const char *path, struct inode **dir, const char **name, size_t *len);
/* Create every missing directory of an absolute path (archive unpacking). */
int path_mkdirs(const char *path, struct inode **out);
/* Absolute path of a directory (for getcwd); -ERANGE if size is too small. */
int path_of_dir(struct inode *dir, char *buf, size_t size);
/* Working directory. */
struct inode *fs_cwd(void);
void fs_set_cwd(struct inode *dir);
/* The file-creation mask (umask). */
uint32_t fs_umask(void);
/* Copy a path in from user memory: -EFAULT, -ENAMETOOLONG, -ENOENT if empty. */
int path_from_user(char *buf, uint64_t upath);

/* --- open files and descriptors (file.c) --- */

/* Descriptors may be below this: RLIMIT_NOFILE's soft limit (at most
 * NR_OPEN). */
int fd_limit(void);
/* Slots in the table now (every fd at or above it is closed). */
int fd_table_size(void);
/* Close every descriptor and free the table (proc_destroy). */
void fd_close_all(void);
struct file *file_open_inode(struct inode *ip, uint32_t flags);
/* A descriptor for a kernel object with no name (an eventfd, an epoll): a
 * character-device inode with ops and priv, open with flags, at the lowest
 * free fd. priv (kmalloc'd) is the file's from here on: ops->release frees
 * it, or this call does when no file could be made (-ENOMEM). The fd or a
 * negative errno. */
int anon_fd(const struct dev_ops *ops, void *priv, uint32_t flags, bool cloexec);
/* The open file alone, of an inode of `mode` (NULL without memory; priv is
 * still the caller's then). */
struct file *anon_file(const struct dev_ops *ops, void *priv, uint32_t mode, uint32_t flags);
/* Such a file's dev_ops.open: no second open through /proc/self/fd (ENXIO,
 * as Linux's); and its release when priv is one allocation. */
int anon_open(struct inode *ip);
void anon_release(struct file *f);
void file_put(struct file *f);
/* The open file at fd, or NULL. */
struct file *fd_get(int fd);
/* Install f at the lowest free fd >= min; takes over the caller's reference. */
int fd_install(struct file *f, int min, bool cloexec);
int fd_close(int fd);
int fd_dup2(int oldfd, int newfd, bool cloexec);
bool fd_cloexec(int fd);
void fd_set_cloexec(int fd, bool on);
int64_t file_read(struct file *f, uint64_t ubuf, uint64_t n);
/* What poll would report for f now (POLLIN, POLLOUT, POLLHUP, POLLERR). */
unsigned file_poll(struct file *f);
/* A device's poll and may_change for one that is always ready and can be
 * waited on with epoll (Linux's /dev/random, /proc/meminfo, a terminal's
 * output). */
unsigned poll_ready(struct file *f);
bool poll_never_changes(struct file *f);
/* True if f could become ready later without this process doing anything
 * (only input arriving from the host can). */
bool file_may_change(struct file *f);
/* When f becomes ready by itself (a timerfd's expiry), or POLL_NO_DEADLINE. */
uint64_t file_wake_at(struct file *f);
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100
int64_t file_write(struct file *f, uint64_t ubuf, uint64_t n);

/* --- devices (dev.c, console.c, pipe.c) --- */

/* Make /dev/{null,zero,urandom,full,stdin,stdout,stderr,tty}. */
int dev_populate(struct inode *devdir);
/* Make /etc/passwd and /etc/group naming root and nobody, /proc/mounts
 * and /etc/mtab, the /dev/fd link to /proc/self/fd (etc.c). */
int etc_populate(void);
/* Open fds 0, 1 and 2 on the console. */
int console_open_std(void);
/* Record which standard streams are terminals on the host and its window
 * size, from the command line (tty=..., winsize=COLSxROWS). */
void console_configure(void);
/* A new pipe: two open files, read end and write end. */
int pipe_create(struct file **rd, struct file **wr);
void pipe_release(struct file *f);
void pipe_free(struct pipe *p);
/* Opening a device with these ops opens what fd `rdev` refers to. */
extern const struct dev_ops dev_fd_alias_ops;
/* /dev/hostout: writes go to COM3, a host file when the CLI connects one. */
extern const struct dev_ops hostout_ops;
/* /dev/hostjit: raw bytes both ways with a host process, on virtio-console
 * port 2 when the CLI attaches it (hostjit.c); without it, open fails. */
extern const struct dev_ops hostjit_ops;
/* At the process's end, after its descriptors are closed: let go of the
 * files still in flight in socket queues, which may hold each other in a
 * cycle (unix.c). */
void unix_exit(void);
/* A socket file in the tree (a bound socket's name, mknod's S_IFSOCK):
 * opening it is ENXIO (unix.c). */
extern const struct dev_ops sockfile_ops;
int64_t pipe_read(struct file *f, uint64_t ubuf, uint64_t n);
int64_t pipe_write(struct file *f, uint64_t ubuf, uint64_t n);
unsigned pipe_poll(struct file *f);
/* For splice, tee and vmsplice (sys_copy.c), where a kernel copy holds the
 * files. Wait until the pipe of f has bytes or no writer (0), or a free
 * slot (0; with no reader, SIGPIPE and -EPIPE): -EAGAIN if nonblock,
 * -ERESTARTSYS for a signal; the program ends if none could come. */
int pipe_wait_readable(struct file *f, bool nonblock);
int pipe_wait_writable(struct file *f, bool nonblock);
/* Hold the pipe while the caller may sleep in the middle of a change
 * (Linux's pipe mutex): other threads' reads and writes of it wait. */
void pipe_hold(struct file *f, bool on);
uint64_t pipe_bytes(struct file *f);
/* Copy up to n bytes from the front of the pipe to dst (a user address or
 * the kernel copy's buffer), taking them out unless keep; the count, or
 * -EFAULT if none. */
int64_t pipe_take(struct file *f, uint64_t dst, uint64_t n, bool keep);
/* Add up to n bytes from src in new slots (no write appends to them),
 * each holding what lies in one page of a source at offset `at`, while
 * slots are free; the count, or -EFAULT/-ENOMEM if none. */
int64_t pipe_fill(struct file *f, uint64_t src, uint64_t n, uint64_t at);
/* Allocate the pages of the slots pipe_fill would take for n bytes at
 * offset at (0, or -ENOMEM). */
int pipe_prepare(struct file *f, uint64_t n, uint64_t at);
/* The most pipe_fill could add now from a source at offset at. */
uint64_t pipe_room_at(struct file *f, uint64_t at);
/* splice between two pipes (keep: tee, the input left as it was), after
 * waiting as the calls above: the bytes moved, or a negative errno. */
int64_t pipe_splice(struct file *in, struct file *out, uint64_t len, bool nonblock, bool keep);
/* F_GETPIPE_SZ and F_SETPIPE_SZ. */
int64_t pipe_size(struct file *f);
int64_t pipe_set_size(struct file *f, uint32_t size);
/* f, just made for a named pipe (inode.fifo), opens it as Linux's open
 * does: the pipe is made at the first open; a reader waits for a writer
 * and a writer for a reader (O_NONBLOCK: a reader does not wait, a writer
 * gets ENXIO), O_RDWR never waits. 0, or a negative errno (f is then the
 * caller's to put, which undoes the open). */
int fifo_open(struct file *f);
/* poll and select on a pipe, with other threads that could change it:
 * sleep until any pipe changes (0), a signal (-EINTR), the deadline (0;
 * THREAD_NO_DEADLINE: none), or every thread waits for another (-EDEADLK). */
int pipe_poll_wait(uint64_t deadline);
/* Wake every thread in pipe_poll_wait (an epoll's items changed). */
void pipe_poll_wake(void);

/* The most parts an iovec may have (Linux's UIO_MAXIOV). */
#define IOV_MAX 1024
/* A struct iovec as the program lays it out. */
struct iovec_user {
	uint64_t base, len;
};
/* Read and check a program's iovec of cnt parts as Linux's import_iovec
 * does: EINVAL past IOV_MAX parts or for a negative length (each part read
 * first), then EFAULT for a part outside the user half; *total: the sum of
 * the lengths. iovec_check_parts checks a copy already in the kernel (no
 * second read the program could change in between). */
int iovec_check(uint64_t uiov, uint64_t cnt, uint64_t *total);
int iovec_check_parts(const struct iovec_user *v, uint64_t cnt, uint64_t *total);

/* --- copies between files through a kernel buffer (sys_copy.c) --- */

/* True if [addr, addr + n) lies in the buffer of copy k (copy_*_user take
 * it then). */
struct kernel_copy;
bool kernel_copy_holds(const struct kernel_copy *k, uint64_t addr, size_t n);
/* The thread ends inside a copy (a write that no other thread could end):
 * the copy's buffer and file references go. */
struct thread;
void kernel_copy_abandon(struct thread *t);

/* --- waiting for descriptors (sys_poll.c, epoll.c) --- */

#define POLL_NO_DEADLINE UINT64_MAX
enum { POLL_DONE, POLL_AGAIN, POLL_FOREVER, POLL_SIGNAL };
/* What could end a wait for a set of files, none ready yet. */
struct poll_sources {
	bool may_change;  /* host input (file_may_change) */
	bool pipes;	  /* another thread's change to a pipe, eventfd... (pollers) */
	uint64_t wake;	  /* a file becomes ready by itself then (file_wake_at) */
	uint64_t signals; /* a file becomes ready when one of these is pending (signalfd) */
};
#define POLL_SOURCES_NONE ((struct poll_sources){false, false, POLL_NO_DEADLINE, 0})
void poll_sources_add(struct poll_sources *src, struct file *f);
/* Wait for one of src to change (POLL_AGAIN: look again), or say the wait
 * is over: the deadline came (POLL_DONE), a signal (POLL_SIGNAL), or
 * nothing could ever end it (POLL_FOREVER). */
int poll_wait(const struct poll_sources *src, uint64_t deadline);
/* A relative timeout in user memory (a timespec, or with micro select's
 * timeval, whose microseconds past a second Linux carries into the
 * seconds) as a deadline; NULL is none. *zero: it was 0. -EFAULT, -EINVAL. */
int poll_deadline(uint64_t uts, bool micro, uint64_t *deadline, bool *zero);
/* The signal mask a ppoll, pselect6 or epoll_pwait waits with, from user
 * memory (none when usig is 0): -EINVAL for a size other than the kernel's
 * sigset, -EFAULT. */
int poll_sigmask(uint64_t usig, uint64_t size, uint64_t *mask);
/* End the program for a wait no one could end (137), with a message. */
__attribute__((noreturn)) void poll_deadlock(void);
/* f's last close: it leaves every epoll that holds it. */
void epoll_forget(struct file *f);

/* --- shared mappings of files (shmap.c) --- */

/* Record that [start, end) of the user half holds a copy of ip's bytes from
 * off that must stay in step with the file (MAP_SHARED; called by vma.c,
 * which owns the area). A range that continues one of ip's records extends
 * it. -ENOMEM, -ENOSPC. */
int shmap_add(uint64_t start, uint64_t end, struct inode *ip, uint64_t off);
/* Copy what the program wrote through ip's shared mappings into the file,
 * never past its end (before the file is read, written or mapped, and on
 * msync and MADV_DONTNEED). */
void shmap_writeback(struct inode *ip);
/* Bring the shared mappings of every file mapped more than once in step
 * with it (at system call entry): the bytes each mapping changed go to the
 * file, then the file's bytes to every mapping. Cheap when there are none. */
void shmap_sync_all(void);
/* Copy the file's bytes into its shared mappings (after it changed). */
void shmap_refresh(struct inode *ip);
/* [start, end) is about to be unmapped: write back and forget what is
 * there. */
void shmap_unmap(uint64_t start, uint64_t end);
/* Forget every shared mapping without writing back (proc_destroy). */
void shmap_clear(void);

/* --- POSIX message queues (kernel/sys/sys_mqueue.c) --- */

/* What poll reports for a queue (POLLIN with messages, POLLOUT with room),
 * and read() of its descriptor: Linux's "QSIZE:... NOTIFY:..." line. */
unsigned mqueue_poll(const struct mqueue *mq);
int64_t mqueue_read(struct file *f, uint64_t ubuf, uint64_t n);
/* Free a queue's messages (its inode is being freed). */
void mqueue_free(struct mqueue *mq);
/* Forget every queue name (the program ended). */
void mqueue_reset(void);

/* --- the boot archive (cpio.c) --- */

/* Unpack a cpio "newc" archive into the tree; file contents stay in the
 * archive's memory until first written. -EINVAL with a message on a
 * malformed archive. */
int cpio_unpack(const uint8_t *archive, size_t size);
/* The "!bareflow-args" entry of the archive last unpacked, if it had one. */
bool cpio_args(const char **data, size_t *size);
/* The "!bareflow-stdin" entry of the archive last unpacked, if it had one. */
bool cpio_stdin(const uint8_t **data, size_t *size);
/* Make fd 0 a read-only regular file with these contents (borrowed). */
int console_stdin_file(const uint8_t *data, size_t size);
/* True if the buffer starts like a cpio "newc" archive. */
bool cpio_is_archive(const uint8_t *p, size_t size);

/* /proc/self/exe names this path. */
void fs_set_exe(const char *path);
const char *fs_exe(void);

#endif
