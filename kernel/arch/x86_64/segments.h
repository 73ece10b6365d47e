/*
 * Segment selectors: the GDT's layout (gdt.c), for C and assembly alike.
 * The order kernel code, kernel data, user code (32-bit), user data, user
 * code (64-bit) is what SYSCALL and SYSRET expect: SYSCALL loads CS from
 * STAR[47:32] and SS from it + 8; SYSRET to 64-bit code loads CS from
 * STAR[63:48] + 16 and SS from it + 8, both with RPL 3.
 */
#ifndef BF_SEGMENTS_H
#define BF_SEGMENTS_H

#define SEL_KCODE 0x08	  /* 64-bit kernel code */
#define SEL_KDATA 0x10	  /* kernel data and stack */
#define SEL_UCODE32 0x1b  /* 32-bit user code (unused; SYSRET's base), RPL 3 */
#define SEL_UDATA 0x23	  /* user data and stack, RPL 3 */
#define SEL_UCODE 0x2b	  /* 64-bit user code, RPL 3 */
#define SEL_TSS 0x30	  /* the task state segment (two slots) */
#define GDT_ENTRIES 8

/* STAR's selector fields for the layout above. */
#define STAR_SYSCALL_CS SEL_KCODE
#define STAR_SYSRET_BASE (SEL_UCODE32 & ~3)

#endif
