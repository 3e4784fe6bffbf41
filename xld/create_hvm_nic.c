/* Taps for an hvm domain's emulated NICs (create_hvm_nic.h). */
#include "xld/create_hvm_nic.h"

#include "libvmctl/domcfg.h"
#include "xld/dev/bridge.h"
#include "xld/dev/tap.h"
#include "common/log.h"

#include <stdbool.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool nic_emulated(const struct domcfg_nic *nic)
{
	return nic->nictype == DOMCFG_NIC_TYPE_VIF_IOEMU || nic->model;
}

static int nic_open(struct hvm_nics *n, uint32_t domid, const struct domcfg_nic *nic,
		    char *msg, size_t cap)
{
	const char *model = nic->model ? nic->model : "rtl8139";
	const char *bridge = nic->bridge ? nic->bridge : "xenbr0";
	const uint8_t *m = nic->mac;
	char name[32];
	int fd, rc;

	if (strcmp(model, "rtl8139") && strcmp(model, "e1000")) {
		snprintf(msg, cap, "vif %d: model=%s is not emulated (rtl8139 or e1000)",
			 nic->devid, model);
		return -EINVAL;
	}
	if (n->n >= HVM_NICS_MAX) {
		snprintf(msg, cap, "more than %d emulated NICs", HVM_NICS_MAX);
		return -E2BIG;
	}
	snprintf(name, sizeof(name), "vif%u.%d-emu", domid, nic->devid);
	fd = tap_open(name, nic->mtu > 0 ? (unsigned)nic->mtu : 0);
	rc = fd < 0 ? fd : bridge_ensure(bridge);
	rc = rc < 0 ? rc : bridge_add(bridge, name);
	if (rc < 0) {
		snprintf(msg, cap, "vif %d: emulated NIC %s on bridge %s: %s", nic->devid, name,
			 bridge, rc == -ENOTDIR ? "it is not a bridge" : strerror(-rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	if (asprintf(&n->arg[n->n], "model=%s,mac=%02x:%02x:%02x:%02x:%02x:%02x,fd=%u", model,
		     m[0], m[1], m[2], m[3], m[4], m[5], 3 + n->n) < 0) {
		close(fd);
		snprintf(msg, cap, "out of memory");
		return -ENOMEM;
	}
	n->fd[n->n++] = fd;
	log_info("domain %u: emulated %s NIC %s on bridge %s", domid, model, name, bridge);
	return 0;
}

int hvm_nics_open(struct hvm_nics *n, uint32_t domid, const struct domcfg_config *cfg,
		  char *msg, size_t cap)
{
	memset(n, 0, sizeof(*n));
	for (int i = 0; i < cfg->num_nics; i++) {
		int rc = nic_emulated(&cfg->nics[i]) ? nic_open(n, domid, &cfg->nics[i], msg, cap) : 0;

		if (rc < 0) {
			hvm_nics_close(n);
			return rc;
		}
	}
	return 0;
}

void hvm_nics_argv(const struct hvm_nics *n, char **argv, size_t max)
{
	size_t end = 0;

	while (argv[end])
		end++;
	for (unsigned i = 0; i < n->n && end + 3 <= max; i++) {
		argv[end++] = "--nic";
		argv[end++] = n->arg[i];
	}
	argv[end] = NULL;
}

void hvm_nics_close(struct hvm_nics *n)
{
	for (unsigned i = 0; i < n->n; i++) {
		close(n->fd[i]);
		free(n->arg[i]);
	}
	n->n = 0;
}
