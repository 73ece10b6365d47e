/* The RAM a boot needs, so that a --mem the kernel could not boot with is
 * refused before QEMU starts, with the --mem that would work. */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "../../kernel/include/bootmem.h"
#include "cli.h"

#define KIB 1024ull
#define MIB (1024 * KIB)
#define PAGE (4 * KIB)
/*
 * QEMU's pc machine with SeaBIOS, as the kernel's boot report shows it: the
 * first MiB is the kernel's to leave alone; the firmware keeps the top 128
 * KiB of the RAM below 4 GiB (ACPI tables); with 3.5 GiB of RAM or more,
 * only 3 GiB stay below 4 GiB and the rest starts at 4 GiB; -initrd is
 * loaded at the top of the RAM below 4 GiB, at least 160 KiB below it.
 */
#define FIRST_MIB MIB
#define FIRMWARE_TOP (128 * KIB)
#define LOW_SPLIT (3584 * MIB)
#define LOW_BIG (3072 * MIB)
#define INITRD_GAP (160 * KIB)
#define BOOT_INFO (2 * PAGE) /* the boot information, and rounding */

static unsigned long long pages(unsigned long long bytes)
{
	return (bytes + PAGE - 1) / PAGE * PAGE;
}

/* The physical span of build/bareflow.elf's loaded segments, or 0 if it
 * cannot be read (cli_boot reports a missing kernel). */
static unsigned long long image_bytes(void)
{
	static unsigned long long span = 1;
	char path[4096];
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (span != 1)
		return span;
	span = 0;
	snprintf(path, sizeof path, "%s/build/bareflow.elf", cli_root());
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	unsigned long long lo = ~0ull, hi = 0;
	if (pread(fd, &eh, sizeof eh, 0) == sizeof eh && eh.e_phentsize == sizeof ph)
		for (int i = 0; i < eh.e_phnum; i++)
			if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + i * sizeof ph)) ==
				sizeof ph &&
			    ph.p_type == PT_LOAD) {
				lo = ph.p_paddr < lo ? ph.p_paddr : lo;
				hi = ph.p_paddr + ph.p_memsz > hi ? ph.p_paddr + ph.p_memsz : hi;
			}
	close(fd);
	span = hi > lo ? pages(hi - lo) : 0;
	return span;
}

/* Where RAM ends, and how much of it is below 4 GiB. */
static unsigned long long ram_top(unsigned long long mem)
{
	return mem < LOW_SPLIT ? mem : mem - LOW_BIG + (4096 * MIB);
}

static unsigned long long ram_low(unsigned long long mem)
{
	return mem < LOW_SPLIT ? mem : LOW_BIG;
}

/* What the program's devices take besides, and its own working RAM
 * (cli_mem_devices). */
static unsigned long long devices, work;

void cli_mem_devices(int ndisks, unsigned work_mib)
{
	devices = (BOOT_CONSOLE_MIB + (unsigned long long)ndisks * BOOT_DISK_MIB) * MIB;
	work = (unsigned long long)work_mib * MIB;
}

/*
 * Whether the kernel boots in mem bytes with a module of module bytes:
 * QEMU can load the module, and pmm_init finds BOOT_MIN_FREE_MIB free and
 * room below 4 GiB (between the image and the module) for its page bitmap.
 */
static bool boots(unsigned long long mem, unsigned long long module)
{
	unsigned long long low = ram_low(mem), taken = FIRMWARE_TOP + FIRST_MIB + image_bytes() +
						       pages(module) + BOOT_INFO;
	unsigned long long bitmap = pages(ram_top(mem) / PAGE / 8);

	if (module + INITRD_GAP >= low || taken + bitmap > low)
		return false;
	return low - taken + (mem - low) >= (unsigned long long)BOOT_MIN_FREE_MIB * MIB + devices + work;
}

/* The smallest --mem, in MiB, with which a module of module bytes boots; 0
 * if none does (more RAM only moves to above 4 GiB past LOW_SPLIT). */
static unsigned long long min_mib(unsigned long long module)
{
	for (unsigned long long m = 1; m <= LOW_SPLIT / MIB; m++)
		if (boots(m * MIB, module))
			return m;
	return 0;
}

static double in_mib(unsigned long long bytes)
{
	return (double)bytes / MIB;
}

int cli_mem_check(unsigned long long mem_mib, unsigned long long module_bytes)
{
	char archive[256] = " and the firmware's 128 KiB", jit[64] = "";

	if (boots(mem_mib * MIB, module_bytes))
		return 0;
	unsigned long long need = min_mib(module_bytes); /* a scan: only to explain */
	if (need && mem_mib > need) { /* past LOW_SPLIT: less RAM below 4 GiB */
		cli_error("--mem %lluM is too large for the %.1f MiB boot archive: with 3.5 GiB or "
			  "more, QEMU keeps only 3 GiB below 4 GiB, where the archive must fit "
			  "beside the kernel; use --mem %lluM to %lluM",
			  mem_mib, in_mib(module_bytes), need, LOW_SPLIT / MIB - 1);
		return CLI_EXIT_USAGE;
	}
	if (work)
		snprintf(jit, sizeof jit, ", %llu MiB for the JIT runtime", work / MIB);
	if (module_bytes)
		snprintf(archive, sizeof archive,
			 ", the firmware's 128 KiB%s%s and the %.1f MiB boot archive (the program "
			 "and its files)",
			 devices ? ", its devices' buffers" : "", jit, in_mib(module_bytes));
	if (!need) {
		unsigned long long most = cli_mem_spare(LOW_SPLIT / MIB - 1, 0);
		cli_error("the boot archive is %.1f MiB: QEMU loads it below 4 GiB, where at most "
			  "%llu MiB fit beside the kernel (with --mem %lluM); put less in it",
			  in_mib(module_bytes), most / MIB, LOW_SPLIT / MIB - 1);
		return CLI_EXIT_USAGE;
	}
	cli_error("--mem %lluM is too small: the kernel needs %d MiB free besides the first MiB, "
		  "its %.1f MiB image%s; use --mem %lluM or more",
		  mem_mib, BOOT_MIN_FREE_MIB, in_mib(image_bytes()), archive, need);
	return CLI_EXIT_USAGE;
}

unsigned long long cli_mem_spare(unsigned long long mem_mib, unsigned long long module_bytes)
{
	unsigned long long more = 0;

	if (!boots(mem_mib * MIB, module_bytes))
		return 0;
	for (unsigned long long step = 1ull << 32; step; step >>= 1)
		if (boots(mem_mib * MIB, module_bytes + more + step))
			more += step;
	return more;
}
