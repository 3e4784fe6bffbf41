/* The device spec mini-languages: vdev -> devid (reference §2.4 table),
 * disk specs in all their forms, vif, vfb and vkb specs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/domcfg.h"
#include "tests/tap.h"

static void test_vdev(void)
{
	static const struct { const char *vdev; int devid; } table[] = {
		{ "xvda", 51712 }, { "xvdb", 51728 }, { "xvdp", (202 << 8) | (15 << 4) },
		{ "xvda1", 51713 }, { "xvda15", 51727 },
		{ "xvda16", (1 << 28) | 16 }, { "xvdq", (1 << 28) | (16 << 8) },
		{ "xvdz", (1 << 28) | (25 << 8) }, { "xvdaa", (1 << 28) | (26 << 8) },
		{ "xvdab3", (1 << 28) | (27 << 8) | 3 }, { "xvdq255", (1 << 28) | (16 << 8) | 255 },
		{ "hda", 768 }, { "hdb", 832 }, { "hdc", 5632 }, { "hdd", 5696 },
		{ "hda1", 769 }, { "hda63", 831 }, { "hdc5", 5637 },
		{ "sda", 2048 }, { "sdb", 2064 }, { "sdp", 2048 + 240 }, { "sda15", 2063 },
		{ "d0p0", 51712 }, { "d0p1", 51713 }, { "d1", 51728 }, { "d16p0", (1 << 28) | (16 << 8) },
		{ "51712", 51712 }, { "0", 0 }, { "268439552", 268439552 },
	};
	static const char *const bad[] = {
		"", "xvd", "hd", "sd", "foo", "xvdA", "xvda01", "xvda256", "hde", "hda64",
		"sdq", "sda16", "d", "dp1", "d0p", "d0p256", "xvda-1", "12a", "xvda1x",
		"xvdaaaaaa",
	};
	int disk = -1, part = -1;

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		is_int(domcfg_vdev_to_devid(table[i].vdev, NULL, NULL), table[i].devid,
		       "vdev %s -> %d", table[i].vdev, table[i].devid);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(domcfg_vdev_to_devid(bad[i], NULL, NULL), -EINVAL, "vdev '%s' rejected", bad[i]);
	is_int(domcfg_vdev_to_devid("xvdc7", &disk, &part), 51751, "xvdc7");
	ok(disk == 2 && part == 7, "xvdc7 is disk 2 partition 7");
}

static struct domcfg_disk d;

static int disk(const char *spec)
{
	char *err = NULL;
	int rc;

	domcfg_disk_dispose(&d);
	rc = domcfg_disk_parse(&d, spec, &err);
	if (rc)
		diag("%s: %s", spec, err ? err : "?");
	free(err);
	return rc;
}

static void same_disk(const char *spec, const char *target, const char *vdev,
		      enum domcfg_disk_format fmt, int rw)
{
	int rc = disk(spec);

	ok(rc == 0 && d.pdev_path && !strcmp(d.pdev_path, target) && d.vdev &&
	   !strcmp(d.vdev, vdev) && d.format == fmt && d.readwrite == rw,
	   "disk '%s'", spec);
}

static void test_disk(void)
{
	char *err = NULL;

	/* The reference's four equivalent forms. */
	same_disk("/dev/vg/guest-volume,,hda", "/dev/vg/guest-volume", "hda", DOMCFG_DISK_FORMAT_RAW, 1);
	same_disk("/dev/vg/guest-volume,raw,hda,rw", "/dev/vg/guest-volume", "hda", DOMCFG_DISK_FORMAT_RAW, 1);
	same_disk("format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume",
		  "/dev/vg/guest-volume", "hda", DOMCFG_DISK_FORMAT_RAW, 1);
	same_disk("raw:/dev/vg/guest-volume,hda,w", "/dev/vg/guest-volume", "hda", DOMCFG_DISK_FORMAT_RAW, 1);
	/* Other forms. */
	same_disk("vdev=xvdb, target=/a,b,c", "/a,b,c", "xvdb", DOMCFG_DISK_FORMAT_RAW, 1);
	same_disk("tap:aio:/img,xvda,r", "/img", "xvda", DOMCFG_DISK_FORMAT_RAW, 0);
	same_disk("qcow2:/img.q,xvda,w", "/img.q", "xvda", DOMCFG_DISK_FORMAT_QCOW2, 1);
	same_disk("/img,vhd,xvda,ro", "/img", "xvda", DOMCFG_DISK_FORMAT_VHD, 0);
	same_disk("/img,qcow,xvda", "/img", "xvda", DOMCFG_DISK_FORMAT_QCOW, 1);
	same_disk("  /img , ,xvda", "/img ", "xvda", DOMCFG_DISK_FORMAT_RAW, 1);
	same_disk("/img,,xvda,", "/img", "xvda", DOMCFG_DISK_FORMAT_RAW, 1);
	same_disk("iscsi:iqn.2001-04.com.example:disk,xvda,w", "iqn.2001-04.com.example:disk",
		  "xvda", DOMCFG_DISK_FORMAT_RAW, 1);
	is_str(d.script, "block-iscsi", "iscsi: prefix sets the script");
	is_int(disk(",hdc:cdrom,r"), 0, "empty CD (deprecated form)");
	ok(d.is_cdrom && d.removable && d.format == DOMCFG_DISK_FORMAT_EMPTY && !d.readwrite &&
	   !strcmp(d.vdev, "hdc"), "empty CD: cdrom, removable, format empty, read-only");
	is_int(disk("/iso,,hdc,rw,cdrom"), 0, "cdrom flag");
	ok(d.is_cdrom && !d.readwrite && d.format == DOMCFG_DISK_FORMAT_RAW, "a CD is read-only");
	is_int(disk("/img,,xvda,devtype=disk"), 0, "devtype=disk");
	is_int(d.is_cdrom, 0, "not a CD");
	is_int(disk("/img,,xvda,discard,direct-io-safe,trusted,backendtype=phy,backend=dd,"
		    "script=s,specification=virtio"), 0, "flags and keys");
	ok(d.discard_enable == DOMCFG_DEFBOOL_TRUE && d.direct_io_safe &&
	   d.trusted == DOMCFG_DEFBOOL_TRUE && d.backend == DOMCFG_DISK_BACKEND_PHY &&
	   !strcmp(d.backend_domname, "dd") && !strcmp(d.script, "s") &&
	   d.specification == DOMCFG_DISK_SPEC_VIRTIO, "flags and keys stored");
	is_int(disk("/img,,xvda,no-discard,untrusted"), 0, "negative flags");
	ok(d.discard_enable == DOMCFG_DEFBOOL_FALSE && d.trusted == DOMCFG_DEFBOOL_FALSE,
	   "negative flags stored");
	/* As in xl: once format= is given, the format positional is skipped. */
	same_disk("format=qcow2,/img,xvda", "/img", "xvda", DOMCFG_DISK_FORMAT_QCOW2, 1);
	is_int(disk("format=raw,/img,,xvda"), -EINVAL, "so an empty format positional is the vdev");
	/* Errors. */
	is_int(disk("/img"), -EINVAL, "no vdev");
	is_int(disk("/img,raw"), -EINVAL, "still no vdev");
	is_int(disk(",,xvda"), -EINVAL, "empty target on a disk");
	is_int(disk("/img,bogus,xvda"), -EINVAL, "bad format");
	is_int(disk("format=raw,format=qcow2,vdev=xvda,target=/a"), -EINVAL, "format respecified");
	is_int(disk("/a,raw,xvda,rw,x"), -EINVAL, "too many positionals");
	is_int(disk("/a,,xvda,devtype=floppy"), -EINVAL, "bad devtype");
	is_int(disk("/a,,xvda,backendtype=nfs"), -EINVAL, "bad backendtype");
	is_int(disk("/a,,hdz"), -EINVAL, "vdev out of hd range");
	is_int(disk("/a,,xvda,a=b=c"), -EINVAL, "unknown parameter");
	is_int(disk("c:/a,xvda,w"), -EINVAL, "unknown prefix");
	is_int(domcfg_disk_parse(&d, "/a,,xvda,rw,x", &err), -EINVAL, "error text");
	is_str(err, "too many positional parameters near 'x' in disk spec '/a,,xvda,rw,x'",
	       "error says what and where");
	free(err);
	domcfg_disk_dispose(&d);
}

static void test_vif(void)
{
	struct domcfg_nic n;
	struct domcfg_msgs w;
	char *err = NULL;

	domcfg_nic_init(&n);
	domcfg_msgs_init(&w);
	is_int(domcfg_nic_parse(&n, "", &err, &w), 0, "empty vif spec");
	is_int(n.devid, -1, "devid left to the caller");
	is_int(domcfg_nic_parse(&n, "mac=00:16:3E:0a:0b:0c, bridge=br0,ip=10.0.0.2 10.0.0.3,"
				"type=vif,model=e1000,vifname=v1,script=vif-nat,backend=dd,"
				"devid=4,mtu=1400,netdev=eth0", &err, &w), 0, "full vif spec");
	ok(n.mac[0] == 0 && n.mac[2] == 0x3e && n.mac[5] == 0x0c, "mac");
	ok(!strcmp(n.bridge, "br0") && !strcmp(n.ip, "10.0.0.2 10.0.0.3") &&
	   n.nictype == DOMCFG_NIC_TYPE_VIF && !strcmp(n.model, "e1000") &&
	   !strcmp(n.ifname, "v1") && !strcmp(n.script, "vif-nat") &&
	   !strcmp(n.backend_domname, "dd") && n.devid == 4 && n.mtu == 1400 &&
	   !strcmp(n.gatewaydev, "eth0"), "all keys stored");
	is_int(domcfg_nic_parse(&n, "rate=10Mb/s", &err, &w), 0, "rate, default interval");
	ok(n.rate_bytes_per_interval == 62500 && n.rate_interval_usecs == 50000,
	   "10Mb/s over 50ms = 62500 bytes");
	is_int(domcfg_nic_parse(&n, "rate=2MB/s@20ms", &err, &w), 0, "rate with interval");
	ok(n.rate_bytes_per_interval == 40000 && n.rate_interval_usecs == 20000, "2MB/s over 20ms");
	is_int(domcfg_nic_parse(&n, "rate=3B/s@2", &err, &w), 0, "interval in seconds by default");
	ok(n.rate_bytes_per_interval == 6 && n.rate_interval_usecs == 2000000, "3B/s over 2s");
	is_int(domcfg_nic_parse(&n, "vlan=10", &err, &w), 0, "unsupported key");
	is_int(domcfg_nic_parse(&n, "bogus=1,flag", &err, &w), 0, "unknown keys");
	is_int(w.num_warnings, 3, "three warnings");
	is_str(w.num_warnings == 3 ? w.warnings[1] : NULL, "unknown vif option 'bogus=1'; ignored",
	       "unknown key warned");
	static const char *const bad[] = {
		"mac=00:16:3e:00:00", "mac=01:00:5e:00:00:01", "mac=00:16:3e:00:00:001",
		"type=tap", "rate=10Mb", "rate=10Xb/s", "rate=0Mb/s", "rate=10Mb/s@", "rate=10Mb/s@5h",
		"rate=@1s", "devid=x", "mtu=70000", "rate=99999999999Mb/s",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		is_int(domcfg_nic_parse(&n, bad[i], &err, NULL), -EINVAL, "vif '%s' rejected", bad[i]);
		ok(err && strstr(err, bad[i]), "message quotes the spec: %s", err ? err : "(none)");
		free(err);
		err = NULL;
	}
	domcfg_msgs_dispose(&w);
	domcfg_nic_dispose(&n);
}

static void test_vfb_vkb(void)
{
	struct domcfg_vfb f;
	struct domcfg_vkb k;
	char *err = NULL;

	domcfg_vfb_init(&f);
	domcfg_vkb_init(&k);
	is_int(domcfg_vfb_parse(&f, "vnc=1,vnclisten=0.0.0.0,vncdisplay=2,vncunused=0,"
				"vncpasswd=pw,keymap=de,sdl=0,opengl=1,display=:1,xauthority=/x",
				&err, NULL), 0, "vfb spec");
	ok(f.vnc.enable == DOMCFG_DEFBOOL_TRUE && !strcmp(f.vnc.listen, "0.0.0.0") &&
	   f.vnc.display == 2 && f.vnc.findunused == DOMCFG_DEFBOOL_FALSE &&
	   !strcmp(f.vnc.passwd, "pw") && !strcmp(f.keymap, "de") &&
	   f.sdl.enable == DOMCFG_DEFBOOL_FALSE && f.sdl.opengl == DOMCFG_DEFBOOL_TRUE &&
	   !strcmp(f.sdl.display, ":1") && !strcmp(f.sdl.xauthority, "/x"), "vfb fields");
	is_int(domcfg_vfb_parse(&f, "vncdisplay=60000", &err, NULL), -EINVAL, "vncdisplay range");
	free(err);
	err = NULL;
	is_int(domcfg_vfb_parse(&f, "type=vga", &err, NULL), -EINVAL, "vfb type");
	free(err);
	err = NULL;
	is_int(domcfg_vkb_parse(&k, "backend-type=linux,unique-id=u,feature-disable-pointer=1,"
				"width=640,height=480,multi-touch-num-contacts=5", &err, NULL), 0,
	       "vkb spec");
	ok(k.backend_type == DOMCFG_VKB_BACKEND_LINUX && !strcmp(k.unique_id, "u") &&
	   k.feature_disable_pointer && k.width == 640 && k.height == 480 &&
	   k.multi_touch_num_contacts == 5, "vkb fields");
	is_int(domcfg_vkb_parse(&k, "width=-1", &err, NULL), -EINVAL, "vkb width range");
	free(err);
	domcfg_vfb_dispose(&f);
	domcfg_vkb_dispose(&k);
}

int main(void)
{
	domcfg_disk_init(&d);
	test_vdev();
	test_disk();
	test_vif();
	test_vfb_vkb();
	return tap_done();
}
