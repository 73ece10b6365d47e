/* Host tests of the CLI's archive writer and lexical paths: a small tree of
 * host files is archived, then read back by an independent newc reader that
 * checks the format (fields, alignment, padding, trailer) and the contents. */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../kernel/include/contract.h"
#include "cli.h"
#include "harness.h"

/* ---- an independent reader of newc archives ---- */

struct rd_entry {
	char name[256];
	unsigned long f[13]; /* the header's fields after the magic */
	const unsigned char *data;
};

#define F_INO 0
#define F_MODE 1
#define F_UID 2
#define F_GID 3
#define F_NLINK 4
#define F_MTIME 5
#define F_SIZE 6
#define F_NAMESIZE 11

static struct rd_entry ents[64];
static int nents;
static unsigned char *arch;
static size_t arch_len;

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool hex8(const unsigned char *p, unsigned long *out)
{
	*out = 0;
	for (int i = 0; i < 8; i++) {
		if (hex_digit(p[i]) < 0)
			return false;
		*out = *out << 4 | (unsigned long)hex_digit(p[i]);
	}
	return true;
}

static bool zeros(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Parse arch into ents (without the trailer). Returns false, after saying
 * why, unless the whole archive is well formed and ends right after its
 * TRAILER!!! entry. */
static bool parse_archive(void)
{
	size_t off = 0;

	nents = 0;
	for (;;) {
		struct rd_entry e = {0};
		if (off % 4 || off + 110 > arch_len || memcmp(arch + off, "070701", 6)) {
			unit_fail(__FILE__, __LINE__, "bad or misaligned header");
			return false;
		}
		for (int i = 0; i < 13; i++)
			if (!hex8(arch + off + 6 + 8 * i, &e.f[i])) {
				unit_fail(__FILE__, __LINE__, "a header field is not 8 hex digits");
				return false;
			}
		size_t ns = e.f[F_NAMESIZE], name_end = off + 110 + ns;
		size_t data = (name_end + 3) & ~(size_t)3, end = data + e.f[F_SIZE];
		size_t next = (end + 3) & ~(size_t)3;
		if (ns < 2 || ns > sizeof e.name || next > arch_len || arch[name_end - 1] ||
		    memchr(arch + off + 110, 0, ns - 1) ||
		    !zeros(arch + name_end, data - name_end) || !zeros(arch + end, next - end)) {
			unit_fail(__FILE__, __LINE__, "bad name, size or padding");
			return false;
		}
		memcpy(e.name, arch + off + 110, ns);
		e.data = arch + data;
		off = next;
		if (!strcmp(e.name, "TRAILER!!!"))
			break;
		if (nents == (int)(sizeof ents / sizeof ents[0])) {
			unit_fail(__FILE__, __LINE__, "too many entries");
			return false;
		}
		ents[nents++] = e;
	}
	CHECK_EQ(off, arch_len); /* nothing after the trailer */
	return off == arch_len;
}

static const struct rd_entry *entry(const char *name)
{
	for (int i = 0; i < nents; i++)
		if (!strcmp(ents[i].name, name))
			return &ents[i];
	char msg[300];
	snprintf(msg, sizeof msg, "no entry \"%s\" in the archive", name);
	unit_fail(__FILE__, __LINE__, msg);
	return NULL;
}

/* ---- host files ---- */

static char top[PATH_MAX]; /* a fresh temporary directory per test */

static const char *at(const char *rel)
{
	static char paths[8][PATH_MAX];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, PATH_MAX, "%s/%s", top, rel);
	return p;
}

static void make_file(const char *rel, const void *data, size_t len, mode_t mode)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, data, len), (long long)len);
	close(fd);
	CHECK_EQ(chmod(at(rel), mode), 0);
}

static void set_mtime(const char *rel, time_t t)
{
	struct timespec ts[2] = {{t, 0}, {t, 0}};
	CHECK_EQ(utimensat(AT_FDCWD, at(rel), ts, AT_SYMLINK_NOFOLLOW), 0);
}

static unsigned char ffdata[1001]; /* 0xff bytes among others; not a multiple of 4 */

/*
 * top/tree/a.txt         "hello\n", 0640, mtime 1234567890
 * top/tree/empty         0 bytes, 0600
 * top/tree/sub/          0750
 * top/tree/sub/deeper/ff.bin  ffdata, 0755
 * top/tree/sub/link      -> ../a.txt
 * top/solo               "abc", 0444
 */
static void make_tree(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(top, sizeof top, "%s/test_cpio.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	CHECK(mkdtemp(top) != NULL);
	for (size_t i = 0; i < sizeof ffdata; i++)
		ffdata[i] = i % 3 ? 0xff : (unsigned char)i;
	CHECK_EQ(mkdir(at("tree"), 0755), 0);
	CHECK_EQ(mkdir(at("tree/sub"), 0750), 0);
	CHECK_EQ(mkdir(at("tree/sub/deeper"), 0700), 0);
	make_file("tree/a.txt", "hello\n", 6, 0640);
	set_mtime("tree/a.txt", 1234567890);
	make_file("tree/empty", "", 0, 0600);
	make_file("tree/sub/deeper/ff.bin", ffdata, sizeof ffdata, 0755);
	CHECK_EQ(symlink("../a.txt", at("tree/sub/link")), 0);
	make_file("solo", "abc", 3, 0444);
}

static void remove_tree(void)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	CHECK_EQ(system(cmd), 0);
}

/* Write the archive to a temporary file and read it all back into arch. */
static bool write_and_read(struct cli_cpio *a)
{
	FILE *f = tmpfile();
	free(arch);
	arch = NULL;
	CHECK(f != NULL);
	if (!f)
		return false;
	CHECK_EQ(cli_cpio_write(a, fileno(f)), 0);
	long len = lseek(fileno(f), 0, SEEK_END);
	arch_len = len > 0 ? (size_t)len : 0;
	arch = malloc(arch_len + 1);
	CHECK_EQ(pread(fileno(f), arch, arch_len, 0), (long long)arch_len);
	fclose(f);
	return parse_archive();
}

static void check_file(const char *name, unsigned long mode, const void *data, size_t len)
{
	const struct rd_entry *e = entry(name);
	if (!e)
		return;
	CHECK_EQ(e->f[F_MODE], mode);
	CHECK_EQ(e->f[F_SIZE], len);
	CHECK_EQ(e->f[F_NLINK], 1);
	CHECK(!memcmp(e->data, data, len));
}

static void check_dir(const char *name, unsigned long mode)
{
	const struct rd_entry *e = entry(name);
	if (!e)
		return;
	CHECK_EQ(e->f[F_MODE], mode);
	CHECK_EQ(e->f[F_SIZE], 0);
	CHECK_EQ(e->f[F_NLINK], 2);
}

/* Every entry's parent directories come before it, and no name is there twice. */
static void check_parents_first(void)
{
	for (int i = 0; i < nents; i++) {
		for (int j = 0; j < nents; j++)
			if (j != i)
				CHECK(strcmp(ents[i].name, ents[j].name));
		char dir[256];
		strcpy(dir, ents[i].name);
		for (char *s; (s = strrchr(dir, '/'));) {
			*s = 0;
			int k = 0;
			while (k < i && strcmp(ents[k].name, dir))
				k++;
			if (k == i) {
				char msg[600];
				snprintf(msg, sizeof msg,
					 "\"%s\" is not a directory entry before \"%s\"", dir,
					 ents[i].name);
				unit_fail(__FILE__, __LINE__, msg);
			} else {
				CHECK_EQ(ents[k].f[F_MODE] & S_IFMT, S_IFDIR);
			}
		}
	}
}

TEST(cpio_tree_files_symlinks_and_parent_directories)
{
	make_tree();
	struct cli_cpio *a = cli_cpio_new();
	CHECK_EQ(cli_cpio_add(a, at("tree"), "/app", "--file ", false), 0);
	CHECK_EQ(cli_cpio_add(a, at("solo"), "/x/y/solo", "--file ", false), 0);
	CHECK_EQ(cli_cpio_add_dir(a, "/work/here"), 0);
	if (write_and_read(a)) {
		static const char *const want[] = {"app",
						   "app/a.txt",
						   "app/empty",
						   "app/sub",
						   "app/sub/deeper",
						   "app/sub/deeper/ff.bin",
						   "app/sub/link",
						   "work",
						   "work/here",
						   "x",
						   "x/y",
						   "x/y/solo"};
		CHECK_EQ(nents, sizeof want / sizeof want[0]);
		for (int i = 0; i < nents && i < (int)(sizeof want / sizeof want[0]); i++)
			CHECK_STR(ents[i].name, want[i]); /* sorted */
		check_parents_first();
		check_file("app/a.txt", 0100640, "hello\n", 6);
		check_file("app/empty", 0100600, "", 0);
		check_file("app/sub/deeper/ff.bin", 0100755, ffdata, sizeof ffdata);
		check_file("app/sub/link", 0120777, "../a.txt", 8);
		check_file("x/y/solo", 0100444, "abc", 3);
		check_dir("app/sub", 040750);
		check_dir("app/sub/deeper", 040700);
		check_dir("work/here", 040755); /* made up */
		check_dir("x/y", 040755);
		const struct rd_entry *e = entry("app/a.txt");
		CHECK(e && e->f[F_MTIME] == 1234567890);
		e = entry("x/y");
		CHECK(e && e->f[F_MTIME] == 0);
		for (int i = 0; i < nents; i++) {
			CHECK_EQ(ents[i].f[F_UID], 0);
			CHECK_EQ(ents[i].f[F_GID], 0);
			CHECK_EQ(ents[i].f[F_INO], i + 1);
		}
	}
	cli_cpio_free(a);
	remove_tree();
}

TEST(cpio_later_entries_replace_earlier_ones)
{
	make_tree();
	struct cli_cpio *a = cli_cpio_new();
	CHECK_EQ(cli_cpio_add(a, at("tree"), "/app", "--file ", false), 0);
	/* A file over a file, a file over a tree, a file below a file, the tree
	 * again, and a made-up directory over a real one (which stays). */
	CHECK_EQ(cli_cpio_add(a, at("solo"), "/app/a.txt", "", false), 0);
	CHECK_EQ(cli_cpio_add(a, at("solo"), "/app/sub", "", false), 0);
	CHECK_EQ(cli_cpio_add(a, at("solo"), "/app/empty/in", "", false), 0);
	CHECK_EQ(cli_cpio_add(a, at("tree/sub"), "/app/sub", "", false), 0);
	CHECK_EQ(cli_cpio_add_dir(a, "/app/sub"), 0);
	if (write_and_read(a)) {
		static const char *const want[] = {"app",
						   "app/a.txt",
						   "app/empty",
						   "app/empty/in",
						   "app/sub",
						   "app/sub/deeper",
						   "app/sub/deeper/ff.bin",
						   "app/sub/link"};
		CHECK_EQ(nents, sizeof want / sizeof want[0]);
		for (int i = 0; i < nents && i < (int)(sizeof want / sizeof want[0]); i++)
			CHECK_STR(ents[i].name, want[i]);
		check_file("app/a.txt", 0100444, "abc", 3);
		check_dir("app/empty", 040755);
		check_file("app/empty/in", 0100444, "abc", 3);
		check_dir("app/sub", 040750);
		check_parents_first();
	}
	cli_cpio_free(a);

	/* A non-directory over a directory drops everything below it. */
	a = cli_cpio_new();
	CHECK_EQ(cli_cpio_add(a, at("tree"), "/app", "", false), 0);
	CHECK_EQ(cli_cpio_add(a, at("solo"), "/app/sub", "", false), 0);
	if (write_and_read(a)) {
		CHECK_EQ(nents, 4); /* app, app/a.txt, app/empty, app/sub */
		check_file("app/sub", 0100444, "abc", 3);
	}
	cli_cpio_free(a);
	remove_tree();
}

TEST(cpio_refuses_missing_special_and_unreadable_files)
{
	make_tree();
	struct cli_cpio *a = cli_cpio_new();
	CHECK_EQ(cli_cpio_add(a, at("no-such-file"), "/x", "--file ", false), 127);
	CHECK_EQ(cli_cpio_add(a, at("solo/below-a-file"), "/x", "--file ", false), 126);
	CHECK_EQ(mkfifo(at("tree/fifo"), 0600), 0);
	CHECK_EQ(cli_cpio_add(a, at("tree/fifo"), "/x", "--file ", false), 2);
	CHECK_EQ(cli_cpio_add(a, at("tree"), "/app", "--file ", false), 2); /* the FIFO inside */
	CHECK_EQ(cli_cpio_add(a, at("solo"), "/", "--file ", false), 2);
	CHECK_EQ(cli_cpio_add(a, "/dev/null", "/x", "--file ", false), 2);
	CHECK_EQ(cli_cpio_add(a, at("tree/sub/link"), "/l", "", true), 0); /* followed */
	if (geteuid() != 0) { /* root reads everything */
		CHECK_EQ(chmod(at("solo"), 0), 0);
		CHECK_EQ(cli_cpio_add(a, at("solo"), "/x", "--file ", false), 126);
	}
	cli_cpio_free(a);
	remove_tree();
}

TEST(cpio_directory_at_the_root_and_empty_archive)
{
	make_tree();
	struct cli_cpio *a = cli_cpio_new();
	if (write_and_read(a))
		CHECK_EQ(nents, 0);
	CHECK_EQ(arch_len, 124); /* the trailer alone: 110 + 11, padded */
	CHECK_EQ(cli_cpio_add(a, at("tree/sub"), "/", "", false), 0);
	CHECK_EQ(cli_cpio_add_dir(a, "/"), 0);
	if (write_and_read(a)) {
		CHECK_EQ(nents, 3); /* deeper, deeper/ff.bin, link: the root has no entry */
		check_dir("deeper", 040700);
		check_file("link", 0120777, "../a.txt", 8);
	}
	cli_cpio_free(a);
	remove_tree();
}

/* Data larger than the writer's buffer, at an odd size, arrives intact. */
TEST(cpio_streams_large_files)
{
	make_tree();
	size_t len = 3 * 65536 + 7;
	unsigned char *big = malloc(len);
	for (size_t i = 0; i < len; i++)
		big[i] = (unsigned char)(i * 2654435761u >> 13);
	make_file("big", big, len, 0644);
	struct cli_cpio *a = cli_cpio_new();
	CHECK_EQ(cli_cpio_add(a, at("big"), "/big", "", false), 0);
	CHECK_EQ(cli_cpio_add(a, at("solo"), "/c", "", false), 0);
	if (write_and_read(a)) {
		check_file("big", 0100644, big, len);
		check_file("c", 0100444, "abc", 3);
	}
	cli_cpio_free(a);
	free(big);
	remove_tree();
}

static void check_abspath(const char *in, const char *want)
{
	char *got = cli_abspath(in);
	CHECK(got != NULL);
	if (got)
		CHECK_STR(got, want);
	free(got);
}

/* A file of size bytes at rel, a hole but for "end" in its last bytes. */
static void make_sized(const char *rel, off_t size)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, "end", 3, size - 3), 3);
	close(fd);
}

TEST(cpio_shares_a_power_of_two_sized_file)
{
	make_tree();
	make_sized("p4m", 4 << 20);
	make_sized("odd", (4 << 20) + 4);
	make_sized("tiny", 1 << 20);
	make_sized("p8m", 8 << 20);
	set_mtime("p4m", 1234567890);
	struct cli_cpio *a = cli_cpio_new();
	unsigned long long size = 0;
	CHECK_EQ(cli_cpio_add(a, at("p4m"), "/bin/p4m", "", true), 0);
	CHECK_EQ(cli_cpio_add(a, at("odd"), "/bin/odd", "", true), 0);
	CHECK_EQ(cli_cpio_add(a, at("tiny"), "/bin/tiny", "", true), 0);
	CHECK_EQ(cli_cpio_add(a, at("p8m"), "/bin/p8m", "", true), 0);
	CHECK_EQ(cli_cpio_add(a, at("tree"), "/app", "", false), 0);
	unsigned long long whole = cli_cpio_size(a);
	CHECK(cli_cpio_share(a, "/bin/odd", &size) == NULL);  /* not a power of two */
	CHECK(cli_cpio_share(a, "/bin/tiny", &size) == NULL); /* under 2 MiB */
	CHECK(cli_cpio_share(a, "/app", &size) == NULL);      /* a directory */
	CHECK(cli_cpio_share(a, "/app/sub/link", &size) == NULL);
	CHECK(cli_cpio_share(a, "/nowhere", &size) == NULL);
	const char *host = cli_cpio_share(a, "/bin/p4m", &size);
	CHECK(host != NULL && !strcmp(host, at("p4m")));
	CHECK_EQ(size, 4ull << 20);
	CHECK(cli_cpio_share(a, "/bin/p8m", &size) == NULL); /* one per archive */
	struct cli_cpio *big = cli_cpio_new(); /* the largest, and one too large */
	make_sized("p512m", 512ull << 20);
	make_sized("p1g", 1ull << 30);
	CHECK_EQ(cli_cpio_add(big, at("p1g"), "/p1g", "", true), 0);
	CHECK(cli_cpio_share(big, "/p1g", &size) == NULL);
	CHECK_EQ(cli_cpio_add(big, at("p512m"), "/p512m", "", true), 0);
	CHECK(cli_cpio_share(big, "/p512m", &size) != NULL && size == 512ull << 20);
	cli_cpio_free(big);
	/* p4m's entry out (header, "bin/p4m" padded, its bytes), its stand-in
	 * in (header, "!bareflow-shared" padded, "4194304\0/bin/p4m\0" padded) */
	CHECK_EQ(whole - cli_cpio_size(a), (110 + 10 + (4ull << 20)) - (110 + 18 + 20));
	if (write_and_read(a)) {
		/* in p4m's place (bin/odd < bin/p4m < bin/p8m), its stand-in */
		int i = 0;
		while (i < nents && strcmp(ents[i].name, "bin/odd"))
			i++;
		CHECK(i + 2 < nents);
		if (i + 2 < nents) {
			const struct rd_entry *e = &ents[i + 1];
			CHECK_STR(e->name, CONTRACT_SHARED_ENTRY);
			CHECK_EQ(e->f[F_MODE], 0100755);
			CHECK_EQ(e->f[F_MTIME], 1234567890);
			static const char want[] = "4194304\0/bin/p4m";
			CHECK_EQ(e->f[F_SIZE], sizeof want);
			CHECK(!memcmp(e->data, want, sizeof want));
			CHECK_STR(ents[i + 2].name, "bin/p8m");
			CHECK_EQ(ents[i + 2].f[F_SIZE], 8u << 20);
		}
		for (int k = 0; k < nents; k++)
			CHECK(strcmp(ents[k].name, "bin/p4m"));
		check_file("app/a.txt", 0100640, "hello\n", 6);
	}
	cli_cpio_free(a);
	remove_tree();
}

TEST(cpio_trims_a_trailing_hole)
{
	make_tree();
	static char data[10000];
	memset(data, 'x', sizeof data);
	make_file("padded", data, sizeof data, 0755);
	CHECK_EQ(truncate(at("padded"), 4 << 20), 0); /* data, then a hole */
	make_sized("ends", 4 << 20);			/* a hole, then data */
	int fd = open(at("padded"), O_RDONLY);
	off_t hole = lseek(fd, 0, SEEK_HOLE); /* the file's size where holes are not told */
	close(fd);
	struct cli_cpio *a = cli_cpio_new();
	CHECK_EQ(cli_cpio_add(a, at("padded"), "/padded", "", true), 0);
	CHECK_EQ(cli_cpio_add(a, at("ends"), "/ends", "", true), 0);
	CHECK_EQ(cli_cpio_add(a, at("tree"), "/app", "", false), 0);
	CHECK_EQ(cli_cpio_trim_hole(a, "/ends"), 0);
	CHECK_EQ(cli_cpio_trim_hole(a, "/app"), 0);
	CHECK_EQ(cli_cpio_trim_hole(a, "/app/sub/link"), 0);
	CHECK(hole >= (off_t)sizeof data && hole <= 4 << 20);
	CHECK_EQ(cli_cpio_trim_hole(a, "/padded"), (4ull << 20) - (unsigned long long)hole);
	CHECK_EQ(cli_cpio_trim_hole(a, "/padded"), 0); /* done */
	if (write_and_read(a)) {
		const struct rd_entry *e = entry("padded");
		CHECK(e && e->f[F_SIZE] == (unsigned long)hole && !memcmp(e->data, data, sizeof data));
		for (off_t k = sizeof data; e && k < hole; k++)
			CHECK(!e->data[k]);
		e = entry("ends");
		CHECK(e && e->f[F_SIZE] == 4u << 20 && !memcmp(e->data + (4 << 20) - 3, "end", 3));
	}
	cli_cpio_free(a);
	remove_tree();
}

TEST(abspath_is_lexical)
{
	check_abspath("/", "/");
	check_abspath("/a/./b//c/../d/", "/a/b/d");
	check_abspath("/..", "/");
	check_abspath("/a/../../b", "/b");
	check_abspath("//a//", "/a");
	check_abspath("/a/b/..", "/a");
	CHECK(cli_abspath("") == NULL);

	make_tree();
	char old[PATH_MAX], want[PATH_MAX + 32];
	CHECK(getcwd(old, sizeof old) != NULL);
	CHECK_EQ(chdir(at("tree/sub")), 0);
	char *cwd = getcwd(NULL, 0);
	snprintf(want, sizeof want, "%s/link/x", cwd);
	check_abspath("link/x", want); /* the symlink is not resolved */
	check_abspath("./link/../link/x", want);
	check_abspath(".", cwd);
	snprintf(want, sizeof want, "%s", cwd);
	*strrchr(want, '/') = 0;
	check_abspath("..", want);
	check_abspath("deeper/../..", want);
	free(cwd);
	CHECK_EQ(chdir(old), 0);
	remove_tree();
}
