/* What RAM a boot needs: the kernel checks it (pmm.c) and the CLI refuses a
 * --mem below or above it before booting (tools/cli/mem.c). Macros only, so
 * that the host's CLI can include this file too. */
#ifndef BF_BOOTMEM_H
#define BF_BOOTMEM_H

/* Free RAM, besides the first MiB, the kernel image, the boot modules and the
 * boot information, below which BareFlow cannot do useful work. */
#define BOOT_MIN_FREE_MIB 48
/* ... and besides that, for a program's run, its devices' buffers: the
 * streams' virtio-console and each disk's queue and block cache. */
#define BOOT_CONSOLE_MIB 1
#define BOOT_DISK_MIB 1

/* The direct map covers physical addresses below this: RAM must end there. */
#define BOOT_DIRECT_MAP_GIB 512

#endif
