/*
 * The guest's /etc: a minimal passwd and group naming root (the program's
 * user) and nobody, so that getpwuid, getgrgid, `id` and `ls -l` find names
 * as on a Linux system. A --file at the same path replaces them (the boot
 * archive is unpacked afterwards).
 */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
static const char group[] = "root:x:0:\n"
			    "nogroup:x:65534:\n";

/* A read-only file in dir holding the bytes of text (borrowed: they are
 * copied on the first write). */
static int add_file(struct inode *dir, const char *name, const char *text)
{
	struct inode *ip = inode_new(S_IFREG | 0644);
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
	struct inode *etc;
	int err = path_mkdirs("/etc", &etc);
	if (!err)
		err = add_file(etc, "passwd", passwd);
	if (!err)
		err = add_file(etc, "group", group);
	return err;
}
