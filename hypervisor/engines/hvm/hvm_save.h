/* The hvm context: what the sandbox (vmhv-hvm) and vmhv hold of a running
 * hvm domain besides its RAM, as one blob (Xen's HVM_CONTEXT record):
 * every vCPU's soft CPU and LAPIC, the IOAPIC, the PICs, the PIT, the RTC,
 * the platform's loose registers, and vmhv's placement of its pages in the
 * guest's physical space (add_to_physmap). privcmd HVM_CONTEXT_GET gives
 * it, HVM_CONTEXT_SET takes it before the domain first runs; xld carries it
 * in the stream as it is (docs/migration-stream.md).
 *
 * Layout: struct hvm_save_hdr, then sections, each a struct hvm_save_sec
 * and `len` bytes of body padded to 8. Every section has its own version;
 * a reader refuses versions it does not know. Everything is little-endian
 * with explicit sizes: a blob comes from a file, hvm_save_check() vets it
 * (sizes, counts, every value that indexes something) before it is used.
 * Times are the saving host's CLOCK_MONOTONIC ns; the loader moves every
 * deadline by (its now - saved_ns), so the guest's clocks go on from where
 * they stopped. */
#ifndef VMHV_HVM_SAVE_H
#define VMHV_HVM_SAVE_H

#include <stddef.h>
#include <stdint.h>

#define HVM_SAVE_MAGIC   0x43534856u   /* "VHSC" */
#define HVM_SAVE_VERSION 1u
#define HVM_SAVE_MAX     65000u        /* fits one privcmd payload */

struct hvm_save_hdr {
	uint32_t magic;
	uint32_t version;
	uint32_t nr_vcpus;        /* CPU and LAPIC sections: one per vCPU */
	uint32_t len;             /* bytes, this header included */
};
_Static_assert(sizeof(struct hvm_save_hdr) == 16, "hvm_save_hdr size");

enum hvm_save_type {
	HVM_SEC_PLATFORM = 1,     /* once, first */
	HVM_SEC_CPU,              /* per vCPU (instance = vCPU) */
	HVM_SEC_LAPIC,            /* per vCPU */
	HVM_SEC_IOAPIC,
	HVM_SEC_PIC,              /* instance 0 master, 1 slave */
	HVM_SEC_PIT,              /* instance = channel */
	HVM_SEC_RTC,
	HVM_SEC_XENMAP,           /* vmhv's: where its pages are shown */
	HVM_SEC_VCPUINFO,         /* vmhv's, per vCPU: its registered vcpu_info */
	HVM_SEC_MAX
};

struct hvm_save_sec {
	uint16_t type;            /* enum hvm_save_type */
	uint16_t version;         /* 1 for every type so far */
	uint32_t instance;
	uint32_t len;             /* body bytes (unpadded) */
	uint32_t pad;
};
_Static_assert(sizeof(struct hvm_save_sec) == 16, "hvm_save_sec size");

struct hvm_save_platform {
	uint64_t saved_ns;        /* the saver's monotonic clock at the save */
	uint64_t pm_start_ns;     /* PM timer epoch */
	uint32_t pci_cf8;
	uint8_t port61;
	uint8_t callback_level;
	uint16_t pad;
};
_Static_assert(sizeof(struct hvm_save_platform) == 24, "hvm_save_platform size");

struct hvm_save_seg {
	uint64_t base;
	uint32_t limit;
	uint16_t sel, attr;
};
_Static_assert(sizeof(struct hvm_save_seg) == 16, "hvm_save_seg size");

#define HVM_CPU_HALTED   (1u << 0)
#define HVM_CPU_SHADOW   (1u << 1)  /* interrupt shadow (after STI, MOV SS) */
#define HVM_CPU_INTR_REQ (1u << 2)  /* INTR raised, not acknowledged yet */
#define HVM_CPU_WAIT_SIPI (1u << 3) /* an AP waiting for SIPI */
#define HVM_CPU_FLAGS    0xfu

/* One soft CPU: the architectural state with the hidden parts of the
 * segment registers, and what is between two instructions (halted, the
 * interrupt shadow, pending external interrupts, the answers of an I/O
 * instruction that exited and is replayed when it runs again). */
struct hvm_save_cpu {
	uint64_t gpr[16];
	uint64_t rip, rflags;
	struct hvm_save_seg seg[8];     /* ES CS SS DS FS GS LDTR TR */
	uint64_t gdtr_base, idtr_base;
	uint16_t gdtr_limit, idtr_limit;
	uint32_t flags;                 /* HVM_CPU_* */
	uint64_t cr0, cr2, cr3, cr4, cr8, efer;
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t apic_base, pat, tsc_aux;
	uint64_t tsc;                   /* the guest's TSC at the save */
	uint64_t dr[8];
	uint64_t mtrr_def, mtrr_var[16], mtrr_fixed[11];
	uint64_t irq_pending[4];        /* external vectors posted, not taken */
	uint64_t replay_data[4];
	uint32_t replay_done;           /* <= 4 */
	uint32_t mxcsr;
	uint16_t fcw, fsw;
	uint8_t ftw, cpl;
	uint8_t pad[2];
	uint8_t st[8][10];              /* x87 registers */
	uint8_t xmm[16][16];
};
_Static_assert(sizeof(struct hvm_save_cpu) == 1144, "hvm_save_cpu size");

struct hvm_save_lapic {
	uint32_t id;
	uint32_t hw_enabled;
	uint32_t regs[64];
	uint32_t irr[8], isr[8], tmr[8];
	uint64_t timer_start_ns, timer_deadline_ns;   /* 0: no deadline */
	uint32_t timer_initial;
	uint32_t pad;
};
_Static_assert(sizeof(struct hvm_save_lapic) == 384, "hvm_save_lapic size");

struct hvm_save_ioapic {
	uint32_t index, id;
	uint64_t redir[24];
	uint32_t lines, pad;
};
_Static_assert(sizeof(struct hvm_save_ioapic) == 208, "hvm_save_ioapic size");

#define HVM_PIC_ICW4         (1u << 0)
#define HVM_PIC_SINGLE       (1u << 1)
#define HVM_PIC_AUTO_EOI     (1u << 2)
#define HVM_PIC_READ_ISR     (1u << 3)
#define HVM_PIC_SPECIAL_MASK (1u << 4)
#define HVM_PIC_POLL         (1u << 5)

struct hvm_save_pic {
	uint8_t irr, imr, isr, elcr;
	uint8_t lines, vector_base, init_step, priority_add;   /* init_step <= 3 */
	uint32_t flags;           /* HVM_PIC_* */
	uint32_t pad;
};
_Static_assert(sizeof(struct hvm_save_pic) == 16, "hvm_save_pic size");

#define HVM_PIT_LATCHED        (1u << 0)
#define HVM_PIT_STATUS_LATCHED (1u << 1)
#define HVM_PIT_NULL_COUNT     (1u << 2)
#define HVM_PIT_GATE           (1u << 3)
#define HVM_PIT_OUT_HIGH       (1u << 4)

struct hvm_save_pit {
	uint16_t reload, latch;
	uint8_t mode, rw, bcd, write_state;   /* mode <= 5, rw <= 3, states <= 1 */
	uint8_t read_state, status;
	uint16_t pad;
	uint32_t flags;           /* HVM_PIT_* */
	uint64_t start_ns, next_irq_ns;        /* next_irq_ns 0: none */
};
_Static_assert(sizeof(struct hvm_save_pit) == 32, "hvm_save_pit size");

struct hvm_save_rtc {
	uint8_t index;            /* < 128 */
	uint8_t irq_line;
	uint8_t pad[6];
	int64_t offset_s;         /* guest clock - host clock (wall) */
	uint64_t next_periodic_ns, next_update_ns;
	uint8_t cmos[128];
};
_Static_assert(sizeof(struct hvm_save_rtc) == 160, "hvm_save_rtc size");

/* vmhv's HVM_XEN_FRAMES pages: the guest frame showing each (UINT64_MAX:
 * nowhere). */
struct hvm_save_xenmap {
	uint32_t nr;
	uint32_t pad;
	uint64_t gpfn[];
};

/* Where a vCPU's struct vcpu_info is (VCPUOP_register_vcpu_info): an
 * offset in the domain's memory. Linux on HVM registers it once and does
 * not register it again when it resumes from a suspend: vmhv carries it. */
struct hvm_save_vcpuinfo {
	uint64_t paddr;
};
_Static_assert(sizeof(struct hvm_save_vcpuinfo) == 8, "hvm_save_vcpuinfo size");

/* A section of `blob` once checked: body and length. */
struct hvm_save_view {
	const struct hvm_save_hdr *hdr;
	const void *sec[HVM_SEC_MAX][32];   /* by type and instance (NULL: absent) */
};

/* Check a blob as it came from a file: header, every section's type,
 * version, instance and size, each present at most once, the values that
 * index tables; fills `view`. 0, or -EINVAL with `why` set. */
int hvm_save_check(const void *blob, size_t len, uint32_t max_vcpus,
		   struct hvm_save_view *view, const char **why);

/* Writing a blob: append a section (the caller's buffer of `cap` bytes;
 * *len grows). -E2BIG when it does not fit. */
int hvm_save_put(void *buf, size_t cap, size_t *len, uint16_t type, uint32_t instance,
		 const void *body, uint32_t body_len);

#endif
