/*
 * Linked into a benchmark program only when it runs as /init of a Linux
 * guest: when the program exits, flush its output and power the machine off
 * (ACPI S5, which makes QEMU exit), as PID 1 must not just return.
 */
#include <stdio.h>
#include <sys/reboot.h>
#include <unistd.h>

__attribute__((destructor)) static void power_off(void)
{
	fflush(NULL);
	reboot(RB_POWER_OFF);
	perror("init: reboot(RB_POWER_OFF)");
}
