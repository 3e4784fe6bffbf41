/* Standard VGA registers and memory, Bochs VBE ("dispi") on 0x1ce/0x1cf
 * and its linear framebuffer as BAR0. VRAM is a memfd. Planar memory keeps
 * the four planes interleaved (plane p of address a at byte 4a + p), so
 * chain-4 modes and VBE see plain linear memory. */
#include "devmodel/dev/vga.h"

#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define VGA_PORTS   0x3c0
#define VBE_PORT    0x1ce
#define VGA_WINDOW  0xa0000
#define VGA_WINDOW_LEN 0x20000
#define VGA_ROM_MAX (256 * 1024)
#define VGA_DIRTY_PAGE 4096u

#define SEQ_MAP_MASK 2
#define SEQ_MEM_MODE 4
#define GC_SET_RESET 0
#define GC_ENABLE_SR 1
#define GC_ROTATE    3
#define GC_READ_MAP  4
#define GC_MODE      5
#define GC_MISC      6
#define GC_BIT_MASK  8

/* ---- memory ----------------------------------------------------------- */

/* The window offset for a legacy address, or -1 outside the mapped part. */
static int64_t vga_window_off(const struct vga *v, uint64_t off)
{
	static const uint32_t base[4] = { 0, 0, 0x10000, 0x18000 };
	static const uint32_t size[4] = { 0x20000, 0x10000, 0x8000, 0x8000 };
	unsigned sel = (v->gc[GC_MISC] >> 2) & 3;

	if (off < base[sel] || off >= base[sel] + size[sel])
		return -1;
	return (int64_t)(off - base[sel]);
}

static bool vbe_banked(const struct vga *v)
{
	return v->vbe[VBE_ENABLE] & VBE_ENABLED;
}

static uint8_t vga_read_byte(struct vga *v, uint64_t off)
{
	int64_t a;
	uint64_t lin;

	if (vbe_banked(v)) {
		lin = ((uint64_t)v->vbe[VBE_BANK] << 16) + off;
		return off < 0x10000 && lin < v->vram_size ? v->vram[lin] : 0xff;
	}
	a = vga_window_off(v, off);
	if (a < 0)
		return 0xff;
	if (v->seq[SEQ_MEM_MODE] & 0x08)   /* chain 4 */
		return (uint64_t)a < v->vram_size ? v->vram[a] : 0xff;
	if (!(v->seq[SEQ_MEM_MODE] & 0x04)) { /* odd/even */
		lin = ((uint64_t)(a & ~1) << 1) | (a & 1);
		return lin < v->vram_size ? v->vram[lin] : 0xff;
	}
	if ((uint64_t)a * 4 + 3 >= v->vram_size)
		return 0xff;
	memcpy(&v->latch, v->vram + a * 4, 4);
	return (uint8_t)(v->latch >> (8 * (v->gc[GC_READ_MAP] & 3)));
}

static uint32_t expand_planes(uint8_t mask)
{
	uint32_t m = 0;

	for (int p = 0; p < 4; p++)
		if (mask & (1 << p))
			m |= 0xffu << (8 * p);
	return m;
}

/* Write modes 0-3 with set/reset, rotate, logical function and bit mask. */
static void vga_write_planar(struct vga *v, uint64_t a, uint8_t val)
{
	unsigned mode = v->gc[GC_MODE] & 3, rot = v->gc[GC_ROTATE] & 7;
	uint32_t bmask = v->gc[GC_BIT_MASK] * 0x01010101u, d, pmask;

	val = (uint8_t)((val >> rot) | (val << (8 - rot)));
	if (mode == 1) {
		d = v->latch;
		bmask = 0xffffffffu;
	} else if (mode == 2) {
		d = expand_planes(val & 0x0f);
	} else {
		d = val * 0x01010101u;
		if (mode == 3) {
			bmask &= val * 0x01010101u;
			d = expand_planes(v->gc[GC_SET_RESET]);
		} else {
			uint32_t sr = expand_planes(v->gc[GC_ENABLE_SR]);

			d = (d & ~sr) | (expand_planes(v->gc[GC_SET_RESET]) & sr);
		}
	}
	if (mode != 1) {
		switch ((v->gc[GC_ROTATE] >> 3) & 3) {
		case 1: d &= v->latch; break;
		case 2: d |= v->latch; break;
		case 3: d ^= v->latch; break;
		default: break;
		}
		d = (d & bmask) | (v->latch & ~bmask);
	}
	pmask = expand_planes(v->seq[SEQ_MAP_MASK] & 0x0f);
	uint32_t old;

	memcpy(&old, v->vram + a * 4, 4);
	old = (old & ~pmask) | (d & pmask);
	memcpy(v->vram + a * 4, &old, 4);
}

static void vga_write_byte(struct vga *v, uint64_t off, uint8_t val)
{
	int64_t a;
	uint64_t lin;

	v->writes++;
	if (vbe_banked(v)) {
		lin = ((uint64_t)v->vbe[VBE_BANK] << 16) + off;
		if (off < 0x10000 && lin < v->vram_size)
			v->vram[lin] = val;
		return;
	}
	a = vga_window_off(v, off);
	if (a < 0)
		return;
	if (v->seq[SEQ_MEM_MODE] & 0x08) {
		if ((v->seq[SEQ_MAP_MASK] & (1 << (a & 3))) && (uint64_t)a < v->vram_size)
			v->vram[a] = val;
	} else if (!(v->seq[SEQ_MEM_MODE] & 0x04)) {
		lin = ((uint64_t)(a & ~1) << 1) | (a & 1);
		if ((v->seq[SEQ_MAP_MASK] & (1 << (a & 1))) && lin < v->vram_size)
			v->vram[lin] = val;
	} else if ((uint64_t)a * 4 + 3 < v->vram_size) {
		vga_write_planar(v, (uint64_t)a, val);
	}
}

static uint64_t window_read(void *opaque, uint64_t off, unsigned size)
{
	uint64_t val = 0;

	for (unsigned i = 0; i < size; i++)
		val |= (uint64_t)vga_read_byte(opaque, off + i) << (8 * i);
	return val;
}

static void window_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	for (unsigned i = 0; i < size; i++)
		vga_write_byte(opaque, off + i, (uint8_t)(val >> (8 * i)));
}

/* The linear framebuffer (BAR0): VRAM as is. */
static uint64_t lfb_read(void *opaque, uint64_t off, unsigned size)
{
	struct vga *v = opaque;
	uint64_t val = 0;

	if (off + size <= v->vram_size)
		memcpy(&val, v->vram + off, size);
	return val;
}

static void lfb_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct vga *v = opaque;

	if (off + size <= v->vram_size)
		memcpy(v->vram + off, &val, size);
	v->writes++;
}

/* The expansion ROM BAR: the VGA BIOS, so that the firmware runs it as
 * this device's ROM (SeaVGABIOS then finds its LFB through BAR0). */
static uint64_t rom_read(void *opaque, uint64_t off, unsigned size)
{
	struct vga *v = opaque;
	uint64_t val = 0;

	if (off < v->rom_len)
		memcpy(&val, v->rom + off, MIN((uint64_t)size, v->rom_len - off));
	return val;
}

static const struct bus_ops window_ops = { window_read, window_write };
static const struct bus_ops lfb_ops = { lfb_read, lfb_write };
static const struct bus_ops rom_ops = { rom_read, NULL };

/* ---- registers ---------------------------------------------------------- */

static uint8_t dac_read(struct vga *v)
{
	uint8_t c = v->dac[v->dac_ridx * 3 + v->dac_sub];

	if (++v->dac_sub == 3) {
		v->dac_sub = 0;
		v->dac_ridx++;
	}
	return c;
}

static void dac_write(struct vga *v, uint8_t c)
{
	v->dac[v->dac_widx * 3 + v->dac_sub] = c & (v->vbe[VBE_ENABLE] & VBE_8BIT_DAC ? 0xff : 0x3f);
	if (++v->dac_sub == 3) {
		v->dac_sub = 0;
		v->dac_widx++;
	}
}

static uint8_t vga_port_read(struct vga *v, unsigned port)
{
	switch (port) {
	case 0x3c0: return v->ar_idx;
	case 0x3c1: return v->ar[v->ar_idx & 0x1f];
	case 0x3c2: return 0x10;                 /* input status 0: switch sense */
	case 0x3c4: return v->seq_idx;
	case 0x3c5: return v->seq[v->seq_idx & 7];
	case 0x3c6: return v->pel_mask;
	case 0x3c7: return v->dac_state;
	case 0x3c8: return v->dac_widx;
	case 0x3c9: return dac_read(v);
	case 0x3cc: return v->misc;
	case 0x3ce: return v->gc_idx;
	case 0x3cf: return v->gc[v->gc_idx & 15];
	case 0x3d4: return v->crtc_idx;
	case 0x3d5: return v->crtc[v->crtc_idx & 31];
	case 0x3da:
		/* input status 1: toggle retrace so polling loops end; resets
		 * the attribute flip-flop */
		v->ar_flip = false;
		v->st1 ^= 0x09;
		return v->st1;
	default: return 0xff;
	}
}

static void vga_port_write(struct vga *v, unsigned port, uint8_t val)
{
	v->writes++;
	switch (port) {
	case 0x3c0:
		if (!v->ar_flip)
			v->ar_idx = val & 0x3f;
		else
			v->ar[v->ar_idx & 0x1f] = val;
		v->ar_flip = !v->ar_flip;
		break;
	case 0x3c2: v->misc = val; break;
	case 0x3c4: v->seq_idx = val; break;
	case 0x3c5: v->seq[v->seq_idx & 7] = val; break;
	case 0x3c6: v->pel_mask = val; break;
	case 0x3c7: v->dac_ridx = val; v->dac_sub = 0; v->dac_state = 3; break;
	case 0x3c8: v->dac_widx = val; v->dac_sub = 0; v->dac_state = 0; break;
	case 0x3c9: dac_write(v, val); break;
	case 0x3ce: v->gc_idx = val; break;
	case 0x3cf: v->gc[v->gc_idx & 15] = val; break;
	case 0x3d4: v->crtc_idx = val; break;
	case 0x3d5: v->crtc[v->crtc_idx & 31] = val; break;
	default: break;
	}
}

static uint64_t ports_read(void *opaque, uint64_t off, unsigned size)
{
	uint64_t val = 0;

	for (unsigned i = 0; i < size; i++)
		val |= (uint64_t)vga_port_read(opaque, VGA_PORTS + (unsigned)off + i) << (8 * i);
	return val;
}

static void ports_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	for (unsigned i = 0; i < size; i++)
		vga_port_write(opaque, VGA_PORTS + (unsigned)off + i, (uint8_t)(val >> (8 * i)));
}

static const struct bus_ops ports_ops = { ports_read, ports_write };

/* ---- VBE -------------------------------------------------------------- */

static uint16_t vbe_read(struct vga *v, uint16_t idx)
{
	static const uint16_t caps[VBE_NREGS] = { [VBE_XRES] = VBE_MAX_X, [VBE_YRES] = VBE_MAX_Y,
						  [VBE_BPP] = 32 };

	if (idx >= VBE_NREGS)
		return 0;
	if ((v->vbe[VBE_ENABLE] & VBE_GETCAPS) && caps[idx])
		return caps[idx];
	if (idx == VBE_VIDEO_MEMORY_64K)
		return (uint16_t)(v->vram_size >> 16);
	return v->vbe[idx];
}

static unsigned vbe_bytes_pp(unsigned bpp)
{
	return bpp == 15 ? 2 : (bpp + 7) / 8;
}

/* Check the mode on enable: a mode that does not fit is refused (the
 * enable bit stays clear), as Bochs does. */
static bool vbe_mode_ok(const struct vga *v)
{
	static const uint16_t bpps[] = { 8, 15, 16, 24, 32 };
	uint64_t need;
	bool bpp_ok = false;

	for (size_t i = 0; i < ARRAY_SIZE(bpps); i++)
		bpp_ok |= v->vbe[VBE_BPP] == bpps[i];
	if (!bpp_ok || !v->vbe[VBE_XRES] || !v->vbe[VBE_YRES] || v->vbe[VBE_XRES] > VBE_MAX_X ||
	    v->vbe[VBE_YRES] > VBE_MAX_Y)
		return false;
	need = (uint64_t)v->vbe[VBE_XRES] * v->vbe[VBE_YRES] * vbe_bytes_pp(v->vbe[VBE_BPP]);
	return need <= v->vram_size;
}

static void vbe_enable(struct vga *v, uint16_t val)
{
	if ((val & VBE_ENABLED) && !(v->vbe[VBE_ENABLE] & VBE_ENABLED)) {
		if (!vbe_mode_ok(v)) {
			log_warn("vga: VBE mode %ux%ux%u refused", v->vbe[VBE_XRES], v->vbe[VBE_YRES],
				 v->vbe[VBE_BPP]);
			val &= (uint16_t)~VBE_ENABLED;
		} else {
			v->vbe[VBE_VIRT_WIDTH] = v->vbe[VBE_XRES];
			v->vbe[VBE_VIRT_HEIGHT] = v->vbe[VBE_YRES];
			v->vbe[VBE_X_OFFSET] = v->vbe[VBE_Y_OFFSET] = 0;
			if (!(val & VBE_NOCLEARMEM))
				memset(v->vram, 0, v->vram_size);
		}
	}
	v->vbe[VBE_ENABLE] = val;
}

static void vbe_write(struct vga *v, uint16_t idx, uint16_t val)
{
	v->writes++;
	if (idx == VBE_ID) {
		if (val >= 0xb0c0 && val <= 0xb0c5)
			v->vbe[VBE_ID] = val;
	} else if (idx == VBE_ENABLE) {
		vbe_enable(v, val);
	} else if (idx == VBE_BANK) {
		if (((uint32_t)val << 16) < v->vram_size)
			v->vbe[VBE_BANK] = val;
	} else if (idx < VBE_VIDEO_MEMORY_64K) {
		/* geometry changes only while the mode is off, except panning */
		if (!(v->vbe[VBE_ENABLE] & VBE_ENABLED) || idx >= VBE_VIRT_WIDTH)
			v->vbe[idx] = val;
	}
}

static uint64_t vbe_port_read(void *opaque, uint64_t off, unsigned size)
{
	struct vga *v = opaque;

	(void)size;
	return off == 0 ? v->vbe_idx : vbe_read(v, v->vbe_idx);
}

static void vbe_port_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct vga *v = opaque;

	(void)size;
	if (off == 0)
		v->vbe_idx = (uint16_t)val;
	else
		vbe_write(v, v->vbe_idx, (uint16_t)val);
}

static const struct bus_ops vbe_ops = { vbe_port_read, vbe_port_write };

/* ---- the MMIO BAR (BAR 2), as QEMU's std-VGA has it -------------------- */

/* 0x000-0x3ff: an EDID blob (none: zeros, so a driver uses its defaults);
 * 0x400-0x41f: the VGA ports 0x3c0-0x3df; 0x500-0x515: the DISPI
 * registers, 16 bits each; 0x600: QEMU's extension area (its size, then the
 * framebuffer's byte order, little-endian only here). Linux's bochs-drm
 * drives the card through it when BAR 2 is memory. */
#define MMIO_SIZE        0x1000
#define MMIO_PORTS       0x400
#define MMIO_DISPI       0x500
#define MMIO_QEXT        0x600
#define QEXT_SIZE        8u
#define QEXT_LITTLE      0x1e1e1e1eu

static bool mmio_in(uint64_t off, unsigned size, uint64_t lo, uint64_t len)
{
	return off >= lo && off + size <= lo + len;
}

/* DISPI registers in 16-bit pieces (a dword reaches two of them). */
static uint64_t mmio_dispi_read(struct vga *v, uint64_t off, unsigned size)
{
	uint64_t val = 0;

	for (unsigned i = 0; i < size; i += 2) {
		uint16_t r = vbe_read(v, (uint16_t)((off + i - MMIO_DISPI) / 2));

		val |= (uint64_t)(off & 1 ? r >> 8 : r) << (8 * i);
	}
	return size == 1 ? val & 0xff : val;
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct vga *v = opaque;

	if (mmio_in(off, size, MMIO_PORTS, 0x20))
		return ports_read(v, off - MMIO_PORTS, size);
	if (mmio_in(off, size, MMIO_DISPI, 2 * VBE_NREGS))
		return mmio_dispi_read(v, off, size);
	if (off == MMIO_QEXT && size == 4)
		return QEXT_SIZE;
	if (off == MMIO_QEXT + 4 && size == 4)
		return QEXT_LITTLE;
	return 0;
}

static void mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct vga *v = opaque;

	if (mmio_in(off, size, MMIO_PORTS, 0x20)) {
		ports_write(v, off - MMIO_PORTS, size, val);
	} else if (mmio_in(off, size, MMIO_DISPI, 2 * VBE_NREGS) && !(off & 1) && size >= 2) {
		for (unsigned i = 0; i < size; i += 2)
			vbe_write(v, (uint16_t)((off + i - MMIO_DISPI) / 2), (uint16_t)(val >> (8 * i)));
	} else if (off == MMIO_QEXT + 4 && size == 4 && val != QEXT_LITTLE) {
		log_warn("vga: big-endian framebuffer asked for: not supported");
	}
}

static const struct bus_ops mmio_ops = { mmio_read, mmio_write };

/* ---- life cycle ------------------------------------------------------ */

static void vga_reset(void *state)
{
	struct vga *v = state;

	v->misc = 0x01;
	memset(v->seq, 0, sizeof(v->seq));
	memset(v->gc, 0, sizeof(v->gc));
	memset(v->crtc, 0, sizeof(v->crtc));
	memset(v->ar, 0, sizeof(v->ar));
	memset(v->vbe, 0, sizeof(v->vbe));
	v->vbe[VBE_ID] = 0xb0c5;
	v->pel_mask = 0xff;
	v->ar_flip = false;
	v->writes++;
}

static void vga_destroy(void *state)
{
	struct vga *v = state;

	bus_release(&v->dm->bus, BUS_PIO, VGA_PORTS, v);
	bus_release(&v->dm->bus, BUS_PIO, VBE_PORT, v);
	bus_release(&v->dm->bus, BUS_MMIO, VGA_WINDOW, v);
	if (v->pci.bus)
		pci_bus_remove(v->pci.bus, &v->pci);
	if (v->dm->mem.dev.writes == &v->writes)
		v->dm->mem.dev = (struct gmem_dev){ .host = NULL };
	if (v->vram && v->vram != MAP_FAILED)
		munmap(v->vram, v->vram_map_len);
	if (v->vram_fd >= 0)
		close(v->vram_fd);
	free(v->rom);
	free(v);
}

static int vga_rom_load(struct vga *v, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint32_t size = 0x800;
	int rc = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		rc = -errno;
	else if (st.st_size <= 0 || st.st_size > VGA_ROM_MAX)
		rc = -EFBIG;
	else if (!(v->rom = malloc((size_t)st.st_size)))
		rc = -ENOMEM;
	else
		rc = read_all(fd, v->rom, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		log_error("vga: ROM %s: %s", path, strerror(-rc));
		return rc;
	}
	v->rom_len = (uint32_t)st.st_size;
	while (size < v->rom_len)
		size <<= 1;
	return pci_bar_init(&v->pci, PCI_ROM_BAR, size, false, false, &rom_ops, v);
}

/* VRAM from vmhv (HVM_VRAM_MAP: the guest then reaches the LFB without
 * an ioreq, vmhv keeps the dirty bits after it), else a memfd of ours
 * served through ioreqs (unit tests, an older vmhv). */
static int vga_vram(struct vga *v, unsigned mb)
{
	int rc;

	v->vram_size = mb << 20;
	v->vram_gpa = UINT64_MAX;
	rc = dm_host_vram_map(&v->dm->host, v->vram_size, UINT64_MAX, &v->vram_fd);
	if (rc == 0) {
		v->vram_map_len = v->vram_size + VGA_DIRTY_PAGE;
	} else {
		if (rc != -ENOSYS)
			log_warn("vga: VRAM through ioreqs: vmhv's map: %s", strerror(-rc));
		v->vram_map_len = v->vram_size;
		v->vram_fd = memfd_create("vga-vram", MFD_CLOEXEC);
		if (v->vram_fd < 0 || ftruncate(v->vram_fd, v->vram_size) < 0)
			return -errno;
	}
	v->vram = mmap(NULL, v->vram_map_len, PROT_READ | PROT_WRITE, MAP_SHARED, v->vram_fd, 0);
	if (v->vram == MAP_FAILED)
		return -errno;
	if (rc == 0)
		v->dirty = (uint64_t *)(v->vram + v->vram_size);
	return 0;
}

void vga_dirty_poll(struct vga *v)
{
	bool any = false;

	if (!v->dirty)
		return;
	for (uint32_t i = 0; i < (v->vram_size >> 12) / 64; i++)
		if (__atomic_load_n(&v->dirty[i], __ATOMIC_RELAXED))
			any |= __atomic_exchange_n(&v->dirty[i], 0, __ATOMIC_ACQUIRE) != 0;
	if (any)
		v->writes++;
}

/* BAR0 moved, appeared or went: the guest's direct view of VRAM follows. */
static void vga_cfg_write(struct pci_dev *d, unsigned reg, unsigned size, uint32_t val)
{
	struct vga *v = (struct vga *)((char *)d - offsetof(struct vga, pci));
	uint64_t gpa = d->bar[0].mapped ? d->bar[0].base : UINT64_MAX;
	int fd = -1, rc;

	(void)reg;
	(void)size;
	(void)val;
	/* the device model's DMA (rep ins, IDE, NICs) reaches it there too */
	v->dm->mem.dev = (struct gmem_dev){ .host = v->vram, .gpa = gpa, .size = v->vram_size,
					    .writes = &v->writes };
	if (!v->dirty || gpa == v->vram_gpa)
		return;
	rc = dm_host_vram_map(&v->dm->host, v->vram_size, gpa, &fd);
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		log_warn("vga: VRAM at %#" PRIx64 ": %s (ioreqs serve it)", gpa, strerror(-rc));
	else if (gpa != UINT64_MAX)
		log_info("vga: VRAM shown at %#" PRIx64 " (the vCPUs serve it)", gpa);
	if (rc == 0)
		v->vram_gpa = gpa;
}

static const struct pci_dev_ops vga_pci_ops = { .cfg_write = vga_cfg_write };

static int vga_create(struct dm *dm, void **state)
{
	struct vga *v;
	int rc;

	if (!dm->cfg->vram_mb)
		return 1;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->dm = dm;
	v->vram_fd = -1;
	vga_reset(v);
	pci_dev_init(&v->pci, "std-vga", 0x1234, 0x1111, 0x030000, 0x02, 0, &vga_pci_ops);
	rc = vga_vram(v, dm->cfg->vram_mb);
	rc = rc ? rc : pci_bar_init(&v->pci, 0, v->vram_size, false, true, &lfb_ops, v);
	rc = rc ? rc : pci_bar_init(&v->pci, 2, MMIO_SIZE, false, false, &mmio_ops, v);
	if (rc == 0 && dm->cfg->vgabios)
		rc = vga_rom_load(v, dm->cfg->vgabios);
	rc = rc ? rc : bus_claim(&dm->bus, BUS_PIO, VGA_PORTS, 0x20, &ports_ops, v, "vga");
	rc = rc ? rc : bus_claim(&dm->bus, BUS_PIO, VBE_PORT, 3, &vbe_ops, v, "vbe");
	rc = rc ? rc : bus_claim(&dm->bus, BUS_MMIO, VGA_WINDOW, VGA_WINDOW_LEN, &window_ops, v,
				 "vga-window");
	rc = rc ? rc : pci_bus_add(&dm->pci, &v->pci, 2 << 3);
	if (rc < 0) {
		vga_destroy(v);
		return rc;
	}
	*state = v;
	return 0;
}

const struct dm_dev_type dev_vga = {
	.name = "vga",
	.create = vga_create,
	.destroy = vga_destroy,
	.reset = vga_reset,
};
