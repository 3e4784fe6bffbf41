/* The domain config types: defaults, enum names, JSON in libxl's shape
 * (reference §1.3) and the round trip types -> JSON -> types -> JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/domcfg.h"
#include "tests/tap.h"

/* The skeleton from reference §1.3 (libvirt's basic-pv.json). */
static const char basic_pv[] =
	"{\"c_info\":{\"type\":\"pv\",\"name\":\"basic\",\"uuid\":"
	"\"c7a5fdb2-cdaf-9455-926a-d65c16db1809\"},"
	"\"b_info\":{\"max_vcpus\":4,\"avail_vcpus\":[0,1,2,3],\"max_memkb\":524288,"
	"\"target_memkb\":524288,\"type.pv\":{\"bootloader\":\"pygrub\"}},"
	"\"disks\":[{\"pdev_path\":\"/dev/HostVG/XenGuest2\",\"vdev\":\"xvda\","
	"\"backend\":\"qdisk\",\"format\":\"raw\",\"readwrite\":1}],"
	"\"nics\":[{\"devid\":0,\"mac\":\"00:16:3e:66:92:9c\",\"bridge\":\"br0\","
	"\"nictype\":\"vif\"}],"
	"\"vfbs\":[{\"vnc\":{\"enable\":\"True\",\"listen\":\"0.0.0.0\"}}],"
	"\"on_reboot\":\"restart\",\"some_future_key\":[1,{\"x\":2}]}";

static void test_defaults(void)
{
	struct domcfg_config c;

	domcfg_config_init(&c);
	is_int(c.c_info.type, DOMCFG_TYPE_INVALID, "type starts invalid");
	ok(c.b_info.max_memkb == (uint64_t)DOMCFG_MEMKB_DEFAULT, "max_memkb not set");
	is_int(c.b_info.sched_params.weight, -1, "sched weight default");
	is_int(c.b_info.hvm.hdtype, DOMCFG_HDTYPE_IDE, "hdtype default ide");
	is_int(c.b_info.timer_mode, DOMCFG_TIMER_MODE_UNKNOWN, "timer_mode default");
	is_int(c.on_poweroff, DOMCFG_ACTION_DESTROY, "on_poweroff default destroy");
	is_int(c.b_info.max_grant_frames, (uint32_t)-1, "grant frames not set");
	domcfg_config_dispose(&c);
	domcfg_config_dispose(&c);
	ok(1, "dispose twice is harmless");
}

static void test_enums(void)
{
	enum domcfg_action_on_shutdown a;
	enum domcfg_domain_type t;

	is_str(domcfg_action_on_shutdown_to_string(DOMCFG_ACTION_RESTART_RENAME), "restart_rename",
	       "libxl's enum name");
	ok(domcfg_domain_type_to_string((enum domcfg_domain_type)42) == NULL, "unknown value");
	is_int(domcfg_domain_type_from_string("HVM", &t), 0, "case-insensitive");
	is_int(t, DOMCFG_TYPE_HVM, "HVM");
	is_int(domcfg_action_on_shutdown_from_string("boom", &a), -EINVAL, "unknown name");
}

static void test_parse_reference(void)
{
	struct domcfg_config c;
	char *err = NULL, *json = NULL;

	domcfg_config_init(&c);
	is_int(domcfg_config_from_json(&c, basic_pv, &err), 0, "reference JSON parses");
	is_str(c.c_info.name, "basic", "name");
	is_int(c.b_info.type, DOMCFG_TYPE_PV, "\"type.pv\" selects the union");
	ok(domcfg_bitmap_test(&c.b_info.avail_vcpus, 3) &&
	   !domcfg_bitmap_test(&c.b_info.avail_vcpus, 4), "avail_vcpus bitmap");
	is_int(c.num_disks, 1, "one disk");
	is_int(c.disks[0].backend, DOMCFG_DISK_BACKEND_QDISK, "disk backend");
	ok(c.nics[0].mac[5] == 0x9c, "mac parsed");
	is_int(c.vfbs[0].vnc.enable, DOMCFG_DEFBOOL_TRUE, "defbool \"True\"");
	is_int(c.vfbs[0].devid, -1, "devid not given stays -1");
	is_int(c.on_reboot, DOMCFG_ACTION_RESTART, "on_reboot");
	json = domcfg_config_to_json(&c);
	ok(json && strstr(json, "\"uuid\": \"c7a5fdb2-cdaf-9455-926a-d65c16db1809\""),
	   "uuid written back lowercase");
	ok(json && strstr(json, "\"type.pv\": {"), "union key written back");
	ok(json && !strstr(json, "some_future_key"), "unknown keys dropped");
	ok(json && !strstr(json, "\"type\": \"invalid\""), "union key field itself not written");
	free(json);
	free(err);
	domcfg_config_dispose(&c);
}

/* Fill every kind of field, then check JSON -> types -> JSON is stable. */
static void test_round_trip(void)
{
	struct domcfg_config a, b;
	char *ja, *jb, *err = NULL;
	static const char *const args[] = { "-x", "y z", NULL };

	domcfg_config_init(&a);
	domcfg_config_init(&b);
	a.c_info.type = a.b_info.type = DOMCFG_TYPE_HVM;
	a.c_info.name = strdup("rt \"quoted\" \xc3\xa9");
	for (int i = 0; i < 16; i++)
		a.c_info.uuid[i] = (unsigned char)(i * 17);
	domcfg_bitmap_set(&a.b_info.avail_vcpus, 0);
	domcfg_bitmap_set(&a.b_info.avail_vcpus, 100);
	a.b_info.max_memkb = 1ULL << 40;
	a.b_info.max_grant_frames = 0;
	a.b_info.extra = calloc(3, sizeof(char *));
	a.b_info.extra[0] = strdup(args[0]);
	a.b_info.extra[1] = strdup(args[1]);
	domcfg_defbool_set(&a.b_info.hvm.pae, false);
	a.b_info.hvm.vnc.display = 7;
	a.b_info.hvm.vga.kind = DOMCFG_VGA_QXL;
	a.b_info.pv.slack_memkb = 5;   /* not the selected member: not written */
	a.nics = calloc(1, sizeof(*a.nics));
	a.num_nics = 1;
	domcfg_nic_init(&a.nics[0]);
	memcpy(a.nics[0].mac, "\x00\x16\x3e\xff\x00\x01", 6);
	a.nics[0].rate_bytes_per_interval = 123456789012ULL;
	a.on_watchdog = DOMCFG_ACTION_PRESERVE;

	ja = domcfg_config_to_json(&a);
	ok(ja != NULL, "JSON made");
	is_int(domcfg_config_from_json(&b, ja ? ja : "", &err), 0, "JSON read back");
	jb = domcfg_config_to_json(&b);
	ok(ja && jb && !strcmp(ja, jb), "JSON -> types -> JSON is stable");
	is_str(b.c_info.name, a.c_info.name, "string with quotes and UTF-8");
	ok(!memcmp(a.c_info.uuid, b.c_info.uuid, 16), "uuid");
	ok(domcfg_bitmap_test(&b.b_info.avail_vcpus, 100), "bitmap bit 100");
	ok(b.b_info.max_memkb == 1ULL << 40, "64-bit size");
	is_int(b.b_info.max_grant_frames, 0, "zero differs from the default and is kept");
	is_str(b.b_info.extra ? b.b_info.extra[1] : NULL, "y z", "string list");
	is_int(b.b_info.hvm.pae, DOMCFG_DEFBOOL_FALSE, "defbool False");
	is_int(b.b_info.hvm.vga.kind, DOMCFG_VGA_QXL, "nested struct enum");
	ok(b.b_info.pv.slack_memkb == (uint64_t)DOMCFG_MEMKB_DEFAULT, "unselected union member dropped");
	ok(b.num_nics == 1 && b.nics[0].rate_bytes_per_interval == 123456789012ULL, "u64 in array");
	is_int(b.on_watchdog, DOMCFG_ACTION_PRESERVE, "action");
	free(ja);
	free(jb);
	free(err);
	domcfg_config_dispose(&a);
	domcfg_config_dispose(&b);
}

static void json_error(const char *json, const char *want)
{
	struct domcfg_config c;
	char *err = NULL;
	int rc;

	domcfg_config_init(&c);
	rc = domcfg_config_from_json(&c, json, &err);
	ok(rc == -EINVAL && err && !strcmp(err, want), "JSON error: %s", want);
	if (err && strcmp(err, want))
		diag("got: %s", err);
	free(err);
	domcfg_config_dispose(&c);
}

static void test_json_errors(void)
{
	json_error("[]", "(top): expected an object");
	json_error("{\"b_info\":{\"max_vcpus\":\"4\"}}", "b_info.max_vcpus: expected an integer");
	json_error("{\"c_info\":{\"type\":\"xen\"}}", "c_info.type: \"xen\" is not a domain_type");
	json_error("{\"c_info\":{\"uuid\":\"nope\"}}", "c_info.uuid: expected a UUID string");
	json_error("{\"b_info\":{\"acpi\":true}}", "b_info.acpi: expected \"True\" or \"False\"");
	json_error("{\"b_info\":{\"avail_vcpus\":[-1]}}",
		   "b_info.avail_vcpus: expected a list of numbers 0..65535");
	json_error("{\"disks\":[{\"vdev\":\"xvda\"},{\"readwrite\":\"yes\"}]}",
		   "disks[1].readwrite: expected an integer");
	json_error("{\"nics\":[{\"mac\":\"00:16:3e\"}]}",
		   "nics[0].mac: expected a MAC address xx:xx:xx:xx:xx:xx");
	json_error("{\"b_info\":{\"type.hvm\":{\"vnc\":{\"display\":4294967296}}}}",
		   "b_info.type.hvm.vnc.display: 4294967296 is out of range");
	json_error("{\"c_info\":{\"domid\":-1}}", "c_info.domid: -1 is out of range");
	json_error("{\"c_info\":", "(top): invalid JSON: parse error: premature EOF");
}

static int defaults(const char *text, struct domcfg_config *c, char **err)
{
	struct domcfg_msgs m;
	int rc;

	domcfg_config_init(c);
	domcfg_msgs_init(&m);
	*err = NULL;
	rc = domcfg_parse_buffer(c, "d.cfg", text, strlen(text), NULL, &m);
	domcfg_msgs_dispose(&m);
	return rc ? rc : domcfg_config_setdefault(c, err);
}

static void test_setdefault(void)
{
	static const domcfg_uuid nil;
	struct domcfg_config c;
	char *err;

	is_int(defaults("name='d'\nkernel='/k'\nvif=['']\nvfb=['vnc=1']\ndisk=['/a,,xvda']\n",
			&c, &err), 0, "PV defaults");
	ok(c.b_info.max_memkb == 32768 && c.b_info.target_memkb == 32768, "32 MiB");
	ok(c.b_info.max_vcpus == 1 && domcfg_bitmap_test(&c.b_info.avail_vcpus, 0), "one vCPU online");
	ok(memcmp(c.c_info.uuid, nil, sizeof(nil)) != 0, "random UUID");
	ok(c.nics[0].mac[0] == 0 && c.nics[0].mac[1] == 0x16 && c.nics[0].mac[2] == 0x3e,
	   "MAC in Xen's OUI");
	is_str(c.nics[0].bridge, "xenbr0", "default bridge");
	is_str(c.nics[0].script, "vif-bridge", "default script");
	is_int(c.nics[0].nictype, DOMCFG_NIC_TYPE_VIF, "PV NIC type");
	is_int(c.nics[0].mtu, 1500, "MTU");
	is_str(c.vfbs[0].vnc.listen, "127.0.0.1", "vfb listens on localhost");
	is_int(c.vfbs[0].vnc.findunused, DOMCFG_DEFBOOL_TRUE, "vfb finds an unused port");
	is_int(c.disks[0].backend, DOMCFG_DISK_BACKEND_PHY, "raw disk backend");
	domcfg_config_dispose(&c);
	free(err);
	is_int(defaults("name='h'\ntype='hvm'\nmemory=256\n", &c, &err), 0, "HVM defaults");
	ok(c.b_info.max_memkb == 262144 && c.b_info.target_memkb == 262144, "maxmem = memory");
	is_str(c.b_info.hvm.boot, "cd", "boot order");
	is_int(c.b_info.hvm.vga.kind, DOMCFG_VGA_CIRRUS, "cirrus");
	is_int(c.b_info.video_memkb, 8192, "8 MiB video");
	is_int(c.b_info.hvm.vnc.enable, DOMCFG_DEFBOOL_TRUE, "HVM VNC on");
	is_int(c.b_info.hvm.bios, DOMCFG_BIOS_SEABIOS, "SeaBIOS");
	domcfg_config_dispose(&c);
	free(err);
	is_int(defaults("name='m'\nkernel='/k'\nmaxvcpus=4\n", &c, &err), 0, "maxvcpus only");
	ok(c.b_info.max_vcpus == 4 && domcfg_bitmap_test(&c.b_info.avail_vcpus, 0) &&
	   !domcfg_bitmap_test(&c.b_info.avail_vcpus, 1), "only vCPU 0 online (libxl)");
	domcfg_config_dispose(&c);
	free(err);
	is_int(defaults("kernel='/k'\n", &c, &err), -EINVAL, "no name");
	is_str(err, "name: every domain needs a name", "no name: message");
	domcfg_config_dispose(&c);
	free(err);
	is_int(defaults("name='p'\n", &c, &err), -EINVAL, "PV without kernel");
	is_str(err, "kernel: a PV or PVH guest needs a kernel (or a bootloader)", "no kernel: message");
	domcfg_config_dispose(&c);
	free(err);
}

static void test_copy(void)
{
	const char text[] = "name='c'\nkernel='/k'\ncpus='1-2'\nbootloader_args=['a','b']\n"
			    "disk=['/a,,xvda','/b,,xvdb','/c,,xvdc']\nvif=['bridge=br0']\nvfb=['vnc=1']\n";
	struct domcfg_config a, b;
	struct domcfg_msgs m;
	struct domcfg_disk d;
	char *ja, *jb, *err = NULL;

	domcfg_config_init(&a);
	domcfg_config_init(&b);
	domcfg_msgs_init(&m);
	is_int(domcfg_parse_buffer(&a, "c.cfg", text, strlen(text), NULL, &m), 0, "config to copy");
	is_int(domcfg_config_copy(&b, &a), 0, "deep copy");
	ja = domcfg_config_to_json(&a);
	domcfg_config_dispose(&a);      /* the copy must not share anything */
	jb = domcfg_config_to_json(&b);
	ok(ja && jb && !strcmp(ja, jb), "copy has the same JSON after the original is gone");
	free(ja);
	free(jb);
	domcfg_disk_init(&d);
	is_int(domcfg_disk_parse(&d, "/d,,xvdd", &err), 0, "a disk to attach");
	is_int(domcfg_config_add_disk(&b, &d), 0, "add_disk");
	domcfg_disk_dispose(&d);
	is_int(b.num_disks, 4, "four disks");
	is_str(b.disks[3].vdev, "xvdd", "added at the end, copied");
	is_int(domcfg_config_remove_disk(&b, 1), 0, "remove_disk");
	ok(b.num_disks == 3 && !strcmp(b.disks[1].vdev, "xvdc") && !strcmp(b.disks[2].vdev, "xvdd"),
	   "the rest shifted down");
	is_int(domcfg_config_remove_disk(&b, 3), -ENOENT, "remove past the end");
	is_int(domcfg_config_remove_nic(&b, 0), 0, "remove_nic");
	is_int(b.num_nics, 0, "no NICs");
	is_int(domcfg_config_copy(&b, &b), 0, "copy onto itself is a no-op");
	is_int(b.num_vfbs, 1, "still one vfb");
	free(err);
	domcfg_msgs_dispose(&m);
	domcfg_config_dispose(&b);
}

int main(void)
{
	test_defaults();
	test_enums();
	test_parse_reference();
	test_round_trip();
	test_json_errors();
	test_setdefault();
	test_copy();
	return tap_done();
}
