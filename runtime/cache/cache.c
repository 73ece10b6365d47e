/*
 * The code cache (cache.h). A file is
 *
 *   "BFCODE\0\n", u32 format, u32 0, u64 body length, u64 body checksum
 *   body: strings runtime build, LLVM version, CPU, CPU features, program
 *         hash and shape, policy; u32 next version serial; u8 prefer generic;
 *         f64 compiles seen and f64 their log ratio (the cost model);
 *         u32 objects, each u64 size and the bytes; u32 first and u32
 *         number of tier 0's objects among them;
 *         u32 functions, each: string symbol, the profile snapshot, the
 *         slot's request, entry symbol and object, u8 fallback and, if 1,
 *         its request, entry symbol and object; u32 OSR entries, each:
 *         string symbol, u32 loop header, u32 tier (1 or 2), string entry
 *         symbol, u32 object.
 *
 * little-endian, strings as u32 length and bytes. The checksum is FNV-1a
 * (64 bits) of the body. Everything read is bounds-checked, and each
 * record must ask for what this program's JIT could have made (sane); a
 * file that does not parse or pass is reported and ignored, never trusted
 * in part. Code that still does not link is taken out again (jit_rollback)
 * and its file removed.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "cache.h"

#define MAGIC "BFCODE\0\n"
#define FORMAT 7
#define MAX_FILE (1ull << 30) /* larger is not ours */
#define SUFFIX ".bfc"
#define TMP_PREFIX ".bfc." /* a file being written, renamed when whole */
#define HEADER 32
#define KEYS 6

/* One function as stored. */
struct record {
	long fn;
	struct prof_snapshot s;
	struct jit_request r, fr;
	char entry[600], fentry[600];
	uint32_t obj, fobj;
	bool fallback;
};

static struct {
	struct jit *jit;
	char dir[4096], path[4200];
	char key[KEYS][512]; /* build, llvm, cpu, features, program, policy */
	bool on, verbose;
	/* the file read by cache_open, checked, with the objects found */
	unsigned char *data;
	uint32_t serial, nobjs, tier0_first, tier0_n, nrec;
	bool generic;
	double cost[2]; /* the cost model: compiles seen, their log ratio */
	const unsigned char **obj;
	uint64_t *objsize;
	struct record *rec;
	struct osr_record {
		long fn;
		uint32_t loop, tier, obj;
		char entry[600];
	} * osr;
	uint32_t nosr;
} C;

static void read_cache(void);

static const char *const key_names[KEYS] = {"runtime build", "LLVM version", "CPU",
					    "CPU features",  "program",	     "policy"};

static uint64_t fnv(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t k = 0; k < n; k++)
		h = (h ^ b[k]) * 0x100000001b3ull;
	return h;
}

static void warn_at(const char *what, const char *path, const char *fmt, const char *a,
		    const char *b)
{
	fprintf(stderr, "bareflow-rt: %s %s: ", what, path);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
}

static void warn(const char *fmt, const char *a, const char *b)
{
	warn_at("code cache", C.path, fmt, a, b);
}

/* This binary's GNU build ID, in hex, from its program headers (loaded in
 * memory: PT_NOTE); "unknown" if it has none. */
static void build_id(char *out, size_t len)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	size_t n = getauxval(AT_PHNUM);
	uintptr_t bias = 0;
	snprintf(out, len, "unknown");
	if (!ph)
		return;
	for (size_t i = 0; i < n; i++)
		if (ph[i].p_type == PT_PHDR)
			bias = (uintptr_t)ph - ph[i].p_vaddr;
	for (size_t i = 0; i < n; i++) {
		if (ph[i].p_type != PT_NOTE)
			continue;
		const unsigned char *p = (const unsigned char *)(bias + ph[i].p_vaddr);
		const unsigned char *end = p + ph[i].p_memsz;
		while (p + sizeof(Elf64_Nhdr) <= end) {
			const Elf64_Nhdr *nh = (const Elf64_Nhdr *)p;
			const unsigned char *name = p + sizeof *nh;
			const unsigned char *desc = name + ((nh->n_namesz + 3) & ~3u);
			if (desc + nh->n_descsz > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    !memcmp(name, "GNU", 4)) {
				size_t o = 0;
				for (size_t k = 0; k < nh->n_descsz && o + 3 <= len; k++)
					o += (size_t)snprintf(out + o, len - o, "%02x", desc[k]);
				return;
			}
			p = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
}

static bool default_dir(char *out, size_t len)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (x && *x == '/')
		return (size_t)snprintf(out, len, "%s/bareflow", x) < len;
	if (home && *home)
		return (size_t)snprintf(out, len, "%s/.cache/bareflow", home) < len;
	return false;
}

/* The cache's directory, the keys but the program's shape (C.key[4]) and
 * its file's path: false if there is no directory to keep it in. */
static bool place(struct jit *j, const char *dir, const struct prof_policy *policy)
{
	const char *cpu = getenv("BAREFLOW_RT_TEST_CPU"); /* tests: a foreign CPU */
	if (dir)
		snprintf(C.dir, sizeof C.dir, "%s", dir);
	else if (!default_dir(C.dir, sizeof C.dir))
		return false; /* no home: nowhere to keep it */
	build_id(C.key[0], sizeof C.key[0]);
	snprintf(C.key[1], sizeof C.key[1], "%s", jit_llvm_version());
	snprintf(C.key[2], sizeof C.key[2], "%s", cpu && *cpu ? cpu : jit_cpu_name(j));
	snprintf(C.key[3], sizeof C.key[3], "%s", jit_cpu_features(j));
	if (policy->fixed)
		snprintf(C.key[5], sizeof C.key[5], "fixed %llu,%llu,%llu,%llu",
			 (unsigned long long)policy->calls1, (unsigned long long)policy->loops1,
			 (unsigned long long)policy->calls2, (unsigned long long)policy->loops2);
	else
		snprintf(C.key[5], sizeof C.key[5], "adaptive");
	/* a file per program and policy: runs under other thresholds are not
	 * a mismatch to warn about, only another program's code to keep */
	char tag[sizeof C.key[5]];
	snprintf(tag, sizeof tag, "%s", C.key[5]);
	for (char *t = tag; *t; t++)
		if (*t == ' ' || *t == ',')
			*t = '-';
	/* and per build, LLVM and CPU (a hash of them), so that machines or
	 * builds sharing a home directory do not evict each other's */
	char keys[4 * sizeof C.key[0]];
	snprintf(keys, sizeof keys, "%s\n%s\n%s\n%s", C.key[0], C.key[1], C.key[2], C.key[3]);
	snprintf(C.path, sizeof C.path, "%s/%s-%s-%08llx" SUFFIX, C.dir, jit_input_hash(j), tag,
		 (unsigned long long)(fnv(keys, strlen(keys)) & 0xffffffffu));
	return true;
}

void cache_open(struct jit *j, const char *dir, const struct prof_policy *policy, bool verbose)
{
	C.jit = j;
	C.verbose = verbose;
	if (!place(j, dir, policy))
		return;
	/* the bitcode, and the functions as prepared (by the guest itself, or
	 * on the host when the tier-0 file carried the program: the records
	 * name functions by number) */
	snprintf(C.key[4], sizeof C.key[4], "%s %016llx", jit_input_hash(j),
		 (unsigned long long)jit_program_shape(j));
	C.on = true;
	jit_keep_objects(j);
	read_cache();
}

bool cache_file_exists(struct jit *j, const char *dir, const struct prof_policy *policy)
{
	struct stat st;
	return place(j, dir, policy) && !stat(C.path, &st);
}

const char *cache_path(void)
{
	return C.on ? C.path : "";
}

/* ---- writing ---- */


static void put_request(struct bytes *b, const struct jit_request *r)
{
	bytes_u8(b, (uint8_t)r->tier);
	bytes_u8(b, (uint8_t)(r->profiled | r->counted << 1 | r->generic_cpu << 2));
	bytes_u8(b, (uint8_t)r->nspec);
	for (unsigned k = 0; k < r->nspec; k++) {
		bytes_u8(b, (uint8_t)r->spec_arg[k]);
		bytes_u64(b, (uint64_t)r->spec_value[k]);
	}
}

/* The version of function i whose code is at code, or NULL. */
static const struct prof_version *version_at(const struct prof_fn *f, const void *code)
{
	for (unsigned k = f->nversions; k-- > 0;)
		if (f->versions[k].code == code && !f->versions[k].osr)
			return &f->versions[k];
	return NULL;
}

/* What function i has that is worth keeping: its slot's version, kept by
 * the JIT, and a generic fallback if its guard has one. */
struct kept {
	struct jit_request r, fr;
	const char *entry, *fentry;
	unsigned obj, fobj;
	bool fallback;
};

static bool keepable(uint32_t i, struct kept *k)
{
	const struct prof_fn *f = &prof_fns[i];
	const void *obj;
	size_t size;
	const struct prof_version *v = version_at(f, f->code);
	if (!f->fn->managed || !v ||
	    !jit_version_object(C.jit, f->code, &obj, &size, &k->obj, &k->entry))
		return false;
	prof_version_request(i, v, &k->r);
	k->fallback = false;
	const struct prof_version *fv = v->nspec ? version_at(f, f->fallback) : NULL;
	if (fv && jit_version_object(C.jit, f->fallback, &obj, &size, &k->fobj, &k->fentry)) {
		prof_version_request(i, fv, &k->fr);
		k->fallback = true;
	}
	return true;
}

/* Write head and b's body to a new file made from the template tmp
 * (mkostemp's, beside path) with mode (0: mkostemp's own, 0600, and no
 * chmod, which a FAT disk need not support), synced to the disk if sync, and
 * rename it over path: a reader sees the old file or the new, whole, and
 * whatever fails, path is as it was. 0, or the errno of what failed. */
static int replace_file(char *tmp, const char *path, const unsigned char *head,
			const struct bytes *b, mode_t mode, bool sync)
{
	int fd = mkostemp(tmp, O_CLOEXEC), e = errno;
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (fd >= 0 && !f)
		e = errno;
	bool ok = f && (!mode || fchmod(fd, mode) == 0) && fwrite(head, 1, HEADER, f) == HEADER &&
		  fwrite(b->p, 1, b->n, f) == b->n && (!sync || (fflush(f) == 0 && fsync(fd) == 0));
	if (f && !ok)
		e = errno;
	if (f && fclose(f) && ok)
		ok = false, e = errno;
	else if (!f && fd >= 0)
		close(fd);
	if (ok && rename(tmp, path))
		ok = false, e = errno;
	if (!ok && fd >= 0)
		unlink(tmp);
	return ok ? 0 : e ? e : EIO;
}

/* The header of a file whose body is b. */
static void make_header(unsigned char head[HEADER], const char *magic, uint32_t format,
			const struct bytes *b)
{
	uint32_t zero = 0;
	uint64_t len = b->n, sum = fnv(b->p, b->n);
	memcpy(head, magic, 8);
	memcpy(head + 8, &format, 4);
	memcpy(head + 12, &zero, 4);
	memcpy(head + 16, &len, 8);
	memcpy(head + 24, &sum, 8);
}

void cache_save(void)
{
	struct bytes b = {0};
	uint32_t nfns = 0, nobjs = 0, nkept = 0;
	struct kept k;
	const void *bytes;
	size_t size;

	if (!C.on)
		return;
	while (jit_kept_object(C.jit, nkept, &bytes, &size))
		nkept++;
	/* the objects the versions in use are in, numbered anew in order */
	uint32_t *renum = calloc(nkept ? nkept : 1, sizeof *renum);
	if (!renum)
		return;
	for (uint32_t i = 1; i < prof_nfns; i++)
		if (keepable(i, &k)) {
			nfns++;
			renum[k.obj] = 1;
			if (k.fallback)
				renum[k.fobj] = 1;
		}
	unsigned t0, t0n;
	if (!jit_tier0_objects(C.jit, &t0, &t0n)) {
		free(renum); /* tier 0 came from elsewhere: nothing to store */
		return;
	}
	for (unsigned o = t0; o < t0 + t0n; o++)
		renum[o] = 1;
	uint32_t nosr = 0;
	for (uint32_t i = 1; i < prof_nfns; i++)
		for (unsigned v = 0; v < prof_fns[i].nversions; v++) {
			const char *entry;
			unsigned id;
			const struct prof_version *pv = &prof_fns[i].versions[v];
			if (pv->osr &&
			    jit_version_object(C.jit, pv->code, &bytes, &size, &id, &entry))
				renum[id] = 1, nosr++;
		}
	for (uint32_t o = 0; o < nkept; o++)
		renum[o] = renum[o] ? ++nobjs : 0; /* 1-based; 0: unused */
	for (int n = 0; n < KEYS; n++)
		bytes_str(&b, C.key[n]);
	bytes_u32(&b, jit_next_serial(C.jit));
	bytes_u8(&b, prof_prefers_generic());
	double cost_n, cost_log;
	prof_cost_model(&cost_n, &cost_log);
	bytes_put(&b, &cost_n, 8);
	bytes_put(&b, &cost_log, 8);
	bytes_u32(&b, nobjs);
	for (uint32_t o = 0; o < nkept; o++)
		if (renum[o] && jit_kept_object(C.jit, o, &bytes, &size)) {
			bytes_u64(&b, size);
			bytes_put(&b, bytes, size);
		}
	bytes_u32(&b, renum[t0] - 1);
	bytes_u32(&b, t0n);
	bytes_u32(&b, nfns);
	for (uint32_t i = 1; i < prof_nfns; i++) {
		struct prof_snapshot s;
		if (!keepable(i, &k))
			continue;
		prof_snapshot(i, &s);
		bytes_str(&b, jit_fn_symbol(C.jit, i - 1));
		bytes_u64(&b, s.calls);
		bytes_u64(&b, s.cycles);
		bytes_u64(&b, s.loops);
		bytes_u64(&b, s.guard_misses);
		bytes_u64(&b, s.spec_calls);
		bytes_u64(&b, s.miss_trigger);
		bytes_u64(&b, s.tier0_cpc);
		bytes_u64(&b, s.tier0_icpc);
		for (unsigned a = 0; a < PROF_MAX_ARGS; a++) {
			bytes_u64(&b, (uint64_t)s.args[a].value);
			bytes_u64(&b, s.args[a].same);
			bytes_u64(&b, s.args[a].other);
		}
		bytes_u8(&b, s.experiment_done);
		bytes_u8(&b, s.own_choice);
		put_request(&b, &k.r);
		bytes_str(&b, k.entry);
		bytes_u32(&b, renum[k.obj] - 1);
		bytes_u8(&b, k.fallback);
		if (k.fallback) {
			put_request(&b, &k.fr);
			bytes_str(&b, k.fentry);
			bytes_u32(&b, renum[k.fobj] - 1);
		}
	}
	/* OSR code: it enters tier 0's frames, which are the same in a run
	 * whose tier 0 comes from this file */
	bytes_u32(&b, nosr);
	for (uint32_t i = 1; i < prof_nfns; i++)
		for (unsigned v = 0; v < prof_fns[i].nversions; v++) {
			const char *entry;
			unsigned id;
			const struct prof_version *pv = &prof_fns[i].versions[v];
			if (!pv->osr ||
			    !jit_version_object(C.jit, pv->code, &bytes, &size, &id, &entry))
				continue;
			bytes_str(&b, jit_fn_symbol(C.jit, i - 1));
			bytes_u32(&b, pv->loop);
			bytes_u32(&b, (uint32_t)pv->tier);
			bytes_str(&b, entry);
			bytes_u32(&b, renum[id] - 1);
		}
	free(renum);
	if (b.failed) {
		warn("%s%s", "out of memory: not stored", "");
		free(b.p);
		return;
	}
	unsigned char head[HEADER];
	make_header(head, MAGIC, FORMAT, &b);

	/* mkdir -p, then a file of our own, renamed over the old one: a run
	 * reading it at the same time sees the old file or the new, whole */
	char tmp[4300];
	for (char *s = C.dir + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(C.dir, 0700);
		*s = '/';
	}
	mkdir(C.dir, 0700); /* the code in it is run: the user's alone */
	snprintf(tmp, sizeof tmp, "%s/" TMP_PREFIX "XXXXXX", C.dir);
	int e = replace_file(tmp, C.path, head, &b, 0, true);
	if (e) {
		warn("%s: %s", "cannot store the code", strerror(e));
	} else if (C.verbose) {
		fprintf(stderr, "bareflow-rt: code cache %s: stored %u functions (%zu bytes)\n",
			C.path, nfns, b.n + HEADER);
	}
	free(b.p);
}

/* ---- reading ---- */

/* A string into out (NUL-ended); too long for out is bad. */
static void get_str(struct reader *r, char *out, size_t len)
{
	uint32_t n = read_u32(r);
	const char *p = n < len ? read_take(r, n) : (r->bad = true, NULL);
	if (!p) {
		out[0] = 0;
		return;
	}
	memcpy(out, p, n);
	out[n] = 0;
}

static void get_request(struct reader *r, uint32_t fn, struct jit_request *q)
{
	memset(q, 0, sizeof *q);
	q->fn = fn;
	q->tier = read_u8(r);
	uint8_t flags = read_u8(r);
	q->profiled = flags & 1, q->counted = flags >> 1 & 1, q->generic_cpu = flags >> 2 & 1;
	q->nspec = read_u8(r);
	if (q->tier < 1 || q->tier > 2 || q->nspec > PROF_MAX_ARGS || flags > 7) {
		r->bad = true;
		return;
	}
	for (unsigned k = 0; k < q->nspec; k++) {
		q->spec_arg[k] = read_u8(r);
		q->spec_value[k] = (int64_t)read_u64(r);
		if (q->spec_arg[k] >= PROF_MAX_ARGS)
			r->bad = true;
	}
}

/* Read the whole file at path (what it is: for warnings); NULL (and a
 * warning, unless there is none) if it cannot be. The cache's own (own) is
 * code that will run, kept where others might write: a regular file of
 * this user's that nobody else may write. */
static unsigned char *read_file(const char *what, const char *path, bool own, size_t *size)
{
	int fd = open(path, O_RDONLY | (own ? O_NOFOLLOW : 0) | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		if (errno != ENOENT || !own)
			warn_at(what, path, "%s: %s", "cannot read it", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_FILE ||
	    (own && (st.st_uid != geteuid() || (st.st_mode & 022)))) {
		warn_at(what, path, "%s%s",
			own ? "not a regular file of this user's that only it may write: ignored"
			    : "not a regular file of a sane size: ignored",
			"");
		close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		warn_at(what, path, "%s: %s", "cannot read it", strerror(errno));
		close(fd);
		return NULL;
	}
	unsigned char *data = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			unsigned char *q = realloc(data, cap = cap ? 2 * cap : 1 << 16);
			if (!q)
				break;
			data = q;
		}
		size_t got = fread(data + n, 1, cap - n, f);
		n += got;
		if (!got)
			break;
	}
	bool err = ferror(f);
	fclose(f);
	if (err || !data) {
		warn_at(what, path, "%s%s", "cannot read it", "");
		free(data);
		return NULL;
	}
	*size = n;
	return data;
}

/* Check the header and the keys (n of them, named names) of the file
 * (what, at path) in data; the body's reader, or false with a warning. */
static bool check_file(const char *what, const char *path, const char *not_one,
		       const unsigned char *data, size_t size, const char *magic,
		       uint32_t want_format, const char (*keys)[512], const char *const *names, int n,
		       struct reader *r)
{
	uint32_t format;
	uint64_t len, sum;
	if (size < HEADER || memcmp(data, magic, 8)) {
		warn_at(what, path, "%s%s", not_one, "");
		return false;
	}
	memcpy(&format, data + 8, 4);
	memcpy(&len, data + 16, 8);
	memcpy(&sum, data + 24, 8);
	if (format != want_format) {
		warn_at(what, path, "%s%s", "written by another version of bareflow: ignored", "");
		return false;
	}
	if (len != size - HEADER) {
		warn_at(what, path, "%s%s", "truncated or overlong: ignored", "");
		return false;
	}
	if (fnv(data + HEADER, len) != sum) {
		warn_at(what, path, "%s%s", "damaged (its checksum does not match): ignored", "");
		return false;
	}
	r->p = data + HEADER, r->end = data + size, r->bad = false;
	for (int k = 0; k < n; k++) {
		char v[512];
		get_str(r, v, sizeof v);
		if (r->bad)
			break;
		if (strcmp(v, keys[k])) {
			char why[200];
			snprintf(why, sizeof why, "made for another %s (%.60s%s)", names[k], v,
				 strlen(v) > 60 ? "..." : "");
			warn_at(what, path, "%s: %s", why, "ignored");
			return false;
		}
	}
	if (r->bad)
		warn_at(what, path, "%s%s", "malformed: ignored", "");
	return !r->bad;
}

static bool check(const unsigned char *data, size_t size, struct reader *r)
{
	return check_file("code cache", C.path, "not a code cache file: ignored", data, size, MAGIC,
			  FORMAT,
			  (const char(*)[512])C.key, key_names, KEYS, r);
}

static void get_record(struct reader *r, struct record *x)
{
	char sym[600];
	get_str(r, sym, sizeof sym);
	x->fn = jit_fn_by_symbol(C.jit, sym);
	if (x->fn < 0)
		r->bad = true; /* the program is the same: every name is known */
	uint32_t fn = x->fn < 0 ? 0 : (uint32_t)x->fn;
	x->s.calls = read_u64(r);
	x->s.cycles = read_u64(r);
	x->s.loops = read_u64(r);
	x->s.guard_misses = read_u64(r);
	x->s.spec_calls = read_u64(r);
	x->s.miss_trigger = read_u64(r);
	x->s.tier0_cpc = read_u64(r);
	x->s.tier0_icpc = read_u64(r);
	for (unsigned a = 0; a < PROF_MAX_ARGS; a++) {
		x->s.args[a].value = (int64_t)read_u64(r);
		x->s.args[a].same = read_u64(r);
		x->s.args[a].other = read_u64(r);
	}
	x->s.experiment_done = read_u8(r);
	x->s.own_choice = read_u8(r);
	get_request(r, fn, &x->r);
	get_str(r, x->entry, sizeof x->entry);
	x->obj = read_u32(r);
	x->fallback = read_u8(r);
	if (x->fallback) {
		get_request(r, fn, &x->fr);
		get_str(r, x->fentry, sizeof x->fentry);
		x->fobj = read_u32(r);
	}
}

/* Whether name is "<sym><kind><N>" with N a version number below serial:
 * the entry the JIT names a version's (tiers.c, name_version). */
static bool entry_named(const char *name, const char *sym, const char *kind, uint32_t serial)
{
	size_t ls = strlen(sym), lk = strlen(kind);
	if (strncmp(name, sym, ls) || strncmp(name + ls, kind, lk))
		return false;
	const char *d = name + ls + lk;
	unsigned long long v = 0;
	if (*d < '0' || *d > '9')
		return false;
	for (; *d >= '0' && *d <= '9' && v < serial; d++)
		v = v * 10 + (unsigned)(*d - '0');
	return !*d && v < serial;
}

/* Whether record x asks for what this program's JIT could have made: a
 * managed function's tier-1 or tier-2 version, specialized only on
 * arguments it profiles, each once, under the name such a
 * version gets, a fallback only behind a guard and itself no guard. A
 * file can pass its checksum and still be wrong (written by hand, or by
 * a bug); its code is not run then. */
static bool sane(const struct record *x, uint32_t serial)
{
	char kind[16];
	if (x->fn < 0 || !prof_fns[x->fn + 1].fn->managed)
		return false;
	const struct jit_fn *d = prof_fns[x->fn + 1].fn;
	const char *sym = jit_fn_symbol(C.jit, (unsigned)x->fn);
	const struct jit_request *r = &x->r;
	if (r->nspec && r->tier != 2)
		return false;
	for (unsigned k = 0; k < r->nspec; k++) {
		unsigned a = r->spec_arg[k];
		if (a >= d->nparams || a >= JIT_MAX_ARGS || d->arg_kind[a] == JIT_ARG_OTHER)
			return false;
		for (unsigned m = 0; m < k; m++)
			if (r->spec_arg[m] == a)
				return false;
	}
	snprintf(kind, sizeof kind, r->nspec ? ".bf2g.v" : ".bf%d.v", r->tier);
	if (!entry_named(x->entry, sym, kind, serial))
		return false;
	if (!x->fallback)
		return true;
	snprintf(kind, sizeof kind, ".bf%d.v", x->fr.tier);
	return r->nspec && !x->fr.nspec && entry_named(x->fentry, sym, kind, serial);
}

/* Forget the file read. */
static void discard(void)
{
	free(C.data);
	free(C.obj);
	free(C.objsize);
	free(C.rec);
	free(C.osr);
	C.data = NULL, C.obj = NULL, C.objsize = NULL, C.rec = NULL, C.osr = NULL;
	C.nosr = 0;
}

/* Read and check the file (a warning if it is there but unusable): its
 * objects and records in C. */
static void read_cache(void)
{
	size_t size;
	struct reader r;

	if (!(C.data = read_file("code cache", C.path, true, &size)))
		return;
	if (!check(C.data, size, &r))
		goto bad;
	C.serial = read_u32(&r);
	C.generic = read_u8(&r);
	const void *cost = read_take(&r, 16);
	if (cost)
		memcpy(C.cost, cost, 16);
	C.nobjs = read_u32(&r);
	if (C.nobjs > size) /* each takes 8 bytes at least */
		r.bad = true;
	C.obj = calloc(C.nobjs + 1, sizeof *C.obj);
	C.objsize = calloc(C.nobjs + 1, sizeof *C.objsize);
	if (!C.obj || !C.objsize)
		r.bad = true;
	for (uint32_t o = 0; o < C.nobjs && !r.bad; o++) {
		C.objsize[o] = read_u64(&r);
		C.obj[o] = read_take(&r, C.objsize[o]);
	}
	C.tier0_first = read_u32(&r);
	C.tier0_n = read_u32(&r);
	if (!C.tier0_n || C.tier0_first > C.nobjs || C.tier0_n > C.nobjs - C.tier0_first)
		r.bad = true;
	C.nrec = read_u32(&r);
	if (!r.bad && C.nrec <= prof_nfns)
		C.rec = calloc(C.nrec + 1, sizeof *C.rec);
	if (!C.rec)
		r.bad = true;
	bool *seen = calloc(prof_nfns + 1, sizeof *seen);
	if (!seen)
		r.bad = true;
	for (uint32_t k = 0; k < C.nrec && !r.bad; k++) {
		struct record *x = &C.rec[k];
		get_record(&r, x);
		if (r.bad)
			break;
		if (x->obj >= C.nobjs || (x->fallback && x->fobj >= C.nobjs) ||
		    !sane(x, C.serial) || seen[x->fn]) {
			free(seen);
			warn("%s%s", "holds code this program's JIT could not have made: ignored",
			     "");
			goto bad;
		}
		seen[x->fn] = true;
	}
	free(seen);
	C.nosr = read_u32(&r);
	if (!r.bad && C.nosr <= size)
		C.osr = calloc(C.nosr + 1, sizeof *C.osr);
	if (!C.osr)
		r.bad = true;
	for (uint32_t k = 0; k < C.nosr && !r.bad; k++) {
		struct osr_record *o = &C.osr[k];
		char sym[600], kind[32];
		get_str(&r, sym, sizeof sym);
		o->fn = jit_fn_by_symbol(C.jit, sym);
		o->loop = read_u32(&r);
		o->tier = read_u32(&r);
		get_str(&r, o->entry, sizeof o->entry);
		o->obj = read_u32(&r);
		snprintf(kind, sizeof kind, ".osr%u.v", o->loop);
		if (!r.bad && (o->fn < 0 || !prof_fns[o->fn + 1].fn->managed || o->obj >= C.nobjs ||
			       o->tier < 1 || o->tier > 2 ||
			       !entry_named(o->entry, sym, kind, C.serial))) {
			warn("%s%s", "holds code this program's JIT could not have made: ignored",
			     "");
			goto bad;
		}
	}
	if (!r.bad && r.p == r.end)
		return;
	warn("%s%s", "malformed: ignored", "");
bad:
	discard();
}

bool cache_tier0(const struct jit_probes *p, void **entry)
{
	const void *objs[8];
	size_t sizes[8];
	if (!C.data || C.tier0_n > 8)
		return false;
	for (uint32_t k = 0; k < C.tier0_n; k++) {
		objs[k] = C.obj[C.tier0_first + k];
		sizes[k] = C.objsize[C.tier0_first + k];
	}
	if (jit_load_tier0(C.jit, p, objs, sizes, C.tier0_n, "main", entry)) {
		/* taken out again (jit_load_tier0); the file goes too, the run
		 * compiles tier 0 and stores a new one */
		warn("%s: %s: removed", "its code does not link", jit_error(C.jit));
		unlink(C.path);
		discard();
		return false;
	}
	return true;
}

/* ---- the tier-0 file (cache.h) ----
 *
 *   "BFTIER0\n", u32 format, u32 0, u64 body length, u64 body checksum
 *   body: strings runtime build, LLVM version, program hash; u64 the
 *         program's shape once prepared; u64 the ns reading the prepared
 *         program took where it was made, u64 the ns tier 0 took there
 *         (preparing the program included, as the tier-0 compile's figure
 *         is); u8 whether the program asks for the AVX family; u64 size
 *         and the prepared program's bitcode; u32 objects, each u64 size
 *         and the bytes.
 *
 * As for the cache's files, everything read is bounds-checked after the
 * checksum before any of it is used. (LLVM's bitcode reader is not
 * hardened against hostile input: a prepared program made to crash it,
 * with the checksum made right, ends the run as bad bitcode does.) */

#define T0_MAGIC "BFTIER0\n"
#define T0_FORMAT 2
#define T0_KEYS 3
#define T0_MAX_OBJS 8

static const char *const t0_key_names[T0_KEYS] = {"runtime build", "LLVM version", "program"};

/* The file cache_tier0_program read, and what cache_read_tier0 takes of it. */
static struct {
	const char *path;
	unsigned char *data;
	uint64_t shape, read_ns, tier0_ns;
	uint32_t nobjs;
	const void *objs[T0_MAX_OBJS];
	size_t sizes[T0_MAX_OBJS];
} T0;

static void tier0_keys(struct jit *j, char keys[T0_KEYS][512])
{
	build_id(keys[0], sizeof keys[0]);
	snprintf(keys[1], sizeof keys[1], "%s", jit_llvm_version());
	snprintf(keys[2], sizeof keys[2], "%s", jit_input_hash(j));
}

int cache_write_tier0(struct jit *j, const char *path, uint64_t tier0_ns)
{
	char keys[T0_KEYS][512], tmp[4200];
	unsigned first, n;
	const void *program;
	size_t program_size;
	bool wants_vex;
	uint64_t read_ns;
	struct bytes b = {0};
	if (!jit_tier0_objects(j, &first, &n) || n > T0_MAX_OBJS ||
	    !jit_prepared_program(j, &program, &program_size, &wants_vex, &read_ns)) {
		fprintf(stderr, "bareflow-rt: %s: no tier-0 code to write\n", path);
		return -1;
	}
	tier0_keys(j, keys);
	for (int k = 0; k < T0_KEYS; k++)
		bytes_str(&b, keys[k]);
	bytes_u64(&b, jit_program_shape(j));
	bytes_u64(&b, read_ns);
	bytes_u64(&b, tier0_ns);
	bytes_u8(&b, wants_vex);
	bytes_u64(&b, program_size);
	bytes_put(&b, program, program_size);
	bytes_u32(&b, n);
	for (unsigned o = first; o < first + n; o++) {
		const void *bytes;
		size_t size;
		if (!jit_kept_object(j, o, &bytes, &size)) {
			fprintf(stderr, "bareflow-rt: internal error: tier-0 object %u is missing\n", o);
			free(b.p);
			return -1;
		}
		bytes_u64(&b, size);
		bytes_put(&b, bytes, size);
	}
	unsigned char head[HEADER];
	make_header(head, T0_MAGIC, T0_FORMAT, &b);
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	mode_t mask = umask(0); /* a file as fopen makes one: 0666 less the umask */
	umask(mask);
	int e = b.failed ? ENOMEM : replace_file(tmp, path, head, &b, 0666 & ~mask, false);
	free(b.p);
	if (e) {
		fprintf(stderr, "bareflow-rt: cannot write %s: %s\n", path, strerror(e));
		return -1;
	}
	return 0;
}

void cache_tier0_done(void)
{
	free(T0.data);
	T0.data = NULL;
}

bool cache_tier0_program(struct jit *j, const char *path)
{
	static const char what[] = "tier-0 file";
	char keys[T0_KEYS][512];
	size_t size;
	struct reader r;
	cache_tier0_done();
	T0.path = path;
	T0.data = read_file(what, path, false, &size);
	if (!T0.data)
		return false;
	tier0_keys(j, keys);
	if (!check_file(what, path, "not a tier-0 file: ignored", T0.data, size, T0_MAGIC,
			T0_FORMAT, (const char(*)[512])keys, t0_key_names, T0_KEYS, &r)) {
		cache_tier0_done();
		return false;
	}
	T0.shape = read_u64(&r);
	T0.read_ns = read_u64(&r);
	T0.tier0_ns = read_u64(&r);
	bool wants_vex = read_u8(&r);
	uint64_t program_size = read_u64(&r);
	const void *program = read_take(&r, program_size);
	T0.nobjs = read_u32(&r);
	if (T0.nobjs == 0 || T0.nobjs > T0_MAX_OBJS)
		r.bad = true;
	for (uint32_t o = 0; o < T0.nobjs && !r.bad; o++) {
		T0.sizes[o] = read_u64(&r);
		T0.objs[o] = read_take(&r, T0.sizes[o]);
	}
	if (r.bad || r.p != r.end) {
		warn_at(what, path, "%s%s", "malformed: ignored", "");
		cache_tier0_done();
		return false;
	}
	if (jit_add_prepared(j, program, program_size, wants_vex)) {
		warn_at(what, path, "%s: %s", "its program cannot be read", jit_error(j));
		cache_tier0_done();
		return false;
	}
	return true;
}

bool cache_read_tier0(struct jit *j, const struct jit_probes *p, void **entry, uint64_t *read_ns,
		      uint64_t *tier0_ns)
{
	static const char what[] = "tier-0 file";
	bool ok = false;
	if (!T0.data)
		return false; /* cache_tier0_program said why */
	/* the same module, prepared here as it was there: a check that both
	 * took the same functions for the profile's records */
	if (T0.shape != jit_program_shape(j))
		warn_at(what, T0.path, "%s%s", "made for another program shape: ignored", "");
	else if (jit_load_tier0(j, p, T0.objs, T0.sizes, T0.nobjs, "main", entry))
		warn_at(what, T0.path, "%s: %s", "its code does not link", jit_error(j));
	else
		ok = true;
	*read_ns = T0.read_ns;
	*tier0_ns = T0.tier0_ns;
	cache_tier0_done(); /* the JIT copied the objects */
	return ok;
}

unsigned cache_load(void)
{
	unsigned restored = 0;

	if (!C.data)
		return 0;
	/* Link each object that holds an entry, then find the entries in it
	 * (the JIT files them under the object added last). */
	jit_skip_serials(C.jit, C.serial);
	struct jit_mark mark = jit_mark(C.jit);
	void **slot = calloc(C.nrec + 1, sizeof *slot), **fb = calloc(C.nrec + 1, sizeof *fb);
	void **osr = calloc(C.nosr + 1, sizeof *osr);
	bool failed = !slot || !fb || !osr;
	uint32_t nosr = jit_tier0_loaded(C.jit) ? C.nosr : 0; /* else other frames */
	for (uint32_t o = 0; o < C.nobjs && !failed; o++) {
		bool used = false;
		for (uint32_t k = 0; k < C.nrec; k++)
			used |= C.rec[k].obj == o || (C.rec[k].fallback && C.rec[k].fobj == o);
		for (uint32_t k = 0; k < nosr; k++)
			used |= C.osr[k].obj == o;
		if (!used)
			continue;
		if (jit_add_object(C.jit, C.obj[o], C.objsize[o])) {
			failed = true;
			break;
		}
		for (uint32_t k = 0; k < C.nrec && !failed; k++) {
			struct record *x = &C.rec[k];
			if (x->obj == o && jit_find_version(C.jit, x->entry, &slot[k]))
				failed = true;
			if (x->fallback && x->fobj == o &&
			    jit_find_version(C.jit, x->fentry, &fb[k]))
				failed = true;
		}
		for (uint32_t k = 0; k < nosr && !failed; k++)
			if (C.osr[k].obj == o && jit_find_version(C.jit, C.osr[k].entry, &osr[k]))
				failed = true;
	}
	if (failed) { /* taken out again: the functions stay at tier 0 */
		warn("%s: %s: removed", "its code does not link", jit_error(C.jit));
		jit_rollback(C.jit, mark);
		unlink(C.path);
	} else {
		prof_set_prefer_generic(C.generic);
		prof_set_cost_model(C.cost[0], C.cost[1]);
		for (uint32_t k = 0; k < C.nrec; k++) {
			struct record *x = &C.rec[k];
			if (!prof_fns[x->fn + 1].fn->managed)
				continue;
			jit_adopt(C.jit, &x->r);
			prof_restore((uint32_t)x->fn + 1, &x->s, &x->r, slot[k],
				     x->fallback ? &x->fr : NULL, x->fallback ? fb[k] : NULL);
			restored++;
		}
		for (uint32_t k = 0; k < nosr; k++)
			prof_restore_osr((uint32_t)C.osr[k].fn + 1, C.osr[k].loop, (int)C.osr[k].tier,
					 osr[k]);
		if (C.verbose)
			fprintf(stderr,
				"bareflow-rt: code cache %s: %u functions start optimized\n",
				C.path, restored);
	}
	free(slot);
	free(fb);
	free(osr);
	discard();
	return restored;
}

bool cache_requests(struct jit_request **r, uint64_t (**weights)[2], size_t *n, bool *generic)
{
	if (!C.data)
		return false;
	*r = calloc(C.nrec + 1, sizeof **r);
	*weights = calloc(C.nrec + 1, sizeof **weights);
	if (!*r || !*weights) {
		free(*r);
		free(*weights);
		return false;
	}
	for (uint32_t k = 0; k < C.nrec; k++) {
		(*r)[k] = C.rec[k].r;
		uint64_t misses = C.rec[k].s.guard_misses;
		(*weights)[k][0] = C.rec[k].s.calls > misses ? C.rec[k].s.calls - misses : 0;
		(*weights)[k][1] = misses;
	}
	*n = C.nrec;
	*generic = C.generic;
	return true;
}

int cache_clear(const char *dir)
{
	char d[4096], path[4400];
	int n = 0;
	if (dir)
		snprintf(d, sizeof d, "%s", dir);
	else if (!default_dir(d, sizeof d))
		return 0;
	DIR *D = opendir(d);
	if (!D) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "bareflow-rt: cannot clear the code cache %s: %s\n", d,
			strerror(errno));
		return -1;
	}
	for (struct dirent *e; (e = readdir(D));) {
		size_t len = strlen(e->d_name);
		bool ours = (len > 4 && !strcmp(e->d_name + len - 4, SUFFIX)) ||
			    !strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX));
		if (!ours)
			continue;
		snprintf(path, sizeof path, "%s/%s", d, e->d_name);
		if (!unlink(path))
			n++;
	}
	closedir(D);
	return n;
}
