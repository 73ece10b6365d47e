/* The per-CPU data of every CPU, and the GS base that reaches it. */
#include "percpu.h"

#include "panic.h"
#include "x86.h"

static struct percpu cpus[MAX_CPUS];

struct percpu *percpu_of(unsigned id)
{
	KASSERT(id < MAX_CPUS);
	return &cpus[id];
}

void percpu_install(struct percpu *p)
{
	p->self = p;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)p);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}
