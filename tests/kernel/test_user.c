/* Ring 3 tests: tiny programs run in their own address space, make system
 * calls, and have their faults contained. */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "pmm.h"
#include "proc.h"
#include "task.h"
#include "timer.h"
#include "vm.h"

extern const char user_prog_hello[], user_prog_badptr[], user_prog_kernel_read[];
extern const char user_prog_write_text[], user_prog_ud2[], user_prog_enosys[], user_prog_spin[];
extern const char user_prog_end[];
extern const char user_prog_sigreturn_bad_rip[], user_prog_sigreturn_sanitized[];
extern const char user_prog_sigreturn_no_frame[], user_prog_kernel_handler[];
extern const char user_prog_signal_end[];
extern const char user_prog_umask_077[], user_prog_umask_get[], user_prog_umask_end[];

#define CODE_VA 0x400000ul
#define STACK_TOP 0x7fff0000ul

/* Run the program at [start, end) in a fresh address space; returns its status. */
static int run_user(const char *start, const char *end)
{
	struct vm_space *as = vm_space_create();
	uint64_t code = pmm_alloc_zeroed(), stack = pmm_alloc_zeroed();

	KEXPECT(as && code && stack);
	memcpy(phys_to_virt(code), start, (size_t)(end - start));
	KEXPECT_EQ(vm_map(as, CODE_VA, code, PAGE_SIZE, VM_USER | VM_EXEC), 0);
	KEXPECT_EQ(vm_map(as, STACK_TOP - PAGE_SIZE, stack, PAGE_SIZE, VM_USER | VM_WRITE), 0);
	struct proc *p = proc_create();
	KEXPECT(p != NULL);
	KEXPECT_EQ(fs_init(), 0); /* the standard streams */
	int status = proc_run(as, CODE_VA, STACK_TOP, CODE_VA + PAGE_SIZE);
	proc_destroy(p);
	fs_destroy();
	vm_space_destroy(as); /* frees the two pages too */
	return status;
}

KTEST(user_hello_writes_and_exits_with_status)
{
	heap_drain_caches(); /* the exact page count below, as at a program's exit */
	uint64_t before = pmm_free_count();

	KEXPECT_EQ(run_user(user_prog_hello, user_prog_badptr), 42);
	heap_drain_caches();
	KEXPECT_EQ(pmm_free_count(), before);
}

KTEST(user_bad_pointer_gets_efault_not_a_kernel_fault)
{
	KEXPECT_EQ(run_user(user_prog_badptr, user_prog_kernel_read), EFAULT);
}

KTEST(user_cannot_read_kernel_memory)
{
	KEXPECT_EQ(run_user(user_prog_kernel_read, user_prog_write_text), 128 + 11);
}

KTEST(user_cannot_write_its_code)
{
	KEXPECT_EQ(run_user(user_prog_write_text, user_prog_ud2), 128 + 11);
}

KTEST(user_invalid_opcode_is_sigill)
{
	KEXPECT_EQ(run_user(user_prog_ud2, user_prog_enosys), 128 + 4);
}

KTEST(user_unknown_syscall_is_enosys)
{
	KEXPECT_EQ(run_user(user_prog_enosys, user_prog_spin), ENOSYS);
}

KTEST(user_survives_timer_interrupts)
{
	uint64_t ticks = timer_ticks();

	KEXPECT_EQ(run_user(user_prog_spin, user_prog_end), 7);
	KEXPECT(timer_ticks() > ticks);
}

KTEST(user_sigreturn_to_noncanonical_rip_is_sigsegv)
{
	KEXPECT_EQ(run_user(user_prog_sigreturn_bad_rip, user_prog_sigreturn_sanitized), 128 + 11);
}

KTEST(user_sigreturn_cannot_reach_ring0_or_raise_iopl)
{
	KEXPECT_EQ(run_user(user_prog_sigreturn_sanitized, user_prog_sigreturn_no_frame), 0x34);
}

KTEST(user_sigreturn_without_a_frame_is_sigsegv)
{
	KEXPECT_EQ(run_user(user_prog_sigreturn_no_frame, user_prog_kernel_handler), 128 + 11);
}

KTEST(user_signal_handler_in_kernel_space_is_sigsegv)
{
	heap_drain_caches(); /* the exact page count below, as at a program's exit */
	uint64_t before = pmm_free_count();

	KEXPECT_EQ(run_user(user_prog_kernel_handler, user_prog_signal_end), 128 + 11);
	heap_drain_caches();
	KEXPECT_EQ(pmm_free_count(), before);
}

/* The umask was a global that nothing reset: a program started after one
 * that called umask(077) began with 077 instead of Linux's 022. */
KTEST(umask_of_second_program_is_022_not_the_first_ones)
{
	KEXPECT_EQ(run_user(user_prog_umask_077, user_prog_umask_get), 022);
	KEXPECT_EQ(run_user(user_prog_umask_get, user_prog_umask_end), 022);
}
