/* Mounts: the disks the command line names, mounted at boot on directories
 * of the in-memory tree, written back on sync and at the end of the run. */
#include "blkdev.h"
#include "console.h"
#include "fs.h"
#include "kerrno.h"
#include "kernel.h"
#include "heap.h"
#include "kstring.h"
#include "printf.h"

#define DISK_MAX 8               /* disk0 .. disk7 */
#define DISK_SERIAL "bfdisk"     /* disk N is the device with serial bfdiskN */
#define EXIT_DISK_UNUSABLE 126   /* README: a disk that cannot be mounted */

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

/* Mount disk i as its word "DIR:rw" or "DIR:ro" says; 0 or an exit status. */
static int mount_disk(unsigned i, char *val)
{
	static char what[DISK_MAX][8];
	char serial[16];
	char *colon = NULL;
	for (char *p = val; *p; p++)
		if (*p == ':')
			colon = p;
	ksnprintf(what[i], sizeof what[i], "disk%u", i);
	ksnprintf(serial, sizeof serial, DISK_SERIAL "%u", i);
	if (!colon || val[0] != '/' || (strcmp(colon + 1, "rw") && strcmp(colon + 1, "ro"))) {
		kreport("bareflow: %s: bad mount word \"%s\" (DIR:rw or DIR:ro)\n", what[i], val);
		return EXIT_DISK_UNUSABLE;
	}
	*colon = 0;
	struct blkdev *d = blkdev_find(serial);
	if (!d) {
		kreport("bareflow: %s: no disk with serial %s was found\n", what[i], serial);
		return EXIT_DISK_UNUSABLE;
	}
	struct inode *dir;
	int err = path_mkdirs(val, &dir);
	if (!err && (dir->mounted || dir->sb))
		err = -EBUSY;
	if (err) {
		kreport("bareflow: %s: cannot mount on %s (error %d)\n", what[i], val, -err);
		return EXIT_DISK_UNUSABLE;
	}
	err = fatfs_mount(d, what[i], dir, !strcmp(colon + 1, "ro"));
	if (err)
		return EXIT_DISK_UNUSABLE; /* fatfs_mount said why */
	proc_mounts_add(d->name, val, !strcmp(colon + 1, "ro"));
	kprintf("mount: %s (%s, %lu MiB) on %s, %s\n", what[i], d->name,
		(unsigned long)(d->sectors >> 11), val, strcmp(colon + 1, "ro") ? "read-write" : "read-only");
	return 0;
}

int mount_disks(void)
{
	char key[8], val[320];
	for (unsigned i = 0; i < DISK_MAX; i++) {
		ksnprintf(key, sizeof key, "disk%u", i);
		if (!cmdline_get(key, val, sizeof val))
			continue;
		int status = mount_disk(i, val);
		if (status)
			return status;
	}
	return 0;
}

int fs_sync(struct inode *ip)
{
	if (!ip->sb || ip->sb->read_only)
		return 0;
	return ip->sb->sync(ip->sb);
}

int fs_sync_all(void)
{
	int err = 0;
	for (struct mount *m = mounts; m; m = m->next) {
		int e = m->read_only ? 0 : m->sync(m);
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
