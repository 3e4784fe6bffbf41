/* vmhv-hvm: one hvm domain's process. Its vCPUs run on the soft CPU, one
 * thread each; the platform devices that Xen keeps in the hypervisor (PIC,
 * PIT, RTC, LAPIC, IOAPIC, ACPI PM timer, debug ports) live here next to
 * them; everything else goes to ioreq servers (device models). The main
 * thread serves vmhv's control channel and the platform's timers.
 *
 * Locking: one mutex (`hvm.lock`) guards every device and the ioreq server
 * table; device code runs with it held. A vCPU's soft CPU is touched only
 * by its own thread (others use cpu_intr_request/cpu_kick and hvm_wake). */
#ifndef VMHV_HVM_SANDBOX_H
#define VMHV_HVM_SANDBOX_H

#include "hypervisor/cpu/cpu.h"
#include "hypervisor/engines/hvm/hvm_abi.h"
#include "vmctl/ioreq.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct hvm;

/* ---- devices ---- */

/* A port device: `first`..`last`, accessed with the lock held. */
struct hvm_pio_dev {
	const char *name;
	uint16_t first, last;
	uint32_t (*read)(struct hvm *h, uint16_t port, unsigned size);
	void (*write)(struct hvm *h, uint16_t port, unsigned size, uint32_t val);
};

struct pic_chip {
	uint8_t irr, imr, isr, elcr;
	uint8_t lines;            /* input levels */
	uint8_t vector_base;
	uint8_t init_step;        /* 0: ready; 1..3 waiting for ICW2..ICW4 */
	bool icw4, single, auto_eoi, read_isr, special_mask, poll;
	uint8_t priority_add;     /* lowest priority rotates */
};

struct pit_channel {
	uint16_t reload;          /* 0 means 65536 */
	uint8_t mode, rw, bcd;
	uint8_t write_state, read_state;  /* lsb/msb byte toggles */
	uint16_t latch;
	bool latched, status_latched, null_count;
	uint8_t status;
	uint64_t start_ns;        /* when counting started (the reload loaded) */
	bool gate;
	bool out_high_irq;        /* channel 0: the level last sent to IRQ 0 */
	uint64_t next_irq_ns;     /* channel 0: next edge, 0 = none */
};

struct rtc {
	uint8_t index;
	uint8_t cmos[128];
	int64_t offset_s;         /* guest clock - host clock */
	uint64_t next_periodic_ns, next_update_ns;
	bool irq_line;
};

struct ioapic {
	uint32_t index;
	uint32_t id;
	uint64_t redir[24];
	uint32_t lines;           /* input levels */
};

struct lapic {
	uint32_t id;
	uint32_t regs[64];        /* by offset >> 4 for the plain registers */
	uint32_t irr[8], isr[8], tmr[8];
	uint64_t timer_start_ns, timer_deadline_ns;
	uint32_t timer_initial;
	bool hw_enabled;          /* IA32_APIC_BASE.EN */
};

/* ---- ioreq servers ---- */

struct hvm_range {
	uint32_t type;
	uint64_t start, end;
};

struct hvm_server {
	bool used, enabled, buffered;
	int memfd;
	struct shared_iopage *page;
	struct buffered_iopage *bufpage;
	int evfd[PRIVCMD_MAX_VCPUS];
	int buf_evfd;
	uint32_t nr_ranges;
	struct hvm_range ranges[PRIVCMD_IOREQ_MAX_RANGES];
	atomic_uint gen;          /* bumped on delete: waiters give up */
};

/* ---- vCPUs ---- */

enum vcpu_state { VCPU_WAIT_SIPI, VCPU_RUNNING };

struct hvm_vcpu {
	struct hvm *h;
	uint32_t id;
	struct cpu *cpu;
	pthread_t thread;
	int fd;                   /* hypercall channel */
	atomic_uint wake;         /* futex: bumped by hvm_wake */
	atomic_int state;         /* enum vcpu_state */
	atomic_int sipi_vector;   /* -1: none pending */
	atomic_bool init_pending;
	atomic_uint down;         /* futex: 1 while VCPUOP_down holds it (vcpu.c) */
	struct lapic apic;
	uint8_t *_Atomic vcpu_info; /* its vcpu_info (vmhv says where), or NULL */
	char dbg_line[HVM_NOTE_TEXT];
	uint32_t dbg_len;
};

struct hvm {
	struct hvm_boot boot;
	pthread_mutex_t lock;
	pthread_mutex_t ctl_lock; /* one reader of the control channel at a time */
	uint8_t *ram;             /* the memfd's RAM frames */
	uint64_t ram_bytes;
	struct cpu_ram ranges[4];
	size_t nranges;
	struct hvm_vcpu vcpus[PRIVCMD_MAX_VCPUS];
	_Atomic uint64_t absent;  /* vCPUs not present: no INIT/SIPI (vcpu.c) */
	struct pic_chip pic[2];
	struct pit_channel pit[3];
	uint8_t port61;
	struct rtc rtc;
	struct ioapic ioapic;
	uint64_t start_ns;        /* PM timer epoch */
	uint32_t pci_cf8;
	struct hvm_server servers[PRIVCMD_IOREQ_MAX_SERVERS];
	uint64_t params[PRIVCMD_HVM_NR_PARAMS];
	uint8_t *memfd_map;       /* the whole memfd: RAM, then vmhv's frames */
	uint64_t memfd_bytes;
	uint8_t *xen_pages;       /* memfd_map + ram_bytes */
	uint64_t map[HVM_XEN_FRAMES]; /* guest frame showing each (pvhvm.c) */
	bool callback_level;      /* the GSI / PCI INTx callback is asserted */
	uint8_t callback_line;    /* the line it asserts, + 1 (0: none) */
	uint8_t pci_link[4];      /* PIRQA-D's ISA IRQ (0: off), from the device model */
	uint8_t isa_src[16];      /* each line's asserted sources (IRQ_SRC_* bits) */
	uint8_t gsi_src[24];
	uint32_t log_budget;      /* lines the guest may still log (refilled) */
	uint64_t log_refill_ns;
	atomic_uint freeze;       /* futex: 1 while the vCPUs must stay parked */
	atomic_uint parked;       /* futex: vCPUs parked at their freeze point */
	atomic_bool save_req;     /* HVM_CTL_SAVE read: the main thread answers */
	int save_pipe[2];         /* wakes the main thread for it */
	uint8_t *vram;            /* the device model's VRAM, then its dirty page */
	uint64_t vram_bytes;
	_Atomic uint64_t vram_gpa; /* where the guest sees it (vram.c) */
};

/* main.c */
uint64_t hvm_now(void);
void hvm_wake(struct hvm_vcpu *v);
/* Send a note (log line, triple fault, crash) to vmhv. */
void hvm_note(struct hvm *h, uint32_t type, uint32_t vcpu, uint64_t rip, const char *text,
	      size_t len);
void *hvm_gpa(struct hvm *h, uint64_t gpa, uint64_t len);
/* Guest physical address of a host pointer into RAM or the VRAM
 * (UINT64_MAX: none). */
uint64_t hvm_host_to_gpa(struct hvm *h, const void *p);
/* Apply every control message already queued. A vCPU calls this after an
 * ioreq's answer: vmhv sent what the device model changed while serving it
 * (a range it claimed) before the device model could answer. */
void hvm_ctl_drain(struct hvm *h);
/* vCPU threads wait here until the sandbox is sealed. */
void hvm_gate_wait(void);

/* save.c: the hvm context (hvm_save.h). */
/* A vCPU parks here while the domain is frozen (top of its run loop). */
void hvm_freeze_point(struct hvm_vcpu *v);
/* Around a hypercall that may stay unanswered through a save (the suspend:
 * SCHEDOP_shutdown): the vCPU counts as frozen while it waits, its state
 * (RIP past the VMCALL) is what gets saved; after the answer it stops at
 * the freeze point first if a freeze is on. */
void hvm_park_begin(struct hvm_vcpu *v);
void hvm_park_end(struct hvm_vcpu *v);
void hvm_thaw(struct hvm *h);
/* Freeze the vCPUs and send the context to vmhv (main thread only). */
void hvm_save_send(struct hvm *h);
/* Receive and load the context vmhv sends after the boot packet. */
int hvm_load_recv(struct hvm *h);

/* vcpu.c */
void *hvm_vcpu_main(void *arg);
/* HVM_CTL_VCPUS (lock held): the vCPUs absent from now on; a running one
 * that goes is reset (INIT), the CMOS CPU count follows. */
void hvm_vcpus_absent(struct hvm *h, uint64_t absent);
/* HVM_CTL_VCPU_DOWN (lock held): hold vCPU `id` at the top of its run
 * loop (down) or let it run on (up). */
void hvm_vcpu_down(struct hvm *h, uint32_t id, bool down);
/* Before the vCPUs run: tell vmhv which APs a restored context runs. */
void hvm_vcpus_report(struct hvm *h);
extern const struct cpu_io_ops hvm_cpu_ops;

/* xen.c: CPUID leaves, the hypercall page MSR, forwarding hypercalls. */
void xen_cpuid(void *opaque, struct cpu *cpu, uint32_t leaf, uint32_t sub, uint32_t r[4]);
int xen_msr(void *opaque, struct cpu *cpu, uint32_t idx, bool write, uint64_t *v);
void xen_hypercall(struct hvm_vcpu *v);

/* pvhvm.c: vmhv's pages in the guest's physical space, the event callback. */
void pvhvm_init(struct hvm *h);
void pvhvm_map(struct hvm *h, uint32_t frame, uint64_t gpfn);        /* lock held */
bool pvhvm_mmio(struct hvm *h, struct cpu_mmio *m);                  /* lock held */
void pvhvm_upcall(struct hvm *h, uint32_t vcpu, uint64_t vcpu_info_off); /* lock held */
void pvhvm_param(struct hvm *h, uint32_t index, uint64_t value);     /* lock held */
/* The device model routed PCI link `link` to ISA IRQ `irq` (lock held). */
void pvhvm_link(struct hvm *h, unsigned link, unsigned irq);
/* The callback vector if this vCPU takes it now, else -1 (lock held). */
int pvhvm_inta(struct hvm_vcpu *v);
/* vCPU 0's run loop: a GSI callback follows the guest clearing its flag. */
void pvhvm_poll(struct hvm_vcpu *v);
/* A level-triggered EOI (lock held): the GSI callback's level is brought
 * up to date first, so a served callback is not delivered again. */
void pvhvm_eoi(struct hvm *h);

/* vram.c: the VRAM (privcmd HVM_VRAM_MAP) served by the vCPUs. */
void vram_ctl(struct hvm *h, const struct hvm_ctl *m, const int *fds, int nfds); /* lock held */
bool vram_mmio(struct hvm *h, struct cpu_mmio *m);                   /* no lock */
uint64_t vram_host_to_gpa(struct hvm *h, const uint8_t *p);            /* no lock */

/* io.c: dispatch of port I/O and MMIO; debug ports. */
int hvm_pio(void *opaque, struct cpu *cpu, struct cpu_io *io);
int hvm_mmio(void *opaque, struct cpu *cpu, struct cpu_mmio *mmio);
/* The exits: an ioreq, or nothing (reads all ones). */
void hvm_pio_exit(struct hvm_vcpu *v, struct cpu_io *io);
void hvm_mmio_exit(struct hvm_vcpu *v, struct cpu_mmio *m);

/* ioreq.c */
struct ioreq_target {
	struct hvm_server *s;
	struct ioreq *slot;       /* the vCPU's slot (its mapping outlives the server) */
	unsigned gen;
};
struct hvm_server *ioreq_find(struct hvm *h, uint32_t type, uint64_t addr);
/* The server claiming `addr` for vCPU `v` (lock held). */
bool ioreq_target(struct hvm *h, struct hvm_vcpu *v, uint32_t type, uint64_t addr,
		  struct ioreq_target *t);
/* Post a request and wait for the answer (lock NOT held). Returns the data
 * read (all ones when the server failed or went away). */
uint64_t ioreq_send(struct hvm_vcpu *v, const struct ioreq_target *t, uint8_t type,
		    uint64_t addr, uint32_t size, uint32_t count, bool read, bool is_ptr,
		    uint64_t data);
/* Queue a write without waiting (lock held); false: send it synchronously. */
bool ioreq_buffered(struct hvm_server *s, uint8_t type, uint64_t addr, uint32_t size,
		    uint64_t data);
void ioreq_ctl(struct hvm *h, const struct hvm_ctl *m, const int *fds, int nfds);

/* irq.c: the interrupt lines and the INTR acknowledge. A line is the OR
 * of its sources: a PCI link shared by a device model's INTx and the PCI
 * INTx event callback stays up while either holds it. */
enum irq_src { IRQ_SRC_DEV, IRQ_SRC_CALLBACK };
void irq_isa_src(struct hvm *h, unsigned irq, enum irq_src src, bool level);
void irq_gsi_src(struct hvm *h, unsigned gsi, enum irq_src src, bool level);
void irq_isa_set(struct hvm *h, unsigned irq, bool level);   /* IRQ_SRC_DEV */
void irq_gsi_set(struct hvm *h, unsigned gsi, bool level);
void irq_msi(struct hvm *h, uint64_t addr, uint32_t data);
/* The PIC's output changed: tell the vCPU whose LINT0 takes ExtINT. */
void irq_pic_update(struct hvm *h);
int irq_inta(void *opaque, struct cpu *cpu);
/* Deliver a vector to LAPICs by destination (IOAPIC and MSI format). */
void irq_deliver(struct hvm *h, uint32_t dest, bool logical, uint32_t mode, uint8_t vector,
		 bool level);

/* pic.c */
extern const struct hvm_pio_dev pic_master_dev, pic_slave_dev, pic_elcr_dev;
void pic_init(struct hvm *h);
void pic_set_irq(struct hvm *h, unsigned irq, bool level);
bool pic_output(struct hvm *h);
int pic_ack(struct hvm *h);

/* pit.c */
extern const struct hvm_pio_dev pit_dev, port61_dev;
void pit_init(struct hvm *h);
uint64_t pit_tick(struct hvm *h, uint64_t now);   /* next deadline, 0 none */

/* rtc.c */
extern const struct hvm_pio_dev rtc_dev;
void rtc_init(struct hvm *h);
uint64_t rtc_tick(struct hvm *h, uint64_t now);

/* pmtimer.c */
bool pmtimer_claims(struct hvm *h, uint16_t port);
uint32_t pmtimer_read(struct hvm *h);

/* ioapic.c */
#define IOAPIC_BASE 0xfec00000ull
void ioapic_init(struct hvm *h);
uint32_t ioapic_read(struct hvm *h, uint64_t off);
void ioapic_write(struct hvm *h, uint64_t off, uint32_t val);
void ioapic_set_irq(struct hvm *h, unsigned pin, bool level);
void ioapic_eoi(struct hvm *h, uint8_t vector);

/* lapic.c */
#define LAPIC_BASE 0xfee00000ull
void lapic_init(struct hvm_vcpu *v);
uint32_t lapic_read(struct hvm_vcpu *v, uint32_t off);
void lapic_write(struct hvm_vcpu *v, uint32_t off, uint32_t val);
/* Accept an interrupt (sets IRR, raises INTR). */
void lapic_accept(struct hvm_vcpu *v, uint32_t mode, uint8_t vector, bool level);
bool lapic_match(struct hvm_vcpu *v, uint32_t dest, bool logical);
/* The highest deliverable vector, moved to ISR, or -1. */
int lapic_ack(struct hvm_vcpu *v);
bool lapic_ack_pending(struct hvm_vcpu *v);
bool lapic_takes_pic(struct hvm_vcpu *v);
void lapic_init_ipi(struct hvm_vcpu *t);   /* INIT to t (lock held) */
uint64_t lapic_tick(struct hvm_vcpu *v, uint64_t now);

#endif
