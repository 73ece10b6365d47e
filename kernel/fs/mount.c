/* Mounts: the disks the command line names, mounted at boot on directories
 * of the in-memory tree, written back on sync and at the end of the run. */
#include "blkdev.h"
#include "console.h"
#include "contract.h"
#include "fs.h"
#include "kerrno.h"
#include "kernel.h"
#include "heap.h"
#include "kstring.h"
#include "printf.h"

#define EXIT_DISK_UNUSABLE 126 /* README: a disk that cannot be mounted */

static struct mount *mounts;
static unsigned nmounts;

int mount_add(struct mount *m)
{
	m->dev = 0x800 + nmounts++; /* st_dev: a different one per mount */
	m->next = mounts;
	mounts = m;
	return 0;
}

/* List the mount in /proc/mounts, for getmntent and df. */
static void proc_mounts_add(const char *dev, const char *dir, bool ro)
{
	struct inode *ip;
	char line[320];
	if (path_lookup(AT_FDCWD, "/proc/mounts", true, &ip) || !S_ISREG(ip->mode))
		return;
	int n = ksnprintf(line, sizeof line, "/dev/%s %s vfat %s,relatime 0 0\n", dev, dir,
			  ro ? "ro" : "rw");
	char *buf = kmalloc(ip->size + (size_t)n);
	if (!buf)
		return;
	memcpy(buf, ip->data, ip->size);
	memcpy(buf + ip->size, line, (size_t)n);
	inode_set_data(ip, buf, ip->size + (size_t)n, false);
	kfree(buf);
}

/* Mount disk i where its word "diskI=DIR:rw|ro" says; 0, or after a
 * message the exit status. */
static int mount_disk(unsigned i)
{
	static char what[CONTRACT_DISK_MAX][8], dir[CONTRACT_DISK_MAX][CONTRACT_DISK_DIR_MAX + 1];
	char serial[16];
	bool ro;
	ksnprintf(what[i], sizeof what[i], CONTRACT_DISK_WORD "%u", i);
	int err = cmdline_disk(i, dir[i], sizeof dir[i], &ro);
	if (err == -ENOENT)
		return 0;
	if (err) {
		kreport("bareflow: %s: bad mount word (want %s=DIR:rw or DIR:ro)\n", what[i], what[i]);
		return EXIT_DISK_UNUSABLE;
	}
	ksnprintf(serial, sizeof serial, CONTRACT_DISK_SERIAL "%u", i);
	struct blkdev *d = blkdev_find(serial);
	if (!d) {
		kreport("bareflow: %s: no disk with serial %s was found\n", what[i], serial);
		return EXIT_DISK_UNUSABLE;
	}
	struct inode *mp;
	err = path_mkdirs(dir[i], &mp);
	if (!err && (mp->mounted || mp->sb))
		err = -EBUSY;
	if (err) {
		kreport("bareflow: %s: cannot mount on %s (error %d)\n", what[i], dir[i], -err);
		return EXIT_DISK_UNUSABLE;
	}
	if (fatfs_mount(d, what[i], mp, ro))
		return EXIT_DISK_UNUSABLE; /* fatfs_mount said why */
	ro = mp->mounted->sb->read_only; /* a read-only device mounts read-only */
	proc_mounts_add(d->name, dir[i], ro);
	kprintf("mount: %s (%s, %lu MiB) on %s, %s\n", what[i], d->name,
		(unsigned long)(d->sectors >> 11), dir[i], ro ? "read-only" : "read-write");
	return 0;
}

int mount_disks(void)
{
	char cache[8];
	bool has_cache = cmdline_get(CONTRACT_WORD_CACHE_DISK, cache, sizeof cache);
	for (unsigned i = 0; i < CONTRACT_DISK_MAX; i++) {
		int status = mount_disk(i);
		if (status && has_cache && cache[0] == (char)('0' + i) && !cache[1]) {
			kreport("bareflow: the code cache's disk cannot be used (said above): this "
				"run neither reads nor stores the cache\n");
			continue;
		}
		if (status)
			return status;
	}
	return 0;
}

/* Write m back; a failure is counted for the files that have not seen it. */
static int sync_mount(struct mount *m)
{
	int err = m->read_only ? 0 : m->sync(m);
	if (err)
		m->err_seq++;
	return err;
}

int fs_sync_file(struct file *f)
{
	struct mount *m = f->inode->sb;
	if (!m)
		return 0;
	int err = sync_mount(m);
	if (!err && f->err_seen != m->err_seq)
		err = -EIO;
	f->err_seen = m->err_seq;
	return err;
}

int fs_sync_all(void)
{
	int err = 0;
	for (struct mount *m = mounts; m; m = m->next) {
		int e = sync_mount(m);
		if (e) {
			kreport("bareflow: %s: writing back failed (error %d)\n", m->what, -e);
			err = err ? err : e;
		}
	}
	return err;
}

int fs_statfs(struct inode *ip, struct fs_statfs *out)
{
	return ip->sb ? ip->sb->statfs(ip->sb, out) : -ENOSYS;
}

void mount_release_all(void)
{
	while (mounts) {
		struct mount *m = mounts;
		const char *what = m->what;
		mounts = m->next;
		int err = m->unmount(m); /* frees m */
		if (err)
			kreport("bareflow: %s: writing back failed at unmount (error %d)\n", what, -err);
	}
	nmounts = 0;
}
