/* Writing and reading the domain stream (include/vmctl/stream.h) over a
 * file descriptor: a save file, a pipe or a migration socket.
 *
 * Both sides do blocking I/O (run them in a thread of their own when the
 * caller has an event loop). Errors are negative errnos; the reader also
 * keeps a message that says what was wrong and at which byte, e.g.
 * "record 12 (pages) at byte 409640: checksum mismatch".
 */
#ifndef VMCTL_LIBVMCTL_STREAM_H
#define VMCTL_LIBVMCTL_STREAM_H

#include "vmctl/stream.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CRC-32C of buf, continuing from `crc` (start with 0). Uses the CPU's
 * crc32 instruction when it has one. */
uint32_t stream_crc32c(uint32_t crc, const void *buf, size_t len);

struct stream_writer {
	int fd;
	uint64_t bytes;           /* written so far */
	uint32_t records;
	/* Set when the pages may change while they are written (a running
	 * guest, live pre-copy): each batch is copied first, so that the CRC
	 * is that of the bytes sent. */
	bool snapshot;
	uint8_t *copy;            /* STREAM_PAGES_MAX pages, allocated on use */
};

void stream_writer_init(struct stream_writer *w, int fd);
void stream_writer_dispose(struct stream_writer *w);
/* The stream header; flags are STREAM_F_*. */
int stream_write_header(struct stream_writer *w, uint32_t flags);
/* One record whose body is the concatenation of `n` pieces. */
struct stream_piece {
	const void *p;
	size_t len;
};
int stream_write_record(struct stream_writer *w, uint32_t type,
			const struct stream_piece *pieces, unsigned n);
/* A record with a single body (len may be 0). */
int stream_write_simple(struct stream_writer *w, uint32_t type, const void *body, size_t len);
/* A PAGES record: `count` (<= STREAM_PAGES_MAX) frames pfns[i] whose
 * contents are pages[i] (STREAM_PAGE_SIZE bytes each, read in place, e.g.
 * from a mapping of the domain's memory); all-zero pages go without data.
 * pages[i] NULL: a page known to be zero (a hole in the memory file), not
 * read at all. */
int stream_write_pages(struct stream_writer *w, const uint64_t *pfns,
		       const void *const *pages, unsigned count);
int stream_write_end(struct stream_writer *w);

struct stream_reader {
	int fd;
	uint64_t bytes;           /* consumed so far */
	uint32_t records;
	uint32_t flags;           /* the header's STREAM_F_* */
	void *buf;                /* the current record's body */
	size_t cap;
	char error[256];          /* why the last call failed */
};

void stream_reader_init(struct stream_reader *r, int fd);
void stream_reader_dispose(struct stream_reader *r);
/* Check the header. -EBADMSG: not a stream or corrupt; -EPROTONOSUPPORT:
 * another version; -ENODATA: the input ends inside the header. */
int stream_read_header(struct stream_reader *r);
/* The next record: its type in *type and its checked body in *body
 * (valid until the next call), its length in *len. Unknown optional
 * records are skipped. -EBADMSG: corrupt (bad CRC, impossible length,
 * unknown type); -ENODATA: the input ends before the record does (a
 * truncated stream); other: the read's errno. */
int stream_read_record(struct stream_reader *r, uint32_t *type, const void **body,
		       size_t *len);

/* A PAGES body taken apart. Returns 0 and fills *count, *pfns (count
 * entries, STREAM_PFN_* flags included) and *data (the non-zero pages in
 * order), or -EBADMSG with r->error set when the body does not add up. */
int stream_pages_parse(struct stream_reader *r, const void *body, size_t len,
		       uint32_t *count, const uint64_t **pfns, const uint8_t **data);

/* "pages", "vcpu", ... for messages; "unknown" otherwise. */
const char *stream_rec_name(uint32_t type);

#endif
