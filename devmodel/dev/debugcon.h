/* A line of guest debug output being collected (debugcon.c, platform.c). */
#ifndef VMCTL_DEVMODEL_DEV_DEBUGCON_H
#define VMCTL_DEVMODEL_DEV_DEBUGCON_H

#include "devmodel/dm.h"

struct debug_line {
	uint16_t port;
	unsigned index;
	size_t len;
	char buf[256];
};

/* Add one byte; a newline or a full buffer sends the line to `fd` (-1:
 * our log, tagged with the port). */
void debug_line_put(struct debug_line *l, int fd, uint8_t c);

#endif
