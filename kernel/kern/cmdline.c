/* Kernel command line lookup: space-separated words, "key" or "key=value". */
#include "kernel.h"
#include "kerrno.h"
#include "kstring.h"
#include "panic.h"
#include "printf.h"

/* The next space-separated word at *p (advanced past it), its length in
 * *len; NULL at the end of the line. Spaces inside double quotes belong to
 * the word. */
static const char *next_token(const char **p, size_t *len)
{
	bool quoted = false;

	while (**p == ' ')
		(*p)++;
	const char *w = *p;
	for (; **p && (quoted || **p != ' '); (*p)++) {
		if (**p == '"')
			quoted = !quoted;
		else if (**p == '\\' && (*p)[1])
			(*p)++;
	}
	*len = (size_t)(*p - w);
	return *len ? w : NULL;
}

static size_t next_word(const char **p, char *out);

static bool is_separator(const char *w, size_t len) { return len == 2 && w[0] == '-' && w[1] == '-'; }

bool cmdline_get(const char *key, char *val, size_t size)
{
	const char *p = boot_info.cmdline, *w;
	size_t klen = strlen(key), wlen;
	bool found = false;

	while ((w = next_token(&p, &wlen))) {
		if (is_separator(w, wlen))
			break; /* the rest belongs to the program */
		/* Match the key on the word without its quotes and escapes. */
		static char word[BOOT_CMDLINE_MAX];
		const char *q = w;
		size_t n = next_word(&q, word);
		if (n < klen || strncmp(word, key, klen) || (n > klen && word[klen] != '='))
			continue;
		if (val && size) { /* too long a value is cut */
			size_t vlen = n > klen ? n - klen - 1 : 0;
			if (vlen >= size)
				vlen = size - 1;
			memcpy(val, word + klen + (n > klen), vlen);
			val[vlen] = 0;
		}
		found = true; /* keep looking: a later word overrides an earlier one */
	}
	return found;
}

/* Copy one word starting at *p into out, removing double quotes and
 * backslash escapes (inside quotes or not, as GRUB writes them); advances
 * *p. Returns the word's length. */
static size_t next_word(const char **p, char *out)
{
	size_t n = 0;
	bool quoted = false;

	while (**p == ' ')
		(*p)++;
	for (; **p && (quoted || **p != ' '); (*p)++) {
		if (**p == '"') {
			quoted = !quoted;
		} else if (**p == '\\' && (*p)[1]) {
			out[n++] = *++(*p);
		} else {
			out[n++] = **p;
		}
	}
	out[n] = 0;
	return n;
}

/* The part of the command line after the word "--", or NULL. */
static const char *after_separator(void)
{
	const char *p = boot_info.cmdline, *w;
	size_t len;

	while ((w = next_token(&p, &len)))
		if (is_separator(w, len))
			return p;
	return NULL;
}

int cmdline_archive_args(const char *data, size_t size, char **vec, size_t max, int *envc)
{
	size_t strings = 0;
	if (!size || data[size - 1])
		return -EINVAL;
	for (size_t i = 0; i < size; i++)
		strings += !data[i];
	if (strings < 4 || max < strings + 2)
		return -EINVAL;
	long argc = 0;
	const char *p = data;
	p += strlen(p) + 1; /* the working directory and */
	p += strlen(p) + 1; /* the program, which the caller takes */
	strings -= 2;
	for (; *p >= '0' && *p <= '9' && argc <= 1000000; p++)
		argc = argc * 10 + (*p - '0');
	if (*p || argc < 1 || (size_t)argc > strings - 1)
		return -EINVAL;
	p++;
	size_t n = 0;
	for (long i = 0; i < argc; i++, p += strlen(p) + 1)
		vec[n++] = (char *)p;
	vec[n++] = NULL;
	*envc = 0;
	for (; p < data + size; p += strlen(p) + 1, ++*envc)
		vec[n++] = (char *)p;
	vec[n] = NULL;
	return (int)argc;
}

int cmdline_disk(unsigned n, char *dir, size_t size, bool *read_only)
{
	char key[16], val[CONTRACT_DISK_DIR_MAX + 8];

	ksnprintf(key, sizeof key, CONTRACT_DISK_WORD "%u", n);
	if (!cmdline_get(key, val, sizeof val))
		return -ENOENT;
	size_t len = strlen(val);
	if (len < 5 || val[0] != '/' || val[len - 3] != ':' || len - 3 > CONTRACT_DISK_DIR_MAX ||
	    len - 3 >= size)
		return -EINVAL;
	const char *mode = val + len - 2;
	if (strcmp(mode, CONTRACT_DISK_RW) && strcmp(mode, CONTRACT_DISK_RO))
		return -EINVAL;
	for (size_t i = 0; i < len - 3; i++)
		if (val[i] == ' ' || val[i] == '"' || val[i] == '\\' || val[i] == ':')
			return -EINVAL;
	memcpy(dir, val, len - 3);
	dir[len - 3] = 0;
	*read_only = !strcmp(mode, CONTRACT_DISK_RO);
	return 0;
}

int cmdline_program_args(char *buf, size_t size, char **vec, int max, int *envc)
{
	const char *p = after_separator();
	int n = 0, argc = -1;

	KASSERT(size >= sizeof boot_info.cmdline); /* no word is longer than the line */
	*envc = 0;
	while (p && *p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (n + 2 >= max)
			return -E2BIG;
		if (argc < 0 && p[0] == '-' && p[1] == '-' && (p[2] == ' ' || !p[2])) {
			argc = n; /* an unquoted "--": the environment follows */
			vec[n++] = NULL;
			p += 2;
			continue;
		}
		vec[n++] = buf;
		buf += next_word(&p, buf) + 1;
	}
	if (argc < 0) {
		argc = n;
		vec[n++] = NULL;
	}
	vec[n] = NULL;
	*envc = n - argc - 1;
	return argc;
}
