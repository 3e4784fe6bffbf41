/* The domain stream: one format for save files and live migration.
 *
 * A stream is a struct stream_header followed by records. Every record is a
 * struct stream_rec (type, body length, CRC) and `len` body bytes, padded
 * with zeros to a multiple of 8. The CRC is CRC-32C (Castagnoli) of the
 * record header with `crc` = 0, then of the body (not the padding), so a
 * flipped bit anywhere, a record cut short or a header that lies about its
 * length is caught before the reader acts on the record. The last record is
 * STREAM_REC_END; a stream that stops before it is truncated.
 *
 * Order (docs/migration-stream.md):
 *   DOMAIN (once, first)  CONFIG (once)
 *   PAGES* [ROUND PAGES*]*   -- live migration sends rounds of dirty pages
 *   PV_INFO  VCPU+  HVM_PARAMS?  END
 * A frame may appear in several PAGES records: the last copy wins. Frames
 * that never appear are zero. A reader ignores record types it does not
 * know only when STREAM_REC_OPTIONAL is set in the type; any other unknown
 * type is an error.
 *
 * All integers are little-endian. Versioning: `version` is STREAM_VERSION;
 * new record types may be added within a version, existing layouts never
 * change.
 */
#ifndef VMCTL_STREAM_H
#define VMCTL_STREAM_H

#include "vmctl/privcmd.h"

#include <stddef.h>
#include <stdint.h>

#define STREAM_MAGIC     "VMCTLDOM"   /* 8 bytes, no NUL in the file */
#define STREAM_VERSION   1
#define STREAM_PAGE_SIZE 4096u

#define STREAM_F_LIVE    1u   /* header: written by a live (pre-copy) sender */

struct stream_header {
	char magic[8];            /* STREAM_MAGIC */
	uint32_t version;         /* STREAM_VERSION */
	uint32_t flags;           /* STREAM_F_* */
	uint32_t page_size;       /* STREAM_PAGE_SIZE */
	uint32_t crc;             /* CRC-32C of the header with crc = 0 */
	uint64_t reserved;        /* 0 */
};
_Static_assert(sizeof(struct stream_header) == 32, "stream_header size");
_Static_assert(offsetof(struct stream_header, crc) == 20, "stream_header crc offset");

/* Record types. Bit 31 marks a record a reader may skip. */
#define STREAM_REC_OPTIONAL 0x80000000u
enum stream_rec_type {
	STREAM_REC_END        = 0,  /* empty body; the stream is complete */
	STREAM_REC_DOMAIN     = 1,  /* struct stream_domain */
	STREAM_REC_CONFIG     = 2,  /* the domain config, JSON text (xl list -l), no NUL */
	STREAM_REC_PAGES      = 3,  /* struct stream_pages + pfn[] + page data */
	STREAM_REC_VCPU       = 4,  /* struct stream_vcpu */
	STREAM_REC_HVM_PARAMS = 5,  /* struct stream_hvm_param[] */
	STREAM_REC_PV_INFO    = 6,  /* struct stream_pv_info */
	STREAM_REC_ROUND      = 7 | STREAM_REC_OPTIONAL, /* struct stream_round */
	STREAM_REC_PV_STATE   = 10, /* pv: the sandbox's state (include/vmctl/pv_state.h) */
	STREAM_REC_HVM_CONTEXT = 8, /* hvm: vmhv's and the sandbox's state, one
				       blob (hypervisor/engines/hvm/hvm_save.h) */
	STREAM_REC_EMULATOR   = 9,  /* hvm: the device model's state (dmctl.h
				       DMCTL_SAVE), in as many records as it
				       takes, concatenated in order */
};

struct stream_rec {
	uint32_t type;            /* enum stream_rec_type */
	uint32_t crc;             /* CRC-32C of this header (crc = 0) and the body */
	uint64_t len;             /* body bytes, at most STREAM_REC_MAX */
};
_Static_assert(sizeof(struct stream_rec) == 16, "stream_rec size");
_Static_assert(offsetof(struct stream_rec, len) == 8, "stream_rec len offset");

/* STREAM_REC_DOMAIN: what the receiver needs to create the domain. */
struct stream_domain {
	uint8_t uuid[16];
	uint32_t src_domid;       /* informational */
	uint32_t max_vcpus;
	uint64_t max_pages;       /* DOMAIN_CREATE max_pages */
	uint64_t ram_frames;      /* frames of guest RAM sent (pfn < ram_frames) */
	uint32_t flags;           /* 0 = pv; PRIVCMD_CREATE_HVM */
	uint32_t pad;
};
_Static_assert(sizeof(struct stream_domain) == 48, "stream_domain size");

/* STREAM_REC_PAGES: `count` frames. The body is the header, then `count`
 * uint64_t entries (pfn | STREAM_PFN_* flags), then STREAM_PAGE_SIZE bytes
 * for every entry without STREAM_PFN_ZERO, in entry order. */
#define STREAM_PAGES_MAX  1024u                  /* entries per record */
#define STREAM_PFN_MASK   0x000fffffffffffffull  /* 52-bit frame number */
#define STREAM_PFN_ZERO   (1ull << 63)           /* all-zero page: no data */
struct stream_pages {
	uint32_t count;           /* 1 .. STREAM_PAGES_MAX */
	uint32_t pad;
	/* uint64_t pfn[count]; uint8_t data[nonzero][STREAM_PAGE_SIZE]; */
};
_Static_assert(sizeof(struct stream_pages) == 8, "stream_pages size");

/* STREAM_REC_VCPU: one vCPU's registers, one record per vCPU carried,
 * vCPU 0 first. For a suspended pv domain vCPU 0 is the suspending vCPU as
 * GETVCPUCONTEXT gives it (flags UP, rax 0: the suspend hypercall returns
 * 0 in the new domain); then each secondary vCPU parked in its own
 * VCPUOP_down (flags 0, rax 0: the guest's VCPUOP_up resumes it there).
 * Secondaries without a record are uninitialised in the new domain. */
#define STREAM_VCPU_UP 1u
struct stream_vcpu {
	uint32_t vcpu;
	uint32_t flags;           /* STREAM_VCPU_UP */
	struct privcmd_vcpu_regs regs;
};
_Static_assert(sizeof(struct stream_vcpu) == 168, "stream_vcpu size");

/* STREAM_REC_HVM_PARAMS: an array of set parameters. */
struct stream_hvm_param {
	uint32_t index;           /* < PRIVCMD_HVM_NR_PARAMS */
	uint32_t pad;
	uint64_t value;
};
_Static_assert(sizeof(struct stream_hvm_param) == 16, "stream_hvm_param size");

/* STREAM_REC_PV_INFO: the pv guest's boot-time frames, which the receiver
 * fixes up as Xen's restore does: it allocates new xenstore and console
 * event channels and writes them into start_info (store_evtchn,
 * console.domU.evtchn), re-seeds grant refs 0 (console) and 1 (xenstore)
 * for dom0 and serves the same ring frames. Event channels and grants of
 * the old domain are not carried: a cooperative pv guest re-creates them
 * on resume (SCHEDOP_shutdown returned 0). */
struct stream_pv_info {
	uint64_t start_info_pfn;  /* the suspend hypercall's third argument */
	uint64_t store_pfn;
	uint64_t console_pfn;
	uint64_t shared_info_pfn; /* informational: the receiver's is ram_frames */
	int64_t time_offset_s;    /* SETTIMEOFFSET (0 when none) */
};
_Static_assert(sizeof(struct stream_pv_info) == 40, "stream_pv_info size");

/* STREAM_REC_ROUND: a live sender's marker before each pre-copy round. */
struct stream_round {
	uint32_t round;           /* 0 = the full first pass */
	uint32_t final;           /* 1: the domain is suspended, last pages follow */
	uint64_t pages;           /* pages the round will send */
};
_Static_assert(sizeof(struct stream_round) == 16, "stream_round size");

/* The largest record body: a full page batch. */
#define STREAM_REC_MAX (sizeof(struct stream_pages) + STREAM_PAGES_MAX * \
			(sizeof(uint64_t) + STREAM_PAGE_SIZE))
#define STREAM_CONFIG_MAX (1u << 20)
#define STREAM_HVM_CONTEXT_MAX 65536u        /* one privcmd payload */
#define STREAM_EMULATOR_MAX (64u << 20)      /* VRAM included */

#endif
