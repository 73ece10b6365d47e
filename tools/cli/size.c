/* Memory sizes as users write them: 512M, 2G, 64G, 1024K. */
#include <stdlib.h>

#include "cli.h"

#define MAX_KIB (1ull << 50) /* 1 EiB: far above any limit, far below overflow */

int cli_parse_size(const char *text, unsigned long long *mib)
{
	unsigned long long v, kib_per_unit;
	char *end;

	if (!text || text[0] < '0' || text[0] > '9')
		return -1;
	v = strtoull(text, &end, 10);
	switch (*end) {
	case 'k':
	case 'K':
		kib_per_unit = 1;
		break;
	case '\0':
	case 'm':
	case 'M':
		kib_per_unit = 1024;
		break;
	case 'g':
	case 'G':
		kib_per_unit = 1024ull * 1024;
		break;
	case 't':
	case 'T':
		kib_per_unit = 1024ull * 1024 * 1024;
		break;
	default:
		return -1;
	}
	if (*end && end[1])
		return -1;
	if (v == 0 || v > MAX_KIB / kib_per_unit || v * kib_per_unit % 1024)
		return -1;
	*mib = v * kib_per_unit / 1024;
	return 0;
}
