# The runtime (runtime/), a static x86-64 Linux ELF linking LLVM 19's static
# component libraries: build/runtime/bareflow-rt. Only runtime/jit/
# includes LLVM's headers (jit/ is the LLVM boundary).
LLVM_CONFIG := llvm-config-19
RT_SRCS := $(wildcard runtime/*.c runtime/*/*.c)
RT_OBJS := $(patsubst %.c,$(B)/%.o,$(RT_SRCS))
RT_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iruntime -MMD -MP \
	-fno-omit-frame-pointer -I$(shell $(LLVM_CONFIG) --includedir 2>/dev/null)
RT_LLVM_COMPONENTS := orcjit native passes irreader linker bitreader bitwriter
RT_LIBS = -L$(shell $(LLVM_CONFIG) --libdir) \
	$(shell $(LLVM_CONFIG) --link-static --libs $(RT_LLVM_COMPONENTS) 2>/dev/null) \
	-lz -lzstd -lpthread -lm

runtime: $(B)/runtime/bareflow-rt

$(B)/runtime/%.o: runtime/%.c runtime/runtime.mk
	@mkdir -p $(dir $@)
	$(CC) $(RT_CFLAGS) -c $< -o $@

# libc.c declares the C library's names bare (see there)
$(B)/runtime/libc.o: RT_CFLAGS += -fno-builtin

# Debug sections compressed (gdb reads them so), and the sections nothing
# reaches left out (LLVM's libraries are built a function to a section):
# the runtime was booted as a file in the boot archive, whose every byte
# took guest RAM (exec backs only the pages touched). --gc-sections took it from 56 to
# 49 MiB, and a cold bare-metal `bareflow jit` of bench/real's crc, lz or
# matrix 3.5 to 4.5% less time. The file is then padded with a hole to a
# power-of-two size: the CLI hands such a file to the guest through QEMU's
# shared-memory device, a PCI BAR, which maps it in place instead of copying
# it into the boot archive and guest RAM (55 ms a boot for 50 MiB).
$(B)/runtime/bareflow-rt: $(RT_OBJS)
	clang++-19 -static -fuse-ld=lld -Wl,--gc-sections -Wl,--compress-debug-sections=zlib \
		-o $@.tmp $(RT_OBJS) $(RT_LIBS)
	@n=$$(stat -c %s $@.tmp); p=2097152; while [ $$p -lt $$n ]; do p=$$((p * 2)); done; \
		truncate -s $$p $@.tmp && mv $@.tmp $@ && \
		echo "runtime: $@ is $$((n / 1048576)) MiB ($$n bytes), padded to $$((p / 1048576)) MiB" >&2

-include $(RT_OBJS:.o=.d)
