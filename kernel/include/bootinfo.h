/* Boot information: what the boot loader told us, copied into kernel memory. */
#ifndef BF_BOOTINFO_H
#define BF_BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contract.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289u /* in EAX after a Multiboot2 hand-off */
#define PVH_START_MAGIC 0x336ec578u      /* hvm_start_info.magic after a PVH hand-off */

#define BOOT_MAX_MEM 128
#define BOOT_MAX_MOD 16
#define BOOT_CMDLINE_MAX CONTRACT_CMDLINE_MAX
#define BOOT_MODNAME_MAX 256

enum boot_protocol { BOOT_MULTIBOOT2 = 1, BOOT_PVH = 2 };

/* Memory range types: the E820/Multiboot2 numbering. */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI_RECLAIMABLE = 3,
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_mem_range {
	uint64_t base;
	uint64_t len;
	uint32_t type; /* enum boot_mem_type; unknown types are kept as given */
};

struct boot_module {
	uint64_t start; /* physical, inclusive */
	uint64_t end;   /* physical, exclusive */
	char cmdline[BOOT_MODNAME_MAX];
};

struct bootinfo {
	enum boot_protocol protocol;
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[64];
	struct boot_mem_range mem[BOOT_MAX_MEM];
	unsigned nmem;
	bool have_mmap;       /* the loader gave a memory map (even an empty one) */
	struct boot_module mod[BOOT_MAX_MOD];
	unsigned nmod;
	uint64_t rsdp_phys;   /* 0 if the loader gave none (we copy it below) */
	uint8_t rsdp[36];     /* copy of the RSDP if the loader handed one over */
	uint32_t rsdp_len;    /* bytes valid in rsdp[] (20 or 36), 0 if none */
	uint64_t info_phys;   /* where the loader's own structure lives */
	uint64_t info_size;   /* and its size in bytes, to keep it reserved */
};

/*
 * Parse a Multiboot2 information structure that the caller has made readable
 * at `info`, with at most `avail` bytes valid there. Fills `out` completely.
 * Returns 0, or:
 *   -EINVAL  the structure is truncated, misaligned or has a malformed tag;
 *   -ENOENT  there is no memory map tag;
 *   -E2BIG   more memory ranges or modules than we keep (never silently dropped).
 * Strings are always NUL-terminated; over-long ones give -ENAMETOOLONG.
 * Everything is copied: afterwards only module contents need reserving.
 */
int bootinfo_parse_mb2(const void *info, size_t avail, uint64_t info_phys,
		       struct bootinfo *out);

/*
 * Parse a PVH hvm_start_info (version >= 1, with its memory map). `read` copies
 * `len` bytes at physical address `phys` into `dst` and returns 0, or -EFAULT
 * if that range is not readable; the parser never touches memory otherwise.
 * Returns 0, -EINVAL (bad magic/version or malformed), -ENOENT (no memory map),
 * -E2BIG, -ENAMETOOLONG, or whatever `read` returned.
 */
typedef int (*bootinfo_read_fn)(void *dst, uint64_t phys, size_t len, void *ctx);
int bootinfo_parse_pvh(uint64_t start_info_phys, bootinfo_read_fn read, void *ctx,
		       struct bootinfo *out);

/* Sort the memory map by base. Returns 0, or -EINVAL if a range wraps past
 * 2^64 or two usable ranges overlap (a usable range overlapping a reserved
 * one is legal: the reserved one wins). */
int bootinfo_check_memmap(struct bootinfo *bi);

/* Human-readable name of a memory range type ("usable", "reserved", ...). */
const char *bootinfo_mem_type_name(uint32_t type);

#endif
