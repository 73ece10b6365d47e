/* --sample: the kernel's samples (from the log) symbolized against the
 * program's ELF, merged into folded stacks, written as text (--sample-out),
 * a flame graph (--flamegraph) or a short table on stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../kernel/include/contract.h"
#include "../../kernel/include/elf.h"
#include "cli.h"

struct fsym {
	unsigned long long start, size;
	const char *name;
};

struct symtab {
	char *file;
	struct fsym *s;
	size_t n;
};

static int by_start(const void *a, const void *b)
{
	const struct fsym *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* The function symbols of the ELF at path, at the address the kernel loads
 * them (a static-pie's at ELF_PIE_BASE), sorted. Empty if it has none. */
static void load_symbols(const char *path, struct symtab *t)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	memset(t, 0, sizeof *t);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(struct elf64_ehdr) ||
	    !(t->file = malloc((size_t)st.st_size)) ||
	    read(fd, t->file, (size_t)st.st_size) != st.st_size) {
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	size_t size = (size_t)st.st_size;
	struct elf64_ehdr h;
	memcpy(&h, t->file, sizeof h);
	unsigned long long bias = h.type == 3 /* ET_DYN */ ? ELF_PIE_BASE : 0;
	struct shdr {
		unsigned name, type;
		unsigned long long flags, addr, offset, size;
		unsigned link, info;
		unsigned long long addralign, entsize;
	} sh, str;
	struct sym {
		unsigned name;
		unsigned char info, other;
		unsigned short shndx;
		unsigned long long value, size;
	} sy;
	for (unsigned i = 0; i < h.shnum; i++) {
		unsigned long long at = h.shoff + (unsigned long long)i * sizeof sh;
		if (h.shentsize != sizeof sh || h.shoff > size || at > size - sizeof sh)
			return;
		memcpy(&sh, t->file + at, sizeof sh);
		/* each bound by subtraction: a hostile offset must not wrap */
		if (sh.type != 2 /* SHT_SYMTAB */ || sh.entsize != sizeof sy || sh.offset > size ||
		    sh.size > size - sh.offset || sh.link >= h.shnum ||
		    (sh.link + 1ull) * sizeof str > size - h.shoff)
			continue;
		memcpy(&str, t->file + h.shoff + sh.link * sizeof str, sizeof str);
		if (str.offset > size || str.size > size - str.offset || !(t->s = calloc(sh.size / sizeof sy + 1, sizeof *t->s)))
			return;
		for (unsigned long long o = 0; o + sizeof sy <= sh.size; o += sizeof sy) {
			memcpy(&sy, t->file + sh.offset + o, sizeof sy);
			if ((sy.info & 15) != 2 /* STT_FUNC */ || !sy.shndx || sy.name >= str.size ||
			    !memchr(t->file + str.offset + sy.name, 0, str.size - sy.name))
				continue;
			t->s[t->n++] = (struct fsym){sy.value + bias, sy.size,
						     t->file + str.offset + sy.name};
		}
		qsort(t->s, t->n, sizeof *t->s, by_start);
		return;
	}
}

/* The function holding addr, or NULL. */
static const char *symbolize(const struct symtab *t, unsigned long long addr)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) { /* the first symbol starting after addr */
		size_t mid = (lo + hi) / 2;
		if (t->s[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0 && t->s[i].start + (1ull << 20) > addr;)
		if (addr < t->s[i].start + (t->s[i].size ? t->s[i].size : 1))
			return t->s[i].name;
	return NULL;
}

/* Stacks in frame order: ';' sorts below every character of a name, so a
 * stack sits next to the ones it is a prefix of ("a;b", "a;b;c", then
 * "a;b c"), and a flame graph draws each frame once. */
static int by_stack(const void *a, const void *b)
{
	const unsigned char *x = (const unsigned char *)((const struct cli_folded *)a)->stack;
	const unsigned char *y = (const unsigned char *)((const struct cli_folded *)b)->stack;
	for (;; x++, y++) {
		int cx = *x == ';' ? 1 : *x, cy = *y == ';' ? 1 : *y;
		if (cx != cy || !cx)
			return cx - cy;
	}
}

/* The functions with the most samples of their own (the leaf frames), on
 * stderr. */
static void table(const struct cli_folded *f, size_t n, unsigned long long total, int hz)
{
	struct cli_folded *self = calloc(n ? n : 1, sizeof *self);
	size_t m = 0;
	if (!self)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *leaf = strrchr(f[i].stack, ';');
		leaf = leaf ? leaf + 1 : f[i].stack;
		size_t k = 0;
		while (k < m && strcmp(self[k].stack, leaf))
			k++;
		if (k == m)
			self[m++].stack = (char *)leaf;
		self[k].count += f[i].count;
	}
	fprintf(stderr, "bareflow: %llu samples at %d Hz; the functions they were in:\n", total,
		hz);
	for (int shown = 0; shown < 15; shown++) {
		size_t best = m;
		for (size_t k = 0; k < m; k++)
			if (self[k].count && (best == m || self[k].count > self[best].count))
				best = k;
		if (best == m)
			break;
		fprintf(stderr, "  %6.2f%%  %8llu  %s\n", 100.0 * (double)self[best].count / (double)total,
			self[best].count, self[best].stack);
		self[best].count = 0;
	}
	free(self);
}

/* One "bfsample COUNT FRAME;FRAME..." line's stack, named: into out. */
static void name_stack(const struct symtab *t, char *frames, char *out, size_t len)
{
	size_t n = 0;
	out[0] = 0;
	for (char *f = strtok(frames, ";\n"); f; f = strtok(NULL, ";\n")) {
		char hex[32];
		const char *name = f;
		if (strlen(f) < 2) /* not a tagged frame: shown as it came */
			goto add;
		name = f + 2;
		if (!strncmp(f, "k:", 2)) {
			n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s[kernel] %s",
					      n ? ";" : "", name);
			continue;
		}
		if (!strncmp(f, "u:", 2)) {
			name = symbolize(t, strtoull(f + 2, NULL, 16));
			if (!name) {
				snprintf(hex, sizeof hex, "[unknown 0x%s]", f + 2);
				name = hex;
			}
		}
	add:
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? ";" : "", name);
	}
	if (n >= len)
		out[len - 1] = 0;
}

int cli_sample_report(const struct boot_options *opt, int log_fd)
{
	struct stat st;
	if (fstat(log_fd, &st) < 0)
		return CLI_EXIT_FAILURE;
	char *log = malloc((size_t)st.st_size + 1);
	if (!log || pread(log_fd, log, (size_t)st.st_size, 0) != st.st_size) {
		free(log);
		cli_error("--sample: cannot read the kernel's samples");
		return CLI_EXIT_FAILURE;
	}
	log[st.st_size] = 0;
	struct symtab t;
	load_symbols(opt->program_path, &t);
	size_t n = 0, cap = 64;
	struct cli_folded *f = malloc(cap * sizeof *f);
	unsigned long long total = 0, dropped = 0;
	bool ended = false;
	static char named[1 << 16];
	for (char *line = log, *end; f && *line; line = end + !!*end) {
		end = line + strcspn(line, "\n");
		char saved = *end;
		*end = 0;
		size_t end_len = strlen(CONTRACT_SAMPLE_END), line_len = strlen(CONTRACT_SAMPLE_LINE);
		if (!strncmp(line, CONTRACT_SAMPLE_END, end_len)) {
			ended = sscanf(line + end_len, "%llu %llu", &total, &dropped) == 2;
		} else if (!strncmp(line, CONTRACT_SAMPLE_LINE, line_len)) {
			char *rest;
			unsigned long long c = strtoull(line + line_len, &rest, 10);
			if (*rest != ' ') { /* a torn line (the log was cut): skipped */
				*end = saved;
				continue;
			}
			name_stack(&t, rest + 1, named, sizeof named);
			if (n == cap && !(f = realloc(f, (cap *= 2) * sizeof *f)))
				break;
			if (!(f[n].stack = strdup(named)))
				break;
			f[n++].count = c;
		}
		*end = saved;
	}
	free(log);
	int r = 0;
	if (!f || !ended) {
		cli_error("--sample: %s", f ? "the kernel wrote no samples (did the program run?)"
					  : "out of memory");
		r = CLI_EXIT_FAILURE;
		goto out;
	}
	qsort(f, n, sizeof *f, by_stack);
	size_t m = 0; /* stacks that differed only in addresses within functions */
	for (size_t i = 0; i < n; i++) {
		if (m && !strcmp(f[m - 1].stack, f[i].stack)) {
			f[m - 1].count += f[i].count;
			free(f[i].stack);
		} else {
			f[m++] = f[i];
		}
	}
	n = m;
	if (opt->sample_out) {
		FILE *o = fopen(opt->sample_out, "w");
		for (size_t i = 0; o && i < n; i++)
			fprintf(o, "%s %llu\n", f[i].stack, f[i].count);
		if (!o || fclose(o)) {
			cli_error("--sample-out %s: %s", opt->sample_out, strerror(errno));
			r = CLI_EXIT_FAILURE;
		}
	}
	if (opt->flamegraph && cli_flamegraph(opt->flamegraph, f, n, opt->program))
		r = CLI_EXIT_FAILURE;
	if (dropped)
		cli_error("--sample: %llu of %llu samples dropped (more distinct stacks than "
			  "the kernel keeps)",
			  dropped, total);
	if (!opt->sample_out && !opt->flamegraph && !opt->quiet)
		table(f, n, total, opt->sample_hz);
out:
	for (size_t i = 0; f && i < n; i++)
		free(f[i].stack);
	free(f);
	free(t.s);
	free(t.file);
	return r;
}
