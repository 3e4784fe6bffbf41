/* The console: output through the hypervisor's console_io until the PV
 * console ring is connected, then through the ring (and optionally both);
 * input from the ring, gathered into lines for the shell. */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kernel;
struct xencons_interface;

#define CONSOLE_LINE_MAX 256

struct console {
	struct xencons_interface *ring;	/* NULL until console_ring_init() */
	uint32_t port;
	bool to_ring;			/* write output to the ring */
	bool to_hv;			/* write output with console_io */
	volatile int lock;
	char line[CONSOLE_LINE_MAX];
	size_t line_len;
	bool echo;			/* echo input back (the shell wants it) */
	void (*on_line)(struct kernel *k, char *line);
	uint64_t dropped;		/* output bytes lost to a full ring */
	bool stalled;			/* the backend stopped reading... */
	uint32_t stalled_cons;		/* ...at this index */
	uint64_t in_bytes, out_bytes;
};

/* Write len bytes to whichever outputs are active.  Waits (bounded) for
 * room in the ring; output that still does not fit is dropped and counted. */
void console_write(struct kernel *k, const char *buf, size_t len);

/* Connect the ring given in start_info and bind its event channel.  `mode`
 * is the console= option: "ring" (default), "hv" or "both". */
int console_ring_init(struct kernel *k, const char *mode);

/* Forget the ring (before suspend); output goes to console_io meanwhile. */
void console_suspend(struct kernel *k);

/* Consume input: echo it, build lines, hand complete lines to on_line.
 * Returns true if any input was consumed. */
bool console_poll(struct kernel *k);

#endif
