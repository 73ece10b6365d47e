/*
 * The application processors' first instructions. A STARTUP IPI starts a
 * CPU in 16-bit real mode at TRAMPOLINE_PHYS (page aligned, below 1 MiB),
 * where smp.c copies this code and fills in the data at its end. It goes to
 * protected mode, then to long mode on page tables that map this page where
 * it is and the kernel half as the kernel's own do, and calls
 * tramp_entry(tramp_cpu) on the stack tramp_stack, in the higher half.
 * Everything is addressed relative to where the copy runs (T()).
 */
#include "segments.h"
#include "smp_boot.h"

#define T(x) (TRAMPOLINE_PHYS + (x) - trampoline_start)

	.section .rodata.trampoline, "a"
	.global trampoline_start, trampoline_end
	.global tramp_cr3, tramp_efer, tramp_stack, tramp_entry, tramp_cpu
	.code16
trampoline_start:
	cli
	cld
	xor %ax, %ax
	mov %ax, %ds
	lgdtl T(tramp_gdtr)
	mov %cr0, %eax
	or $1, %eax                              /* PE */
	mov %eax, %cr0
	ljmpl $0x08, $T(tramp32)

	.code32
tramp32:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $(1 << 5), %eax                       /* PAE */
	mov %eax, %cr4
	mov T(tramp_cr3), %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx                    /* EFER: the boot CPU's LME and NXE */
	mov T(tramp_efer), %eax
	xor %edx, %edx
	wrmsr
	mov %cr0, %eax
	or $((1 << 31) | (1 << 16)), %eax        /* PG, WP */
	mov %eax, %cr0
	ljmp $0x18, $T(tramp64)

	.code64
tramp64:
	xor %eax, %eax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov T(tramp_stack), %rsp
	mov T(tramp_cpu), %rdi
	mov T(tramp_entry), %rax
	call *%rax                               /* never returns */
1:	cli
	hlt
	jmp 1b

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff                 /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff                 /* 0x10: data */
	.quad 0x00af9a000000ffff                 /* 0x18: 64-bit code */
tramp_gdtr:
	.short 4 * 8 - 1
	.long T(tramp_gdt)
	.balign 8
tramp_cr3:	.long 0                          /* below 4 GiB: loaded in 32-bit mode */
tramp_efer:	.long 0
tramp_stack:	.quad 0
tramp_entry:	.quad 0
tramp_cpu:	.quad 0
trampoline_end:
