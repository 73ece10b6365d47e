/* The host-guest contract (contract.h) end to end on the host: the CLI's
 * writers (disk words on the kernel command line, the archive's argument
 * entry) read back by the kernel's own readers (kernel/kern/cmdline.c), and
 * the exit-status mapping both ways for every status. */
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "harness.h"
#include "kernel.h"
#include "kerrno.h"

struct bootinfo boot_info;

void panic(const char *fmt, ...)
{
	fprintf(stderr, "panic: %s\n", fmt);
	abort();
}

static char dir[] = "/tmp/bf-contract-XXXXXX";

/* A 1 MiB image file in dir. */
static const char *image(const char *name)
{
	static char paths[8][128];
	static int n;
	char *p = paths[n++ % 8];
	snprintf(p, 128, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs("x", f);
		fclose(f);
	}
	return p;
}

static void set_cmdline(const char *s)
{
	snprintf(boot_info.cmdline, sizeof boot_info.cmdline, "%s", s);
}

TEST(disk_words_reach_the_kernel)
{
	struct disk_spec d[4];
	const char *vals[4] = {"a.img", "b.img:/data/x/../y/", "c.img", "d.img:/disk"};
	char words[CONTRACT_CMDLINE_MAX], line[CONTRACT_CMDLINE_MAX], val[64];

	CHECK(mkdtemp(dir) != NULL);
	for (int i = 0; i < 4; i++) {
		char spec[256];
		const char *colon = strchr(vals[i], ':');
		char name[16];
		snprintf(name, sizeof name, "%.*s", (int)(colon ? colon - vals[i] : (long)strlen(vals[i])), vals[i]);
		snprintf(spec, sizeof spec, "%s%s", image(name), colon ? colon : "");
		CHECK(cli_disk_parse(spec, i == 1, &d[i]) == NULL);
	}
	CHECK_EQ(cli_disk_check(d, 4), 0);
	CHECK_EQ(cli_disk_words(d, 4, words, sizeof words), 0);
	snprintf(line, sizeof line, "%s tty=12 winsize=80x24 %s", CONTRACT_WORD_RUN, words);
	set_cmdline(line);

	static const struct {
		const char *dir;
		bool ro;
	} want[4] = {{"/disk1", false}, {"/data/y", true}, {"/disk2", false}, {"/disk", false}};
	for (unsigned i = 0; i < 4; i++) {
		char got[CONTRACT_DISK_DIR_MAX + 1];
		bool ro = !want[i].ro;
		CHECK_EQ(cmdline_disk(i, got, sizeof got, &ro), 0);
		CHECK_STR(got, want[i].dir);
		CHECK_EQ(ro, want[i].ro);
	}
	char got[8];
	bool ro;
	CHECK_EQ(cmdline_disk(4, got, sizeof got, &ro), -ENOENT);
	CHECK_EQ(cmdline_disk(1, got, 4, &ro), -EINVAL); /* "/data/y" does not fit */
	CHECK(cmdline_get(CONTRACT_WORD_RUN, NULL, 0));
	CHECK(cmdline_get(CONTRACT_WORD_TTY, val, sizeof val));
	CHECK_STR(val, "12");

	/* The serial QEMU is given names the word's number. */
	CHECK(strstr(d[2].device, "serial=" CONTRACT_DISK_SERIAL "2") != NULL);
	CHECK(strstr(d[1].drive, ",readonly=on") != NULL);
	for (int i = 0; i < 4; i++) {
		unlink(d[i].image);
		cli_disk_free(&d[i]);
	}
	rmdir(dir);
}

TEST(malformed_disk_words_are_refused)
{
	static const char *bad[] = {"disk0=rel:rw", "disk0=/x:rx", "disk0=/x", "disk0=/:r",
				    "disk0=/a:b:rw", "disk0=\"/a b:rw\"", "disk0=:rw", "disk0="};
	char got[64];
	bool ro;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		set_cmdline(bad[i]);
		CHECK_EQ(cmdline_disk(0, got, sizeof got, &ro), -EINVAL);
	}
	set_cmdline("disk0=/a:rw -- disk1=/b:rw");
	CHECK_EQ(cmdline_disk(1, got, sizeof got, &ro), -ENOENT); /* the program's words */
}

TEST(archive_arguments_reach_the_kernel)
{
	const char *argv[] = {"prog", "", "two words", "quote\"d", "--", "ünïcode", "back\\slash"};
	const char *envp[] = {"A=1", "EMPTY=", "PATH=/bin:/usr/bin"};
	struct cli_cpio *a = cli_cpio_new();
	size_t len;
	char *vec[16];
	int envc = -1;

	CHECK(a != NULL);
	CHECK_EQ(cli_cpio_set_args(a, "/home/me", "/bin/prog", 7, argv, 3, envp), 0);
	const char *data = cli_cpio_args(a, &len);
	CHECK(data != NULL);
	char *copy = malloc(len);
	memcpy(copy, data, len);
	CHECK_EQ(cmdline_archive_args(copy, len, vec, 16, &envc), 7);
	CHECK_EQ(envc, 3);
	for (int i = 0; i < 7; i++)
		CHECK_STR(vec[i], argv[i]);
	CHECK(vec[7] == NULL);
	for (int i = 0; i < 3; i++)
		CHECK_STR(vec[8 + i], envp[i]);
	CHECK(vec[11] == NULL);
	/* Too small a vector, a missing final NUL: refused. */
	CHECK_EQ(cmdline_archive_args(copy, len, vec, 12, &envc), -EINVAL);
	CHECK_EQ(cmdline_archive_args(copy, len - 1, vec, 16, &envc), -EINVAL);
	/* argc larger than the strings there are, or not a number. */
	static const char over[] = "/\0/p\0" "3\0a\0b";
	CHECK_EQ(cmdline_archive_args(over, sizeof over, vec, 16, &envc), -EINVAL);
	static const char nan[] = "/\0/p\0" "1x\0a";
	CHECK_EQ(cmdline_archive_args(nan, sizeof nan, vec, 16, &envc), -EINVAL);
	free(copy);
	cli_cpio_free(a);
}

TEST(exit_status_round_trip)
{
	for (int s = 0; s <= 255; s++) {
		unsigned v = contract_exit_value(s);
		int qemu = (int)((v << 1) | 1) & 0xff; /* isa-debug-exit, an 8-bit status */
		if (s <= CONTRACT_EXIT_DIRECT_MAX) {
			CHECK_EQ(contract_status_from_qemu(qemu), s);
		} else {
			CHECK_EQ(qemu, CONTRACT_QEMU_SEE_LOG);
			CHECK_EQ(contract_status_from_qemu(qemu), -1);
		}
	}
	CHECK_EQ(contract_status_from_qemu(0), -1); /* reset or ACPI off */
	CHECK_EQ(contract_status_from_qemu(1), -1); /* QEMU's own error */
	CHECK_EQ(contract_status_from_qemu(2), -1);
	CHECK_EQ(contract_exit_value(-1), CONTRACT_EXIT_SEE_LOG);
}
