/* `run`: start the program the boot loader handed over as the first module. */
#include "console.h"
#include "fs.h"
#include "kstring.h"
#include "syscall.h"
#include "kerrno.h"
#include "heap.h"
#include "kernel.h"
#include "pmm.h"
#include "printf.h"
#include "proc.h"
#include "sample.h"
#include "task.h"
#include "vm.h"

#define MAX_ARGS 256

/*
 * Build the program's filesystem from the boot module: a cpio archive from
 * the CLI (program and --file arguments; its !bareflow-args entry, or else
 * exe= and cwd= on the command line, name the program's file and the
 * starting directory), or a bare ELF (as GRUB users may pass it), which
 * appears at argv[0] made absolute. Returns 0 with *exe set, or the exit
 * status to end with.
 */
static int setup_files(const struct boot_module *m, const char *argv0, struct inode **exe)
{
	static char exe_path[PATH_MAX], cwd[PATH_MAX];
	exe_path[0] = cwd[0] = 0;
	const uint8_t *data = phys_to_virt(m->start);
	size_t size = m->end - m->start;
	struct inode *ip;
	int err = fs_init();

	console_configure();
	if (err) {
		kreport("bareflow: not enough memory for the filesystem (try a larger --mem)\n");
		return EXIT_KERNEL_PANIC;
	}
	if (cpio_is_archive(data, size)) {
		const char *args;
		const uint8_t *in;
		size_t asize, insize;
		if (cpio_unpack(data, size))
			return EXIT_KERNEL_PANIC;
		if (cpio_stdin(&in, &insize) && console_stdin_file(in, insize)) {
			kreport("bareflow: not enough memory for the filesystem (try a larger --mem)\n");
			return EXIT_KERNEL_PANIC;
		}
		if (cpio_args(&args, &asize) && asize && !args[asize - 1]) {
			/* the working directory and the program's path come first */
			size_t n = strlen(args);
			if (n < sizeof cwd)
				memcpy(cwd, args, n + 1);
			const char *e = args + n + 1;
			if (e < args + asize && strlen(e) < sizeof exe_path)
				memcpy(exe_path, e, strlen(e) + 1);
		} else {
			cmdline_get(CONTRACT_WORD_EXE, exe_path, sizeof exe_path);
			cmdline_get(CONTRACT_WORD_CWD, cwd, sizeof cwd);
		}
		if (exe_path[0] != '/') {
			kreport("bareflow: the boot archive names no program file\n");
			return EXIT_KERNEL_PANIC;
		}
	} else {
		struct inode *dir;
		if (!argv0) {
			kreport("bareflow: no program name on the command line (after \"--\")\n");
			return EXIT_KERNEL_PANIC;
		}
		size_t n = strlen(argv0);
		if (n + 2 > sizeof exe_path)
			return EXIT_KERNEL_PANIC;
		exe_path[0] = '/';
		memcpy(exe_path + (argv0[0] != '/'), argv0, n + 1);
		char *slash = exe_path + strlen(exe_path);
		while (slash > exe_path && slash[-1] != '/')
			slash--;
		slash[-1] = 0;
		err = path_mkdirs(exe_path, &dir);
		slash[-1] = '/';
		if (!err && !(ip = inode_new(S_IFREG | 0755)))
			err = -ENOMEM;
		if (!err) {
			inode_set_data(ip, data, size, true);
			err = dir_link(dir, slash, strlen(slash), ip);
		}
		if (err) {
			kreport("bareflow: cannot place the program at %s (error %d)\n", exe_path, -err);
			return EXIT_KERNEL_PANIC;
		}
	}
	if (cwd[0]) {
		if (path_lookup(AT_FDCWD, cwd, true, &ip) || !S_ISDIR(ip->mode))
			kreport("bareflow: the working directory %s is not in the filesystem\n", cwd);
		else
			fs_set_cwd(ip);
	}
	err = path_lookup(AT_FDCWD, exe_path, true, &ip);
	if (err || !S_ISREG(ip->mode)) {
		kreport("bareflow: %s: %s\n", exe_path, err ? "No such file in the guest" : "Not a regular file");
		return err ? 127 : 126;
	}
	fs_set_exe(exe_path);
	*exe = ip;
	return 0;
}

/* The archive's arguments and environment (contract.h) as one kmalloc'd
 * vector: argv, NULL, envp, NULL. Returns argc, or -EINVAL or -ENOMEM. */
static int archive_args(const char *data, size_t size, char ***vec, int *envc)
{
	size_t strings = 0;
	for (size_t i = 0; i < size; i++)
		strings += !data[i];
	char **v = kmalloc((strings + 2) * sizeof *v);
	if (!v)
		return -ENOMEM;
	int argc = cmdline_archive_args(data, size, v, strings + 2, envc);
	if (argc < 0)
		kfree(v);
	else
		*vec = v;
	return argc;
}

int run_program(void)
{
	static char words[BOOT_CMDLINE_MAX];
	static char *cmd_argv[MAX_ARGS + 2];
	char **argv = cmd_argv;
	const char *adata;
	size_t asize;
	int envc;

	console_route(CONSOLE_LOG); /* COM1 is the program's stdout from now on */
	stdin_init();
	sample_init(); /* with sample=HZ: its table outlives the program */
	if (boot_info.nmod == 0) {
		kreport("bareflow: no program to run (the boot loader passed no module)\n");
		return EXIT_KERNEL_PANIC;
	}
	int argc = cmdline_program_args(words, sizeof words, argv, MAX_ARGS, &envc);
	if (argc < 0) {
		kreport("bareflow: more than %d program arguments and variables\n", MAX_ARGS);
		return EXIT_KERNEL_PANIC;
	}
	const struct boot_module *m = &boot_info.mod[0];
	struct heap_stats h0, h1;
	heap_drain_caches(); /* pages the heap's per-CPU caches keep would look leaked */
	uint64_t free0 = pmm_free_count(), tables0 = vm_table_pages();
	heap_stats(&h0);
	struct inode *exe;
	/* First: the standard streams and the working directory are its. */
	struct proc *p = proc_create();
	if (!p) {
		kreport("bareflow: not enough memory to start the program (try a larger --mem)\n");
		return EXIT_KERNEL_PANIC;
	}
	int status = setup_files(m, argc ? argv[0] : NULL, &exe);
	if (status == 0)
		status = mount_disks(); /* before the program: 126 when a disk cannot be */
	if (status == 0 && cpio_args(&adata, &asize)) {
		argc = archive_args(adata, asize, &argv, &envc);
		if (argc < 0) {
			kreport("bareflow: the program's arguments in the boot archive are malformed\n");
			argv = cmd_argv;
			status = EXIT_KERNEL_PANIC;
		}
	} else if (status == 0 && argc == 0) {
		kreport("bareflow: no program arguments (after \"--\" or in the boot archive)\n");
		status = EXIT_KERNEL_PANIC;
	}
	if (status == 0) {
		kprintf("run: %s, module of %lu bytes at %lx, %d arguments, %d environment variables\n",
			argv[0], m->end - m->start, m->start, argc, envc);
		status = proc_exec(exe->data, exe->size, argc, argv, envc, &argv[argc + 1]);
		syscall_report_unimplemented();
	}
	proc_destroy(p);
	fs_destroy(); /* files the program made go too; disks are written back */
	ipc_reset();  /* System V objects outlive a process, not the boot's files */
	if (argv != cmd_argv)
		kfree(argv);
	heap_drain_caches();
	heap_stats(&h1);
	/* Everything the program had must be back: a leak here is a kernel bug. */
	if (pmm_free_count() != free0 || vm_table_pages() != tables0 || h1.live_allocs != h0.live_allocs)
		kreport("bareflow: kernel bug: %ld pages, %ld page tables and %ld heap blocks not freed "
			"after the program\n",
			(long)(free0 - pmm_free_count()), (long)(vm_table_pages() - tables0),
			(long)(h1.live_allocs - h0.live_allocs));
	else
		kprintf("run: every page, page table and heap block the program used is free again\n");
	if (status == -ENOMEM) {
		kreport("bareflow: not enough memory to start the program (try a larger --mem)\n");
		return EXIT_KERNEL_PANIC;
	}
	kprintf("run: the program exited with status %d\n", status);
	return status;
}
