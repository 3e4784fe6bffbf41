/* Test helper: shut a domain down from dom0 with a given SHUTDOWN_* reason
 * through privcmd (as vmhv would for a watchdog that fired), so tests can
 * check the monitor's action for every reason.
 * Usage: hv_shutdown DOMID REASON   (vmhv at $VMCTL_RUNDIR) */
#include "libvmctl/hv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct hv *h;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: hv_shutdown DOMID REASON\n");
		return 2;
	}
	rc = hv_open(NULL, &h);
	if (rc == 0)
		rc = hv_domain_shutdown(h, (uint32_t)atoi(argv[1]), (uint32_t)atoi(argv[2]));
	if (rc < 0)
		fprintf(stderr, "hv_shutdown: %s\n", strerror(-rc));
	if (h)
		hv_close(h);
	return rc < 0;
}
