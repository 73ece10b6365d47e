/* FAT names and time stamps: UTF-8 to and from the UTF-16 of long names,
 * the 8.3 alias of a long name (with a numeric tail), the long-name
 * checksum, and FAT's local date and time (taken as UTC). */
#include "fat_internal.h"
#include "kerrno.h"
#include "kstring.h"

uint8_t fat_sfn_checksum(const uint8_t sfn[11])
{
	uint8_t sum = 0;
	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + sfn[i]);
	return sum;
}

uint16_t fat_upcase(uint16_t c) { return c >= 'a' && c <= 'z' ? (uint16_t)(c - 32) : c; }

/* Characters a long name may not hold (besides controls). */
static bool lfn_forbidden(uint32_t c)
{
	return c < 0x20 || c == '"' || c == '*' || c == '/' || c == ':' || c == '<' || c == '>' ||
	       c == '?' || c == '\\' || c == '|' || c == 0x7F;
}

int fat_utf8_to_utf16(const char *s, size_t len, uint16_t *out)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + len;
	int n = 0;
	if (!len || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
		return -EINVAL;
	if (s[len - 1] == '.' || s[len - 1] == ' ')
		return -EINVAL; /* FAT drops trailing dots and spaces: the name would change */
	while (p < end) {
		uint32_t c = *p++, more = 0;
		if (c >= 0xF0 && c < 0xF5)
			c &= 7, more = 3;
		else if (c >= 0xE0)
			c &= 0xF, more = 2;
		else if (c >= 0xC2 && c < 0xE0)
			c &= 0x1F, more = 1;
		else if (c >= 0x80)
			return -EINVAL;
		if ((size_t)(end - p) < more)
			return -EINVAL;
		for (uint32_t i = 0; i < more; i++) {
			if ((*p & 0xC0) != 0x80)
				return -EINVAL;
			c = c << 6 | (*p++ & 0x3F);
		}
		if ((more == 2 && c < 0x800) || (more == 3 && (c < 0x10000 || c > 0x10FFFF)) ||
		    (c >= 0xD800 && c < 0xE000) || lfn_forbidden(c))
			return -EINVAL;
		if (n + (c >= 0x10000 ? 2 : 1) > FAT_NAME_MAX)
			return -ENAMETOOLONG;
		if (c >= 0x10000) {
			c -= 0x10000;
			out[n++] = (uint16_t)(0xD800 | c >> 10);
			out[n++] = (uint16_t)(0xDC00 | (c & 0x3FF));
		} else {
			out[n++] = (uint16_t)c;
		}
	}
	return n;
}

void fat_utf16_to_utf8(const uint16_t *u, int n, char *out)
{
	char *o = out;
	for (int i = 0; i < n; i++) {
		uint32_t c = u[i];
		if (c >= 0xD800 && c < 0xDC00 && i + 1 < n && u[i + 1] >= 0xDC00 && u[i + 1] < 0xE000)
			c = 0x10000 + ((c - 0xD800) << 10) + (u[++i] - 0xDC00u);
		else if (c >= 0xD800 && c < 0xE000)
			c = 0xFFFD; /* a lone surrogate */
		if (c < 0x80) {
			*o++ = (char)c;
		} else if (c < 0x800) {
			*o++ = (char)(0xC0 | c >> 6);
			*o++ = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			*o++ = (char)(0xE0 | c >> 12);
			*o++ = (char)(0x80 | (c >> 6 & 0x3F));
			*o++ = (char)(0x80 | (c & 0x3F));
		} else {
			*o++ = (char)(0xF0 | c >> 18);
			*o++ = (char)(0x80 | (c >> 12 & 0x3F));
			*o++ = (char)(0x80 | (c >> 6 & 0x3F));
			*o++ = (char)(0x80 | (c & 0x3F));
		}
	}
	*o = 0;
}

void fat_sfn_to_utf8(const uint8_t *e, char *out)
{
	char *o = out;
	for (int i = 0; i < 11; i++) {
		if (i == 8) {
			if (e[8] == ' ')
				break;
			*o++ = '.';
		}
		uint8_t c = e[i];
		if (c == ' ')
			continue;
		if (i == 0 && c == 0x05)
			c = 0xE5; /* a name starting with 0xE5 is stored as 0x05 */
		if (c >= 0x80 || c < 0x20 || c == '/')
			c = '_'; /* an OEM code page character: no UTF-8 meaning known */
		else if (c >= 'A' && c <= 'Z' && (e[12] & (i < 8 ? 0x08 : 0x10)))
			c = (uint8_t)(c + 32);
		*o++ = (char)c;
	}
	*o = 0;
}

/* A character allowed in an 8.3 name (after upper-casing). */
static bool sfn_char(uint16_t c)
{
	if (c <= 0x20 || c >= 0x7F)
		return false;
	if (c >= 'a' && c <= 'z')
		return false;
	for (const char *bad = "\"*+,./:;<=>?[\\]|"; *bad; bad++)
		if (c == (uint16_t)*bad)
			return false;
	return true;
}

bool fat_plain_sfn(const uint16_t *u, int n, uint8_t sfn[11])
{
	int dot = -1;
	for (int i = 0; i < n; i++)
		if (u[i] == '.') {
			if (dot >= 0)
				return false;
			dot = i;
		} else if (!sfn_char(u[i])) {
			return false;
		}
	int base = dot < 0 ? n : dot, ext = dot < 0 ? 0 : n - dot - 1;
	if (base < 1 || base > 8 || ext > 3 || (dot >= 0 && ext == 0))
		return false;
	memset(sfn, ' ', 11);
	for (int i = 0; i < base; i++)
		sfn[i] = (uint8_t)u[i];
	for (int i = 0; i < ext; i++)
		sfn[8 + i] = (uint8_t)u[dot + 1 + i];
	return sfn[0] != 0xE5;
}

/* Append the 8.3 form of u[from, to) to out (at most max characters). */
static int sfn_part(const uint16_t *u, int from, int to, uint8_t *out, int max)
{
	int k = 0;
	for (int i = from; i < to && k < max; i++) {
		uint16_t c = fat_upcase(u[i]);
		if (c == ' ' || c == '.')
			continue;
		out[k++] = sfn_char(c) ? (uint8_t)c : '_';
	}
	return k;
}

void fat_sfn_alias(const uint16_t *u, int n, unsigned k, uint8_t sfn[11])
{
	int dot = -1;
	for (int i = n - 1; i > 0 && dot < 0; i--)
		if (u[i] == '.')
			dot = i;
	memset(sfn, ' ', 11);
	int blen = sfn_part(u, 0, dot < 0 ? n : dot, sfn, 8);
	if (dot >= 0)
		sfn_part(u, dot + 1, n, sfn + 8, 3);
	if (blen == 0)
		sfn[0] = '_', blen = 1;
	char tail[12];
	int tl = 0;
	if (k > 4) { /* many alike: two letters, a hash of the name, "~1" */
		uint32_t h = 2166136261u;
		for (int i = 0; i < n; i++)
			h = (h ^ u[i]) * 16777619u;
		h = (h ^ k) * 16777619u;
		if (blen > 2)
			blen = 2;
		for (int i = 0; i < 4; i++)
			sfn[blen++] = (uint8_t)"0123456789ABCDEF"[(h >> (12 - 4 * i)) & 0xF];
		k = 1;
	}
	for (unsigned x = k; x; x /= 10)
		tail[tl++] = (char)('0' + x % 10);
	tail[tl++] = '~';
	if (blen > 8 - tl)
		blen = 8 - tl;
	for (int i = 0; i < tl; i++)
		sfn[blen + i] = (uint8_t)tail[tl - 1 - i];
	for (int i = blen + tl; i < 8; i++)
		sfn[i] = ' ';
	if (sfn[0] == 0xE5)
		sfn[0] = 0x05;
}

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int64_t fat_time_to_unix(uint16_t date, uint16_t time)
{
	unsigned m = date >> 5 & 15, d = date & 31;
	if (m < 1 || m > 12)
		m = 1;
	if (d < 1)
		d = 1;
	int64_t days = days_from_civil(1980 + (date >> 9), m, d);
	return days * 86400 + (time >> 11) * 3600 + (time >> 5 & 63) * 60 + (time & 31) * 2;
}

void fat_time_from_unix(int64_t sec, uint16_t *date, uint16_t *time)
{
	const int64_t lo = 315532800; /* 1980-01-01 */
	const int64_t hi = 4354819198; /* 2107-12-31 23:59:58 */
	if (sec < lo)
		sec = lo;
	if (sec > hi)
		sec = hi;
	int64_t y;
	unsigned m, d;
	civil_from_days(sec / 86400, &y, &m, &d);
	int64_t s = sec % 86400;
	*date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
	*time = (uint16_t)((s / 3600) << 11 | (s / 60 % 60) << 5 | (s % 60) / 2);
}
