/* `run`: start the program the boot loader handed over as the first module. */
#include "console.h"
#include "kerrno.h"
#include "kernel.h"
#include "printf.h"
#include "proc.h"
#include "vm.h"

#define MAX_ARGS 256

int run_program(void)
{
	static char words[BOOT_CMDLINE_MAX];
	static char *argv[MAX_ARGS + 1];

	console_route(CONSOLE_LOG); /* COM1 is the program's stdout from now on */
	if (boot_info.nmod == 0) {
		kreport("bareflow: no program to run (the boot loader passed no module)\n");
		return EXIT_KERNEL_PANIC;
	}
	int argc = cmdline_program_args(words, sizeof words, argv, MAX_ARGS);
	if (argc < 0) {
		kreport("bareflow: more than %d program arguments\n", MAX_ARGS);
		return EXIT_KERNEL_PANIC;
	}
	if (argc == 0)
		argv[argc++] = "program";
	argv[argc] = NULL;
	const struct boot_module *m = &boot_info.mod[0];
	kprintf("run: %s, %lu bytes at %lx, %d arguments\n", argv[0], m->end - m->start, m->start, argc);
	int status = proc_exec(phys_to_virt(m->start), m->end - m->start, argc, argv, 0, NULL);
	if (status == -ENOMEM) {
		kreport("bareflow: %s: not enough memory to start it (try a larger --mem)\n", argv[0]);
		return EXIT_KERNEL_PANIC;
	}
	kprintf("run: %s exited with status %d\n", argv[0], status);
	return status;
}
