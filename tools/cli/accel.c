/* --accel: KVM when this host can give it to QEMU, else QEMU's TCG emulator. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

/* The device QEMU opens for KVM. BAREFLOW_TEST_KVM_DEVICE replaces the path
 * for the tests only (none may need KVM): a missing, unopenable or non-KVM
 * file there must be refused just as /dev/kvm would be. */
static const char *kvm_device(void)
{
	const char *d = getenv("BAREFLOW_TEST_KVM_DEVICE");
	return d && *d ? d : "/dev/kvm";
}

/* Whether /proc/cpuinfo lists hardware virtualization (Intel VMX or AMD
 * SVM). Without it /dev/kvm can still exist and answer: a KVM in software
 * (PVM) that cannot run this kernel (it fails on XGETBV and SYSCALL). */
static bool hardware_virtualization(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof line, f))
		if (!strncmp(line, "flags", 5))
			found = strstr(line, " vmx") || strstr(line, " svm");
	fclose(f);
	return found;
}

/* Whether the device opens for reading and writing (as QEMU opens it),
 * answers KVM_GET_API_VERSION with 12 (the only version there has been),
 * and the CPU virtualizes in hardware. Why or why not in why. */
static bool kvm_usable(const char *dev, char *why, size_t len)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s: %s", dev, strerror(errno));
		return false;
	}
	int v = ioctl(fd, KVM_GET_API_VERSION, 0);
	int err = errno;
	close(fd);
	if (v == KVM_API_VERSION && !hardware_virtualization()) {
		snprintf(why, len,
			 "%s answers, but the CPU has no hardware virtualization (vmx, svm): "
			 "a KVM in software, which cannot run this kernel",
			 dev);
		return false;
	}
	if (v == KVM_API_VERSION) {
		snprintf(why, len, "%s is usable (KVM API version %d)", dev, v);
		return true;
	}
	if (v < 0)
		snprintf(why, len, "%s does not answer KVM_GET_API_VERSION: %s", dev,
			 strerror(err));
	else
		snprintf(why, len, "%s has KVM API version %d, not %d", dev, v, KVM_API_VERSION);
	return false;
}

int cli_accel_choose(const char *want, bool verbose, enum cli_accel *chosen)
{
	char why[256];

	if (!strcmp(want, "tcg")) {
		*chosen = CLI_ACCEL_TCG;
		if (verbose)
			cli_error("accelerator: tcg (asked for with --accel tcg)");
		return 0;
	}
	bool kvm = kvm_usable(kvm_device(), why, sizeof why);
	if (!strcmp(want, "kvm") && !kvm) {
		cli_error("--accel kvm: KVM is not usable here (%s); use --accel tcg or auto",
			  why);
		return CLI_EXIT_USAGE;
	}
	*chosen = kvm ? CLI_ACCEL_KVM : CLI_ACCEL_TCG;
	if (verbose)
		cli_error("accelerator: %s (%s)", kvm ? "kvm" : "tcg", why);
	return 0;
}
