/* Kernel-wide facilities: the command line, exit, and boot-time state. */
#ifndef BF_KERNEL_H
#define BF_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"

#define EXIT_KERNEL_PANIC 125

/* The boot information, copied from the loader's structure during boot. */
extern struct bootinfo boot_info;

/* Copy and parse the boot loader's information into boot_info; panics with
 * a clear message if it is missing, malformed or lacks a memory map. */
void boot_info_init(uint64_t magic, uint64_t info_phys);

/* Find "key" or "key=value" on the kernel command line. Returns true if
 * present; copies the value (empty for a bare key) into val. When the key
 * appears more than once, the last one wins. A value may be double-quoted,
 * with backslash escapes inside the quotes, to hold spaces. */
bool cmdline_get(const char *key, char *val, size_t size);

/* Split the words after "--" on the kernel command line into vec (at most
 * max entries), honouring double quotes and backslash escapes inside them:
 * the program's arguments, NULL, then, after a second unquoted "--", its
 * environment (*envc strings), NULL. buf (at least BOOT_CMDLINE_MAX bytes)
 * receives the strings. Returns argc (0 when there is no "--"), or -E2BIG. */
int cmdline_program_args(char *buf, size_t size, char **vec, int max, int *envc);

/* The program's arguments and environment from the boot archive's
 * CONTRACT_ARGS_ENTRY data (contract.h) into vec (max entries, at least the
 * number of NULs in data + 2): argv, NULL, envp, NULL; the strings stay in
 * data. Returns argc and *envc, or -EINVAL when malformed or vec is short. */
int cmdline_archive_args(const char *data, size_t size, char **vec, size_t max, int *envc);

/* Where disk n (serial CONTRACT_DISK_SERIAL "n") is to be mounted: the
 * command-line word "diskN=DIR:rw|ro" (contract.h). Copies DIR into dir
 * (size bytes) and sets *read_only. 0, -ENOENT without the word, -EINVAL for
 * a malformed one or a DIR that does not fit. */
int cmdline_disk(unsigned n, char *dir, size_t size, bool *read_only);

/* Run the program given as the first boot module with the arguments after
 * "--"; kernel messages go to the log meanwhile. Returns its exit status. */
int run_program(void);

/* Leave the machine with `status` (0..255): QEMU's isa-debug-exit if present,
 * else ACPI S5 power-off; halts forever only if both are missing. The status
 * is also written to the log as "bareflow-exit-status N". */
__attribute__((noreturn)) void power_off(int status);

/* The default demo: a short boot report (CPU, features, memory). */
void demo_boot_report(void);
/* Trigger the deliberate failure named by crash=KIND: a CPU exception (pf,
 * ud, gp, de, df) or a heap double free (double-free). Never returns. */
void demo_crash(const char *kind);

#endif
