/* Finding the repository root from the CLI binary's own location. */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char *cli_root(void)
{
	static char root[PATH_MAX];

	if (root[0])
		return root;
	ssize_t n = readlink("/proc/self/exe", root, sizeof root - 1);
	if (n <= 0) {
		strcpy(root, ".");
		return root;
	}
	root[n] = 0;
	for (int up = 0; up < 2; up++) { /* ROOT/build/bareflow-cli -> ROOT */
		char *slash = strrchr(root, '/');
		if (slash && slash != root)
			*slash = 0;
	}
	return root;
}
