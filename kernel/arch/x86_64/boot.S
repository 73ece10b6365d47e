/*
 * Boot entry. Both loaders leave us in 32-bit protected mode with paging off:
 * GRUB (Multiboot2) at _start with EAX=0x36d76289 and EBX=info, and QEMU's
 * direct boot (PVH) at pvh_start with EBX=hvm_start_info. We build temporary
 * page tables (identity and higher-half maps of the first 4 GiB with 2 MiB
 * pages), enable PAE, EFER.LME/NXE and paging, far-jump to 64-bit code, zero
 * .bss, switch to the kernel stack and call kmain(magic, info_phys).
 */
#include "layout.h"   /* KERNEL_VMA */
#include "segments.h" /* SEL_KCODE, SEL_KDATA */
#define PVH_MAGIC 0x336ec578
#define MB2_MAGIC 0xe85250d6

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long 0                                  /* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
	.balign 8                                /* end tag */
	.short 0
	.short 0
	.long 8
mb2_header_end:

/* PVH entry note. QEMU reads the descriptor as a 64-bit value in ELF64 files,
 * so it is a .quad; the section stays 4-aligned as the note format requires. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4                                  /* name size: "Xen\0" */
	.long 8                                  /* descriptor size */
	.long 18                                 /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad pvh_start
	.balign 4

	.section .boot.bss, "aw", @nobits
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt_lo:	.skip 4096
boot_pdpt_hi:	.skip 4096
boot_pd:	.skip 4096 * 4                  /* 4 x 1 GiB of 2 MiB pages */
boot_stack:	.skip 4096
boot_stack_top:
boot_bss_end:

	.section .boot.data, "a"
	.balign 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff                 /* SEL_KCODE: 64-bit code */
	.quad 0x00cf92000000ffff                 /* SEL_KDATA: data */
boot_gdt_end:
boot_gdtr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt
no_lm_msg:
	.asciz "\nBareFlow panic: this CPU has no 64-bit long mode\n"

	.section .boot.text, "ax"
	.code32
	.global _start, pvh_start
pvh_start:
	cli
	mov $PVH_MAGIC, %eax
	jmp 1f
_start:
	cli
1:	cld
	mov %eax, %esi                           /* keep magic and info pointer */
	mov %ebx, %edi

	/* Zero the boot tables and stack (loaders need not clear NOLOAD memory). */
	push %edi
	mov $boot_pml4, %edi
	mov $(boot_bss_end - boot_pml4) / 4, %ecx
	xor %eax, %eax
	rep stosl
	pop %edi
	mov $boot_stack_top, %esp

	/* Long mode present? CPUID 0x80000001 EDX bit 29. */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb no_long_mode
	mov $0x80000001, %eax
	cpuid
	bt $29, %edx
	jnc no_long_mode
	mov %edx, %ebp                           /* bit 20: NX */

	/* PML4[0] and PML4[256] -> identity/direct map of 0..4 GiB;
	 * PML4[511] -> PDPT whose last two entries map -2 GiB to physical 0..2 GiB. */
	mov $boot_pdpt_lo + 3, %eax
	mov %eax, boot_pml4
	mov %eax, boot_pml4 + 256 * 8
	mov $boot_pdpt_hi + 3, %eax
	mov %eax, boot_pml4 + 511 * 8
	mov $boot_pd + 3, %eax
	mov %eax, boot_pdpt_lo
	mov %eax, boot_pdpt_hi + 510 * 8
	add $4096, %eax
	mov %eax, boot_pdpt_lo + 8
	mov %eax, boot_pdpt_hi + 511 * 8
	add $4096, %eax
	mov %eax, boot_pdpt_lo + 16
	add $4096, %eax
	mov %eax, boot_pdpt_lo + 24

	/* 2048 2 MiB entries covering 0..4 GiB: present, writable, PS. */
	mov $boot_pd, %ebx
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax
	mov %eax, (%ebx, %ecx, 8)
	mov %ecx, %eax
	shr $11, %eax                            /* high dword: bits 32+ of address */
	mov %eax, 4(%ebx, %ecx, 8)
	inc %ecx
	cmp $2048, %ecx
	jb 2b

	mov %cr4, %eax
	or $(1 << 5), %eax                       /* PAE */
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx                    /* EFER */
	rdmsr
	or $(1 << 8), %eax                       /* LME */
	bt $20, %ebp
	jnc 3f
	or $(1 << 11), %eax                      /* NXE, only if the CPU has NX */
3:	wrmsr
	mov %cr0, %eax
	or $((1 << 31) | (1 << 16) | 1), %eax    /* PG, WP, PE */
	mov %eax, %cr0

	lgdt boot_gdtr
	ljmp $SEL_KCODE, $long_mode_entry

no_long_mode:
	mov $no_lm_msg, %ebx
4:	movb (%ebx), %al
	test %al, %al
	jz 5f
	mov $0x3f8, %dx
	outb %al, %dx
	inc %ebx
	jmp 4b
5:	mov $0xf4, %dx
	mov $126, %eax                           /* status 125 + 1, see power.c */
	outl %eax, %dx
6:	hlt
	jmp 6b

	.code64
long_mode_entry:
	mov $SEL_KDATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %ax, %ax
	mov %ax, %fs
	mov %ax, %gs
	movabs $higher_half_entry, %rax
	jmp *%rax

	.text
higher_half_entry:
	mov %esi, %r12d                          /* magic */
	mov %edi, %r13d                          /* info physical address */
	lea __bss_start(%rip), %rdi
	lea __bss_end(%rip), %rcx
	sub %rdi, %rcx
	shr $3, %rcx
	xor %eax, %eax
	rep stosq
	lea kernel_stack_top(%rip), %rsp
	and $-16, %rsp
	xor %ebp, %ebp
	mov %r12, %rdi
	mov %r13, %rsi
	call kmain
7:	cli
	hlt
	jmp 7b

	.bss
	.balign 4096
	.global kernel_stack_guard, kernel_stack_bottom, kernel_stack_top
kernel_stack_guard:                              /* left unmapped by vm_init */
	.skip 4096
kernel_stack_bottom:
	.skip 65536
kernel_stack_top:
