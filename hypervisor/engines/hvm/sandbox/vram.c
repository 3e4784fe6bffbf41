/* The device model's VRAM as guest memory (privcmd HVM_VRAM_MAP): the
 * soft CPUs see the linear framebuffer as logged RAM (cpu_set_logged_ram():
 * TLB entries into the VRAM, translated code's inline loads and stores),
 * and set a VRAM page's bit in the dirty page after the VRAM when they
 * wrote it (the device model takes them when it renders).
 *
 * Until a vCPU adopts a new place (its next cpu_run()) its accesses there
 * reach hvm_mmio and are served here, setting the bits themselves. No
 * lock: the mapping stays for the sandbox's life once made, and the place
 * (`vram_gpa`) is one atomic word; an access racing a BAR move lands on
 * either side of it, as on hardware. */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ull

/* Lock held (the control channel's reader). */
void vram_ctl(struct hvm *h, const struct hvm_ctl *m, const int *fds, int nfds)
{
	uint64_t bytes = m->end;

	if (!h->vram && nfds >= 1 && bytes && bytes % PAGE == 0 && bytes <= PRIVCMD_VRAM_MAX) {
		void *p = mmap(NULL, bytes + PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);

		if (p == MAP_FAILED) {
			hvm_note(h, HVM_NOTE_CRASH, 0, 0, "cannot map the VRAM", 19);
		} else {
			h->vram = p;
			h->vram_bytes = bytes;
		}
	}
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	if (h->vram && (m->addr == PRIVCMD_VRAM_NOWHERE || m->addr <= UINT64_MAX - h->vram_bytes)) {
		struct cpu_logged_ram r = {
			.gpa = m->addr == PRIVCMD_VRAM_NOWHERE ? CPU_RAM_NOWHERE : m->addr,
			.size = h->vram_bytes, .host = h->vram,
			.bits = (uint64_t *)(h->vram + h->vram_bytes),
		};

		atomic_store(&h->vram_gpa, m->addr);
		if (cpu_set_logged_ram(h->vcpus[0].cpu, &r) < 0)
			atomic_store(&h->vram_gpa, PRIVCMD_VRAM_NOWHERE);   /* ioreqs serve it */
	}
}

static void vram_dirty(struct hvm *h, uint64_t off, unsigned size)
{
	uint64_t *bits = (uint64_t *)(h->vram + h->vram_bytes);

	/* The pixels must be visible before the bit is read: else the store
	 * can wait in this CPU's store buffer while the read sees the bit still
	 * set, the device model clears it and renders the old pixels, and the
	 * new ones are never rendered (x86 reorders a store with a later load). */
	atomic_thread_fence(memory_order_seq_cst);
	for (uint64_t pg = off / PAGE; pg <= (off + size - 1) / PAGE; pg++) {
		uint64_t bit = 1ull << (pg % 64);

		/* read first: the bit is mostly set already (no line bouncing) */
		if (!(__atomic_load_n(&bits[pg / 64], __ATOMIC_RELAXED) & bit))
			__atomic_fetch_or(&bits[pg / 64], bit, __ATOMIC_RELEASE);
	}
}

bool vram_mmio(struct hvm *h, struct cpu_mmio *m)
{
	uint64_t base = atomic_load_explicit(&h->vram_gpa, memory_order_relaxed), off;

	if (base == PRIVCMD_VRAM_NOWHERE || m->gpa < base || m->gpa - base >= h->vram_bytes)
		return false;
	off = m->gpa - base;
	if (m->size > h->vram_bytes - off)
		return false;       /* across the end: whoever is next serves it */
	if (m->write) {
		memcpy(h->vram + off, &m->data, m->size);
		vram_dirty(h, off, m->size);
	} else {
		m->data = 0;
		memcpy(&m->data, h->vram + off, m->size);
	}
	return true;
}

/* A rep ins/outs buffer the soft CPU found in the VRAM (a logged RAM
 * page): the device model's ioreq names it by its place in the guest,
 * where the device model finds the same VRAM (devmodel/gmem.h). */
uint64_t vram_host_to_gpa(struct hvm *h, const uint8_t *p)
{
	uint64_t base = atomic_load_explicit(&h->vram_gpa, memory_order_relaxed);

	if (!h->vram || base == PRIVCMD_VRAM_NOWHERE || p < h->vram ||
	    (uint64_t)(p - h->vram) >= h->vram_bytes)
		return UINT64_MAX;
	return base + (uint64_t)(p - h->vram);
}
