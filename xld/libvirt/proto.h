/* The libvirt remote protocol's wire constants (facts from libvirt's
 * virnetprotocol.x, remote_protocol.x, virkeepaliveprotocol.x and
 * virterror.h; see ../shared/reference/libvirt-remote.md). They are stable
 * ABI: libvirt only ever appends. */
#ifndef VMCTL_XLD_LIBVIRT_PROTO_H
#define VMCTL_XLD_LIBVIRT_PROTO_H

#include <stdint.h>

/* Framing: a big-endian u32 length that counts itself, then the header. */
#define LV_LEN_SIZE 4u
#define LV_HEADER_SIZE 24u
#define LV_MESSAGE_MAX (16u << 20)          /* VIR_NET_MESSAGE_MAX, without the length */
#define LV_STRING_MAX (4u << 20)            /* REMOTE_STRING_MAX */
#define LV_DOMAIN_LIST_MAX 16384u           /* REMOTE_DOMAIN_LIST_MAX */

#define LV_PROGRAM 0x20008086u              /* REMOTE_PROGRAM */
#define LV_PROTOCOL_VERSION 1u
#define LV_KEEPALIVE_PROGRAM 0x6b656570u    /* "keep" */
#define LV_KEEPALIVE_VERSION 1u
#define LV_KEEPALIVE_PING 1
#define LV_KEEPALIVE_PONG 2

enum lv_type {
	LV_CALL = 0,
	LV_REPLY = 1,
	LV_MESSAGE = 2,
	LV_STREAM = 3,
	LV_CALL_WITH_FDS = 4,
	LV_REPLY_WITH_FDS = 5,
};

enum lv_status {
	LV_OK = 0,
	LV_ERROR = 1,
	LV_CONTINUE = 2,
};

/* The 24-byte header after the length word. */
struct lv_header {
	uint32_t prog;
	uint32_t vers;
	int32_t proc;
	int32_t type;
	uint32_t serial;
	int32_t status;
};

/* virErrorNumber values that clients act on (virsh falls back only on
 * NO_SUPPORT; "failed to get domain" comes from NO_DOMAIN). */
enum lv_err {
	LV_ERR_INTERNAL_ERROR = 1,
	LV_ERR_NO_SUPPORT = 3,
	LV_ERR_NO_CONNECT = 5,
	LV_ERR_INVALID_ARG = 8,
	LV_ERR_OPERATION_FAILED = 9,
	LV_ERR_XML_ERROR = 27,
	LV_ERR_DOM_EXIST = 28,
	LV_ERR_OPERATION_DENIED = 29,
	LV_ERR_RPC = 39,
	LV_ERR_NO_DOMAIN = 42,
	LV_ERR_OPERATION_INVALID = 55,
	LV_ERR_CONFIG_UNSUPPORTED = 67,
};

/* virErrorDomain: where an error comes from. */
#define LV_FROM_XEN 1
#define LV_FROM_DOMAIN 20
#define LV_FROM_RPC 7
#define LV_FROM_LIBXL 41
#define LV_ERR_LEVEL_ERROR 2

/* virDomainState */
enum lv_state {
	LV_STATE_NOSTATE = 0,
	LV_STATE_RUNNING = 1,
	LV_STATE_BLOCKED = 2,
	LV_STATE_PAUSED = 3,
	LV_STATE_SHUTDOWN = 4,
	LV_STATE_SHUTOFF = 5,
	LV_STATE_CRASHED = 6,
};

/* virConnectListAllDomainsFlags */
#define LV_LIST_ACTIVE        (1u << 0)
#define LV_LIST_INACTIVE      (1u << 1)
#define LV_LIST_PERSISTENT    (1u << 2)
#define LV_LIST_TRANSIENT     (1u << 3)
#define LV_LIST_RUNNING       (1u << 4)
#define LV_LIST_PAUSED        (1u << 5)
#define LV_LIST_SHUTOFF       (1u << 6)
#define LV_LIST_OTHER         (1u << 7)
#define LV_LIST_MANAGEDSAVE   (1u << 8)
#define LV_LIST_NO_MANAGEDSAVE (1u << 9)
#define LV_LIST_AUTOSTART     (1u << 10)
#define LV_LIST_NO_AUTOSTART  (1u << 11)
#define LV_LIST_HAS_SNAPSHOT  (1u << 12)
#define LV_LIST_NO_SNAPSHOT   (1u << 13)
#define LV_LIST_HAS_CHECKPOINT (1u << 14)
#define LV_LIST_NO_CHECKPOINT (1u << 15)
#define LV_LIST_ALL_KNOWN     0xffffu

/* Flags of single procedures that we accept. */
#define LV_CONNECT_RO 1u
#define LV_CONNECT_NO_ALIASES 2u
#define LV_XML_SECURE 1u
#define LV_XML_INACTIVE 2u
#define LV_XML_UPDATE_CPU 4u
#define LV_XML_MIGRATABLE 8u
#define LV_START_PAUSED 1u
#define LV_START_BYPASS_CACHE 4u
#define LV_START_FORCE_BOOT 8u
#define LV_START_VALIDATE 16u
#define LV_DEFINE_VALIDATE 1u
#define LV_UNDEFINE_ANY 0x7fu      /* managed save, snapshots, nvram, ...: we keep none */
#define LV_SHUTDOWN_ACPI 1u
#define LV_SHUTDOWN_PARAVIRT 16u
#define LV_DESTROY_GRACEFUL 1u

/* virConnect features asked with CONNECT_SUPPORTS_FEATURE. */
#define LV_FEATURE_PROGRAM_KEEPALIVE 10

#endif
