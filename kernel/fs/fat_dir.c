/* FAT directories: walking entries (long-name slots gathered and checked
 * against their short entry's checksum), looking names up, and making,
 * removing and moving entries. A directory is at most 65536 entries. */
#include "fat_internal.h"
#include "kerrno.h"
#include "kstring.h"

#define LFN_MAX_SLOTS 20
static const uint8_t lfn_pos[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

/* A cursor over a directory's 32-byte entries, reading 512 bytes at a time. */
struct dir_it {
	struct fat_vol *v;
	uint32_t dclus; /* 0: the FAT12/16 root region */
	uint32_t off;   /* the current entry */
	uint32_t clus;  /* the cluster holding it (chains); 0 past the end */
	uint64_t chunk; /* device offset of buf, or ~0 */
	uint8_t buf[512];
};

/* Start at byte off of directory d (found from d's cursor). */
static int it_start(struct dir_it *it, struct fat_vol *v, struct fat_node *d, uint32_t off)
{
	it->v = v;
	it->dclus = d->clus;
	it->off = off;
	it->chunk = ~0ull;
	it->clus = 0;
	if (!d->clus)
		return 0;
	if (off >= FAT_DIR_MAX)
		return 0; /* it_end */
	return fat_map(v, d, off, &it->clus);
}

static bool it_end(struct dir_it *it)
{
	if (!it->dclus)
		return it->off >= it->v->root_bytes;
	return !it->clus || it->off >= FAT_DIR_MAX;
}

static uint64_t it_dev(struct dir_it *it)
{
	struct fat_vol *v = it->v;
	return it->dclus ? fat_clus_off(v, it->clus) + it->off % v->cluster_size
			 : v->root_off + it->off;
}

/* The current entry (valid until the next it_get). */
static int it_get(struct dir_it *it, uint8_t **e)
{
	uint64_t dev = it_dev(it), chunk = dev & ~511ull;
	if (chunk != it->chunk) {
		int err = bcache_read(it->v->bc, chunk, it->buf, sizeof it->buf);
		if (err)
			return err;
		it->chunk = chunk;
	}
	*e = it->buf + (dev - chunk);
	return 0;
}

static int it_next(struct dir_it *it)
{
	it->off += DIRENT;
	if (it->dclus && it->off % it->v->cluster_size == 0) {
		if (it->off / it->v->cluster_size > it->v->nclusters)
			return -EIO;
		return fat_next(it->v, it->clus, &it->clus);
	}
	return 0;
}

static int write_at(struct fat_vol *v, struct fat_node *d, uint32_t off, const uint8_t *e, size_t n)
{
	uint64_t dev;
	int err = fat_dir_off(v, d, off, &dev);
	if (err)
		return err == -ENOENT ? -EIO : err;
	return bcache_write(v->bc, dev, e, n);
}

/* The long name being gathered while walking. */
struct lfn_state {
	int slots, expect; /* slots announced, and the number of the next one */
	uint8_t sum;
	uint32_t start;    /* offset of the first slot */
	/* When searching: only a name equal to this (ASCII case aside) is
	 * gathered; others are dropped at their first differing slot. */
	const uint16_t *want;
	int want_n;
	uint16_t name[LFN_MAX_SLOTS * 13];
};

static void lfn_slot(struct lfn_state *s, const uint8_t *e, uint32_t off)
{
	int ord = e[0] & 0x1F;
	if (e[0] & 0x40) {
		s->slots = ord >= 1 && ord <= LFN_MAX_SLOTS ? ord : 0;
		s->expect = s->slots;
		s->sum = e[13];
		s->start = off;
	} else if (!s->slots || ord < 1 || ord != s->expect || e[13] != s->sum) {
		/* ord 0 after the last slot (expect 0) would index before name[] */
		s->slots = 0;
		return;
	}
	if (!s->slots)
		return;
	if (s->want && s->slots != (s->want_n + 12) / 13) {
		s->slots = 0;
		return;
	}
	for (int i = 0; i < 13; i++) {
		int j = (ord - 1) * 13 + i;
		uint16_t c = (uint16_t)(e[lfn_pos[i]] | e[lfn_pos[i] + 1] << 8);
		s->name[j] = c;
		if (s->want && j < s->want_n && fat_upcase(c) != fat_upcase(s->want[j])) {
			s->slots = 0;
			return;
		}
	}
	s->expect--;
}

/* The long name belonging to short entry e, or 0 units if none does. */
static int lfn_take(struct lfn_state *s, const uint8_t *e)
{
	int n = 0;
	if (s->slots && s->expect == 0 && s->sum == fat_sfn_checksum(e))
		while (n < s->slots * 13 && s->name[n])
			n++;
	s->slots = 0;
	/* 20 slots hold 260 units; more than a name's 255 is no name (its
	 * UTF-8 would not fit the buffers sized for 255) */
	return n <= FAT_NAME_MAX ? n : 0;
}

static bool name_eq(const uint16_t *a, int an, const uint16_t *b, int bn)
{
	if (an != bn)
		return false;
	for (int i = 0; i < an; i++)
		if (fat_upcase(a[i]) != fat_upcase(b[i]))
			return false;
	return true;
}

/* What one pass over a directory looks for. */
struct find {
	const uint16_t *u; /* a name to find (NULL: none) */
	int n;
	uint8_t alias[8][11]; /* 8.3 names to check for: used[i] if taken */
	int naliases;
	bool used[8];
	uint32_t need;          /* free slots wanted in a row (0: none) */
	/* results */
	bool hit;
	uint8_t e[DIRENT];
	uint32_t lfn_off, sfn_off;
	bool have_run;
	uint32_t run_at;        /* a free run of `need` slots */
	uint32_t tail_at;       /* start of the free slots that end the directory */
	uint32_t end;           /* bytes the directory has */
};

static bool short_matches(const uint8_t *e, const uint16_t *u, int n)
{
	char s[13];
	uint16_t w[13];
	if (n > 12)
		return false; /* longer than any 8.3 name */
	fat_sfn_to_utf8(e, s);
	int k = 0;
	while (s[k])
		w[k] = (uint8_t)s[k], k++;
	return name_eq(w, k, u, n);
}

static int dir_scan(struct fat_vol *v, struct fat_node *dir, struct find *f)
{
	struct dir_it it;
	struct lfn_state ls = {.want = f->u, .want_n = f->n};
	uint32_t run = 0, run_start = 0;
	bool ended = false;
	int err = it_start(&it, v, dir, 0);
	for (; !err && !it_end(&it); err = it_next(&it)) {
		uint8_t *e;
		if (!ended && (err = it_get(&it, &e)))
			break;
		if (ended || e[0] == 0 || e[0] == 0xE5) {
			if (!ended && e[0] == 0) {
				ended = true;
				if (!f->need)
					break;
			}
			if (!run++)
				run_start = it.off;
			if (f->need && run >= f->need && !f->have_run)
				f->have_run = true, f->run_at = run_start;
			ls.slots = 0;
			continue;
		}
		run = 0;
		if ((e[11] & 0x3F) == 0x0F) {
			lfn_slot(&ls, e, it.off);
			continue;
		}
		uint16_t *lname = ls.name;
		uint32_t lfn_start = ls.start;
		int ln = lfn_take(&ls, e);
		if (e[11] & FAT_ATTR_VOLUME)
			continue;
		for (int i = 0; i < f->naliases; i++)
			if (!memcmp(e, f->alias[i], 11))
				f->used[i] = true;
		if (f->u && !f->hit && e[0] != '.' &&
		    ((ln && name_eq(lname, ln, f->u, f->n)) || short_matches(e, f->u, f->n))) {
			f->hit = true;
			memcpy(f->e, e, DIRENT);
			f->sfn_off = it.off;
			f->lfn_off = ln ? lfn_start : it.off;
			if (!f->need && !f->naliases)
				return 0;
		}
	}
	if (err)
		return err;
	f->end = it.off;
	f->tail_at = run ? run_start : it.off;
	return 0;
}

static void node_place(struct fat_node *n, struct fat_node *dir, uint32_t lfn_off,
		       uint32_t sfn_off)
{
	n->dir_clus = dir->clus;
	n->lfn_off = lfn_off;
	n->sfn_off = sfn_off;
	n->sfn_dev = 0;
}

int fat_lookup(struct fat_vol *v, struct fat_node *dir, const char *name, size_t len,
	       struct fat_node *out)
{
	uint16_t u[FAT_NAME_MAX];
	if (!(dir->attr & FAT_ATTR_DIR))
		return -ENOTDIR;
	int n = fat_utf8_to_utf16(name, len, u);
	if (n < 0)
		return n == -ENAMETOOLONG ? n : -ENOENT;
	struct find f = {.u = u, .n = n};
	int err = dir_scan(v, dir, &f);
	if (err)
		return err;
	if (!f.hit)
		return -ENOENT;
	err = fat_node_from_entry(v, f.e, out);
	if (err)
		return err;
	node_place(out, dir, f.lfn_off, f.sfn_off);
	return 0;
}

int fat_readdir(struct fat_vol *v, struct fat_node *dir, uint32_t *pos, char *name,
		struct fat_node *out)
{
	struct dir_it it;
	struct lfn_state ls = {0};
	if (!(dir->attr & FAT_ATTR_DIR))
		return -ENOTDIR;
	int err = it_start(&it, v, dir, *pos & ~(DIRENT - 1));
	for (; !err && !it_end(&it); err = it_next(&it)) {
		uint8_t *e;
		if ((err = it_get(&it, &e)))
			break;
		if (e[0] == 0)
			break;
		if (e[0] == 0xE5) {
			ls.slots = 0;
			continue;
		}
		if ((e[11] & 0x3F) == 0x0F) {
			lfn_slot(&ls, e, it.off);
			continue;
		}
		uint32_t lfn_start = ls.start;
		int ln = lfn_take(&ls, e);
		if ((e[11] & FAT_ATTR_VOLUME) || e[0] == '.')
			continue;
		/* A damaged entry (a cluster outside the volume) is left out,
		 * not the rest of the directory with it; opening it by name
		 * gives EIO. */
		if (fat_node_from_entry(v, e, out))
			continue;
		node_place(out, dir, ln ? lfn_start : it.off, it.off);
		if (ln)
			fat_utf16_to_utf8(ls.name, ln, name);
		else
			fat_sfn_to_utf8(e, name);
		*pos = it.off + DIRENT;
		return 1;
	}
	if (!err)
		*pos = it.off;
	return err;
}

int fat_dir_empty(struct fat_vol *v, struct fat_node *n)
{
	struct dir_it it;
	int err = it_start(&it, v, n, 0);
	for (; !err && !it_end(&it); err = it_next(&it)) {
		uint8_t *e;
		if ((err = it_get(&it, &e)) || e[0] == 0)
			break;
		if (e[0] == 0xE5 || (e[11] & 0x3F) == 0x0F || (e[11] & FAT_ATTR_VOLUME))
			continue;
		if (e[0] == '.' && (e[1] == ' ' || (e[1] == '.' && e[2] == ' ')))
			continue;
		return -ENOTEMPTY;
	}
	return err;
}

/* Make room for f->need slots (growing the directory if it must) and
 * return where they start. */
static int find_room(struct fat_vol *v, struct fat_node *dir, struct find *f, uint32_t *at)
{
	if (f->have_run) {
		*at = f->run_at;
		return 0;
	}
	if (!dir->clus)
		return -ENOSPC; /* the FAT12/16 root is fixed */
	uint32_t have = (f->end - f->tail_at) / DIRENT;
	uint64_t grow = (uint64_t)(f->need - have) * DIRENT;
	if (f->end + grow > FAT_DIR_MAX)
		return -ENOSPC;
	uint32_t last;
	int err = fat_map(v, dir, f->end ? f->end - 1 : 0, &last);
	if (err)
		return err;
	if (!last)
		return -EIO;
	for (uint64_t added = 0; added < grow; added += v->cluster_size) {
		err = fat_alloc(v, last, &last);
		if (err)
			return err;
	}
	*at = f->tail_at;
	return 0;
}

/* Write the long-name slots and the short entry e for u at `at`. */
static int put_entries(struct fat_vol *v, struct fat_node *dir, uint32_t at, const uint16_t *u, int n,
		       int slots, const uint8_t *e, bool in_tail)
{
	uint8_t s[DIRENT];
	uint8_t sum = fat_sfn_checksum(e);
	for (int k = slots; k >= 1; k--) {
		memset(s, 0, sizeof s);
		s[0] = (uint8_t)(k | (k == slots ? 0x40 : 0));
		s[11] = 0x0F;
		s[13] = sum;
		for (int i = 0; i < 13; i++) {
			int j = (k - 1) * 13 + i;
			uint16_t c = j < n ? u[j] : j == n ? 0 : 0xFFFF;
			s[lfn_pos[i]] = (uint8_t)c;
			s[lfn_pos[i] + 1] = (uint8_t)(c >> 8);
		}
		int err = write_at(v, dir, at + (uint32_t)(slots - k) * DIRENT, s, DIRENT);
		if (err)
			return err;
	}
	uint32_t sfn_off = at + (uint32_t)slots * DIRENT;
	int err = write_at(v, dir, sfn_off, e, DIRENT);
	/* In the free tail, the slot after may hold old bytes that an end mark
	 * hid: end the directory again. */
	if (!err && in_tail) {
		uint64_t dev;
		err = fat_dir_off(v, dir, sfn_off + DIRENT, &dev);
		if (!err)
			err = bcache_zero(v->bc, dev, 1);
		if (err == -ENOENT)
			err = 0;
	}
	return err;
}

/* Add an entry called name to dir for the file whose short entry (bytes
 * 11..31) is in e; set n's place. */
static int dir_add(struct fat_vol *v, struct fat_node *dir, const char *name, size_t len,
		   uint8_t *e, struct fat_node *n, const struct fat_node *self)
{
	uint16_t u[FAT_NAME_MAX];
	if (v->ro)
		return -EROFS;
	if (!(dir->attr & FAT_ATTR_DIR))
		return -ENOTDIR;
	int un = fat_utf8_to_utf16(name, len, u);
	if (un < 0)
		return un;
	struct find f = {.u = u, .n = un};
	bool plain = fat_plain_sfn(u, un, e);
	int slots = plain ? 0 : (un + 12) / 13;
	f.need = (uint32_t)slots + 1;
	if (!plain) /* ~1..~4, then hashed forms: all checked in the one pass */
		for (f.naliases = 0; f.naliases < 8; f.naliases++)
			fat_sfn_alias(u, un, (unsigned)f.naliases + 1, f.alias[f.naliases]);
	int err = dir_scan(v, dir, &f);
	if (err)
		return err;
	if (f.hit) {
		struct fat_node other = {.dir_clus = dir->clus, .sfn_off = f.sfn_off};
		if (!self || !fat_same(self, &other))
			return -EEXIST;
	}
	if (!plain) {
		int k = 0;
		while (k < 8 && f.used[k])
			k++;
		if (k < 8) {
			memcpy(e, f.alias[k], 11);
		} else { /* all taken: more hashed aliases until one is free */
			for (unsigned h = 9;; h++) {
				struct find g = {.naliases = 1};
				if (h > 9 + 1000)
					return -ENOSPC;
				fat_sfn_alias(u, un, h, g.alias[0]);
				err = dir_scan(v, dir, &g);
				if (err)
					return err;
				if (!g.used[0]) {
					memcpy(e, g.alias[0], 11);
					break;
				}
			}
		}
	}
	e[12] = 0;
	uint32_t at;
	err = find_room(v, dir, &f, &at);
	if (!err)
		err = put_entries(v, dir, at, u, un, slots, e, at >= f.tail_at);
	if (err)
		return err;
	node_place(n, dir, at, at + (uint32_t)slots * DIRENT);
	return 0;
}

/* The 32-byte entry of node n (name bytes left for dir_add). */
static void entry_of(struct fat_vol *v, const struct fat_node *n, uint8_t *e)
{
	memset(e, 0, DIRENT);
	e[11] = n->attr;
	e[14] = (uint8_t)n->ctime_, e[15] = (uint8_t)(n->ctime_ >> 8);
	e[16] = (uint8_t)n->cdate, e[17] = (uint8_t)(n->cdate >> 8);
	e[18] = (uint8_t)n->adate, e[19] = (uint8_t)(n->adate >> 8);
	if (v->type == 32)
		e[20] = (uint8_t)(n->clus >> 16), e[21] = (uint8_t)(n->clus >> 24);
	e[22] = (uint8_t)n->mtime, e[23] = (uint8_t)(n->mtime >> 8);
	e[24] = (uint8_t)n->mdate, e[25] = (uint8_t)(n->mdate >> 8);
	e[26] = (uint8_t)n->clus, e[27] = (uint8_t)(n->clus >> 8);
	uint32_t size = n->attr & FAT_ATTR_DIR ? 0 : n->size;
	for (int i = 0; i < 4; i++)
		e[28 + i] = (uint8_t)(size >> (8 * i));
}

/* Write "." and ".." into the new directory cluster c. */
static int init_dir(struct fat_vol *v, struct fat_node *n, struct fat_node *parent)
{
	uint8_t d[2 * DIRENT];
	struct fat_node dot = *n, dotdot = *n;
	dotdot.clus = parent->root ? 0 : parent->clus;
	entry_of(v, &dot, d);
	entry_of(v, &dotdot, d + DIRENT);
	memcpy(d, ".          ", 11);
	memcpy(d + DIRENT, "..         ", 11);
	return bcache_write(v->bc, fat_clus_off(v, n->clus), d, sizeof d);
}

int fat_create(struct fat_vol *v, struct fat_node *dir, const char *name, size_t len,
	       bool is_dir, struct fat_node *out)
{
	uint8_t e[DIRENT];
	if (v->ro)
		return -EROFS;
	memset(out, 0, sizeof *out);
	out->attr = is_dir ? FAT_ATTR_DIR : FAT_ATTR_ARCHIVE;
	fat_touch(v, out);
	out->cdate = out->mdate;
	out->ctime_ = out->mtime;
	int err = 0;
	if (is_dir) {
		err = fat_alloc(v, 0, &out->clus);
		if (!err)
			err = init_dir(v, out, dir);
	}
	if (!err) {
		entry_of(v, out, e);
		err = dir_add(v, dir, name, len, e, out, NULL);
	}
	if (err && out->clus) {
		fat_free_chain(v, out->clus);
		out->clus = 0;
	}
	if (!err) { /* the directory changed */
		fat_touch(v, dir);
		err = fat_write_entry(v, dir);
	}
	return err;
}

int fat_remove(struct fat_vol *v, struct fat_node *n)
{
	uint8_t gone = 0xE5;
	struct fat_node d = {.clus = n->dir_clus};
	if (v->ro)
		return -EROFS;
	if (n->root || n->lfn_off > n->sfn_off)
		return -EIO;
	for (uint32_t off = n->lfn_off; off <= n->sfn_off; off += DIRENT) {
		int err = write_at(v, &d, off, &gone, 1);
		if (err)
			return err;
	}
	n->gone = true;
	return 0;
}

int fat_release(struct fat_vol *v, struct fat_node *n)
{
	if (v->ro)
		return -EROFS;
	int err = fat_free_chain(v, n->clus);
	n->clus = 0;
	n->cur_clus = n->cur_idx = 0;
	return err;
}

/* -EINVAL if directory `inner` is n or lies inside it (following ".."). */
static int check_not_inside(struct fat_vol *v, struct fat_node *n, struct fat_node *inner)
{
	uint32_t c = inner->root ? 0 : inner->clus;
	for (int depth = 0; c && c != v->root_clus; depth++) {
		uint8_t e[DIRENT];
		if (c == n->clus)
			return -EINVAL;
		if (depth > 4096 || !fat_valid_clus(v, c))
			return -EIO;
		int err = bcache_read(v->bc, fat_clus_off(v, c) + DIRENT, e, DIRENT);
		if (err)
			return err;
		if (memcmp(e, "..         ", 11))
			return -EIO;
		c = e[26] | e[27] << 8 | (v->type == 32 ? (uint32_t)(e[20] | e[21] << 8) << 16 : 0);
	}
	return 0;
}

/* Remove victim's slots, saved in saved[0..*n) for put_back. */
static int take_out(struct fat_vol *v, struct fat_node *victim, uint8_t *saved, size_t cap,
		    size_t *n)
{
	uint64_t dev;
	struct fat_node d = {.clus = victim->dir_clus};
	if (victim->root || victim->gone || victim->lfn_off > victim->sfn_off ||
	    victim->sfn_off - victim->lfn_off + DIRENT > cap)
		return -EIO;
	*n = victim->sfn_off - victim->lfn_off + DIRENT;
	for (size_t k = 0; k < *n; k += DIRENT) { /* slots may straddle clusters */
		int err = fat_dir_off(v, &d, victim->lfn_off + (uint32_t)k, &dev);
		if (!err)
			err = bcache_read(v->bc, dev, saved + k, DIRENT);
		if (err)
			return err == -ENOENT ? -EIO : err;
	}
	return fat_remove(v, victim);
}

/* Undo take_out: victim's slots as they were. */
static void put_back(struct fat_vol *v, struct fat_node *victim, const uint8_t *saved, size_t n)
{
	struct fat_node d = {.clus = victim->dir_clus};
	for (size_t k = 0; k < n; k += DIRENT)
		write_at(v, &d, victim->lfn_off + (uint32_t)k, saved + k, DIRENT);
	victim->gone = false;
}

int fat_rename(struct fat_vol *v, struct fat_node *n, struct fat_node *ndir, const char *name,
	       size_t len, struct fat_node *victim)
{
	uint8_t e[DIRENT], saved[21 * DIRENT]; /* a 255-unit name's 20 slots and its entry */
	size_t nsaved = 0;
	if (v->ro)
		return -EROFS;
	if (n->root)
		return -EBUSY;
	if (n->gone)
		return -ENOENT;
	bool moved = n->dir_clus != ndir->clus;
	if ((n->attr & FAT_ATTR_DIR) && moved) {
		/* its ".." is rewritten below: it must be one, or a damaged
		 * directory's second entry (maybe a file's) would be */
		uint8_t dd[DIRENT];
		int err = check_not_inside(v, n, ndir);
		if (!err && !fat_valid_clus(v, n->clus))
			err = -EIO;
		if (!err)
			err = bcache_read(v->bc, fat_clus_off(v, n->clus) + DIRENT, dd, DIRENT);
		if (!err && memcmp(dd, "..         ", 11))
			err = -EIO;
		if (err)
			return err;
	}
	/* The target's slots go first, so that the new entry may take them
	 * (on a full disk it may have to); on failure they come back and the
	 * target is still there: a replacing rename loses nothing. */
	int err = victim ? take_out(v, victim, saved, sizeof saved, &nsaved) : 0;
	if (err)
		return err;
	struct fat_node old = *n;
	entry_of(v, n, e);
	err = dir_add(v, ndir, name, len, e, n, &old);
	if (err) {
		if (victim)
			put_back(v, victim, saved, nsaved);
		return err;
	}
	err = fat_remove(v, &old);
	if (!err && (n->attr & FAT_ATTR_DIR) && moved) {
		uint8_t c[2] = {0};
		uint32_t pc = ndir->root ? 0 : ndir->clus;
		uint64_t dd = fat_clus_off(v, n->clus) + DIRENT;
		c[0] = (uint8_t)pc, c[1] = (uint8_t)(pc >> 8);
		err = bcache_write(v->bc, dd + 26, c, 2);
		if (!err && v->type == 32) {
			c[0] = (uint8_t)(pc >> 16), c[1] = (uint8_t)(pc >> 24);
			err = bcache_write(v->bc, dd + 20, c, 2);
		}
	}
	return err;
}
