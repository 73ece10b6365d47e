# The language-model program (apps/llm), built ahead of time as a static
# Linux program: build/apps/llm, for `./bareflow run` (the same sources run
# under `./bareflow jit apps/llm/*.c`). `make llm-train` retrains the
# committed model (needs python3-torch and fortunes, not needed otherwise).
LLM_SRCS := $(wildcard apps/llm/*.c)
LLM_CFLAGS := -std=c11 -D_GNU_SOURCE -O3 -Wall -Wextra -Werror

llm: $(B)/apps/llm

$(B)/apps/llm: $(LLM_SRCS) apps/llm/llm.h apps/llm/llm.mk
	@mkdir -p $(dir $@)
	$(CC) -static $(LLM_CFLAGS) $(LLM_SRCS) -o $@ -lm

llm-train:
	sh tools/setup.sh python3-torch fortunes libopenblas0-serial
	/usr/bin/python3 apps/llm/train.py train

.PHONY: llm llm-train
