/* Path names: walking the tree component by component, following symbolic
 * links (at most 40 in one walk, as Linux), relative to the working
 * directory or to an open directory. */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "proc.h"
#include "task.h"

#define MAX_SYMLINKS 40

struct inode *fs_cwd(void) { return current_proc()->cwd; }

void fs_set_cwd(struct inode *dir)
{
	struct proc *p = current_proc();

	if (dir)
		inode_get(dir);
	if (p->cwd)
		inode_put(p->cwd);
	p->cwd = dir;
}

int path_from_user(char *buf, uint64_t upath)
{
	/* Page by page, so a name that ends just before unmapped memory is fine. */
	size_t n = 0;
	while (n < PATH_MAX) {
		size_t chunk = 4096 - ((upath + n) & 4095);
		if (chunk > PATH_MAX - n)
			chunk = PATH_MAX - n;
		if (copy_from_user(buf + n, upath + n, chunk))
			return -EFAULT;
		size_t len = strnlen(buf + n, chunk);
		if (len < chunk)
			return n + len == 0 ? -ENOENT : 0;
		n += chunk;
	}
	return -ENAMETOOLONG;
}

/* The directory a relative path starts from. */
static int start_dir(int dirfd, const char *path, struct inode **out)
{
	if (path[0] == '/') {
		*out = fs_root();
		return 0;
	}
	if (dirfd == AT_FDCWD) {
		*out = current_proc()->cwd;
		return 0;
	}
	struct file *f = fd_get(dirfd);
	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	*out = f->inode;
	return 0;
}

static int walk(struct inode *dir, const char *path, size_t plen, bool follow, int *links,
		struct inode **out);

/* Replace a symlink by what it points to, resolved from the directory that
 * holds it. */
static int follow_link(struct inode *dir, struct inode *link, int *links, struct inode **out)
{
	if (++*links > MAX_SYMLINKS)
		return -ELOOP;
	if (link->dev == &dev_fd_alias_ops) { /* /proc/self/fd/N: the file itself */
		struct file *f = fd_get((int)link->rdev);
		if (!f)
			return -ENOENT;
		*out = f->inode;
		return 0;
	}
	if (link->size == 0)
		return -ENOENT;
	return walk(link->data[0] == '/' ? fs_root() : dir, (const char *)link->data, link->size, true,
		    links, out);
}

static int walk(struct inode *dir, const char *path, size_t plen, bool follow, int *links,
		struct inode **out)
{
	struct inode *cur = dir;
	size_t i = 0;

	while (i < plen) {
		while (i < plen && path[i] == '/')
			i++;
		if (i == plen)
			break;
		size_t start = i;
		while (i < plen && path[i] != '/')
			i++;
		size_t len = i - start;
		bool last = true;
		for (size_t j = i; j < plen; j++)
			if (path[j] != '/')
				last = false;
		bool trailing_slash = i < plen;
		if (!S_ISDIR(cur->mode))
			return -ENOTDIR;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		struct inode *next = dir_lookup(cur, path + start, len);
		if (!next)
			return -ENOENT;
		if (S_ISLNK(next->mode) && (!last || follow || trailing_slash)) {
			int err = follow_link(cur, next, links, &next);
			if (err)
				return err;
		}
		if (last && trailing_slash && !S_ISDIR(next->mode))
			return -ENOTDIR;
		cur = next;
	}
	*out = cur;
	return 0;
}

int path_lookup(int dirfd, const char *path, bool follow, struct inode **out)
{
	struct inode *dir;
	int links = 0;
	if (!path[0])
		return -ENOENT;
	int err = start_dir(dirfd, path, &dir);
	return err ? err : walk(dir, path, strlen(path), follow, &links, out);
}

int path_parent(int dirfd, const char *path, struct inode **dir, const char **name, size_t *len)
{
	size_t plen = strlen(path);
	struct inode *start;
	int links = 0;

	if (!plen)
		return -ENOENT;
	int err = start_dir(dirfd, path, &start);
	if (err)
		return err;
	while (plen > 1 && path[plen - 1] == '/')
		plen--;
	size_t slash = plen;
	while (slash > 0 && path[slash - 1] != '/')
		slash--;
	*name = path + slash;
	*len = plen - slash;
	if (*len == 1 && path[slash] == '/') /* the path is "/" */
		*len = 0;
	if (*len > NAME_MAX)
		return -ENAMETOOLONG;
	err = walk(start, path, slash, true, &links, dir);
	if (!err && !S_ISDIR((*dir)->mode))
		err = -ENOTDIR;
	return err;
}

int path_mkdirs(const char *path, struct inode **out)
{
	struct inode *cur = fs_root();
	const char *p = path;

	while (*p) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - s);
		if (!len)
			break;
		struct inode *next = dir_lookup(cur, s, len);
		if (!next) {
			next = inode_new(S_IFDIR | 0755);
			if (!next)
				return -ENOSPC;
			int err = dir_link(cur, s, len, next);
			if (err)
				return err;
		} else if (!S_ISDIR(next->mode)) {
			return -ENOTDIR;
		}
		cur = next;
	}
	*out = cur;
	return 0;
}

int path_of_dir(struct inode *dir, char *buf, size_t size)
{
	char tmp[PATH_MAX];
	size_t pos = sizeof tmp - 1;

	if (dir != fs_root() && dir->nlink == 0)
		return -ENOENT; /* removed while we were in it */
	tmp[pos] = 0;
	for (struct inode *ip = dir; ip != fs_root(); ip = ip->parent) {
		const char *name = NULL;
		if (ip->sb && ip == ip->sb->root)
			ip = ip->sb->covered; /* a mount's root has its directory's name */
		if (ip->ops) {
			name = ip->ops->name(ip);
		} else {
			struct dentry *d = ip->parent ? ip->parent->children : NULL;
			while (d && d->inode != ip)
				d = d->next;
			name = d ? d->name : NULL;
		}
		if (!name || !ip->parent)
			return -ENOENT;
		size_t len = strlen(name);
		if (len + 1 > pos)
			return -ENAMETOOLONG;
		pos -= len;
		memcpy(tmp + pos, name, len);
		tmp[--pos] = '/';
	}
	if (pos == sizeof tmp - 1)
		tmp[--pos] = '/';
	size_t n = sizeof tmp - pos; /* with the NUL */
	if (n > size)
		return -ERANGE;
	memcpy(buf, tmp + pos, n);
	return (int)n;
}
