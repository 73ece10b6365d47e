/* The FAT filesystem against Debian's own tools: images that mkfs.fat made
 * and mcopy filled are read exactly, and what this code writes is seen
 * exactly by mdir/mcopy while fsck.fat -n finds nothing wrong. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fat.h"
#include "filedisk.h"
#include "harness.h"
#include "kerrno.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/fat-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
}

static void cleanup(void) { sh("rm -rf %s", dir); }

/* Deterministic bytes for file `seed`. */
static void fill(uint8_t *p, size_t n, unsigned seed)
{
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

static void host_file(const char *name, size_t n, unsigned seed)
{
	char path[512];
	uint8_t *b = malloc(n + 1);
	fill(b, n, seed);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	CHECK(f && fwrite(b, 1, n, f) == n);
	fclose(f);
	free(b);
}

static struct filedisk disk;

static struct fat_vol *mount_img(const char *img, bool ro)
{
	struct fat_vol *v = NULL;
	const char *why;
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, img);
	CHECK(filedisk_open(&disk, path, ro));
	int err = fat_mount(&disk.dev, ro, 16 << 20, test_now, &v, &why);
	if (err)
		printf("mount: %d %s\n", err, why);
	CHECK_EQ(err, 0);
	return v;
}

static void unmount(struct fat_vol *v)
{
	CHECK_EQ(fat_unmount(v), 0);
	filedisk_close(&disk);
}

/* The file at path holds exactly n bytes of fill(seed), read in odd pieces. */
static void check_file(struct fat_vol *v, const char *path, size_t n, unsigned seed)
{
	struct fat_node f;
	int err = fat_path(v, path, &f);
	CHECK_EQ(err, 0);
	if (err)
		return;
	CHECK_EQ(f.size, n);
	uint8_t *want = malloc(n + 1), *got = malloc(n + 1);
	fill(want, n, seed);
	size_t off = 0;
	while (off < n) {
		size_t k = 1 + (off * 7 + 3001) % 9000;
		int64_t r = fat_read(v, &f, got + off, k, off);
		CHECK(r > 0);
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	CHECK_EQ(fat_read(v, &f, got, 10, n), 0);
	CHECK(memcmp(want, got, n) == 0);
	free(want);
	free(got);
}

/* The output of a shell command (trailing text kept), sorted lines if sort. */
static char *capture(const char *cmd)
{
	char *out = NULL;
	size_t len = 0;
	FILE *p = popen(cmd, "r");
	CHECK(p != NULL);
	if (getdelim(&out, &len, 0, p) < 0) {
		free(out);
		out = strdup("");
	}
	pclose(p);
	return out;
}

/* Our listing, sorted like `sort`. */
static char *our_list(struct fat_vol *v)
{
	char *out = NULL, path[256];
	size_t len = 0;
	struct fat_node root;
	fat_root(v, &root);
	CHECK_EQ(fat_list(v, &root, "::", &out, &len), 0);
	snprintf(path, sizeof path, "%s/ours.txt", dir);
	FILE *f = fopen(path, "w");
	if (out)
		fputs(out, f);
	fclose(f);
	free(out);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "LC_ALL=C sort %s/ours.txt", dir);
	return capture(cmd);
}

static char *mtools_list(const char *img)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "mdir -b -/ -i %s/%s :: | LC_ALL=C sort", dir, img);
	return capture(cmd);
}

static void read_image(int type, const char *size, size_t big)
{
	setup();
	CHECK_EQ(sh("mkfs.fat -F %d -C %s/img %s >/dev/null", type, dir, size), 0);
	host_file("small.txt", 100, 1);
	host_file("Ünïcödé ☃ name.bin", 5000, 2);
	host_file("big.bin", big, 3);
	host_file("empty", 0, 4);
	CHECK_EQ(sh("cd %s && mmd -i img ::/dir ::/dir/sub && mcopy -i img small.txt "
		    "'Ünïcödé ☃ name.bin' empty :: && mcopy -i img big.bin ::/dir/sub/",
		    dir),
		 0);
	for (int i = 0; i < 40; i++) { /* past the first cluster of /dir */
		char name[64];
		snprintf(name, sizeof name, "a rather long file name %02d.dat", i);
		host_file(name, (size_t)i * 37, 100 + (unsigned)i);
		CHECK_EQ(sh("cd %s && mcopy -i img '%s' ::/dir/", dir, name), 0);
	}
	struct fat_vol *v = mount_img("img", true);
	if (!v)
		return;
	struct fat_statfs st;
	fat_statfs(v, &st);
	CHECK_EQ(st.type, type);
	char *ours = our_list(v), *theirs = mtools_list("img");
	CHECK_STR(ours, theirs);
	free(ours), free(theirs);
	check_file(v, "/small.txt", 100, 1);
	check_file(v, "/SMALL.TXT", 100, 1); /* names match without regard to case */
	check_file(v, "/Ünïcödé ☃ name.bin", 5000, 2);
	check_file(v, "/dir/sub/big.bin", big, 3);
	check_file(v, "/empty", 0, 4);
	for (int i = 0; i < 40; i += 13) {
		char name[64];
		snprintf(name, sizeof name, "/dir/a rather long file name %02d.dat", i);
		check_file(v, name, (size_t)i * 37, 100 + (unsigned)i);
	}
	struct fat_node n;
	CHECK_EQ(fat_path(v, "/nothere", &n), -ENOENT);
	CHECK_EQ(fat_path(v, "/small.txt/x", &n), -ENOTDIR);
	/* A read-only volume refuses every change and writes nothing. */
	fat_root(v, &n);
	struct fat_node out;
	CHECK_EQ(fat_create(v, &n, "new", 3, false, &out), -EROFS);
	CHECK_EQ(fat_path(v, "/small.txt", &n), 0);
	CHECK_EQ(fat_write(v, &n, "x", 1, 0), -EROFS);
	CHECK_EQ(fat_truncate(v, &n, 0), -EROFS);
	unmount(v);
	CHECK_EQ(disk.writes, 0);
	cleanup();
}

TEST(fat32_reads_what_mtools_wrote) { read_image(32, "65536", 1500000); }
TEST(fat16_reads_what_mtools_wrote) { read_image(16, "16384", 1500000); }
TEST(fat12_reads_what_mtools_wrote) { read_image(12, "2048", 300000); }

static int create(struct fat_vol *v, const char *parent, const char *name, bool is_dir,
		  struct fat_node *out)
{
	struct fat_node d;
	int err = fat_path(v, parent, &d);
	return err ? err : fat_create(v, &d, name, strlen(name), is_dir, out);
}

static void put_file(struct fat_vol *v, const char *parent, const char *name, size_t n,
		     unsigned seed)
{
	struct fat_node f;
	CHECK_EQ(create(v, parent, name, false, &f), 0);
	uint8_t *b = malloc(n + 1);
	fill(b, n, seed);
	for (size_t off = 0; off < n;) {
		size_t k = n - off < 7777 ? n - off : 7777;
		CHECK_EQ(fat_write(v, &f, b + off, k, off), (int64_t)k);
		off += k;
	}
	free(b);
}

/* The host copy of ::path (via mcopy) is n bytes of fill(seed). */
static void check_mcopy(const char *img, const char *path, size_t n, unsigned seed)
{
	char out[256];
	snprintf(out, sizeof out, "%s/out.bin", dir);
	unlink(out);
	CHECK_EQ(sh("mcopy -n -i %s/%s '::%s' %s", dir, img, path, out), 0);
	FILE *f = fopen(out, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	uint8_t *want = malloc(n + 1), *got = malloc(n + 2);
	fill(want, n, seed);
	CHECK_EQ(fread(got, 1, n + 1, f), n);
	CHECK(memcmp(want, got, n) == 0);
	fclose(f);
	free(want), free(got);
}

static void write_image(int type, const char *size, size_t big)
{
	setup();
	CHECK_EQ(sh("mkfs.fat -F %d -C %s/img %s >/dev/null", type, dir, size), 0);
	struct fat_vol *v = mount_img("img", false);
	if (!v)
		return;
	struct fat_node d, f, g;
	CHECK_EQ(create(v, "/", "Docs", true, &d), 0);
	CHECK_EQ(create(v, "/Docs", "nested", true, &d), 0);
	CHECK_EQ(create(v, "/Docs/nested", "deeper still", true, &d), 0);
	put_file(v, "/", "README.TXT", 1000, 1);
	put_file(v, "/", "lower.txt", 10, 2);
	put_file(v, "/Docs", "Größenänderung – 日本語 ☃.txt", 3000, 3);
	put_file(v, "/Docs/nested/deeper still", "big.bin", big, 4);
	put_file(v, "/", "a name that is much longer than thirteen characters.tar.gz", 1, 5);
	put_file(v, "/", "gone", 5000, 6);
	put_file(v, "/", "target", 10, 7);
	put_file(v, "/", "source", 20, 8);
	CHECK_EQ(create(v, "/", "lower.txt", false, &f), -EEXIST);
	CHECK_EQ(create(v, "/", "LOWER.TXT", false, &f), -EEXIST);
	CHECK_EQ(create(v, "/", "bad:name", false, &f), -EINVAL);
	CHECK_EQ(create(v, "/", "trailing.", false, &f), -EINVAL);
	/* Alike names get distinct aliases (~1.., then hashed ones). */
	for (int i = 0; i < 12; i++) {
		char name[64];
		snprintf(name, sizeof name, "Alike long name %d.text", i);
		put_file(v, "/Docs", name, (size_t)i, 20 + (unsigned)i);
	}
	/* unlink */
	CHECK_EQ(fat_path(v, "/gone", &f), 0);
	CHECK_EQ(fat_remove(v, &f), 0);
	CHECK_EQ(fat_release(v, &f), 0);
	CHECK_EQ(fat_path(v, "/gone", &f), -ENOENT);
	/* rename across directories, then over an existing file */
	struct fat_node docs, root;
	fat_root(v, &root);
	CHECK_EQ(fat_path(v, "/Docs", &docs), 0);
	CHECK_EQ(fat_path(v, "/lower.txt", &f), 0);
	CHECK_EQ(fat_rename(v, &f, &docs, "moved and renamed.txt", 21, NULL), 0);
	CHECK_EQ(fat_path(v, "/source", &f), 0);
	CHECK_EQ(fat_path(v, "/target", &g), 0);
	CHECK_EQ(fat_rename(v, &f, &root, "target", 6, NULL), -EEXIST);
	CHECK_EQ(fat_remove(v, &g), 0);
	CHECK_EQ(fat_release(v, &g), 0);
	CHECK_EQ(fat_rename(v, &f, &root, "target", 6, NULL), 0);
	/* a case-only rename in place */
	CHECK_EQ(fat_path(v, "/README.TXT", &f), 0);
	CHECK_EQ(fat_rename(v, &f, &root, "ReadMe.txt", 10, NULL), 0);
	/* a directory moved up: its ".." follows */
	CHECK_EQ(fat_path(v, "/Docs/nested/deeper still", &d), 0);
	CHECK_EQ(fat_path(v, "/Docs/nested", &g), 0);
	CHECK_EQ(fat_rename(v, &g, &d, "loop", 4, NULL), -EINVAL);
	CHECK_EQ(fat_rename(v, &d, &root, "deeper", 6, NULL), 0);
	/* rmdir */
	CHECK_EQ(fat_path(v, "/Docs/nested", &d), 0);
	CHECK_EQ(fat_dir_empty(v, &docs), -ENOTEMPTY);
	CHECK_EQ(fat_dir_empty(v, &d), 0);
	CHECK_EQ(fat_remove(v, &d), 0);
	CHECK_EQ(fat_release(v, &d), 0);
	/* truncate: grow with zeros, shrink */
	CHECK_EQ(create(v, "/", "sparse", false, &f), 0);
	CHECK_EQ(fat_write(v, &f, "abc", 3, 0), 3);
	CHECK_EQ(fat_write(v, &f, "xyz", 3, 70000), 3);
	CHECK_EQ(f.size, 70003);
	CHECK_EQ(create(v, "/", "shrunk", false, &g), 0);
	uint8_t buf[20000];
	fill(buf, sizeof buf, 9);
	CHECK_EQ(fat_write(v, &g, buf, sizeof buf, 0), (int64_t)sizeof buf);
	CHECK_EQ(fat_truncate(v, &g, 100), 0);
	CHECK_EQ(fat_truncate(v, &g, 3000), 0);
	/* 4 GiB - 1 is the limit */
	CHECK_EQ(fat_truncate(v, &g, 1ull << 32), -EFBIG);
	CHECK_EQ(fat_write(v, &g, "x", 1, 0xFFFFFFFFull), -EFBIG);
	CHECK_EQ(fat_set_mtime(v, &g, 981173106), 0); /* 2001-02-03 04:05:06 UTC */
	unmount(v);

	CHECK_EQ(sh("fsck.fat -n %s/img >%s/fsck.txt 2>&1 || cat %s/fsck.txt", dir, dir, dir), 0);
	char want[4096];
	snprintf(want, sizeof want,
		 "::/Docs/\n::/Docs/Alike long name 0.text\n::/Docs/Alike long name 1.text\n"
		 "::/Docs/Alike long name 10.text\n::/Docs/Alike long name 11.text\n"
		 "::/Docs/Alike long name 2.text\n::/Docs/Alike long name 3.text\n"
		 "::/Docs/Alike long name 4.text\n::/Docs/Alike long name 5.text\n"
		 "::/Docs/Alike long name 6.text\n::/Docs/Alike long name 7.text\n"
		 "::/Docs/Alike long name 8.text\n::/Docs/Alike long name 9.text\n"
		 "::/Docs/Größenänderung – 日本語 ☃.txt\n::/Docs/moved and renamed.txt\n"
		 "::/ReadMe.txt\n"
		 "::/a name that is much longer than thirteen characters.tar.gz\n"
		 "::/deeper/\n::/deeper/big.bin\n::/shrunk\n::/sparse\n::/target\n");
	char *theirs = mtools_list("img");
	CHECK_STR(theirs, want);
	free(theirs);
	check_mcopy("img", "/Docs/Größenänderung – 日本語 ☃.txt", 3000, 3);
	check_mcopy("img", "/deeper/big.bin", big, 4);
	check_mcopy("img", "/Docs/moved and renamed.txt", 10, 2);
	check_mcopy("img", "/target", 20, 8);
	check_mcopy("img", "/ReadMe.txt", 1000, 1);
	check_mcopy("img", "/Docs/Alike long name 11.text", 11, 31);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "mdir -i %s/img ::/shrunk | grep -c ' 3000 2001-02-03   4:05'", dir);
	char *line = capture(cmd);
	CHECK_STR(line, "1\n");
	free(line);
	/* sparse: "abc", zeros, "xyz" */
	CHECK_EQ(sh("mcopy -n -i %s/img ::/sparse %s/sparse && "
		    "test \"$(od -An -tx1 -j3 -N69997 -v %s/sparse | tr -d ' \\n' | tr -d 0)\" = '' && "
		    "test \"$(head -c3 %s/sparse)\" = abc && test \"$(tail -c3 %s/sparse)\" = xyz",
		    dir, dir, dir, dir, dir),
		 0);
	/* mtools writes into what we made, and we read it back */
	host_file("host.bin", 12345, 40);
	CHECK_EQ(sh("cd %s && mcopy -i img host.bin ::/deeper/ && mren -i img ::/target ::/renamed",
		    dir),
		 0);
	v = mount_img("img", true);
	check_file(v, "/deeper/host.bin", 12345, 40);
	check_file(v, "/renamed", 20, 8);
	unmount(v);
	cleanup();
}

TEST(fat32_writes_what_mtools_and_fsck_accept) { write_image(32, "65536", 3000000); }
TEST(fat16_writes_what_mtools_and_fsck_accept) { write_image(16, "16384", 1000000); }
TEST(fat12_writes_what_mtools_and_fsck_accept) { write_image(12, "2048", 200000); }

TEST(fat32_ten_thousand_files_in_one_directory)
{
	setup();
	CHECK_EQ(sh("mkfs.fat -F 32 -C %s/img 65536 >/dev/null", dir), 0);
	struct fat_vol *v = mount_img("img", false);
	if (!v)
		return;
	struct fat_node d, f;
	CHECK_EQ(create(v, "/", "many", true, &d), 0);
	for (int i = 0; i < 10000; i++) {
		char name[64], body[16];
		snprintf(name, sizeof name, "file number %05d.txt", i);
		snprintf(body, sizeof body, "%d", i);
		int err = fat_create(v, &d, name, strlen(name), false, &f);
		if (err) {
			CHECK_EQ(err, 0);
			break;
		}
		CHECK_EQ(fat_write(v, &f, body, strlen(body), 0), (int64_t)strlen(body));
	}
	CHECK_EQ(fat_create(v, &d, "file number 04711.txt", 21, false, &f), -EEXIST);
	uint32_t pos = 0, count = 0;
	char name[FAT_UTF8_MAX + 1];
	while (fat_readdir(v, &d, &pos, name, &f) == 1)
		count++;
	CHECK_EQ(count, 10000);
	unmount(v);
	CHECK_EQ(sh("fsck.fat -n %s/img >%s/fsck.txt 2>&1 || cat %s/fsck.txt", dir, dir, dir), 0);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "mdir -b -i %s/img ::/many | grep -c 'file number [0-9]*.txt$'",
		 dir);
	char *n = capture(cmd);
	CHECK_STR(n, "10000\n");
	free(n);
	snprintf(cmd, sizeof cmd, "mtype -i %s/img '::/many/file number 09999.txt'", dir);
	n = capture(cmd);
	CHECK_STR(n, "9999");
	free(n);
	cleanup();
}

TEST(fat32_full_disk_is_enospc_and_stays_consistent)
{
	setup();
	/* The smallest FAT32: 512-byte clusters, about 33 MiB. */
	CHECK_EQ(sh("mkfs.fat -F 32 -s 1 -C %s/img 34000 >/dev/null", dir), 0);
	struct fat_vol *v = mount_img("img", false);
	if (!v)
		return;
	struct fat_node f, d;
	static uint8_t chunk[65536];
	fill(chunk, sizeof chunk, 50);
	CHECK_EQ(create(v, "/", "filler", false, &f), 0);
	uint64_t off = 0;
	int64_t r;
	while ((r = fat_write(v, &f, chunk, sizeof chunk, off)) > 0)
		off += (uint64_t)r;
	CHECK_EQ(r, -ENOSPC);
	CHECK_EQ(f.size, off);
	struct fat_statfs st;
	fat_statfs(v, &st);
	CHECK_EQ(st.free, 0);
	/* Empty files still fit in the root's free slots; directories do not. */
	CHECK_EQ(create(v, "/", "empty", false, &d), 0);
	CHECK_EQ(create(v, "/", "dir", true, &d), -ENOSPC);
	CHECK_EQ(fat_path(v, "/dir", &d), -ENOENT);
	CHECK_EQ(fat_truncate(v, &f, off + 10000), -ENOSPC);
	CHECK_EQ(f.size, off);
	unmount(v);
	CHECK_EQ(sh("fsck.fat -n %s/img >%s/fsck.txt 2>&1 || cat %s/fsck.txt", dir, dir, dir), 0);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "mcopy -n -i %s/img ::/filler %s/filler && stat -c %%s %s/filler",
		 dir, dir, dir);
	char *n = capture(cmd);
	char want[64];
	snprintf(want, sizeof want, "%llu\n", (unsigned long long)off);
	CHECK_STR(n, want);
	free(n);
	/* Space freed comes back. */
	v = mount_img("img", false);
	CHECK_EQ(fat_path(v, "/filler", &f), 0);
	CHECK_EQ(fat_truncate(v, &f, 1000), 0);
	CHECK_EQ(create(v, "/", "dir", true, &d), 0);
	fat_statfs(v, &st);
	CHECK(st.free > 60000);
	unmount(v);
	CHECK_EQ(sh("fsck.fat -n %s/img >%s/fsck.txt 2>&1 || cat %s/fsck.txt", dir, dir, dir), 0);
	cleanup();
}

TEST(fat_refuses_what_is_not_fat)
{
	setup();
	CHECK_EQ(sh("head -c 1048576 /dev/zero >%s/zero && mkfs.fat -F 32 -C %s/img 65536 "
		    ">/dev/null && printf '\\000\\000' | dd of=%s/img bs=1 seek=11 conv=notrunc "
		    "2>/dev/null",
		    dir, dir, dir),
		 0);
	const char *names[] = {"zero", "img"};
	for (int i = 0; i < 2; i++) {
		char path[256];
		struct fat_vol *v = NULL;
		const char *why = NULL;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		CHECK(filedisk_open(&disk, path, false));
		CHECK_EQ(fat_mount(&disk.dev, false, 65536, test_now, &v, &why), -EINVAL);
		CHECK(why != NULL && why[0]);
		CHECK_EQ(disk.writes, 0);
		filedisk_close(&disk);
	}
	cleanup();
}

/* A file removed while open keeps working on its clusters, and its writes
 * never touch the entry slot a new file took (regression: they changed the
 * new file's size and first cluster). */
TEST(fat_removed_file_writes_do_not_touch_a_reused_slot)
{
	setup();
	CHECK_EQ(sh("mkfs.fat -F 32 -C %s/img 40000 >/dev/null", dir), 0);
	struct fat_vol *v = mount_img("img", false);
	if (!v)
		return;
	struct fat_node a, b, root;
	fat_root(v, &root);
	put_file(v, "/", "a", 3000, 1);
	CHECK_EQ(fat_path(v, "/a", &a), 0);
	CHECK_EQ(fat_remove(v, &a), 0);
	put_file(v, "/", "b", 100, 2);
	CHECK_EQ(fat_path(v, "/b", &b), 0);
	CHECK_EQ(b.sfn_off, a.sfn_off); /* the slot was reused */
	uint8_t buf[5000];
	fill(buf, sizeof buf, 3);
	CHECK_EQ(fat_write(v, &a, buf, sizeof buf, 0), (int64_t)sizeof buf);
	CHECK_EQ(fat_read(v, &a, buf, 10, 4990), 10);
	CHECK_EQ(fat_rename(v, &a, &root, "again", 5, NULL), -ENOENT);
	CHECK_EQ(fat_release(v, &a), 0);
	unmount(v);
	CHECK_EQ(sh("fsck.fat -n %s/img >%s/fsck.txt 2>&1 || cat %s/fsck.txt", dir, dir, dir), 0);
	check_mcopy("img", "/b", 100, 2);
	cleanup();
}

/* The image's bytes, to damage by hand as another system might: read by
 * image_load, the changed span at e written back by image_store. */
static uint8_t image[40000 * 1024];
static size_t image_load(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/img", dir);
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	size_t n = f ? fread(image, 1, sizeof image, f) : 0;
	if (f)
		fclose(f);
	return n;
}
static void image_store(const uint8_t *e, size_t len)
{
	char path[128];
	snprintf(path, sizeof path, "%s/img", dir);
	FILE *f = fopen(path, "r+b");
	CHECK(f != NULL);
	if (!f)
		return;
	fseek(f, e - image, SEEK_SET);
	CHECK_EQ(fwrite(e, 1, len, f), len);
	fclose(f);
}

TEST(fat_readdir_skips_a_damaged_entry_not_the_rest)
{
	setup();
	CHECK_EQ(sh("mkfs.fat -F 32 -C %s/img 40000 >/dev/null", dir), 0);
	struct fat_vol *v = mount_img("img", false);
	if (!v)
		return;
	put_file(v, "/", "A", 10, 1); /* 8.3 names: no long-name slots */
	put_file(v, "/", "B", 10, 2);
	put_file(v, "/", "C", 10, 3);
	unmount(v);
	/* b's entry ("B" and ten spaces) points far outside the volume */
	size_t n = image_load();
	uint8_t *e = memmem(image, n, "B          ", 11);
	CHECK(e != NULL);
	if (!e)
		return;
	e[20] = 0xff, e[21] = 0x00, e[26] = 0xf0, e[27] = 0xff;
	image_store(e, 32);

	v = mount_img("img", false);
	if (!v)
		return;
	struct fat_node root, node;
	char name[FAT_UTF8_MAX + 1], seen[16] = "";
	uint32_t pos = 0;
	fat_root(v, &root);
	while (fat_readdir(v, &root, &pos, name, &node) == 1)
		strncat(seen, name, sizeof seen - strlen(seen) - 1);
	CHECK_STR(seen, "AC");
	CHECK_EQ(fat_path(v, "/B", &node), -EIO);
	CHECK_EQ(fat_path(v, "/C", &node), 0);
	unmount(v);
	cleanup();
}

TEST(fat_rename_refuses_to_move_a_directory_without_dotdot)
{
	setup();
	CHECK_EQ(sh("mkfs.fat -F 32 -C %s/img 40000 >/dev/null", dir), 0);
	struct fat_vol *v = mount_img("img", false);
	if (!v)
		return;
	struct fat_node d, e;
	CHECK_EQ(create(v, "/", "D", true, &d), 0);
	CHECK_EQ(create(v, "/", "E", true, &e), 0);
	uint32_t dclus = d.clus;
	unmount(v);
	/* D's first cluster starts ".", then "..": make its ".." a file's
	 * entry, which the move must not overwrite */
	size_t n = image_load();
	uint8_t *dot = NULL, *m = image;
	for (size_t off = 0; off + 64 <= n; off += 32, m += 32)
		if (!memcmp(m, ".          ", 11) &&
		    (uint32_t)(m[26] | m[27] << 8 | m[20] << 16 | m[21] << 24) == dclus)
			dot = m;
	CHECK(dot != NULL);
	if (!dot)
		return;
	memcpy(dot + 32, "NOTDOTS TXT", 11);
	dot[32 + 11] = 0x20;
	image_store(dot + 32, 32);

	v = mount_img("img", false);
	if (!v)
		return;
	CHECK_EQ(fat_path(v, "/D", &d), 0);
	CHECK_EQ(fat_path(v, "/E", &e), 0);
	CHECK_EQ(fat_rename(v, &d, &e, "D", 1, NULL), -EIO);
	CHECK_EQ(fat_path(v, "/D", &d), 0); /* still where it was */
	CHECK_EQ(fat_path(v, "/E/D", &d), -ENOENT);
	unmount(v);
	cleanup();
}

TEST(fat_extend_zeroes_a_chain_longer_than_its_file)
{
	setup();
	CHECK_EQ(sh("mkfs.fat -F 32 -C %s/img 40000 >/dev/null", dir), 0);
	struct fat_vol *v = mount_img("img", false);
	if (!v)
		return;
	enum { BIG = 65536 };
	put_file(v, "/", "F", BIG, 5); /* a chain of 64 KiB of data */
	unmount(v);
	/* another system's image: the entry says 10 bytes, the chain holds
	 * 64 KiB of old data */
	size_t n = image_load();
	uint8_t *e = memmem(image, n, "F          ", 11);
	CHECK(e != NULL);
	if (!e)
		return;
	e[28] = 10, e[29] = e[30] = e[31] = 0;
	image_store(e, 32);

	v = mount_img("img", false);
	if (!v)
		return;
	struct fat_node node;
	static uint8_t got[BIG], want[BIG];
	CHECK_EQ(fat_path(v, "/F", &node), 0);
	CHECK_EQ(fat_truncate(v, &node, BIG - 100), 0); /* grown by truncate */
	CHECK_EQ(fat_write(v, &node, "x", 1, BIG - 1), 1); /* and by a write past the end */
	CHECK_EQ(fat_read(v, &node, got, BIG, 0), BIG);
	fill(want, BIG, 5);
	memset(want + 10, 0, BIG - 10);
	want[BIG - 1] = 'x';
	CHECK(!memcmp(got, want, BIG));
	unmount(v);
	cleanup();
}

TEST(fat_replacing_rename_that_fails_keeps_the_target)
{
	setup();
	/* FAT16 with a root of 16 entries, which cannot grow */
	CHECK_EQ(sh("mkfs.fat -F 16 -r 16 -C %s/img 16384 >/dev/null", dir), 0);
	struct fat_vol *v = mount_img("img", false);
	if (!v)
		return;
	struct fat_node src, victim, root;
	fat_root(v, &root);
	put_file(v, "/", "README.TXT", 3000, 1); /* one slot, as another system writes it */
	put_file(v, "/", "S", 10, 2);
	int made = 0, err = 0; /* fill the root with one-slot names */
	while (made < 4096 && !err) {
		char name[8];
		snprintf(name, sizeof name, "F%d", made++);
		err = create(v, "/", name, false, &src);
	}
	CHECK_EQ(err, -ENOSPC);
	/* "ReadMe.txt" replaces README.TXT but needs a long-name slot too:
	 * the one slot the target frees is not enough */
	CHECK_EQ(fat_path(v, "/S", &src), 0);
	CHECK_EQ(fat_path(v, "/README.TXT", &victim), 0);
	CHECK_EQ(fat_rename(v, &src, &root, "ReadMe.txt", 10, &victim), -ENOSPC);
	check_file(v, "/README.TXT", 3000, 1);
	check_file(v, "/S", 10, 2);
	/* a name that fits in the target's slots replaces it */
	CHECK_EQ(fat_path(v, "/S", &src), 0);
	CHECK_EQ(fat_path(v, "/README.TXT", &victim), 0);
	CHECK_EQ(fat_rename(v, &src, &root, "README.TXT", 10, &victim), 0);
	CHECK_EQ(fat_release(v, &victim), 0);
	check_file(v, "/README.TXT", 10, 2);
	CHECK_EQ(fat_path(v, "/S", &src), -ENOENT);
	unmount(v);
	CHECK_EQ(sh("fsck.fat -n %s/img >%s/fsck.txt 2>&1 || cat %s/fsck.txt", dir, dir, dir), 0);
	cleanup();
}
