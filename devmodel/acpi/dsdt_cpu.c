/* The DSDT's processors and CPU hotplug, as Xen's hvmloader and QEMU's
 * PIIX4 machine describe them (docs/hvm.md "CPU hotplug"): a Processor
 * object PRxx per possible vCPU (xl's maxvcpus; id and APIC id = the
 * vCPU's number), whose _STA and _MAT follow bit xx of the present bitmap
 * the device model serves at ACPI_CPUHP_BASE (acpi_hotplug.c), and
 * \_GPE._E02, which the device model's GPE 2 runs when that bitmap
 * changes: \_SB.PRSC compares every bit with the state it last saw (CFxx)
 * and sends the processor Device Check (1, it came) or Eject Request (3,
 * xl asks it to go). The OS's _EJ0 writes the vCPU's number to
 * ACPI_CPUHP_EJECT once the CPU is offline. */
#include "devmodel/acpi/acpi.h"
#include "devmodel/acpi/aml.h"

#include "devmodel/dm.h"

#include <stdio.h>

static void cpu_name(char *out, size_t cap, const char *prefix, unsigned n)
{
	snprintf(out, cap, "%s%02X", prefix, n & 0xff);
}

/* Return(Buffer) of the vCPU's MADT LAPIC entry, enabled or not. */
static void cpu_return_mat(struct aml *a, unsigned n, int enabled)
{
	const uint8_t lapic[8] = { 0, 8, (uint8_t)n, (uint8_t)n, (uint8_t)enabled, 0, 0, 0 };

	aml_byte(a, AML_RETURN);
	aml_buffer(a, lapic, sizeof(lapic));
}

/* Method(name) { If (bit) { <yes> } <no> } for _STA and _MAT. */
static void cpu_processor(struct aml *a, unsigned n)
{
	char pr[8], bit[8];

	cpu_name(pr, sizeof(pr), "PR", n);
	cpu_name(bit, sizeof(bit), "CP", n);
	aml_open_processor(a, pr, (uint8_t)n, 0, 0);

	aml_open_method(a, "_STA", 0);
	aml_open_if(a);
	aml_name(a, bit);
	aml_byte(a, AML_RETURN);
	aml_int(a, 0x0f);                   /* present, enabled, shown, working */
	aml_close(a);
	aml_byte(a, AML_RETURN);
	aml_byte(a, AML_ZERO);
	aml_close(a);

	aml_open_method(a, "_MAT", 0);
	aml_open_if(a);
	aml_name(a, bit);
	cpu_return_mat(a, n, 1);
	aml_close(a);
	cpu_return_mat(a, n, 0);
	aml_close(a);

	if (n) {                            /* the boot CPU never goes */
		aml_open_method(a, "_EJ0", 1);
		aml_byte(a, AML_STORE);
		aml_int(a, n);
		aml_name(a, "\\_SB_.CPEJ");
		aml_close(a);
	}
	aml_close(a);
}

/* If (LNot(LEqual(CPxx, CFxx))) { Store(CPxx, CFxx);
 *   If (CPxx) { Notify(PRxx, 1) } Else { Notify(PRxx, 3) } } */
static void cpu_check(struct aml *a, unsigned n)
{
	char pr[8], bit[8], seen[8];

	cpu_name(pr, sizeof(pr), "PR", n);
	cpu_name(bit, sizeof(bit), "CP", n);
	cpu_name(seen, sizeof(seen), "CF", n);
	aml_open_if(a);
	aml_byte(a, AML_LNOT);
	aml_byte(a, AML_LEQUAL);
	aml_name(a, bit);
	aml_name(a, seen);
	aml_byte(a, AML_STORE);
	aml_name(a, bit);
	aml_name(a, seen);
	aml_open_if(a);
	aml_name(a, bit);
	aml_byte(a, AML_NOTIFY);
	aml_name(a, pr);
	aml_int(a, AML_NOTIFY_DEVICE_CHECK);
	aml_close(a);
	aml_open_else(a);
	aml_byte(a, AML_NOTIFY);
	aml_name(a, pr);
	aml_int(a, AML_NOTIFY_EJECT);
	aml_close(a);
	aml_close(a);
}

/* Inside \_SB: the registers, the processors, PRSC. */
static void cpu_sb(struct aml *a, const struct dm_config *cfg)
{
	unsigned online = cfg->vcpus_online ? cfg->vcpus_online : cfg->vcpus;
	char name[8];

	aml_opregion(a, "PRST", AML_SPACE_SYSTEM_IO, ACPI_CPUHP_BASE, ACPI_CPUHP_LEN);
	aml_open_field(a, "PRST", AML_FIELD_BYTE_ACC);
	for (unsigned n = 0; n < cfg->vcpus; n++) {
		cpu_name(name, sizeof(name), "CP", n);
		aml_field_unit(a, name, 1);
	}
	aml_close(a);
	aml_opregion(a, "PREJ", AML_SPACE_SYSTEM_IO, ACPI_CPUHP_EJECT, 1);
	aml_open_field(a, "PREJ", AML_FIELD_BYTE_ACC);
	aml_field_unit(a, "CPEJ", 8);
	aml_close(a);

	for (unsigned n = 0; n < cfg->vcpus; n++) {
		cpu_processor(a, n);
		cpu_name(name, sizeof(name), "CF", n);
		aml_name_decl(a, name);
		aml_int(a, n < online);
	}

	aml_open_method(a, "PRSC", AML_SERIALIZED);
	for (unsigned n = 1; n < cfg->vcpus; n++)
		cpu_check(a, n);
	aml_close(a);
}

void acpi_dsdt_cpus(struct aml *a, const struct dm_config *cfg)
{
	char gpe[8];

	aml_open_scope(a, "\\_SB");
	cpu_sb(a, cfg);
	aml_close(a);

	snprintf(gpe, sizeof(gpe), "_E%02X", ACPI_GPE_CPU_HOTPLUG);
	aml_open_scope(a, "\\_GPE");
	aml_open_method(a, gpe, 0);
	aml_name(a, "\\_SB_.PRSC");
	aml_close(a);
	aml_close(a);
}
