/* The firmware debug ports: 0xe9 (Bochs/QEMU debugcon) and 0x402
 * (SeaBIOS's debug log on QEMU), only when the config gives a debug_fd:
 * otherwise vmhv logs these ports itself, without a round trip here.
 * Bytes are collected into lines for debug_fd. The Xen platform device's
 * log port 0x12 uses the same line collector (dev/platform.c). */
#include "devmodel/dev/debugcon.h"

#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const uint16_t debugcon_ports[] = { 0xe9, 0x402 };

struct debugcon {
	struct dm *dm;
	struct debug_line line[2];
};

void debug_line_put(struct debug_line *l, int fd, uint8_t c)
{
	bool flush = c == '\n' || l->len == sizeof(l->buf) - 1;

	if (c != '\n' && c != '\r')
		l->buf[l->len++] = (char)c;
	if (!flush)
		return;
	if (fd >= 0) {
		l->buf[l->len++] = '\n';
		write_all(fd, l->buf, l->len);
	} else {
		l->buf[l->len] = 0;
		log_info("guest debug %#x: %s", l->port, l->buf);
	}
	l->len = 0;
}

static uint64_t debugcon_read(void *opaque, uint64_t off, unsigned size)
{
	(void)opaque;
	(void)off;
	(void)size;
	return 0xe9;   /* the value Bochs's port reads back: "present" */
}

static void debugcon_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct debug_line *l = opaque;
	struct debugcon *d = container_of(l - l->index, struct debugcon, line[0]);

	(void)off;
	for (unsigned i = 0; i < size; i++)
		debug_line_put(l, d->dm->cfg->debug_fd, (uint8_t)(val >> (8 * i)));
}

static const struct bus_ops debugcon_ops = { debugcon_read, debugcon_write };

static void debugcon_destroy(void *state)
{
	struct debugcon *d = state;

	for (unsigned i = 0; i < ARRAY_SIZE(debugcon_ports); i++)
		bus_release(&d->dm->bus, BUS_PIO, debugcon_ports[i], &d->line[i]);
	free(d);
}

static int debugcon_create(struct dm *dm, void **state)
{
	struct debugcon *d;
	int rc = 0;

	if (dm->cfg->debug_fd < 0)
		return 1;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->dm = dm;
	for (unsigned i = 0; i < ARRAY_SIZE(debugcon_ports) && rc == 0; i++) {
		d->line[i].port = debugcon_ports[i];
		d->line[i].index = i;
		rc = bus_claim(&dm->bus, BUS_PIO, debugcon_ports[i], 1, &debugcon_ops,
			       &d->line[i], "debugcon");
	}
	if (rc < 0) {
		debugcon_destroy(d);
		return rc;
	}
	*state = d;
	return 0;
}

const struct dm_dev_type dev_debugcon = {
	.name = "debugcon",
	.create = debugcon_create,
	.destroy = debugcon_destroy,
};
