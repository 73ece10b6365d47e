# Host unit tests: every tests/unit/test_*.c becomes one binary, linked with the
# harness and the kernel's pure-logic sources, built with ASan and UBSan.
UNIT_KERNEL_SRCS := kernel/lib/printf.c kernel/boot/bootinfo.c kernel/mm/bitalloc.c kernel/mm/memmap.c \
	kernel/proc/elf.c kernel/proc/vmatree.c
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(wildcard tests/unit/test_*.c))
UNIT_CFLAGS := $(HOST_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -DBF_HOSTED -iquote kernel/include -Itests/unit

unit: $(UNIT_TESTS)

$(B)/unit/%: tests/unit/%.c tests/unit/harness.c tests/unit/harness.h $(UNIT_KERNEL_SRCS) $(wildcard kernel/include/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) $< tests/unit/harness.c $(UNIT_KERNEL_SRCS) -o $@

# Tests of the CLI's own host code link its sources instead of the kernel's.
UNIT_CLI_SRCS := tools/cli/cpio.c tools/cli/path.c tools/cli/error.c

$(B)/unit/test_cpio: tests/unit/test_cpio.c tests/unit/harness.c tests/unit/harness.h $(UNIT_CLI_SRCS) tools/cli/cli.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -iquote tools/cli $< tests/unit/harness.c $(UNIT_CLI_SRCS) -o $@

# The filesystem tests link the block cache and FAT sources with a
# file-backed block device.
UNIT_FS_SRCS := kernel/fs/bcache.c kernel/fs/fat.c kernel/fs/fat_dir.c kernel/fs/fat_file.c \
	kernel/fs/fat_name.c tests/unit/filedisk.c
UNIT_FS_TESTS := $(B)/unit/test_bcache $(B)/unit/test_fat $(B)/unit/test_fat_fuzz

$(UNIT_FS_TESTS): $(B)/unit/%: tests/unit/%.c tests/unit/harness.c tests/unit/harness.h \
		$(UNIT_FS_SRCS) tests/unit/filedisk.h kernel/fs/fat_internal.h $(wildcard kernel/include/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) $< tests/unit/harness.c $(UNIT_FS_SRCS) -o $@

# The host-guest contract: the CLI's writers against the kernel's readers.
UNIT_CONTRACT_SRCS := kernel/kern/cmdline.c kernel/lib/printf.c tools/cli/disk.c $(UNIT_CLI_SRCS)

$(B)/unit/test_contract: tests/unit/test_contract.c tests/unit/harness.c tests/unit/harness.h $(UNIT_CONTRACT_SRCS) tools/cli/cli.h $(wildcard kernel/include/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -iquote tools/cli $< tests/unit/harness.c $(UNIT_CONTRACT_SRCS) -o $@

# The runtime's compile queue, its source included whole by the test, and
# the stack its compiles on a program's thread run on.
$(B)/unit/test_queue: tests/unit/test_queue.c tests/unit/harness.c tests/unit/harness.h \
		runtime/prof/queue.c runtime/prof/queue.h runtime/clock.h runtime/ownstack.c \
		runtime/runtime.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -iquote runtime $< tests/unit/harness.c runtime/ownstack.c -lm \
		-lpthread -o $@
