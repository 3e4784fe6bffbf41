/* vmhv's own console ring: what `xl dmesg` shows.
 *
 * A byte ring with a running position: text is appended forever and readers
 * ask for "everything from position P"; what the ring has lost is skipped.
 * Guests' CONSOLEIO_write output lands here as "(dN) text" lines, as on a
 * Xen debug build.
 */
#ifndef VMHV_DMESG_H
#define VMHV_DMESG_H

#include <stddef.h>
#include <stdint.h>

#define DMESG_RING_SIZE (64u * 1024u)

struct dmesg {
	char buf[DMESG_RING_SIZE];
	uint64_t head;   /* total bytes ever written */
	uint64_t start;  /* position of the oldest byte kept (after a clear) */
	/* Called after every write (vmhv raises dom0's VIRQ_CON_RING). */
	void (*notify)(void *arg);
	void *notify_arg;
};

void dmesg_init(struct dmesg *dm);

/* Append `len` bytes (no formatting, no newline added). */
void dmesg_write(struct dmesg *dm, const char *text, size_t len);

/* printf into the ring, also logs the line at info level. */
void dmesg_printf(struct dmesg *dm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Copy up to `cap` bytes starting at position *pos (moved forward past what
 * the ring lost, then past what was copied). Returns bytes copied. */
size_t dmesg_read(const struct dmesg *dm, uint64_t *pos, char *out, size_t cap);

/* Forget everything written so far (`xl dmesg -c`). */
void dmesg_clear(struct dmesg *dm);

#endif
