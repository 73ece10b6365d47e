/* `run`: start the program the boot loader handed over as the first module. */
#include "console.h"
#include "kerrno.h"
#include "heap.h"
#include "kernel.h"
#include "pmm.h"
#include "printf.h"
#include "proc.h"
#include "vm.h"

#define MAX_ARGS 256

int run_program(void)
{
	static char words[BOOT_CMDLINE_MAX];
	static char *argv[MAX_ARGS + 2];
	int envc;

	console_route(CONSOLE_LOG); /* COM1 is the program's stdout from now on */
	stdin_init();
	if (boot_info.nmod == 0) {
		kreport("bareflow: no program to run (the boot loader passed no module)\n");
		return EXIT_KERNEL_PANIC;
	}
	int argc = cmdline_program_args(words, sizeof words, argv, MAX_ARGS, &envc);
	if (argc < 0) {
		kreport("bareflow: more than %d program arguments and variables\n", MAX_ARGS);
		return EXIT_KERNEL_PANIC;
	}
	if (argc == 0) {
		kreport("bareflow: no program name on the command line (after \"--\")\n");
		return EXIT_KERNEL_PANIC;
	}
	char **envp = &argv[argc + 1];
	const struct boot_module *m = &boot_info.mod[0];
	kprintf("run: %s, %lu bytes at %lx, %d arguments, %d environment variables\n", argv[0],
		m->end - m->start, m->start, argc, envc);
	struct heap_stats h0, h1;
	uint64_t free0 = pmm_free_count(), tables0 = vm_table_pages();
	heap_stats(&h0);
	int status = proc_exec(phys_to_virt(m->start), m->end - m->start, argc, argv, envc, envp);
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
		kreport("bareflow: %s: not enough memory to start it (try a larger --mem)\n", argv[0]);
		return EXIT_KERNEL_PANIC;
	}
	kprintf("run: %s exited with status %d\n", argv[0], status);
	return status;
}
