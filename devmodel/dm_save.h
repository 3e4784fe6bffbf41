/* The device model's state as one blob (xld carries it in the stream's
 * EMULATOR records; dmctl.h DMCTL_SAVE / DMCTL_LOAD): a header, then one
 * section per piece, each named, versioned and bounds-checked on load.
 *
 *   struct dm_save_hdr, then sections: struct dm_save_sec + len bytes,
 *   padded to 8.
 *
 * "pci" carries every function's configuration space (replayed through
 * the normal write path on load, so BARs map and bridges route as when
 * the guest wrote them); each device that has a save function adds its
 * own. A device of the blob that this device model does not have makes
 * the load fail (a different machine); one the blob lacks stays at its
 * power-on state. */
#ifndef VMCTL_DEVMODEL_DM_SAVE_H
#define VMCTL_DEVMODEL_DM_SAVE_H

#include <stddef.h>
#include <stdint.h>

struct dm;
struct eeprom93;

#define DM_SAVE_MAGIC   0x53444d56u   /* "VMDS" */
#define DM_SAVE_VERSION 1u

struct dm_save_hdr {
	uint32_t magic;
	uint32_t version;
	uint64_t len;             /* the whole blob, this header included */
};
_Static_assert(sizeof(struct dm_save_hdr) == 16, "dm_save_hdr size");

struct dm_save_sec {
	char name[16];            /* NUL-padded */
	uint32_t version;
	uint32_t len;
};
_Static_assert(sizeof(struct dm_save_sec) == 24, "dm_save_sec size");

/* A growing buffer; `err` sticks at the first failure. */
struct dm_sbuf {
	uint8_t *p;
	size_t len, cap;
	int err;
};

void dm_sbuf_put(struct dm_sbuf *b, const void *data, size_t n);

/* The whole state into *b (the caller frees b->p). 0 or -errno. */
int dm_save(struct dm *dm, struct dm_sbuf *b);
/* Load a blob (from a file: anything may be wrong with it); `why` says
 * what when it fails with -EINVAL. Before the guest runs again. */
int dm_load(struct dm *dm, const void *blob, size_t len, const char **why);

/* Device hooks (in the device's file): append the body / take it back
 * (-EINVAL for a body of the wrong size or with values out of range). */
int uart_save(void *state, struct dm_sbuf *b);
int uart_load(void *state, const void *body, size_t len);
int i8042_save(void *state, struct dm_sbuf *b);
int i8042_load(void *state, const void *body, size_t len);
int piix4_acpi_save(void *state, struct dm_sbuf *b);
int piix4_acpi_load(void *state, const void *body, size_t len);
int platform_save(void *state, struct dm_sbuf *b);
int platform_load(void *state, const void *body, size_t len);
int acpi_hotplug_save(void *state, struct dm_sbuf *b);
int acpi_hotplug_load(void *state, const void *body, size_t len);
int fw_cfg_save(void *state, struct dm_sbuf *b);
int fw_cfg_load(void *state, const void *body, size_t len);
int vga_save(void *state, struct dm_sbuf *b);            /* dev/vga_save.c */
int vga_load(void *state, const void *body, size_t len);
/* One NIC of a model (a struct net_nics lists them). */
int rtl8139_save_one(void *nic, struct dm_sbuf *b);
int rtl8139_load_one(void *nic, const void *body, size_t len);
int e1000_save_one(void *nic, struct dm_sbuf *b);
int e1000_load_one(void *nic, const void *body, size_t len);
/* The NICs' EEPROM (dev/eeprom93.c); load returns the bytes taken, 0 when
 * they do not make a valid state. */
void eeprom93_save(const struct eeprom93 *e, struct dm_sbuf *b);
size_t eeprom93_load(struct eeprom93 *e, const void *p, size_t len);

#endif
