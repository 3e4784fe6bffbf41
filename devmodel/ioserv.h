/* The device model's ioreq server in vmhv (docs/privcmd.md "ioreq
 * servers"): created over a privcmd connection, its shared pages mapped,
 * one eventfd per vCPU plus one for the buffered ring, ranges claimed as
 * the bus's regions come and go, and each request served through
 * io_handle().
 */
#ifndef VMCTL_DEVMODEL_IOSERV_H
#define VMCTL_DEVMODEL_IOSERV_H

#include "devmodel/bus.h"
#include "vmctl/ioreq.h"

#include <stdint.h>

struct dm;
struct hv;
struct evloop;
struct ev_watch;

struct ioserv {
	struct hv *hv;
	struct dm *dm;
	uint32_t domid, id, nr_vcpus;
	uint8_t *pages;                   /* IOREQ_SERVER_BYTES, shared with vmhv */
	struct ioserv_chan {              /* per vCPU, then the buffered ring */
		struct ioserv *s;
		uint32_t vcpu;
		int fd;                   /* vmhv's eventfd */
		struct ev_watch *w;
	} *chan;
	struct evloop *loop;
	uint64_t served, refused;
	bool linger;                      /* spin IOSERV_LINGER_NS after an answer */
};

#define IOSERV_LINGER_NS 20000

/* Create the server for `domid` on connection `hv`, map its pages and get
 * its eventfds. 0 or -errno. */
int ioserv_open(struct ioserv *s, struct hv *hv, struct dm *dm, uint32_t domid);
/* Claim every region the bus already has and every PCI device, and from
 * now on follow the bus (claims, releases, moved BARs). */
int ioserv_claim_all(struct ioserv *s);
/* Watch the eventfds in `loop`; then enable the server. */
int ioserv_start(struct ioserv *s, struct evloop *loop);
/* Serve whatever is pending in vCPU `v`'s slot / in the buffered ring. */
void ioserv_serve_vcpu(struct ioserv *s, uint32_t v);
void ioserv_serve_buffered(struct ioserv *s);
void ioserv_close(struct ioserv *s);

/* One shared slot as io_handle() wants it (the fields are copied once, so
 * a vmhv-side change during the request cannot matter). */
struct io_req;
void ioserv_decode(const struct ioreq *slot, struct io_req *r);

#endif
