/* xl.cfg grammar and conversion: Xen's quirks (reference §2.1), overrides,
 * warnings and the values that land in the typed config. Error texts are
 * checked in the malformed corpus (tests/cfg/bad). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libvmctl/domcfg.h"
#include "tests/tap.h"

static struct domcfg_config cfg;
static struct domcfg_msgs msgs;

/* Parse `text` as "t.cfg" with optional overrides into the globals. */
static int parse_ov(const char *text, const char *const *ov)
{
	domcfg_config_dispose(&cfg);
	domcfg_msgs_dispose(&msgs);
	return domcfg_parse_buffer(&cfg, "t.cfg", text, strlen(text), ov, &msgs);
}

static int parse(const char *text)
{
	return parse_ov(text, NULL);
}

static const char *warning(size_t i)
{
	return i < msgs.num_warnings ? msgs.warnings[i] : "(none)";
}

static void test_statements(void)
{
	is_int(parse("name=\"a\"; memory=64 # comment\n\n;;vcpus=2"), 0, "';', '#' and blank lines");
	is_str(cfg.c_info.name, "a", "name set");
	is_int(cfg.b_info.target_memkb, 64 * 1024, "memory in KiB");
	is_int(cfg.b_info.max_memkb, 64 * 1024, "maxmem defaults to memory");
	is_int(cfg.b_info.max_vcpus, 2, "last statement needs no terminator");
	is_int(cfg.c_info.type, DOMCFG_TYPE_PV, "type defaults to pv");
	is_int(parse(""), 0, "empty file");
	is_int(parse("name='x'\r\nmemory=8\r\n"), 0, "CRLF line ends tolerated");
	is_int(cfg.b_info.target_memkb, 8192, "value after CR");
}

static void test_duplicates_and_append(void)
{
	is_int(parse("memory=64\nname='a'\nmemory=128\n"), 0, "duplicate key");
	is_int(cfg.b_info.target_memkb, 128 * 1024, "the last duplicate wins");
	is_int(parse("cmdline='a'\ncmdline+=' b'\ncmdline+=\"c\"\n"), 0, "+= on strings");
	is_str(cfg.b_info.cmdline, "a bc", "strings concatenated");
	is_int(parse("disk=['/a,,xvda']\ndisk+=['/b,,xvdb', '/c,,xvdc']\n"), 0, "+= on lists");
	is_int(cfg.num_disks, 3, "lists concatenated");
	is_str(cfg.num_disks == 3 ? cfg.disks[2].vdev : NULL, "xvdc", "appended item in order");
	is_int(parse("disk=['/a,,xvda']\ndisk+=[]\n"), 0, "+= an empty list");
	is_int(cfg.num_disks, 1, "still one disk");
	is_int(parse("cmdline+='only'\n"), 0, "+= without an earlier value");
	is_str(cfg.b_info.cmdline, "only", "+= alone assigns");
	is_int(parse("memory=1\nmemory+=2\n"), -EINVAL, "+= on numbers is an error");
}

static void test_lists(void)
{
	is_int(parse("disk=[\n  '/a,,xvda',\n\n  '/b,,xvdb',\n]\n"), 0, "newlines and trailing comma");
	is_int(cfg.num_disks, 2, "two disks");
	is_int(parse("disk=[]\n"), 0, "empty list");
	is_int(cfg.num_disks, 0, "no disks");
	is_int(parse("foo=[1, ['a', [2]], 'b']\n"), 0, "nested lists parse");
	is_str(warning(0), "t.cfg:1:1: foo: unknown key; ignored", "unknown key warned with position");
	is_int(parse("disk=[ # comment in a list\n'/a,,xvda' # another\n]\n"), 0, "comments inside lists");
	is_int(cfg.num_disks, 1, "one disk");
}

static void test_strings(void)
{
	is_int(parse("cmdline=\"a\\tb\\\"c\\\\d\\n\"\n"), 0, "escapes");
	is_str(cfg.b_info.cmdline, "a\tb\"c\\d\n", "escapes decoded");
	is_int(parse("cmdline='it\\'s \"q\"'\n"), 0, "single quotes");
	is_str(cfg.b_info.cmdline, "it's \"q\"", "single-quoted string");
	is_int(parse("cmdline=\"a\\1234b\"\n"), 0, "numeric escape accepted");
	is_str(cfg.b_info.cmdline, "ab", "numeric escape yields nothing (as xl)");
	is_str(warning(0), "t.cfg:1:11: cmdline: numeric escape yields no character (as in Xen's xl)",
	       "numeric escape warned");
	is_int(parse("cmdline=\"\\x41\\x62\"\n"), 0, "hex escape (vmctl extension)");
	is_str(cfg.b_info.cmdline, "Ab", "hex escape decoded");
	is_int(parse("cmdline=''\n"), 0, "empty string");
	is_str(cfg.b_info.cmdline, "", "empty string kept");
	is_int(parse("name=123\n"), 0, "a number is a fine string");
	is_str(cfg.c_info.name, "123", "number text kept");
	is_int(parse("memory='0x20'\n"), 0, "a quoted number is a fine number");
	is_int(cfg.b_info.target_memkb, 32 * 1024, "hex number");
	is_int(parse("memory=010\n"), 0, "leading zero");
	is_int(cfg.b_info.target_memkb, 8 * 1024, "leading zero is octal (strtol base 0)");
}

static void test_type(void)
{
	is_int(parse("type='hvm'\n"), 0, "type hvm");
	is_int(cfg.c_info.type, DOMCFG_TYPE_HVM, "hvm in c_info");
	is_int(cfg.b_info.type, DOMCFG_TYPE_HVM, "hvm selects b_info's union");
	is_int(parse("type='p'\n"), 0, "type prefix");
	is_int(cfg.c_info.type, DOMCFG_TYPE_PV, "'p' is pv (prefix match)");
	is_str(warning(0), "t.cfg:1:6: type: 'p' taken as 'pv' (xl matches prefixes)", "prefix warned");
	is_int(parse("type=''\n"), 0, "empty type");
	is_int(cfg.c_info.type, DOMCFG_TYPE_HVM, "'' matches hvm first (xl quirk)");
	is_int(parse("type='pvh'\n"), 0, "type pvh");
	is_int(cfg.c_info.type, DOMCFG_TYPE_PVH, "pvh");
	is_int(parse("builder='hvm'\n"), 0, "builder hvm");
	is_int(cfg.c_info.type, DOMCFG_TYPE_HVM, "builder selects hvm");
	is_str(warning(0), "t.cfg:1:1: builder: deprecated; use type=\"hvm\"", "builder deprecated");
	is_int(parse("type='hvm'\nbuilder='hvm'\n"), 0, "builder agreeing with type");
	is_int(parse("pae=1\n"), 0, "HVM key in a PV config");
	is_str(warning(0), "t.cfg:1:1: pae: only applies to HVM guests; ignored", "wrong-type key warned");
	is_int(parse("pci=['01:00.0']\n"), 0, "unsupported Xen key");
	is_str(warning(0), "t.cfg:1:1: pci: not supported by vmctl; ignored", "unsupported key warned");
}

static void test_overrides(void)
{
	const char *const ov[] = { "memory=256", "name=\"b\"", NULL };
	const char *const bad[] = { "memory=", NULL };
	const char *const app[] = { "vif+=['bridge=br1']", NULL };

	is_int(parse_ov("name='a'\nmemory=64\n", ov), 0, "overrides");
	is_int(cfg.b_info.target_memkb, 256 * 1024, "override wins");
	is_str(cfg.c_info.name, "b", "second override");
	is_int(parse_ov("name='a'\n", bad), -EINVAL, "bad override");
	is_str(msgs.error, "command line:1:8: memory: expected a value (string, number or list), "
	       "found end of file", "override error names the command line");
	is_int(parse_ov("vif=['bridge=br0']\n", app), 0, "override with +=");
	is_int(cfg.num_nics, 2, "override appended a NIC");
	is_int(cfg.num_nics == 2 ? cfg.nics[1].devid : -1, 1, "devid is the list index");
}

static void test_booting(void)
{
	is_int(parse("root='/dev/xvda1'\nextra='console=hvc0'\n"), 0, "root and extra");
	is_str(cfg.b_info.cmdline, "root=/dev/xvda1 console=hvc0", "cmdline from root and extra");
	is_int(parse("root='/dev/xvda1'\n"), 0, "root only");
	is_str(cfg.b_info.cmdline, "root=/dev/xvda1", "cmdline from root");
	is_int(parse("extra='single'\n"), 0, "extra only");
	is_str(cfg.b_info.cmdline, "single", "cmdline from extra");
	is_int(parse("cmdline='x'\nroot='/dev/xvda1'\n"), 0, "cmdline and root");
	is_str(cfg.b_info.cmdline, "x", "cmdline wins");
	is_str(warning(0), "t.cfg:2:1: root: ignored because cmdline is set", "root ignored, warned");
	is_int(parse("bootloader_args=['-q', '--entry=1']\n"), 0, "string list");
	ok(cfg.b_info.bootloader_args && !strcmp(cfg.b_info.bootloader_args[1], "--entry=1") &&
	   !cfg.b_info.bootloader_args[2], "bootloader_args stored");
}

static void test_resources(void)
{
	is_int(parse("vcpus=3\nmaxvcpus=8\n"), 0, "vcpus and maxvcpus");
	is_int(cfg.b_info.max_vcpus, 8, "max_vcpus from maxvcpus");
	ok(domcfg_bitmap_test(&cfg.b_info.avail_vcpus, 2) &&
	   !domcfg_bitmap_test(&cfg.b_info.avail_vcpus, 3), "first 3 vCPUs online");
	is_int(parse("memory=512\nmaxmem=1024\n"), 0, "pre-ballooned");
	is_int(cfg.b_info.max_memkb, 1024 * 1024, "maxmem");
	is_int(cfg.b_info.target_memkb, 512 * 1024, "memory");
	is_int(parse("cpus='0-3,^2'\n"), 0, "cpus list");
	ok(domcfg_bitmap_test(&cfg.b_info.cpumap, 3) && !domcfg_bitmap_test(&cfg.b_info.cpumap, 2),
	   "cpus with exclusion");
	is_int(parse("on_crash='rename-restart'\non_poweroff='preserve'\n"), 0, "actions");
	is_int(cfg.on_crash, DOMCFG_ACTION_RESTART_RENAME, "xl spelling");
	is_int(cfg.on_reboot, DOMCFG_ACTION_RESTART, "xl's on_reboot default");
	is_int(cfg.on_soft_reset, DOMCFG_ACTION_SOFT_RESET, "xl's on_soft_reset default");
	is_int(parse("tsc_mode='native'\ntimer_mode=2\n"), 0, "enums by name and number");
	is_int(cfg.b_info.tsc_mode, DOMCFG_TSC_MODE_NATIVE, "tsc_mode");
}

static void test_display(void)
{
	is_int(parse("vnc=1\nvnclisten='0.0.0.0'\nvncdisplay=3\nkeymap='de'\n"), 0, "PV top-level vnc");
	is_int(cfg.num_vfbs, 1, "a vfb made from top-level keys");
	is_int(cfg.num_vkbs, 1, "and its vkb");
	is_str(cfg.num_vfbs ? cfg.vfbs[0].vnc.listen : NULL, "0.0.0.0", "vnclisten moved to the vfb");
	is_int(cfg.num_vfbs ? cfg.vfbs[0].vnc.display : -1, 3, "vncdisplay moved");
	is_str(cfg.num_vfbs ? cfg.vfbs[0].keymap : NULL, "de", "keymap moved");
	ok(cfg.b_info.hvm.vnc.listen == NULL, "nothing left in the HVM display");
	is_int(parse("vnc=0\n"), 0, "PV vnc=0");
	is_int(cfg.num_vfbs, 0, "no vfb without vnc or sdl");
	is_int(parse("type='hvm'\nvnc=1\nvga='stdvga'\nserial=['pty','null']\n"), 0, "HVM display");
	is_int(cfg.num_vfbs, 0, "HVM keeps vnc in b_info");
	ok(domcfg_defbool_val(cfg.b_info.hvm.vnc.enable, false), "hvm.vnc.enable");
	is_int(cfg.b_info.hvm.vga.kind, DOMCFG_VGA_STD, "vga std");
	ok(cfg.b_info.hvm.serial_list && !strcmp(cfg.b_info.hvm.serial_list[1], "null"), "serial list");
	is_int(parse("vfb=['vnc=1','sdl=1']\nvkb=['backend-type=linux']\n"), 0, "vfb and vkb lists");
	is_int(cfg.num_vfbs, 2, "two vfbs");
	is_int(cfg.num_vkbs, 3, "a vkb per vfb plus the vkb list");
	is_int(cfg.num_vkbs == 3 ? cfg.vkbs[2].devid : -1, 2, "vkb devids follow");
}

static void test_files(void)
{
	char path[] = "/tmp/test_cfg_grammar.XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "name = 'f'\nmemory = 48\nbogus = 1\n";

	domcfg_config_dispose(&cfg);
	domcfg_msgs_dispose(&msgs);
	is_int(domcfg_parse_file(&cfg, "/nonexistent/x.cfg", NULL, &msgs), -ENOENT, "missing file");
	is_str(msgs.error, "/nonexistent/x.cfg: cannot read: No such file or directory",
	       "missing file named in the error");
	ok(fd >= 0 && write(fd, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1, "temp file");
	domcfg_msgs_dispose(&msgs);
	is_int(domcfg_parse_file(&cfg, path, NULL, &msgs), 0, "parse a file");
	is_int(cfg.b_info.target_memkb, 48 * 1024, "value from the file");
	ok(msgs.num_warnings == 1 && !strncmp(msgs.warnings[0], path, strlen(path)) &&
	   strstr(msgs.warnings[0], ":3:1: bogus: unknown key"), "warning names the file path");
	if (fd >= 0)
		close(fd);
	unlink(path);
}

int main(void)
{
	domcfg_config_init(&cfg);
	domcfg_msgs_init(&msgs);
	test_statements();
	test_duplicates_and_append();
	test_lists();
	test_strings();
	test_type();
	test_overrides();
	test_booting();
	test_resources();
	test_display();
	test_files();
	domcfg_config_dispose(&cfg);
	domcfg_msgs_dispose(&msgs);
	return tap_done();
}
