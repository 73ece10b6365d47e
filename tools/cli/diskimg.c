/* `bareflow disk create IMG SIZE`: a new FAT32 disk image, made by Debian's
 * mkfs.fat, for run --disk. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define MIN_MIB 33 /* FAT32 needs 65525 clusters: of 512 bytes, about 33 MiB */

const char disk_usage[] =
    "usage: bareflow disk create [--force] IMG SIZE\n"
    "\n"
    "Make IMG a new FAT32 disk image of SIZE bytes (64M, 1G, ...: whole MiB, at\n"
    "least 33M) with Debian's mkfs.fat -F 32, for 'run --disk IMG'. The file\n"
    "is sparse: it takes only what is written. An existing IMG is refused unless\n"
    "--force, which replaces it.\n"
    "Exit status: 0 made; 1 IMG exists, or mkfs.fat failed (its messages shown);\n"
    "2 usage error (a bad or too small SIZE); 127 mkfs.fat is not installed\n"
    "(Debian's dosfstools).\n";

static int disk_error(const char *fmt, const char *a, const char *b)
{
	fputs("bareflow disk: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return 1;
}

static int disk_create(int argc, char **argv)
{
	bool force = false;
	const char *img = NULL, *size = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--force"))
			force = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return fputs(disk_usage, stdout), 0;
		else if (argv[i][0] == '-' && argv[i][1])
			return disk_error("unknown option '%s'%s", argv[i], ""), CLI_EXIT_USAGE;
		else if (!img)
			img = argv[i];
		else if (!size)
			size = argv[i];
		else
			return disk_error("too many arguments ('%s'%s)", argv[i], ""), CLI_EXIT_USAGE;
	}
	if (!img || !size) {
		fputs(disk_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	unsigned long long mib;
	if (cli_parse_size(size, &mib))
		return disk_error("bad SIZE '%s'%s: use whole MiB such as 64M or 1G", size, ""),
		       CLI_EXIT_USAGE;
	if (mib < MIN_MIB)
		return disk_error("SIZE %s is too small for FAT32%s: use at least 33M", size, ""),
		       CLI_EXIT_USAGE;
	struct stat st;
	if (lstat(img, &st) == 0) {
		if (!force)
			return disk_error("%s exists%s (use --force to replace it)", img, "");
		if (!S_ISREG(st.st_mode))
			return disk_error("%s is not a regular file%s: not replaced", img, "");
		if (unlink(img))
			return disk_error("cannot replace %s: %s", img, strerror(errno));
	}
	return cli_disk_make(img, mib);
}

int cli_disk_make(const char *img, unsigned long long mib)
{
	char kib[32];
	snprintf(kib, sizeof kib, "%llu", mib * 1024);
	char *mkfs[] = {"mkfs.fat", "-F", "32", "-C", (char *)img, kib, NULL};
	int out = open("/dev/null", O_WRONLY), ws = 0;
	enum spawn_result r = cli_spawn(mkfs, out, -1, 0, &ws);
	if (out >= 0)
		close(out);
	if (r == SPAWN_FAILED) {
		disk_error("cannot run mkfs.fat: %s%s (install Debian's dosfstools)", strerror(errno),
			   "");
		return 127;
	}
	if (r != SPAWN_EXITED || !WIFEXITED(ws) || WEXITSTATUS(ws)) {
		unlink(img);
		return disk_error("mkfs.fat failed to make %s%s", img, "");
	}
	return 0;
}

int cli_disk_command(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "create"))
		return disk_create(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")))
		return fputs(disk_usage, stdout), 0;
	fputs(disk_usage, stderr);
	return CLI_EXIT_USAGE;
}
