/* Absolute paths made lexically, the way the guest will see host paths, and
 * checks that a host file can be read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Append the components of path to out (which holds an absolute path with
 * no trailing slash, "" for the root), resolving "." and ".." by text. */
static void append_components(char *out, const char *path)
{
	size_t n = strlen(out);

	while (*path) {
		size_t len = strcspn(path, "/");
		if (len == 1 && path[0] == '.') {
			/* "." names the directory itself */
		} else if (len == 2 && path[0] == '.' && path[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the slash before the dropped component; never above "/" */
		} else if (len) {
			out[n++] = '/';
			memcpy(out + n, path, len);
			n += len;
		}
		out[n] = 0;
		path += len + (path[len] == '/');
	}
}

char *cli_abspath(const char *path)
{
	char *cwd = NULL;

	if (!*path) {
		errno = ENOENT;
		return NULL;
	}
	if (path[0] != '/' && !(cwd = getcwd(NULL, 0)))
		return NULL;
	/* The result is never longer than cwd + "/" + path, nor shorter than "/". */
	char *out = malloc((cwd ? strlen(cwd) : 0) + strlen(path) + 3);
	if (out) {
		out[0] = 0;
		if (cwd)
			append_components(out, cwd);
		append_components(out, path);
		if (!out[0])
			strcpy(out, "/");
	}
	free(cwd);
	return out;
}

int cli_check_readable(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		int err = errno;
		cli_error("%s: %s", path, strerror(err));
		return err == ENOENT ? 127 : 126;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_error("%s: %s", path,
			  S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file");
		return 126;
	}
	if (access(path, R_OK) != 0) {
		cli_error("%s: %s", path, strerror(errno));
		return 126;
	}
	return 0;
}

int cli_cwd(char **cwd)
{
	*cwd = getcwd(NULL, 0);
	if (*cwd)
		return 0;
	if (errno == ENOENT) {
		cli_error("the current directory has been deleted, and the program would start "
			  "there: cd to one that exists");
		return 127;
	}
	cli_error("cannot find the current directory: %s", strerror(errno));
	return 126;
}

int cli_mkdirs(const char *dir)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s", dir) >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = path + 1;; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;
		*p = 0;
		if (mkdir(path, 0700) && errno != EEXIST)
			return -1;
		if (!c)
			return 0;
		*p = c;
	}
}
