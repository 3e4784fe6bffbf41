/* Integration test: a private vmhv serving privcmd, driven through
 * libvmctl's client (libvmctl/hv.h) and a raw socket for malformed input. */
#include "libvmctl/hv.h"
#include "tests/hv/vmhv_proc.h"
#include "tests/tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHUTDOWN_reboot 1

static const char *test_rundir;

static void test_host(struct hv *h)
{
	struct privcmd_version v;
	struct privcmd_physinfo p;

	is_int(hv_version(h, &v), 0, "version");
	is_int(v.major, 4, "xen_major 4");
	is_int(v.minor, 17, "xen_minor 17");
	ok(strstr(v.capabilities, "xen-3.0-x86_64") != NULL, "caps: %s", v.capabilities);
	is_int(v.pagesize, 4096, "pagesize");
	is_int(hv_physinfo(h, &p), 0, "physinfo");
	ok(p.nr_cpus >= 1, "nr_cpus %u", p.nr_cpus);
	ok(p.total_pages > 0 && p.free_pages <= p.total_pages, "memory %llu/%llu pages",
	   (unsigned long long)p.free_pages, (unsigned long long)p.total_pages);
	ok(p.virt_caps & PRIVCMD_VIRTCAP_PV, "pv capability");
}

static void test_create_bad(struct hv *h)
{
	uint32_t domid;

	is_int(hv_domain_create(h, NULL, 0, 0, 256, &domid), -EINVAL, "0 vcpus refused");
	is_int(hv_domain_create(h, NULL, 0, 33, 256, &domid), -EINVAL, "33 vcpus refused");
	is_int(hv_domain_create(h, NULL, 0, 1, 0, &domid), -EINVAL, "0 pages refused");
	is_int(hv_domain_create(h, NULL, 0, 1, PRIVCMD_MAX_PAGES + 1, &domid), -EINVAL,
	       "too many pages refused");
	is_int(hv_domain_create(h, NULL, 0x80, 1, 256, &domid), -EINVAL, "unknown flag refused");
}

static void test_lifecycle(struct hv *h)
{
	static const uint8_t uuid[16] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };
	struct privcmd_dominfo info, list[8];
	uint32_t d1 = 0, d2 = 0;

	is_int(hv_domain_create(h, uuid, 0, 2, 1024, &d1), 0, "create");
	is_int(d1, 1, "first domid is 1");
	is_int(hv_domain_create(h, NULL, 0, 1, 256, &d2), 0, "create another");
	is_int(d2, 2, "second domid is 2");
	is_int(hv_domain_getinfo(h, d1, &info), 0, "getinfo");
	ok(info.flags & PRIVCMD_DOMINF_PAUSED, "a new domain is paused");
	is_int(info.max_vcpus, 2, "max_vcpus");
	is_int(info.tot_pages, 1024, "tot_pages");
	ok(memcmp(info.handle, uuid, 16) == 0, "handle kept");
	is_int(hv_domain_getinfolist(h, 0, list, 8), 2, "getinfolist sees 2 domains");
	is_int(list[1].domid, d2, "in domid order");
	is_int(hv_domain_getinfolist(h, d2, list, 8), 1, "getinfolist from domid 2");
	is_int(hv_domain_getinfolist(h, 0, list, 1), 1, "getinfolist honours max");

	is_int(hv_domain_unpause(h, d1), 0, "unpause");
	hv_domain_getinfo(h, d1, &info);
	ok(!(info.flags & PRIVCMD_DOMINF_PAUSED), "running after unpause (flags %#x)", info.flags);
	is_int(hv_domain_unpause(h, d1), -EINVAL, "unpause below 0 refused");
	is_int(hv_domain_pause(h, d1), 0, "pause");
	hv_domain_getinfo(h, d1, &info);
	ok(info.flags & PRIVCMD_DOMINF_PAUSED, "paused after pause");
	is_int(hv_domain_max_vcpus(h, d2, 4), 0, "max_vcpus before start");
	is_int(hv_domain_max_vcpus(h, d2, 0), -EINVAL, "max_vcpus 0 refused");
	is_int(hv_domain_max_mem(h, d2, 8192), 0, "max_mem");
	hv_domain_getinfo(h, d2, &info);
	is_int(info.max_pages, 2048, "max_mem in KiB becomes pages");
	is_int(info.max_vcpus, 4, "max_vcpus applied");

	uint64_t pv = 0;

	is_int(hv_settimeoffset(h, d2, 3600), 0, "settimeoffset");
	is_int(hv_settimeoffset(h, d2, 1ll << 40), -EINVAL, "an absurd time offset");
	is_int(hv_hvm_param_set(h, d2, 17, 0x1234), 0, "hvm param set");
	is_int(hv_hvm_param_get(h, d2, 17, &pv), 0, "hvm param get");
	is_int(pv, 0x1234, "the value kept");
	is_int(hv_hvm_param_get(h, d2, 39, &pv), -EINVAL, "param index past the table");
	is_int(hv_domain_shutdown(h, d2, SHUTDOWN_reboot), 0, "remote shutdown");
	hv_domain_getinfo(h, d2, &info);
	ok(info.flags & PRIVCMD_DOMINF_SHUTDOWN, "shutdown flag");
	is_int(info.shutdown_reason, SHUTDOWN_reboot, "shutdown reason kept");
	is_int(hv_domain_shutdown(h, d2, 99), -EINVAL, "unknown reason refused");

	is_int(hv_domain_destroy(h, d1), 0, "destroy");
	is_int(hv_domain_getinfo(h, d1, &info), -ESRCH, "gone after destroy");
	is_int(hv_domain_destroy(h, d1), -ESRCH, "destroy twice: ESRCH");
	is_int(hv_domain_pause(h, 999), -ESRCH, "pause unknown domid: ESRCH");
	is_int(hv_domain_getinfo(h, 0, &info), -ESRCH, "dom0 is not a vmhv domain");
	is_int(hv_domain_destroy(h, d2), 0, "destroy the shut-down one");
	is_int(hv_domain_create(h, NULL, 0, 1, 256, &d1), 0, "create after destroy");
	is_int(d1, 3, "domids are not reused at once");
	is_int(hv_domain_destroy(h, d1), 0, "destroy it");
}

static void test_foreign_map(struct hv *h)
{
	struct privcmd_foreign_map fm;
	uint32_t domid;
	struct stat st;
	int fd = -1;

	hv_domain_create(h, NULL, 0, 1, 256, &domid);
	is_int(hv_foreign_map(h, domid, &fd, &fm), 0, "foreign map");
	is_int(fm.ram_frames, 256, "ram frames");
	ok(fm.nr_frames > fm.ram_frames, "hypervisor frames after RAM (%llu)",
	   (unsigned long long)fm.nr_frames);
	ok(fd >= 0 && fstat(fd, &st) == 0 && (uint64_t)st.st_size == fm.nr_frames * 4096,
	   "the fd is the memory file");
	ok(ftruncate(fd, 4096) < 0, "the file cannot be shrunk by a client");
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096 * 5);
	ok(m != MAP_FAILED, "map frame 5");
	if (m != MAP_FAILED) {
		strcpy(m, "hello");
		munmap(m, 4096);
	}
	close(fd);
	is_int(hv_foreign_map(h, 777, &fd, &fm), -ESRCH, "foreign map of no domain");
	hv_domain_destroy(h, domid);
}

static void test_dmesg(struct hv *h)
{
	char buf[4096];
	uint64_t pos = 0;
	int n;

	n = hv_dmesg(h, &pos, buf, sizeof(buf) - 1, 0);
	ok(n > 0, "dmesg has text");
	buf[n > 0 ? n : 0] = 0;
	ok(strstr(buf, "vmhv") != NULL, "dmesg shows the banner");
	is_int(pos, n, "position moved past the text");
	is_int(hv_dmesg(h, &pos, buf, sizeof(buf), 0), 0, "nothing new");
	pos = 0;
	is_int(hv_dmesg(h, &pos, buf, 4, 0), 4, "a short buffer gets a part");
	is_int(pos, 4, "and the position follows it");
	pos = 0;
	hv_dmesg(h, &pos, buf, sizeof(buf), 1);
	pos = 0;
	is_int(hv_dmesg(h, &pos, buf, sizeof(buf), 0), 0, "cleared");
}

/* Dom0's event channels: VIRQ_DOM_EXC, and a port to a (paused) guest
 * whose pending bit we watch through the foreign mapping. */
static void test_dom0_evtchn(struct hv *h)
{
	struct privcmd_foreign_map fm;
	uint32_t domid, gport = 0, port = 0, vport = 0;
	int efd = -1, vfd = -1, memfd = -1;
	uint64_t count = 0;
	uint64_t *pending;
	uint8_t *mem;

	hv_domain_create(h, NULL, 0, 1, 256, &domid);
	is_int(hv_evtchn_bind_virq(h, 3, &vport, &vfd), 0, "dom0 binds VIRQ_DOM_EXC");
	is_int(hv_evtchn_bind_virq(h, 3, &port, &efd), -EEXIST, "only once per connection");
	struct hv *h2 = NULL;
	uint32_t vport2 = 0;
	int vfd2 = -1;

	hv_open(test_rundir, &h2);
	is_int(h2 ? hv_evtchn_bind_virq(h2, 3, &vport2, &vfd2) : -1, 0,
	       "another connection binds it too");
	is_int(hv_evtchn_alloc_unbound(h, domid, 0, &gport), 0, "alloc_unbound in the guest");
	ok(gport > 0, "guest port %u", gport);
	is_int(hv_evtchn_bind_interdomain(h, domid, gport, &port, &efd), 0, "dom0 binds to it");
	ok(efd >= 0 && port > 0, "with an eventfd");
	is_int(hv_evtchn_bind_interdomain(h, domid, gport, &port, &efd), -EINVAL,
	       "a bound port cannot be bound again");
	hv_foreign_map(h, domid, &memfd, &fm);
	mem = mmap(NULL, fm.nr_frames * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	pending = (uint64_t *)(mem + fm.ram_frames * 4096 + 2048);
	pending[0] = 0;
	is_int(hv_evtchn_notify(h, port), 0, "notify");
	ok(pending[0] & (1ull << gport), "the guest's port is pending in shared_info");
	is_int(hv_evtchn_notify(h, 4000), -EBADF, "notify of a port we do not own");
	is_int(hv_domain_shutdown(h, domid, 0), 0, "shutdown");
	ok(read(vfd, &count, sizeof(count)) == sizeof(count) && count >= 1,
	   "VIRQ_DOM_EXC fired (%llu)", (unsigned long long)count);
	ok(read(vfd2, &count, sizeof(count)) == sizeof(count) && count >= 1,
	   "for both connections");
	hv_close(h2);
	close(vfd2);
	is_int(hv_domain_destroy(h, domid), 0, "destroy");
	is_int(hv_evtchn_notify(h, port), 0, "notify after the peer died is dropped");
	is_int(hv_evtchn_close(h, port), 0, "close");
	is_int(hv_evtchn_close(h, port), -EBADF, "closed");
	hv_evtchn_close(h, vport);
	munmap(mem, fm.nr_frames * 4096);
	close(memfd);
	close(efd);
	close(vfd);
}

/* Dom0 maps a guest's grant as a backend does. */
static void test_gnttab(struct hv *h)
{
	struct privcmd_foreign_map fm;
	uint32_t domid, handle = 0, handle2 = 0;
	uint64_t frame = 0;
	int memfd = -1;
	uint8_t *mem;
	struct { uint16_t flags, domid; uint32_t frame; } *g;

	hv_domain_create(h, NULL, 0, 1, 256, &domid);
	hv_foreign_map(h, domid, &memfd, &fm);
	mem = mmap(NULL, fm.nr_frames * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	g = (void *)(mem + (fm.ram_frames + 1) * 4096);
	g[5].domid = 0;
	g[5].frame = 7;
	g[5].flags = 1;                       /* GTF_permit_access */
	g[6] = g[5];
	g[6].flags = 1 | 4;                   /* readonly */
	g[7] = g[5];
	g[7].domid = 3;                       /* for another domain */
	is_int(hv_gnttab_map(h, domid, 5, 0, &frame, &handle), 0, "map a granted ref");
	is_int(frame, 7, "the granted frame");
	ok(g[5].flags & 16, "GTF_writing set while mapped");
	is_int(hv_gnttab_map(h, domid, 5, 1, &frame, &handle2), 0, "map it read-only too");
	ok(g[5].flags & 8, "GTF_reading set");
	is_int(hv_gnttab_map(h, domid, 6, 0, &frame, &handle2), -EPERM, "read-only ref not writable");
	is_int(hv_gnttab_map(h, domid, 7, 1, &frame, &handle2), -EPERM, "a ref for another domain");
	is_int(hv_gnttab_map(h, domid, 8, 1, &frame, &handle2), -EPERM, "an empty ref");
	is_int(hv_gnttab_map(h, domid, 999999, 1, &frame, &handle2), -EINVAL, "ref out of range");
	is_int(hv_gnttab_map(h, 999, 5, 1, &frame, &handle2), -ESRCH, "no such domain");
	is_int(hv_gnttab_unmap(h, handle), 0, "unmap");
	ok(!(g[5].flags & 16), "GTF_writing cleared");
	is_int(hv_gnttab_unmap(h, handle), -EINVAL, "unmap twice");

	/* dom0 copies from the granted frame 7 into frame 20 of the guest. */
	struct privcmd_gnttab_copy cp[2] = {
		{ .src_domid = domid, .src_ref = 5, .dst_domid = domid, .dst_ref = 20,
		  .src_offset = 100, .dst_offset = 200, .len = 6, .flags = PRIVCMD_GNTCOPY_SRC_GREF },
		{ .src_domid = domid, .src_ref = 7, .dst_domid = domid, .dst_ref = 20,
		  .len = 6, .flags = PRIVCMD_GNTCOPY_SRC_GREF },
	};
	memcpy(mem + 7 * 4096 + 100, "copied", 6);
	is_int(hv_gnttab_copy(h, cp, 2), 0, "grant copy");
	is_int(cp[0].status, 0, "through a granted ref");
	ok(memcmp(mem + 20 * 4096 + 200, "copied", 6) == 0, "the bytes arrived");
	is_int(cp[1].status, -8, "a ref granted to someone else: permission denied");
	hv_domain_destroy(h, domid);
	munmap(mem, fm.nr_frames * 4096);
	close(memfd);
}

/* Send raw bytes, return the reply header's rc (or -errno). */
static int raw_call(int fd, const void *pkt, size_t len, struct privcmd_hdr *rh)
{
	char buf[256];

	if (send(fd, pkt, len, 0) < 0)
		return -errno;
	ssize_t r = recv(fd, buf, sizeof(buf), 0);
	if (r < (ssize_t)sizeof(*rh))
		return -EPROTO;
	memcpy(rh, buf, sizeof(*rh));
	return rh->rc;
}

static int raw_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	strcpy(addr.sun_path, path);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_malformed(struct vmhv_proc *vp)
{
	int fd = raw_connect(vmhv_proc_path(vp, "privcmd"));
	struct privcmd_hdr h = { PRIVCMD_MAGIC, PRIVCMD_VERSION, PRIVCMD_OP_VERSION, 42, 0, 0, 0 };
	struct privcmd_hdr rh;
	char *big;

	ok(fd >= 0, "raw connect");
	is_int(raw_call(fd, "xx", 2, &rh), -EBADMSG, "2-byte packet: EBADMSG");
	h.magic = 1;
	is_int(raw_call(fd, &h, sizeof(h), &rh), -EBADMSG, "bad magic: EBADMSG");
	h.magic = PRIVCMD_MAGIC;
	h.version = 9;
	is_int(raw_call(fd, &h, sizeof(h), &rh), -EPROTONOSUPPORT, "version 9: EPROTONOSUPPORT");
	is_int(rh.version, PRIVCMD_VERSION, "the reply says vmhv's version");
	is_int(rh.seq, 42, "the reply echoes seq");
	h.version = PRIVCMD_VERSION;
	h.op = 1000;
	is_int(raw_call(fd, &h, sizeof(h), &rh), -ENOSYS, "unknown op: ENOSYS");
	big = calloc(1, 200000);
	h.op = PRIVCMD_OP_VERSION;
	memcpy(big, &h, sizeof(h));
	is_int(raw_call(fd, big, 200000, &rh), -EMSGSIZE, "oversized packet: EMSGSIZE");
	free(big);
	h.op = PRIVCMD_OP_DOMAIN_GETINFO;
	is_int(raw_call(fd, &h, sizeof(h), &rh), -EINVAL, "missing payload: EINVAL");
	h.op = PRIVCMD_OP_VERSION;
	ok(raw_call(fd, &h, sizeof(h), &rh) == 0 && rh.len == sizeof(struct privcmd_version),
	   "the connection still works after bad packets");
	close(fd);
}

/* A non-root process that is not vmhv's user nor in its group is refused. */
static void test_peer_refused(struct vmhv_proc *vp)
{
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		ok(1, "# SKIP peer check needs root to switch users");
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct hv *h;
		struct privcmd_version v;

		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(3);
		if (hv_open(vp->dir, &h) < 0)
			_exit(0); /* refused at connect: fine too */
		_exit(hv_version(h, &v) == 0 ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "an unprivileged user is refused");
}

int main(void)
{
	struct vmhv_proc vp;
	int rc;

	rc = vmhv_proc_start(&vp, NULL);
	if (rc < 0) {
		printf("Bail out! vmhv did not start: %s\n", strerror(-rc));
		return 1;
	}
	test_rundir = vp.dir;
	test_host(vp.hv);
	test_create_bad(vp.hv);
	test_lifecycle(vp.hv);
	test_foreign_map(vp.hv);
	test_dmesg(vp.hv);
	test_dom0_evtchn(vp.hv);
	test_gnttab(vp.hv);
	test_malformed(&vp);
	test_peer_refused(&vp);

	struct vmhv_proc second;
	is_int(vmhv_proc_start(&second, NULL), 0, "a second vmhv in another rundir");
	vmhv_proc_stop(&second);

	is_int(vmhv_proc_term(&vp), 0, "SIGTERM: clean exit");
	ok(access(vmhv_proc_path(&vp, "privcmd"), F_OK) < 0, "socket removed");
	vmhv_proc_stop(&vp);
	return tap_done();
}
