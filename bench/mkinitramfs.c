/*
 * A minimal initramfs for the Linux-VM benchmarks: an uncompressed cpio
 * archive in the "newc" format that Linux unpacks into its root filesystem,
 * holding /dev, /dev/console (so that init's stdin, stdout and stderr are the
 * console), one executable, /init, and any other files given as
 * NAME=HOSTFILE (at the root, mode 0755).
 * usage: mkinitramfs OUT.cpio PROGRAM [NAME=HOSTFILE]...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static FILE *out;
static unsigned long offset, ino = 1;

static void put(const void *p, size_t n)
{
	if (fwrite(p, 1, n, out) != n) {
		perror("mkinitramfs: write");
		exit(1);
	}
	offset += n;
}

/* Header and name, then the data, each padded to a multiple of four bytes. */
static void entry(const char *name, unsigned mode, unsigned rdev_major, unsigned rdev_minor,
		  const void *data, unsigned long size)
{
	static const char zeros[4];
	char hdr[111];
	unsigned long namesize = strlen(name) + 1;

	/* magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
	 * rdevmajor, rdevminor, namesize, check: 13 fields of eight hex digits. */
	snprintf(hdr, sizeof hdr, "070701%08lX%08X%08X%08X%08X%08X%08lX%08X%08X%08X%08X%08lX%08X",
		 ino++, mode, 0, 0, mode & S_IFDIR ? 2 : 1, 0, size, 0, 0, rdev_major, rdev_minor,
		 namesize, 0);
	put(hdr, 110);
	put(name, namesize);
	put(zeros, -offset & 3);
	if (size) {
		put(data, size);
		put(zeros, -offset & 3);
	}
}

static void *slurp(const char *path, unsigned long *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	unsigned long cap = 0, n = 0;
	size_t got;

	if (!f) {
		fprintf(stderr, "mkinitramfs: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	do {
		if (n == cap && !(buf = realloc(buf, cap = cap ? 2 * cap : 1 << 16))) {
			fputs("mkinitramfs: out of memory\n", stderr);
			exit(1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		fprintf(stderr, "mkinitramfs: %s: read error\n", path);
		exit(1);
	}
	fclose(f);
	*size = n;
	return buf;
}

int main(int argc, char **argv)
{
	unsigned long size;

	if (argc < 3) {
		fputs("usage: mkinitramfs OUT.cpio PROGRAM [NAME=HOSTFILE]...\n", stderr);
		return 2;
	}
	void *program = slurp(argv[2], &size);
	if (!(out = fopen(argv[1], "wb"))) {
		fprintf(stderr, "mkinitramfs: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	entry("dev", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry("dev/console", S_IFCHR | 0600, 5, 1, NULL, 0);
	entry("init", S_IFREG | 0755, 0, 0, program, size);
	for (int i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *slash = strchr(argv[i], '/');
		if (!eq || eq == argv[i] || (slash && slash < eq)) {
			fprintf(stderr, "mkinitramfs: want NAME=HOSTFILE, got %s\n", argv[i]);
			return 2;
		}
		*eq = 0;
		unsigned long n;
		void *data = slurp(eq + 1, &n);
		entry(argv[i], S_IFREG | 0755, 0, 0, data, n);
		free(data);
	}
	entry("TRAILER!!!", 0, 0, 0, NULL, 0);
	put((char[512]){0}, -offset & 511);
	if (fclose(out)) {
		perror("mkinitramfs: close");
		return 1;
	}
	return 0;
}
