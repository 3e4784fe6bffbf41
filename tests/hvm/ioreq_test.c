/* ioreq servers end to end: the privcmd checks (bad and overlapping ranges,
 * vmhv's own devices, other connections' servers, limits, release when the
 * connection closes), then the test guest's "ioreq" test served by the
 * tests' device model (dm.c): port IN/OUT, rep outsb as one request with a
 * count, MMIO, PCI configuration through 0xcf8/0xcfc, 1000 round trips. */
#include "libvmctl/build_hvm.h"
#include "libvmctl/hv.h"
#include "tests/hv/vmhv_proc.h"
#include "tests/hvm/dm.h"
#include "vmctl/ioreq.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int create(struct hv *hv, uint32_t flags, uint32_t *domid)
{
	uint8_t handle[16] = { 0 };

	return hv_domain_create(hv, handle, flags, 1, 4096, domid);
}

static int server(struct hv *hv, uint32_t domid, uint32_t *id, int *fd)
{
	struct privcmd_ioreq_create c = { .domid = domid };
	struct privcmd_ioreq_server s;
	int rc = hv_call(hv, PRIVCMD_OP_IOREQ_SERVER_CREATE, &c, sizeof(c), &s, sizeof(s), NULL, fd);

	*id = rc == 0 ? s.id : UINT32_MAX;
	if (rc < 0)
		*fd = -1;
	return rc;
}

static int range(struct hv *hv, unsigned op, uint32_t domid, uint32_t id, uint32_t type,
		 uint64_t start, uint64_t end)
{
	struct privcmd_ioreq_range r = { domid, id, type, 0, start, end };

	return hv_call(hv, op, &r, sizeof(r), NULL, 0, NULL, NULL);
}

static int id_op(struct hv *hv, unsigned op, uint32_t domid, uint32_t id, uint32_t value, int *fd)
{
	struct privcmd_ioreq_op r = { domid, id, value, 0 };

	return hv_call(hv, op, &r, sizeof(r), NULL, 0, NULL, fd);
}

static void checks(struct vmhv_proc *vp)
{
	struct hv *hv = vp->hv, *other;
	uint32_t pv, hvm, id, id2, ids[PRIVCMD_IOREQ_MAX_SERVERS];
	struct privcmd_irq_level irq;
	struct privcmd_ioreq_msi msi;
	int fd = -1, fds[PRIVCMD_IOREQ_MAX_SERVERS], n, rc;

	create(hv, 0, &pv);
	create(hv, PRIVCMD_CREATE_HVM, &hvm);
	is_int(server(hv, pv, &id, &fd), -EINVAL, "a pv domain has no ioreq servers");
	is_int(server(hv, 999, &id, &fd), -ESRCH, "nor a missing domain");
	is_int(server(hv, hvm, &id, &fd), 0, "create a server");
	ok(fd >= 0 && lseek(fd, 0, SEEK_END) == IOREQ_SERVER_BYTES, "its memfd holds the two pages");
	close(fd);
	is_int(range(hv, PRIVCMD_OP_IOREQ_MAP_RANGE, hvm, id, PRIVCMD_IOREQ_RANGE_PORT, 0x20, 0x21),
	       -EBUSY, "the PIC's ports are vmhv's");
	is_int(range(hv, PRIVCMD_OP_IOREQ_MAP_RANGE, hvm, id, PRIVCMD_IOREQ_RANGE_MMIO, 0xfee00000,
		     0xfee00fff), -EBUSY, "so is the LAPIC page");
	is_int(range(hv, PRIVCMD_OP_IOREQ_MAP_RANGE, hvm, id, PRIVCMD_IOREQ_RANGE_PORT, 0x10, 0x1),
	       -EINVAL, "start after end");
	is_int(range(hv, PRIVCMD_OP_IOREQ_MAP_RANGE, hvm, id, PRIVCMD_IOREQ_RANGE_PORT, 0xfff0,
		     0x10000), -EINVAL, "a port past 0xffff");
	is_int(range(hv, PRIVCMD_OP_IOREQ_MAP_RANGE, hvm, id, 7, 0, 1), -EINVAL, "an unknown type");
	is_int(range(hv, PRIVCMD_OP_IOREQ_MAP_RANGE, hvm, id, PRIVCMD_IOREQ_RANGE_PORT, 0xe9, 0xe9),
	       0, "the debug port may be claimed");
	is_int(range(hv, PRIVCMD_OP_IOREQ_MAP_RANGE, hvm, id, PRIVCMD_IOREQ_RANGE_PORT, 0x3f8, 0x3ff),
	       0, "map a port range");
	is_int(range(hv, PRIVCMD_OP_IOREQ_UNMAP_RANGE, hvm, id, PRIVCMD_IOREQ_RANGE_PORT, 0x3f8,
		     0x3fe), -ENOENT, "unmap must name the range as mapped");
	is_int(server(hv, hvm, &id2, &fd), 0, "a second server");
	close(fd);
	is_int(range(hv, PRIVCMD_OP_IOREQ_MAP_RANGE, hvm, id2, PRIVCMD_IOREQ_RANGE_PORT, 0x3fc,
		     0x400), -EBUSY, "overlapping another server's range");
	is_int(id_op(hv, PRIVCMD_OP_IOREQ_SERVER_EVENTFD, hvm, id, 1, &fd), -EINVAL,
	       "no eventfd for a vCPU the domain does not have");
	is_int(id_op(hv, PRIVCMD_OP_IOREQ_SERVER_EVENTFD, hvm, id, PRIVCMD_IOREQ_BUF_EVENTFD, &fd), 0,
	       "the buffered ring's eventfd");
	close(fd);
	is_int(id_op(hv, PRIVCMD_OP_IOREQ_SERVER_SET_STATE, hvm, id, 2, NULL), -EINVAL, "state 2");
	n = 0;
	for (rc = 0; rc == 0 && n < PRIVCMD_IOREQ_MAX_SERVERS; n++)
		rc = server(hv, hvm, &ids[n], &fds[n]);
	is_int(rc, -ENOSPC, "at most 8 servers per domain");
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	irq = (struct privcmd_irq_level){ hvm, PRIVCMD_IRQ_ISA, 16, 1 };
	is_int(hv_call(hv, PRIVCMD_OP_IRQ_LEVEL, &irq, sizeof(irq), NULL, 0, NULL, NULL), -EINVAL,
	       "ISA IRQ 16 does not exist");
	irq.irq = 4;
	is_int(hv_call(hv, PRIVCMD_OP_IRQ_LEVEL, &irq, sizeof(irq), NULL, 0, NULL, NULL), 0,
	       "ISA IRQ 4 (before the domain runs: nothing to deliver)");
	msi = (struct privcmd_ioreq_msi){ hvm, 0x30, 0x12345678 };
	is_int(hv_call(hv, PRIVCMD_OP_INJECT_MSI, &msi, sizeof(msi), NULL, 0, NULL, NULL), -EINVAL,
	       "an MSI address outside 0xfeexxxxx");

	if (hv_open(vp->dir, &other) < 0)
	{
		diag("cannot open a second connection");
		return;
	}
	is_int(range(other, PRIVCMD_OP_IOREQ_MAP_RANGE, hvm, id, PRIVCMD_IOREQ_RANGE_PORT, 0x60,
		     0x60), -EPERM, "another connection cannot use the server");
	is_int(id_op(other, PRIVCMD_OP_IOREQ_SERVER_DESTROY, hvm, id, 0, NULL), -EPERM,
	       "nor destroy it");
	hv_close(hv);  /* the owner goes: its servers and ranges go with it */
	vp->hv = other;
	/* vmhv sees the close when it next polls: retry for a moment */
	for (int i = 0; i < 100 && (rc = server(other, hvm, &id, &fd)) == -ENOSPC; i++)
		usleep(10000);
	is_int(rc, 0, "servers are freed when their connection closes");
	if (rc == 0)
		close(fd);
	is_int(range(other, PRIVCMD_OP_IOREQ_MAP_RANGE, hvm, id, PRIVCMD_IOREQ_RANGE_PORT, 0x3f8,
		     0x3ff), 0, "and so are their ranges");
	is_int(id_op(other, PRIVCMD_OP_IOREQ_SERVER_DESTROY, hvm, id, 0, NULL), 0, "destroy");
	hv_domain_destroy(other, hvm);
	hv_domain_destroy(other, pv);
}

/* The guest's log lines (vmhv's console, "(dN) " stripped) after `pos`. */
static char *guest_log(struct hv *hv, uint64_t pos, uint32_t domid)
{
	static char buf[65536], out[65536];
	char prefix[16];
	int n = hv_dmesg(hv, &pos, buf, sizeof(buf) - 1, 0);
	size_t o = 0;

	snprintf(prefix, sizeof(prefix), "(d%u) ", domid);
	buf[n > 0 ? n : 0] = 0;
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
		if (!strncmp(l, prefix, strlen(prefix)))
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s\n", l + strlen(prefix));
	out[o] = 0;
	return out;
}

static void boot(struct hv *hv, struct hv *poll, const char *guest)
{
	struct build_hvm b = { .kernel = guest, .cmdline = "ioreq" };
	struct privcmd_dominfo info = { 0 };
	uint64_t pos = 0;
	char none[1];
	struct dm dm;
	uint32_t domid;
	char *log;

	hv_dmesg(hv, &pos, none, 0, 0);
	create(hv, PRIVCMD_CREATE_HVM, &domid);
	is_int(dm_start(&dm, hv, domid), 0, "the device model registers");
	b.domid = domid;
	is_int(build_hvm(hv, &b), 0, "build the guest");
	is_int(dm_run(&dm), 0, "the device model runs");
	hv_domain_unpause(hv, domid);
	for (int i = 0; i < 3000 && !(info.flags & PRIVCMD_DOMINF_SHUTDOWN); i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		hv_domain_getinfo(poll, domid, &info);   /* dm's thread uses hv */
	}
	dm_stop(&dm);
	log = guest_log(hv, pos, domid);
	ok((info.flags & PRIVCMD_DOMINF_SHUTDOWN) && info.shutdown_reason == 0,
	   "the guest powered off");
	ok(strstr(log, "hvm guest: PASSED\n") && !strstr(log, "not ok"),
	   "the guest's ioreq tests passed");
	if (!strstr(log, "hvm guest: PASSED\n"))
		diag("guest log:\n%s", log);
	ok(dm.count508 == 64, "rep outsb arrived as one request of 64");
	ok(atomic_load(&dm.hostile) == 1, "the spoiled answer was given (once)");
	ok(atomic_load(&dm.served) >= 1000, "the device model answered every request");
	hv_domain_destroy(hv, domid);
}

int main(int argc, char **argv)
{
	struct vmhv_proc vp;
	struct hv *poll;

	if (vmhv_proc_start(&vp, NULL) < 0) {
		ok(0, "start vmhv");
		return tap_done();
	}
	checks(&vp);
	if (hv_open(vp.dir, &poll) < 0) {
		ok(0, "a second connection");
		return tap_done();
	}
	boot(vp.hv, poll, vmhv_proc_build_path("tests/hvm/guest/hvmguest"));
	hv_close(poll);
	vmhv_proc_stop(&vp);
	return tap_done();
}
