/* The hosted fault report (fault.c). */
#ifndef BFRT_FAULT_H
#define BFRT_FAULT_H

/* On Linux, report a program's fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL) on
 * stderr with the JIT's names for its code, then die of it as before.
 * Nothing under BareFlow, whose kernel reports faults. */
void fault_report_init(void);

#endif
