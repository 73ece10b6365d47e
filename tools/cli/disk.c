/* --disk and --disk-ro: raw images attached as virtio-blk devices, and the
 * command-line words that tell the kernel where to mount them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

const char *cli_disk_parse(const char *val, bool read_only, struct disk_spec *d)
{
	const char *colon = strchr(val, ':');
	size_t image_len = colon ? (size_t)(colon - val) : strlen(val);

	*d = (struct disk_spec){.read_only = read_only};
	if (!image_len || (colon && !colon[1]))
		return "wants IMG or IMG:GUEST_DIR";
	if (colon && colon[1] != '/')
		return "GUEST_DIR must be an absolute path";
	if (colon && strpbrk(colon + 1, " \t\n\"\\:"))
		return "GUEST_DIR cannot hold spaces, quotes, backslashes or ':'";
	d->image = strndup(val, image_len);
	if (colon)
		d->guest = cli_abspath(colon + 1);
	if (!d->image || (colon && !d->guest))
		return "out of memory";
	if (d->guest && !strcmp(d->guest, "/"))
		return "GUEST_DIR cannot be / (the root filesystem)";
	if (d->guest && strlen(d->guest) > CONTRACT_DISK_DIR_MAX)
		return "GUEST_DIR is longer than " CONTRACT_STR(CONTRACT_DISK_DIR_MAX) " bytes";
	return NULL;
}

static bool guest_taken(const struct disk_spec *d, int n, const char *dir)
{
	for (int i = 0; i < n; i++)
		if (d[i].guest && !strcmp(d[i].guest, dir))
			return true;
	return false;
}

/* 0, or 127/126 after saying why the image cannot be attached. */
static int check_image(const struct disk_spec *d)
{
	const char *opt = d->read_only ? "--disk-ro" : "--disk";
	struct stat st;

	if (stat(d->image, &st) != 0) {
		int err = errno;
		cli_error("%s %s: %s", opt, d->image, strerror(err));
		return err == ENOENT ? 127 : 126;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		cli_error("%s %s: %s", opt, d->image,
			  S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file or block device");
		return 126;
	}
	if (access(d->image, R_OK) != 0) {
		cli_error("%s %s: %s", opt, d->image, strerror(errno));
		return 126;
	}
	if (!d->read_only && access(d->image, W_OK) != 0) {
		cli_error("%s %s: cannot be written (%s); --disk-ro attaches it read-only", opt,
			  d->image, strerror(errno));
		return 126;
	}
	return 0;
}

/* QEMU's option syntax doubles a comma inside a value. */
static char *qemu_escape(const char *s)
{
	char *out = malloc(2 * strlen(s) + 1), *p = out;
	if (!out)
		return NULL;
	for (; *s; s++) {
		*p++ = *s;
		if (*s == ',')
			*p++ = ',';
	}
	*p = 0;
	return out;
}

int cli_disk_check(struct disk_spec *d, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (d[i].guest && d[j].guest && !strcmp(d[i].guest, d[j].guest)) {
				cli_error("two disks at %s", d[i].guest);
				return CLI_EXIT_USAGE;
			}
	for (int i = 0; i < n; i++) {
		char dir[32] = "/disk";
		for (int k = 1; !d[i].guest && guest_taken(d, n, dir); k++)
			snprintf(dir, sizeof dir, "/disk%d", k);
		if (!d[i].guest && !(d[i].guest = strdup(dir)))
			return CLI_EXIT_FAILURE;
	}
	for (int i = 0; i < n; i++) {
		int r = check_image(&d[i]);
		if (r)
			return r;
		/* cache=writeback: QEMU writes into the host's page cache as the
		 * guest writes (what QEMU wrote survives QEMU being killed), and
		 * a guest flush becomes an fdatasync of the image. */
		char *file = qemu_escape(d[i].image);
		if (!file || asprintf(&d[i].drive,
				      "file=%s,if=none,id=disk%d,format=raw,cache=writeback,aio=threads%s",
				      file, i, d[i].read_only ? ",readonly=on" : "") < 0 ||
		    asprintf(&d[i].device, "virtio-blk-pci,drive=disk%d,serial=" CONTRACT_DISK_SERIAL "%d",
			     i, i) < 0)
			return CLI_EXIT_FAILURE;
		free(file);
	}
	return 0;
}

void cli_disk_free(struct disk_spec *d)
{
	free(d->image);
	free(d->guest);
	free(d->drive);
	free(d->device);
	*d = (struct disk_spec){0};
}

int cli_disk_words(const struct disk_spec *d, int n, char *buf, size_t size)
{
	size_t used = 0;

	for (int i = 0; i < n; i++) {
		int w = snprintf(buf + used, size - used, "%s" CONTRACT_DISK_WORD "%d=%s:%s",
				 i ? " " : "", i, d[i].guest,
				 d[i].read_only ? CONTRACT_DISK_RO : CONTRACT_DISK_RW);
		if (w < 0 || (size_t)w >= size - used)
			return -1;
		used += (size_t)w;
	}
	if (!n && size)
		buf[0] = 0;
	return 0;
}
