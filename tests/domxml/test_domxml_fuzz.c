/* Fuzz-style test: the libFuzzer body (fuzz_domxml.c) over deterministic
 * mutations of the XML fixtures and the XML of the example configs. Memory
 * errors are caught by ASan in the sanitizer build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/domxml/fuzz_domxml.c"

/* Pieces of domain XML that make mutations reach deeper than bytes. */
static const char *const tokens[] = {
	"<", ">", "/>", "</", "='", "'", "\"", "&amp;", "&#0;", "&x;", "<!--", "-->",
	"<![CDATA[", "]]>", "<?xml version='1.0'?>", "<!DOCTYPE d>", " ", "\n",
	"<disk type='file' device='cdrom'>", "<target dev='xvdz'/>", "<readonly/>",
	"<interface type='bridge'>", "<mac address='00:16:3e:00:00:0", "<graphics type='vnc' ",
	"port='5900'", "autoport='yes'", "<serial type='file'>", "<source path='/x'/>",
	"<vcpu current='3'>", "cpuset='0-3,^1'", "unit='GiB'", "<boot dev='network'/>",
	"<os><type>hvm</type></os>", "<features><acpi/><hap state='off'/></features>",
	"<clock offset='variable' adjustment='-5'>", "xmlns:vmctl='urn:vmctl:domain-xml:xl-cfg:1'",
	"<vmctl:cfg>", "</vmctl:cfg>", "vif = [ 'mac=00:16:3e:00:00:01' ]\n", "disk = [ ',hdd:cdrom,r' ]",
	"<xen:commandline xmlns:xen='http://libvirt.org/schemas/domain/xen/1.0'>",
	"<xen:arg value='-x'/>", "99999999999999999999", "-1", "\0",
};

#include "tests/cfg/fuzz_mutate.h"

/* Values for attributes and text: most mutants of XML are not
 * well-formed, these keep it well-formed and reach the converters. */
static const char *const values[] = {
	"", "0", "1", "-1", "5900", "65536", "99999999999999999999", "128", "129",
	"xvda", "xvdzz9", "hdc", "sdb1", "d0p1", "51712", "/dev/vg/x", "/a,b", "a b",
	"yes", "no", "on", "off", "utc", "localtime", "variable", "hpet", "pit",
	"pty", "file", "dev", "null", "tcp", "vnc", "sdl", "spice", "cirrus", "vga",
	"netfront", "e1000", "bridge", "ethernet", "network", "nbd", "iscsi", "rbd",
	"qemu", "phy", "tap", "raw", "qcow2", "empty", "cdrom", "floppy", "block",
	"00:16:3e:00:00:01", "01:00:00:00:00:00", "KiB", "b", "TB", "k", "0-3,^1", "all",
	"hvm", "linux", "xen", "xenpvh", "destroy", "rename-restart", "soft-reset",
	"&lt;&amp;&gt;", "\\x41", "\xc3\x28", "vnc = 1\npae = 0", "type = \"pv\"",
};

/* Replace the value of a random attribute or text node. */
static size_t mutate_value(const char *in, size_t len, char *out)
{
	size_t n = len, at = len ? rnd((uint32_t)len) : 0, end;
	const char *v = values[rnd(sizeof(values) / sizeof(values[0]))];
	size_t vl = strlen(v);

	memcpy(out, in, len);
	while (at < n && !strchr("'\">", out[at]))
		at++;
	if (at >= n)
		return n;
	end = ++at;
	while (end < n && out[end] != (out[at - 1] == '>' ? '<' : out[at - 1]))
		end++;
	if (end >= n || n - (end - at) + vl >= MAX_LEN)
		return n;
	memmove(out + at + vl, out + end, n - end);
	memcpy(out + at, v, vl);
	return n - (end - at) + vl;
}

/* The XML of a config file, as a seed. */
static void add_cfg_seed(const char *path)
{
	struct domcfg_config cfg;
	char *xml = NULL;

	domcfg_config_init(&cfg);
	if (domcfg_parse_file(&cfg, path, NULL, NULL) == 0 &&
	    vmctl_domxml_format(&cfg, NULL, VMCTL_DOMXML_SECURE, &xml, NULL) == 0)
		add_seed(xml, strlen(xml));
	free(xml);
	domcfg_config_dispose(&cfg);
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	static const char *const cfgs[] = {
		"docs/examples/demo.cfg", "docs/examples/xlexample.hvm",
		"tests/cfg/golden/hvm-full.cfg", "tests/cfg/golden/vfb-vkb.cfg",
		"tests/cfg/golden/disks.cfg",
	};
	char path[4096], buf[MAX_LEN];
	unsigned runs = 0, failures = 0;

	if (top) {
		snprintf(path, sizeof(path), "%s/tests/domxml/xml", top);
		load_dir(path);
		snprintf(path, sizeof(path), "%s/tests/domxml/bad", top);
		load_dir(path);
		for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", top, cfgs[i]);
			add_cfg_seed(path);
		}
	}
	diag("%zu seeds", nseeds);
	ok(nseeds > 20, "seed corpus loaded");
	for (size_t i = 0; i < nseeds; i++, runs++)
		failures += !fuzz_domxml((uint8_t *)seeds[i], seed_len[i]);
	for (unsigned i = 0; i < 10000; i++, runs++) {
		size_t s = rnd((uint32_t)nseeds), n;
		char tmp[MAX_LEN];

		if (rnd(4) == 0) {
			n = mutate(seeds[s], seed_len[s], buf);
		} else {
			n = mutate_value(seeds[s], seed_len[s], buf);
			for (unsigned k = rnd(3); k--; n = mutate_value(tmp, n, buf))
				memcpy(tmp, buf, n);
		}

		if (!fuzz_domxml((uint8_t *)buf, n))
			failures++, show(buf, n);
	}
	is_int(failures, 0, "%u inputs: messages named, accepted XML formats to a fixed point",
	       runs);
	free_seeds();
	return tap_done();
}
