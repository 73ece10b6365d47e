/* Durability on a disk: writes $FATDIR/synced.txt and fsyncs it, writes
 * $FATDIR/unsynced.txt without, then ends as $DURABILITY says: "segv"
 * (a NULL write) or "spin" (until the host's --timeout ends the machine).
 * tests/boot/disk_fat.sh checks the synced data on the image afterwards.
 * Without FATDIR (abi_differential.sh) it only says so. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	const char *dir = getenv("FATDIR"), *how = getenv("DURABILITY");
	char path[512], text[4096];
	if (!dir || !how) {
		printf("FATDIR and DURABILITY not set: nothing to do\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = (char)('a' + i % 26);
	snprintf(path, sizeof path, "%s/synced.txt", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (int i = 0; i < 100; i++) /* 400 KiB: more than one cluster chain step */
		if (write(fd, text, sizeof text) != (ssize_t)sizeof text)
			return 1;
	if (fsync(fd))
		return 2;
	close(fd);
	snprintf(path, sizeof path, "%s/unsynced.txt", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, "maybe", 5);
	printf("synced\n");
	fflush(stdout);
	if (!strcmp(how, "spin"))
		for (;;)
			;
	*(volatile int *)0 = 1;
	return 3;
}
