/* CPU hotplug in the device model (docs/hvm.md "CPU hotplug"): the
 * present-vCPU bitmap at 0xaf00, GPE 2 and the SCI as xl vcpu-set changes
 * it, the guest's eject register, bad requests; and the DSDT's processor
 * objects as Debian's iasl (acpica-tools) disassembles them: a Processor
 * per possible vCPU, _STA/_MAT/_EJ0, \_SB.PRSC and \_GPE._E02. */
#include "tests/devmodel/dmtest.h"
#include "tests/tap.h"

#include "devmodel/acpi/acpi.h"
#include "devmodel/acpi/aml.h"
#include "devmodel/dev/acpi_hotplug.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GPE0_STS ACPI_GPE0_BASE
#define GPE0_EN  (ACPI_GPE0_BASE + 2)
#define GPE_CPU  (1u << ACPI_GPE_CPU_HOTPLUG)

static void check_device(void)
{
	struct dmt t;
	struct acpi_hotplug *h;

	if (dmt_init(&t, 0x100000) < 0) {
		ok(0, "test machine");
		return;
	}
	t.cfg.vcpus = 4;
	t.cfg.vcpus_online = 2;
	t.cfg.lowmem = 64u << 20;
	t.cfg.acpi = true;
	is_int(dmt_start(&t), 0, "devices created (maxvcpus=4, vcpus=2)");
	h = dm_device(&t.dm, "acpi_hotplug");
	ok(h != NULL, "the acpi_hotplug device exists");
	if (!h) {
		dmt_fini(&t);
		return;
	}
	is_int(dmt_in(&t, ACPI_CPUHP_BASE, 1), 0x03, "bitmap at boot: vCPUs 0 and 1 present");
	is_int(t.rec.vcpus, 0x03, "vmhv is told: vCPUs 0 and 1 may start");
	is_int(dmt_in(&t, ACPI_CPUHP_BASE + 1, 1), 0, "no vCPU above 7");
	is_int(dmt_in(&t, GPE0_STS, 2), 0, "no GPE pending at boot");

	is_int(acpi_hotplug_set_vcpus(h, 3), 0, "vcpu-set 3");
	is_int(dmt_in(&t, ACPI_CPUHP_BASE, 1), 0x07, "vCPU 2 present");
	is_int(t.rec.vcpus, 0x07, "vmhv lets vCPU 2 start");
	is_int(dmt_in(&t, GPE0_STS, 2), GPE_CPU, "GPE 2 status set");
	is_int(t.rec.isa[ACPI_SCI_IRQ], 0, "no SCI while GPE 2 is disabled");
	dmt_out(&t, GPE0_EN, 2, GPE_CPU);
	is_int(t.rec.isa[ACPI_SCI_IRQ], 1, "SCI (IRQ 9) up once the OS enables GPE 2");
	dmt_out(&t, GPE0_STS, 2, GPE_CPU);
	is_int(dmt_in(&t, GPE0_STS, 2), 0, "writing 1 clears GPE 2's status");
	is_int(t.rec.isa[ACPI_SCI_IRQ], 0, "SCI down again");

	is_int(acpi_hotplug_set_vcpus(h, 3), 0, "vcpu-set 3 again");
	is_int(dmt_in(&t, GPE0_STS, 2), 0, "no change, no GPE");
	is_int(acpi_hotplug_set_vcpus(h, 1), 0, "vcpu-set 1");
	is_int(dmt_in(&t, ACPI_CPUHP_BASE, 4), 0x01, "only vCPU 0 present");
	is_int(t.rec.vcpus, 0x07, "vmhv still lets vCPUs 1 and 2 run until the guest ejects them");
	is_int(t.rec.isa[ACPI_SCI_IRQ], 1, "GPE 2 and the SCI for the unplug request");
	dmt_out(&t, GPE0_STS, 1, GPE_CPU);

	is_int(acpi_hotplug_set_vcpus(h, 0), -EINVAL, "vcpu-set 0 refused");
	is_int(acpi_hotplug_set_vcpus(h, 5), -EINVAL, "vcpu-set above maxvcpus refused");
	is_int(acpi_hotplug_set_vcpus(h, 4), 0, "vcpu-set 4");
	dmt_out(&t, ACPI_CPUHP_EJECT, 1, 3);
	is_int(dmt_in(&t, ACPI_CPUHP_BASE, 1), 0x07, "the guest's _EJ0 of vCPU 3 clears its bit");
	is_int(t.rec.vcpus, 0x07, "and vmhv stops vCPU 3");
	dmt_out(&t, ACPI_CPUHP_EJECT, 1, 0);
	dmt_out(&t, ACPI_CPUHP_EJECT, 1, 200);
	dmt_out(&t, ACPI_CPUHP_BASE, 4, 0);
	is_int(dmt_in(&t, ACPI_CPUHP_BASE, 4), 0x07,
	       "ejecting vCPU 0 or a vCPU that does not exist, or writing the bitmap: ignored");
	is_int(dmt_in(&t, ACPI_CPUHP_BASE + 31, 2), 0, "a read across the bitmap's end");
	dmt_fini(&t);
}

/* The DSDT as a table file (header, then acpi_dsdt_build's AML). */
static int dsdt_write(const char *path, unsigned vcpus, unsigned online)
{
	struct dm_config cfg;
	struct aml a;
	uint8_t hdr[36] = "DSDT";
	FILE *f;
	int rc;

	dm_config_init(&cfg);
	cfg.vcpus = vcpus;
	cfg.vcpus_online = online;
	cfg.lowmem = 64u << 20;
	cfg.acpi = true;
	aml_init(&a);
	acpi_dsdt_build(&a, &cfg);
	rc = aml_finish(&a);
	if (rc < 0)
		return rc;
	acpi_put_le(hdr + 4, sizeof(hdr) + a.len, 4);
	hdr[8] = 1;
	memcpy(hdr + 10, "VMCTL VMCTLDSD", 14);
	hdr[9] = (uint8_t)-(acpi_sum8(hdr, sizeof(hdr)) + acpi_sum8(a.buf, a.len));
	f = fopen(path, "wb");
	rc = f && fwrite(hdr, sizeof(hdr), 1, f) == 1 && fwrite(a.buf, a.len, 1, f) == 1 ? 0 : -EIO;
	if (f && fclose(f) != 0)
		rc = -EIO;
	aml_free(&a);
	return rc;
}

static int dsl_has(const char *dsl, const char *what)
{
	return strstr(dsl, what) != NULL;
}

static void check_iasl(const char *dir, unsigned vcpus, unsigned online)
{
	char dat[256], cmd[600], line[128], *dsl = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	snprintf(dat, sizeof(dat), "%s/dsdt%u.dat", dir, vcpus);
	is_int(dsdt_write(dat, vcpus, online), 0, "DSDT for maxvcpus=%u vcpus=%u written", vcpus,
	       online);
	snprintf(cmd, sizeof(cmd), "cd %s && iasl -d dsdt%u.dat >iasl%u.log 2>&1 && cat dsdt%u.dsl",
		 dir, vcpus, vcpus, vcpus);
	f = popen(cmd, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *n = realloc(dsl, len + strlen(line) + 1);

		if (!n)
			break;
		dsl = n;
		strcpy(dsl + len, line);
		len += strlen(line);
	}
	rc = f ? pclose(f) : -1;
	is_int(rc, 0, "iasl -d disassembles it");
	if (!dsl) {
		snprintf(cmd, sizeof(cmd), "cat %s/iasl%u.log >&2", dir, vcpus);
		rc = system(cmd);
		(void)rc;
		return;
	}
	for (unsigned i = 0; i < vcpus; i++) {
		char want[64];

		snprintf(want, sizeof(want), "Processor (PR%02X, 0x%02X, 0x00000000, 0x00)", i, i);
		ok(dsl_has(dsl, want), "%s", want);
		snprintf(want, sizeof(want), "Name (CF%02X, %s)", i, i < online ? "One" : "Zero");
		ok(dsl_has(dsl, want), "%s: what the OS saw at boot", want);
	}
	ok(dsl_has(dsl, "OperationRegion (PRST, SystemIO, 0xAF00, 0x20)"),
	   "the present bitmap at 0xaf00, 32 bytes");
	ok(dsl_has(dsl, "Method (_E02, 0, NotSerialized)") && dsl_has(dsl, "\\_SB.PRSC ()"),
	   "\\_GPE._E02 calls \\_SB.PRSC");
	ok(dsl_has(dsl, "Notify (PR01, One)") && dsl_has(dsl, "Notify (PR01, 0x03)"),
	   "PRSC sends Device Check and Eject Request");
	ok(dsl_has(dsl, "Method (_EJ0, 1, NotSerialized)") && dsl_has(dsl, "Method (_MAT, 0"),
	   "_EJ0 and _MAT");
	ok(!dsl_has(dsl, "Unknown") && !dsl_has(dsl, "UnknownObj"), "no unknown opcode");
	free(dsl);
}

int main(void)
{
	char dir[] = "/tmp/vcpu_acpi_test.XXXXXX";
	char cmd[64];
	int rc;

	check_device();
	if (system("command -v iasl >/dev/null 2>&1") != 0) {
		ok(1, "# SKIP no iasl (Debian's acpica-tools): DSDT disassembly not checked");
		return tap_done();
	}
	if (!mkdtemp(dir))
		return ok(0, "temporary directory"), tap_done();
	check_iasl(dir, 4, 2);
	check_iasl(dir, 32, 1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	rc = system(cmd);
	(void)rc;
	return tap_done();
}
