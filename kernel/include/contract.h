/*
 * The contract between the host CLI (tools/cli) and the kernel: how the CLI
 * hands over a program and its disks, and how the kernel hands back the exit
 * status. Both sides include this file (the kernel freestanding, the CLI
 * hosted), so it holds macros and pure inline functions only. How the
 * program's output streams are framed is in hoststatus.h, included here.
 */
#ifndef BF_CONTRACT_H
#define BF_CONTRACT_H

#include "hoststatus.h"

#define CONTRACT_STR_(x) #x
#define CONTRACT_STR(x) CONTRACT_STR_(x)

/* The most CPUs the kernel runs (--cpus); an address space's mask of the
 * CPUs that loaded it is 64 bits. */
#define CONTRACT_CPUS_MAX 64

/* ---- Exit status ----
 * The kernel writes contract_exit_value(status) to QEMU's isa-debug-exit
 * port, which makes QEMU exit with (value << 1) | 1: 2 * status + 3 for the
 * statuses 0..CONTRACT_EXIT_DIRECT_MAX, never 0 (a triple fault, an ACPI
 * power-off) or 1 (QEMU's own errors). Larger statuses (126, 128+signal) do
 * not fit: the kernel writes CONTRACT_EXIT_SEE_LOG (QEMU exits 255) and the
 * status is the last CONTRACT_STATUS_LINE "N" line of the debug-console log. */
#define CONTRACT_EXIT_PORT 0xf4
#define CONTRACT_EXIT_DEVICE "isa-debug-exit,iobase=" CONTRACT_STR(CONTRACT_EXIT_PORT) ",iosize=0x04"
#define CONTRACT_EXIT_DIRECT_MAX 125
#define CONTRACT_EXIT_SEE_LOG 127
#define CONTRACT_QEMU_SEE_LOG 255 /* QEMU's exit status for CONTRACT_EXIT_SEE_LOG */
#define CONTRACT_STATUS_LINE "bareflow-exit-status "

/* The value the kernel writes to the exit port for status 0..255. */
static inline unsigned contract_exit_value(int status)
{
	return status >= 0 && status <= CONTRACT_EXIT_DIRECT_MAX ? (unsigned)status + 1
								 : CONTRACT_EXIT_SEE_LOG;
}

/* The guest status in QEMU's exit status e, or -1 when e is not one (0, 1,
 * even values, or CONTRACT_QEMU_SEE_LOG: read the log). */
static inline int contract_status_from_qemu(int e)
{
	return e >= 3 && (e & 1) && e != CONTRACT_QEMU_SEE_LOG ? (e >> 1) - 1 : -1;
}

/* ---- The boot archive (a cpio "newc" boot module) ----
 * CONTRACT_ARGS_ENTRY is not a file: NUL-ended strings, the working
 * directory, the program's absolute path, argc in decimal, argc arguments,
 * then the environment. CONTRACT_STDIN_ENTRY, if present, is the program's
 * stdin. CONTRACT_SHARED_ENTRY stands for a file whose bytes are not in
 * the archive but in the memory of QEMU's shared-memory device
 * (ivshmem-plain, vendor CONTRACT_SHARED_VENDOR, device
 * CONTRACT_SHARED_DEVICE, BAR 2), which maps the host file: its header
 * carries the file's mode and mtime, its data the file's size in decimal
 * and its absolute path, each NUL-ended. At most one per archive. */
#define CONTRACT_ARGS_ENTRY "!bareflow-args"
#define CONTRACT_STDIN_ENTRY "!bareflow-stdin"
#define CONTRACT_SHARED_ENTRY "!bareflow-shared"
#define CONTRACT_SHARED_VENDOR 0x1af4
#define CONTRACT_SHARED_DEVICE 0x1110
#define CONTRACT_SHARED_BAR 2

/* ---- The kernel command line ----
 * Space-separated words, "key" or "key=value", at most CONTRACT_CMDLINE_MAX
 * bytes with the NUL; a value may be double-quoted with backslash escapes.
 * After a word "--": the program's arguments, then after a second "--" its
 * environment (for boot loaders without the archive's entry). */
#define CONTRACT_CMDLINE_MAX 1024
#define CONTRACT_WORD_RUN "run"           /* run the boot module's program */
#define CONTRACT_WORD_SELFTEST "selftest" /* selftest[=FILTER] */
#define CONTRACT_WORD_STRACE "strace"     /* trace system calls to stderr */
#define CONTRACT_WORD_TTY "tty"           /* tty=012: the terminals among fds 0-2 */
#define CONTRACT_WORD_WINSIZE "winsize"   /* winsize=COLSxROWS */
#define CONTRACT_WORD_EXE "exe"           /* exe=PATH, cwd=DIR: without the args entry */
#define CONTRACT_WORD_CWD "cwd"
#define CONTRACT_WORD_SAMPLE "sample"     /* sample=HZ: the sampling profiler */
/* The last CPU is the JIT runtime's, for its compiles: the program's
 * threads start without it, and the CPUs the program is told of
 * (/sys/devices/system/cpu) leave it out. */
#define CONTRACT_WORD_RUNTIME_CPU "runtimecpu"

/* ---- Samples (sample.h) ----
 * At the program's exit the kernel log holds one line per distinct stack,
 * CONTRACT_SAMPLE_LINE "COUNT FRAME;FRAME..." (the root first), then
 * CONTRACT_SAMPLE_END "SAMPLES DROPPED CYCLES". */
#define CONTRACT_SAMPLE_LINE "bfsample "
#define CONTRACT_SAMPLE_END "bfsample-end "

/* ---- The program's streams ----
 * The CLI attaches a virtio-console port for them (port CONTRACT_IO_PORT of
 * a virtio-serial device, chardev CONTRACT_IO_CHARDEV); the kernel uses it,
 * or COM1 when it cannot, and says which in the log with one of these lines
 * once input may be sent (the stdin relay waits for it). */
#define CONTRACT_IO_PORT 1
#define CONTRACT_IO_CHARDEV "io"
#define CONTRACT_STDIN_READY_VIRTIO "stdin: ready on virtio-console\n"
#define CONTRACT_STDIN_READY_COM1 "stdin: ready on COM1\n"
/* A second port of that device (chardev CONTRACT_JIT_CHARDEV), attached
 * only when the CLI runs a host process at its other end (a compile server
 * for the JIT runtime): raw bytes both ways, the program's /dev/hostjit.
 * The host closing its end is the end of the program's input there. */
#define CONTRACT_JIT_PORT 2
#define CONTRACT_JIT_CHARDEV "jit"

/* ---- Disks ----
 * Disk N (0..CONTRACT_DISK_MAX-1) is a virtio-blk device whose serial is
 * CONTRACT_DISK_SERIAL followed by N ("bfdisk0"), and the word
 * "diskN=GUEST_DIR:rw" or "diskN=GUEST_DIR:ro" says where to mount it and how.
 * GUEST_DIR is absolute, at most CONTRACT_DISK_DIR_MAX bytes, and holds no
 * space, '"', '\\' or ':'. */
#define CONTRACT_DISK_MAX 8
#define CONTRACT_DISK_WORD "disk"
#define CONTRACT_DISK_SERIAL "bfdisk"
#define CONTRACT_DISK_DIR_MAX 255
#define CONTRACT_DISK_RW "rw"
#define CONTRACT_DISK_RO "ro"

/* ---- The code cache, bare-metal ----
 * `jit` boots with the code cache's disk image as one more disk, mounted at
 * CONTRACT_CACHE_DIR, and the word "cachedisk=N" names it: a cache disk
 * that cannot be mounted is a warning and a run without the cache, not a
 * refusal to run. */
#define CONTRACT_CACHE_DIR "/bareflow-cache"
#define CONTRACT_WORD_CACHE_DISK "cachedisk"

#endif
