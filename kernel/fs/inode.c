/* The tree of inodes: directories as lists of named entries, and regular
 * file contents in one growing buffer each. Everything is in kernel heap
 * memory and goes back when the program ends (fs_destroy). */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "proc.h"
#include "timer.h"

static struct inode *root;
static uint64_t next_ino = 1;

/* Every inode ever made and not yet freed, so fs_destroy can find the ones
 * that are unlinked but still open, and cycles cannot leak. */
struct inode_node {
	struct inode inode;
	struct inode_node *prev, *next;
};
static struct inode_node *all_inodes;
static uint64_t live; /* inodes in all_inodes */

uint64_t fs_inode_count(void) { return live; }

int64_t fs_now(void) { return (int64_t)time_realtime_ns(); }

struct inode *fs_root(void) { return root; }

struct inode *inode_new(uint32_t mode)
{
	struct inode_node *n = kzalloc(sizeof *n);
	if (!n)
		return NULL;
	n->next = all_inodes;
	if (all_inodes)
		all_inodes->prev = n;
	all_inodes = n;
	live++;
	struct inode *ip = &n->inode;
	ip->mode = mode;
	ip->ino = next_ino++;
	ip->atime = ip->mtime = ip->ctime = fs_now();
	return ip;
}

static void inode_free(struct inode *ip)
{
	struct inode_node *n = (struct inode_node *)ip;
	if (ip->ops && ip->ops->evict)
		ip->ops->evict(ip);
	if (ip->cap)
		kfree(ip->data);
	if (ip->pipe)
		pipe_free(ip->pipe);
	if (ip->mq)
		mqueue_free(ip->mq);
	for (struct dentry *d = ip->children, *next; d; d = next) {
		next = d->next;
		kfree(d->name);
		kfree(d);
	}
	if (n->prev)
		n->prev->next = n->next;
	else
		all_inodes = n->next;
	if (n->next)
		n->next->prev = n->prev;
	live--;
	kfree(n);
}

/* Free the inode once no name and no open file refers to it. */
static void inode_maybe_free(struct inode *ip)
{
	if (ip->nlink == 0 && ip->refs == 0 && ip != root)
		inode_free(ip);
}

void inode_get(struct inode *ip) { ip->refs++; }

void inode_put(struct inode *ip)
{
	if (ip->refs)
		ip->refs--;
	inode_maybe_free(ip);
}

struct inode *dir_lookup(struct inode *dir, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return dir;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return dir->parent ? dir->parent : dir;
	struct inode *ip = NULL;
	if (dir->ops) {
		int err;
		ip = dir->ops->lookup(dir, name, len, &err);
	} else {
		for (struct dentry *d = dir->children; d && !ip; d = d->next)
			if (strlen(d->name) == len && !memcmp(d->name, name, len))
				ip = d->inode;
	}
	return ip && ip->mounted ? ip->mounted : ip; /* a mount covers its directory */
}

int dir_create(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **out)
{
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (dir->nlink == 0)
		return -ENOENT; /* removed: its clusters may be another file's soon */
	if (dir->ops)
		return dir->ops->create(dir, name, len, mode, out);
	struct inode *ip = inode_new(mode);
	if (!ip)
		return -ENOSPC;
	int err = dir_link(dir, name, len, ip);
	if (err) {
		inode_put(ip);
		return err;
	}
	*out = ip;
	return 0;
}

bool dir_empty(struct inode *ip) { return ip->ops ? ip->ops->empty(ip) : !ip->children; }

int inode_writable(const struct inode *ip) { return ip->sb && ip->sb->read_only ? -EROFS : 0; }

int inode_set_times(struct inode *ip)
{
	int err = inode_writable(ip);
	if (!err && ip->ops && ip->ops->set_times)
		err = ip->ops->set_times(ip);
	return err;
}

/* Put d at the end of dir's list, after every older entry. */
static void append(struct inode *dir, struct dentry *d)
{
	struct dentry **pp = &dir->children;
	while (*pp)
		pp = &(*pp)->next;
	if (dir->next_pos < 2)
		dir->next_pos = 2;
	d->pos = dir->next_pos++;
	d->next = NULL;
	*pp = d;
	dir->size++;
}

int dir_link(struct inode *dir, const char *name, size_t len, struct inode *ip)
{
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (dir->ops)
		return -EPERM; /* FAT has no links, symbolic links or special files */
	if (dir->nlink == 0 && dir != root)
		return -ENOENT; /* a removed directory takes no new entries */
	struct dentry *d = kmalloc(sizeof *d);
	char *copy = kmalloc(len + 1);
	if (!d || !copy) {
		kfree(d);
		kfree(copy);
		return -ENOSPC;
	}
	memcpy(copy, name, len);
	copy[len] = 0;
	d->name = copy;
	d->inode = ip;
	append(dir, d);
	ip->nlink++;
	if (S_ISDIR(ip->mode)) {
		ip->parent = dir;
		ip->nlink++; /* its own "." */
		dir->nlink++; /* its ".." */
	}
	dir->mtime = dir->ctime = fs_now();
	return 0;
}

/* Remove an entry of a mounted filesystem's directory. */
/* ip's name in dir is gone from its filesystem: the inode follows. */
static void fs_unlinked(struct inode *dir, struct inode *ip)
{
	ip->nlink = 0;
	ip->parent = NULL;
	dir->mtime = dir->ctime = ip->ctime = fs_now();
	inode_maybe_free(ip);
}

static int fs_unlink(struct inode *dir, const char *name, size_t len)
{
	int err;
	struct inode *ip = dir->ops->lookup(dir, name, len, &err);
	if (!ip)
		return err;
	err = dir->ops->unlink(dir, ip);
	if (err)
		return err;
	fs_unlinked(dir, ip);
	return 0;
}

int dir_unlink(struct inode *dir, const char *name, size_t len)
{
	if (dir->ops)
		return fs_unlink(dir, name, len);
	for (struct dentry **pp = &dir->children; *pp; pp = &(*pp)->next) {
		struct dentry *d = *pp;
		if (strlen(d->name) != len || memcmp(d->name, name, len))
			continue;
		struct inode *ip = d->inode;
		*pp = d->next;
		kfree(d->name);
		kfree(d);
		dir->size--;
		dir->mtime = dir->ctime = fs_now();
		ip->ctime = dir->mtime;
		if (S_ISDIR(ip->mode)) {
			dir->nlink--;
			ip->nlink = 0; /* both its name and its "." are gone */
			ip->parent = NULL;
		} else {
			ip->nlink--;
		}
		inode_maybe_free(ip);
		return 0;
	}
	return -ENOENT;
}

const char *dir_next(struct inode *dir, uint64_t *pos, struct inode **ip)
{
	if (*pos == 0) {
		*ip = dir;
		return ".";
	}
	if (*pos == 1) {
		*ip = dir->parent ? dir->parent : dir;
		return "..";
	}
	if (dir->ops)
		return dir->ops->next(dir, pos, ip);
	struct dentry *d = dir->children;
	while (d && d->pos < *pos)
		d = d->next;
	if (!d)
		return NULL;
	*pos = d->pos;
	*ip = d->inode;
	return d->name;
}

int dir_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
	       const char *nname, size_t nlen, bool replace)
{
	if (nlen > NAME_MAX)
		return -ENAMETOOLONG;
	if (odir->sb != ndir->sb)
		return -EXDEV;
	if (ndir->nlink == 0)
		return -ENOENT; /* into a removed directory */
	if (odir->ops) {
		int err;
		struct inode *ip = odir->ops->lookup(odir, oname, olen, &err), *victim = NULL;
		if (!ip)
			return err;
		if (replace && !(victim = ndir->ops->lookup(ndir, nname, nlen, &err)))
			return err;
		err = odir->ops->rename(ip, ndir, nname, nlen, victim);
		if (err)
			return err;
		if (victim)
			fs_unlinked(ndir, victim);
		if (S_ISDIR(ip->mode))
			ip->parent = ndir;
		odir->mtime = odir->ctime = ndir->mtime = ndir->ctime = ip->ctime = fs_now();
		return 0;
	}
	char *copy = kmalloc(nlen + 1);
	if (!copy)
		return -ENOSPC;
	/* Nothing fails once the source is known to exist: the file the new
	 * name had goes then (before the walk below, which it may be on). */
	bool found = false;
	for (struct dentry *d = odir->children; d && !found; d = d->next)
		found = strlen(d->name) == olen && !memcmp(d->name, oname, olen);
	if (found && replace)
		dir_unlink(ndir, nname, nlen);
	for (struct dentry **pp = &odir->children; found && *pp; pp = &(*pp)->next) {
		struct dentry *d = *pp;
		if (strlen(d->name) != olen || memcmp(d->name, oname, olen))
			continue;
		*pp = d->next;
		odir->size--;
		kfree(d->name);
		memcpy(copy, nname, nlen);
		copy[nlen] = 0;
		d->name = copy;
		append(ndir, d);
		if (S_ISDIR(d->inode->mode)) {
			odir->nlink--;
			ndir->nlink++;
			d->inode->parent = ndir;
		}
		odir->mtime = odir->ctime = ndir->mtime = ndir->ctime = d->inode->ctime = fs_now();
		return 0;
	}
	kfree(copy);
	return -ENOENT;
}

/* Make the data buffer ours and at least `need` bytes big. */
static int reserve(struct inode *ip, uint64_t need)
{
	if (need <= ip->cap)
		return 0;
	if (need > (1ull << 40))
		return -EFBIG;
	uint64_t cap = ip->cap ? ip->cap : 64;
	while (cap < need)
		cap = cap < (1ull << 26) ? cap * 2 : cap + (1ull << 26);
	uint8_t *p;
	if (ip->cap) {
		p = krealloc(ip->data, cap);
	} else { /* first write to borrowed archive bytes: copy them (those
		  * that fit: a truncation asks for less than the size) */
		p = kmalloc(cap);
		if (p && ip->size)
			memcpy(p, ip->data, ip->size < cap ? ip->size : cap);
	}
	if (!p)
		return -ENOSPC;
	ip->data = p;
	ip->cap = cap;
	return 0;
}

int inode_own(struct inode *ip) { return ip->cap ? 0 : reserve(ip, ip->size ? ip->size : 1); }

#define BOUNCE (64 * 1024)

/* Read or write a mounted filesystem's file through a kernel buffer. */
static int64_t fs_io(struct inode *ip, uint64_t ubuf, uint64_t n, uint64_t off, bool write)
{
	uint64_t done = 0;
	if (write && off + n < off)
		return -EFBIG;
	uint8_t *b = kmalloc(n < BOUNCE ? (n ? n : 1) : BOUNCE);
	if (!b)
		return -ENOMEM;
	int64_t r = 0;
	while (done < n) {
		uint64_t k = n - done < BOUNCE ? n - done : BOUNCE;
		if (write && copy_from_user(b, ubuf + done, k)) {
			r = -EFAULT;
			break;
		}
		r = write ? ip->ops->write(ip, b, k, off + done) : ip->ops->read(ip, b, k, off + done);
		if (r <= 0)
			break;
		if (!write && copy_to_user(ubuf + done, b, (uint64_t)r)) {
			r = -EFAULT;
			break;
		}
		done += (uint64_t)r;
		if ((uint64_t)r < k)
			break;
	}
	kfree(b);
	if (done && write)
		ip->mtime = ip->ctime = fs_now();
	return done ? (int64_t)done : r;
}

int64_t inode_read(struct inode *ip, uint64_t ubuf, uint64_t n, uint64_t off)
{
	if (ip->ops)
		return fs_io(ip, ubuf, n, off, false);
	if (ip->shmaps)
		shmap_writeback(ip);
	if (off >= ip->size)
		return 0;
	if (n > ip->size - off)
		n = ip->size - off;
	if (copy_to_user(ubuf, ip->data + off, n))
		return -EFAULT;
	ip->atime = fs_now();
	return (int64_t)n;
}

int seals_write(const struct inode *ip, uint64_t off, uint64_t n)
{
	if (ip->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	if ((ip->seals & F_SEAL_GROW) && off + n > ip->size)
		return -EPERM;
	return 0;
}

int seals_resize(const struct inode *ip, uint64_t size)
{
	if ((size < ip->size && (ip->seals & F_SEAL_SHRINK)) ||
	    (size > ip->size && (ip->seals & F_SEAL_GROW)))
		return -EPERM;
	return 0;
}

int64_t inode_write(struct inode *ip, uint64_t ubuf, uint64_t n, uint64_t off)
{
	if (n == 0)
		return 0;
	int sealed = seals_write(ip, off, n);
	if (sealed)
		return sealed;
	if (ip->ops)
		return fs_io(ip, ubuf, n, off, true);
	if (off + n < off)
		return -EFBIG;
	if (ip->shmaps)
		shmap_writeback(ip);
	int err = reserve(ip, off + n);
	if (err)
		return err;
	if (copy_from_user(ip->data + off, ubuf, n))
		return -EFAULT;
	if (off > ip->size)
		memset(ip->data + ip->size, 0, off - ip->size);
	if (off + n > ip->size)
		ip->size = off + n;
	ip->mtime = ip->ctime = fs_now();
	if (ip->shmaps)
		shmap_refresh(ip);
	return (int64_t)n;
}

int inode_reserve(struct inode *ip, uint64_t size)
{
	return ip->ops ? -EOPNOTSUPP : reserve(ip, size);
}

int inode_truncate(struct inode *ip, uint64_t size)
{
	int sealed = seals_resize(ip, size);
	if (sealed)
		return sealed;
	if (ip->ops) {
		int err = ip->ops->truncate(ip, size);
		if (!err)
			ip->mtime = ip->ctime = fs_now();
		return err;
	}
	if (ip->shmaps)
		shmap_writeback(ip);
	if (size > ip->size) {
		int err = reserve(ip, size);
		if (err)
			return err;
		memset(ip->data + ip->size, 0, size - ip->size);
	} else if (size < ip->size && !ip->cap) {
		int err = reserve(ip, size ? size : 1); /* stop borrowing before shrinking */
		if (err)
			return err;
	}
	ip->size = size;
	ip->mtime = ip->ctime = fs_now();
	if (ip->shmaps)
		shmap_refresh(ip);
	return 0;
}

int inode_set_data(struct inode *ip, const void *data, uint64_t n, bool borrow)
{
	if (borrow) {
		if (ip->cap)
			kfree(ip->data);
		ip->data = (uint8_t *)data;
		ip->cap = 0;
		ip->size = n;
		return 0;
	}
	int err = reserve(ip, n ? n : 1);
	if (err)
		return err;
	memcpy(ip->data, data, n);
	ip->size = n;
	return 0;
}

int fs_init(void)
{
	root = inode_new(S_IFDIR | 0755);
	if (!root)
		return -ENOMEM;
	root->nlink = 2;
	struct inode *dev, *tmp, *proc, *shm;
	int err = path_mkdirs("/dev", &dev);
	if (!err)
		err = path_mkdirs("/tmp", &tmp);
	if (!err) /* shm_open and sem_open make their files here */
		err = path_mkdirs("/dev/shm", &shm);
	if (!err)
		err = path_mkdirs("/proc/self", &proc);
	if (!err) {
		tmp->mode = shm->mode = S_IFDIR | 01777;
		err = dev_populate(dev);
	}
	if (!err)
		err = etc_populate();
	if (!err)
		err = procfs_populate(proc);
	if (!err) {
		fs_set_cwd(root);
		err = console_open_std();
	}
	return err;
}

void fs_destroy(void)
{
	mqueue_reset();
	while (all_inodes)
		inode_free(&all_inodes->inode);
	mount_release_all(); /* after the inodes on the mounts are gone */
	root = NULL;
	next_ino = 1;
	fs_set_exe(NULL);
}
