# BareFlow top-level build.
#   make        build the kernel (build/bareflow.elf), the ISO, the CLI and the
#               JIT runtime (build/runtime/bareflow-rt)
#   make run    set up, build and boot the default demo in QEMU (apps/llm)
#   make test   set up, build and run every test; ends with "N passed, N failed"

CC       := clang-19
LD       := ld.lld-19
HOSTCC   := clang-19
OBJCOPY  := llvm-objcopy-19
B        := build

KCFLAGS := --target=x86_64-unknown-none-elf -std=c11 -ffreestanding -fno-builtin \
	-nostdinc -isystem $(shell $(CC) -print-resource-dir 2>/dev/null)/include \
	-mcmodel=kernel -mno-red-zone -fno-pic -fno-pie -fno-stack-protector \
	-mno-mmx -mno-sse -mno-sse2 -mno-avx -msoft-float \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls \
	-fno-asynchronous-unwind-tables \
	-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Ikernel/include -Ikernel/arch/x86_64 -MMD -MP
KASFLAGS := --target=x86_64-unknown-none-elf -Ikernel/include -Ikernel/arch/x86_64 -MMD -MP -g

KERNEL_C := $(wildcard kernel/*/*.c kernel/arch/x86_64/*.c) $(wildcard tests/kernel/*.c)
KERNEL_S := $(wildcard kernel/arch/x86_64/*.S tests/kernel/*.S)
KERNEL_OBJ := $(patsubst %,$(B)/%.o,$(KERNEL_C) $(KERNEL_S))

HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE

.PHONY: all kernel iso cli runtime run test fuzz unit setup clean
all: kernel iso cli runtime llm

kernel: $(B)/bareflow.elf

$(B)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -I$(B)/gen -c $< -o $@

# System call numbers (x86-64 and i386) and the names of every Linux x86-64
# call, for the "unimplemented" log line, taken from the kernel headers
# (linux-libc-dev) rather than typed again. Only these headers are copied:
# they hold nothing but #defines, and the kernel sees no other host header.
UAPI_ASM := /usr/include/x86_64-linux-gnu/asm
$(B)/gen/syscall_names.inc: $(UAPI_ASM)/unistd_64.h
	@mkdir -p $(dir $@)
	sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$$/[\2] = "\1",/p' $< > $@
$(B)/gen/asm/%.h: $(UAPI_ASM)/%.h
	@mkdir -p $(dir $@)
	cp $< $@
$(B)/kernel/sys/syscall.c.o: $(B)/gen/syscall_names.inc $(B)/gen/asm/unistd_64.h
$(B)/kernel/sys/syscall_ia32.c.o: $(B)/gen/asm/unistd_32.h

$(B)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c $< -o $@

# The kernel carries its own symbol table for backtraces. It lives in .ksyms,
# the last loaded section, so filling it in cannot move any other symbol:
# link once with an empty table, extract the symbols, link again, and check.
$(B)/tools/mksyms: tools/mksyms.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) $< -o $@

$(B)/ksyms-empty.bin:
	@mkdir -p $(B)
	head -c 16 /dev/zero > $@

$(B)/ksyms-%.o: $(B)/ksyms-%.bin
	printf '.section .ksyms,"a"\n.balign 8\n.incbin "%s"\n' $< > $(B)/ksyms-$*.S
	$(CC) $(KASFLAGS) -c $(B)/ksyms-$*.S -o $@

$(B)/bareflow.pass1.elf: $(KERNEL_OBJ) $(B)/ksyms-empty.o kernel/kernel.ld
	$(LD) -T kernel/kernel.ld -nostdlib -z max-page-size=0x1000 -o $@ $(KERNEL_OBJ) $(B)/ksyms-empty.o

$(B)/ksyms-full.bin: $(B)/bareflow.pass1.elf $(B)/tools/mksyms
	$(B)/tools/mksyms $< $@

$(B)/bareflow.elf: $(B)/bareflow.pass1.elf $(B)/ksyms-full.o $(B)/tools/mksyms
	$(LD) -T kernel/kernel.ld -nostdlib -z max-page-size=0x1000 -o $@ $(KERNEL_OBJ) $(B)/ksyms-full.o
	$(B)/tools/mksyms --check $(B)/bareflow.pass1.elf $@

iso: $(B)/bareflow.iso

$(B)/bareflow.iso: $(B)/bareflow.elf tools/grub.cfg
	@rm -rf $(B)/isodir && mkdir -p $(B)/isodir/boot/grub
	$(OBJCOPY) --strip-debug $(B)/bareflow.elf $(B)/isodir/boot/bareflow.elf
	cp tools/grub.cfg $(B)/isodir/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(B)/isodir 2>$(B)/grub-mkrescue.log || { cat $(B)/grub-mkrescue.log; exit 1; }

include tools/cli/cli.mk
include runtime/runtime.mk
include tests/unit/unit.mk
include apps/llm/llm.mk

setup:
	@sh tools/setup.sh

run: setup
	@$(MAKE) -s all
	sh tools/demo.sh

test: setup
	@$(MAKE) -s all unit
	@sh tests/run.sh

# Longer seeded runs than make test's: FLIPS bit flips of a .bc (SEED=N),
# FUZZ_CALLS random system calls for each of FUZZ_SEEDS, and FAT_FUZZ_ITERS
# corruptions of FAT images (FAT_FUZZ_SEED=N).
fuzz: setup
	@$(MAKE) -s all unit
	FLIPS=$${FLIPS:-5000} sh tests/boot/jit_bitcode_bitflips.sh
	FUZZ_CALLS=$${FUZZ_CALLS:-1000000} \
	FUZZ_SEEDS="$${FUZZ_SEEDS:-1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16}" \
		sh tests/boot/syscall_fuzzer.sh
	FAT_FUZZ_ITERS=$${FAT_FUZZ_ITERS:-400000} $(B)/unit/test_fat_fuzz

clean:
	rm -rf $(B)

# Objects depend on the flags too.
$(KERNEL_OBJ): Makefile

-include $(KERNEL_OBJ:.o=.d)
