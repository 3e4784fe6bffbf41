#include "hypervisor/dmesg.h"

#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void dmesg_init(struct dmesg *dm)
{
	dm->head = 0;
	dm->start = 0;
	dm->notify = NULL;
	dm->notify_arg = NULL;
}

void dmesg_write(struct dmesg *dm, const char *text, size_t len)
{
	/* Only the last DMESG_RING_SIZE bytes can survive anyway. */
	if (len > DMESG_RING_SIZE) {
		dm->head += len - DMESG_RING_SIZE;
		text += len - DMESG_RING_SIZE;
		len = DMESG_RING_SIZE;
	}
	while (len) {
		size_t off = dm->head % DMESG_RING_SIZE;
		size_t n = DMESG_RING_SIZE - off;

		if (n > len)
			n = len;
		memcpy(dm->buf + off, text, n);
		dm->head += n;
		text += n;
		len -= n;
	}
	if (dm->notify)
		dm->notify(dm->notify_arg);
}

void dmesg_printf(struct dmesg *dm, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	dmesg_write(dm, line, (size_t)n);
	log_info("%.*s", n, line);
}

size_t dmesg_read(const struct dmesg *dm, uint64_t *pos, char *out, size_t cap)
{
	uint64_t oldest = dm->start;
	size_t done = 0;

	if (dm->head > DMESG_RING_SIZE && dm->head - DMESG_RING_SIZE > oldest)
		oldest = dm->head - DMESG_RING_SIZE;
	if (*pos < oldest)
		*pos = oldest;
	if (*pos > dm->head)
		*pos = dm->head;
	while (done < cap && *pos < dm->head) {
		size_t off = *pos % DMESG_RING_SIZE;
		size_t n = DMESG_RING_SIZE - off;

		if (n > cap - done)
			n = cap - done;
		if (n > dm->head - *pos)
			n = (size_t)(dm->head - *pos);
		memcpy(out + done, dm->buf + off, n);
		done += n;
		*pos += n;
	}
	return done;
}

void dmesg_clear(struct dmesg *dm)
{
	dm->start = dm->head;
}
