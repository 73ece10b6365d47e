# The bareflow CLI (tools/cli), a host program: build/bareflow-cli.
CLI_SRCS := $(wildcard tools/cli/*.c)
CLI_HDRS := $(wildcard tools/cli/*.h) kernel/include/bootmem.h kernel/include/hoststatus.h \
	kernel/include/contract.h

cli: $(B)/bareflow-cli

$(B)/bareflow-cli: $(CLI_SRCS) $(CLI_HDRS) tools/cli/cli.mk
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) $(CLI_SRCS) -o $@
