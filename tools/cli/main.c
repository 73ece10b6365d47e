/* bareflow: the command-line front end. Parses a command and its options,
 * then boots the kernel in QEMU (qemu.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../kernel/include/bootmem.h"
#include "../../kernel/include/sample.h"
#include "cli.h"

#define MAX_CMDLINE (KERNEL_CMDLINE_MAX - 1)

#define ACCEL_HELP \
    "  --accel auto|kvm|tcg  QEMU's accelerator: auto (the default) takes KVM when\n" \
    "                  /dev/kvm can be opened read-write and answers, else TCG\n" \
    "                  (emulation, many times slower); kvm refuses (exit 2)\n" \
    "                  without it. KVM runs -cpu host, TCG -cpu max; --verbose\n" \
    "                  says which was chosen and why\n"

#define CPUS_HELP \
    "  --cpus N        guest CPUs, 1 (the default) to 64 and at most the host's\n" \
    "                  online CPUs: QEMU -smp N, each on its own host thread\n" \
    "                  under TCG (thread=multi). The program's threads run on\n" \
    "                  all of them at once (bare-metal jit may add one for its\n" \
    "                  compiles, which the program is not given: --compile-cpu)\n"

#define SAMPLE_HELP \
    "  --sample[=HZ]   the kernel samples the program HZ times a second (default\n" \
    "                  997; 100 to 10000) from the timer interrupt: its RIP and\n" \
    "                  frame-pointer chain (build with -fno-omit-frame-pointer for\n" \
    "                  full stacks), and kernel time as [kernel] NAME frames; at\n" \
    "                  exit the functions with the most samples go to stderr\n" \
    "  --sample-out FILE.folded  write the samples as folded stacks instead\n" \
    "                  (main;work;leaf COUNT), named from the program's symbols\n" \
    "                  and the JIT's code map (implies --sample)\n" \
    "  --flamegraph FILE.svg  draw them as a flame graph: one SVG file that opens\n" \
    "                  in a browser without a network (click to zoom, search)\n"

#define QUIET_HELP \
    "  --quiet         print nothing but errors (no build progress, no --sample\n" \
    "                  table); not with --verbose\n"

#define GDB_HELP \
    "  --gdb[=PORT]    start QEMU with its gdb stub on 127.0.0.1:PORT (default\n" \
    "                  1234), stopped before the kernel runs, and print the gdb\n" \
    "                  command that attaches with the kernel's symbols and the\n" \
    "                  program's at its load address\n"

static const char main_usage[] =
    "usage: bareflow COMMAND [OPTIONS]\n"
    "\n"
    "Boot the BareFlow x86-64 unikernel in QEMU. Commands:\n"
    "  demo       boot the kernel as built: banner, boot report, power off\n"
    "  selftest   run the in-kernel test suite; ends with \"N passed, N failed\"\n"
    "  help       show this text; 'bareflow help COMMAND' or 'bareflow COMMAND --help'\n"
    "             shows a command's options\n"
    "\n"
    "  run        run a static x86-64 Linux program bare-metal (early: see run --help)\n"
    "  jit        compile C (or take LLVM bitcode) and run it under the LLVM JIT\n"
    "             runtime, which recompiles its hot functions while it runs,\n"
    "             bare-metal or with --hosted on Linux (see jit --help)\n"
    "  export     train a program under the JIT, then write it out as a static\n"
    "             executable without LLVM, optimized as the JIT learned (the\n"
    "             appliance; see export --help)\n"
    "  disk       disk create IMG SIZE: a new FAT32 image for run --disk (see disk --help)\n"
    "\n"
    "demo and selftest: the guest's serial console (COM1) is copied to stdout\n"
    "byte for byte; run and jit: the program's stdin, stdout and stderr are\n"
    "yours (on a virtio-console device).\n"
    "Exit status: the guest's own (0 success; selftest: 1 if a test failed);\n"
    "2 usage error; 124 timeout; 125 kernel panic, unhandled CPU exception, a\n"
    "guest that reset without reporting a status, or a QEMU failure.\n";

static const char demo_usage[] =
    "usage: bareflow demo [--mem SIZE] [--cpus N] [--iso] [--timeout SEC] [--cmdline STR] [--verbose]\n"
    "                     [--accel auto|kvm|tcg] [--gdb[=PORT]]\n"
    "\n"
    "Boot build/bareflow.elf by QEMU's direct boot (PVH): it prints the BareFlow\n"
    "banner and a boot report, then powers off.\n"
    "\n"
    "  --mem SIZE      guest RAM: a number with K, M, G or T, e.g. 512M, 2G, 64G\n"
    "                  (default 512M); 50M to 511G (the kernel maps RAM up to\n"
    "                  512 GiB), else exit 2\n"
    CPUS_HELP
    "  --iso           boot build/bareflow.iso through GRUB (Multiboot2) instead; with\n"
    "                  --cmdline, a temporary ISO with that command line\n"
    "  --timeout SEC   stop the guest after SEC seconds and exit 124 (default 60;\n"
    "                  0: never)\n"
    "  --cmdline STR   kernel command line words (repeatable), e.g.:\n"
    "                    demo=banner                    the banner only\n"
    "                    crash=pf|ud|gp|de|df           a deliberate CPU exception\n"
    "                    crash=double-free              a heap double free (a panic)\n"
    "                    crash=lock-order               spinlocks against their rank (a panic)\n"
    "                    crash=ap-ud                    #UD on CPU 1 (with --cpus 2)\n"
    "                    fault=absent-cpu               start one more CPU that is not\n"
    "                                                   there: reported, then skipped\n"
    "                    fault=mb2-no-mmap|mb2-bad-mmap with --iso: damage the boot\n"
    "                                                   loader's memory map (tests)\n"
    "  --verbose       print the QEMU command line and QEMU's own messages to stderr\n"
    ACCEL_HELP GDB_HELP QUIET_HELP;

static const char run_usage[] =
    "usage: bareflow run [--mem SIZE] [--cpus N] [--timeout SEC] [--file HOST[:GUEST]]...\n"
    "                    [--env NAME=VALUE]... [--strace] [--verbose] [--iso OUT.iso]\n"
    "                    [--disk IMG[:GUEST_DIR]]... [--disk-ro IMG[:GUEST_DIR]]...\n"
    "                    [--accel auto|kvm|tcg] [--gdb[=PORT]] [--sample[=HZ]]\n"
    "                    [--sample-out FILE.folded] [--flamegraph FILE.svg] [--] ELF [ARGS...]\n"
    "\n"
    "Boot BareFlow with the static x86-64 Linux program ELF as its application and\n"
    "run it with ARGS. Its stdout is our stdout byte for byte, its stderr our\n"
    "stderr; kernel messages are kept aside and shown with --verbose or when the\n"
    "kernel itself fails. A slow reader slows the program down; a failed write\n"
    "fails its next write as on Linux (EPIPE and SIGPIPE, ENOSPC...). Exit status:\n"
    "the program's own; 128+signal when a fault or a signal kills it (SIGSEGV 139,\n"
    "SIGILL 132, SIGFPE 136, abort 134, SIGPIPE 141), with a report on stderr; 126\n"
    "if ELF cannot be executed (not a static x86-64 program); 127 if it does not\n"
    "exist; 124 on timeout; 125 for a kernel panic.\n"
    "\n"
    "The guest gets an in-memory root filesystem, built as a cpio archive: ELF at\n"
    "its absolute host path (its argv[0] is ELF as typed), each --file, every\n"
    "directory above them, the current directory, where the program starts, and\n"
    "the host's C.UTF-8 locale (/usr/lib/locale/C.utf8) for setlocale.\n"
    "The arguments and environment travel in it too (no length limit but Linux's),\n"
    "and so does stdin when it is a file; a pipe or terminal streams over serial.\n"
    "An ELF whose size is a power of two from 2 to 512 MiB (as the JIT's runtime\n"
    "is built) is not copied in but for --iso: the guest maps the host file\n"
    "through QEMU's shared-memory device (ivshmem), and reads only the pages it\n"
    "touches.\n"
    "Threads (pthreads, OpenMP) run on every --cpus CPU; no fork; files the\n"
    "program writes stay in the guest, except on a --disk.\n"
    "\n"
    "  --mem SIZE      guest RAM: a number with K, M, G or T (default 512M), at most\n"
    "                  511G; the kernel needs 48 MiB free besides its image and\n"
    "                  the archive: a --mem too small for them exits 2, naming\n"
    "                  the --mem that would do\n"
    CPUS_HELP
    "  --timeout SEC   stop the guest after SEC seconds and exit 124 (default 0:\n"
    "                  never)\n"
    "  --file HOST[:GUEST]  put the host file, symlink (as a symlink) or directory\n"
    "                  (with everything in it) into the guest at the absolute path\n"
    "                  GUEST, or at HOST's own absolute path (repeatable; a later one\n"
    "                  replaces an earlier one at the same path; HOST cannot contain\n"
    "                  ':'). A missing HOST exits 127, an unreadable one 126, a\n"
    "                  socket, device or FIFO 2, a GUEST path over 4095 bytes or\n"
    "                  with a name over 255 bytes 2. Files keep their permission\n"
    "                  bits; one whose size says 0 (/proc) is read whole at once.\n"
    "  --env NAME=VALUE  put NAME in the program's environment (repeatable; the\n"
    "                  environment is otherwise empty)\n"
    "  --disk IMG[:GUEST_DIR]  attach the raw disk image IMG read-write as a\n"
    "                  virtio-blk disk, to be mounted at GUEST_DIR (default /disk,\n"
    "                  then /disk1, /disk2, ...; absolute, without spaces, quotes,\n"
    "                  backslashes or ':'); repeatable, up to 8 disks. IMG holds a\n"
    "                  FAT filesystem ('bareflow disk create IMG 64M' makes one).\n"
    "                  Writes are cached in the guest until fsync, sync or the\n"
    "                  program's end (any end: exit, fault, signal), then reach IMG\n"
    "                  and the host's disk; --timeout keeps only what was synced.\n"
    "                  A missing IMG exits 127, one that cannot be read or written\n"
    "                  126, and one that is not FAT 126 (before the program runs)\n"
    "  --disk-ro IMG[:GUEST_DIR]  the same, read-only (IMG need not be writable)\n"
    "  --strace        print every system call, its arguments and result to stderr\n"
    "  --verbose       print the QEMU command line, QEMU's messages and the kernel log\n"
    ACCEL_HELP GDB_HELP QUIET_HELP
    SAMPLE_HELP
    "  --iso OUT.iso   do not boot: write a bootable GRUB ISO of the kernel, this\n"
    "                  command line and the same files to OUT.iso (exit 0, or 2 if it\n"
    "                  cannot be written there)\n";

static const char jit_usage[] =
    "usage: bareflow jit [--hosted] [--profile FILE] [--report] [--opt auto|0|1|2|3]\n"
    "                    [--thresholds C1,L1,C2,L2] [--log-tiers] [--compile-threads N]\n"
    "                    [--compile-on host|guest] [--compile-cpu auto|off]\n"
    "                    [--cache DIR|off] [--cache-clear] [--perf-map] [--gdb[=PORT]]\n"
    "                    [-I DIR] [-D NAME[=VALUE]] [-U NAME] [-include FILE] [-std=STD]\n"
    "                    [-w|-WWARNING] [-lm|-lpthread|-lrt|-ldl|-lc] [run options]\n"
    "                    [--] PROG.c|PROG.bc... [--] [ARGS...]\n"
    "\n"
    "Run a C program under BareFlow's LLVM JIT runtime (build/runtime/bareflow-rt):\n"
    "it links the bitcode files into one module, compiles it for the CPU it runs\n"
    "on and calls main with ARGS, recompiling hot functions while it runs. The\n"
    "inputs are the words after the options that end in .c or .bc (at least\n"
    "one); the first word that does not, or a \"--\" after them, starts ARGS.\n"
    "Each .c is compiled first with\n"
    "  clang-19 -O3 -Xclang -disable-llvm-passes -U__OPTIMIZE__ -emit-llvm -c -g0\n"
    "(unoptimized bitcode that the JIT's tiers may still optimize and inline; the\n"
    "C headers as at -O0) into a temporary directory, several files to one\n"
    "clang -cc1 a CPU once the command line the driver runs is known (kept in\n"
    "build/frontend.cc1); a compile error shows clang's messages and exits 1\n"
    "without running the program. -I, -D, -U (value attached or as the next\n"
    "word), -include, -std=, -w and -W options (warnings; not -Wl, and the like)\n"
    "go to clang after those flags, in order, as for a build with clang (the\n"
    "front end's cache below is not used with -I or -include); -lm,\n"
    "-lpthread, -lrt, -ldl and -lc are accepted, before or among the inputs\n"
    "(jit *.c -lm; give \"--\" before ARGS that are one of them), and need\n"
    "nothing (the runtime provides the C library); any other -l is refused\n"
    "before the inputs, and starts ARGS after them (jit ls.c -la). The\n"
    "program's argv[0] is the first input without its extension, its\n"
    "environment only --env.\n"
    "\n"
    "By default the runtime boots bare-metal exactly like 'bareflow run' (the\n"
    "bitcode files go into the guest at their own paths); --hosted runs it as a\n"
    "Linux process instead. stdout, stderr and the exit status are the program's,\n"
    "as under run: 128+signal when a signal kills it (SIGSEGV 139), 124 on\n"
    "timeout. Each .bc input is first read on the host (bareflow-rt --check):\n"
    "one that is not valid bitcode exits 126 before anything runs, even if it\n"
    "crashes LLVM's reader. Bare-metal with the tiers (--opt auto), the runtime\n"
    "also prepares the program and compiles tier 0 on the host\n"
    "(bareflow-rt --tier0-out), which the guest reads and links instead of\n"
    "doing it under emulation (--verbose says why if it could not), and the\n"
    "guest's optimizing compiles go to a compile server on the host\n"
    "(--compile-on). With the server, the guest boots while clang compiles\n"
    "(--timeout counts clang's time then) and takes the bitcode and tier-0\n"
    "files from it. The runtime exits 126 for bitcode it cannot compile, and\n"
    "127 when the program uses a function or variable it does not provide\n"
    "(named on stderr); a missing input exits 127, an unreadable one 126.\n"
    "\n"
    "  --hosted        run the runtime on Linux, not in QEMU (with the same\n"
    "                  arguments and environment); --mem, --cpus, --strace, --iso,\n"
    "                  --accel, --sample, --disk, --disk-ro and --file HOST:GUEST\n"
    "                  need a boot and are refused\n"
    "  --profile FILE  write the runtime's JSON profile (CPU, features, compile\n"
    "                  times, and per function: calls, cycles, tier, versions) to\n"
    "                  the host file FILE, emptied first; bare-metal it travels on\n"
    "                  a third serial port (the guest's /dev/hostout). Not with\n"
    "                  --iso.\n"
    "  --report        print the runtime's profile table to stderr at exit: each\n"
    "                  function's calls, share of cycles, compile time, estimated\n"
    "                  time saved and tier history, and whether the JIT paid\n"
    "  --opt LEVEL     auto (the default): tiers. Every function starts cheaply\n"
    "                  compiled and instrumented (tier 0, profiling argument\n"
    "                  values); one that has run a quarter as long as its\n"
    "                  compile is predicted to take is recompiled at -O3 (tier\n"
    "                  2) for this CPU, specialized on argument values that\n"
    "                  dominate; long loops move to -O3 code mid-call (OSR); a\n"
    "                  function of 2,000 IR instructions or more goes to a\n"
    "                  quick -O1 (tier 1) first, its long loops too; the\n"
    "                  hottest are also tried compiled for any x86-64, and the\n"
    "                  faster kept. 0-3: the whole program once at that level,\n"
    "                  no tiers.\n"
    "  --thresholds C1,L1,C2,L2\n"
    "                  fixed tiers instead: up to -O1 (tier 1) after exactly C1\n"
    "                  calls or L1 loop iterations, to 2 after C2 or L2 (for\n"
    "                  tests and experiments; e.g. 200,2000,5000,15000)\n"
    "  --log-tiers     print each tier-up to stderr as it happens (in the\n"
    "                  background: the calls and ms since main when it was\n"
    "                  asked and when it went in)\n"
    "  --compile-threads N\n"
    "                  compile tier-ups and OSR code on N threads in the\n"
    "                  background while the program runs on (more than 1 counts\n"
    "                  as 1 for now), or synchronously with 0 (the program waits\n"
    "                  for each compile). Default: 1 when the runtime has two\n"
    "                  CPUs or more (hosted the host's; bare-metal --cpus, or\n"
    "                  one of its own: --compile-cpu) or compiles on the host\n"
    "                  (bare-metal; on one CPU the thread goes first, and the\n"
    "                  program runs while the host compiles), 0 with\n"
    "                  --thresholds (exact counts). When no thread can be made\n"
    "                  (the thread limit, too little memory) compiling is\n"
    "                  synchronous, which --log-tiers says\n"
    "  --compile-on host|guest\n"
    "                  bare-metal, where the runtime's optimizing compiles (the\n"
    "                  tiers, OSR code; --opt 1-3's one compile) run. host (the\n"
    "                  default): on a compile server the CLI starts here\n"
    "                  (bareflow-rt --serve-compiles), connected to the guest's\n"
    "                  /dev/hostjit, some 40 times faster than LLVM under\n"
    "                  emulation; the guest sends each module and links the\n"
    "                  machine code that comes back, made by the same LLVM for\n"
    "                  the same CPU (a module with assembly is compiled in the\n"
    "                  guest). guest: in the guest itself (always with --iso,\n"
    "                  which boots without this host)\n"
    "  --compile-cpu auto|off\n"
    "                  bare-metal, auto (the default): where the runtime has a\n"
    "                  compiler thread and this host a CPU to spare beyond --cpus,\n"
    "                  the guest gets one more, which the kernel keeps from the\n"
    "                  program (it is told of --cpus CPUs and starts its threads\n"
    "                  on them) for the compiler thread: the program's CPUs do\n"
    "                  none of the background compiles' work in the guest. off:\n"
    "                  --cpus CPUs, shared\n"
    "  --cache DIR|IMG|off\n"
    "                  the code cache: at exit the runtime stores each function's\n"
    "                  optimized code and profile, one file per program (a hash\n"
    "                  of its bitcode); the next run of the same program starts\n"
    "                  with that code, for the same CPU, runtime and LLVM. A file\n"
    "                  that does not match or is damaged is ignored with a\n"
    "                  warning. Hosted, in DIR (default $XDG_CACHE_HOME/bareflow,\n"
    "                  or ~/.cache/bareflow); bare-metal, on the FAT disk image\n"
    "                  IMG (default bare-metal.img there), made on first use,\n"
    "                  one run at a time (another goes without it). off: none.\n"
    "                  clang's bitcode of each .c is kept too, on the host\n"
    "                  (DIR/frontend, or the default hosted directory's), and\n"
    "                  used while the file and its headers are unchanged\n"
    "  --cache-clear   empty the cache first (and the kept bitcode)\n"
    "  --perf-map      with --hosted: write /tmp/perf-PID.map (PID the runtime's),\n"
    "                  one line per compiled function, START SIZE (hex) NAME, as\n"
    "                  its code is installed, so that perf names JIT code, e.g.\n"
    "                  'scale [tier 2, arg1=96]'\n"
    "  --gdb[=PORT]    bare-metal as for run (the runtime's symbols); with --hosted,\n"
    "                  run the runtime under gdb on this terminal. gdb learns each\n"
    "                  compiled function through its JIT interface: 'break NAME'\n"
    "                  stops in every version of it, bt names JIT frames\n"
    "  --verbose       also the runtime's: its CPU, features, compile times and\n"
    "                  each tier-up as it happens\n"
    "\n"
    "Run options (see run --help): --mem SIZE (default 1G), --cpus N, --timeout SEC,\n"
    "--file HOST[:GUEST], --env NAME=VALUE, --strace, --verbose, --iso OUT.iso,\n"
    "--disk IMG[:GUEST_DIR], --disk-ro IMG[:GUEST_DIR], --accel auto|kvm|tcg,\n"
    "--sample[=HZ], --sample-out FILE, --flamegraph FILE, --quiet.\n";

static const char export_usage[] =
    "usage: bareflow export [-o OUT] [--cpu x86-64|host] [--iso] [--from-cache] [--cache DIR]\n"
    "                       [--env NAME=VALUE]... [--timeout SEC] [--verbose]\n"
    "                       [-I DIR] [-D NAME[=VALUE]] [-U NAME] [-include FILE] [-std=STD]\n"
    "                       [-w|-WWARNING] [--] PROG.c|PROG.bc... [--] [ARGS...]\n"
    "\n"
    "Build the appliance: run the program hosted under the JIT on the training\n"
    "arguments ARGS (its stdout is dropped, its stderr shown), then compile the\n"
    "whole program once at -O3, each function that the\n"
    "JIT specialized on integer or floating-point argument values specialized the\n"
    "same way behind a guard (other values take the generic code, so OUT gives\n"
    "the right output on any arguments), and link it with the C library into OUT,\n"
    "a static x86-64 Linux executable with no LLVM in it: it runs directly on\n"
    "Linux and under 'bareflow run OUT'. The inputs, and the options for clang,\n"
    "are as for jit.\n"
    "\n"
    "  -o OUT          the executable (default: the first input without its\n"
    "                  extension)\n"
    "  --cpu x86-64    code for any x86-64 (the default: it runs anywhere, bare-metal\n"
    "                  under QEMU's emulation too)\n"
    "  --cpu host      code for the CPU the training ran on, as the JIT chose it\n"
    "                  (its own or any x86-64's, whichever it measured faster)\n"
    "  --iso           also write OUT.iso, a bootable GRUB ISO of the kernel and\n"
    "                  OUT (as 'bareflow run --iso OUT.iso OUT' does)\n"
    "  --from-cache    no training run: take the profile a run of 'jit --hosted'\n"
    "                  stored in the code cache (see jit --help), for the same\n"
    "                  program, CPU and runtime\n"
    "  --cache DIR     with --from-cache, the cache's directory\n"
    "  --env, --timeout, --verbose: for the training run, as for jit --hosted\n"
    "  --quiet         nothing but errors (on a terminal, each step is shown)\n"
    "\n"
    "The training run counts whatever status the program exits with; one killed\n"
    "by a signal or the timeout exports nothing.\n"
    "Exit status: 0 when OUT is written; the training run's failure (124 on a\n"
    "timeout, 128+signal); 1 when the export or the link fails (said why); 2 usage.\n";

static const char selftest_usage[] =
    "usage: bareflow selftest [--mem SIZE] [--cpus N] [--timeout SEC] [--cmdline STR] [--verbose]\n"
    "                         [--disk IMG[:GUEST_DIR]]... [--disk-ro IMG[:GUEST_DIR]]...\n"
    "                         [--accel auto|kvm|tcg] [--gdb[=PORT]]\n"
    "\n"
    "Boot the kernel with the command line \"selftest\" to run the in-kernel tests:\n"
    "one line per test, then \"N passed, N failed\". Exits 0 if all passed, else 1.\n"
    "\n"
    "  --mem SIZE      guest RAM: a number with K, M, G or T (default 2G), 50M to\n"
    "                  511G\n"
    CPUS_HELP
    "  --timeout SEC   stop the guest after SEC seconds and exit 124 (default 600;\n"
    "                  0: never)\n"
    "  --cmdline STR   more kernel command line words (repeatable); selftest=FILTER\n"
    "                  runs only the tests whose name contains FILTER\n"
    "  --verbose       print the QEMU command line and QEMU's own messages to stderr\n"
    "  --disk, --disk-ro  attach disk images as under run (the disk tests use them)\n"
    ACCEL_HELP GDB_HELP QUIET_HELP;

struct command {
	const char *name;
	const char *usage;
	bool has_iso; /* accepts --iso */
	bool program; /* takes ELF [ARGS...] after its options */
	bool jit;     /* takes PROG.c|PROG.bc... [ARGS...] and the JIT's options */
	struct boot_options defaults;
	const char *cmdline; /* first kernel command-line words */
	bool disks;          /* accepts --disk and --disk-ro */
	bool exports;	     /* export: the JIT's inputs, its own few options */
};

static const struct command commands[] = {
    {"demo", demo_usage, true, false, false, {.mem_mib = 512, .timeout = 60}, "", false, false},
    {"selftest", selftest_usage, false, false, false, {.mem_mib = 2048, .timeout = 600},
     CONTRACT_WORD_SELFTEST, true, false},
    {"run", run_usage, false, true, false, {.mem_mib = 512, .timeout = 0}, CONTRACT_WORD_RUN, true,
     false},
    {"jit", jit_usage, false, true, true, {.mem_mib = 1024, .timeout = 0}, CONTRACT_WORD_RUN, true,
     false},
    {"export", export_usage, false, true, true, {.mem_mib = 512, .timeout = 0}, CONTRACT_WORD_RUN,
     false, true},
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* One line saying what is wrong, one saying where help is; returns 2. */
static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("bareflow: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'bareflow %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return CLI_EXIT_USAGE;
}

/* Whole seconds, 0 to a year. Returns 0 or -1. */
static int parse_seconds(const char *s, int *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || v > 366ul * 86400)
		return -1;
	*out = (int)v;
	return 0;
}

/* Append words to the command line in buf (MAX_CMDLINE + 1 bytes). Returns 0 or -1. */
static int append_cmdline(char *buf, const char *words)
{
	size_t used = strlen(buf), more = strlen(words);

	if (!more)
		return 0;
	if (used + !!used + more > MAX_CMDLINE)
		return -1;
	if (used)
		buf[used++] = ' ';
	memcpy(buf + used, words, more + 1);
	return 0;
}

#define MAX_ENV 64
static const char *env_list[MAX_ENV]; /* --env NAME=VALUE, in order */
static int env_count;

static struct file_spec *file_list; /* --file HOST[:GUEST], in order */
static int file_count;
static const char *iso_out; /* run --iso OUT */

static struct disk_spec disk_list[CONTRACT_DISK_MAX]; /* --disk, --disk-ro, in order */
static int disk_count;

/* jit's and export's words for clang's front end, in order */
#define MAX_CFLAGS 256
static const char *cflag_list[MAX_CFLAGS];
static int cflag_count;

/* The libraries a C build names with -l that the runtime provides itself:
 * -l gives the JIT nothing to link. */
static const char *const provided_libs[] = {"c", "m", "pthread", "rt", "dl"};

/* Whether the runtime provides library lib (-llib). */
static bool provided_library(const char *lib)
{
	for (size_t k = 0; k < sizeof provided_libs / sizeof provided_libs[0]; k++)
		if (!strcmp(lib, provided_libs[k]))
			return true;
	return false;
}

/* -lLIB: 0 for a library the runtime provides, else 2 after saying why. */
static int link_library(const struct command *c, const char *lib)
{
	if (provided_library(lib))
		return 0;
	return usage_error(c->name,
			   "-l%s: the JIT links the program's own code with the C library "
			   "the runtime provides (libc, libm, libpthread, librt, libdl); give "
			   "another library's sources as .c inputs",
			   lib);
}

/*
 * argv[*i] as one of clang's options that jit and export pass on (-I DIR,
 * -D NAME[=VALUE], -U NAME, with the value attached or as the next word;
 * -include FILE; -std=STD), or one of the libraries the runtime provides
 * (-lm, -lpthread...). Returns -1 when it is none of these, 0 when taken
 * (*i at its last word), 2 after a usage error.
 */
static int frontend_option(const struct command *c, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	bool idu = a[0] == '-' && a[1] && strchr("IDU", a[1]);
	bool attached = idu && a[2], separate = idu && !a[2];
	bool include = !strcmp(a, "-include");
	if (!strncmp(a, "-l", 2)) {
		const char *lib = a + 2;
		if (!*lib && (*i + 1 == argc || !*(lib = argv[++*i])))
			return usage_error(c->name, "-l needs a value");
		return link_library(c, lib);
	}
	if (!strncmp(a, "-Wl,", 4) || !strncmp(a, "-Wa,", 4) || !strncmp(a, "-Wp,", 4))
		return usage_error(c->name,
				   "%s: the JIT runs no separate preprocessor, assembler or linker "
				   "to pass it to (give -D, -U or -I to jit itself)",
				   a);
	if (!strncmp(a, "-Wframe-larger-than", 19) || !strncmp(a, "-Wstack-usage", 13))
		return usage_error(c->name,
				   "%s: the code generator checks it, which the runtime runs on "
				   "every tier's code; its warnings would come while the program runs",
				   a);
	/* clang's warnings, as the program's build asks for them (-W alone is
	 * gcc's old name for -Wextra) */
	bool warning = !strcmp(a, "-w") || (a[0] == '-' && a[1] == 'W');
	if ((!strncmp(a, "-std=", 5) && a[5]) || warning) {
		attached = true;
	} else if (!attached && !separate && !include) {
		return -1;
	}
	int words = attached ? 1 : 2;
	if (words == 2 && (*i + 1 == argc || !argv[*i + 1][0]))
		return usage_error(c->name, "%s needs a value", a);
	if (cflag_count + words > MAX_CFLAGS)
		return usage_error(c->name, "more than %d words for clang", MAX_CFLAGS);
	cflag_list[cflag_count++] = a;
	if (words == 2)
		cflag_list[cflag_count++] = argv[++*i];
	return 0;
}

/* jit's own options */
static struct {
	bool hosted, report, log_tiers, cache_clear, from_cache, appliance_iso, perf_map, gdb;
	const char *profile, *opt, *thresholds, *cache, *out, *cpu, *compile_threads, *compile_on;
	const char *compile_cpu; /* --compile-cpu auto|off */
	const char *boot_only; /* the last option given that only a boot can honour */
} jit;

enum option_id {
	OPT_HELP,
	OPT_ISO,
	OPT_ISO_OUT,
	OPT_VERBOSE,
	OPT_MEM,
	OPT_TIMEOUT,
	OPT_CMDLINE,
	OPT_STRACE,
	OPT_ENV,
	OPT_FILE,
	OPT_CPUS,
	OPT_HOSTED,
	OPT_PROFILE,
	OPT_REPORT,
	OPT_OPT,
	OPT_THRESHOLDS,
	OPT_COMPILE_THREADS,
	OPT_COMPILE_ON,
	OPT_COMPILE_CPU,
	OPT_LOG_TIERS,
	OPT_DISK,
	OPT_DISK_RO,
	OPT_CACHE,
	OPT_CACHE_CLEAR,
	OPT_OUT,
	OPT_FROM_CACHE,
	OPT_APPLIANCE_ISO,
	OPT_EXPORT_CPU,
	OPT_ACCEL,
	OPT_PERF_MAP,
	OPT_GDB,
	OPT_SAMPLE,
	OPT_SAMPLE_OUT,
	OPT_FLAMEGRAPH,
	OPT_QUIET
};

static const struct option {
	const char *name;
	enum option_id id;
	bool takes_value; /* --gdb's and --sample's are optional, as --gdb=PORT only */
} options[] = {
	/* clang-format off */
	{"--help", OPT_HELP, false},
	{"-h", OPT_HELP, false},
	{"--iso", OPT_ISO, false},		/* demo: boot the ISO */
	{"--iso", OPT_ISO_OUT, true},		/* run: write one */
	{"--verbose", OPT_VERBOSE, false},
	{"-v", OPT_VERBOSE, false},
	{"--mem", OPT_MEM, true},
	{"--timeout", OPT_TIMEOUT, true},
	{"--cmdline", OPT_CMDLINE, true},
	{"--cpus", OPT_CPUS, true},
	{"--file", OPT_FILE, true},
	{"--env", OPT_ENV, true},
	{"--strace", OPT_STRACE, false},
	{"--hosted", OPT_HOSTED, false},	/* jit */
	{"--profile", OPT_PROFILE, true},
	{"--report", OPT_REPORT, false},
	{"--opt", OPT_OPT, true},
	{"--thresholds", OPT_THRESHOLDS, true},
	{"--log-tiers", OPT_LOG_TIERS, false},
	{"--compile-threads", OPT_COMPILE_THREADS, true},
	{"--compile-on", OPT_COMPILE_ON, true},
	{"--compile-cpu", OPT_COMPILE_CPU, true},
	{"--disk", OPT_DISK, true},
	{"--disk-ro", OPT_DISK_RO, true},
	{"--cache", OPT_CACHE, true},
	{"--cache-clear", OPT_CACHE_CLEAR, false},
	{"-o", OPT_OUT, true},			/* export */
	{"--from-cache", OPT_FROM_CACHE, false},
	{"--iso", OPT_APPLIANCE_ISO, false},
	{"--cpu", OPT_EXPORT_CPU, true},
	{"--accel", OPT_ACCEL, true},
	{"--perf-map", OPT_PERF_MAP, false},	/* jit */
	{"--gdb", OPT_GDB, false},
	{"--sample", OPT_SAMPLE, false},	/* run, jit */
	{"--sample-out", OPT_SAMPLE_OUT, true},
	{"--flamegraph", OPT_FLAMEGRAPH, true},
	{"--quiet", OPT_QUIET, false},
	/* clang-format on */
};

/* Whether command c has option o. */
static bool has_option(const struct command *c, const struct option *o)
{
	if (c->exports)
		switch (o->id) {
		case OPT_HELP:
		case OPT_VERBOSE:
		case OPT_TIMEOUT:
		case OPT_ENV:
		case OPT_CACHE:
		case OPT_OUT:
		case OPT_FROM_CACHE:
		case OPT_APPLIANCE_ISO:
		case OPT_EXPORT_CPU:
		case OPT_QUIET:
			return true;
		default:
			return false;
		}
	switch (o->id) {
	case OPT_OUT:
	case OPT_FROM_CACHE:
	case OPT_APPLIANCE_ISO:
	case OPT_EXPORT_CPU:
		return false;
	case OPT_ISO:
		return c->has_iso;
	case OPT_CMDLINE:
		return !c->program;
	case OPT_ISO_OUT:
	case OPT_STRACE:
	case OPT_ENV:
	case OPT_FILE:
	case OPT_SAMPLE:
	case OPT_SAMPLE_OUT:
	case OPT_FLAMEGRAPH:
		return c->program;
	case OPT_HOSTED:
	case OPT_PROFILE:
	case OPT_REPORT:
	case OPT_OPT:
	case OPT_THRESHOLDS:
	case OPT_COMPILE_THREADS:
	case OPT_COMPILE_ON:
	case OPT_COMPILE_CPU:
	case OPT_LOG_TIERS:
	case OPT_CACHE:
	case OPT_CACHE_CLEAR:
	case OPT_PERF_MAP:
		return c->jit;
	case OPT_DISK:
	case OPT_DISK_RO:
		return c->disks;
	default:
		return true;
	}
}

/* The option named by arg, or by its part before '=' (then *inline_value is after it). */
static const struct option *find_option(const struct command *c, const char *arg,
					const char **inline_value)
{
	const char *eq = strncmp(arg, "--", 2) ? NULL : strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);

	*inline_value = eq ? eq + 1 : NULL;
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		const struct option *o = &options[i];
		if (strlen(o->name) == len && !strncmp(o->name, arg, len) && has_option(c, o))
			return o;
	}
	return NULL;
}

/* --file HOST[:GUEST]: split at the first ':'; GUEST must be absolute.
 * Returns 0 or 2. */
static int add_file_spec(const struct command *c, const char *val)
{
	const char *colon = strchr(val, ':');
	size_t host_len = colon ? (size_t)(colon - val) : strlen(val);

	if (!host_len || (colon && !colon[1]))
		return usage_error(c->name, "--file wants HOST or HOST:GUEST, got '%s'", val);
	if (colon && colon[1] != '/')
		return usage_error(c->name, "--file %s: GUEST '%s' must be an absolute path", val,
				   colon + 1);
	struct file_spec *more = realloc(file_list, (size_t)(file_count + 1) * sizeof *more);
	if (!more)
		return usage_error(c->name, "too many --file options");
	file_list = more;
	more[file_count].host = strndup(val, host_len);
	more[file_count].guest = colon ? strdup(colon + 1) : NULL;
	if (!more[file_count].host || (colon && !more[file_count].guest))
		return usage_error(c->name, "too many --file options");
	file_count++;
	return 0;
}

/* Apply one option with its value (NULL for flags). Returns 0, 1 for --help, or 2. */
static int apply_option(const struct command *c, const struct option *o, const char *val,
			struct boot_options *opt, char *cmdline)
{
	if (o->id == OPT_MEM || o->id == OPT_CPUS || o->id == OPT_STRACE || o->id == OPT_ISO_OUT ||
	    o->id == OPT_DISK || o->id == OPT_DISK_RO || o->id == OPT_ACCEL || o->id == OPT_SAMPLE ||
	    o->id == OPT_SAMPLE_OUT || o->id == OPT_FLAMEGRAPH || o->id == OPT_COMPILE_CPU)
		jit.boot_only = o->name;
	if (o->id == OPT_FILE && strchr(val, ':'))
		jit.boot_only = "--file HOST:GUEST";
	switch (o->id) {
	case OPT_HELP:
		return 1;
	case OPT_ISO:
		opt->iso = true;
		return 0;
	case OPT_ISO_OUT:
		if (!*val)
			return usage_error(c->name, "--iso needs a file name");
		iso_out = val;
		return 0;
	case OPT_FILE:
		return add_file_spec(c, val);
	case OPT_VERBOSE:
		opt->verbose = true;
		return 0;
	case OPT_QUIET:
		opt->quiet = true;
		return 0;
	case OPT_MEM:
		if (cli_parse_size(val, &opt->mem_mib))
			return usage_error(c->name,
					   "bad memory size '%s' for --mem (use e.g. 512M, 2G, 64G; "
					   "whole MiB)",
					   val);
		if (opt->mem_mib > CLI_MEM_MAX_MIB)
			return usage_error(c->name,
					   "--mem %s is too large: the kernel maps RAM up to %d GiB, "
					   "and QEMU puts 1 GiB of a large machine's RAM above "
					   "4 GiB; use at most --mem %lluG",
					   val, BOOT_DIRECT_MAP_GIB, CLI_MEM_MAX_MIB >> 10);
		return 0;
	case OPT_TIMEOUT:
		if (parse_seconds(val, &opt->timeout))
			return usage_error(c->name, "bad --timeout '%s': use whole seconds", val);
		return 0;
	case OPT_CMDLINE:
		if (append_cmdline(cmdline, val))
			return usage_error(c->name, "the kernel command line is over %d bytes",
					   MAX_CMDLINE);
		return 0;
	case OPT_STRACE: /* a kernel command-line word, before the program's "--" */
		append_cmdline(cmdline, CONTRACT_WORD_STRACE);
		return 0;
	case OPT_ENV:
		if (!strchr(val, '=') || val[0] == '=')
			return usage_error(c->name, "--env wants NAME=VALUE, got '%s'", val);
		if (env_count == MAX_ENV)
			return usage_error(c->name, "more than %d --env variables", MAX_ENV);
		env_list[env_count++] = val;
		return 0;
	case OPT_CPUS: {
		char *end;
		long host = sysconf(_SC_NPROCESSORS_ONLN);
		errno = 0;
		long n = strtol(val, &end, 10);
		if (!*val || *end || errno || n < 1 || n > CONTRACT_CPUS_MAX)
			return usage_error(c->name, "--cpus %s: give a number of CPUs from 1 to %d", val,
					   CONTRACT_CPUS_MAX);
		if (host > 0 && n > host)
			return usage_error(c->name,
					   "--cpus %ld: this host has %ld CPUs online, and each guest CPU "
					   "needs one; use at most --cpus %ld",
					   n, host, host);
		opt->cpus = (int)n;
		return 0;
	}
	case OPT_DISK:
	case OPT_DISK_RO: {
		if (disk_count == CONTRACT_DISK_MAX)
			return usage_error(c->name, "more than %d disks", CONTRACT_DISK_MAX);
		const char *why = cli_disk_parse(val, o->id == OPT_DISK_RO, &disk_list[disk_count]);
		if (why)
			return usage_error(c->name, "%s %s: %s", o->name, val, why);
		disk_count++;
		return 0;
	}
	case OPT_ACCEL:
		if (strcmp(val, "auto") && strcmp(val, "kvm") && strcmp(val, "tcg"))
			return usage_error(c->name, "bad --accel '%s': use auto, kvm or tcg", val);
		opt->accel = val;
		return 0;
	case OPT_HOSTED:
		jit.hosted = true;
		return 0;
	case OPT_REPORT:
		jit.report = true;
		return 0;
	case OPT_LOG_TIERS:
		jit.log_tiers = true;
		return 0;
	case OPT_CACHE:
		if (!*val)
			return usage_error(c->name, "--cache needs a directory, or off");
		jit.cache = val;
		return 0;
	case OPT_CACHE_CLEAR:
		jit.cache_clear = true;
		return 0;
	case OPT_OUT:
		if (!*val)
			return usage_error(c->name, "-o needs a file name");
		jit.out = val;
		return 0;
	case OPT_FROM_CACHE:
		jit.from_cache = true;
		return 0;
	case OPT_APPLIANCE_ISO:
		jit.appliance_iso = true;
		return 0;
	case OPT_EXPORT_CPU:
		if (strcmp(val, "x86-64") && strcmp(val, "host"))
			return usage_error(c->name, "bad --cpu '%s': use x86-64 or host", val);
		jit.cpu = val;
		return 0;
	case OPT_PERF_MAP:
		jit.perf_map = true;
		return 0;
	case OPT_SAMPLE: {
		char *end;
		unsigned long hz = val ? strtoul(val, &end, 10) : 997;
		if (val && (!*val || *end || *val < '0' || *val > '9' || hz < SAMPLE_HZ_MIN ||
			    hz > SAMPLE_HZ_MAX))
			return usage_error(c->name, "bad --sample rate '%s': use %d to %d (Hz)", val,
					   SAMPLE_HZ_MIN, SAMPLE_HZ_MAX);
		opt->sample_hz = (int)hz;
		return 0;
	}
	case OPT_SAMPLE_OUT:
	case OPT_FLAMEGRAPH:
		if (!*val)
			return usage_error(c->name, "%s needs a file name", o->name);
		*(o->id == OPT_SAMPLE_OUT ? &opt->sample_out : &opt->flamegraph) = val;
		if (!opt->sample_hz)
			opt->sample_hz = 997;
		return 0;
	case OPT_GDB: {
		char *end;
		unsigned long port = val ? strtoul(val, &end, 10) : 1234;
		if (val && (!*val || *end || port < 1 || port > 65535 || *val < '0' || *val > '9'))
			return usage_error(c->name, "bad --gdb port '%s': use 1 to 65535", val);
		opt->gdb_port = (int)port;
		jit.gdb = true;
		return 0;
	}
	case OPT_PROFILE:
		if (!*val)
			return usage_error(c->name, "--profile needs a file name");
		jit.profile = val;
		return 0;
	case OPT_OPT:
		if (strcmp(val, "auto") && (strlen(val) != 1 || val[0] < '0' || val[0] > '3'))
			return usage_error(c->name, "bad --opt '%s': use auto, 0, 1, 2 or 3", val);
		jit.opt = val;
		return 0;
	case OPT_THRESHOLDS: {
		unsigned long long v[4];
		int used = -1;
		if (sscanf(val, "%llu,%llu,%llu,%llu%n", &v[0], &v[1], &v[2], &v[3], &used) != 4 ||
		    used != (int)strlen(val) || !v[0] || !v[1] || v[0] > v[2] || v[1] > v[3] ||
		    strchr(val, '-') || strchr(val, '+') || strchr(val, ' '))
			return usage_error(c->name,
					   "bad --thresholds '%s': use C1,L1,C2,L2, four positive "
					   "counts with C1 <= C2 and L1 <= L2",
					   val);
		jit.thresholds = val;
		return 0;
	}
	case OPT_COMPILE_THREADS: {
		int used = -1;
		unsigned n;
		if (sscanf(val, "%u%n", &n, &used) != 1 || used != (int)strlen(val) || n > 64 ||
		    val[0] < '0' || val[0] > '9')
			return usage_error(c->name, "bad --compile-threads '%s': use 0 to 64", val);
		jit.compile_threads = val;
		return 0;
	}
	case OPT_COMPILE_ON:
		if (strcmp(val, "host") && strcmp(val, "guest"))
			return usage_error(c->name, "bad --compile-on '%s': use host or guest", val);
		jit.compile_on = val;
		return 0;
	case OPT_COMPILE_CPU:
		if (strcmp(val, "auto") && strcmp(val, "off"))
			return usage_error(c->name, "bad --compile-cpu '%s': use auto or off", val);
		jit.compile_cpu = val;
		return 0;
	}
	return 0;
}

/* Parse the options after the command into opt and cmdline. For a command
 * that takes a program, stops at the first word that is not an option (or
 * after "--") and stores its index in *first_arg. Returns 0, 1 for --help, or
 * 2 after printing a usage error. */
static int parse_options(const struct command *c, int argc, char **argv, struct boot_options *opt,
			 char *cmdline, int *first_arg)
{
	*first_arg = argc;
	for (int i = 0; i < argc; i++) {
		const char *val;
		if (c->program && (argv[i][0] != '-' || !strcmp(argv[i], "--"))) {
			*first_arg = i + !strcmp(argv[i], "--");
			return 0;
		}
		int f = c->jit ? frontend_option(c, argc, argv, &i) : -1;
		if (f >= 0) {
			if (f)
				return f;
			continue;
		}
		const struct option *o = find_option(c, argv[i], &val);

		if (!o && c->jit && argv[i][1] == 'O')
			return usage_error(c->name,
					   "unknown option '%s' for %s: the JIT picks its "
					   "optimization itself (--opt sets it)",
					   argv[i], c->name);
		if (!o)
			return usage_error(c->name, "unknown option '%s' for %s", argv[i], c->name);
		if (o->takes_value && !val) {
			if (i + 1 == argc)
				return usage_error(c->name, "%s needs a value", o->name);
			val = argv[++i];
		} else if (!o->takes_value && val && o->id != OPT_GDB && o->id != OPT_SAMPLE) {
			return usage_error(c->name, "%s takes no value", o->name);
		}
		int r = apply_option(c, o, val, opt, cmdline);
		if (r)
			return r;
	}
	return 0;
}

/* Complete the kernel command line with which standard streams are
 * terminals here (tty=) and the terminal's size (winsize=), so the program
 * formats its output as it would natively. Returns 0 or 2. */
static int terminal_words(const struct command *c, char *cmdline)
{
	char words[64] = CONTRACT_WORD_TTY "=";
	int r;

	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd))
			words[strlen(words)] = (char)('0' + fd);
	r = strlen(words) > strlen(CONTRACT_WORD_TTY "=") ? append_cmdline(cmdline, words) : 0;
	struct winsize ws;
	int tty = isatty(1) ? 1 : isatty(2) ? 2 : isatty(0) ? 0 : -1;
	if (!r && tty >= 0 && ioctl(tty, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row) {
		snprintf(words, sizeof words, CONTRACT_WORD_WINSIZE "=%ux%u", ws.ws_col, ws.ws_row);
		r = append_cmdline(cmdline, words);
	}
	return r ? usage_error(c->name, "the kernel command line is too long") : 0;
}

/*
 * `run ELF [ARGS...]`: check the program and note what the archive must say
 * (working directory, program path, arguments, environment); complete the
 * kernel command line. Returns 0 or an exit status.
 */
static int program_cmdline(const struct command *c, int argc, char **argv, struct run_app *app,
			   char *cmdline)
{
	char *cwd;

	if (argc < 1)
		return usage_error(c->name, "no program given");
	int r = cli_cwd(&cwd);
	if (!r)
		r = cli_check_readable(argv[0]);
	if (r)
		return r;
	app->elf = argv[0];
	app->elf_path = cli_abspath(argv[0]);
	app->cwd = cwd;
	if (!app->elf_path) {
		cli_error("%s: %s", argv[0], strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	app->argc = argc;
	app->argv = (const char *const *)argv;
	app->envc = env_count;
	app->envp = env_list;
	/* The arguments travel in the archive. An ISO boots elsewhere: no
	 * terminal then. */
	if (!iso_out && (r = terminal_words(c, cmdline)))
		return r;
	app->files = file_list;
	app->nfiles = file_count;
	app->iso_out = iso_out;
	return 0;
}

/* Whether word names a jit input: a C source or an LLVM bitcode file. */
static bool is_jit_input(const char *word)
{
	size_t n = strlen(word);

	return (n > 2 && !strcmp(word + n - 2, ".c")) || (n > 3 && !strcmp(word + n - 3, ".bc"));
}

/*
 * `jit PROG.c|PROG.bc... [--] [ARGS...]`: the leading words that end in .c or
 * .bc are the inputs, among which -lm and the other libraries the runtime
 * provides are taken as on a compiler's command line (`jit *.c -lm`; they
 * are moved out of argv's inputs); the first other word (-la is a
 * program's argument), or a "--" after them (dropped), starts the
 * program's arguments. Refuses options that need a boot with
 * --hosted, and completes the kernel command line for a boot. Returns 0 or 2.
 */
static int jit_cmdline(const struct command *c, int argc, char **argv, struct jit_app *app,
		       char *cmdline)
{
	int n = 0, k = 0; /* inputs; words read */

	for (; k < argc; k++) {
		if (is_jit_input(argv[k])) {
			argv[n++] = argv[k];
		} else if (n && !strncmp(argv[k], "-l", 2) && provided_library(argv[k] + 2)) {
			continue; /* -lm and the like: nothing to link */
		} else {
			break;
		}
	}
	if (!argc)
		return usage_error(c->name, "no program given");
	if (!n)
		return usage_error(c->name, "'%s' is not a program: give .c or .bc files", argv[0]);
	if (jit.hosted && jit.boot_only)
		return usage_error(c->name, "%s needs a boot: not with --hosted", jit.boot_only);
	if (jit.compile_on && jit.hosted)
		return usage_error(c->name, "--compile-on is where a boot's runtime compiles: not "
					    "with --hosted");
	if (jit.compile_on && !strcmp(jit.compile_on, "host") && iso_out)
		return usage_error(c->name, "--compile-on host needs this host while the guest runs: "
					    "not with --iso");
	if (jit.perf_map && !jit.hosted)
		return usage_error(c->name, "--perf-map is for perf on this host: only with --hosted");
	if (jit.cache_clear && jit.cache && !strcmp(jit.cache, "off"))
		return usage_error(c->name, "--cache-clear with --cache off: which cache?");
	if (c->exports && jit.cache && !jit.from_cache)
		return usage_error(c->name, "--cache DIR goes with --from-cache: a training run "
					    "keeps its profile to itself");
	if (c->exports && jit.cache && !strcmp(jit.cache, "off"))
		return usage_error(c->name, "--from-cache needs a cache, not --cache off");
	struct stat st;
	if (!c->exports && !jit.hosted && jit.cache && strcmp(jit.cache, "off") &&
	    !stat(jit.cache, &st) && S_ISDIR(st.st_mode))
		return usage_error(c->name, "--cache %s: bare-metal, the code cache is a disk image "
					    "file (made on first use), not a directory",
				   jit.cache);
	if (jit.profile && iso_out)
		return usage_error(c->name, "--profile needs a boot with a host to write to: "
					    "not with --iso");
	int rest = k + (k < argc && !strcmp(argv[k], "--"));
	*app = (struct jit_app){
	    .inputs = (const char *const *)argv,
	    .ninputs = n,
	    .cflags = cflag_list,
	    .ncflags = cflag_count,
	    .argc = argc - rest,
	    .argv = (const char *const *)argv + rest,
	    .hosted = jit.hosted,
	    .report = jit.report,
	    .log_tiers = jit.log_tiers,
	    .perf_map = jit.perf_map,
	    .gdb = jit.gdb,
	    .profile = jit.profile,
	    .opt = jit.opt,
	    .thresholds = jit.thresholds,
	    .compile_threads = jit.compile_threads,
	    .compile_in_guest = (jit.compile_on && !strcmp(jit.compile_on, "guest")) || iso_out,
	    .cache = jit.cache,
	    .cache_clear = jit.cache_clear,
	    .export_out = c->exports ? (jit.out ? jit.out : "") : NULL,
	    .from_cache = jit.from_cache,
	    .export_iso = jit.appliance_iso,
	    .export_cpu = jit.cpu ? jit.cpu : "x86-64",
	    .files = file_list,
	    .nfiles = file_count,
	    .iso_out = iso_out,
	    .envc = env_count,
	    .envp = env_list,
	    .compile_cpu = -1,
	};
	return jit.hosted || iso_out || c->exports ? 0 : terminal_words(c, cmdline);
}

/*
 * Bare-metal, the runtime's compiler thread gets a CPU of its own, one
 * more than --cpus, which the kernel keeps from the program
 * (CONTRACT_WORD_RUNTIME_CPU): the program's CPUs then do none of the
 * background compiles' work in the guest (building the module, linking
 * the code that comes back). Only where there is such a thread (the tiers,
 * compiling in the background) and the host has a CPU to spare for it
 * beyond the program's; not for an ISO, which boots elsewhere, nor under
 * --gdb (the machine debugged is the one asked for), nor with
 * --compile-cpu off. Returns 0 or 2.
 */
static int runtime_cpu(const struct command *c, struct boot_options *opt, struct jit_app *app,
		       char *cmdline)
{
	long host = sysconf(_SC_NPROCESSORS_ONLN);
	int cpus = opt->cpus > 1 ? opt->cpus : 1;
	bool thread = app->compile_threads ? strcmp(app->compile_threads, "0") != 0
					   : !app->thresholds;
	if (app->hosted || c->exports || iso_out || app->gdb || (app->opt && strcmp(app->opt, "auto")) ||
	    !thread || (jit.compile_cpu && !strcmp(jit.compile_cpu, "off")) || host <= cpus ||
	    cpus >= CONTRACT_CPUS_MAX)
		return 0;
	if (append_cmdline(cmdline, CONTRACT_WORD_RUNTIME_CPU))
		return usage_error(c->name, "the kernel command line is too long");
	app->compile_cpu = cpus;
	opt->cpus = cpus + 1;
	return 0;
}

/* The disks: checked (127, 126), their GUEST_DIRs settled, and told to the
 * kernel on its command line. Returns 0 or an exit status. */
/*
 * Bare-metal, the code cache lives on a FAT disk image of its own (what the
 * guest writes to its own files is gone when it stops): --cache IMG, or
 * bare-metal.img in the cache directory, made on first use (mkfs.fat) and
 * locked for the run, then one more disk, mounted at CONTRACT_CACHE_DIR.
 * A run that finds it locked (another run at once), or cannot make it,
 * goes without the cache, with a warning. Sets app->cache_disk.
 */
#define CACHE_DISK_MIB 128
static int cache_disk_lock = -1; /* held until we exit */

static void cache_disk(struct jit_app *app, bool quiet)
{
	char *img = NULL, *dir = NULL;
	if ((jit.cache && !strcmp(jit.cache, "off")) || iso_out || disk_count == CONTRACT_DISK_MAX)
		return;
	if (jit.cache) {
		img = cli_abspath(jit.cache);
	} else if ((dir = cli_cache_dir(NULL))) {
		cli_mkdirs(dir); /* a failure shows when the image is made */
		if (asprintf(&img, "%s/bare-metal.img", dir) < 0)
			img = NULL;
	}
	free(dir);
	if (!img)
		return; /* nowhere to keep it (no HOME) */
	bool made = access(img, F_OK) != 0;
	if (made && isatty(2) && !quiet)
		fprintf(stderr, "bareflow: making the code cache's disk %s (%d MiB, FAT32)...\n",
			img, CACHE_DISK_MIB);
	if (made) {
		/* made aside and linked in whole: a run starting at the same
		 * time never opens a half-made image, and one of two makers
		 * wins (the other's link fails with EEXIST and it uses the
		 * winner's) */
		char *tmp = NULL;
		int r = asprintf(&tmp, "%s.%d.new", img, (int)getpid()) < 0
			    ? -1
			    : cli_disk_make(tmp, CACHE_DISK_MIB);
		if (!r && link(tmp, img) && errno != EEXIST)
			r = -1;
		if (tmp)
			unlink(tmp);
		free(tmp);
		if (r) {
			cli_error("the code cache's disk %s cannot be made: this run goes without it",
				  img);
			free(img);
			return;
		}
	}
	int fd = open(img, O_RDWR | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB)) {
		cli_error("the code cache's disk %s is %s: this run goes without it", img,
			  fd < 0 ? strerror(errno) : "in use by another run");
		if (fd >= 0)
			close(fd);
		free(img);
		return;
	}
	cache_disk_lock = fd;
	disk_list[disk_count] = (struct disk_spec){.image = img, .guest = strdup(CONTRACT_CACHE_DIR)};
	disk_count++;
	app->cache_disk = true;
}

static int disk_cmdline(const struct command *c, struct boot_options *opt, char *cmdline)
{
	char words[CONTRACT_CMDLINE_MAX];

	if (!disk_count || jit.hosted)
		return 0;
	if (iso_out)
		return usage_error(c->name, "--disk needs a boot: not with --iso");
	int r = cli_disk_check(disk_list, disk_count);
	if (r)
		return r;
	if (cli_disk_words(disk_list, disk_count, words, sizeof words) || append_cmdline(cmdline, words))
		return usage_error(c->name, "the kernel command line is over %d bytes", MAX_CMDLINE);
	if (cache_disk_lock >= 0) { /* the last disk is the cache's */
		snprintf(words, sizeof words, CONTRACT_WORD_CACHE_DISK "=%d", disk_count - 1);
		if (append_cmdline(cmdline, words))
			return usage_error(c->name, "the kernel command line is over %d bytes",
					   MAX_CMDLINE);
	}
	opt->disks = disk_list;
	opt->ndisks = disk_count;
	return 0;
}

/* `bareflow help [COMMAND]`. */
static int help(const char *topic)
{
	const struct command *c = topic ? find_command(topic) : NULL;

	if (topic && !strcmp(topic, "disk"))
		return fputs(disk_usage, stdout), 0;
	if (topic && !c)
		return usage_error(NULL, "no help for unknown command '%s'", topic);
	fputs(c ? c->usage : main_usage, stdout);
	return 0;
}

/*
 * Give a closed standard stream /dev/null, as a program natively would write
 * nowhere. Otherwise the first file we open takes its number: QEMU then writes
 * the guest's stdout into our stderr, or our dup of stderr fails.
 */
static void open_closed_stdio(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			_exit(CLI_EXIT_FAILURE); /* cannot be: fd was the lowest free number */
}

int main(int argc, char **argv)
{
	static char cmdline[MAX_CMDLINE + 1];

	open_closed_stdio();
	if (argc < 2) {
		fputs(main_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "help"))
		return help(argc > 2 ? argv[2] : NULL);
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		return help(NULL);
	if (!strcmp(name, "disk"))
		return cli_disk_command(argc - 2, argv + 2);
	const struct command *c = find_command(name);
	if (!c)
		return usage_error(NULL, "unknown command '%s'", name);

	struct boot_options opt = c->defaults;
	strcpy(cmdline, c->cmdline);
	opt.cmdline = cmdline;
	int first;
	int r = parse_options(c, argc - 2, argv + 2, &opt, cmdline, &first);
	if (r == 1)
		return help(c->name);
	if (r)
		return r;
	if (opt.quiet && opt.verbose)
		return usage_error(c->name, "--quiet and --verbose contradict each other");
	if (opt.sample_hz) { /* a kernel word, before the program's "--" */
		char word[32];
		snprintf(word, sizeof word, CONTRACT_WORD_SAMPLE "=%d", opt.sample_hz);
		if (append_cmdline(cmdline, word))
			return usage_error(c->name, "the kernel command line is too long");
	}
	if (c->jit) {
		struct jit_app app;
		r = jit_cmdline(c, argc - 2 - first, argv + 2 + first, &app, cmdline);
		if (!r)
			r = runtime_cpu(c, &opt, &app, cmdline);
		if (!r && !app.hosted && !c->exports)
			cache_disk(&app, opt.quiet);
		if (!r)
			r = disk_cmdline(c, &opt, cmdline);
		return r ? r : cli_jit(&opt, &app);
	}
	if (c->program) {
		struct run_app app = {0};
		r = program_cmdline(c, argc - 2 - first, argv + 2 + first, &app, cmdline);
		if (!r)
			r = disk_cmdline(c, &opt, cmdline);
		if (r)
			return r;
		opt.program = app.elf;
		opt.program_path = app.elf_path;
		return cli_run(&opt, &app);
	}
	r = disk_cmdline(c, &opt, cmdline);
	if (!r)
		r = cli_mem_check(opt.mem_mib, 0);
	return r ? r : cli_boot(&opt);
}
