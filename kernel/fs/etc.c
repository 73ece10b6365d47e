/*
 * The guest's system files: a minimal /etc/passwd and /etc/group naming
 * root (the program's user) and nobody, so that getpwuid, getgrgid, `id`
 * and `ls -l` find names as on a Linux system; and /proc/mounts (with
 * /etc/mtab linking to it, as on Debian) listing the tmpfs at / and at
 * /dev/shm, so that getmntent and `df` find the filesystems statfs
 * describes; and /sys/devices/system/cpu/online (the CPUs the program is
 * given: smp_program_cpus) and possible (all of them, a CPU kept for the
 * JIT runtime too: a thread may still be put there, and sched_getcpu
 * name it), where the C library and libgomp count the CPUs ("0" or "0-N"). A --file at the same path replaces any of them (the boot
 * archive is unpacked afterwards).
 */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "printf.h"
#include "smp.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
static const char group[] = "root:x:0:\n"
			    "nogroup:x:65534:\n";
static const char mounts[] = "tmpfs / tmpfs rw,relatime 0 0\n"
			     "tmpfs /dev/shm tmpfs rw,nosuid,nodev,relatime 0 0\n";

/* A file (or with S_IFLNK a symlink) in dir holding the bytes of text
 * (borrowed: they are copied on the first write). */
static int add_file(struct inode *dir, const char *name, const char *text, uint32_t mode)
{
	struct inode *ip = inode_new(mode);
	if (!ip)
		return -ENOMEM;
	inode_set_data(ip, text, strlen(text), true);
	int err = dir_link(dir, name, strlen(name), ip);
	if (err)
		inode_put(ip);
	return err;
}

int etc_populate(void)
{
	struct inode *etc, *proc;
	int err = path_mkdirs("/etc", &etc);
	if (!err)
		err = add_file(etc, "passwd", passwd, S_IFREG | 0644);
	if (!err)
		err = add_file(etc, "group", group, S_IFREG | 0644);
	if (!err)
		err = add_file(etc, "mtab", "../proc/mounts", S_IFLNK | 0777);
	if (!err)
		err = path_mkdirs("/proc", &proc);
	if (!err)
		err = add_file(proc, "mounts", mounts, S_IFREG | 0444);
	struct inode *dev;
	if (!err)
		err = path_mkdirs("/dev", &dev);
	if (!err) /* as Linux's udev makes it */
		err = add_file(dev, "fd", "/proc/self/fd", S_IFLNK | 0777);
	static char online[16], possible[16];
	struct inode *cpu;
	unsigned n = smp_program_cpus(), all = smp_cpus();
	ksnprintf(online, sizeof online, n > 1 ? "0-%u\n" : "0\n", n - 1);
	ksnprintf(possible, sizeof possible, all > 1 ? "0-%u\n" : "0\n", all - 1);
	if (!err)
		err = path_mkdirs("/sys/devices/system/cpu", &cpu);
	if (!err)
		err = add_file(cpu, "online", online, S_IFREG | 0444);
	if (!err)
		err = add_file(cpu, "possible", possible, S_IFREG | 0444);
	return err;
}
