/* Kernel command line lookup: space-separated words, "key" or "key=value". */
#include "kernel.h"
#include "kstring.h"

bool cmdline_get(const char *key, char *val, size_t size)
{
	const char *p = boot_info.cmdline;
	size_t klen = strlen(key);
	bool found = false;

	while (*p) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		size_t wlen = (size_t)(p - w);
		if (wlen < klen || strncmp(w, key, klen) || (wlen > klen && w[klen] != '='))
			continue;
		size_t vlen = wlen > klen ? wlen - klen - 1 : 0;
		if (val && size) {
			if (vlen >= size)
				vlen = size - 1;
			memcpy(val, w + klen + (wlen > klen), vlen);
			val[vlen] = 0;
		}
		found = true; /* keep looking: a later word overrides an earlier one */
	}
	return found;
}
