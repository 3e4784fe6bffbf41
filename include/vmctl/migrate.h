/* The live migration handshake: the few messages two xlds exchange around
 * the domain stream (include/vmctl/stream.h) on one connection, a TCP
 * connection to the target's `--migrate-listen` port or, with
 * `xl migrate -s`, an ssh session relayed by `xl migrate-receive`.
 *
 *   source                                target
 *   HELLO (name, uuid, memory, flags) ->
 *                                     <-  ACCEPT        | ERROR
 *   the domain stream, to its END     ->
 *                                     <-  READY (built, paused) | ERROR
 *   GO                                ->
 *                                     <-  RUNNING       | ERROR
 *
 * Until the source sends GO, either side may give up: the target destroys
 * what it built, the source resumes its domain (DOMAIN_RESUME). After GO
 * only the target may run the domain: on RUNNING the source destroys its
 * copy; on ERROR (the target could not unpause) it resumes it; if the
 * connection ends between GO and the answer, the source cannot know and
 * leaves its copy suspended (docs/migration.md says what to do then).
 *
 * Every message is a struct migrate_msg header and `len` payload bytes.
 * The CRC is CRC-32C (as the stream's) of the header with crc = 0, then
 * of the payload. All integers are little-endian. A message of an
 * unknown type, another version or a bad CRC ends the migration.
 */
#ifndef VMCTL_MIGRATE_H
#define VMCTL_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

#define MIGRATE_MAGIC    0x47494d56u  /* "VMIG" in the byte order of the wire */
#define MIGRATE_VERSION  1
#define MIGRATE_PORT     8002         /* xend's relocation port */
#define MIGRATE_MSG_MAX  1024u        /* payload bytes */

enum migrate_msg_type {
	MIGRATE_HELLO   = 1,  /* source -> target: struct migrate_hello */
	MIGRATE_ACCEPT  = 2,  /* target -> source: empty; the stream follows */
	MIGRATE_READY   = 3,  /* target -> source: struct migrate_domid */
	MIGRATE_GO      = 4,  /* source -> target: empty */
	MIGRATE_RUNNING = 5,  /* target -> source: struct migrate_domid */
	MIGRATE_ERROR   = 6,  /* either way: struct migrate_error + text */
};

struct migrate_msg {
	uint32_t magic;       /* MIGRATE_MAGIC */
	uint16_t version;     /* MIGRATE_VERSION */
	uint16_t type;        /* enum migrate_msg_type */
	uint32_t len;         /* payload bytes, <= MIGRATE_MSG_MAX */
	uint32_t crc;         /* CRC-32C of this header (crc = 0) and the payload */
};
_Static_assert(sizeof(struct migrate_msg) == 16, "migrate_msg size");
_Static_assert(offsetof(struct migrate_msg, type) == 6, "migrate_msg type offset");
_Static_assert(offsetof(struct migrate_msg, crc) == 12, "migrate_msg crc offset");

#define MIGRATE_F_LIVE    1u  /* pre-copy rounds while the guest runs */
#define MIGRATE_F_PAUSED  2u  /* leave the domain paused on the target (-p) */

#define MIGRATE_NAME_MAX  64  /* as xld's domain names: 1..63 bytes + NUL */

/* HELLO: what the target checks before it accepts (the name and UUID are
 * not in use there, it has the memory). */
struct migrate_hello {
	uint8_t uuid[16];
	char name[MIGRATE_NAME_MAX];  /* NUL-terminated, NUL-padded */
	uint64_t memory_kib;          /* the domain's maximum memory */
	uint32_t vcpus;               /* maximum vCPUs */
	uint32_t flags;               /* MIGRATE_F_* */
};
_Static_assert(sizeof(struct migrate_hello) == 96, "migrate_hello size");
_Static_assert(offsetof(struct migrate_hello, memory_kib) == 80, "migrate_hello memory offset");

/* READY and RUNNING: the domain's id on the target. */
struct migrate_domid {
	uint32_t domid;
	uint32_t pad;         /* 0 */
};
_Static_assert(sizeof(struct migrate_domid) == 8, "migrate_domid size");

/* ERROR: why, then a message of len - 8 bytes (UTF-8, no NUL), for the
 * user ("target host: not enough memory: ..."). */
struct migrate_error {
	int32_t rc;           /* a negative errno */
	int32_t code;         /* the JSON-RPC error code (docs/api.md) to report */
};
_Static_assert(sizeof(struct migrate_error) == 8, "migrate_error size");

#endif
