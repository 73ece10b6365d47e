/*
 * The boot archive: a cpio "newc" archive (what the CLI builds from the
 * program and its --file arguments). Each entry is a 110-byte ASCII header
 * ("070701" and thirteen 8-digit hex fields), the NUL-terminated name, the
 * data; name and data are each padded to 4 bytes. "TRAILER!!!" ends it.
 * File contents are not copied: the files borrow the archive's memory until
 * they are first written. An entry named "!bareflow-args" is not a file: it
 * holds the working directory, the program's path, the argument count in
 * decimal, the arguments, then the environment, each ending with a NUL.
 * "!bareflow-stdin", if present, is the program's stdin: a file redirected
 * on the host, which the program reads (and may seek in) as a regular file.
 * "!bareflow-shared" stands for a file whose bytes QEMU's shared-memory
 * device holds (contract.h): a large file (the JIT's runtime) then costs
 * neither the CLI's copy into the archive nor QEMU's into guest RAM, and
 * the guest reads only the pages it touches.
 */
#include "console.h"
#include "contract.h"
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "pci.h"
#include "printf.h"

#define HDR 110

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_SIZE, F_DEVMAJ, F_DEVMIN, F_RMAJ, F_RMIN,
       F_NAMESIZE, F_CHECK, NFIELDS };

bool cpio_is_archive(const uint8_t *p, size_t size)
{
	return size >= 6 && !memcmp(p, "070701", 6);
}

static int hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		unsigned d = c >= '0' && c <= '9' ? c - '0'
			     : c >= 'a' && c <= 'f' ? c - 'a' + 10
			     : c >= 'A' && c <= 'F' ? c - 'A' + 10
						    : 16;
		if (d > 15)
			return -EINVAL;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

#define ARGS_ENTRY CONTRACT_ARGS_ENTRY

static const char *args_data;
static size_t args_size;

#define STDIN_ENTRY CONTRACT_STDIN_ENTRY

static const uint8_t *stdin_data;
static size_t stdin_size;
static bool stdin_given;

bool cpio_stdin(const uint8_t **data, size_t *size)
{
	*data = stdin_data, *size = stdin_size;
	return stdin_given;
}

bool cpio_args(const char **data, size_t *size)
{
	*data = args_data, *size = args_size;
	return args_data != NULL;
}

static uint64_t align4(uint64_t x) { return (x + 3) & ~3ull; }

/* Put one entry into the tree at name (relative to "/"). */
static int add_entry(const char *name, uint32_t mode, uint32_t mtime, const uint8_t *data,
		     uint32_t size)
{
	char path[PATH_MAX];
	struct inode *dir, *ip;
	const char *last;
	size_t len;

	if (strlen(name) + 2 > sizeof path)
		return -ENAMETOOLONG;
	path[0] = '/';
	memcpy(path + 1, name, strlen(name) + 1);
	if (S_ISDIR(mode)) { /* its mtime is set once its entries are in */
		int err = path_mkdirs(path, &ip);
		if (!err)
			ip->mode = mode;
		return err;
	}
	/* Make the parent directories, then replace whatever has the name. */
	size_t cut = strlen(path);
	while (cut > 0 && path[cut - 1] != '/')
		cut--;
	char saved = path[cut];
	path[cut] = 0;
	int err = path_mkdirs(path, &dir);
	path[cut] = saved;
	if (err)
		return err;
	last = path + cut;
	len = strlen(last);
	if (!len)
		return -EINVAL;
	struct inode *old = dir_lookup(dir, last, len);
	if (old && S_ISDIR(old->mode))
		return -EISDIR;
	if (old)
		dir_unlink(dir, last, len);
	if (!S_ISREG(mode) && !S_ISLNK(mode)) {
		kprintf("fs: %s: skipping a special file in the archive\n", name);
		return 0;
	}
	ip = inode_new(mode);
	if (!ip)
		return -ENOMEM;
	ip->mtime = ip->ctime = (int64_t)mtime * 1000000000;
	inode_set_data(ip, data, size, true);
	err = dir_link(dir, last, len, ip);
	if (err)
		inode_put(ip);
	return err;
}

/* Give each directory of the archive (already checked, up to `end`) its
 * mtime, now that linking its entries has stopped changing it. An mtime of
 * 0 is a directory the CLI made up: it keeps the time it was made. */
static void set_dir_times(const uint8_t *a, size_t end)
{
	for (size_t off = 0; off < end;) {
		uint32_t f[NFIELDS];
		for (int i = 0; i < NFIELDS; i++)
			hex8(a + off + 6 + 8 * i, &f[i]);
		const char *name = (const char *)a + off + HDR;
		char path[PATH_MAX];
		struct inode *ip;
		if (S_ISDIR(f[F_MODE]) && f[F_MTIME] && strlen(name) + 2 <= sizeof path) {
			path[0] = '/';
			strlcpy(path + 1, name, sizeof path - 1);
			if (!path_lookup(AT_FDCWD, path, false, &ip) && S_ISDIR(ip->mode))
				ip->mtime = ip->ctime = (int64_t)f[F_MTIME] * 1000000000;
		}
		off = align4(align4(off + HDR + f[F_NAMESIZE]) + f[F_SIZE]);
	}
}

/*
 * The "!bareflow-shared" entry (data, n bytes: the size and the path, each
 * NUL-ended): the file, its bytes the shared-memory device's. 0, or
 * -EINVAL after saying why.
 */
static int add_shared(const char *data, size_t n, uint32_t mode, uint32_t mtime, bool *seen)
{
	size_t digits = strnlen(data, n);
	const char *path = data + digits + 1;
	if (!digits || digits + 2 >= n || data[n - 1] || path[0] != '/' || !S_ISREG(mode) ||
	    *seen) {
		kreport("bareflow: the boot archive is malformed: a bad %s entry\n",
			CONTRACT_SHARED_ENTRY);
		return -EINVAL;
	}
	*seen = true;
	uint64_t want = 0;
	for (const char *c = data; *c; c++) {
		if (*c < '0' || *c > '9' || want > (0xffffffffu - 9) / 10) {
			kreport("bareflow: the boot archive is malformed: a bad size in its %s entry\n",
				CONTRACT_SHARED_ENTRY);
			return -EINVAL;
		}
		want = want * 10 + (uint64_t)(*c - '0');
	}
	const struct pci_dev *d = NULL;
	for (unsigned i = 0; pci_get(i) && !d; i++)
		if (pci_get(i)->vendor == CONTRACT_SHARED_VENDOR &&
		    pci_get(i)->device == CONTRACT_SHARED_DEVICE)
			d = pci_get(i);
	if (!d) {
		kreport("bareflow: %s: the boot archive leaves its bytes to a shared-memory device, "
			"and there is none\n",
			path);
		return -EINVAL;
	}
	uint64_t base = 0, len = 0;
	const uint8_t *bytes = pci_map_memory_bar(d, CONTRACT_SHARED_BAR, &base, &len);
	if (!bytes || len < want) {
		kreport("bareflow: %s: the shared-memory device at %02x:%02x.%x %s\n", path, d->bus,
			d->dev, d->fn,
			bytes ? "holds fewer bytes than the file has" : "cannot be mapped");
		return -EINVAL;
	}
	int err = add_entry(path + 1, mode, mtime, bytes, (uint32_t)want);
	if (err)
		kreport("bareflow: cannot place %s, on the shared-memory device (error %d)\n", path,
			-err);
	else
		kprintf("fs: %s: %lu bytes on the shared-memory device at %02x:%02x.%x, BAR %d at "
			"%lx (%lu MiB)\n",
			path, (unsigned long)want, d->bus, d->dev, d->fn, CONTRACT_SHARED_BAR,
			(unsigned long)base, (unsigned long)(len >> 20));
	return err;
}

int cpio_unpack(const uint8_t *a, size_t size)
{
	args_data = NULL, args_size = 0;
	stdin_data = NULL, stdin_size = 0, stdin_given = false;
	size_t off = 0;
	unsigned entries = 0;
	bool shared = false;

	for (;;) {
		uint32_t f[NFIELDS];
		if (off + HDR > size || memcmp(a + off, "070701", 6)) {
			kreport("bareflow: the boot archive is malformed: no entry header at byte %lu\n",
				(unsigned long)off);
			return -EINVAL;
		}
		for (int i = 0; i < NFIELDS; i++)
			if (hex8(a + off + 6 + 8 * i, &f[i])) {
				kreport("bareflow: the boot archive is malformed: bad header at byte %lu\n",
					(unsigned long)off);
				return -EINVAL;
			}
		uint64_t name_at = off + HDR, data_at = align4(name_at + f[F_NAMESIZE]);
		uint64_t next = align4(data_at + f[F_SIZE]);
		if (f[F_NAMESIZE] == 0 || data_at > size || data_at + f[F_SIZE] > size ||
		    a[name_at + f[F_NAMESIZE] - 1] != 0) {
			kreport("bareflow: the boot archive is truncated at byte %lu\n", (unsigned long)off);
			return -EINVAL;
		}
		const char *name = (const char *)a + name_at;
		if (!strcmp(name, "TRAILER!!!"))
			break;
		if (!strcmp(name, ARGS_ENTRY)) { /* not a file: the program's arguments */
			args_data = (const char *)a + data_at;
			args_size = f[F_SIZE];
			off = next;
			continue;
		}
		if (!strcmp(name, STDIN_ENTRY)) { /* not in the tree: fd 0's contents */
			stdin_data = a + data_at;
			stdin_size = f[F_SIZE];
			stdin_given = true;
			off = next;
			continue;
		}
		if (!strcmp(name, CONTRACT_SHARED_ENTRY)) {
			int err = add_shared((const char *)a + data_at, f[F_SIZE], f[F_MODE],
					     f[F_MTIME], &shared);
			if (err)
				return err;
			entries++;
			off = next;
			continue;
		}
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		while (name[0] == '/')
			name++;
		if (name[0] && strcmp(name, ".")) {
			int err = add_entry(name, f[F_MODE], f[F_MTIME], a + data_at, f[F_SIZE]);
			if (err) {
				kreport("bareflow: cannot unpack %s from the boot archive (error %d)\n", name,
					-err);
				return err;
			}
			entries++;
		}
		off = next;
	}
	kprintf("fs: %u entries unpacked from the boot archive\n", entries);
	set_dir_times(a, off);
	return 0;
}
