/* A FAT volume behind the VFS: inodes for its files and directories, made
 * when first looked up and kept (one per directory entry, found again by
 * where the entry is) until the program ends or the name goes away. */
#include "blkdev.h"
#include "fat.h"
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "pmm.h"
#include "console.h"

#define FATFS_HASH 4096
#define MSDOS_SUPER_MAGIC 0x4d44

struct fatfs {
	struct mount m;
	struct fat_vol *vol;
	struct fat_inode *hash[FATFS_HASH];
};

struct fat_inode {
	struct fat_node node;
	struct inode *ip;
	struct fatfs *fs;
	struct fat_inode *hnext;
	bool hashed;
	char *name;
};

static const struct inode_ops fatfs_ops;

static struct fat_inode *fi_of(struct inode *ip) { return ip->priv; }
static struct fatfs *fs_of(struct inode *ip) { return fi_of(ip)->fs; }

static unsigned slot(const struct fat_node *n)
{
	return (unsigned)((n->dir_clus * 2654435761u) ^ (n->sfn_off >> 5)) % FATFS_HASH;
}

static void unhash(struct fat_inode *fi)
{
	if (!fi->hashed)
		return;
	struct fat_inode **pp = &fi->fs->hash[slot(&fi->node)];
	while (*pp != fi)
		pp = &(*pp)->hnext;
	*pp = fi->hnext;
	fi->hashed = false;
}

static void rehash(struct fat_inode *fi)
{
	unsigned h = slot(&fi->node);
	fi->hnext = fi->fs->hash[h];
	fi->fs->hash[h] = fi;
	fi->hashed = true;
}

static int64_t ns_of(uint16_t date, uint16_t time)
{
	return fat_time_to_unix(date, time) * 1000000000;
}

static int set_name(struct fat_inode *fi, const char *name, size_t len)
{
	char *copy = kmalloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, len);
	copy[len] = 0;
	kfree(fi->name);
	fi->name = copy;
	return 0;
}

/* The inode of the entry n found in dir: the one already made for that
 * entry, or a new one. */
static struct inode *get_inode(struct fatfs *fs, struct inode *dir, const struct fat_node *n,
			       const char *name, size_t len, int *err)
{
	for (struct fat_inode *fi = fs->hash[slot(n)]; fi; fi = fi->hnext)
		if (fat_same(&fi->node, n))
			return fi->ip;
	bool is_dir = n->attr & FAT_ATTR_DIR;
	uint32_t perm = is_dir ? 0755 : 0644;
	if (n->attr & FAT_ATTR_RO)
		perm &= ~0222u;
	struct fat_inode *fi = kzalloc(sizeof *fi);
	struct inode *ip = fi ? inode_new((is_dir ? S_IFDIR : S_IFREG) | perm) : NULL;
	*err = -ENOMEM;
	if (!ip || set_name(fi, name, len)) {
		if (ip)
			inode_put(ip); /* no name, no refs: freed (evict sees no priv) */
		kfree(fi);
		return NULL;
	}
	fi->node = *n;
	fi->ip = ip;
	fi->fs = fs;
	ip->nlink = is_dir ? 2 : 1;
	ip->size = n->size;
	ip->mtime = ip->ctime = ns_of(n->mdate, n->mtime);
	ip->atime = ns_of(n->adate, 0);
	ip->parent = dir;
	ip->ops = &fatfs_ops;
	ip->sb = &fs->m;
	ip->priv = fi;
	rehash(fi);
	return ip;
}

static struct inode *fatfs_lookup(struct inode *dir, const char *name, size_t len, int *err)
{
	struct fatfs *fs = fs_of(dir);
	struct fat_node n;
	*err = fat_lookup(fs->vol, &fi_of(dir)->node, name, len, &n);
	return *err ? NULL : get_inode(fs, dir, &n, name, len, err);
}

static int fatfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
			struct inode **out)
{
	struct fatfs *fs = fs_of(dir);
	struct fat_node n;
	if (!S_ISDIR(mode) && !S_ISREG(mode))
		return -EPERM;
	int err = fat_create(fs->vol, &fi_of(dir)->node, name, len, S_ISDIR(mode), &n);
	if (err)
		return err;
	*out = get_inode(fs, dir, &n, name, len, &err);
	if (!*out)
		return err;
	dir->mtime = dir->ctime = fs_now();
	return 0;
}

static int fatfs_unlink(struct inode *dir, struct inode *ip)
{
	struct fat_inode *fi = fi_of(ip);
	(void)dir;
	if (S_ISDIR(ip->mode) && fat_dir_empty(fi->fs->vol, &fi->node))
		return -ENOTEMPTY;
	int err = fat_remove(fi->fs->vol, &fi->node);
	if (!err)
		unhash(fi); /* its slots may be reused now; evict frees the clusters */
	return err;
}

static int fatfs_rename(struct inode *ip, struct inode *ndir, const char *name, size_t len,
			struct inode *victim)
{
	struct fat_inode *fi = fi_of(ip), *vi = victim ? fi_of(victim) : NULL;
	unhash(fi);
	int err = fat_rename(fi->fs->vol, &fi->node, &fi_of(ndir)->node, name, len,
			     vi ? &vi->node : NULL);
	rehash(fi);
	if (!err)
		set_name(fi, name, len); /* on failure getcwd shows the old name */
	if (!err && vi)
		unhash(vi); /* as unlinked: evict frees its clusters */
	return err;
}

static bool fatfs_empty(struct inode *dir)
{
	return fat_dir_empty(fs_of(dir)->vol, &fi_of(dir)->node) == 0;
}

static const char *fatfs_next(struct inode *dir, uint64_t *pos, struct inode **ip)
{
	static char name[FAT_UTF8_MAX + 1];
	struct fatfs *fs = fs_of(dir);
	struct fat_node n;
	if (*pos - 2 > FAT_MAX_FILE / 32)
		return NULL;
	uint32_t off = (uint32_t)(*pos - 2) * 32;
	int err;
	if (fat_readdir(fs->vol, &fi_of(dir)->node, &off, name, &n) != 1)
		return NULL; /* the end, or a sector that cannot be read (-EIO) */
	*ip = get_inode(fs, dir, &n, name, strlen(name), &err);
	if (!*ip)
		return NULL;
	*pos = 2 + n.sfn_off / 32;
	return name;
}

static int64_t fatfs_read(struct inode *ip, void *buf, uint64_t n, uint64_t off)
{
	return fat_read(fs_of(ip)->vol, &fi_of(ip)->node, buf, n, off);
}

static int64_t fatfs_write(struct inode *ip, const void *buf, uint64_t n, uint64_t off)
{
	struct fat_inode *fi = fi_of(ip);
	int64_t r = fat_write(fi->fs->vol, &fi->node, buf, n, off);
	ip->size = fi->node.size;
	return r;
}

static int fatfs_truncate(struct inode *ip, uint64_t size)
{
	struct fat_inode *fi = fi_of(ip);
	int err = fat_truncate(fi->fs->vol, &fi->node, size);
	ip->size = fi->node.size;
	return err;
}

static int fatfs_set_times(struct inode *ip)
{
	struct fat_inode *fi = fi_of(ip);
	return fat_set_mtime(fi->fs->vol, &fi->node, ip->mtime / 1000000000);
}

static uint64_t fatfs_allocated(struct inode *ip)
{
	uint64_t bytes = 0;
	fat_allocated(fs_of(ip)->vol, &fi_of(ip)->node, &bytes);
	return bytes;
}

static const char *fatfs_name(struct inode *ip) { return fi_of(ip)->name; }

static void fatfs_evict(struct inode *ip)
{
	struct fat_inode *fi = fi_of(ip);
	if (!fi)
		return;
	unhash(fi);
	if (ip->nlink == 0 && !fi->node.root && !fat_read_only(fi->fs->vol))
		fat_release(fi->fs->vol, &fi->node); /* removed while open: its clusters now */
	kfree(fi->name);
	kfree(fi);
	ip->priv = NULL;
}

static const struct inode_ops fatfs_ops = {
	.lookup = fatfs_lookup,
	.create = fatfs_create,
	.unlink = fatfs_unlink,
	.rename = fatfs_rename,
	.empty = fatfs_empty,
	.next = fatfs_next,
	.read = fatfs_read,
	.write = fatfs_write,
	.truncate = fatfs_truncate,
	.set_times = fatfs_set_times,
	.allocated = fatfs_allocated,
	.name = fatfs_name,
	.evict = fatfs_evict,
};

static int fatfs_sync(struct mount *m) { return fat_sync(((struct fatfs *)m->fs)->vol); }

static int fatfs_statfs(struct mount *m, struct fs_statfs *out)
{
	struct fat_statfs st;
	fat_statfs(((struct fatfs *)m->fs)->vol, &st);
	*out = (struct fs_statfs){.magic = MSDOS_SUPER_MAGIC, .bsize = st.cluster_size,
				  .blocks = st.clusters, .bfree = st.free, .namelen = 255};
	return 0;
}

static int fatfs_unmount(struct mount *m)
{
	struct fatfs *fs = m->fs;
	int err = fat_unmount(fs->vol);
	kfree(fs);
	return err;
}

static int64_t now_sec(void) { return fs_now() / 1000000000; }

/* The block cache's share of memory: 1/32 of it, from 1 to 64 MiB. */
static size_t cache_budget(void)
{
	uint64_t bytes = pmm_total_count() * PAGE_SIZE / 32;
	return bytes < (1u << 20) ? 1u << 20 : bytes > (64u << 20) ? 64u << 20 : (size_t)bytes;
}

int fatfs_mount(struct blkdev *d, const char *what, struct inode *dir, bool read_only)
{
	const char *why;
	struct fatfs *fs = kzalloc(sizeof *fs);
	if (!fs)
		return -ENOMEM;
	int err = fat_mount(d, read_only, cache_budget(), now_sec, &fs->vol, &why);
	if (err) {
		kfree(fs);
		kreport("bareflow: %s: not a FAT filesystem that can be mounted (%s)\n", what, why);
		return err == -EIO || err == -ENOMEM ? err : -EINVAL;
	}
	struct fat_inode *fi = kzalloc(sizeof *fi);
	struct inode *root = fi ? inode_new(S_IFDIR | 0755) : NULL;
	if (!root) {
		kfree(fi);
		fat_unmount(fs->vol);
		kfree(fs);
		return -ENOMEM;
	}
	fat_root(fs->vol, &fi->node);
	fi->ip = root;
	fi->fs = fs;
	root->nlink = 2;
	root->ops = &fatfs_ops;
	root->sb = &fs->m;
	root->priv = fi;
	root->parent = dir->parent ? dir->parent : dir;
	fs->m = (struct mount){.root = root, .covered = dir, .read_only = fat_read_only(fs->vol),
			       .what = what, .sync = fatfs_sync, .statfs = fatfs_statfs,
			       .unmount = fatfs_unmount, .fs = fs};
	dir->mounted = root;
	inode_get(root); /* the mount holds it */
	return mount_add(&fs->m);
}
