/* The bareflow CLI: what its parts (arguments, QEMU, ISOs, child processes) share. */
#ifndef BF_CLI_H
#define BF_CLI_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "../../kernel/include/contract.h"

/* Exit statuses of the CLI itself, beyond the guest's own 0..126. */
#define CLI_EXIT_USAGE 2
#define CLI_EXIT_TIMEOUT 124
#define CLI_EXIT_FAILURE 125

/* The kernel keeps a command line of up to this many bytes with its NUL
 * and refuses a longer one. */
#define KERNEL_CMDLINE_MAX CONTRACT_CMDLINE_MAX

/* The longest path (without its NUL) and name the guest's filesystem holds:
 * PATH_MAX - 1 and NAME_MAX in kernel/include/fs.h. */
#define GUEST_PATH_MAX 4095
#define GUEST_NAME_MAX 255

/* One --disk or --disk-ro IMG[:GUEST_DIR]; disk N is the guest's virtio-blk
 * device with serial CONTRACT_DISK_SERIAL "N" (contract.h). */
struct disk_spec {
	char *image;       /* IMG as given */
	char *guest;       /* GUEST_DIR made clean, or NULL until cli_disk_check */
	bool read_only;
	char *drive, *device; /* QEMU's -drive and -device values (cli_disk_check) */
};

struct boot_options {
	unsigned long long mem_mib; /* guest RAM */
	int cpus;		    /* --cpus: guest CPUs, 1..CONTRACT_CPUS_MAX (0 means 1) */
	int timeout;		    /* seconds; 0 = none */
	const char *cmdline;	    /* kernel command line, never NULL, may be empty */
	bool iso;		    /* boot through GRUB from an ISO instead of -kernel */
	bool verbose;		    /* show the QEMU command line and QEMU's messages */
	bool quiet;		    /* --quiet: nothing but errors */
	const char *program;	    /* run: the static ELF to boot as the application */
	const char *module;	    /* run: the boot module's path (the application's archive) */
	const char *shared;	    /* run: the file QEMU's shared-memory device maps, or NULL */
	unsigned long long shared_size; /* ... its size in bytes (cli_cpio_share) */
	bool stdin_in_module;	    /* run: our stdin is in the archive; QEMU gets /dev/null */
	const char *hostout;	    /* jit --profile: the host file COM3 (/dev/hostout) writes */
	int jit_fd;		    /* run: QEMU's end of /dev/hostjit's socket; 0: none (cli_boot) */
	const char *accel;	    /* --accel: "auto" (or NULL), "kvm" or "tcg" */
	int gdb_port;		    /* --gdb: QEMU's gdb stub on this port, stopped; 0: none */
	int sample_hz;		    /* --sample: the kernel samples the program; 0: not */
	const char *sample_out;	    /* --sample-out FILE: folded stacks */
	const char *flamegraph;	    /* --flamegraph FILE.svg */
	const char *program_path;   /* run: the program's absolute path (its symbols) */
	const struct disk_spec *disks; /* --disk and --disk-ro, in order */
	int ndisks;
	unsigned work_mib; /* RAM the program needs beyond the kernel's minimum */
};

/* root.c */

/* The repository's absolute root (the CLI is ROOT/build/bareflow-cli). Never NULL. */
const char *cli_root(void);

/* error.c */

/* Print "bareflow: <message>\n" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copy the whole file open at fd, from its start, to stderr. Errors are ignored. */
void cli_dump_fd(int fd);

/* Open a new, already unlinked temporary file for reading and writing.
 * Returns its fd, or -1 after printing why. */
int cli_tmpfile(void);

/* path.c */

/*
 * path made absolute lexically: relative to the current directory (getcwd),
 * with empty and "." components dropped and ".." removing the component
 * before it (never going above "/"); symlinks are not resolved. Returns a
 * malloc'd path without a trailing slash (except "/" itself), or NULL with
 * errno set (ENOENT for an empty path).
 */
char *cli_abspath(const char *path);

/* The current directory (where the guest starts) as *cwd, malloc'd. Returns 0,
 * or after printing why 127 (it has been deleted) or 126 (it cannot be read). */
int cli_cwd(char **cwd);

/* path must be a readable regular file (or a symlink to one). Returns 0, or
 * 127 (missing) or 126 after printing "bareflow: PATH: reason". */
int cli_check_readable(const char *path);

/* mkdir -p dir, each directory made the user's alone (0700): 0, or -1 with
 * errno set. */
int cli_mkdirs(const char *dir);

/* disk.c */

/* Parse the value of --disk (read_only false) or --disk-ro: IMG[:GUEST_DIR],
 * split at the first ':'. Returns NULL with *d filled in, or a message
 * saying what is wrong (a usage error). */
const char *cli_disk_parse(const char *val, bool read_only, struct disk_spec *d);

/* Give each disk without a GUEST_DIR the first free one of /disk, /disk1,
 * /disk2, ...; refuse two disks at one directory (2); check each image: 127
 * if it is missing, 126 if it is not a regular file or block device, cannot
 * be read, or (--disk) cannot be written, after printing why; then fill in
 * QEMU's arguments. Returns 0 or that status. */
int cli_disk_check(struct disk_spec *d, int n);

/* Write the kernel command-line words for the disks, "disk0=/disk:rw
 * disk1=/data:ro" (contract.h), into buf. Returns 0, or -1 if they do not
 * fit in size bytes. */
int cli_disk_words(const struct disk_spec *d, int n, char *buf, size_t size);

/* Free what cli_disk_parse and cli_disk_check allocated. */
void cli_disk_free(struct disk_spec *d);

/* cpio.c */

/*
 * An application's root filesystem, assembled in memory as guest path ->
 * host source and written as a cpio "newc" archive (magic 070701, 13 fields
 * of 8 lowercase hex digits, the name NUL-terminated and padded with the
 * header to 4 bytes, the data padded to 4 bytes, a final TRAILER!!! entry).
 *
 * Names are the guest paths without their leading '/'. Entries are written in
 * byte order of their paths, so every directory comes before what it holds,
 * and every directory above an entry has an entry of its own (made-up ones
 * are mode 040755, mtime 0). The root "/" has no entry. Files keep their
 * host type and permission bits and mtime; ino counts up from 1; uid and gid
 * are 0; nlink is 2 for directories and 1 otherwise. A symlink's data is its
 * target. A later entry at the same path replaces the earlier one; a
 * directory over a directory merges with it; a non-directory over a
 * directory drops what was below it; an entry below a non-directory turns
 * that into a directory.
 */
struct cli_cpio;

/* A new, empty archive, or NULL (no memory). */
struct cli_cpio *cli_cpio_new(void);

void cli_cpio_free(struct cli_cpio *a);

/*
 * Put the host path at the absolute, clean guest path: a regular file, a
 * symlink (as a symlink), or a directory with everything in it (symlinks
 * inside are never followed). With follow, a symlink at host itself is
 * followed. Host files are only checked here (readable, at most 4 GiB) and
 * read by cli_cpio_write, except a regular file whose size says 0, which is
 * read whole now (procfs files have data all the same; at most 64 MiB). Returns 0, or after printing "bareflow: WHAT HOST:
 * reason" (what is a prefix such as "--file "): 127 if host does not exist,
 * 126 if it cannot be read, 2 for a special file (socket, device, FIFO), a
 * file over 4 GiB, a non-directory at "/" or a guest path longer than
 * GUEST_PATH_MAX or with a name longer than GUEST_NAME_MAX, 125 when out of
 * memory.
 */
int cli_cpio_add(struct cli_cpio *a, const char *host, const char *guest, const char *what,
		 bool follow);

/*
 * Make the archive's first entry "!bareflow-args", which the kernel reads and
 * does not turn into a file: the working directory, the program's path,
 * argc in decimal, the arguments, then the environment, each NUL-ended. It
 * keeps the program's arguments off the kernel command line (no length or
 * character limits, and GRUB cannot re-quote them). 0, or 125 (no memory).
 */
int cli_cpio_set_args(struct cli_cpio *a, const char *cwd, const char *exe, int argc,
		      const char *const argv[], int envc, const char *const envp[]);
/* The "!bareflow-args" entry's data (len bytes), or NULL before cli_cpio_set_args. */
const char *cli_cpio_args(const struct cli_cpio *a, size_t *len);

/*
 * When our stdin is a regular file of at most max bytes (from its current
 * offset), make it the archive's "!bareflow-stdin" entry: the program then
 * reads (and may seek in) that file as its stdin, as on Linux. Returns true
 * if it did; false leaves stdin to travel on the serial line.
 */
bool cli_cpio_take_stdin(struct cli_cpio *a, unsigned long long max);

/* Make the absolute, clean guest path a directory (and all above it), unless
 * it is one. Returns 0, or after printing why 2 (a path too long for the
 * guest, as for cli_cpio_add) or 125 (no memory). */
int cli_cpio_add_dir(struct cli_cpio *a, const char *guest);

/* Write the archive to fd (at its current offset), reading the host files as
 * it goes, through a fixed-size buffer. Returns 0, or -1 after printing why. */
int cli_cpio_write(const struct cli_cpio *a, int fd);

/*
 * Leave the bytes of the regular file at guest out of the archive: the
 * archive names it (CONTRACT_SHARED_ENTRY) and QEMU's shared-memory device
 * maps the host file, which neither the archive nor guest RAM then copies.
 * Only a file of a power-of-two size, 2 to 512 MiB, can be (the device is a
 * PCI BAR), and only one per archive. Returns its host path, with *size,
 * or NULL when it cannot be shared (it is then written as any other).
 */
const char *cli_cpio_share(struct cli_cpio *a, const char *guest, unsigned long long *size);

/*
 * Leave out of the archive the hole a regular file at guest ends in (as the
 * JIT's runtime, padded by its build for cli_cpio_share): its size there
 * is then where its data ends, to the filesystem's block. Nothing changes
 * for a file without such a hole, or on a filesystem that cannot tell
 * holes (SEEK_HOLE). Returns the bytes left out.
 */
unsigned long long cli_cpio_trim_hole(struct cli_cpio *a, const char *guest);

/* The number of bytes cli_cpio_write would write. */
unsigned long long cli_cpio_size(const struct cli_cpio *a);

/* size.c */

/* Parse a memory size such as 512M, 2G, 64G or 1024K (no suffix: M) into MiB.
 * Returns 0, or -1 if it is not a whole, positive number of MiB (up to 1 EiB;
 * what a boot can use is mem.c's business). */
int cli_parse_size(const char *text, unsigned long long *mib);

/* mem.c */

/* The largest --mem, in MiB: the kernel's direct map ends at 512 GiB
 * (BOOT_DIRECT_MAP_GIB), and QEMU puts all RAM past 3 GiB above 4 GiB
 * once there are 3.5 GiB, so RAM ends at --mem + 1 GiB. */
#define CLI_MEM_MAX_MIB (511ull * 1024)

/*
 * Whether the kernel boots in mem_mib MiB with a boot module (the archive) of
 * module_bytes (0: none): QEMU can load the module and the kernel finds the
 * free RAM it needs (see mem.c for the machine's layout). Returns 0, or 2
 * after printing why and the --mem that would work.
 */
int cli_mem_check(unsigned long long mem_mib, unsigned long long module_bytes);
/* A program's run also needs RAM for its devices' buffers (the streams'
 * virtio-console and each disk's queue and block cache: bootmem.h, as the
 * kernel counts them), and work_mib MiB of its own that the kernel does not
 * know of (the JIT runtime's, CLI_JIT_WORK_MIB); cli_mem_check and
 * cli_mem_spare count them from then on. */
void cli_mem_devices(int ndisks, unsigned work_mib);
/* What `jit` asks beyond the kernel's minimum: LLVM's start and first
 * compiles, even of a small program, take a few MiB more than the kernel
 * keeps free for any program (hello world needed 1 MiB more). */
#define CLI_JIT_WORK_MIB 8

/* How many bytes the module could grow by and still boot in mem_mib (0 if
 * it does not boot as it is). */
unsigned long long cli_mem_spare(unsigned long long mem_mib, unsigned long long module_bytes);

/* diskimg.c: `bareflow disk ...` (argv after "disk"); its exit status. */
int cli_disk_command(int argc, char **argv);
/* Make IMG, a new FAT32 image of mib MiB (sparse), with mkfs.fat. 0, 127
 * without mkfs.fat, 1 when it failed (said why; no IMG left). */
int cli_disk_make(const char *img, unsigned long long mib);
extern const char disk_usage[];

/* spawn.c */

enum spawn_result {
	SPAWN_EXITED,	   /* the child ended; *wstatus says how */
	SPAWN_TIMEOUT,	   /* the timeout passed; the child was killed and reaped */
	SPAWN_INTERRUPTED, /* we got SIGINT, SIGTERM or SIGHUP (its number in *wstatus);
			      the child was killed and reaped */
	SPAWN_FAILED,	   /* the program could not be started; errno says why */
};

/*
 * Run argv[0] (searched in PATH) with stdout on out_fd and stderr on err_fd
 * (-1: inherit ours); stdin is inherited. Waits up to timeout seconds (0: no
 * limit); past it the child gets SIGTERM and, 2 s later, SIGKILL. The child
 * is killed when we die, and with a timeout it may use at most 2 * timeout
 * + 2 s of CPU time, so that it ends even if we cannot end it.
 */
enum spawn_result cli_spawn(char *const argv[], int out_fd, int err_fd, int timeout, int *wstatus);

/* cli_spawn with exactly the environment envp (NULL-ended) instead of ours;
 * argv[0] is then a path, not searched in PATH. */
enum spawn_result cli_spawn_env(char *const argv[], char *const envp[], int out_fd, int err_fd,
				int timeout, int *wstatus);

/* Print "bareflow: running: ARGV..." to stderr, quoted so that a shell could
 * run it again. */
void cli_print_argv(char *const argv[]);

/* Print s to stderr in single quotes, for a shell (a quote inside as '\''). */
void cli_print_quoted(const char *s);

/* relay.c */

/*
 * Start a process that copies what QEMU writes into a new pipe, and from the
 * socket `also` (-1: none; QEMU's virtio-console), to `to` (our fd 1 or 2)
 * until the end of both, blocking while `to` does, and reports the first
 * failed write of each fd to the kernel as one byte on status_fd. With mux
 * they carry the program's stdout and stderr framed (hoststatus.h), each for
 * our fd of the same number. Returns the pipe's write end (close-on-exec),
 * or -1; *pid is the relay.
 */
int cli_relay_out(int to, bool mux, int status_fd, int also, pid_t *pid);

/*
 * Start a process that sends our stdin, encoded as kernel/fs/console.c
 * decodes it, once the kernel log (log_fd, a file QEMU appends to)
 * says "stdin: ready on ...": to the socket io (QEMU's virtio-console) when
 * the kernel names virtio-console and io is not -1, else into a new pipe for
 * COM1. The pipe stays open until the relay is killed. Returns the pipe's
 * read end, or -1; *pid is the relay.
 */
int cli_relay_stdin(int log_fd, int io, pid_t *pid);

/* accel.c */

enum cli_accel { CLI_ACCEL_TCG, CLI_ACCEL_KVM };

/*
 * Choose QEMU's accelerator for --accel want ("auto", "kvm" or "tcg"): auto
 * takes KVM when /dev/kvm opens for reading and writing and answers
 * KVM_GET_API_VERSION with 12, else TCG. With verbose, says on stderr which
 * and why. Returns 0 with *chosen set, or 2 after printing why "kvm" cannot
 * be had.
 */
int cli_accel_choose(const char *want, bool verbose, enum cli_accel *chosen);

/* gdb.c */

/* --gdb: print on stderr the command that attaches gdb to QEMU's stub on
 * opt->gdb_port with the symbols of the kernel (its ELF at kernel) and of
 * opt->program_path, at the address the kernel loads it. */
void cli_gdb_attach_line(const struct boot_options *opt, const char *kernel);

/* jit --hosted --gdb: run argv (the runtime's command line) under gdb, on
 * our terminal, with only envp (envc strings) as the program's environment
 * and pending breakpoints allowed (the JIT's functions appear as they are
 * compiled). Returns gdb's exit status (128+signal if one killed it), or
 * 125 after printing why gdb cannot run, 2 for an environment too large. */
int cli_gdb_hosted(char *const argv[], const char *const envp[], int envc);

/* sample.c */

/* One stack of folded samples: "root;...;leaf" and how many there were. */
struct cli_folded {
	char *stack;
	unsigned long long count;
};

/*
 * After a run with opt->sample_hz: the kernel's samples in its log
 * (log_fd), their program addresses named from opt->program_path's symbols,
 * merged into folded stacks and written to opt->sample_out and as a flame
 * graph to opt->flamegraph, or with neither a table of the functions with
 * the most samples on stderr. Returns 0, or 125 after printing why.
 */
int cli_sample_report(const struct boot_options *opt, int log_fd);

/* flamegraph.c */

/* Write the n folded stacks f (sorted by stack) to path as a self-contained
 * interactive SVG flame graph titled after what ran. Returns 0, or -1 after
 * printing why. */
int cli_flamegraph(const char *path, const struct cli_folded *f, size_t n, const char *what);

/* channel.c */

/*
 * Run argv (execvp) with its stdin and stdout on one end of a new socket
 * pair (SOCK_STREAM) and its stderr on ours, and put the other end in
 * *qemu_fd, without close-on-exec so that QEMU inherits it (boot_options'
 * jit_fd). The process has pass_fd as its fd 3 (unless -1), no other fd
 * of ours, and dies with us. Returns
 * its pid, or -1 with errno set (execvp's when it cannot be run) and
 * nothing left open. The caller owns both: it closes *qemu_fd once QEMU
 * has ended (the process then sees the end of its input), then calls
 * cli_stop_on_socket(pid). The process's exit status is not ours.
 */
pid_t cli_spawn_on_socket(char *const argv[], int *qemu_fd, int pass_fd);

/* A pause for a loop that polls a child that is about to end: 0.25 ms the
 * first time (*pause 0), twice the last after, up to 10 ms. A fixed 10 ms
 * poll cost every bare-metal `jit` 20 ms after QEMU had exited. */
void cli_poll_pause(long *pause_ns);

/* End the process from cli_spawn_on_socket if it is still running (SIGTERM,
 * then SIGKILL after a second) and reap it. pid <= 0: nothing to do. */
void cli_stop_on_socket(pid_t pid);

/* qemu.c */

/*
 * Boot the kernel (or, with opt->iso, the GRUB ISO) in QEMU with the guest's
 * COM1 on our stdout and wait for it. Returns what bareflow should exit with:
 * the guest's own status, 124 on a timeout, 125 after printing why when the
 * image or QEMU is missing, QEMU failed, or the guest reset without a status.
 * With opt->program and opt->jit_fd (from cli_spawn_on_socket; never 0-2,
 * which the CLI keeps open for its own streams and of which fd 0 is rewired
 * here, so 0 can mean none), the device gets port CONTRACT_JIT_PORT on that
 * socket, the guest's /dev/hostjit; the fd stays the caller's, to close
 * after this returns.
 */
int cli_boot(const struct boot_options *opt);

/* run.c */

struct file_spec {   /* one --file HOST[:GUEST] */
	char *host;  /* HOST as given, non-empty */
	char *guest; /* GUEST as given (absolute), or NULL: HOST's absolute path */
};

struct run_app {
	const char *elf;	       /* the program as given on our command line */
	const char *elf_path;	       /* its absolute path (cli_abspath): where the guest has it */
	const char *cwd;	       /* the host's working directory: where the guest starts */
	const struct file_spec *files; /* the --file options, in order */
	int nfiles;
	const char *iso_out; /* --iso OUT: write a bootable ISO there instead of booting */
	bool padded; /* the ELF is the JIT's runtime, whose file ends in a hole (runtime.mk) */
	int argc;	     /* the program's arguments, argv[0] as typed */
	const char *const *argv;
	int envc; /* its environment (--env) */
	const char *const *envp;
};

/*
 * Gather the application's archive (see cli_cpio_add for the rules): each
 * --file in order, later ones replacing earlier ones at the same path, then
 * the working directory, then the ELF at elf_path. Then either boot it as
 * the one boot module with opt->cmdline (through an unlinked temporary file
 * that QEMU opens as /dev/fd/N), or write the ISO. Returns what bareflow
 * should exit with: the guest's status, or a failure's (127, 126 for a file
 * that is missing or unreadable, 2, 124, 125) after printing why.
 */
int cli_run(struct boot_options *opt, const struct run_app *app);

/* jit.c */

struct jit_app {
	const char *const *inputs; /* the .c and .bc files, as given (at least one) */
	int ninputs;
	const char *const *cflags; /* -I, -D, -U, -include, -std= for clang, as words */
	int ncflags;
	int argc; /* the program's ARGS (its argv[0] comes from the first input) */
	const char *const *argv;
	bool hosted;	     /* run the runtime on Linux instead of booting */
	bool report;	     /* --report */
	bool log_tiers;	     /* --log-tiers */
	bool perf_map;	     /* --perf-map */
	bool gdb;	     /* --gdb: hosted, the runtime runs under gdb */
	const char *profile; /* --profile FILE, or NULL */
	const char *opt;     /* --opt LEVEL as given, or NULL (the runtime's default) */
	const char *thresholds; /* --thresholds C1,L1,C2,L2 as given, or NULL */
	const char *compile_threads; /* --compile-threads N as given, or NULL (the default) */
	bool compile_in_guest;	     /* --compile-on guest (or --iso): no compile server */
	int compile_cpu; /* bare-metal: the CPU kept for the runtime's compiles, or -1 */
	const char *cache;	/* --cache DIR|off as given, or NULL (the default place) */
	bool cache_clear;	/* --cache-clear */
	bool cache_disk;	/* bare-metal: the cache's disk is attached (cli_cache_disk) */
	const char *export_out; /* export: -o OUT ("" for the default), NULL for jit */
	bool from_cache;	/* export --from-cache */
	bool export_iso;	/* export --iso */
	const char *export_cpu; /* export --cpu: "x86-64" or "host" */
	const struct file_spec *files; /* the --file options, in order */
	int nfiles;
	const char *iso_out; /* --iso OUT */
	int envc;	     /* the program's environment (--env) */
	const char *const *envp;
};

/*
 * `jit`: compile each .c input to bitcode with clang-19 in a temporary
 * directory (removed afterwards), then run build/runtime/bareflow-rt (or
 * $BAREFLOW_RUNTIME) on the bitcode: booted like `run` (opt gives the boot
 * options, its cmdline already holding `run` and the terminal words), or as a
 * Linux process with app->hosted. Returns what bareflow should exit with:
 * the program's status (128+signal when a signal killed it hosted), 1 after
 * a compile error (clang's diagnostics on stderr, nothing run), 127 or 126
 * for a missing or unreadable input, 2 for an unwritable --profile FILE, or
 * a failure's status from cli_run.
 */
int cli_jit(struct boot_options *opt, const struct jit_app *app);

/* frontend.c: the front end's cache (see there). */

/* The path of the entry for compiling src with the toolchain whose hash
 * cli_frontend_toolchain gave, in the cache directory dir: 0, or -1 when
 * there can be none (a path is too long). */
int cli_frontend_key(const char *dir, const char *toolchain, const char *src, char *entry,
		     size_t size);
/* Write the bitcode of entry to out if every file it was made from is as
 * it was: 1, else 0 (a miss, however the entry is wrong or missing). */
int cli_frontend_lookup(const char *entry, const char *out);
/* The time a compile starts, on the filesystem's clock: the modification
 * time of a file made (and removed) at marker. 0, or -1 with errno set. */
int cli_frontend_start(const char *marker, struct timespec *start);
/* Keep bc, compiled from start on with -MT x -MD -MF depfile, as entry,
 * unless a file it read changed since start (see frontend.c for what is
 * not kept). A failure only means a miss next time: nothing is said. */
void cli_frontend_store(const char *entry, const char *bc, const char *depfile,
			const struct timespec *start);
/* Remove the entries of dir; the number removed. */
int cli_frontend_clear(const char *dir);
/* A hash, in hex, of what decides clang's compiles besides the sources
 * (clang's binary on PATH, the flags, the environment the driver reads,
 * GCC's directories): 0, or -1 when clang is not on PATH. */
int cli_frontend_toolchain(const char *clang, const char *const *flags, int nflags, char hex[33]);
/* The dependency list of a make rule that clang wrote with -MT x -MD: the
 * paths after "x:", separated by blanks and escaped newlines, with "\ "
 * for a space in a name and "$$" for a dollar sign. Each is passed to fn;
 * returns false if the file does not parse or fn fails. */
bool cli_each_dep(char *rule, bool (*fn)(const char *path, void *arg), void *arg);
/* The whole of a regular file, NUL-terminated (the NUL not counted in
 * *size), in memory to free: 0, or -1 with errno set. */
int cli_read_whole(const char *path, char **data, size_t *size);

/* cc1.c: the front end without clang's driver (see there). */

/*
 * Compile the n sources src[i] (each ending in .c) to the bitcode files
 * bc[i] (all in one directory, where the work files go too) in one
 * `clang -cc1` per group, a group per CPU, with the command line the
 * driver would run for clang and flags (whose toolchain hash is
 * toolchain). Where entry[i][0] is set, keep the result in the front end's
 * cache as that entry. Sets status[i] to 0 for a made file and leaves -1
 * for a source left to the driver (which then says what went wrong): all
 * of them when the command line is not known yet, which is then asked of
 * the driver beside its compiles (cli_cc1_finish keeps it).
 */
void cli_cc1_compile(const char *clang, const char *const *flags, int nflags,
		     const char *toolchain, int n, const char *const *src, char *const *bc,
		     char (*entry)[4200], int *status);
/* After the driver's compiles: keep the command line that
 * cli_cc1_compile asked the driver for, if it did. */
void cli_cc1_finish(void);

/* The code cache's directory: DIR of --cache DIR (made absolute), none for
 * "off", else $XDG_CACHE_HOME/bareflow (an absolute XDG_CACHE_HOME only, as
 * the XDG rules say) or ~/.cache/bareflow. NULL: none (malloc'd otherwise). */
char *cli_cache_dir(const char *given);

/* iso.c */

/*
 * Build a GRUB ISO that boots build/bareflow.elf with `cmdline`, in a new
 * temporary directory. Returns the ISO's path, to be given to cli_iso_remove,
 * or NULL after printing why (nothing is left behind then).
 */
char *cli_iso_build(const char *cmdline);

/* Delete an ISO from cli_iso_build with its directory, and free the path. */
void cli_iso_remove(char *iso_path);

/*
 * Write to `out` a GRUB ISO (timeout 0) that boots build/bareflow.elf by
 * Multiboot2 with the kernel command line `cmdline` and, unless archive is
 * NULL, the archive as its one module, /boot/app.cpio. GRUB re-quotes the
 * command line on its way to the kernel (see iso.c). Returns 0, or after
 * printing why: 2 if out cannot be written (missing directory, a directory)
 * or GRUB cannot carry the command line (an empty or "--" argument, too
 * long); 125 for other failures (grub-mkrescue, no space). out is only
 * replaced when everything worked.
 */
int cli_iso_write(const char *out, const char *cmdline, const struct cli_cpio *archive);

#endif
