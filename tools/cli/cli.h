/* The bareflow CLI: shared types between argument parsing, images and QEMU. */
#ifndef BF_CLI_H
#define BF_CLI_H

#include <stdbool.h>

/* Exit statuses of the CLI itself, beyond the guest's own. */
#define CLI_EXIT_USAGE 2
#define CLI_EXIT_TIMEOUT 124
#define CLI_EXIT_FAILURE 125

struct boot_options {
	unsigned long long mem_mib; /* guest RAM */
	int timeout;                /* seconds; 0 = none */
	const char *cmdline;        /* kernel command line, may be empty */
	bool iso;                   /* boot the GRUB ISO instead of -kernel */
	bool verbose;
};

/* Absolute path of the repository root (the CLI lives in ROOT/build/). */
const char *cli_root(void);

/* Print "bareflow: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parse a memory size such as 512M, 2G, 64G or 1048576K into MiB.
 * Returns 0, or -1 if the text is not a positive whole number of MiB with a
 * K, M, G or T suffix (M when there is none).
 */
int cli_parse_size(const char *text, unsigned long long *mib);

/*
 * Boot the kernel (or ISO) in QEMU with the guest's COM1 on our stdout and
 * wait for it. Returns the exit status bareflow should exit with: the guest's
 * own status, 124 on timeout, 125 when QEMU failed or the guest reset
 * without reporting one.
 */
int cli_boot(const struct boot_options *opt);

/*
 * Build a GRUB ISO that boots the kernel with `cmdline` into a new temporary
 * directory. Returns the ISO's path (caller frees, and calls cli_iso_cleanup)
 * or NULL after printing why.
 */
char *cli_iso_build(const char *cmdline);
void cli_iso_cleanup(char *iso_path);

#endif
