/* Where a port or MMIO access goes, in this order: the platform devices
 * here (one table entry each), the ACPI PM timer, an ioreq server that
 * claims it (the access becomes an exit, then an ioreq), PCI configuration
 * through 0xcf8/0xcfc, the debug ports (0xe9, 0x402, 0x12: lines into the
 * domain's log), and otherwise nothing: reads see all ones. */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#include <errno.h>
#include <string.h>

static const struct hvm_pio_dev *const pio_devs[] = {
	&pic_master_dev, &pic_slave_dev, &pic_elcr_dev, &pit_dev, &port61_dev, &rtc_dev,
};

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc
#define LOG_BURST 200          /* lines a guest may log at once ... */
#define LOG_PER_SEC 50         /* ... and then per second */

static const struct hvm_pio_dev *pio_dev_find(uint16_t port)
{
	for (size_t i = 0; i < sizeof(pio_devs) / sizeof(pio_devs[0]); i++)
		if (port >= pio_devs[i]->first && port <= pio_devs[i]->last)
			return pio_devs[i];
	return NULL;
}

static uint32_t size_mask(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

/* Run a device for a single access or for each element of rep ins/outs. */
static void pio_dev_run(struct hvm *h, const struct hvm_pio_dev *dev, struct cpu_io *io,
			uint32_t (*rd)(struct hvm *, uint16_t, unsigned))
{
	for (uint32_t i = 0; i < io->count; i++) {
		uint8_t *elem = io->count > 1 ? (uint8_t *)io->buf + i * io->size : NULL;
		uint32_t val = 0;

		if (io->in) {
			val = (dev ? dev->read(h, io->port, io->size) : rd(h, io->port, io->size)) &
			      size_mask(io->size);
			if (elem)
				memcpy(elem, &val, io->size);
			else
				io->data = val;
		} else if (dev) {
			if (elem)
				memcpy(&val, elem, io->size);
			else
				val = (uint32_t)io->data;
			dev->write(h, io->port, io->size, val & size_mask(io->size));
		}
	}
}

static uint32_t pm_read(struct hvm *h, uint16_t port, unsigned size)
{
	return pmtimer_read(h);
}

/* ---- debug ports ---- */

static void log_flush(struct hvm_vcpu *v)
{
	struct hvm *h = v->h;
	uint64_t now = hvm_now();

	if (!v->dbg_len)
		return;
	if (now - h->log_refill_ns >= 1000000000ull) {
		uint64_t add = (now - h->log_refill_ns) / 1000000000ull * LOG_PER_SEC;

		h->log_budget = add + h->log_budget > LOG_BURST ? LOG_BURST
								  : h->log_budget + (uint32_t)add;
		h->log_refill_ns = now;
	}
	if (h->log_budget) {
		h->log_budget--;
		hvm_note(h, HVM_NOTE_LOG, v->id, 0, v->dbg_line, v->dbg_len);
	}
	v->dbg_len = 0;
}

static void debug_put(struct hvm_vcpu *v, uint8_t ch)
{
	if (ch == '\n') {
		log_flush(v);
		return;
	}
	if (ch == '\r')
		return;
	v->dbg_line[v->dbg_len++] = (char)ch;
	if (v->dbg_len == sizeof(v->dbg_line))
		log_flush(v);
}

static bool is_debug_port(uint16_t port)
{
	return port == 0xe9 || port == 0x402 || port == 0x12;
}

/* Bochs' convention: reading 0xe9 answers 0xe9 (the port exists). */
static void debug_io(struct hvm_vcpu *v, struct cpu_io *io)
{
	for (uint32_t i = 0; i < io->count; i++) {
		uint8_t *elem = io->count > 1 ? (uint8_t *)io->buf + i * io->size : NULL;

		if (io->in) {
			if (elem)
				memset(elem, 0xe9, io->size);
			else
				io->data = 0xe9;
		} else {
			debug_put(v, elem ? elem[0] : (uint8_t)io->data);
		}
	}
}

/* ---- PCI configuration mechanism 1 ---- */

static uint32_t pci_sbdf(uint32_t cf8)
{
	return (cf8 >> 8) & 0xffff;
}

static uint32_t pci_reg(uint32_t cf8, uint16_t port)
{
	return (cf8 & 0xfc) | ((cf8 >> 16) & 0xf00) | (port & 3);
}

/* A data-port access claimed by a server (lock held). */
static bool pci_claimed(struct hvm *h, uint16_t port)
{
	return port >= PCI_DATA && port <= PCI_DATA + 3 && (h->pci_cf8 & 0x80000000u) &&
	       ioreq_find(h, PRIVCMD_IOREQ_RANGE_PCI, pci_sbdf(h->pci_cf8));
}

/* The address port and unclaimed data ports (lock held). */
static bool pci_local(struct hvm *h, struct cpu_io *io)
{
	if (io->port == PCI_ADDR && io->size == 4 && io->count == 1) {
		if (io->in)
			io->data = h->pci_cf8;
		else
			h->pci_cf8 = (uint32_t)io->data;
		return true;
	}
	return io->port >= PCI_DATA && io->port <= PCI_DATA + 3;
}

/* ---- writes that need no answer ---- */

/* The 16550 data registers of COM1-4 (THR, or the divisor latch's low
 * byte). A guest's serial console writes one character a THR write, each
 * after an LSR poll: as a synchronous ioreq every character cost two round
 * trips to the device model. A write needs no answer, the device model
 * serves its buffered ring before any synchronous request (so a later LSR
 * or IIR read sees the write's effect), and the THRE interrupt a write may
 * raise is asynchronous on hardware too. Xen buffers VGA writes only; the
 * UART is what Linux's boot writes most. */
static const uint16_t buffered_ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

/* Append a single port write to a server's buffered ring (lock held).
 * false: not one of those ports, a read, string I/O, or no room. */
static bool pio_buffered(struct hvm_server *s, const struct cpu_io *io)
{
	if (io->in || io->count != 1)
		return false;
	for (size_t i = 0; i < sizeof(buffered_ports) / sizeof(buffered_ports[0]); i++)
		if (io->port == buffered_ports[i])
			return ioreq_buffered(s, IOREQ_TYPE_PIO, io->port, io->size, io->data);
	return false;
}

/* ---- the callbacks ---- */

int hvm_pio(void *opaque, struct cpu *cpu, struct cpu_io *io)
{
	struct hvm_vcpu *v = opaque;
	struct hvm *h = v->h;
	const struct hvm_pio_dev *dev;
	struct hvm_server *s;
	int rc = 0;

	pthread_mutex_lock(&h->lock);
	dev = pio_dev_find(io->port);
	if (dev)
		pio_dev_run(h, dev, io, NULL);
	else if (pmtimer_claims(h, io->port))
		pio_dev_run(h, NULL, io, pm_read);
	else if ((s = ioreq_find(h, PRIVCMD_IOREQ_RANGE_PORT, io->port)))
		rc = pio_buffered(s, io) ? 0 : CPU_IO_DEFER;
	else if (pci_claimed(h, io->port))
		rc = CPU_IO_DEFER;
	else if (pci_local(h, io))
		rc = io->in && io->port != PCI_ADDR ? -ENODEV : 0;
	else if (is_debug_port(io->port))
		debug_io(v, io);
	else if (io->port == 0xcf9 && !io->in && (io->data & 4))
		hvm_note(h, HVM_NOTE_RESET, v->id, 0, NULL, 0); /* no device model: reset */
	else
		rc = -ENODEV;
	pthread_mutex_unlock(&h->lock);
	if (rc == -ENODEV && io->count > 1 && io->in)
		memset(io->buf, 0xff, (size_t)io->count * io->size);
	return rc;
}

void hvm_pio_exit(struct hvm_vcpu *v, struct cpu_io *io)
{
	struct hvm *h = v->h;
	struct ioreq_target t;
	uint8_t type = IOREQ_TYPE_PIO;
	uint64_t addr = io->port, data = io->data, r;
	bool found, ptr = io->count > 1;

	pthread_mutex_lock(&h->lock);
	found = ioreq_target(h, v, PRIVCMD_IOREQ_RANGE_PORT, io->port, &t);
	if (!found && pci_claimed(h, io->port)) {
		found = ioreq_target(h, v, PRIVCMD_IOREQ_RANGE_PCI, pci_sbdf(h->pci_cf8), &t);
		type = IOREQ_TYPE_PCI_CONFIG;
		addr = ((uint64_t)pci_sbdf(h->pci_cf8) << 32) | pci_reg(h->pci_cf8, io->port);
	}
	pthread_mutex_unlock(&h->lock);
	if (ptr)
		data = hvm_host_to_gpa(h, io->buf);
	if (!found || data == UINT64_MAX) {
		if (ptr && io->in)
			memset(io->buf, 0xff, (size_t)io->count * io->size);
		cpu_io_complete(v->cpu, ~0ull);
		return;
	}
	r = ioreq_send(v, &t, type, addr, io->size, io->count, io->in, ptr, data);
	hvm_ctl_drain(h);
	if (ptr && io->in)
		cpu_invalidate_code(v->cpu, data, (uint64_t)io->count * io->size);
	cpu_io_complete(v->cpu, r);
}

int hvm_mmio(void *opaque, struct cpu *cpu, struct cpu_mmio *m)
{
	struct hvm_vcpu *v = opaque;
	struct hvm *h = v->h;
	uint64_t off;
	int rc = 0;

	if (vram_mmio(h, m))
		return 0;     /* the linear framebuffer: no lock, no ioreq */
	pthread_mutex_lock(&h->lock);
	if (m->gpa >= LAPIC_BASE && m->gpa < LAPIC_BASE + 0x1000) {
		off = m->gpa - LAPIC_BASE;
		if (m->write)
			lapic_write(v, (uint32_t)(off & ~3ull), (uint32_t)m->data);
		else
			m->data = lapic_read(v, (uint32_t)(off & ~3ull)) >> ((off & 3) * 8);
	} else if (m->gpa >= IOAPIC_BASE && m->gpa < IOAPIC_BASE + 0x1000) {
		off = m->gpa - IOAPIC_BASE;
		if (m->write)
			ioapic_write(h, off & ~3ull, (uint32_t)m->data);
		else
			m->data = ioapic_read(h, off & ~3ull) >> ((off & 3) * 8);
	} else if (pvhvm_mmio(h, m)) {
		/* a grant frame in the platform device's BAR, a ring page */
	} else if (ioreq_find(h, PRIVCMD_IOREQ_RANGE_MMIO, m->gpa)) {
		struct hvm_server *s = ioreq_find(h, PRIVCMD_IOREQ_RANGE_MMIO, m->gpa);

		/* Writes to the VGA window need no answer: the buffered ring. */
		if (!(m->write && m->gpa >= HVM_VGA_START && m->gpa < HVM_VGA_END &&
		      ioreq_buffered(s, IOREQ_TYPE_COPY, m->gpa, m->size, m->data)))
			rc = CPU_IO_DEFER;
	} else {
		rc = -ENODEV;
	}
	pthread_mutex_unlock(&h->lock);
	return rc;
}

void hvm_mmio_exit(struct hvm_vcpu *v, struct cpu_mmio *m)
{
	struct ioreq_target t;
	uint64_t data;
	bool found;

	pthread_mutex_lock(&v->h->lock);
	found = ioreq_target(v->h, v, PRIVCMD_IOREQ_RANGE_MMIO, m->gpa, &t);
	pthread_mutex_unlock(&v->h->lock);
	if (!found) {
		cpu_io_complete(v->cpu, ~0ull);
		return;
	}
	data = ioreq_send(v, &t, IOREQ_TYPE_COPY, m->gpa, m->size, 1, !m->write, false, m->data);
	hvm_ctl_drain(v->h);
	cpu_io_complete(v->cpu, data);
}
