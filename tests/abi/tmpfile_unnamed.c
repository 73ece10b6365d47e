/* open with O_TMPFILE was taken as a directory open (EISDIR): a regular
 * file with no name, written and read, that linkat can name (not with
 * O_EXCL), glibc's tmpfile(), and Linux's checks of the flags. Compared
 * with Linux (/tmp is a filesystem with O_TMPFILE on both). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "result_name.h"

int main(void)
{
	int fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	printf("O_TMPFILE %s\n", res(fd));
	write(fd, "data", 4);
	struct stat st;
	fstat(fd, &st);
	printf("links %lu, size %lld, regular %d, mode %o\n", (unsigned long)st.st_nlink,
	       (long long)st.st_size, S_ISREG(st.st_mode), st.st_mode & 0777);
	unlink("/tmp/tmpfile_named");
	printf("linkat it %s\n",
	       res(linkat(fd, "", AT_FDCWD, "/tmp/tmpfile_named", AT_EMPTY_PATH)));
	fstat(fd, &st);
	printf("links %lu\n", (unsigned long)st.st_nlink);
	char buf[8] = {0};
	int named = open("/tmp/tmpfile_named", O_RDONLY);
	read(named, buf, 4);
	printf("the name reads \"%s\"\n", buf);
	close(named);
	printf("linkat again %s\n",
	       res(linkat(fd, "", AT_FDCWD, "/tmp/tmpfile_named2", AT_EMPTY_PATH)));
	unlink("/tmp/tmpfile_named");
	unlink("/tmp/tmpfile_named2");
	close(fd);
	int x = open("/tmp", O_TMPFILE | O_RDWR | O_EXCL, 0600);
	printf("O_EXCL: linkat %s\n",
	       res(linkat(x, "", AT_FDCWD, "/tmp/tmpfile_named", AT_EMPTY_PATH)));
	close(x);
	printf("read-only %s\n", res(open("/tmp", O_TMPFILE | O_RDONLY, 0600)));
	printf("without O_DIRECTORY %s\n", res(open("/tmp", 020000000 | O_RDWR, 0600)));
	printf("with O_CREAT %s\n", res(open("/tmp", O_TMPFILE | O_RDWR | O_CREAT, 0600)));
	printf("on a file %s\n", res(open("/etc/passwd", O_TMPFILE | O_RDWR, 0600)));
	printf("no such directory %s\n", res(open("/tmp/no/such", O_TMPFILE | O_RDWR, 0600)));
	FILE *t = tmpfile();
	printf("tmpfile() %d", t != NULL);
	fputs("x", t);
	fflush(t);
	printf(", %ld byte\n", ftell(t));
	return 0;
}
