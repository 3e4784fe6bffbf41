/* The device table and the device model's life cycle. */
#include "devmodel/dm.h"

#include "common/log.h"

#include <errno.h>
#include <string.h>

#define DM_DEVICE(n) extern const struct dm_dev_type dev_##n;
#include "devmodel/devices.def"
#undef DM_DEVICE

static const struct dm_dev_type *const dm_types[] = {
#define DM_DEVICE(n) &dev_##n,
#include "devmodel/devices.def"
#undef DM_DEVICE
};

void dm_config_init(struct dm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->vcpus = 1;
	cfg->serial_fd = -1;
	cfg->debug_fd = -1;
	strcpy(cfg->boot, "c");
}

void dm_init(struct dm *dm, const struct dm_config *cfg, const struct dm_host *host,
	     const struct gmem *mem, struct evloop *loop)
{
	memset(dm, 0, sizeof(*dm));
	dm->cfg = cfg;
	dm->host = *host;
	dm->mem = *mem;
	dm->loop = loop;
	bus_init(&dm->bus);
	pci_bus_init(&dm->pci, &dm->bus, &dm->host);
}

int dm_devices_create(struct dm *dm)
{
	int rc = pci_host_claim(&dm->pci);

	for (size_t i = 0; rc == 0 && i < sizeof(dm_types) / sizeof(dm_types[0]); i++) {
		void *state = NULL;

		rc = dm_types[i]->create(dm, &state);
		if (rc == 1) {
			rc = 0;
			continue;
		}
		if (rc < 0) {
			log_error("device %s: %s", dm_types[i]->name, strerror(-rc));
			break;
		}
		dm->dev[dm->ndev].type = dm_types[i];
		dm->dev[dm->ndev++].state = state;
	}
	if (rc < 0)
		dm_dispose(dm);
	return rc;
}

void dm_reset(struct dm *dm)
{
	for (unsigned i = 0; i < dm->ndev; i++)
		if (dm->dev[i].type->reset)
			dm->dev[i].type->reset(dm->dev[i].state);
}

void dm_unplug(struct dm *dm, unsigned mask)
{
	for (unsigned i = 0; i < dm->ndev; i++)
		if (dm->dev[i].type->unplug)
			dm->dev[i].type->unplug(dm->dev[i].state, mask);
}

void *dm_device(struct dm *dm, const char *name)
{
	for (unsigned i = 0; i < dm->ndev; i++)
		if (strcmp(dm->dev[i].type->name, name) == 0)
			return dm->dev[i].state;
	return NULL;
}

void dm_dispose(struct dm *dm)
{
	while (dm->ndev > 0) {
		struct dm_dev *d = &dm->dev[--dm->ndev];

		if (d->type->destroy)
			d->type->destroy(d->state);
	}
	pci_bus_dispose(&dm->pci);
	bus_dispose(&dm->bus);
}
