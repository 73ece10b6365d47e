/*
 * /init of the Linux VM for bench/disk_fat.sh: load the modules given as
 * arguments' files (/NAME.ko, in order: Debian's kernel has virtio-blk and
 * vfat as modules), mount the virtio disk /dev/vda (vfat) at /disk, and run
 * /busybox dd with the arguments after "+" there; then sync and unmount,
 * so that what it wrote is on the image when the machine powers off
 * (bench/poweroff.c). Prints "dd-ok" when all went well.
 * usage (kernel command line): ... -- MODULE... + DD-ARGS...
 * with ':' for '=' in DD-ARGS (Linux gives init a NAME=VALUE word as an
 * environment variable, not an argument, and ends its arguments at a second
 * "--"): if:/dev/zero bs:1M.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what)
{
	printf("disk_vm: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	int i = 1;
	char path[256];

	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) && errno != EBUSY)
		return fail("mount /dev");
	for (; i < argc && strcmp(argv[i], "+"); i++) {
		snprintf(path, sizeof path, "/%s.ko", argv[i]);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST))
			return fail(path);
		close(fd);
	}
	struct stat st;
	for (int tries = 0; stat("/dev/vda", &st); tries++) { /* the driver probes async */
		if (tries == 500)
			return fail("/dev/vda");
		usleep(10000);
	}
	mkdir("/disk", 0755);
	if (mount("/dev/vda", "/disk", "vfat", 0, ""))
		return fail("mount /dev/vda");
	if (chdir("/disk"))
		return fail("chdir /disk");
	for (int k = i + 1; k < argc; k++) {
		char *colon = strchr(argv[k], ':');
		if (colon)
			*colon = '=';
	}
	pid_t pid = fork();
	if (pid == 0) {
		argv[i] = "/busybox";
		execv("/busybox", argv + i);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	sync();
	if (chdir("/") || umount("/disk"))
		return fail("umount /disk");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("disk_vm: dd failed\n");
		return 1;
	}
	printf("dd-ok\n");
	return 0;
}
