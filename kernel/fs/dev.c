/* /dev: null, zero, full, urandom and random, hostout and hostjit (the
 * host's channels), and stdin, stdout and stderr, which open whatever fds
 * 0, 1 and 2 refer to (as /proc/self/fd/N does). */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "proc.h"
#include "syscall.h"

static int64_t zero_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	static const uint8_t zeros[512];
	for (uint64_t done = 0; done < n;) {
		uint64_t k = n - done < sizeof zeros ? n - done : sizeof zeros;
		if (copy_to_user(ubuf + done, zeros, k))
			return done ? (int64_t)done : -EFAULT;
		done += k;
	}
	return (int64_t)n;
}

static int64_t null_read(struct file *f, uint64_t ubuf, uint64_t n) { return 0; }
static int64_t sink_write(struct file *f, uint64_t ubuf, uint64_t n) { return (int64_t)n; }
static int64_t full_write(struct file *f, uint64_t ubuf, uint64_t n) { return -ENOSPC; }
static int64_t random_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	return sys_getrandom(ubuf, n, 0, 0, 0, 0);
}
static int64_t notty(struct file *f, uint64_t req, uint64_t arg) { return -ENOTTY; }

static const struct dev_ops null_ops = {.read = null_read, .write = sink_write, .ioctl = notty};
static const struct dev_ops zero_ops = {.read = zero_read, .write = sink_write, .ioctl = notty};
static const struct dev_ops full_ops = {.read = zero_read, .write = full_write, .ioctl = notty};
static const struct dev_ops urandom_ops = {.read = random_read, .write = sink_write, .ioctl = notty};
/* Linux's /dev/random can be polled (epoll too); /dev/urandom cannot. */
static const struct dev_ops random_ops = {.read = random_read,
					  .write = sink_write,
					  .ioctl = notty,
					  .poll = poll_ready,
					  .may_change = poll_never_changes};
const struct dev_ops dev_fd_alias_ops; /* opening one opens fd rdev's file */

static int add(struct inode *dir, const char *name, const struct dev_ops *ops, uint32_t rdev,
	       uint32_t mode)
{
	struct inode *ip = inode_new(S_IFCHR | mode);
	if (!ip)
		return -ENOMEM;
	ip->dev = ops;
	ip->rdev = rdev;
	return dir_link(dir, name, strlen(name), ip);
}

int dev_populate(struct inode *dev)
{
	int err = add(dev, "null", &null_ops, (1 << 8) | 3, 0666);
	if (!err)
		err = add(dev, "zero", &zero_ops, (1 << 8) | 5, 0666);
	if (!err)
		err = add(dev, "full", &full_ops, (1 << 8) | 7, 0666);
	if (!err)
		err = add(dev, "random", &random_ops, (1 << 8) | 8, 0666);
	if (!err)
		err = add(dev, "urandom", &urandom_ops, (1 << 8) | 9, 0666);
	if (!err)
		err = add(dev, "hostout", &hostout_ops, (4 << 8) | 66, 0220);
	if (!err)
		err = add(dev, "hostjit", &hostjit_ops, (244 << 8) | 2, 0660); /* as vport0p2 */
	if (!err)
		err = add(dev, "stdin", &dev_fd_alias_ops, 0, 0620);
	if (!err)
		err = add(dev, "stdout", &dev_fd_alias_ops, 1, 0620);
	if (!err)
		err = add(dev, "stderr", &dev_fd_alias_ops, 2, 0620);
	return err;
}

static char exe_path[PATH_MAX];

/* /proc/self/exe: a symlink to the program's file. */
void fs_set_exe(const char *path)
{
	struct inode *self, *ip;

	exe_path[0] = 0;
	if (!path || path_mkdirs("/proc/self", &self))
		return;
	size_t n = strlen(path);
	if (n >= sizeof exe_path || !(ip = inode_new(S_IFLNK | 0777)))
		return;
	memcpy(exe_path, path, n + 1);
	if (inode_set_data(ip, exe_path, n, true) || dir_link(self, "exe", 3, ip))
		inode_put(ip);
}

const char *fs_exe(void) { return exe_path; }
