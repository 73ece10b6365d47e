/* bareflow: the command-line front end. Parses a subcommand and its options,
 * then boots the kernel in QEMU (see qemu.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: bareflow COMMAND [OPTIONS]\n"
	"\n"
	"BareFlow is a self-optimizing x86-64 unikernel. Commands:\n"
	"  demo       boot the kernel as built: banner, boot report, power off\n"
	"  selftest   boot the in-kernel test suite; ends with \"N passed, N failed\"\n"
	"  help       show this text (also: bareflow COMMAND --help)\n"
	"\n"
	"Options (demo and selftest):\n"
	"  --mem SIZE       guest RAM, e.g. 512M, 2G, 64G (demo 512M, selftest 2G)\n"
	"  --timeout SEC    stop the guest after SEC seconds, exit 124 (demo 60, selftest 600; 0 = none)\n"
	"  --iso            boot build/bareflow.iso through GRUB instead of QEMU's direct boot\n"
	"  --cmdline STR    append words to the kernel command line:\n"
	"                     selftest[=FILTER]   run in-kernel tests whose name contains FILTER\n"
	"                     demo=banner         print the banner only\n"
	"                     crash=pf|ud|gp|de|df  raise a CPU exception to show a fault report\n"
	"                     crash=double-free   free a heap block twice (a panic)\n"
	"                     fault=mb2-no-mmap|mb2-bad-mmap  (tests, with --iso) damage the\n"
	"                                         boot loader's memory map\n"
	"  --verbose        print the QEMU command line and QEMU's own messages\n"
	"\n"
	"The guest's serial console is copied to stdout byte for byte. Exit status: the\n"
	"guest's own (selftest: 0 if every test passed, 1 otherwise); 124 on timeout;\n"
	"125 for a kernel panic, an unhandled CPU exception, a guest that reset without\n"
	"reporting a status, or a QEMU failure; 2 for a usage error.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("bareflow: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'bareflow --help'.\n", stderr);
	return CLI_EXIT_USAGE;
}

static int parse_int(const char *s, int *out)
{
	char *end;
	long v = s ? strtol(s, &end, 10) : -1;

	if (!s || !*s || *end || v < 0 || v > 86400 * 365)
		return -1;
	*out = (int)v;
	return 0;
}

/* Parse options after the subcommand into opt; returns 0, 1 for --help, or an
 * exit status for a usage error. */
static int parse_options(int argc, char **argv, struct boot_options *opt, char *cmdline,
			 size_t cmdline_size)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		if (!strcmp(a, "--iso")) {
			opt->iso = true;
		} else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			opt->verbose = true;
		} else if (!strcmp(a, "--mem") || !strcmp(a, "--timeout") || !strcmp(a, "--cmdline")) {
			if (!val)
				return usage_error("%s needs a value", a);
			i++;
			if (!strcmp(a, "--mem") && cli_parse_size(val, &opt->mem_mib))
				return usage_error("bad memory size '%s' (use e.g. 512M, 2G, 64G)", val);
			if (!strcmp(a, "--timeout") && parse_int(val, &opt->timeout))
				return usage_error("bad timeout '%s' (whole seconds)", val);
			if (!strcmp(a, "--cmdline")) {
				size_t used = strlen(cmdline);
				if (used + strlen(val) + 2 > cmdline_size)
					return usage_error("%s", "kernel command line too long");
				snprintf(cmdline + used, cmdline_size - used, "%s%s", used ? " " : "", val);
			}
		} else {
			return usage_error("unknown option '%s'", a);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char cmdline[1024];
	struct boot_options opt = {.mem_mib = 512, .timeout = 60, .cmdline = cmdline};

	if (argc < 2)
		return fputs(usage, stderr), CLI_EXIT_USAGE;
	const char *cmd = argv[1];
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		return fputs(usage, stdout), 0;
	if (!strcmp(cmd, "selftest")) {
		opt.mem_mib = 2048;
		opt.timeout = 600;
		strcpy(cmdline, "selftest");
	} else if (strcmp(cmd, "demo")) {
		if (!strcmp(cmd, "run") || !strcmp(cmd, "jit"))
			return usage_error("'%s' is not available yet: this build has the kernel only", cmd);
		return usage_error("unknown command '%s'", cmd);
	}
	int r = parse_options(argc - 2, argv + 2, &opt, cmdline, sizeof cmdline);
	if (r == 1)
		return fputs(usage, stdout), 0;
	if (r)
		return r;
	return cli_boot(&opt);
}
