/* resume DOMID: cancel a guest's suspend as a toolstack does when a save
 * fails (privcmd DOMAIN_RESUME: the guest's SCHEDOP_shutdown(suspend)
 * returns 1 and it carries on in the same domain).  For suspend_test.sh. */
#include "libvmctl/hv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct hv *hv = NULL;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: resume DOMID\n");
		return 2;
	}
	rc = hv_open(NULL, &hv);
	if (rc == 0)
		rc = hv_domain_resume(hv, (uint32_t)atoi(argv[1]));
	if (hv)
		hv_close(hv);
	if (rc < 0) {
		fprintf(stderr, "resume: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
