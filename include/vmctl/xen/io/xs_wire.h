/* XenStore wire protocol: the message header, message types, error names,
 * limits, and the shared ring page through which a guest talks to xenstored.
 *
 * The same framing is used on xenstored's UNIX socket and on a guest's ring:
 * a 16-byte struct xsd_sockmsg in host byte order followed by `len` payload
 * bytes.  Layouts and numbers are Xen's (see reference/xen-abi.md §3); this
 * header is standalone C11 so guests, tools and the daemon can all use it.
 */
#ifndef VMCTL_XEN_IO_XS_WIRE_H
#define VMCTL_XEN_IO_XS_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Message types.  20 was XS_RESTRICT and is no longer valid: it must be
 * answered like any unknown type (ENOSYS). */
enum xsd_sockmsg_type {
	XS_CONTROL = 0,
	XS_DEBUG = XS_CONTROL,          /* historical alias */
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,            /* server -> client only */
	XS_ERROR = 16,                  /* server -> client only */
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20: XS_RESTRICT, removed */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_GET_FEATURE = 23,
	XS_SET_FEATURE = 24,
	XS_GET_QUOTA = 25,
	XS_SET_QUOTA = 26,
	XS_TYPE_COUNT,                  /* 27: number of slots, not a type */
	XS_INVALID = 0xffff
};

/* Header preceding every message.  Replies echo type (or XS_ERROR), req_id
 * and tx_id of the request; watch events carry req_id = tx_id = 0. */
struct xsd_sockmsg {
	uint32_t type;   /* enum xsd_sockmsg_type */
	uint32_t req_id; /* chosen by the client, echoed in the reply */
	uint32_t tx_id;  /* transaction id, 0 outside a transaction */
	uint32_t len;    /* payload bytes that follow */
};

_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg size");
_Static_assert(offsetof(struct xsd_sockmsg, type) == 0, "xsd_sockmsg.type");
_Static_assert(offsetof(struct xsd_sockmsg, req_id) == 4, "xsd_sockmsg.req_id");
_Static_assert(offsetof(struct xsd_sockmsg, tx_id) == 8, "xsd_sockmsg.tx_id");
_Static_assert(offsetof(struct xsd_sockmsg, len) == 12, "xsd_sockmsg.len");

/* Index of the path and the token in a WATCH_EVENT payload split on NULs. */
enum xs_watch_type {
	XS_WATCH_PATH = 0,
	XS_WATCH_TOKEN
};

/* An XS_ERROR payload is the errno *name* followed by a NUL.  These are the
 * only names allowed on the wire, in Xen's order; anything else is sent as
 * EINVAL.  The numbers are the host's errno values, so this table is only
 * available where <errno.h> has been included first. */
struct xsd_errors {
	int errnum;
	const char *errstring;
};

#ifdef EINVAL
#define XSD_ERROR_ENTRY(e) { e, #e }
static const struct xsd_errors xsd_errors[] __attribute__((unused)) = {
	XSD_ERROR_ENTRY(EINVAL),
	XSD_ERROR_ENTRY(EACCES),
	XSD_ERROR_ENTRY(EEXIST),
	XSD_ERROR_ENTRY(EISDIR),
	XSD_ERROR_ENTRY(ENOENT),
	XSD_ERROR_ENTRY(ENOMEM),
	XSD_ERROR_ENTRY(ENOSPC),
	XSD_ERROR_ENTRY(EIO),
	XSD_ERROR_ENTRY(ENOTEMPTY),
	XSD_ERROR_ENTRY(ENOSYS),
	XSD_ERROR_ENTRY(EROFS),
	XSD_ERROR_ENTRY(EBUSY),
	XSD_ERROR_ENTRY(EAGAIN),
	XSD_ERROR_ENTRY(EISCONN),
	XSD_ERROR_ENTRY(E2BIG),
	XSD_ERROR_ENTRY(EPERM),
};
#undef XSD_ERROR_ENTRY
#endif

/* Limits.  A message whose len exceeds XENSTORE_PAYLOAD_MAX makes the server
 * drop the connection.  Absolute paths may be at most XENSTORE_ABS_PATH_MAX
 * bytes, relative ones XENSTORE_REL_PATH_MAX (excluding the NUL). */
#define XENSTORE_PAYLOAD_MAX   4096
#define XENSTORE_ABS_PATH_MAX  3072
#define XENSTORE_REL_PATH_MAX  2048

/* The guest ring page (docs/misc/xenstore-ring.txt).  Two byte rings with
 * free-running 32-bit indices: byte i lives at MASK_XENSTORE_IDX(i).  The
 * producer writes data, then (after a write barrier) advances *_prod, then
 * signals the event channel; the consumer does the mirror image. */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE];      /* guest -> server */
	char rsp[XENSTORE_RING_SIZE];      /* server -> guest: replies, events */
	XENSTORE_RING_IDX req_cons, req_prod;
	XENSTORE_RING_IDX rsp_cons, rsp_prod;
	uint32_t server_features;          /* XENSTORE_SERVER_FEATURE_* */
	uint32_t connection;               /* XENSTORE_CONNECTED / _RECONNECT */
	uint32_t error;                    /* XENSTORE_ERROR_* */
	uint32_t evtchn_port;              /* dom0less; 0 = the INTRODUCE one */
};

_Static_assert(sizeof(struct xenstore_domain_interface) == 2080, "ring size");
_Static_assert(offsetof(struct xenstore_domain_interface, req) == 0, "req");
_Static_assert(offsetof(struct xenstore_domain_interface, rsp) == 1024, "rsp");
_Static_assert(offsetof(struct xenstore_domain_interface, req_cons) == 2048, "req_cons");
_Static_assert(offsetof(struct xenstore_domain_interface, req_prod) == 2052, "req_prod");
_Static_assert(offsetof(struct xenstore_domain_interface, rsp_cons) == 2056, "rsp_cons");
_Static_assert(offsetof(struct xenstore_domain_interface, rsp_prod) == 2060, "rsp_prod");
_Static_assert(offsetof(struct xenstore_domain_interface, server_features) == 2064,
	       "server_features");
_Static_assert(offsetof(struct xenstore_domain_interface, connection) == 2068, "connection");
_Static_assert(offsetof(struct xenstore_domain_interface, error) == 2072, "error");
_Static_assert(offsetof(struct xenstore_domain_interface, evtchn_port) == 2076, "evtchn_port");

/* server_features bits: what the server supports. */
#define XENSTORE_SERVER_FEATURE_RECONNECTION 1 /* `connection` is honoured */
#define XENSTORE_SERVER_FEATURE_ERROR        2 /* `error` is reported */
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH   4 /* WATCH takes a depth */
#define XENSTORE_SERVER_FEATURE_DOMID_ANY    8 /* DOMID_ANY in perms */

/* `connection` values: the guest sets RECONNECT and kicks; the server drops
 * everything of that connection, empties both rings and writes CONNECTED. */
#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

/* `error` values, set by the server when it gives up on the ring. */
#define XENSTORE_ERROR_NONE    0
#define XENSTORE_ERROR_COMM    1 /* generic communication error */
#define XENSTORE_ERROR_RINGIDX 2 /* indices out of range */
#define XENSTORE_ERROR_PROTO   3 /* malformed message */

#endif
