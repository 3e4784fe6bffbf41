/* A small AML (ACPI Machine Language) writer for the DSDT the device
 * model hands SeaBIOS (acpi_tables.c). It appends encoded terms to a
 * growable buffer; scopes that carry a PkgLength (Scope, Device, Method,
 * If, Else, Package, Buffer, Field) are opened with aml_open_*() and closed
 * with aml_close(), which writes the length in its shortest encoding.
 * Errors (out of memory, a bad name, unbalanced scopes) stick in `err`
 * and are reported once by aml_finish(). Encodings: ACPI 6.x chapter 20. */
#ifndef VMCTL_DEVMODEL_ACPI_AML_H
#define VMCTL_DEVMODEL_ACPI_AML_H

#include <stddef.h>
#include <stdint.h>

#define AML_MAX_DEPTH 16

struct aml {
	uint8_t *buf;
	size_t len, cap;
	size_t open[AML_MAX_DEPTH];   /* where each open scope's PkgLength goes */
	unsigned depth;
	int err;                      /* first error, negative errno */
};

/* Method flags (the low 3 bits are the argument count). */
#define AML_SERIALIZED 0x08

void aml_init(struct aml *a);
/* 0 with a->buf/len the finished AML (the caller frees buf), or the
 * first error. */
int aml_finish(struct aml *a);
void aml_free(struct aml *a);

void aml_bytes(struct aml *a, const void *p, size_t n);
void aml_byte(struct aml *a, uint8_t b);
/* A NameString: "\\_SB_.PCI0", "LNKA", "^FOO"; segments shorter than four
 * characters are padded with '_'. */
void aml_name(struct aml *a, const char *path);
/* The smallest integer constant that holds v (Zero, One, Byte...QWord). */
void aml_int(struct aml *a, uint64_t v);
void aml_string(struct aml *a, const char *s);
/* A compressed EISA id ("PNP0A03") as a DWord constant. */
void aml_eisaid(struct aml *a, const char *id);

/* Name(path, <next term>) */
void aml_name_decl(struct aml *a, const char *path);
void aml_open_scope(struct aml *a, const char *path);
void aml_open_device(struct aml *a, const char *path);
void aml_open_method(struct aml *a, const char *path, uint8_t flags);
/* Processor(path, id, pblk, pblk_len) { ... } (deprecated since ACPI 6.0
 * but what Xen's and QEMU's DSDTs use, and every OS still reads). */
void aml_open_processor(struct aml *a, const char *path, uint8_t id, uint32_t pblk,
			uint8_t pblk_len);
void aml_open_if(struct aml *a);     /* the predicate comes next */
void aml_open_else(struct aml *a);
void aml_open_package(struct aml *a, uint8_t nelems);
/* Buffer(n) { bytes } in one go. */
void aml_buffer(struct aml *a, const void *p, size_t n);
/* OperationRegion(name, space, offset, len) */
void aml_opregion(struct aml *a, const char *name, uint8_t space, uint64_t off, uint64_t len);
/* Field(region, flags) { ... }: then aml_field_unit() per unit. */
void aml_open_field(struct aml *a, const char *region, uint8_t flags);
void aml_field_unit(struct aml *a, const char *seg, unsigned bits);
void aml_close(struct aml *a);

/* Opcodes the DSDT's methods use directly. */
enum {
	AML_ZERO = 0x00, AML_ONE = 0x01, AML_NULL_NAME = 0x00,
	AML_LOCAL0 = 0x60, AML_ARG0 = 0x68,
	AML_STORE = 0x70, AML_AND = 0x7b, AML_OR = 0x7d,
	AML_CREATE_DWORD_FIELD = 0x8a, AML_LLESS = 0x95,
	AML_RETURN = 0xa4, AML_ONES = 0xff,
	AML_NOTIFY = 0x86, AML_LNOT = 0x92, AML_LEQUAL = 0x93,
};

/* Notify values (ACPI 6.x 5.6.6). */
#define AML_NOTIFY_DEVICE_CHECK 1
#define AML_NOTIFY_EJECT        3

/* The region spaces and field flags used here. */
#define AML_SPACE_SYSTEM_IO  0x01
#define AML_SPACE_PCI_CONFIG 0x02
#define AML_FIELD_BYTE_ACC   0x01   /* ByteAcc, NoLock, Preserve */

#endif
