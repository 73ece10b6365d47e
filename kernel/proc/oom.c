/* Out of memory: a page the program may use cannot be backed. Like Linux's
 * OOM killer the process dies by SIGKILL, and the report says what ran out
 * rather than blaming the address the program touched, which was valid. */
#include "console.h"
#include "ksignal.h"
#include "pmm.h"
#include "printf.h"
#include "proc.h"

void proc_out_of_memory(const struct trapframe *tf)
{
	uint64_t total = pmm_total_count(), used = total - pmm_free_count();

	kreport("\nbareflow: out of memory: %lu MiB in use of %lu MiB; try a larger --mem",
		(unsigned long)(used * PAGE_SIZE >> 20), (unsigned long)(total * PAGE_SIZE >> 20));
	proc_killed(tf, SIGKILL, "out of memory", "", false);
}
