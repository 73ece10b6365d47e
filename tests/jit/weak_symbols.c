/* Weak symbols as a static link resolves them: a weak reference nothing
 * defines is a null address (a function and a variable, tested before
 * use, as optional hooks are), and a weak definition nothing overrides is
 * the one used. */
#include <stdio.h>

extern void optional_hook(int) __attribute__((weak));
extern int optional_setting __attribute__((weak));

__attribute__((weak)) int scale(int x)
{
	return x * 3;
}

int main(void)
{
	long sum = 0;
	for (int i = 0; i < 2000000; i++) {
		if (optional_hook)
			optional_hook(i);
		sum += scale(i & 255);
	}
	printf("hook %s, setting %s, sum %ld\n", optional_hook ? "defined" : "null",
	       &optional_setting ? "defined" : "null", sum);
	return optional_hook ? 1 : 0;
}
