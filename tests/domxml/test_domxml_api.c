/* The domxml API's contract in small cases (libvmctl/domxml.h): the
 * running domain's id, secrets only when asked, memory units, the native
 * formats, messages and codes, the xl.cfg writer's rounding. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/domxml.h"
#include "tests/tap.h"

static const char pv_cfg[] =
	"name = \"api\"\nkernel = \"/k\"\nmemory = 64\nvfb = [ 'vnc=1,vncpasswd=pw' ]\n";

static char *xml_of(const char *cfgtext, const struct vmctl_domxml_runtime *rt,
		    unsigned flags)
{
	struct domcfg_config cfg;
	char *xml = NULL;

	domcfg_config_init(&cfg);
	if (domcfg_parse_buffer(&cfg, "t", cfgtext, strlen(cfgtext), NULL, NULL) == 0)
		vmctl_domxml_format(&cfg, rt, flags, &xml, NULL);
	domcfg_config_dispose(&cfg);
	return xml ? xml : strdup("");
}

static void test_runtime_and_secrets(void)
{
	struct vmctl_domxml_runtime run = { .domid = 7 }, off = { .domid = -1 };
	char *a = xml_of(pv_cfg, &run, 0), *b = xml_of(pv_cfg, &off, VMCTL_DOMXML_SECURE);
	char *c = xml_of(pv_cfg, NULL, 0);

	ok(strstr(a, "<domain type=\"xen\" id=\"7\">") != NULL, "a running domain has its id");
	ok(!strstr(b, " id=") && !strstr(c, " id="), "an inactive one has none");
	ok(!strstr(a, "passwd="), "no VNC password without VMCTL_DOMXML_SECURE");
	ok(strstr(b, "passwd=\"pw\"") != NULL, "the password with it");
	free(a);
	free(b);
	free(c);
}

static uint64_t memory_kib(const char *unit, const char *value)
{
	struct domcfg_config cfg;
	char xml[512];
	uint64_t kib = 0;

	snprintf(xml, sizeof(xml), "<domain type='xen'><name>m</name><memory unit='%s'>%s"
		 "</memory><os><type>linux</type></os></domain>", unit, value);
	domcfg_config_init(&cfg);
	if (vmctl_domxml_parse(xml, strlen(xml), &cfg, NULL) == 0)
		kib = cfg.b_info.max_memkb;
	domcfg_config_dispose(&cfg);
	return kib;
}

static void test_memory_units(void)
{
	is_int(memory_kib("KiB", "1024"), 1024, "KiB");
	is_int(memory_kib("MiB", "2"), 2048, "MiB");
	is_int(memory_kib("M", "2"), 2048, "M is MiB");
	is_int(memory_kib("MB", "1"), 977, "MB is 10^6 bytes, rounded up to KiB");
	is_int(memory_kib("b", "1"), 1, "one byte is one KiB");
	is_int(memory_kib("GiB", "1"), 1048576, "GiB");
	is_int(memory_kib("KiB", "-1"), 0, "a negative size is refused");
}

static void test_native(void)
{
	struct domcfg_msgs m;
	char *out = NULL, *back = NULL;
	int rc;

	domcfg_msgs_init(&m);
	rc = vmctl_domxml_from_native("xen-xl", pv_cfg, strlen(pv_cfg), &out, &m);
	ok(rc == 0 && out && strstr(out, "<name>api</name>"), "from xen-xl");
	rc = out ? vmctl_domxml_to_native("xen-xm", out, strlen(out), &back, &m) : -1;
	ok(rc == 0 && back && strstr(back, "name = \"api\""), "to xen-xm (the same syntax)");
	free(out);
	free(back);
	rc = vmctl_domxml_from_native("vmware-vmx", pv_cfg, strlen(pv_cfg), &out, &m);
	ok(rc == -EOPNOTSUPP && out == NULL && m.error && strstr(m.error, "vmware-vmx"),
	   "another format: -EOPNOTSUPP naming it");
	domcfg_msgs_dispose(&m);
}

static void test_codes(void)
{
	static const char kvm[] = "<domain type='kvm'><name>k</name></domain>";
	static const char bad[] = "<domain type='xen'><name>k</name>";
	struct domcfg_config cfg;
	struct domcfg_msgs m;

	domcfg_config_init(&cfg);
	domcfg_msgs_init(&m);
	is_int(vmctl_domxml_parse(kvm, strlen(kvm), &cfg, &m), -EOPNOTSUPP, "kvm: -EOPNOTSUPP");
	is_int(vmctl_domxml_parse(bad, strlen(bad), &cfg, NULL), -EINVAL,
	       "not well-formed: -EINVAL, also without messages");
	is_int(vmctl_domxml_parse(bad, 5, &cfg, NULL), -EINVAL, "only len bytes are read");
	domcfg_msgs_dispose(&m);
	domcfg_config_dispose(&cfg);
}

static void test_writer_rounding(void)
{
	struct domcfg_config cfg;
	struct domcfg_msgs m;
	char *text = NULL;

	domcfg_config_init(&cfg);
	domcfg_msgs_init(&m);
	cfg.c_info.type = cfg.b_info.type = DOMCFG_TYPE_PV;
	cfg.b_info.max_memkb = cfg.b_info.target_memkb = 1000;
	ok(vmctl_cfg_format_xl(&cfg, &text, &m) == 0 && strstr(text, "memory = 1\n"),
	   "1000 KiB is written as 1 MiB");
	ok(m.num_warnings == 2 && strstr(m.warnings[0], "rounded up"), "and said so");
	free(text);
	domcfg_msgs_dispose(&m);
	domcfg_config_dispose(&cfg);
}

/* xl.cfg strings may hold control characters, XML cannot. */
static void test_unwritable(void)
{
	static const char text[] = "name = \"a\\x01b\"\nkernel = \"/k\"\n";
	struct domcfg_config cfg;
	struct domcfg_msgs m;
	char *xml = NULL;
	int rc;

	domcfg_config_init(&cfg);
	domcfg_msgs_init(&m);
	rc = domcfg_parse_buffer(&cfg, "t", text, strlen(text), NULL, NULL);
	if (rc == 0)
		rc = vmctl_domxml_format(&cfg, NULL, 0, &xml, &m);
	ok(rc == -EINVAL && !xml && m.error && strstr(m.error, "control character 0x01"),
	   "a control character in a value: -EINVAL naming it");
	domcfg_msgs_dispose(&m);
	domcfg_config_dispose(&cfg);
}

int main(void)
{
	test_unwritable();
	test_runtime_and_secrets();
	test_memory_units();
	test_native();
	test_codes();
	test_writer_rounding();
	return tap_done();
}
