/* Path lookup errors: a missing file or directory gives ENOENT, a file used
 * as a directory ENOTDIR, over-long names ENAMETOOLONG, and directories
 * where files are expected EISDIR, for every call that takes a path. */
#include "edge.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char dir[] = "/tmp/bfedgeXXXXXX";
static char file[64], missing[64], missing_dir[64], under_file[64], file_slash[64];

/* expect_path_error: each path-taking call on path fails with want. */
static void expect_path_error(const char *label, const char *path, int want)
{
	char name[96], buf[64];
	struct stat st;
#define PATHCALL(call, what)                                                                       \
	(snprintf(name, sizeof name, "%s/%s", what, label), EXPECT_ERRNO(name, call, want))
	PATHCALL(syscall(SYS_open, path, O_RDONLY), "open");
	PATHCALL(syscall(SYS_openat, AT_FDCWD, path, O_RDONLY), "openat");
	PATHCALL(syscall(SYS_stat, path, &st), "stat");
	PATHCALL(syscall(SYS_lstat, path, &st), "lstat");
	PATHCALL(syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0), "newfstatat");
	PATHCALL(syscall(SYS_access, path, F_OK), "access");
	PATHCALL(syscall(SYS_faccessat, AT_FDCWD, path, R_OK), "faccessat");
	PATHCALL(syscall(SYS_readlink, path, buf, sizeof buf), "readlink");
	PATHCALL(syscall(SYS_chdir, path), "chdir");
	PATHCALL(syscall(SYS_unlink, path), "unlink");
	PATHCALL(syscall(SYS_rmdir, path), "rmdir");
	PATHCALL(syscall(SYS_truncate, path, 0), "truncate");
	PATHCALL(syscall(SYS_rename, path, missing), "rename-from");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		printf("FAIL setup: mkdtemp: %s\n", edge_errname(errno));
		edge_failed++;
	}
	snprintf(file, sizeof file, "%s/file", dir);
	snprintf(missing, sizeof missing, "%s/missing", dir);
	snprintf(missing_dir, sizeof missing_dir, "%s/nodir/x", dir);
	snprintf(under_file, sizeof under_file, "%s/file/x", dir);
	snprintf(file_slash, sizeof file_slash, "%s/file/", dir);
	int fd = open(file, O_CREAT | O_WRONLY, 0600);
	if (fd < 0) {
		printf("FAIL setup: create %s: %s\n", file, edge_errname(errno));
		edge_failed++;
	}
	close(fd);

	expect_path_error("missing", missing, ENOENT);
	expect_path_error("missing-parent", missing_dir, ENOENT);
	expect_path_error("empty", "", ENOENT);
	expect_path_error("under-a-file", under_file, ENOTDIR);
	expect_path_error("file-with-slash", file_slash, ENOTDIR);
	char longname[NAME_MAX + 64], longpath[PATH_MAX + 64];
	size_t prefix = (size_t)snprintf(longname, sizeof longname, "%s/", dir);
	memset(longname + prefix, 'n', NAME_MAX + 1); /* one byte past the limit */
	longname[prefix + NAME_MAX + 1] = 0;
	expect_path_error("name-too-long", longname, ENAMETOOLONG);
	memset(longpath, 0, sizeof longpath);
	for (size_t i = 0; i + 2 < sizeof longpath; i += 2)
		memcpy(longpath + i, "./", 2); /* PATH_MAX+ bytes, every part short */
	expect_path_error("path-too-long", longpath, ENAMETOOLONG);

	/* Creating calls. */
	EXPECT_ERRNO("mkdir in a missing directory", syscall(SYS_mkdir, missing_dir, 0700), ENOENT);
	EXPECT_ERRNO("mkdir under a file", syscall(SYS_mkdir, under_file, 0700), ENOTDIR);
	EXPECT_ERRNO("mkdir an existing file", syscall(SYS_mkdir, file, 0700), EEXIST);
	EXPECT_ERRNO("mkdir /", syscall(SYS_mkdir, "/", 0700), EEXIST);
	EXPECT_ERRNO("creat in a missing directory",
		     syscall(SYS_open, missing_dir, O_CREAT | O_WRONLY, 0600), ENOENT);
	EXPECT_ERRNO("creat under a file", syscall(SYS_open, under_file, O_CREAT | O_WRONLY, 0600),
		     ENOTDIR);
	EXPECT_ERRNO("rename onto a missing directory", syscall(SYS_rename, file, missing_dir),
		     ENOENT);
	EXPECT_ERRNO("rename under a file", syscall(SYS_rename, file, under_file), ENOTDIR);

	/* Directories where files are wanted, and the reverse. */
	EXPECT_ERRNO("open a directory for writing", syscall(SYS_open, dir, O_WRONLY), EISDIR);
	EXPECT_ERRNO("creat over a directory", syscall(SYS_open, dir, O_CREAT | O_WRONLY, 0600),
		     EISDIR);
	EXPECT_ERRNO("truncate a directory", syscall(SYS_truncate, dir, 0), EISDIR);
	EXPECT_ERRNO("unlink a directory", syscall(SYS_unlink, dir), EISDIR);
	EXPECT_ERRNO("rmdir a file", syscall(SYS_rmdir, file), ENOTDIR);
	EXPECT_ERRNO("chdir into a file", syscall(SYS_chdir, file), ENOTDIR);
	EXPECT_ERRNO("O_DIRECTORY on a file", syscall(SYS_open, file, O_RDONLY | O_DIRECTORY),
		     ENOTDIR);
	EXPECT_ERRNO("rmdir /", syscall(SYS_rmdir, "/"), EBUSY);
	EXPECT_ERRNO("readlink a directory", syscall(SYS_readlink, dir, longname, 10), EINVAL);
	EXPECT_ERRNO("readlink with size 0", syscall(SYS_readlink, "/proc/self/exe", longname, 0),
		     EINVAL);
	edge_check("root exists", syscall(SYS_access, "/", F_OK) == 0, "%s", edge_errname(errno));
	edge_check("/.. is /", syscall(SYS_access, "/../../tmp", F_OK) == 0, "%s",
		   edge_errname(errno));

	unlink(file);
	edge_check("cleanup", rmdir(dir) == 0, "rmdir: %s", edge_errname(errno));
	edge_exit();
}
