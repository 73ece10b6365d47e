# The bareflow CLI (tools/cli), a host program.
CLI_SRCS := $(wildcard tools/cli/*.c)

cli: $(B)/bareflow-cli

$(B)/bareflow-cli: $(CLI_SRCS) tools/cli/cli.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) $(CLI_SRCS) -o $@
