/* The domain stream's writer and reader (libvmctl/stream.h). */
#include "libvmctl/stream.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define PIECES_MAX (3 + 2 * STREAM_PAGES_MAX)

static const uint8_t zero_pad[8];

static size_t pad8(uint64_t len)
{
	return (size_t)((8 - (len & 7)) & 7);
}

/* ---- writing ---------------------------------------------------------- */

void stream_writer_init(struct stream_writer *w, int fd)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
}

void stream_writer_dispose(struct stream_writer *w)
{
	free(w->copy);
	w->copy = NULL;
}

/* writev until everything is out (a socket or pipe may take less). */
static int write_all(struct stream_writer *w, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t r = writev(w->fd, iov, n > IOV_MAX ? IOV_MAX : n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		w->bytes += (uint64_t)r;
		while (n > 0 && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

int stream_write_header(struct stream_writer *w, uint32_t flags)
{
	struct stream_header h = { .version = STREAM_VERSION, .flags = flags,
				   .page_size = STREAM_PAGE_SIZE };
	struct iovec iov = { &h, sizeof(h) };

	memcpy(h.magic, STREAM_MAGIC, sizeof(h.magic));
	h.crc = stream_crc32c(0, &h, sizeof(h));
	return write_all(w, &iov, 1);
}

int stream_write_record(struct stream_writer *w, uint32_t type,
			const struct stream_piece *pieces, unsigned n)
{
	struct iovec iov[PIECES_MAX + 2];
	struct stream_rec rec = { .type = type };
	unsigned k = 0;

	if (n > PIECES_MAX)
		return -E2BIG;
	for (unsigned i = 0; i < n; i++)
		rec.len += pieces[i].len;
	if (rec.len > STREAM_REC_MAX)
		return -E2BIG;
	rec.crc = stream_crc32c(0, &rec, sizeof(rec));
	iov[k++] = (struct iovec){ &rec, sizeof(rec) };
	for (unsigned i = 0; i < n; i++) {
		if (!pieces[i].len)
			continue;
		rec.crc = stream_crc32c(rec.crc, pieces[i].p, pieces[i].len);
		iov[k++] = (struct iovec){ (void *)pieces[i].p, pieces[i].len };
	}
	if (pad8(rec.len))
		iov[k++] = (struct iovec){ (void *)zero_pad, pad8(rec.len) };
	w->records++;
	return write_all(w, iov, (int)k);
}

int stream_write_simple(struct stream_writer *w, uint32_t type, const void *body, size_t len)
{
	struct stream_piece p = { body, len };

	return stream_write_record(w, type, &p, 1);
}

static bool page_is_zero(const void *page)
{
	const uint64_t *q = page;

	for (size_t i = 0; i < STREAM_PAGE_SIZE / 8; i++)
		if (q[i])
			return false;
	return true;
}

int stream_write_pages(struct stream_writer *w, const uint64_t *pfns,
		       const void *const *pages, unsigned count)
{
	struct stream_pages hdr = { .count = count };
	uint64_t ents[STREAM_PAGES_MAX];
	struct stream_piece pieces[2 + STREAM_PAGES_MAX];
	unsigned n = 0;

	if (count == 0 || count > STREAM_PAGES_MAX)
		return -EINVAL;
	if (w->snapshot && !w->copy && !(w->copy = malloc(STREAM_PAGES_MAX * STREAM_PAGE_SIZE)))
		return -ENOMEM;
	pieces[n++] = (struct stream_piece){ &hdr, sizeof(hdr) };
	pieces[n++] = (struct stream_piece){ ents, count * sizeof(uint64_t) };
	for (unsigned i = 0; i < count; i++) {
		if ((pfns[i] & ~STREAM_PFN_MASK) != 0)
			return -EINVAL;
		const void *page = pages[i];

		if (page && w->snapshot)
			page = memcpy(w->copy + (size_t)i * STREAM_PAGE_SIZE, page, STREAM_PAGE_SIZE);
		ents[i] = pfns[i];
		if (!page || page_is_zero(page))
			ents[i] |= STREAM_PFN_ZERO;
		else
			pieces[n++] = (struct stream_piece){ page, STREAM_PAGE_SIZE };
	}
	return stream_write_record(w, STREAM_REC_PAGES, pieces, n);
}

int stream_write_end(struct stream_writer *w)
{
	return stream_write_simple(w, STREAM_REC_END, NULL, 0);
}

/* ---- reading ---------------------------------------------------------- */

void stream_reader_init(struct stream_reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
}

void stream_reader_dispose(struct stream_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

static int fail(struct stream_reader *r, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct stream_reader *r, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return rc;
}

/* Exactly len bytes; -ENODATA when the input ends first. */
static int read_all(struct stream_reader *r, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(r->fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(r, -errno, "read error at byte %llu: %s",
				    (unsigned long long)(r->bytes + got), strerror(errno));
		if (n == 0)
			return fail(r, -ENODATA, "the stream is truncated: it ends at byte %llu",
				    (unsigned long long)(r->bytes + got));
		got += (size_t)n;
	}
	r->bytes += len;
	return 0;
}

int stream_read_header(struct stream_reader *r)
{
	struct stream_header h;
	uint32_t crc;
	int rc = read_all(r, &h, sizeof(h));

	if (rc < 0)
		return rc;
	if (memcmp(h.magic, STREAM_MAGIC, sizeof(h.magic)) != 0)
		return fail(r, -EBADMSG, "not a vmctl domain stream (bad magic)");
	crc = h.crc;
	h.crc = 0;
	if (stream_crc32c(0, &h, sizeof(h)) != crc)
		return fail(r, -EBADMSG, "the stream header is corrupt (checksum mismatch)");
	if (h.version != STREAM_VERSION)
		return fail(r, -EPROTONOSUPPORT, "stream version %u is not supported (this is %u)",
			    h.version, STREAM_VERSION);
	if (h.page_size != STREAM_PAGE_SIZE)
		return fail(r, -EBADMSG, "page size %u is not supported", h.page_size);
	r->flags = h.flags;
	return 0;
}

const char *stream_rec_name(uint32_t type)
{
	switch (type) {
	case STREAM_REC_END: return "end";
	case STREAM_REC_DOMAIN: return "domain";
	case STREAM_REC_CONFIG: return "config";
	case STREAM_REC_PAGES: return "pages";
	case STREAM_REC_VCPU: return "vcpu";
	case STREAM_REC_HVM_PARAMS: return "hvm-params";
	case STREAM_REC_PV_INFO: return "pv-info";
	case STREAM_REC_ROUND: return "round";
	case STREAM_REC_PV_STATE: return "pv-state";
	case STREAM_REC_HVM_CONTEXT: return "hvm-context";
	case STREAM_REC_EMULATOR: return "emulator";
	default: return "unknown";
	}
}

static bool type_known(uint32_t type)
{
	return strcmp(stream_rec_name(type), "unknown") != 0;
}

static int body_read(struct stream_reader *r, size_t len)
{
	uint8_t pad[8];

	if (len + 8 > r->cap) {
		void *nb = realloc(r->buf, len + 8);

		if (!nb)
			return fail(r, -ENOMEM, "out of memory for a %zu-byte record", len);
		r->buf = nb;
		r->cap = len + 8;
	}
	if (len) {
		int rc = read_all(r, r->buf, len);

		if (rc < 0)
			return rc;
	}
	return pad8(len) ? read_all(r, pad, pad8(len)) : 0;
}

/* One record, checked; unknown optional ones come back too (the caller
 * loop skips them). */
static int record_next(struct stream_reader *r, struct stream_rec *rec)
{
	uint64_t at = r->bytes;
	uint32_t crc;
	int rc = read_all(r, rec, sizeof(*rec));

	if (rc < 0)
		return rc;
	crc = rec->crc;
	rec->crc = 0;
	if (rec->len > STREAM_REC_MAX)
		return fail(r, -EBADMSG, "record %u at byte %llu: impossible length %llu (corrupt)",
			    r->records, (unsigned long long)at, (unsigned long long)rec->len);
	if (!type_known(rec->type) && !(rec->type & STREAM_REC_OPTIONAL))
		return fail(r, -EBADMSG, "record %u at byte %llu: unknown type %#x (corrupt)",
			    r->records, (unsigned long long)at, rec->type);
	rc = body_read(r, (size_t)rec->len);
	if (rc < 0)
		return rc;
	if (stream_crc32c(stream_crc32c(0, rec, sizeof(*rec)), r->buf, (size_t)rec->len) != crc)
		return fail(r, -EBADMSG, "record %u (%s) at byte %llu: checksum mismatch (corrupt)",
			    r->records, stream_rec_name(rec->type), (unsigned long long)at);
	r->records++;
	return 0;
}

int stream_read_record(struct stream_reader *r, uint32_t *type, const void **body,
		       size_t *len)
{
	struct stream_rec rec;
	int rc;

	do {
		rc = record_next(r, &rec);
		if (rc < 0)
			return rc;
	} while (!type_known(rec.type));
	*type = rec.type;
	*body = r->buf;
	*len = (size_t)rec.len;
	return 0;
}

int stream_pages_parse(struct stream_reader *r, const void *body, size_t len,
		       uint32_t *count, const uint64_t **pfns, const uint8_t **data)
{
	struct stream_pages h;
	size_t nonzero = 0, need;
	const uint64_t *ents;

	if (len < sizeof(h))
		return fail(r, -EBADMSG, "a pages record is too short");
	memcpy(&h, body, sizeof(h));
	if (h.count == 0 || h.count > STREAM_PAGES_MAX)
		return fail(r, -EBADMSG, "a pages record holds %u pages", h.count);
	need = sizeof(h) + h.count * sizeof(uint64_t);
	if (len < need)
		return fail(r, -EBADMSG, "a pages record is shorter than its frame list");
	ents = (const uint64_t *)((const uint8_t *)body + sizeof(h));
	for (uint32_t i = 0; i < h.count; i++)
		nonzero += !(ents[i] & STREAM_PFN_ZERO);
	if (len != need + nonzero * STREAM_PAGE_SIZE)
		return fail(r, -EBADMSG, "a pages record's length does not match its %zu pages",
			    nonzero);
	*count = h.count;
	*pfns = ents;
	*data = (const uint8_t *)body + need;
	return 0;
}
